//! Benchmark (run by `cargo xtask bench`, release mode): two server instances on one PostgreSQL
//! schema (issue 17). A fresh schema gets the demo of about 300 units × 10 rounds; two servers,
//! each a child process of this example, serve it on two loopback ports. `wrk` (from Debian,
//! installed with apt when missing) puts 16 connections on A's county overview and 16 on B's
//! largest organisation page for 20 s, once without an import (what the machine gives) and once
//! with 100 filled forms uploaded through A's upload page 2 s in (curl, multipart, with the
//! page's CSRF token). Then:
//! - errors and p99 latency on each instance under that load, the upload's wall time, and the
//!   latencies of a second client's requests made exactly while the upload ran (wrk's 20 s
//!   mostly lie outside it);
//! - freshness: the first request to B after the upload's answer must count the 100 new forms;
//! - sign-in limits: wrong passwords for one account alternating between A and B are refused
//!   from the same attempt as on one instance.
//!
//! Prints `BENCH {json}` lines. Without PostgreSQL (127.0.0.1:5432, or `NARA_TEST_PG_URL`) it
//! says so and prints none.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const PASSWORD: &str = "ett-langt-losenord";
const FORMS: usize = 100;
/// The accounts guessed at: one on one instance, one on both.
const GUESSED: [&str; 2] = ["prov-en", "prov-tva"];

fn bench(name: &str, metric: &str, value: f64, target: Option<f64>, unit: &str) {
    let (t, ok) = match target {
        Some(t) => (t.to_string(), (value <= t).to_string()),
        None => ("null".into(), "null".into()),
    };
    println!(
        "BENCH {{\"bench\":\"{name}\",\"metric\":\"{metric}\",\"value\":{value:.4},\"target\":{t},\"unit\":\"{unit}\",\"ok\":{ok}}}"
    );
}

/// A yes/no row (1 = yes), whose target is yes.
fn bench_yes(name: &str, metric: &str, yes: bool) {
    let v = if yes { 1.0 } else { 0.0 };
    println!(
        "BENCH {{\"bench\":\"{name}\",\"metric\":\"{metric}\",\"value\":{v:.4},\"target\":1,\"unit\":\"yes\",\"ok\":{yes}}}"
    );
}

/// What the preparation leaves for the rest: the coordinator's cookie, the largest
/// organisation's code and the forms to upload.
struct Prepared {
    url: String,
    cookie: String,
    largest: String,
    forms: Vec<PathBuf>,
}

/// A fresh schema at `pg` with the demo, a coordinator, two accounts to guess at, and
/// [`FORMS`] filled forms for new units of round 2026 written to `dir`.
fn prepare(pg: &str, schema: &str, dir: &Path) -> Res<Prepared> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        nara_store::PgStore::connect(pg, Some(schema)).await?;
        let url = nara_store::testing::schema_url(pg, schema);
        let app = nara_app::App::open(&url).await?;
        let started = Instant::now();
        app.demo(&nara_app::demo::Options {
            units: Some(300),
            rounds: 10,
            ..Default::default()
        })
        .await?;
        eprintln!(
            "bench_instances: demo in PostgreSQL schema {schema} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let role = nara_app::Role::Admin;
        let user = app
            .add_user("samordnare", PASSWORD, role, None, "bench")
            .await?;
        for name in GUESSED {
            app.add_user(name, PASSWORD, role, None, "bench").await?;
        }
        let state = nara_server::AppState::new(app.clone(), nara_server::Config::default());
        let cookie = nara_server::auth::start_session(&state, &user)
            .await
            .map_err(|e| e.message())?;
        let rid = nara_core::RoundId::parse("2026")?;
        let rep = app
            .round_report(rid, None, nara_app::report::Earlier::All)
            .await?;
        let largest = (rep.organisations.iter())
            .max_by_key(|o| o.units.len())
            .ok_or("no organisation answered")?
            .code
            .to_string();
        let (round, inst) = app.round_instrument(rid).await?;
        let mut orgs = Vec::new();
        for o in &rep.organisations {
            orgs.push(app.organisation(&o.code).await?);
        }
        std::fs::create_dir_all(dir)?;
        let mut forms = Vec::new();
        for i in 0..FORMS {
            let mut answers = nara_core::AnswerSet::default();
            for (k, (_, s)) in inst.statements().enumerate() {
                let level = 1 + ((i + k) % 4) as u8;
                answers
                    .answers
                    .insert(s.id.clone(), nara_core::Answer::Level(level));
            }
            let filled = nara_excel::Filled {
                unit: format!("Ny verksamhet {i}"),
                answers,
                ..Default::default()
            };
            let spec = nara_excel::FormSpec {
                instrument: &inst,
                org: &orgs[i % orgs.len()],
                round: &round,
                send_to: None,
            };
            let path = dir.join(format!("ny-{i:03}.xlsx"));
            std::fs::write(&path, nara_excel::write_filled_form(&spec, &filled)?)?;
            forms.push(path);
        }
        Ok(Prepared {
            url,
            cookie,
            largest,
            forms,
        })
    })
}

