//! `nara-pdf` typesets the årsrapport as a PDF inside the binary, with no browser and no system
//! fonts: Typst as a library, its PDF backend and the fonts it bundles. The document is tagged
//! and checked against PDF/UA-1 by Typst itself (a document title, Swedish as its language,
//! headings in order, tables with header rows, an alternative text for every chart); what the
//! document shows is core's words ([`nara_core::yearly::Words`]), the same as the web page's,
//! and the charts' geometry comes from core's chart frames.

use nara_core::Instrument;
use nara_core::yearly::{METHOD, READING, Words};
use serde::Serialize;
use typst::diag::{SourceDiagnostic, Warned};
use typst::ecow::EcoVec;
use typst::foundations::Smart;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

mod charts;
mod world;

/// What went wrong; the template is ours, so any of these is a fault in Nära, not in the data.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The data could not be written for the template.
    #[error("Årsrapportens underlag kunde inte skrivas för PDF:en: {0}")]
    Data(String),
    /// Typst could not typeset the document.
    #[error("Årsrapporten kunde inte sättas som PDF: {0}")]
    Typeset(String),
}

/// What the PDF says about itself beside the report.
pub struct Meta<'a> {
    /// "Version 2, slutlig 2027-03-01 09:12 av samordnare" or "Utkast …".
    pub state: &'a str,
    /// Who made it (the document's author).
    pub made_by: &'a str,
    /// The year's self-assessment instrument, for the radars (none without a round).
    pub instrument: Option<&'a Instrument>,
}

#[derive(Serialize)]
struct Data<'a> {
    w: &'a Words,
    state: &'a str,
    made_by: &'a str,
    reading: &'a [&'a str],
    method: &'a str,
    charts: Vec<Vec<Option<charts::LineChart>>>,
    radars: Vec<Option<charts::Radar>>,
}

fn messages(d: &EcoVec<SourceDiagnostic>) -> String {
    (d.iter())
        .map(|x| x.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The årsrapport as a tagged PDF (PDF/UA-1).
pub fn year_report(words: &Words, meta: &Meta) -> Result<Vec<u8>, Error> {
    let data = Data {
        w: words,
        state: meta.state,
        made_by: meta.made_by,
        reading: &READING,
        method: METHOD,
        charts: (words.chapters.iter())
            .map(|c| c.indicators.iter().map(charts::line_chart).collect())
            .collect(),
        radars: (words.profiles.iter())
            .map(|p| meta.instrument.and_then(|i| charts::radar(i, p)))
            .collect(),
    };
    let json = serde_json::to_vec(&data).map_err(|e| Error::Data(e.to_string()))?;
    let world = world::ReportWorld::new(json)
        .ok_or_else(|| Error::Data("mallens filer kunde inte ordnas".into()))?;
    let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
    let doc = output.map_err(|d| Error::Typeset(messages(&d)))?;
    let standards =
        PdfStandards::new(&[PdfStandard::Ua_1]).map_err(|e| Error::Typeset(format!("{e:?}")))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("nara-arsrapport-{}", words.title)),
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&doc, &options).map_err(|d| Error::Typeset(messages(&d)))
}
