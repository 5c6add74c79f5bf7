//! Benchmark (run by `cargo xtask bench`, release mode): HTTP load on the real server with a
//! demo of about 300 units × 10 rounds, then of 3,000 and of 10,000 units × 10 rounds (issue 17: pages cost
//! what they show). The server runs in a child process; `wrk` (from Debian, installed with apt
//! when missing) puts 32 concurrent connections on the county overview, the largest
//! organisation's page and the JSON summary (at 3,000 units: without units, `?enheter=nej`) for
//! 20 s each, on loopback only. The first page after the server starts is timed too (it scores
//! the round and the one before it), and the first county and organisation pages after a form
//! is imported from another process (the cold report: the changed round is scored again).
//! At 3,000 and 10,000 units the same runs again on PostgreSQL when it answers (127.0.0.1:5432,
//! or `NARA_TEST_PG_URL`), in a fresh schema dropped afterwards; those rows end in `_postgres`.
//! Prints requests per second, p50 and p99 latency and errors as `BENCH {json}` lines. Sizes may
//! be chosen: `bench_http 3000`; `bench_http sqlite` or `bench_http postgres` runs one store only.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

fn bench(name: &str, metric: &str, value: f64, target: Option<f64>, unit: &str) {
    let (t, ok) = match target {
        Some(t) => (t.to_string(), (value <= t).to_string()),
        None => ("null".into(), "null".into()),
    };
    println!(
        "BENCH {{\"bench\":\"{name}\",\"metric\":\"{metric}\",\"value\":{value:.4},\"target\":{t},\"unit\":\"{unit}\",\"ok\":{ok}}}"
    );
}

/// The child: makes the demo, signs a coordinator in, prints the cookie and an organisation's
/// code, then serves.
fn serve(url: &str, port: u16, units: usize) -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let app = nara_app::App::open(url).await?;
        app.demo(&nara_app::demo::Options {
            units: Some(units),
            rounds: 10,
            ..Default::default()
        })
        .await?;
        let user = app
            .add_user(
                "last",
                "ett-langt-losenord",
                nara_app::Role::Admin,
                None,
                "bench",
            )
            .await?;
        let state = nara_server::AppState::new(app.clone(), nara_server::Config::default());
        let cookie = nara_server::auth::start_session(&state, &user)
            .await
            .map_err(|e| e.message())?;
        let rep = app
            .round_report(
                nara_core::RoundId::parse("2026")?,
                None,
                nara_app::report::Earlier::All,
            )
            .await?;
        let largest = (rep.organisations.iter())
            .max_by_key(|o| o.units.len())
            .ok_or("no organisation answered")?;
        println!("{cookie} {}", largest.code);
        // The peak from here on (Linux): the demo's own peak is not the server's.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        // A fresh state: the first page computes the report (cold), as after an import.
        let state = nara_server::AppState::new(
            nara_app::App::open(url).await?,
            nara_server::Config::default(),
        );
        nara_server::serve(state, SocketAddr::from(([127, 0, 0, 1], port))).await?;
        Ok(())
    })
}

/// Imports one new filled form for `org` into round 2026 of the database at `url`, from this
/// process (the server sees it by its data stamp); the form is written in `dir`.
fn import_one(
    url: &str,
    dir: &std::path::Path,
    org: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let app = nara_app::App::open(url).await?;
        let round = nara_core::RoundId::parse("2026")?;
        let (round, inst) = app.round_instrument(round).await?;
        let org = app.organisation(&nara_core::OrgCode::parse(org)?).await?;
        let mut answers = nara_core::AnswerSet::default();
        for (i, (_, s)) in inst.statements().enumerate() {
            answers
                .answers
                .insert(s.id.clone(), nara_core::Answer::Level(1 + (i % 4) as u8));
        }
        let filled = nara_excel::Filled {
            unit: "Ny verksamhet efter importen".into(),
            answers,
            ..Default::default()
        };
        let bytes = nara_excel::write_filled_form(
            &nara_excel::FormSpec {
                instrument: &inst,
                org: &org,
                round: &round,
                send_to: None,
            },
            &filled,
        )?;
        let file = dir.join("after.xlsx");
        std::fs::write(&file, bytes)?;
        let report = app
            .import_batch(&[file], &nara_app::import::Options::default(), &|_| {})
            .await?;
        let status = report.files.first().map(|f| f.status);
        if status != Some(nara_app::import::Status::Imported) {
            return Err(format!("the form was not stored: {status:?}").into());
        }
        Ok(())
    })
}