/// The child: one server on the database at `url`, with a state of its own (its own caches).
fn serve(url: &str, port: u16) -> Res<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let app = nara_app::App::open(url).await?;
        let state = nara_server::AppState::new(app, nara_server::Config::default());
        nara_server::serve(state, SocketAddr::from(([127, 0, 0, 1], port))).await?;
        Ok(())
    })
}

/// A server child on a free port, once it accepts connections.
fn start_server(url: &str) -> Res<(Child, String)> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut child = Command::new(std::env::current_exe()?)
        .args(["serve", url, &port.to_string()])
        .env("NARA_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()?;
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if child.try_wait()?.is_some() || started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            return Err("a server did not start".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok((child, format!("http://127.0.0.1:{port}")))
}

/// One curl request with `args` before the address; the status and the body.
fn curl(args: &[&str], url: &str) -> Res<(String, String)> {
    let out = Command::new("curl")
        .args(["-s", "-m", "120", "-w", "\n%{http_code}"])
        .args(args)
        .arg(url)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, status) = text.rsplit_once('\n').unwrap_or(("", &text));
    Ok((status.to_string(), body.to_string()))
}

/// The round's form count in B's JSON summary.
fn forms_on(base: &str, cookie: &str) -> Res<u64> {
    let (status, body) = curl(
        &["-H", cookie],
        &format!("{base}/api/v1/rounds/2026/summary?enheter=nej"),
    )?;
    if status != "200" {
        return Err(format!("the summary answered {status}").into());
    }
    let v: serde_json::Value = serde_json::from_str(&body)?;
    v["forms"].as_u64().ok_or_else(|| "no form count".into())
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

/// What one wrk run reported: requests per second, p50 and p99 in ms, errors (answers other
/// than 2xx/3xx and socket errors).
struct Load {
    rps: f64,
    p50: f64,
    p99: f64,
    errors: f64,
}

fn spawn_wrk(url: &str, cookie: &str) -> std::io::Result<Child> {
    Command::new("wrk")
        .args([
            "-t1",
            "-c16",
            "-d20s",
            "--latency",
            "--timeout",
            "5s",
            "-H",
            cookie,
            url,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
}

fn wrk_result(child: Child) -> Res<Load> {
    let out = child.wait_with_output()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !text.contains("Requests/sec") {
        return Err("wrk did not report".into());
    }
    let field = |prefix: &str| -> Option<String> {
        text.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
    };
    let non2xx: f64 = text
        .lines()
        .find(|l| l.contains("Non-2xx or 3xx responses"))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0.0);
    // `Socket errors: connect 0, read 0, write 0, timeout 3`: every number counts.
    let socket: f64 = text
        .lines()
        .find(|l| l.contains("Socket errors"))
        .map(|l| {
            l.split([' ', ','])
                .filter_map(|w| w.parse::<f64>().ok())
                .sum()
        })
        .unwrap_or(0.0);
    Ok(Load {
        rps: field("Requests/sec:")
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN),
        p50: field("50%").map_or(f64::NAN, |v| ms(&v)),
        p99: field("99%").map_or(f64::NAN, |v| ms(&v)),
        errors: non2xx + socket,
    })
}

/// Requests `path` at `base` one after another, each on a new connection, until `stop`: the
/// latency of each in ms, and how many did not answer 200. Measures exactly the import's
/// window, next to wrk's 20 s.
fn probe(base: &str, path: &str, cookie: &str, stop: &AtomicBool) -> (Vec<f64>, usize) {
    use std::io::{Read, Write};
    let host = base.trim_start_matches("http://");
    let raw =
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{cookie}\r\nConnection: close\r\n\r\n");
    let (mut times, mut errors) = (Vec::new(), 0);
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let mut answer = Vec::new();
        let ok = TcpStream::connect(host)
            .and_then(|mut s| {
                s.set_read_timeout(Some(Duration::from_secs(5)))?;
                s.write_all(raw.as_bytes())?;
                s.read_to_end(&mut answer)
            })
            .is_ok();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        errors += usize::from(!ok || !answer.starts_with(b"HTTP/1.1 200"));
    }
    (times, errors)
}

