//! Nyckeltal from Kolada: the sync fetches every catalogue indicator's values for the county's
//! organisations and the country, with Kolada's own titles and publication dates, and stores
//! them all at once (or nothing, when any page fails). Pages are read with
//! `nara_core::indicator::kolada`; retries on 429 and 5xx back off; only addresses under the
//! configured base are followed.

use std::time::Duration;

use nara_core::indicator::kolada::{self, KpiInfo, MAX_PAGE_BYTES, Value};
use nara_core::indicator::{Catalogue, Source};
use nara_core::org::{KOLADA_COUNTRY, Organisation};
use nara_store::{NewValue, Store, ValueChanges};
use serde::Serialize;

use crate::{Error, Result};

/// The largest indicator file read (larger ones are refused with a message).
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Reads the years of a sync or a template as people write them: `2019..2025`, `2024` or
/// `2023,2024`, each from 1990 to 2100, at most 30 of them; a Swedish sentence otherwise.
pub fn parse_years(text: &str) -> std::result::Result<Vec<u16>, String> {
    let year = |s: &str| match s.trim().parse::<u16>() {
        Ok(y) if (1990..=2100).contains(&y) => Ok(y),
        _ => Err(format!(
            "”{}” är inget år. Skriv till exempel 2019..2025.",
            s.trim().chars().take(20).collect::<String>()
        )),
    };
    let years: Vec<u16> = match text.trim().split_once("..") {
        Some((a, b)) => {
            let (a, b) = (year(a)?, year(b.trim_start_matches('='))?);
            if a > b {
                return Err(format!(
                    "Åren {a}..{b} går baklänges: skriv det tidigaste först."
                ));
            }
            (a..=b).collect()
        }
        None if text.trim().is_empty() => {
            return Err("Ange vilka år, till exempel 2019..2025.".into());
        }
        None => text
            .split(',')
            .map(year)
            .collect::<std::result::Result<_, _>>()?,
    };
    if years.len() > 30 {
        return Err("Högst 30 år åt gången.".into());
    }
    Ok(years)
}

/// Kolada's API.
pub const KOLADA_URL: &str = "https://api.kolada.se/v3";

/// How a sync talks to Kolada.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// The API's base address (`https://api.kolada.se/v3`; a local stand-in in tests).
    pub base_url: String,
    /// The years to fetch.
    pub years: Vec<u16>,
    /// How many times a request is tried again after 429, a 5xx or a broken connection.
    pub retries: u32,
    /// The first wait before trying again (doubled each time; a `Retry-After` of at most a
    /// minute is honoured instead).
    pub backoff: Duration,
    /// The longest one request may take.
    pub timeout: Duration,
    /// The most pages one list of ids may have (a guard against a server that never ends).
    pub max_pages: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            base_url: KOLADA_URL.into(),
            years: Vec::new(),
            retries: 4,
            backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(60),
            max_pages: 200,
        }
    }
}

/// What a sync did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    /// Requests made (retries included).
    pub requests: usize,
    /// Of them, retries.
    pub retries: usize,
    /// Values read (each gender counted).
    pub values: usize,
    /// Of them, missing or suppressed (kept missing).
    pub missing: usize,
    /// What storing them changed.
    pub changes: ValueChanges,
    /// Indicators whose title in Kolada differs from the catalogue's: (id, catalogue, Kolada).
    pub retitled: Vec<(String, String, String)>,
    /// Catalogue indicators Kolada did not describe (a wrong or retired id).
    pub unknown: Vec<String>,
}

fn http_client(timeout: Duration) -> Result<reqwest::Client> {
    // The process's TLS provider: ring (no C build). Installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("nara/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::internal("HTTP-klienten kunde inte skapas", e))
}

fn unavailable(url: &str, what: impl std::fmt::Display) -> Error {
    Error::Unavailable(format!(
        "Kolada svarade inte som väntat på {url} ({what}). Inget sparades; försök igen senare."
    ))
}

/// A failed request in Swedish words (reqwest's own text repeats the address in English).
fn why(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "inget svar inom tiden"
    } else if e.is_connect() {
        "ingen förbindelse"
    } else if e.is_body() || e.is_decode() {
        "svaret avbröts"
    } else {
        "förbindelsen bröts"
    }
}

