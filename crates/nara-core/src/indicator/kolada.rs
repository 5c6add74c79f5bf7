//! Kolada's API v3 as data: the addresses a sync asks for (at most 25 ids per list, as the API
//! allows) and the pages it answers with, read into values. The same reader serves the sync and
//! the offline import of saved pages. A missing or suppressed value is `None`, never 0.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The most ids the API takes in one list segment.
pub const MAX_IDS_PER_LIST: usize = 25;

/// The largest page the reader accepts (Kolada's pages of 5,000 rows are about 1.5 MB).
pub const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// Whose value: everyone, women or men.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Gender {
    /// Totalt.
    T,
    /// Kvinnor.
    K,
    /// Män.
    M,
}

impl Gender {
    /// The Swedish word.
    pub fn label(self) -> &'static str {
        match self {
            Self::T => "totalt",
            Self::K => "kvinnor",
            Self::M => "män",
        }
    }
}

/// One value of one indicator for one organisation (or the country) and year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Value {
    /// Kolada's KPI id.
    pub kpi: String,
    /// Kolada's municipality or region id (`2080`, `0020`, `0000`).
    pub municipality: String,
    /// The year measured.
    pub period: u16,
    /// Whose value.
    pub gender: Gender,
    /// Kolada's status of the value (often empty).
    pub status: String,
    /// The value; `None` when missing or suppressed.
    pub value: Option<f64>,
    /// How many cases (people, answers) the value rests on, when the source says (a local
    /// table's `antal` column; Kolada suppresses small counts itself and gives none).
    pub cases: Option<u32>,
    /// Whether Kolada marks the row deleted (its earlier value no longer holds).
    pub deleted: bool,
}

/// One page of values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataPage {
    /// The values, one per gender of each row.
    pub values: Vec<Value>,
    /// How many rows the whole answer has, when Kolada says.
    pub count: Option<u64>,
    /// The next page's address; `None` on the last page.
    pub next_url: Option<String>,
}

#[derive(Deserialize)]
struct RawPage {
    values: Vec<RawRow>,
    #[serde(default)]
    count: Option<u64>,
    #[serde(default)]
    next_url: Option<String>,
}

#[derive(Deserialize)]
struct RawRow {
    kpi: String,
    municipality: String,
    period: u16,
    #[serde(default)]
    isdeleted: Option<bool>,
    values: Vec<RawValue>,
}

#[derive(Deserialize)]
struct RawValue {
    gender: Gender,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    value: Option<f64>,
}

fn unreadable(what: &str, detail: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("{what} från Kolada kunde inte läsas ({detail})."))
}

fn too_large(what: &str, len: usize) -> Error {
    Error::Invalid(format!(
        "{what} från Kolada är för stort ({} MB; högst {} MB läses).",
        len / (1024 * 1024),
        MAX_PAGE_BYTES / (1024 * 1024)
    ))
}

/// Reads a data page (`/v3/data/…`).
pub fn parse_data_page(json: &[u8]) -> Result<DataPage> {
    if json.len() > MAX_PAGE_BYTES {
        return Err(too_large("Svaret", json.len()));
    }
    let raw: RawPage = serde_json::from_slice(json).map_err(|e| unreadable("Svaret", e))?;
    let mut values = Vec::new();
    for row in raw.values {
        for v in row.values {
            values.push(Value {
                kpi: row.kpi.clone(),
                municipality: row.municipality.clone(),
                period: row.period,
                gender: v.gender,
                status: v.status.unwrap_or_default(),
                // A value that is not a finite number is as good as missing.
                value: v.value.filter(|x| x.is_finite()),
                cases: None,
                deleted: row.isdeleted.unwrap_or(false),
            });
        }
    }
    Ok(DataPage {
        values,
        count: raw.count,
        next_url: raw.next_url.filter(|u| !u.trim().is_empty()),
    })
}

/// What Kolada says about an indicator (`/v3/kpi/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiInfo {
    /// The KPI id.
    pub id: String,
    /// Its Swedish title.
    pub title: String,
    /// When Kolada last published it (`YYYY-MM-DD`), when it says.
    #[serde(default)]
    pub publication_date: Option<String>,
    /// Kolada's text about its period, when it says.
    #[serde(default)]
    pub publ_period: Option<String>,
    /// Whether it has values for women and men.
    #[serde(default)]
    pub is_divided_by_gender: Option<bool>,
}

#[derive(Deserialize)]
struct RawKpis {
    values: Vec<KpiInfo>,
}

/// Reads an indicator page (`/v3/kpi/{ids}`).
pub fn parse_kpi_page(json: &[u8]) -> Result<Vec<KpiInfo>> {
    if json.len() > MAX_PAGE_BYTES {
        return Err(too_large("Nyckeltalsbeskrivningen", json.len()));
    }
    let raw: RawKpis =
        serde_json::from_slice(json).map_err(|e| unreadable("Nyckeltalsbeskrivningen", e))?;
    Ok(raw.values)
}

