//! Killing `nara import` at any moment leaves every file fully stored or not at all, and running
//! the same batch again completes it. On PostgreSQL, two importers at once store every form
//! exactly once.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nara_core::RoundId;

use crate::support::{Env, forms};

fn check_complete(db: &str, expected: usize) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = nara_store::open_store(db).await.unwrap();
        let round = RoundId::parse("2026").unwrap();
        let history = store.response_history(round).await.unwrap();
        assert_eq!(history.len(), expected, "every file stored exactly once");
        for r in &history {
            assert!(r.replaced_at.is_none());
            assert!(
                r.response.set.answers.len() >= 10,
                "a response is never half-stored ({} answers)",
                r.response.set.answers.len()
            );
            let expected_answers = crate::support::answers(
                r.response
                    .unit
                    .as_str()
                    .trim_start_matches("Enhet k")
                    .parse()
                    .unwrap(),
            );
            assert_eq!(
                r.response.set.answers, expected_answers.answers,
                "{}",
                r.response.unit
            );
        }
    });
}

#[test]
fn killing_an_import_mid_batch_loses_nothing_and_a_rerun_completes_it() {
    let env = Env::new();
    env.ok(&["round", "create", "2026"]);
    env.ok(&["round", "open", "2026"]);
    let n = 120;
    forms(&env.path("in"), n, "k");
    // Kill at several moments, each a different, time-seeded delay.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    let mut killed_mid_batch = 0;
    for round in 0..5u64 {
        let delay = Duration::from_millis(30 + (seed.wrapping_mul(round + 7) % 400));
        let mut child = env
            .cmd()
            .args(["import", "in", "-q"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while start.elapsed() < delay {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed_mid_batch += 1;
        }
        child.wait().unwrap();
    }
    // Whatever was stored is whole; the rerun completes the batch.
    let out = env.run(&["import", "in", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let statuses: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses
            .iter()
            .all(|s| *s == "imported" || *s == "unchanged"),
        "{statuses:?}"
    );
    check_complete(&env.db(), n);
    eprintln!("killed mid-batch {killed_mid_batch} times out of 5");
}

#[test]
fn two_importers_at_once_on_postgres_store_every_form_once() {
    let (url, required) = nara_store::testing::pg_url();
    let schema = nara_store::testing::fresh_schema();
    let db = nara_store::testing::schema_url(&url, &schema);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let ready = rt.block_on(async {
        match nara_store::PgStore::connect(&url, Some(&schema)).await {
            Ok(_) => true,
            Err(e) if !required => {
                eprintln!("NOTICE: PostgreSQL not reachable ({e}); skipped. Set NARA_TEST_PG_URL to require it.");
                false
            }
            Err(e) => panic!("PostgreSQL not reachable: {e}"),
        }
    });
    if !ready {
        return;
    }
    let env = Env::new();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_nara"))
            .env("NARA_DATABASE_URL", &db)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["round", "create", "2026"]);
    run(&["round", "open", "2026"]);
    let n = 80;
    let files = forms(&env.path("in"), n, "k");
    // Two batches that overlap in the middle half.
    let (a, b) = (&files[..n * 3 / 4], &files[n / 4..]);
    let spawn = |part: &[std::path::PathBuf]| {
        Command::new(env!("CARGO_BIN_EXE_nara"))
            .env("NARA_DATABASE_URL", &db)
            .arg("import")
            .arg("-q")
            .args(part)
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
    };
    let (mut p1, mut p2) = (spawn(a), spawn(b));
    assert!(p1.wait().unwrap().success());
    assert!(p2.wait().unwrap().success());
    check_complete(&db, n);
}