/// Fetches one address, trying again on 429, 5xx and broken connections; the body is read up
/// to [`MAX_PAGE_BYTES`].
async fn fetch(
    client: &reqwest::Client,
    url: &str,
    opts: &SyncOptions,
    report: &mut SyncReport,
) -> Result<Vec<u8>> {
    let mut wait = opts.backoff;
    let mut attempt = 0;
    loop {
        report.requests += 1;
        let retry_after = match client.get(url).send().await {
            Ok(mut resp) if resp.status().is_success() => {
                if resp
                    .content_length()
                    .is_some_and(|n| n > MAX_PAGE_BYTES as u64)
                {
                    return Err(unavailable(url, "svaret är för stort"));
                }
                let mut body = Vec::new();
                while let Some(chunk) = resp.chunk().await.map_err(|e| unavailable(url, why(&e)))? {
                    if body.len() + chunk.len() > MAX_PAGE_BYTES {
                        return Err(unavailable(url, "svaret är för stort"));
                    }
                    body.extend_from_slice(&chunk);
                }
                return Ok(body);
            }
            Ok(resp) => {
                let status = resp.status();
                if !(status.as_u16() == 429 || status.is_server_error()) || attempt >= opts.retries
                {
                    return Err(unavailable(url, format!("HTTP {}", status.as_u16())));
                }
                (resp.headers().get(reqwest::header::RETRY_AFTER))
                    .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok())
                    .filter(|s| *s <= 60)
                    .map(Duration::from_secs)
            }
            Err(e) if attempt < opts.retries => {
                tracing::warn!(url, error = %e, "Kolada: trying again");
                None
            }
            Err(e) => {
                tracing::warn!(url, error = %e, "Kolada: giving up");
                return Err(unavailable(url, why(&e)));
            }
        };
        attempt += 1;
        report.retries += 1;
        tokio::time::sleep(retry_after.unwrap_or(wait)).await;
        wait = wait.saturating_mul(2);
    }
}

/// Whether `next` lies under `base` (the same scheme, host and path prefix): a page may not
/// send the sync elsewhere.
fn under(base: &str, next: &str) -> bool {
    let base = base.trim_end_matches('/');
    next.strip_prefix(base)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
}

/// Fetches every catalogue indicator from Kolada for `orgs` and the country over the years
/// asked, and stores the values in one go (nothing when any request fails).
pub async fn sync(
    store: &dyn Store,
    catalogue: &Catalogue,
    orgs: &[Organisation],
    opts: &SyncOptions,
    actor: &str,
) -> Result<SyncReport> {
    if opts.years.is_empty() {
        return Err(Error::Invalid(
            "Ange vilka år som ska hämtas, till exempel --years 2019..2025.".into(),
        ));
    }
    let kpis: Vec<&str> = catalogue.kolada_ids().collect();
    if kpis.is_empty() {
        return Err(Error::Invalid(
            "Katalogen har inga nyckeltal från Kolada att hämta.".into(),
        ));
    }
    let mut places: Vec<String> = orgs.iter().map(Organisation::kolada_id).collect();
    places.push(KOLADA_COUNTRY.into());
    let places: Vec<&str> = places.iter().map(String::as_str).collect();
    let client = http_client(opts.timeout)?;
    let mut report = SyncReport::default();

    let mut info: Vec<KpiInfo> = Vec::new();
    for url in kolada::kpi_urls(&opts.base_url, &kpis) {
        let body = fetch(&client, &url, opts, &mut report).await?;
        info.extend(kolada::parse_kpi_page(&body).map_err(|e| unavailable(&url, e))?);
    }
    for ind in (catalogue.indicators.iter()).filter(|i| i.source == Source::Kolada) {
        match info.iter().find(|k| k.id == ind.id) {
            None => report.unknown.push(ind.id.clone()),
            Some(k) if k.title.trim() != ind.title.trim() => {
                report
                    .retitled
                    .push((ind.id.clone(), ind.title.clone(), k.title.clone()))
            }
            Some(_) => {}
        }
    }

    let mut values: Vec<Value> = Vec::new();
    for first in kolada::data_urls(&opts.base_url, &kpis, &places, &opts.years) {
        let mut url = first;
        let mut pages = 0;
        loop {
            pages += 1;
            if pages > opts.max_pages {
                return Err(unavailable(
                    &url,
                    format!("fler än {} sidor", opts.max_pages),
                ));
            }
            let body = fetch(&client, &url, opts, &mut report).await?;
            let page = kolada::parse_data_page(&body).map_err(|e| unavailable(&url, e))?;
            values.extend(page.values);
            match page.next_url {
                Some(next) if under(&opts.base_url, &next) => url = next,
                Some(next) => {
                    return Err(unavailable(
                        &url,
                        format!("nästa sida pekar utanför Kolada: {next}"),
                    ));
                }
                None => break,
            }
        }
    }
    report.values = values.len();
    report.missing = values.iter().filter(|v| v.value.is_none()).count();
    let published =
        |kpi: &str| (info.iter().find(|k| k.id == kpi)).and_then(|k| k.publication_date.as_deref());
    let new: Vec<NewValue> = values
        .iter()
        .map(|value| NewValue {
            value,
            published: published(&value.kpi),
        })
        .collect();
    store.put_indicator_info(&info).await?;
    report.changes = store.put_indicator_values(&new, "kolada", actor).await?;
    Ok(report)
}

