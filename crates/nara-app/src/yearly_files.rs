//! The årsrapport as files: the accessible PDF (typeset by `nara-pdf`) and the Excel appendix
//! (`nara-excel`), both from the same version of the report the web page shows and from core's
//! words, so every number is the same in all three. The work is CPU-bound and runs off the
//! async threads.

use nara_core::Instrument;
use nara_core::yearly::Words;
use nara_store::Store;

use crate::yearly::{YearView, view};
use crate::{Error, Result};

/// The version in words: "Version 2, slutlig 2027-03-01 09:12 UTC av samordnare." or the draft's.
pub fn state_words(v: &YearView) -> String {
    let when = crate::exports::local;
    match (v.version, &v.made) {
        (Some(n), Some((by, at))) => format!("Version {n}, slutlig {} av {by}.", when(*at)),
        (None, Some((by, at))) => {
            format!(
                "Utkast: texterna sparades senast {} av {by}. Siffrorna är dagens.",
                when(*at)
            )
        }
        _ => "Utkast: inga texter är skrivna ännu. Siffrorna är dagens.".into(),
    }
}

/// Which version, for whom.
#[derive(Debug, Clone, Copy)]
pub struct Which {
    /// The year.
    pub year: u16,
    /// The live draft (the coordinator) rather than the newest final version.
    pub draft: bool,
    /// Only the public indicators (everyone but the coordinator).
    pub public_only: bool,
}

/// The version asked for, for its reader, with the instrument of its round (for the radars).
async fn version(store: &dyn Store, w: Which) -> Result<(YearView, Option<Instrument>)> {
    let mut v = view(store, w.year, w.draft).await?;
    if w.public_only {
        v = v.public_only();
    }
    let inst = match v.report.round {
        Some(r) => Some(crate::round_instrument(store, r).await?.1),
        None => None,
    };
    Ok((v, inst))
}

fn blocking_err(e: tokio::task::JoinError) -> Error {
    Error::internal("Årsrapportens fil", e)
}

/// The report as a tagged PDF, and its file name (`arsrapport-2026.pdf`, `-utkast` for a draft).
pub async fn pdf(store: &dyn Store, w: Which) -> Result<(String, Vec<u8>)> {
    let (v, inst) = version(store, w).await?;
    let name = file_name(&v, "pdf");
    let bytes = tokio::task::spawn_blocking(move || {
        let words = Words::new(&v.report, &v.texts);
        let state = state_words(&v);
        let made_by = v.made.as_ref().map_or("Nära", |m| m.0.as_str());
        nara_pdf::year_report(
            &words,
            &nara_pdf::Meta {
                state: &state,
                made_by,
                instrument: inst.as_ref(),
            },
        )
    })
    .await
    .map_err(blocking_err)?
    .map_err(|e| Error::internal("Årsrapportens PDF", e))?;
    Ok((name, bytes))
}

/// The report's Excel appendix, and its file name.
pub async fn xlsx(store: &dyn Store, w: Which) -> Result<(String, Vec<u8>)> {
    let (v, _) = version(store, w).await?;
    let name = file_name(&v, "xlsx");
    let bytes = tokio::task::spawn_blocking(move || {
        nara_excel::summary::year_workbook(&v.report, &v.texts, &state_words(&v))
    })
    .await
    .map_err(blocking_err)?
    .map_err(|e| Error::internal("Årsrapportens bilaga", e))?;
    Ok((name, bytes))
}

fn file_name(v: &YearView, ext: &str) -> String {
    match v.version {
        Some(n) => format!("arsrapport-{}-version-{n}.{ext}", v.report.year),
        None => format!("arsrapport-{}-utkast.{ext}", v.report.year),
    }
}

impl crate::App {
    /// The year's report as a tagged PDF, and its file name.
    pub async fn year_report_pdf(&self, which: Which) -> Result<(String, Vec<u8>)> {
        pdf(self.store.as_ref(), which).await
    }

    /// The year's Excel appendix, and its file name.
    pub async fn year_report_xlsx(&self, which: Which) -> Result<(String, Vec<u8>)> {
        xlsx(self.store.as_ref(), which).await
    }
}
