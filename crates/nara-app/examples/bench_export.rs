//! Benchmark (run by `cargo xtask bench`, release mode): the county summary and an
//! organisation's report for a demo scaled to about 300 units × 10 rounds of the default
//! instrument (about 80,000 raw rows over the ten rounds, all in the Rådata sheet). The demo is
//! made by a child process; each export runs in a child of its own so its peak memory (VmHWM) is
//! the export's alone. Prints `BENCH {json}` lines.

use std::path::Path;
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

fn make(db: &Path) -> Result<(), Box<dyn std::error::Error>> {
    rt().block_on(async {
        let app = nara_app::App::open(&format!("sqlite://{}", db.display())).await?;
        let s = app
            .demo(&nara_app::demo::Options {
                units: Some(300),
                rounds: 10,
                ..Default::default()
            })
            .await?;
        println!("{} {}", s.units, s.forms);
        Ok(())
    })
}

/// Runs one export; prints `wall_s rss_mb bytes rows`.
fn export(db: &Path, what: &str) -> Result<(), Box<dyn std::error::Error>> {
    rt().block_on(async {
        let store = nara_store::open_store(&format!("sqlite://{}", db.display())).await?;
        let app = nara_app::App::new(store.clone());
        let round = RoundId::parse("2026")?;
        let t0 = Instant::now();
        let rows = nara_app::report::family(store.as_ref(), round)
            .await?
            .2
            .len();
        eprintln!(
            "  (gathering the rounds alone: {:.3} s)",
            t0.elapsed().as_secs_f64()
        );
        let code = nara_app::report::round_report(store.as_ref(), round, None)
            .await?
            .organisations[0]
            .code
            .clone();
        let start = Instant::now();
        let bytes = match what {
            "summary" => {
                app.export_summary(round, nara_app::report::Earlier::All)
                    .await?
                    .1
            }
            _ => {
                app.export_org(round, &code, nara_app::report::Audience::ALL)
                    .await?
                    .1
            }
        };
        let wall = start.elapsed().as_secs_f64();
        println!("{wall} {} {} {rows}", peak_rss_mb(), bytes.len());
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("make") => return make(Path::new(&args[2])),
        Some("export") => return export(Path::new(&args[2]), &args[3]),
        _ => {}
    }
    let me = std::env::current_exe()?;
    let tmp = std::env::temp_dir().join(format!("nara-bench-export-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let db = tmp.join("demo.db");
    let db_s = db.display().to_string();
    let made = child(&me, &["make", &db_s])?;
    eprintln!("demo: {} units, {} forms over 10 rounds", made[0], made[1]);
    let s = child(&me, &["export", &db_s, "summary"])?;
    eprintln!(
        "county summary: {:.3} s, peak RSS {:.1} MB, {:.0} kB, {} raw rows",
        s[0],
        s[1],
        s[2] / 1024.0,
        s[3]
    );
    bench("export_summary_300x10", "wall_s", s[0], Some(1.0), "s");
    bench(
        "export_summary_300x10",
        "peak_rss_mb",
        s[1],
        Some(200.0),
        "MB",
    );
    bench("export_summary_300x10", "raw_rows", s[3], None, "rows");
    let o = child(&me, &["export", &db_s, "org"])?;
    eprintln!(
        "organisation report: {:.3} s, peak RSS {:.1} MB",
        o[0], o[1]
    );
    bench("export_org_report", "wall_s", o[0], Some(0.1), "s");
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}
