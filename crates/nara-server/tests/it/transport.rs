//! The server on a real socket (`serve_on` on 127.0.0.1:0): slow clients and the connection
//! cap, the header and request time limits, bodies that are never read. Raw HTTP/1.1 over TCP,
//! so what is sent and when is exact.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use nara_server::{AppState, Config};
use nara_store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A server running on loopback until stopped.
pub struct Live {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Starts the real server (the same `serve_on` as `nara serve`) over a store.
pub async fn live(store: Arc<dyn Store>, config: Config) -> Live {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let state = AppState::new(nara_app::App::new(store), config);
    let task = tokio::spawn(nara_server::serve_on(listener, state, async move {
        let _ = rx.await;
    }));
    Live {
        addr,
        stop: Some(tx),
        task,
    }
}

impl Live {
    /// Stops it and returns how long it took to end.
    pub async fn stop(mut self) -> Duration {
        let t = Instant::now();
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(40), &mut self.task)
            .await
            .expect("the server stops by itself")
            .unwrap()
            .unwrap();
        t.elapsed()
    }
}

/// Reads one HTTP response (head and a `Content-Length` body), or what came before the server
/// closed; `None` when nothing came within `wait`.
pub async fn read_response(s: &mut TcpStream, wait: Duration) -> Option<String> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut got = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        if let Some(end) = find(&got, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&got[..end]).to_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if len.is_some_and(|n| got.len() >= end + 4 + n) {
                break;
            }
        }
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => break,
        }
    }
    (!got.is_empty()).then(|| String::from_utf8_lossy(&got).into_owned())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The status code of a raw response.
pub fn status(resp: &str) -> u16 {
    resp.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// How many connections this test may open: 1,100, or fewer when the open-file limit is low
/// (each one is a handle here and one in the server).
fn slow_client_count() -> usize {
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3)?.parse::<usize>().ok())
        })
        .unwrap_or(4096);
    1100.min(soft.saturating_sub(300) / 2)
}

/// 1,100 clients that send a request's headers a byte every 150 ms (the whole request would
/// take 14 s) against a server with a 2 s header limit and room for 256 connections: a normal
/// request still gets its answer within a few seconds, every slow client is closed by the
/// server without an answer, and the server stops promptly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_neither_shut_out_a_normal_request_nor_stay() {
    let (store, _dir) = nara_store::testing::sqlite().await;
    let header_timeout = Duration::from_secs(2);
    // 1,100 clients and 256 places; with a low open-file limit, fewer in the same proportion.
    let n = slow_client_count();
    let server = live(
        store,
        Config {
            header_timeout,
            max_connections: (n * 256 / 1100).max(16),
            ..Config::default()
        },
    )
    .await;
    let addr = server.addr;
    let started = Instant::now();
    let mut slow = tokio::task::JoinSet::new();
    for i in 0..n {
        slow.spawn(async move {
            let mut s = TcpStream::connect(addr).await.ok()?;
            let req =
                format!("GET /logga-in HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Langsam: {i:0>40}\r\n\r\n");
            for b in req.bytes() {
                if s.write_all(&[b]).await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
            // Closed by the server (end of stream or reset), and never answered.
            let mut buf = [0u8; 256];
            let answered = !matches!(
                tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf)).await,
                Ok(Ok(0) | Err(_))
            );
            Some(answered)
        });
        if i % 100 == 99 {
            tokio::task::yield_now().await;
        }
    }
    // Give the slow clients time to take every place and fill the queue.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t = Instant::now();
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let resp = read_response(&mut s, Duration::from_secs(20))
        .await
        .expect("the normal request is answered");
    let waited = t.elapsed();
    assert_eq!(status(&resp), 200, "{resp}");
    assert!(resp.ends_with("ok"), "{resp}");
    assert!(
        waited < Duration::from_secs(5),
        "the normal request waited {waited:?}"
    );
    let mut connected = 0;
    while let Some(r) = slow.join_next().await {
        if let Some(answered) = r.unwrap() {
            connected += 1;
            assert!(
                !answered,
                "a slow client got an answer instead of being closed"
            );
        }
    }
    let all_closed = started.elapsed();
    assert!(connected >= n * 9 / 10, "only {connected} of {n} connected");
    // Each would have taken 14 s to send its request; the server closed them all well before.
    assert!(
        all_closed < Duration::from_secs(10),
        "the slow clients were closed after {all_closed:?}"
    );
    let stopped = server.stop().await;
    assert!(
        stopped < Duration::from_secs(3),
        "stopping took {stopped:?}"
    );
    eprintln!(
        "slow clients: {connected} connected; normal request answered in {waited:?}; all closed after {all_closed:?}; stopped in {stopped:?}"
    );
}

/// A body that comes too slowly is cut off at the request time limit with a Swedish page, and
/// the server stops even while a request is under way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_body_meets_the_request_time_limit() {
    let (store, _dir) = nara_store::testing::sqlite().await;
    let server = live(
        store,
        Config {
            request_timeout: Duration::from_secs(1),
            ..Config::default()
        },
    )
    .await;
    let mut s = TcpStream::connect(server.addr).await.unwrap();
    s.write_all(
        b"POST /logga-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nusername=a",
    )
    .await
    .unwrap();
    let t = Instant::now();
    let resp = read_response(&mut s, Duration::from_secs(10))
        .await
        .expect("an answer at the time limit");
    assert_eq!(status(&resp), 408, "{resp}");
    assert!(resp.contains("längre tid än 1 sekunder"), "{resp}");
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
    assert!(server.stop().await < Duration::from_secs(3));
}

/// A body larger than the route takes is refused from its `Content-Length`, before a byte of it
/// is read, with a Swedish page: sign-in (small limit) and the upload route (large limit,
/// refused for a body over it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_body_over_the_limit_is_refused_unread() {
    let (store, _dir) = nara_store::testing::sqlite().await;
    let server = live(store, Config::default()).await;
    for (path, len) in [
        ("/logga-in", 60 * 1024 * 1024),
        ("/logga-in", 300 * 1024),
        ("/omgangar/2026/inlasning", 65 * 1024 * 1024),
        ("/admin/instrument", 5 * 1024 * 1024),
        ("/finns/inte", 65 * 1024 * 1024),
    ] {
        let mut s = TcpStream::connect(server.addr).await.unwrap();
        s.write_all(
            format!(
                "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {len}\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        let resp = read_response(&mut s, Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("{path} {len}: no answer without the body"));
        assert_eq!(status(&resp), 413, "{path} {len}: {resp}");
        assert!(resp.contains("för stort"), "{path}: {resp}");
    }
    server.stop().await;
}
