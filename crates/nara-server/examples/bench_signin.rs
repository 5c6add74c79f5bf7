//! Benchmark (run by `cargo xtask bench`, release mode): 100 parallel sign-in attempts at one
//! account against the real router on loopback (a fresh SQLite store in a temporary folder),
//! 99 wrong passwords and the right one among them. The limit is 5 attempts per account, counted
//! before verifying, and at most two argon2 verifications run at once, each on its own thread in
//! memory that thread keeps (~19 MiB), so at most 5 passwords are verified and the process's
//! memory grows by those two blocks at most. Prints the verified count, the answers, the time
//! and the growth of the process's resident memory (VmRSS, sampled every 2 ms, and after) as
//! `BENCH {json}` lines.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const USER: &str = "samordnare";
const PASSWORD: &str = "ett-langt-losenord";
const ATTEMPTS: usize = 100;

fn bench(name: &str, metric: &str, value: f64, target: Option<f64>, unit: &str) {
    let (t, ok) = match target {
        Some(t) => (t.to_string(), (value <= t).to_string()),
        None => ("null".into(), "null".into()),
    };
    println!(
        "BENCH {{\"bench\":\"{name}\",\"metric\":\"{metric}\",\"value\":{value:.4},\"target\":{t},\"unit\":\"{unit}\",\"ok\":{ok}}}"
    );
}

/// The process's resident memory in kB.
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// One HTTP/1.1 request on its own connection; the status and the whole answer.
async fn request(addr: SocketAddr, raw: String) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr).await?;
    s.write_all(raw.as_bytes()).await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, text))
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("signin.db");
    let app = nara_app::App::open(&format!("sqlite://{}", db.display())).await?;
    app.add_user(USER, PASSWORD, nara_app::Role::Admin, None, "bench")
        .await?;
    let state = nara_server::AppState::new(app, nara_server::Config::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app =
        nara_server::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    // The sign-in form's token (cookie and field), shared by every attempt.
    let (status, page) = request(
        addr,
        format!("GET /logga-in HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
    .await?;
    if status != 200 {
        return Err(format!("GET /logga-in answered {status}").into());
    }
    let token = page
        .split("nara_login=")
        .nth(1)
        .and_then(|t| t.split(';').next())
        .ok_or("no sign-in token")?
        .to_string();

    // Memory: a sampler thread keeps the peak while the attempts run.
    let before = rss_kb();
    let peak = Arc::new(AtomicU64::new(before));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kb(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };

    let started = Instant::now();
    let right = ATTEMPTS / 2;
    let tasks: Vec<_> = (0..ATTEMPTS)
        .map(|i| {
            let password = if i == right {
                PASSWORD.to_string()
            } else {
                format!("gissning-nummer-{i}")
            };
            let body = format!("username={USER}&password={}&csrf={token}", enc(&password));
            let raw = format!(
                "POST /logga-in HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\n\
                 Cookie: nara_login={token}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            tokio::spawn(request(addr, raw))
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await??.0);
    }
    let elapsed = started.elapsed();
    // Let freed memory settle, then read it once more.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = rss_kb();
    stop.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    let peak = peak.load(Ordering::Relaxed).max(after);

    let count = |s: u16| statuses.iter().filter(|x| **x == s).count();
    let (wrong, signed_in, limited) = (count(401), count(303), count(429));
    let other = ATTEMPTS - wrong - signed_in - limited;
    let verified = state.limiter.verifications();
    let mb = |kb: u64| kb as f64 / 1024.0;
    eprintln!(
        "bench_signin: {ATTEMPTS} attempts in {:.0} ms: {verified} verified ({wrong} wrong, \
         {signed_in} signed in), {limited} refused by the limit, {other} other; \
         RSS {:.1} MB before, {:.1} MB after, {:.1} MB peak",
        elapsed.as_secs_f64() * 1000.0,
        mb(before),
        mb(after),
        mb(peak)
    );
    let name = "signin_100_parallel_one_account";
    bench(name, "verified", verified as f64, Some(5.0), "");
    bench(name, "refused_by_limit", limited as f64, None, "");
    bench(name, "other_answers", other as f64, Some(0.0), "");
    bench(
        name,
        "rss_growth_mb",
        mb(after.saturating_sub(before)),
        Some(50.0),
        "MB",
    );
    bench(
        name,
        "rss_peak_growth_mb",
        mb(peak.saturating_sub(before)),
        Some(50.0),
        "MB",
    );
    bench(
        name,
        "elapsed_ms",
        elapsed.as_secs_f64() * 1000.0,
        None,
        "ms",
    );
    Ok(())
}
