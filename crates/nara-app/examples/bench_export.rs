//! Benchmark (run by `cargo xtask bench`, release mode): the county summary and an
//! organisation's report for a demo scaled to about 300 units × 10 rounds of the default
//! instrument (about 86,000 raw rows over the ten rounds, all in the Rådata sheet), and the
//! county summary at 3,000 and 10,000 units × 10 rounds (issue 17). Each demo is made once by a
//! child process and kept under `target/bench/` (keyed by its size), so a second run reuses it;
//! each export runs in a child of its own so its peak memory (VmHWM) is the export's alone.
//! Prints `BENCH {json}` lines.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use nara_core::RoundId;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn bench(name: &str, metric: &str, value: f64, target: Option<f64>, unit: &str) {
    let (t, ok) = match target {
        Some(t) => (t.to_string(), (value <= t).to_string()),
        None => ("null".into(), "null".into()),
    };
    println!(
        "BENCH {{\"bench\":\"{name}\",\"metric\":\"{metric}\",\"value\":{value:.4},\"target\":{t},\"unit\":\"{unit}\",\"ok\":{ok}}}"
    );
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// Makes the demo of `units` units × 10 rounds in `work` and copies it, as one file, to `db`.
fn make(work: &Path, db: &Path, units: usize) -> Result<(), Box<dyn std::error::Error>> {
    rt().block_on(async {
        let app = nara_app::App::open(&format!("sqlite://{}", work.display())).await?;
        let s = app
            .demo(&nara_app::demo::Options {
                units: Some(units),
                rounds: 10,
                ..Default::default()
            })
            .await?;
        // VACUUM INTO: one self-contained file (no WAL beside it) to keep.
        let store = nara_store::open_store(&format!("sqlite://{}", work.display())).await?;
        store.backup_to(db).await?;
        println!("{} {}", s.units, s.forms);
        Ok(())
    })
}

/// The demo database of `units` units × 10 rounds under `target/bench/`, made when missing.
fn demo_db(me: &Path, units: usize) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("bench");
    std::fs::create_dir_all(&dir)?;
    let db = dir.join(format!("export-demo-{units}x10.db"));
    if db.exists() {
        eprintln!("demo {units} × 10: reusing {}", db.display());
        return Ok(db);
    }
    let tmp = std::env::temp_dir().join(format!("nara-bench-export-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    // Made beside and renamed, so an interrupted run never leaves half a demo to reuse.
    let part = dir.join(format!("export-demo-{units}x10.db.part"));
    let _ = std::fs::remove_file(&part);
    let t = Instant::now();
    let made = child(
        me,
        &[
            "make",
            &tmp.join("demo.db").display().to_string(),
            &part.display().to_string(),
            &units.to_string(),
        ],
    )?;
    std::fs::rename(&part, &db)?;
    let _ = std::fs::remove_dir_all(&tmp);
    eprintln!(
        "demo: {} units, {} forms over 10 rounds, made in {:.0} s",
        made[0],
        made[1],
        t.elapsed().as_secs_f64()
    );
    Ok(db)
}

/// Runs one export; prints `wall_s rss_mb bytes rows` (rows: the raw rows of the family, the
/// Rådata sheet's rows, counted after the peak memory is read).
fn export(db: &Path, what: &str) -> Result<(), Box<dyn std::error::Error>> {
    rt().block_on(async {
        let store = nara_store::open_store(&format!("sqlite://{}", db.display())).await?;
        let app = nara_app::App::new(store.clone());
        let round = RoundId::parse("2026")?;
        let start = Instant::now();
        let len = match what {
            // The rounds gathered (loaded, trend and raw rows), without the workbook.
            "family" => {
                let f = nara_app::report::family(store.as_ref(), round).await?;
                let wall = start.elapsed().as_secs_f64();
                println!("{wall} {} 0 {}", peak_rss_mb(), f.2.len());
                return Ok(());
            }
            "summary" => {
                // Into a temporary file, as the server's download and `nara export` make it.
                let (_, file) = app
                    .export_summary(
                        round,
                        nara_app::report::Earlier::All,
                        false,
                        tempfile::tempfile()?,
                    )
                    .await?;
                file.metadata()?.len()
            }
            _ => {
                let code = nara_app::report::round_report(store.as_ref(), round, None)
                    .await?
                    .organisations[0]
                    .code
                    .clone();
                let start = Instant::now();
                let bytes = app
                    .export_org(round, &code, nara_app::report::Audience::ALL, false)
                    .await?
                    .1;
                let wall = start.elapsed().as_secs_f64();
                println!("{wall} {} {} 0", peak_rss_mb(), bytes.len());
                return Ok(());
            }
        };
        let wall = start.elapsed().as_secs_f64();
        let peak = peak_rss_mb();
        let mut rows = 0;
        for r in store.rounds().await? {
            rows += nara_app::report::raw_rows(store.as_ref(), r.id, None)
                .await?
                .len();
        }
        println!("{wall} {peak} {len} {rows}");
        Ok(())
    })
}

fn child(me: &Path, args: &[&str]) -> Result<Vec<f64>, Box<dyn std::error::Error>> {
    let out = Command::new(me)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()?
        .wait_with_output()?;
    if !out.status.success() {
        return Err(format!("{args:?} failed").into());
    }
    Ok(String::from_utf8(out.stdout)?
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(f64::NAN))
        .collect())
}