/// Milliseconds from a wrk latency like `3.21ms`, `812.00us` or `1.02s`.
fn ms(s: &str) -> f64 {
    let num = |x: &str| x.parse::<f64>().unwrap_or(f64::NAN);
    if let Some(v) = s.strip_suffix("us") {
        num(v) / 1000.0
    } else if let Some(v) = s.strip_suffix("ms") {
        num(v)
    } else if let Some(v) = s.strip_suffix('s') {
        num(v) * 1000.0
    } else {
        f64::NAN
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve") {
        return serve(&args[2], args[3].parse()?, args[4].parse()?);
    }
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("bench_http: installing wrk with apt-get");
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "wrk"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()?;
    }
    let mut failed = false;
    // Only the sizes asked for, e.g. `bench_http 3000` (all three when none is given), and only
    // the store asked for (both when none is).
    let sizes: Vec<usize> = args[1..].iter().filter_map(|a| a.parse().ok()).collect();
    let only = |store: &str| args[1..].iter().any(|a| a == store);
    let (sqlite, postgres) = match (only("sqlite"), only("postgres")) {
        (false, false) => (true, true),
        either => either,
    };
    // (units, suffix of the bench names, the JSON summary's query)
    for (units, suffix, summary) in [
        (300, "", ""),
        (3000, "_3000", "?enheter=nej"),
        (10000, "_10000", "?enheter=nej"),
    ] {
        if !sizes.is_empty() && !sizes.contains(&units) {
            continue;
        }
        if sqlite {
            failed |= run_size(Store::Sqlite, units, suffix, summary)?;
        }
        if postgres && units >= 3000 {
            failed |= run_size(
                Store::Postgres,
                units,
                &format!("{suffix}_postgres"),
                summary,
            )?;
        }
    }
    if failed {
        return Err("wrk did not report".into());
    }
    Ok(())
}

/// Where the demo is served from.
#[derive(Clone, Copy)]
enum Store {
    /// A SQLite file in a temporary folder.
    Sqlite,
    /// A fresh schema of the PostgreSQL at [`nara_store::testing::pg_url`], dropped afterwards.
    Postgres,
}

