//! Files imported before, unchanged: a file whose bytes (SHA-256) gave a response that is
//! still current is not parsed again. Its report is made from the stored response, checked
//! as a parsed form is (the round must still take answers), with the status "oförändrad"; its
//! sheet Aktiviteter is not applied again (it was when the file was first read). A file of the
//! batch whose response another file of the same batch also gives is parsed and stored after
//! all, in case it should replace it again.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use nara_core::RoundId;
use nara_core::answer::ResponseKey;
use nara_excel::ImportContext;
use nara_store::Store;

use super::{
    Checked, FileReport, Options, Read, Status, check, parse_bytes, read_bytes, rejected, staged,
    store_chunk,
};
use crate::Result;

/// A known file met in the batch.
pub(super) struct Hit {
    /// Its report's index.
    pub at: usize,
    /// Its path.
    pub path: PathBuf,
    /// The SHA-256 of its bytes.
    pub file_hash: String,
    /// Its response's round.
    pub round: RoundId,
    /// Its response's id.
    pub id: i64,
}

/// The report's place until the batch is read.
pub(super) fn placeholder(file: String) -> FileReport {
    FileReport {
        file,
        status: Status::Unchanged,
        org: None,
        unit: None,
        round: None,
        rater: None,
        problems: Vec::new(),
        scores: None,
        activities: None,
    }
}

/// Reports the known files of a batch from their stored responses (one load per round), and
/// reads and stores those whose response another file of the batch gives, or that were
/// replaced meanwhile.
pub(super) async fn settle(
    store: &dyn Store,
    ctx: &ImportContext,
    hits: Vec<Hit>,
    seen: &HashSet<ResponseKey>,
    opts: &Options,
    reports: &mut [FileReport],
) -> Result<()> {
    let mut rounds: HashMap<RoundId, Vec<nara_store::StoredResponse>> = HashMap::new();
    for h in &hits {
        if let std::collections::hash_map::Entry::Vacant(e) = rounds.entry(h.round) {
            e.insert(store.responses(h.round).await?);
        }
    }
    for h in hits {
        let file = h.path.display().to_string();
        let stored = (rounds.get(&h.round))
            .and_then(|rs| rs.iter().find(|s| s.id == h.id))
            .map(|s| s.response.clone())
            .filter(|r| !seen.contains(&r.identity()));
        let Some(response) = stored else {
            reports[h.at] = read_again(store, ctx, &h, opts, reports).await?;
            continue;
        };
        reports[h.at] = match check(ctx, &h.path, &file, response, opts) {
            Checked::Refused(report) => *report,
            Checked::Ready(f) => FileReport {
                status: Status::Unchanged,
                ..f.report
            },
        };
    }
    Ok(())
}

/// Reads and stores a known file as any other (its response may have to be replaced again).
async fn read_again(
    store: &dyn Store,
    ctx: &ImportContext,
    h: &Hit,
    opts: &Options,
    reports: &mut [FileReport],
) -> Result<FileReport> {
    let file = h.path.display().to_string();
    let path = h.path.clone();
    let ctx2 = ctx.clone();
    let read = tokio::task::spawn_blocking(move || match read_bytes(&path, &ctx2) {
        Ok(bytes) => Read::Parsed(Box::new(parse_bytes(&path, &bytes, &ctx2)), None),
        Err(r) => Read::Parsed(Box::new(Err(r)), None),
    })
    .await;
    let Ok(Read::Parsed(result, _)) = read else {
        return Ok(rejected(file, super::Rejected::default()));
    };
    let (f, sheet) = match staged(ctx, &h.path, file, *result, opts) {
        Err(report) => return Ok(*report),
        Ok(ready) => ready,
    };
    if opts.dry_run {
        return Ok(f.report);
    }
    reports[h.at] = f.report;
    let mut one = vec![(
        h.at,
        f.response,
        f.hash,
        f.source,
        sheet,
        Some(h.file_hash.clone()),
    )];
    store_chunk(store, &mut one, opts, reports, &mut None).await?;
    Ok(reports[h.at].clone())
}
