//! Running the binary against a temporary database, and making filled forms.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nara_core::{Answer, AnswerSet, Instrument, Organisations, Round, RoundId, RoundStatus};
use nara_excel::{Filled, FormSpec};

pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    pub fn db(&self) -> String {
        format!("sqlite://{}", self.dir.path().join("nara.db").display())
    }
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_nara"));
        c.current_dir(self.dir.path())
            .env("NARA_DATABASE_URL", self.db())
            .env_remove("NO_COLOR");
        c
    }
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }
    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "nara {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
    pub fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
}

pub fn answers(seed: u64) -> AnswerSet {
    let inst = Instrument::dalarna();
    let mut set = AnswerSet::default();
    let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    for (_, s) in inst.statements() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        match x % 7 {
            0 => {}
            1 => {
                set.answers.insert(s.id.clone(), Answer::NotApplicable);
            }
            k => {
                set.answers
                    .insert(s.id.clone(), Answer::Level(1 + (k % 4) as u8));
            }
        }
    }
    set
}

/// Writes `n` filled forms for round 2026, units spread over the organisations.
pub fn forms(dir: &Path, n: usize, prefix: &str) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let inst = Instrument::dalarna();
    let orgs = Organisations::dalarna();
    let round = Round {
        id: RoundId::parse("2026").unwrap(),
        instrument_id: inst.id().to_string(),
        instrument_version: inst.version().to_string(),
        status: RoundStatus::Open,
        opens: None,
        closes: None,
    };
    (0..n)
        .map(|i| {
            let org = &orgs.organisations[i % orgs.organisations.len()];
            let filled = Filled {
                unit: format!("Enhet {prefix}{i}"),
                answers: answers(i as u64),
                ..Default::default()
            };
            let bytes = nara_excel::write_filled_form(
                &FormSpec {
                    instrument: &inst,
                    org,
                    round: &round,
                    send_to: None,
                },
                &filled,
            )
            .unwrap();
            let p = dir.join(format!("{prefix}{i:04}.xlsx"));
            std::fs::write(&p, bytes).unwrap();
            p
        })
        .collect()
}