/// The rows of a probe: the median, p99, the slowest, how many, errors. A probe makes 30 to
/// 70 requests while the upload runs, so its p99 is its slowest request, and that is the first
/// one after a transaction of the import commits: the page whose round is scored again, held
/// to the cold report's target (0.3 s, issue 17: "first page after any import"). The others
/// are held to a page's target by the median (and by wrk's p99 over the whole 20 s).
fn report_probe(name: &str, (mut times, errors): (Vec<f64>, usize)) {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let i = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len().max(1)) - 1;
        times.get(i).copied().unwrap_or(f64::NAN)
    };
    let (p50, p99, max) = (at(0.5), at(0.99), at(1.0));
    eprintln!(
        "{name}: {} requests, p50 {p50:.1} ms, p99 {p99:.1} ms, slowest {max:.1} ms, errors {errors}",
        times.len()
    );
    bench(name, "requests", times.len() as f64, None, "");
    bench(name, "p50_ms", p50, Some(25.0), "ms");
    bench(name, "p99_ms", p99, None, "ms");
    bench(name, "max_ms", max, Some(300.0), "ms");
    bench(name, "errors", errors as f64, Some(0.0), "");
}

/// Prints one load's rows; `p99_target` in ms.
fn report_load(name: &str, l: &Load, p99_target: Option<f64>) {
    eprintln!(
        "{name}: {:.0} req/s, p50 {:.1} ms, p99 {:.1} ms, errors {}",
        l.rps, l.p50, l.p99, l.errors
    );
    bench(name, "requests_per_s", l.rps, None, "req/s");
    bench(name, "p50_ms", l.p50, None, "ms");
    bench(name, "p99_ms", l.p99, p99_target, "ms");
    bench(name, "errors", l.errors, Some(0.0), "");
}

/// Uploads every form through A's upload page; the seconds it took and whether all were read
/// in.
fn upload(a: &str, cookie: &str, forms: &[PathBuf]) -> Res<(f64, bool)> {
    let page = format!("{a}/omgangar/2026/inlasning");
    let (status, body) = curl(&["-H", cookie], &page)?;
    if status != "200" {
        return Err(format!("the upload page answered {status}").into());
    }
    let csrf = body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .ok_or("no CSRF token on the upload page")?
        .to_string();
    let mut args: Vec<String> = vec!["-H".into(), cookie.into(), "--form-string".into()];
    args.push(format!("csrf={csrf}"));
    for f in forms {
        args.push("-F".into());
        args.push(format!("filer=@{}", f.display()));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let started = Instant::now();
    let (status, body) = curl(&args, &page)?;
    let wall = started.elapsed().as_secs_f64();
    let all = status == "200" && body.contains(&format!("{FORMS} filer: {FORMS} inlästa"));
    if !all {
        eprintln!("bench_instances: the upload answered {status}; not every form was read in");
    }
    Ok((wall, all))
}

/// Wrong passwords for `user` at `bases` in turn, `attempts` times; the 1-based attempt that
/// was refused first (429), if any, and whether every earlier one was an ordinary refusal
/// (401).
fn guess(bases: &[&str], user: &str, attempts: usize) -> Res<(Option<usize>, bool)> {
    // The sign-in form's token is a cookie and a field (double submit), not kept by either
    // instance: one from A serves B too.
    let out = Command::new("curl")
        .args(["-s", "-D", "-", "-o", "/dev/null", "-m", "30"])
        .arg(format!("{}/logga-in", bases[0]))
        .output()?;
    let headers = String::from_utf8_lossy(&out.stdout).into_owned();
    let token = headers
        .split("nara_login=")
        .nth(1)
        .and_then(|t| t.split(';').next())
        .ok_or("no sign-in token")?
        .to_string();
    let cookie = format!("Cookie: nara_login={token}");
    let mut first = None;
    let mut ordinary = true;
    for i in 0..attempts {
        let base = bases[i % bases.len()];
        let (status, _) = curl(
            &[
                "-o",
                "/dev/null",
                "-H",
                &cookie,
                "--data-urlencode",
                &format!("username={user}"),
                "--data-urlencode",
                &format!("password=gissning-{i}"),
                "--data-urlencode",
                &format!("csrf={token}"),
            ],
            &format!("{base}/logga-in"),
        )?;
        match (status.as_str(), first) {
            ("429", None) => first = Some(i + 1),
            ("401", None) | ("429", Some(_)) => {}
            _ => ordinary = false,
        }
    }
    Ok((first, ordinary))
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve") {
        return serve(&args[2], args[3].parse()?);
    }
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("bench_instances: installing wrk with apt-get");
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "wrk"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()?;
    }
    let (pg, required) = nara_store::testing::pg_url();
    let schema = nara_store::testing::fresh_schema();
    let dir = std::env::temp_dir().join(format!("nara-bench-instances-{}", std::process::id()));
    let prepared = match prepare(&pg, &schema, &dir.join("forms")) {
        Ok(p) => p,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            // Only a PostgreSQL asked for (NARA_TEST_PG_URL) must be there.
            if required {
                return Err(format!("PostgreSQL at {pg} (NARA_TEST_PG_URL): {e}").into());
            }
            eprintln!("bench_instances: PostgreSQL at {pg} not usable ({e}); skipped");
            return Ok(());
        }
    };
    let (mut a, base_a) = start_server(&prepared.url)?;
    let b = start_server(&prepared.url);
    let result = match b {
        Ok((mut b, base_b)) => {
            let r = run(&prepared, &base_a, &base_b);
            let _ = b.kill();
            let _ = b.wait();
            r
        }
        Err(e) => Err(e),
    };
    let _ = a.kill();
    let _ = a.wait();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The load, the import, freshness and the sign-in limits on the two running servers.
