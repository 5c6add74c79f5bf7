//! Benchmark (run by `cargo xtask bench`, release mode): importing one filled 27-statement form,
//! writing the blank form for every organisation, and refusing hostile files: a zip bomb, a
//! far-away cell, random bytes, and the expansion bombs of `tests/it/bombs.rs` (issue 14 item
//! 4), each answered in at most 1 s with a peak memory of at most 100 MB, and all of them at
//! once, one per core, in at most 250 MB. Prints `BENCH {json}` lines.
//!
//! `bench_read_form --hostile NAME` answers one expansion bomb only (to measure it in a process of
//! its own); `bench_read_form --forms` reads the filled form only (to profile the reading).

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "../tests/it/bombs.rs"]
mod bombs;

use nara_core::{Answer, AnswerSet, Instrument, Organisations, Round, RoundId, RoundStatus};
use nara_excel::{Filled, FormSpec, ImportContext, Limits, import_form, write_filled_form};

fn bench(name: &str, metric: &str, value: f64, target: f64, unit: &str) {
    println!(
        "BENCH {{\"bench\":\"{name}\",\"metric\":\"{metric}\",\"value\":{value:.4},\"target\":{target},\"unit\":\"{unit}\",\"ok\":{}}}",
        value <= target
    );
}

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

/// Starts a new peak: the kernel resets VmHWM to the current RSS (Linux).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The largest file the expansion bombs must be answered for.
const MAX_FILE: usize = 10 * 1024 * 1024;
/// How long one answer may take before the bench gives up waiting.
const GIVE_UP: Duration = Duration::from_secs(60);

/// Imports one file on a thread of its own and says how long it took and what it was told;
/// `None` when it did not answer within [`GIVE_UP`].
fn answer(ctx: &Arc<ImportContext>, file: String, bytes: Arc<Vec<u8>>) -> Option<(f64, String)> {
    let (tx, rx) = std::sync::mpsc::channel();
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let start = Instant::now();
        let result = import_form(&file, &bytes, &ctx);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let said = match result {
            Ok(_) => "imported".to_string(),
            Err(p) => p.first().map(|p| p.message.clone()).unwrap_or_default(),
        };
        let _ = tx.send((ms, said));
    });
    rx.recv_timeout(GIVE_UP).ok()
}

/// One expansion bomb, answered in this process (started with `--hostile NAME`): prints its
/// time and peak memory rows.
fn one_bomb(ctx: ImportContext, name: &str) -> Result<(), Box<dyn std::error::Error>> {
    let bomb = bombs::make(name).ok_or_else(|| format!("no hostile file called {name}"))?;
    if bomb.bytes.len() > MAX_FILE {
        return Err(format!("{name} is {} bytes, over 10 MB", bomb.bytes.len()).into());
    }
    let ctx = Arc::new(ctx);
    let file = bomb.file_name();
    let bytes = Arc::new(bomb.bytes);
    reset_peak();
    let (ms, said) = answer(&ctx, file, bytes.clone())
        .unwrap_or((GIVE_UP.as_secs_f64() * 1000.0, "no answer".into()));
    let mb = peak_rss_mb();
    eprintln!(
        "hostile {name} ({} kB): {ms:.1} ms, peak {mb:.1} MB: {}",
        bytes.len() / 1024,
        said.chars().take(110).collect::<String>()
    );
    bench(&format!("hostile_{name}"), "wall_ms", ms, 1000.0, "ms");
    bench(&format!("hostile_{name}"), "peak_rss_mb", mb, 100.0, "MB");
    Ok(())
}