/// The data addresses for `kpis` × `municipalities` × `years` under `base`
/// (`https://api.kolada.se/v3`), each list at most [`MAX_IDS_PER_LIST`] ids; every address is
/// a first page (follow [`DataPage::next_url`]).
pub fn data_urls(base: &str, kpis: &[&str], municipalities: &[&str], years: &[u16]) -> Vec<String> {
    let base = base.trim_end_matches('/');
    let years: Vec<String> = years.iter().map(u16::to_string).collect();
    let years: Vec<&str> = years.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for k in kpis.chunks(MAX_IDS_PER_LIST) {
        for m in municipalities.chunks(MAX_IDS_PER_LIST) {
            for y in years.chunks(MAX_IDS_PER_LIST) {
                out.push(format!(
                    "{base}/data/kpi/{}/municipality/{}/year/{}",
                    k.join(","),
                    m.join(","),
                    y.join(",")
                ));
            }
        }
    }
    out
}

/// The address of the indicators' descriptions, at most [`MAX_IDS_PER_LIST`] per address.
pub fn kpi_urls(base: &str, kpis: &[&str]) -> Vec<String> {
    let base = base.trim_end_matches('/');
    kpis.chunks(MAX_IDS_PER_LIST)
        .map(|k| format!("{base}/kpi/{}", k.join(",")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"{
      "values": [
        {"kpi": "N21700", "municipality": "2080", "period": 2024,
         "values": [{"gender": "T", "status": "", "value": 37.4},
                    {"gender": "K", "status": "", "value": 40.1},
                    {"gender": "M", "status": "", "value": null}]},
        {"kpi": "N21700", "municipality": "0020", "period": 2024, "isdeleted": true,
         "values": [{"gender": "T", "value": 0}]}
      ],
      "count": 3,
      "next_url": "https://api.kolada.se/v3/data/kpi/N21700/year/2024?page=2"
    }"#;

    #[test]
    fn a_page_reads_every_gender_and_a_null_stays_missing() {
        let p = parse_data_page(PAGE.as_bytes()).unwrap();
        assert_eq!(p.values.len(), 4);
        assert_eq!(p.count, Some(3));
        assert!(p.next_url.as_deref().unwrap().ends_with("page=2"));
        let men = &p.values[2];
        assert_eq!((men.gender, men.value), (Gender::M, None), "null is not 0");
        assert_eq!(p.values[1].value, Some(40.1));
        assert!(p.values[3].deleted && p.values[3].value == Some(0.0));
        let last = parse_data_page(br#"{"values": [], "next_url": ""}"#).unwrap();
        assert_eq!(last.next_url, None, "an empty next_url ends the pages");
    }

    #[test]
    fn a_broken_or_huge_page_is_refused_in_swedish() {
        let e = parse_data_page(b"{\"values\": [{\"kpi\": 1}]}").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Svaret från Kolada kunde inte läsas"),
            "{e}"
        );
        let e = parse_data_page(br#"{"values": [{"kpi": "N1", "municipality": "2080", "period": 2024, "values": [{"gender": "X"}]}]}"#).unwrap_err();
        assert!(e.to_string().contains("kunde inte läsas"), "{e}");
        let huge = vec![b' '; MAX_PAGE_BYTES + 1];
        assert!(
            parse_data_page(&huge)
                .unwrap_err()
                .to_string()
                .contains("för stort")
        );
    }

    #[test]
    fn kpi_pages_give_titles_and_publication_dates() {
        let k = parse_kpi_page(br#"{"values": [{"id": "U21468", "title": "Brukarbed\u00f6mning", "publication_date": "2025-03-01", "auspice": "X", "operating_area": "Omsorg"}], "count": 1}"#).unwrap();
        assert_eq!(k[0].title, "Brukarbedömning");
        assert_eq!(k[0].publication_date.as_deref(), Some("2025-03-01"));
    }

    #[test]
    fn lists_are_cut_at_25_ids() {
        let kpis: Vec<String> = (0..30).map(|i| format!("N{i:05}")).collect();
        let kpis: Vec<&str> = kpis.iter().map(String::as_str).collect();
        let urls = data_urls(
            "https://api.kolada.se/v3/",
            &kpis,
            &["2080", "0020"],
            &[2024, 2025],
        );
        assert_eq!(urls.len(), 2);
        assert!(urls[0].starts_with("https://api.kolada.se/v3/data/kpi/N00000,"));
        assert_eq!(urls[0].matches(',').count(), 24 + 1 + 1);
        assert!(urls[1].ends_with(
            "/kpi/N00025,N00026,N00027,N00028,N00029/municipality/2080,0020/year/2024,2025"
        ));
        assert_eq!(kpi_urls("http://x/v3", &kpis).len(), 2);
    }
}
