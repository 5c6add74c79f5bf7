//! Reading one file of a batch: its bytes (bounded), their SHA-256, and the parse, unless the
//! bytes are known to have given a response that is still current.

use std::path::Path;

use nara_core::RoundId;
use nara_excel::{ImportContext, Problem};
use sha2::{Digest, Sha256};

use super::{Parsed, Rejected};

/// One file as read: a file known to have given a current response (not parsed again), or
/// its parse with the SHA-256 of its bytes (when they could be read).
pub(crate) enum Read {
    /// The file's bytes gave a response that is still current.
    Known {
        /// The SHA-256 of the bytes.
        file_hash: String,
        /// The response's round.
        round: RoundId,
        /// The response's id.
        id: i64,
    },
    /// The file was parsed.
    Parsed(Box<Parsed>, Option<String>),
}

/// Files known to have given a current response: file hash → round and response id.
pub(crate) type Known = std::collections::HashMap<String, (RoundId, i64)>;

pub(super) fn read_one(path: &Path, ctx: &ImportContext, known: &Known) -> Read {
    let bytes = match read_bytes(path, ctx) {
        Ok(b) => b,
        Err(r) => return Read::Parsed(Box::new(Err(r)), None),
    };
    let file_hash = hex::encode(Sha256::digest(&bytes));
    if let Some((round, id)) = known.get(&file_hash) {
        return Read::Known {
            round: *round,
            id: *id,
            file_hash,
        };
    }
    Read::Parsed(Box::new(parse_bytes(path, &bytes, ctx)), Some(file_hash))
}

pub(super) fn parse_bytes(path: &Path, bytes: &[u8], ctx: &ImportContext) -> Parsed {
    let name = path.display().to_string();
    nara_excel::import_form_with_activities(&name, bytes, ctx).map_err(|problems| Rejected {
        problems,
        named: nara_excel::import::named_in(&name, bytes, ctx),
    })
}

pub(super) fn read_bytes(
    path: &Path,
    ctx: &ImportContext,
) -> std::result::Result<Vec<u8>, Rejected> {
    let too_big = |size: u64| {
        vec![Problem {
            sheet: None,
            cell: None,
            message: format!(
                "Filen är för stor ({} MB; högst {} MB tas emot).",
                size / (1024 * 1024),
                ctx.limits.max_file_bytes / (1024 * 1024)
            ),
        }]
    };
    let unreadable = |e: std::io::Error| {
        Rejected::from(vec![Problem {
            sheet: None,
            cell: None,
            message: format!("Filen kan inte läsas: {e}."),
        }])
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if meta.len() > ctx.limits.max_file_bytes {
        return Err(too_big(meta.len()).into());
    }
    std::fs::read(path).map_err(unreadable)
}