/// The expansion bombs: each in a process of its own (this example, run again with
/// `--hostile NAME`, so that the peak is the file's alone), then all of them twice at once, one
/// per core, in this process.
fn expansion_bombs(ctx: ImportContext) -> Result<(), Box<dyn std::error::Error>> {
    let (mut worst_ms, mut worst_mb) = (0.0f64, 0.0f64);
    let me = std::env::current_exe()?;
    for name in bombs::NAMES {
        let out = std::process::Command::new(&me)
            .args(["--hostile", name])
            .stderr(std::process::Stdio::inherit())
            .output()?;
        if !out.status.success() {
            return Err(format!("hostile {name}: {:?}", out.status).into());
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        print!("{stdout}");
        for line in stdout.lines().filter(|l| l.starts_with("BENCH ")) {
            let value = line
                .split("\"value\":")
                .nth(1)
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.parse::<f64>().ok())
                .ok_or_else(|| format!("hostile {name}: bad line {line}"))?;
            if line.contains("\"wall_ms\"") {
                worst_ms = worst_ms.max(value);
            } else if line.contains("\"peak_rss_mb\"") {
                worst_mb = worst_mb.max(value);
            }
        }
    }
    bench("hostile_expansion", "worst_ms", worst_ms, 1000.0, "ms");
    bench(
        "hostile_expansion",
        "worst_peak_rss_mb",
        worst_mb,
        100.0,
        "MB",
    );

    // The batch: every file twice, as many at a time as there are cores (as the server parses
    // an upload), in one process.
    let ctx = Arc::new(ctx);
    let files: Vec<(String, Arc<Vec<u8>>)> = bombs::all()
        .into_iter()
        .map(|b| (b.file_name(), Arc::new(b.bytes)))
        .collect();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let queue = Arc::new(std::sync::Mutex::new(
        files
            .iter()
            .chain(files.iter())
            .cloned()
            .collect::<Vec<_>>(),
    ));
    let before = rss_mb();
    reset_peak();
    let start = Instant::now();
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let (queue, ctx) = (queue.clone(), ctx.clone());
            std::thread::spawn(move || {
                loop {
                    let next = queue.lock().map(|mut q| q.pop()).unwrap_or(None);
                    let Some((file, bytes)) = next else { break };
                    let _ = import_form(&file, &bytes, &ctx);
                }
            })
        })
        .collect();
    for h in handles {
        let _ = h.join();
    }
    let wall = start.elapsed().as_secs_f64();
    let mb = peak_rss_mb();
    eprintln!(
        "hostile batch: {} files, {workers} at a time: {wall:.2} s, peak {mb:.1} MB (the files themselves and the process: {before:.1} MB)",
        files.len() * 2
    );
    // Each file within 1 s, the cores sharing the work.
    let target = (2 * files.len()).div_ceil(workers) as f64;
    bench("hostile_batch", "wall_s", wall, target, "s");
    bench("hostile_batch", "peak_rss_mb", mb, 250.0, "MB");
    Ok(())
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (only, forms_only) = match args.as_slice() {
        [] => (None, false),
        [flag, name] if flag == "--hostile" => (Some(name.clone()), false),
        [flag] if flag == "--forms" => (None, true),
        _ => return Err("usage: bench_read_form [--hostile NAME | --forms]".into()),
    };
    let inst = Instrument::dalarna();
    let orgs = Organisations::dalarna();
    let round = Round {
        id: RoundId::parse("2026")?,
        instrument_id: inst.id().to_string(),
        instrument_version: inst.version().to_string(),
        status: RoundStatus::Open,
        opens: None,
        closes: None,
    };
    let mut answers = AnswerSet::default();
    for (i, (_, s)) in inst.statements().enumerate() {
        answers.answers.insert(
            s.id.clone(),
            if i % 9 == 0 {
                Answer::NotApplicable
            } else {
                Answer::Level(1 + (i % 4) as u8)
            },
        );
    }
    let org = orgs.find("2080").ok_or("no Falun")?;
    let bytes = write_filled_form(
        &FormSpec {
            instrument: &inst,
            org,
            round: &round,
            send_to: None,
        },
        &Filled {
            unit: "Hemsjukvården".into(),
            answers,
            ..Default::default()
        },
    )?;
    let ctx = ImportContext {
        instruments: vec![inst.clone()],
        organisations: orgs.clone(),
        rounds: vec![round.clone()],
        limits: Limits::default(),
    };
    if let Some(name) = only {
        return one_bomb(ctx, &name);
    }

    for _ in 0..50 {
        import_form("f.xlsx", &bytes, &ctx).map_err(|p| format!("{p:?}"))?;
    }
    let n = 2000;
    let start = Instant::now();
    for _ in 0..n {
        import_form("f.xlsx", &bytes, &ctx).map_err(|p| format!("{p:?}"))?;
    }
    let per = start.elapsed().as_secs_f64() * 1000.0 / f64::from(n);
    eprintln!("import of one 27-statement form: {per:.3} ms (mean of {n})");
    // Issue 17: 1,000 forms stored in 0.35 s on two cores leaves about 0.5 ms to read a form.
    bench("import_form_27_statements", "ms_per_form", per, 0.5, "ms");
    if forms_only {
        return Ok(());
    }

    // The blank form for every organisation (what `nara template --all` writes).
    let start = Instant::now();
    let mut total = 0;
    for o in &orgs.organisations {
        total += nara_excel::write_form(&FormSpec {
            instrument: &inst,
            org: o,
            round: &round,
            send_to: None,
        })?
        .len();
    }
    let all = start.elapsed().as_secs_f64();
    eprintln!(
        "blank forms for all {} organisations: {all:.3} s ({} kB)",
        orgs.organisations.len(),
        total / 1024
    );
    bench("template_all_organisations", "wall_s", all, 1.0, "s");

    // Hostile files: a zip bomb declaring 1.1 GB, a far-away cell, random bytes.
    let mut bomb = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut bomb);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        w.start_file("xl/workbook.xml", opts)?;
        w.start_file("xl/worksheets/sheet1.xml", opts)?;
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..1100 {
            w.write_all(&chunk)?;
        }
        w.finish()?;
    }
    let mut far = rust_xlsxwriter::Workbook::new();
    let ws = far.add_worksheet();
    ws.write_string(0, 0, "ID")?;
    ws.write_string(0, 1, "Svar")?;
    ws.write_string(1_048_575, 16_383, "x")?;
    let far = far.save_to_buffer()?;
    let random: Vec<u8> = (0..200_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    let mut worst: f64 = 0.0;
    for (name, file) in [
        ("bomb", bomb.into_inner()),
        ("xfd1048576", far),
        ("random", random),
    ] {
        let start = Instant::now();
        let refused = import_form(name, &file, &ctx).is_err();
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        eprintln!("hostile {name}: refused={refused} in {ms:.1} ms");
        worst = worst.max(ms);
    }
    bench("hostile_files", "worst_ms", worst, 1000.0, "ms");
    bench("hostile_files", "peak_rss_mb", peak_rss_mb(), 100.0, "MB");
    expansion_bombs(ctx)
}