fn run(p: &Prepared, a: &str, b: &str) -> Res<()> {
    let cookie = format!("Cookie: nara_session={}", p.cookie);
    let county = format!("{a}/omgangar/2026");
    let org = format!("{b}/omgangar/2026/org/{}", p.largest);
    // Warm each loaded page once, as any first visitor would.
    for page in [&county, &org] {
        let (status, _) = curl(&["-o", "/dev/null", "-H", &cookie], page)?;
        if status != "200" {
            return Err(format!("{page} answered {status}").into());
        }
    }
    // The same load without an import first: what the machine gives when nothing changes.
    let (wrk_a, wrk_b) = (spawn_wrk(&county, &cookie)?, spawn_wrk(&org, &cookie)?);
    let (la, lb) = (wrk_result(wrk_a)?, wrk_result(wrk_b)?);
    for (name, l) in [
        ("instances_a_county_no_import", &la),
        ("instances_b_org_no_import", &lb),
    ] {
        report_load(name, l, None);
    }
    let before = forms_on(b, &cookie)?;
    let load_started = Instant::now();
    let wrk_a = spawn_wrk(&county, &cookie)?;
    let wrk_b = spawn_wrk(&org, &cookie)?;
    // The import starts once the load runs, and ends well inside its 20 s.
    std::thread::sleep(Duration::from_secs(2));
    let import_at = load_started.elapsed().as_secs_f64();
    let stop = AtomicBool::new(false);
    let path_b = format!("/omgangar/2026/org/{}", p.largest);
    let (wall, all, probe_a, probe_b) = std::thread::scope(|sc| {
        let pa = sc.spawn(|| probe(a, "/omgangar/2026", &cookie, &stop));
        let pb = sc.spawn(|| probe(b, &path_b, &cookie, &stop));
        let done = upload(a, &cookie, &p.forms);
        stop.store(true, Ordering::Relaxed);
        let (pa, pb) = (pa.join(), pb.join());
        done.map(|(w, all)| (w, all, pa, pb))
    })?;
    let (probe_a, probe_b) = (
        probe_a.map_err(|_| "a probe failed")?,
        probe_b.map_err(|_| "a probe failed")?,
    );
    // The upload has answered, so every form has committed: B's next answer must count them.
    let after = forms_on(b, &cookie)?;
    let fresh = all && after == before + FORMS as u64;
    let (la, lb) = (wrk_result(wrk_a)?, wrk_result(wrk_b)?);
    eprintln!(
        "bench_instances: upload of {FORMS} forms through A in {wall:.2} s (from {import_at:.1} s into the 20 s load); B counted {before} forms before, {after} right after"
    );
    for (name, l) in [
        ("instances_a_county_during_import", &la),
        ("instances_b_org_during_import", &lb),
    ] {
        report_load(name, l, Some(50.0));
    }
    report_probe("instances_a_county_probe_in_import", probe_a);
    report_probe("instances_b_org_probe_in_import", probe_b);
    bench("instances_import_100_via_a", "wall_s", wall, None, "s");
    bench_yes("instances_fresh_on_b_after_import", "fresh", fresh);

    // Sign-in limits: the attempt first refused on one instance, and alternating between two.
    let limit = nara_server::auth::MAX_PER_ACCOUNT;
    let attempts = limit + 3;
    let (one, one_ok) = guess(&[a], GUESSED[0], attempts)?;
    let (two, two_ok) = guess(&[a, b], GUESSED[1], attempts)?;
    eprintln!(
        "bench_instances: wrong passwords first refused at attempt {one:?} on one instance, {two:?} alternating A and B (limit {limit})"
    );
    let same = one_ok && two_ok && one == Some(limit + 1) && two == one;
    bench_yes(
        "instances_signin_limit_across",
        "same_as_one_instance",
        same,
    );
    Ok(())
}
