//! The connection loop: accepting connections up to a cap, the header, write and shutdown time
//! limits, and making room for new clients when the server is full.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;

use crate::{AppState, Config, admin, router};

/// How long a stopping server lets the requests under way finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves on `addr` until SIGTERM or Ctrl-C, then lets the requests under way finish (see
/// [`serve_on`]).
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(address = %listener.local_addr()?, "Nära lyssnar");
    serve_on(listener, state, shutdown()).await
}

/// Serves the application on a bound listener until `stop` completes, then lets the requests
/// under way finish (at most 30 s). Upload folders left by a crash are removed first.
///
/// Every connection has the header, request and write time limits of the configuration, and
/// at most `max_connections` are served at once; further ones wait in the listener's queue.
/// While the server is full, connections that are not in the middle of a request (slow to send
/// their headers, or idle between requests) for a moment are closed to make room, so a queue
/// of slow clients cannot keep a normal request waiting for long.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    stop: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    admin::remove_upload_leftovers(state.config.upload_dir.as_deref());
    let config = state.config.clone();
    let cap = connection_cap(config.max_connections);
    let permits = Arc::new(tokio::sync::Semaphore::new(cap));
    let (stopping, stop_rx) = tokio::sync::watch::channel(false);
    let (full, full_rx) = tokio::sync::watch::channel(0u64);
    let make_room_after = (config.header_timeout / 4).min(Duration::from_millis(500));
    let app = router(state);
    let mut stop = std::pin::pin!(stop);
    'serve: loop {
        // A slot: when there is none, ask idle connections to make room, again and again.
        let permit = loop {
            if let Ok(p) = permits.clone().try_acquire_owned() {
                break p;
            }
            full.send_modify(|n| *n += 1);
            tokio::select! {
                biased;
                () = &mut stop => break 'serve,
                p = permits.clone().acquire_owned() => match p {
                    Ok(p) => break p,
                    Err(_) => break 'serve,
                },
                () = tokio::time::sleep(make_room_after / 2) => {}
            }
        };
        let accepted = tokio::select! {
            biased;
            () = &mut stop => break,
            r = listener.accept() => r,
        };
        match accepted {
            Ok((stream, peer)) => {
                let _ = stream.set_nodelay(true);
                tokio::spawn(connection(
                    stream,
                    peer,
                    app.clone(),
                    config.clone(),
                    Signals {
                        stopping: stop_rx.clone(),
                        full: full_rx.clone(),
                        make_room_after,
                    },
                    permit,
                ));
            }
            Err(e) if connection_error(&e) => {}
            Err(e) => {
                // Out of file handles or the like: wait a moment rather than spin.
                tracing::warn!(error = %e, "could not accept a connection");
                drop(permit);
                tokio::select! {
                    biased;
                    () = &mut stop => break,
                    () = tokio::time::sleep(Duration::from_millis(250)) => {}
                }
            }
        }
    }
    drop(listener);
    let _ = stopping.send(true);
    let all = u32::try_from(cap).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, permits.acquire_many(all)).await;
    Ok(())
}

fn connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// What the accept loop tells its connections.
struct Signals {
    /// The server stops.
    stopping: tokio::sync::watch::Receiver<bool>,
    /// Bumped while the server is full.
    full: tokio::sync::watch::Receiver<u64>,
    /// How long a connection must have been outside a request to be closed to make room.
    make_room_after: Duration,
}

/// Whether a connection is in the middle of a request (from its headers until its answer is
/// written), and since when it is not.
struct Activity {
    busy: std::sync::atomic::AtomicUsize,
    idle_since: std::sync::Mutex<std::time::Instant>,
}

impl Activity {
    fn idle_for(&self) -> Option<Duration> {
        if self.busy.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            return None;
        }
        let since = *self.idle_since.lock().unwrap_or_else(|e| e.into_inner());
        Some(since.elapsed())
    }
}

/// Held while a request is served, until its answer has been handed over completely.
struct Busy(Arc<Activity>);

