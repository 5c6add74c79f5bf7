//! Filled forms in a folder, and a store with an open round.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use nara_core::{Answer, AnswerSet, Instrument, Organisations, RoundId, RoundStatus};
use nara_excel::{Filled, FormSpec};
use nara_store::Store;

pub async fn open_round(store: &Arc<dyn Store>, id: &str) -> RoundId {
    let s = store.as_ref();
    if s.instruments().await.unwrap().is_empty() {
        s.put_instrument(&Instrument::dalarna()).await.unwrap();
        for o in Organisations::dalarna().organisations {
            s.put_organisation(&o).await.unwrap();
        }
    }
    let id = RoundId::parse(id).unwrap();
    nara_app::rounds::create(s, id, None, None, None, "test")
        .await
        .unwrap();
    nara_app::rounds::set_status(s, id, RoundStatus::Open, "test")
        .await
        .unwrap();
    id
}

/// Every statement answered with `level`, except every fifth "vet ej".
pub fn answers(level: u8) -> AnswerSet {
    let inst = Instrument::dalarna();
    let mut set = AnswerSet::default();
    for (i, (_, s)) in inst.statements().enumerate() {
        set.answers.insert(
            s.id.clone(),
            if i % 5 == 4 {
                Answer::NotApplicable
            } else {
                Answer::Level(level)
            },
        );
    }
    set
}

pub async fn write_form(
    store: &Arc<dyn Store>,
    dir: &Path,
    name: &str,
    round: RoundId,
    org: &str,
    filled: &Filled,
) -> PathBuf {
    let (round, inst) = nara_app::round_instrument(store.as_ref(), round)
        .await
        .unwrap();
    let orgs = Organisations::dalarna();
    let bytes = nara_excel::write_filled_form(
        &FormSpec {
            instrument: &inst,
            org: orgs.find(org).unwrap(),
            round: &round,
            send_to: None,
        },
        filled,
    )
    .unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

pub fn filled(unit: &str, rater: &str, level: u8) -> Filled {
    Filled {
        unit: unit.into(),
        rater: rater.into(),
        answers: answers(level),
        ..Default::default()
    }
}

/// The county summary as `nara export` and the server make it, through a temporary file, with
/// its file name; the workbook's bytes read back.
pub async fn summary(
    store: &dyn Store,
    round: RoundId,
    earlier: nara_app::report::Earlier,
    public_only: bool,
) -> nara_app::Result<(String, Vec<u8>)> {
    use std::io::Read;
    let tmp = tempfile::tempfile().expect("a temporary file");
    let (name, mut file) =
        nara_app::exports::summary(store, round, earlier, public_only, tmp).await?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).expect("the file read back");
    Ok((name, bytes))
}
