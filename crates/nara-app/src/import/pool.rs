//! The parsing workers of a batch: one thread per core, each taking the next file in the
//! batch's order and handing its parse back through a channel, with at most [`AHEAD`] files
//! taken beyond the one the batch stores next, so that a long batch holds a bounded number of
//! parses in memory. A thread per core for the whole batch, not a task per file: handing each
//! file to a pool thread and back cost more than a tenth of an import's time (issue 17).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use nara_excel::{ImportContext, Problem};

use super::Rejected;
use super::read::{Known, Read, read_one};

/// How many files may be parsed beyond the next one the batch takes.
const AHEAD: usize = 256;

/// The parses of a batch's files, handed out in the files' order (see [`Parses::next`]).
pub(super) struct Parses {
    results: tokio::sync::mpsc::UnboundedReceiver<(usize, Read)>,
    /// Parses that arrived before their turn.
    early: BTreeMap<usize, Read>,
    next: usize,
    total: usize,
    gate: Arc<Gate>,
}

/// Where the workers take their next file.
#[derive(Default)]
struct Gate {
    state: Mutex<Taken>,
    moved: Condvar,
}

#[derive(Default)]
struct Taken {
    /// Files taken by a worker.
    taken: usize,
    /// Files handed out by [`Parses::next`].
    handed: usize,
    /// The batch is gone: take nothing more.
    stop: bool,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, Taken> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next file for a worker, waiting while it would run [`AHEAD`] past the batch;
    /// `None` when every file is taken or the batch is gone.
    fn take(&self, total: usize) -> Option<usize> {
        let mut s = self.lock();
        while !s.stop && s.taken < total && s.taken >= s.handed + AHEAD {
            s = self.moved.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        if s.stop || s.taken >= total {
            return None;
        }
        s.taken += 1;
        Some(s.taken - 1)
    }

    fn set(&self, change: impl FnOnce(&mut Taken)) {
        change(&mut self.lock());
        self.moved.notify_all();
    }
}

/// A file whose parse was lost (its worker panicked or could not start): refused, not stored.
fn lost() -> Read {
    Read::Parsed(
        Box::new(Err(Rejected::from(vec![Problem {
            sheet: None,
            cell: None,
            message: "Filen kunde inte läsas (internt fel). Försök igen; kvarstår felet, kontakta förvaltaren.".into(),
        }]))),
        None,
    )
}

impl Parses {
    /// Starts one worker per core over `files`; a file whose bytes are in `known` is not
    /// parsed (see [`Read::Known`]).
    pub(super) fn start(files: &[PathBuf], ctx: &Arc<ImportContext>, known: &Arc<Known>) -> Self {
        let total = files.len();
        let files: Arc<[PathBuf]> = files.into();
        let gate = Arc::new(Gate::default());
        let (send, results) = tokio::sync::mpsc::unbounded_channel();
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        for n in 0..workers.min(total) {
            let (files, ctx, known, gate, send) = (
                files.clone(),
                ctx.clone(),
                known.clone(),
                gate.clone(),
                send.clone(),
            );
            let work = move || {
                while let Some(i) = gate.take(files.len()) {
                    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        read_one(&files[i], &ctx, &known)
                    }))
                    .unwrap_or_else(|_| lost());
                    if send.send((i, read)).is_err() {
                        return;
                    }
                }
            };
            // A worker that cannot start leaves its files to the others; with none, every
            // file is reported lost (see `next`).
            if let Err(e) = std::thread::Builder::new()
                .name(format!("nara-parse-{n}"))
                .spawn(work)
            {
                tracing::warn!(error = %e, "a parsing thread could not start");
            }
        }
        Self {
            results,
            early: BTreeMap::new(),
            next: 0,
            total,
            gate,
        }
    }

    /// The next file's parse, in the files' order; `None` after the last.
    pub(super) async fn next(&mut self) -> Option<Read> {
        if self.next >= self.total {
            return None;
        }
        let read = loop {
            if let Some(r) = self.early.remove(&self.next) {
                break r;
            }
            match self.results.recv().await {
                Some((i, r)) if i == self.next => break r,
                Some((i, r)) => {
                    self.early.insert(i, r);
                }
                // Every worker is gone without this file's parse.
                None => break lost(),
            }
        };
        self.next += 1;
        let handed = self.next;
        self.gate.set(|s| s.handed = handed);
        Some(read)
    }
}

impl Drop for Parses {
    fn drop(&mut self) {
        self.gate.set(|s| s.stop = true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Arc<ImportContext> {
        Arc::new(ImportContext {
            instruments: vec![nara_core::Instrument::dalarna()],
            organisations: nara_core::Organisations::dalarna(),
            rounds: Vec::new(),
            limits: nara_excel::Limits::default(),
        })
    }

    fn message(read: &Read) -> &str {
        match read {
            Read::Parsed(p, _) => match p.as_ref() {
                Err(r) => r.problems[0].message.as_str(),
                Ok(_) => "read",
            },
            Read::Known { .. } => "known",
        }
    }

    /// More files than may be parsed ahead, of two kinds in a pattern: every parse comes back
    /// in the files' order, each its own file's, and a known file is not parsed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn parses_come_back_in_order_past_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let total = 2 * AHEAD + 37;
        let files: Vec<PathBuf> = (0..total)
            .map(|i| {
                let p = dir.path().join(format!("{i:04}.xlsx"));
                // An empty file and a text file are refused with different sentences.
                std::fs::write(&p, if i % 3 == 0 { "" } else { "a;b;c\n1;2;3\n" }).unwrap();
                p
            })
            .collect();
        let text_hash = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(b"a;b;c\n1;2;3\n"))
        };
        let mut known = Known::new();
        known.insert(text_hash, (nara_core::RoundId::parse("2026").unwrap(), 1));
        let mut parses = Parses::start(&files, &context(), &Arc::new(known));
        let mut seen = 0;
        while let Some(read) = parses.next().await {
            let m = message(&read);
            if seen % 3 == 0 {
                assert!(m.contains("tom"), "file {seen}: {m}");
            } else {
                assert_eq!(m, "known", "file {seen}");
            }
            seen += 1;
        }
        assert_eq!(seen, total);
    }

    /// A batch that stops early lets its workers go: they take no file past the window.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_that_stops_early_stops_its_workers() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = (0..4 * AHEAD)
            .map(|i| {
                let p = dir.path().join(format!("{i:04}.xlsx"));
                std::fs::write(&p, "").unwrap();
                p
            })
            .collect();
        let mut parses = Parses::start(&files, &context(), &Arc::new(Known::new()));
        assert!(parses.next().await.is_some());
        let gate = parses.gate.clone();
        // Wait for the workers to fill the window, then check they stopped there.
        for _ in 0..200 {
            if gate.lock().taken == 1 + AHEAD {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(gate.lock().taken, 1 + AHEAD, "taken beyond the window");
        drop(parses);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(gate.lock().stop);
        assert_eq!(
            gate.lock().taken,
            1 + AHEAD,
            "taken after the batch was gone"
        );
    }
}