impl Busy {
    fn new(a: &Arc<Activity>) -> Self {
        a.busy.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Self(a.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        *self.0.idle_since.lock().unwrap_or_else(|e| e.into_inner()) = std::time::Instant::now();
        self.0
            .busy
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// An answer's body that keeps its connection marked busy until it is written.
struct Tracked {
    inner: Body,
    _busy: Busy,
}

impl hyper::body::Body for Tracked {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// One connection: HTTP/1.1 with the header-read limit, the write limit, and the client's
/// address for the handlers; closed to make room when the server is full and it is not in a
/// request, and ended when the server stops.
async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    app: Router,
    config: Arc<Config>,
    mut signals: Signals,
    _permit: tokio::sync::OwnedSemaphorePermit,
) {
    let activity = Arc::new(Activity {
        busy: std::sync::atomic::AtomicUsize::new(0),
        idle_since: std::sync::Mutex::new(std::time::Instant::now()),
    });
    let io = hyper_util::rt::TokioIo::new(WriteDeadline::new(stream, config.write_timeout));
    let act = activity.clone();
    let service = hyper::service::service_fn(move |req: axum::http::Request<Incoming>| {
        let busy = Busy::new(&act);
        let mut req = req.map(Body::new);
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        let answer = tower::ServiceExt::oneshot(app.clone(), req);
        async move {
            let res = answer.await?;
            Ok::<_, Infallible>(res.map(|inner| Tracked { inner, _busy: busy }))
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .serve_connection(io, service);
    let mut conn = std::pin::pin!(conn);
    loop {
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(error = %e, "connection ended");
                }
                return;
            }
            () = stopped(&mut signals.stopping) => {
                // Between requests: close now; in one: finish it, then close.
                if activity.idle_for().is_some() {
                    return;
                }
                conn.as_mut().graceful_shutdown();
                let _ = tokio::time::timeout(SHUTDOWN_GRACE, conn).await;
                return;
            }
            Ok(()) = signals.full.changed() => {
                if activity.idle_for().is_some_and(|d| d >= signals.make_room_after) {
                    tracing::debug!(%peer, "closed an idle connection to make room");
                    return;
                }
            }
        }
    }
}

async fn stopped(rx: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

/// The connection cap: the configured one, lowered so that the connections leave room in the
/// process's open-file limit (read from `/proc/self/limits` on Linux) for the database and
/// uploads; a server out of file handles can neither accept nor answer.
fn connection_cap(wanted: usize) -> usize {
    const RESERVE: usize = 128;
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3)?.parse::<usize>().ok())
        });
    match soft {
        Some(n) if n.saturating_sub(RESERVE) < wanted => {
            let cap = n.saturating_sub(RESERVE).max(16);
            tracing::warn!(
                wanted,
                cap,
                open_files = n,
                "the connection cap is lowered to fit the open-file limit (raise it with ulimit -n or LimitNOFILE)"
            );
            cap
        }
        _ => wanted.max(1),
    }
}

/// A socket whose writes fail when the client accepts no byte for `limit`: a client that asks
/// and never reads cannot hold a connection (and its slot) for ever.
struct WriteDeadline {
    inner: tokio::net::TcpStream,
    limit: Duration,
    timer: std::pin::Pin<Box<tokio::time::Sleep>>,
    armed: bool,
}

impl WriteDeadline {
    fn new(inner: tokio::net::TcpStream, limit: Duration) -> Self {
        Self {
            inner,
            limit,
            timer: Box::pin(tokio::time::sleep(limit)),
            armed: false,
        }
    }

    /// After a write that could not go on: start the clock (once), and fail when it runs out.
    fn stalled<T>(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<T>> {
        if !self.armed {
            self.armed = true;
            let at = tokio::time::Instant::now() + self.limit;
            self.timer.as_mut().reset(at);
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the client read nothing in time",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn progressed<T>(
        &mut self,
        r: Poll<std::io::Result<T>>,
        cx: &mut Context<'_>,
    ) -> Poll<std::io::Result<T>> {
        match r {
            Poll::Pending => self.stalled(cx),
            done => {
                self.armed = false;
                done
            }
        }
    }
}

impl tokio::io::AsyncRead for WriteDeadline {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for WriteDeadline {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.progressed(r, cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.progressed(r, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_flush(cx);
        this.progressed(r, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.progressed(r, cx)
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("stänger: avslutar pågående förfrågningar");
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    /// A client that asks and never reads: the write fails at the write limit instead of
    /// waiting for ever.
    #[tokio::test]
    async fn a_write_nobody_reads_fails_at_the_limit() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = tokio::net::TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let mut w = WriteDeadline::new(server, Duration::from_millis(300));
        let chunk = vec![0u8; 1 << 20];
        let t = std::time::Instant::now();
        let err = loop {
            match tokio::time::timeout(Duration::from_secs(10), w.write_all(&chunk)).await {
                Ok(Ok(())) => continue,
                Ok(Err(e)) => break e,
                Err(_) => panic!("the write hung"),
            }
        };
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        drop(client);
    }
}
