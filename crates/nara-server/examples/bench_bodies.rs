//! Benchmark (run by `cargo xtask bench`, release mode): large request bodies against the real
//! server on loopback. The server runs in a child process (`nara_server::serve`, default
//! configuration); 20 clients at once each send a 60 MiB POST, once with `Content-Length` and
//! once chunked, to the sign-in form, to an answer link that does not exist, and to the upload
//! route without a session; then 20 signed-in coordinators upload a 60 MiB file each (streamed
//! to disk, then refused as too large by the importer). The server's memory (resident set,
//! sampled every 10 ms) may grow at most 50 MB over what it used before. Prints `BENCH {json}`
//! lines.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CLIENTS: usize = 20;
const BODY: usize = 60 * 1024 * 1024;
const TARGET_MB: f64 = 50.0;

fn bench(name: &str, metric: &str, value: f64, target: Option<f64>, unit: &str) {
    let (t, ok) = match target {
        Some(t) => (t.to_string(), (value <= t).to_string()),
        None => ("null".into(), "null".into()),
    };
    println!(
        "BENCH {{\"bench\":\"{name}\",\"metric\":\"{metric}\",\"value\":{value:.4},\"target\":{t},\"unit\":\"{unit}\",\"ok\":{ok}}}"
    );
}

/// The child: a small database with the demo, a coordinator's session (printed), then serves.
fn serve(db: &str, port: u16) -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let app = nara_app::App::open(&format!("sqlite://{db}")).await?;
        app.demo(&nara_app::demo::Options::default()).await?;
        let user = app
            .add_user(
                "samordnare",
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
        println!("{cookie}");
        nara_server::serve(state, SocketAddr::from(([127, 0, 0, 1], port))).await?;
        Ok(())
    })
}

/// The resident set of a process, in bytes.
fn rss(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// One client: the request's head, then a 60 MiB body (`prefix`, filler, `suffix`) in 64 KiB
/// pieces until it is all sent or the server stops taking it; then whatever answer came.
/// Returns the status (0: none, e.g. the server closed before the client read).
fn post(port: u16, head: &str, chunked: bool, prefix: &[u8], suffix: &[u8]) -> u16 {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return 0;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(60)));
    let framing = if chunked {
        "Transfer-Encoding: chunked\r\n".to_string()
    } else {
        format!("Content-Length: {BODY}\r\n")
    };
    if s.write_all(format!("{head}{framing}Connection: close\r\n\r\n").as_bytes())
        .is_err()
    {
        return 0;
    }
    let piece = vec![b'a'; 64 * 1024];
    let filler = BODY - prefix.len() - suffix.len();
    let mut sent = 0;
    while sent < BODY {
        let data: Vec<u8> = if sent == 0 {
            prefix.to_vec()
        } else if sent >= prefix.len() + filler {
            suffix.to_vec()
        } else {
            piece[..piece.len().min(prefix.len() + filler - sent)].to_vec()
        };
        let ok = if chunked {
            s.write_all(format!("{:x}\r\n", data.len()).as_bytes())
                .and_then(|()| s.write_all(&data))
                .and_then(|()| s.write_all(b"\r\n"))
        } else {
            s.write_all(&data)
        };
        if ok.is_err() {
            break;
        }
        sent += data.len();
    }
    if chunked && sent >= BODY {
        let _ = s.write_all(b"0\r\n\r\n");
    }
    let mut answer = Vec::new();
    let _ = s.take(64 * 1024).read_to_end(&mut answer);
    String::from_utf8_lossy(&answer)
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// Runs `CLIENTS` posts at once while sampling the server's memory; returns (peak growth in MB,
/// seconds, statuses).
fn load(
    pid: u32,
    port: u16,
    head: &str,
    chunked: bool,
    prefix: &[u8],
    suffix: &[u8],
) -> (f64, f64, Vec<u16>) {
    let before = rss(pid);
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                peak.fetch_max(rss(pid), Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let t = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (head, prefix, suffix) = (head.to_string(), prefix.to_vec(), suffix.to_vec());
            std::thread::spawn(move || post(port, &head, chunked, &prefix, &suffix))
        })
        .collect();
    let statuses: Vec<u16> = clients.into_iter().map(|c| c.join().unwrap_or(0)).collect();
    let secs = t.elapsed().as_secs_f64();
    // The server may still be finishing (removing upload folders): sample a little longer.
    std::thread::sleep(Duration::from_millis(300));
    done.store(true, Ordering::SeqCst);
    let _ = sampler.join();
    let growth = peak.load(Ordering::SeqCst).saturating_sub(before) as f64 / 1e6;
    (growth, secs, statuses)
}

