//! Checking forms without a database (`nara validate`).

use std::sync::Arc;

use nara_core::{Instrument, RoundStatus};
use nara_excel::ImportContext;

use super::{BatchReport, FileReport, Limits, Status, expand, parse_files, rejected, scores_of};
use crate::Result;

/// The round a form names, read leniently (the cell beside "Omgång"), for [`validate`].
fn round_named_in(bytes: &[u8], limits: &Limits) -> Option<nara_core::RoundId> {
    let kind = nara_excel::guard::check(bytes, limits).ok()?;
    let mut book = nara_excel::cells::Book::open(bytes, kind, limits).ok()?;
    for name in book.sheet_names() {
        let (sheet, _) = book.read(&name, limits).ok()?;
        for ((r, c), text) in &sheet.cells {
            if text
                .trim()
                .trim_end_matches(':')
                .eq_ignore_ascii_case("omgång")
            {
                return nara_core::RoundId::parse(sheet.get(*r, c + 1)).ok();
            }
        }
    }
    None
}

/// Checks files without a database (`nara validate`): against the default instrument and
/// organisations, each form in a round of its own as if it were open. Nothing is written
/// anywhere; a file that would be stored is reported as `Imported`.
pub async fn validate(paths: &[std::path::PathBuf], limits: Limits) -> Result<BatchReport> {
    let (files, skipped) = expand(paths);
    let inst = Instrument::dalarna();
    let mut rounds: Vec<nara_core::Round> = Vec::new();
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        if let Some(id) = round_named_in(&bytes, &limits)
            && !rounds.iter().any(|r| r.id == id)
        {
            rounds.push(nara_core::Round {
                id,
                instrument_id: inst.id().to_string(),
                instrument_version: inst.version().to_string(),
                status: RoundStatus::Open,
                opens: None,
                closes: None,
            });
        }
    }
    let ctx = Arc::new(ImportContext {
        instruments: vec![inst.clone()],
        organisations: nara_core::Organisations::dalarna(),
        rounds,
        limits,
    });
    let parsed = parse_files(&files, ctx, &|_| {}).await;
    let reports = files
        .iter()
        .zip(parsed)
        .map(|(path, result)| {
            let file = path.display().to_string();
            match result {
                Err(r) => rejected(file, r),
                Ok((r, sheet)) => FileReport {
                    file,
                    status: Status::Imported,
                    org: Some(r.org.to_string()),
                    unit: Some(r.unit.to_string()),
                    round: Some(r.round.to_string()),
                    rater: (!r.rater.is_empty()).then(|| r.rater.clone()),
                    problems: Vec::new(),
                    scores: Some(scores_of(&inst, &r)),
                    activities: crate::import_activities::checked_only(&sheet),
                },
            }
        })
        .collect();
    Ok(BatchReport {
        dry_run: true,
        files: reports,
        skipped,
    })
}