/// Loads a demo of `units` units, serves it and puts the load on three pages; whether wrk
/// failed to report. On PostgreSQL when it does not answer: says so and measures nothing.
fn run_size(
    store: Store,
    units: usize,
    suffix: &str,
    summary: &str,
) -> Result<bool, Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("nara-bench-http-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (url, schema) = match store {
        Store::Sqlite => (format!("sqlite://{}", dir.join("load.db").display()), None),
        Store::Postgres => {
            let (pg, required) = nara_store::testing::pg_url();
            let schema = nara_store::testing::fresh_schema();
            let made = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(nara_store::PgStore::connect(&pg, Some(&schema)));
            if let Err(e) = made {
                let _ = std::fs::remove_dir_all(&dir);
                if required {
                    return Err(format!("PostgreSQL at {pg}: {e}").into());
                }
                eprintln!("PostgreSQL not reachable at {pg} ({e}); its rows are skipped");
                return Ok(false);
            }
            let url = nara_store::testing::schema_url(&pg, &schema);
            (url, Some((pg, schema)))
        }
    };
    let result = load(&url, &dir, units, suffix, summary);
    if let Some((pg, schema)) = schema {
        let dropped = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(nara_store::testing::drop_schema(&pg, &schema));
        if !dropped {
            eprintln!("bench_http: the schema {schema} could not be dropped");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// [`run_size`] on the store at `url`, with `dir` for its files.
fn load(
    url: &str,
    dir: &std::path::Path,
    units: usize,
    suffix: &str,
    summary: &str,
) -> Result<bool, Box<dyn std::error::Error>> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut child = Command::new(std::env::current_exe()?)
        .args(["serve", url, &port.to_string(), &units.to_string()])
        .env("NARA_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (cookie, org) = (
        parts.next().ok_or("no cookie")?.to_string(),
        parts.next().ok_or("no org")?.to_string(),
    );
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(Duration::from_millis(100));
    }
    let base = format!("http://127.0.0.1:{port}");
    let mut failed = false;
    let page = |path: &str| -> Result<(f64, String), Box<dyn std::error::Error>> {
        let start = std::time::Instant::now();
        let out = Command::new("curl")
            .args([
                "-s",
                "-o",
                "/dev/null",
                "-m",
                "120",
                "-w",
                "%{http_code}",
                "-H",
            ])
            .arg(format!("Cookie: nara_session={cookie}"))
            .arg(format!("{base}{path}"))
            .output()?;
        Ok((
            start.elapsed().as_secs_f64(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        ))
    };
    // The first page after the server starts computes the round and the one before it.
    let (cold, status) = page("/omgangar/2026")?;
    eprintln!("first page at {units} units after the start: {cold:.3} s, status {status}");
    bench(
        &format!("http_first_page_after_start{suffix}"),
        "wall_s",
        cold,
        None,
        "s",
    );
    // The first page after an import (from another process, as `nara import` would) computes
    // the round that changed; the "cold report".
    let (_, status) = page(&format!("/omgangar/2026/org/{org}"))?;
    if status != "200" {
        return Err(format!("the organisation page answered {status}").into());
    }
    import_one(url, dir, &org)?;
    let (cold, status) = page("/omgangar/2026")?;
    eprintln!(
        "first page at {units} units after an import (cold report): {cold:.3} s, status {status}"
    );
    // At 10,000 units: growing no faster than the data (0.3 s at 3,000 units).
    let cold_target = if units >= 10_000 { 1.0 } else { 0.3 };
    bench(
        &format!("http_cold_report{suffix}"),
        "wall_s",
        cold,
        Some(cold_target),
        "s",
    );
    let (cold, status) = page(&format!("/omgangar/2026/org/{org}"))?;
    eprintln!("the organisation's page after it (report and trend): {cold:.3} s, status {status}");
    bench(
        &format!("http_cold_org_page{suffix}"),
        "wall_s",
        cold,
        Some(cold_target),
        "s",
    );
    for (name, path) in [
        ("http_county_overview", "/omgangar/2026".to_string()),
        (
            "http_organisation_page",
            format!("/omgangar/2026/org/{org}"),
        ),
        (
            "http_json_summary",
            format!("/api/v1/rounds/2026/summary{summary}"),
        ),
    ] {
        let name = &format!("{name}{suffix}");
        // The targets: 25 ms, the JSON summary at 3,000 units and every page at 10,000
        // units 50 ms.
        let p99_target = if name == "http_json_summary_3000" || units >= 10_000 {
            50.0
        } else {
            25.0
        };
        // Warm the cache once, as any first visitor would, waiting as long as that takes (at
        // 3,000 units the first organisation page computes ten rounds' scores).
        Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-m", "120", "-H"])
            .arg(format!("Cookie: nara_session={cookie}"))
            .arg(format!("{base}{path}"))
            .output()?;
        let out = Command::new("wrk")
            .args([
                "-t2",
                "-c32",
                "-d20s",
                "--latency",
                "--timeout",
                "5s",
                "-H",
                &format!("Cookie: nara_session={cookie}"),
                &format!("{base}{path}"),
            ])
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let field = |prefix: &str| -> Option<String> {
            text.lines()
                .find(|l| l.trim_start().starts_with(prefix))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        };
        let rps: f64 = field("Requests/sec:")
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN);
        let p50 = field("50%").map_or(f64::NAN, |v| ms(&v));
        let p99 = field("99%").map_or(f64::NAN, |v| ms(&v));
        let non2xx: f64 = text
            .lines()
            .find(|l| l.contains("Non-2xx or 3xx responses"))
            .and_then(|l| l.rsplit(' ').next()?.parse().ok())
            .unwrap_or(0.0);
        let socket_errors = text.lines().any(|l| l.contains("Socket errors"));
        eprintln!(
            "{name}: {rps:.0} req/s, p50 {p50:.1} ms, p99 {p99:.1} ms, errors {non2xx}{}",
            if socket_errors {
                " (socket errors)"
            } else {
                ""
            }
        );
        bench(name, "requests_per_s", rps, None, "req/s");
        bench(name, "p50_ms", p50, None, "ms");
        bench(name, "p99_ms", p99, Some(p99_target), "ms");
        bench(
            name,
            "errors",
            non2xx + if socket_errors { 1.0 } else { 0.0 },
            Some(0.0),
            "",
        );
        failed |= !text.contains("Requests/sec");
    }
    // The server's peak memory while it served (what the demo left allocated included).
    let peak_mb = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0);
    eprintln!("server peak memory at {units} units: {peak_mb:.0} MB");
    bench(
        &format!("http_server_peak{suffix}"),
        "peak_rss_mb",
        peak_mb,
        None,
        "MB",
    );
    let _ = child.kill();
    let _ = child.wait();
    Ok(failed)
}