/// A GET with the session cookie; the page's body.
fn get(port: u16, path: &str, cookie: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("the server answers");
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: nara_session={cookie}\r\nConnection: close\r\n\r\n"
    );
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve") {
        return serve(&args[2], args[3].parse()?);
    }
    let dir = std::env::temp_dir().join(format!("nara-bench-bodies-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("bodies.db").display().to_string();
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut child = Command::new(std::env::current_exe()?)
        .args(["serve", &db, &port.to_string()])
        .env("NARA_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let pid = child.id();
    let mut line = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut line)?;
    let cookie = line.trim().to_string();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(Duration::from_millis(100));
    }
    // Warm up: one page, so the first request's allocations are not counted as growth.
    let _ = get(port, "/logga-in", "");
    let mut failed = Vec::new();
    let form = "Content-Type: application/x-www-form-urlencoded\r\n";
    let bad_token = "0".repeat(64);
    let boundary = "----nara-bench";
    let multipart = format!("Content-Type: multipart/form-data; boundary={boundary}\r\n");
    for (name, path, ctype) in [
        ("post_60mib_sign_in", "/logga-in".to_string(), form),
        (
            "post_60mib_unknown_answer_link",
            format!("/svar/{bad_token}"),
            form,
        ),
        (
            "post_60mib_upload_signed_out",
            "/omgangar/2026/inlasning".to_string(),
            multipart.as_str(),
        ),
    ] {
        let mut worst: f64 = 0.0;
        let mut secs = 0.0;
        for chunked in [false, true] {
            let head = format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{ctype}");
            let (growth, s, statuses) =
                load(pid, port, &head, chunked, b"username=a&password=", b"");
            eprintln!(
                "{name} ({}): RSS +{growth:.1} MB, {s:.2} s, answers {:?}",
                if chunked { "chunked" } else { "Content-Length" },
                statuses
            );
            if statuses.contains(&200) {
                failed.push(format!("{name}: a signed-out POST was taken: {statuses:?}"));
            }
            worst = worst.max(growth);
            secs += s;
        }
        bench(name, "server_rss_growth_mb", worst, Some(TARGET_MB), "MB");
        bench(name, "seconds", secs, None, "s");
    }
    // Signed in: the files are streamed to disk (and then refused as larger than a form may be).
    let page = get(port, "/omgangar/2026/inlasning", &cookie);
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .ok_or("no CSRF token on the upload page")?
        .to_string();
    let prefix = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"filer\"; filename=\"stor.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    );
    let suffix = format!("\r\n--{boundary}--\r\n");
    let head = format!(
        "POST /omgangar/2026/inlasning HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: nara_session={cookie}\r\n{multipart}"
    );
    let (growth, secs, statuses) = load(
        pid,
        port,
        &head,
        false,
        prefix.as_bytes(),
        suffix.as_bytes(),
    );
    if statuses.iter().any(|&c| c != 200) {
        failed.push(format!("upload_60mib_signed_in: answers {statuses:?}"));
    }
    eprintln!("upload_60mib_signed_in: RSS +{growth:.1} MB, {secs:.2} s, answers {statuses:?}");
    bench(
        "upload_60mib_signed_in",
        "server_rss_growth_mb",
        growth,
        Some(TARGET_MB),
        "MB",
    );
    bench("upload_60mib_signed_in", "seconds", secs, None, "s");
    let leftovers = std::fs::read_dir(std::env::temp_dir())?
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("nara-upload-{pid}-"))
        })
        .count();
    if leftovers > 0 {
        failed.push(format!("{leftovers} upload folders left behind"));
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    if !failed.is_empty() {
        return Err(failed.join("; ").into());
    }
    Ok(())
}