/// The county summary of the demo of `units` units × 10 rounds; returns its time.
fn summary(
    me: &Path,
    units: usize,
    time_target: Option<f64>,
    rss_target: f64,
) -> Result<f64, Box<dyn std::error::Error>> {
    let db = demo_db(me, units)?;
    let f = child(me, &["export", &db.display().to_string(), "family"])?;
    eprintln!(
        "  (gathering the rounds alone: {:.3} s, peak RSS {:.1} MB)",
        f[0], f[1]
    );
    let s = child(me, &["export", &db.display().to_string(), "summary"])?;
    eprintln!(
        "county summary {units} × 10: {:.3} s, peak RSS {:.1} MB, {:.0} kB, {} raw rows",
        s[0],
        s[1],
        s[2] / 1024.0,
        s[3]
    );
    let name = format!("export_summary_{units}x10");
    bench(&name, "wall_s", s[0], time_target, "s");
    bench(&name, "peak_rss_mb", s[1], Some(rss_target), "MB");
    bench(&name, "raw_rows", s[3], None, "rows");
    Ok(s[0])
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("make") => {
            return make(Path::new(&args[2]), Path::new(&args[3]), args[4].parse()?);
        }
        Some("export") => return export(Path::new(&args[2]), &args[3]),
        _ => {}
    }
    let me = std::env::current_exe()?;
    // Only the sizes asked for, e.g. `bench_export 300` (all three when none is given).
    let sizes: Vec<usize> = args[1..].iter().filter_map(|a| a.parse().ok()).collect();
    let wants = |n: usize| sizes.is_empty() || sizes.contains(&n);
    let mut t300 = None;
    if wants(300) {
        t300 = Some(summary(&me, 300, Some(0.45), 100.0)?);
        let db = demo_db(&me, 300)?;
        let o = child(&me, &["export", &db.display().to_string(), "org"])?;
        eprintln!(
            "organisation report: {:.3} s, peak RSS {:.1} MB",
            o[0], o[1]
        );
        bench("export_org_report", "wall_s", o[0], Some(0.1), "s");
    }
    if wants(3000) {
        // Growth: ten times the county in at most eleven times the time.
        summary(&me, 3000, t300.map(|t| 11.0 * t), 300.0)?;
    }
    if wants(10_000) {
        summary(&me, 10_000, Some(5.0), 300.0)?;
    }
    Ok(())
}
