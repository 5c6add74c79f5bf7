//! Benchmark (run by `cargo xtask bench`, release mode): importing one filled 27-statement form,
//! writing the blank form for every organisation, and refusing hostile files. Prints `BENCH {json}` lines.

use std::io::Write;
use std::time::Instant;

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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let inst = Instrument::dalarna();
    let orgs = Organisations::dalarna();
    let round = Round {
        id: RoundId::parse("2026")?,
        instrument_id: inst.id.clone(),
        instrument_version: inst.version.clone(),
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
    bench("import_form_27_statements", "ms_per_form", per, 5.0, "ms");

    // The blank form for every organisation (what `nara template --all` writes).
    let start = Instant::now();
    let mut total = 0;
    for o in &orgs.organisations {
        total += nara_excel::write_form(&FormSpec {
            instrument: &inst,
            org: o,
            round: &round,
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
    Ok(())
}