/// A file's bytes, at most `max` of them (a larger file is refused, whatever its size says).
fn read_bounded(path: &std::path::Path, max: u64) -> std::result::Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("Filen kan inte läsas: {e}."))?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("Filen kan inte läsas: {e}."))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "Filen är för stor (högst {} MB tas emot).",
            max / (1024 * 1024)
        ));
    }
    Ok(bytes)
}

/// What became of one indicator file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The file's name.
    pub file: String,
    /// What storing its values changed; `None` when it was refused.
    pub changes: Option<ValueChanges>,
    /// Why it was refused: each problem with its row and column.
    pub problems: Vec<nara_excel::Problem>,
}

/// Reads indicator files (Kolada's saved JSON pages or long CSV tables; see
/// [`nara_excel::indicators::read_values`]) and stores each file's values whole, or nothing of a
/// file with any problem; a value of an indicator the catalogue does not hold is a problem.
pub async fn import_files(
    store: &dyn Store,
    catalogue: &Catalogue,
    paths: &[std::path::PathBuf],
    actor: &str,
) -> Result<Vec<FileReport>> {
    let mut out = Vec::new();
    for path in paths {
        let file = (path.file_name()).map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let refused = |problems: Vec<nara_excel::Problem>| FileReport {
            file: file.clone(),
            changes: None,
            problems,
        };
        let bytes = match read_bounded(path, MAX_FILE_BYTES) {
            Ok(b) => b,
            Err(message) => {
                out.push(refused(vec![nara_excel::Problem {
                    sheet: None,
                    cell: None,
                    message,
                }]));
                continue;
            }
        };
        out.push(import_bytes(store, catalogue, &file, &bytes, actor).await?);
    }
    Ok(out)
}

/// Reads one indicator file's bytes (see [`import_files`]) and stores its values whole, or
/// nothing when it has any problem. `file` names it in messages and as the values' source.
pub async fn import_bytes(
    store: &dyn Store,
    catalogue: &Catalogue,
    file: &str,
    bytes: &[u8],
    actor: &str,
) -> Result<FileReport> {
    let limits = nara_excel::Limits {
        max_file_bytes: MAX_FILE_BYTES,
        ..nara_excel::Limits::default()
    };
    let refused = |problems: Vec<nara_excel::Problem>| FileReport {
        file: file.to_string(),
        changes: None,
        problems,
    };
    let values = match nara_excel::indicators::read_values(file, bytes, &limits) {
        Ok(v) => v,
        Err(problems) => return Ok(refused(problems)),
    };
    let mut unknown: Vec<&str> = (values.iter())
        .map(|v| v.kpi.as_str())
        .filter(|k| !catalogue.indicators.iter().any(|i| i.id == *k))
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    if !unknown.is_empty() {
        return Ok(refused(vec![nara_excel::Problem {
            sheet: None,
            cell: None,
            message: format!(
                "Nyckeltalen {} finns inte i katalogen. Lägg till dem i katalogen eller ta bort raderna.",
                unknown.join(", ")
            ),
        }]));
    }
    let new: Vec<NewValue> = (values.iter())
        .map(|value| NewValue {
            value,
            published: None,
        })
        .collect();
    let changes = store.put_indicator_values(&new, file, actor).await?;
    Ok(FileReport {
        file: file.to_string(),
        changes: Some(changes),
        problems: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn years_read_as_people_write_them() {
        assert_eq!(
            super::parse_years("2023..2025").unwrap(),
            [2023, 2024, 2025]
        );
        assert_eq!(super::parse_years("2023..=2024").unwrap(), [2023, 2024]);
        assert_eq!(super::parse_years("2024, 2022").unwrap(), [2024, 2022]);
        assert!(
            super::parse_years("2025..2023")
                .unwrap_err()
                .contains("baklänges")
        );
        assert!(
            super::parse_years("tjugo")
                .unwrap_err()
                .contains("”tjugo” är inget år")
        );
        assert!(
            super::parse_years("1900..2100")
                .unwrap_err()
                .contains("inget år")
        );
        assert!(
            super::parse_years("2000..2040")
                .unwrap_err()
                .contains("Högst 30")
        );
        assert!(super::parse_years(" ").is_err());
    }

    #[test]
    fn only_addresses_under_the_base_are_followed() {
        let base = "https://api.kolada.se/v3";
        assert!(super::under(
            base,
            "https://api.kolada.se/v3/data/kpi/N1?page=2"
        ));
        assert!(!super::under(base, "https://api.kolada.se/v30/data"));
        assert!(!super::under(base, "https://evil.example/v3/data"));
        assert!(!super::under(
            base,
            "https://api.kolada.se.evil.example/v3/data"
        ));
    }
}
