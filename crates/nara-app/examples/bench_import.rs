//! Benchmark (run by `cargo xtask bench`, release mode): importing 250, 500 and 1,000 filled
//! forms into a fresh SQLite database (issue 17: 1,000 in at most 0.35 s and 50 MB), the same
//! 1,000 again unchanged (at most 0.2 s, nothing written), 1,000 that each bring two new
//! activities on their sheet Aktiviteter (no target: watched), and 1,000 into PostgreSQL (at most
//! 0.8 s) when it answers. Then growth (issue 17: linear, memory flat): a round's forms
//! imported into a county that already holds nine rounds of `nara demo` at about 300, 3,000 and
//! 10,000 units, one form per unit, each at most 1.1 × the time per form at 300 units (11× the
//! time for 10× the data) and at most 50 MB. The forms are written by a child process first,
//! each demo is made by a child, and each import runs in a child of its own, so its peak memory
//! (VmHWM) is the import's alone. Prints `BENCH {json}` lines.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use nara_core::{Answer, AnswerSet, Instrument, Organisations, Round, RoundId, RoundStatus};
use nara_excel::{Filled, FormSpec};

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

/// Writes filled forms `from..n` into `dir` (`f00000.xlsx` and on; the same `i` always gives
/// the same form); with `activities`, each brings two new activities on its sheet Aktiviteter,
/// as a unit that plans its work writes them.
fn generate(
    dir: &Path,
    from: usize,
    n: usize,
    activities: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
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
    for i in from..n {
        let mut set = AnswerSet::default();
        for (k, (_, s)) in inst.statements().enumerate() {
            let v = (i * 7 + k * 3) % 9;
            if v < 8 {
                set.answers.insert(
                    s.id.clone(),
                    if v == 0 {
                        Answer::NotApplicable
                    } else {
                        Answer::Level(1 + (v % 4) as u8)
                    },
                );
            }
        }
        let org = &orgs.organisations[i % orgs.organisations.len()];
        let filled = Filled {
            unit: format!("Verksamhet {i}"),
            answers: set,
            ..Default::default()
        };
        let mut acts = nara_excel::FormActivities::default();
        if activities {
            for (row, title, areas, status) in [
                (0, format!("Samordnad vårdplanering {i}"), "D1, D3", "pågår"),
                (1, format!("Ny rutin för läkemedel {i}"), "D2", "planerad"),
            ] {
                for (col, v) in [
                    ("Titel", title),
                    ("Delmål", areas.to_string()),
                    ("Kategori", "arbetssätt".to_string()),
                    ("Status", status.to_string()),
                ] {
                    acts.typed
                        .push((row, col.to_string(), nara_excel::Typed::Text(v)));
                }
            }
        }
        std::fs::write(
            dir.join(format!("f{i:05}.xlsx")),
            nara_excel::write_filled_form_for(
                &FormSpec {
                    instrument: &inst,
                    org,
                    round: &round,
                    send_to: None,
                },
                &filled,
                &acts,
            )?,
        )?;
    }
    Ok(())
}

/// Imports forms `from..to` of `dir` into the database at `url` (the round is open already);
/// prints `wall_s rss_mb unchanged`.
fn import(dir: &Path, from: usize, to: usize, url: &str) -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let app = nara_app::App::open(url).await?;
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        let files = &files[from..to];
        let start = Instant::now();
        let report = app
            .import_batch(files, &nara_app::import::Options::default(), &|_| {})
            .await?;
        let wall = start.elapsed().as_secs_f64();
        if !report.all_ok() || report.files.len() != files.len() {
            return Err(format!(
                "not every form was imported: {:?}",
                report.files.iter().find(|f| !f.problems.is_empty())
            )
            .into());
        }
        let unchanged = report.count(nara_app::import::Status::Unchanged);
        println!("{wall} {} {unchanged}", peak_rss_mb());
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}

/// A database at `url` with round 2026 created and open; on PostgreSQL `schema` is created
/// first and the returned URL points into it.
fn prepare(url: &str, schema: Option<&str>) -> Result<String, Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let url = match schema {
            Some(s) => {
                nara_store::PgStore::connect(url, Some(s)).await?;
                nara_store::testing::schema_url(url, s)
            }
            None => url.to_string(),
        };
        let app = nara_app::App::open(&url).await?;
        let round = RoundId::parse("2026")?;
        app.create_round(round, None, None, None, "bench").await?;
        app.change_status(round, RoundStatus::Open, "", "bench")
            .await?;
        Ok(url)
    })
}

/// How many activities the database holds.
fn activity_count(url: &str) -> Result<usize, Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let app = nara_app::App::open(url).await?;
        Ok(app.activities(None).await?.activities.len())
    })
}

/// How many current responses round 2026 holds, and how many distinct units among them.
fn count(url: &str) -> Result<(usize, usize), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let app = nara_app::App::open(url).await?;
        let rs = app.load(RoundId::parse("2026")?).await?.responses;
        let units: std::collections::BTreeSet<String> = rs
            .iter()
            .map(|r| r.response.unit.as_str().to_string())
            .collect();
        Ok((rs.len(), units.len()))
    })
}

fn spawn_import(
    me: &Path,
    forms: &Path,
    from: usize,
    to: usize,
    url: &str,
) -> std::io::Result<std::process::Child> {
    Command::new(me)
        .args([
            "import",
            &forms.display().to_string(),
            &from.to_string(),
            &to.to_string(),
            url,
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
}

/// Waits for an import child and returns its `(wall_s, rss_mb)`.
fn finish(child: std::process::Child) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    finish_counting(child).map(|(wall, rss, _)| (wall, rss))
}

/// Waits for an import child and returns its `(wall_s, rss_mb, unchanged_files)`.
fn finish_counting(
    child: std::process::Child,
) -> Result<(f64, f64, f64), Box<dyn std::error::Error>> {
    let out = child.wait_with_output()?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
    }
    let text = String::from_utf8(out.stdout)?;
    let mut it = text
        .split_whitespace()
        .map(|x| x.parse::<f64>().unwrap_or(f64::NAN));
    let (wall, rss) = (it.next().unwrap_or(f64::NAN), it.next().unwrap_or(f64::NAN));
    Ok((wall, rss, it.next().unwrap_or(f64::NAN)))
}

/// What an import writes: the audit rows and the round's responses (id and content hash).
fn written(url: &str) -> Result<(usize, Vec<String>), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let app = nara_app::App::open(url).await?;
        let audit = app.audit_log(i64::MAX, None).await?.len();
        let rs = app.load(RoundId::parse("2026")?).await?.responses;
        Ok((audit, rs.iter().map(|r| r.content_hash.clone()).collect()))
    })
}

/// Fills the empty SQLite database at `url` with `nara demo` at about `units` units × 9 rounds
/// (2017–2025, the newest closed), then creates round 2026 and opens it, as a county looks when
/// its tenth round's forms come in.
fn demo(url: &str, units: usize) -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let app = nara_app::App::open(url).await?;
        let made = app
            .demo(&nara_app::demo::Options {
                units: Some(units),
                rounds: 9,
                last_round: 2025,
                ..Default::default()
            })
            .await?;
        app.change_status(RoundId::parse("2025")?, RoundStatus::Closed, "", "bench")
            .await?;
        let round = RoundId::parse("2026")?;
        app.create_round(round, None, None, None, "bench").await?;
        app.change_status(round, RoundStatus::Open, "", "bench")
            .await?;
        eprintln!(
            "demo: {} units, {} forms in {} rounds",
            made.units,
            made.forms,
            made.rounds.len()
        );
        Ok(())
    })
}

/// The county sizes of the growth benchmark: about 300, 3,000 and 10,000 units.
const COUNTIES: [usize; 3] = [300, 3000, 10_000];

/// Growth: for each of [`COUNTIES`], a SQLite database filled by [`demo`] (nine rounds) and the
/// tenth round's forms imported into it, one per unit. `forms` holds the first 1,000 forms
/// already; the rest are written beside them.
fn growth(me: &Path, tmp: &Path, forms: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let most = COUNTIES[COUNTIES.len() - 1];
    let status = Command::new(me)
        .args([
            "generate",
            &forms.display().to_string(),
            &most.to_string(),
            "plain",
            "1000",
        ])
        .status()?;
    if !status.success() {
        return Err("generating the forms for the growth failed".into());
    }
    let mut first_per_form = None;
    for units in COUNTIES {
        let db = tmp.join(format!("county{units}.db"));
        let url = format!("sqlite://{}", db.display());
        let made = Command::new(me)
            .args(["demo", &url, &units.to_string()])
            .status()?;
        if !made.success() {
            return Err(format!("the demo of {units} units failed").into());
        }
        let (wall, rss) = finish(spawn_import(me, forms, 0, units, &url)?)?;
        let per_form = wall / units as f64;
        eprintln!(
            "SQLite, a round of {units} forms into nine rounds of {units} units: {wall:.3} s, {:.0} forms/s, peak RSS {rss:.1} MB",
            units as f64 / wall
        );
        let name = format!("import_round_{units}_units_sqlite");
        bench(&name, "wall_s", wall, None, "s");
        bench(&name, "peak_rss_mb", rss, Some(50.0), "MB");
        match first_per_form {
            None => first_per_form = Some((units, per_form)),
            Some((few, base)) => bench(
                "import_growth_sqlite",
                &format!("per_form_{units}_over_{few}"),
                per_form / base,
                Some(1.1),
                "×",
            ),
        }
        let _ = std::fs::remove_file(&db);
    }
    Ok(())
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") => {
            // `generate DIR N [activities|plain] [FROM]`
            let activities = args.get(4).is_some_and(|a| a == "activities");
            let from = args.get(5).map_or(Ok(0), |f| f.parse())?;
            return generate(Path::new(&args[2]), from, args[3].parse()?, activities);
        }
        Some("demo") => return demo(&args[2], args[3].parse()?),
        Some("import") => {
            return import(
                Path::new(&args[2]),
                args[3].parse()?,
                args[4].parse()?,
                &args[5],
            );
        }
        _ => {}
    }
    let me = std::env::current_exe()?;
    let tmp = std::env::temp_dir().join(format!("nara-bench-{}", std::process::id()));
    let forms = tmp.join("forms");
    let status = Command::new(&me)
        .args(["generate", &forms.display().to_string(), "1000"])
        .status()?;
    if !status.success() {
        return Err("generating the forms failed".into());
    }
    if args.get(1).is_some_and(|a| a == "growth") {
        // Only the growth (`bench_import growth`), to measure it alone.
        growth(&me, &tmp, &forms)?;
        let _ = std::fs::remove_dir_all(&tmp);
        return Ok(());
    }
    let mut per_form = Vec::new();
    for n in [250usize, 500, 1000] {
        let url = prepare(
            &format!("sqlite://{}", tmp.join(format!("b{n}.db")).display()),
            None,
        )?;
        let (wall, rss) = finish(spawn_import(&me, &forms, 0, n, &url)?)?;
        eprintln!(
            "SQLite, {n} forms: {wall:.3} s, {:.0} forms/s, peak RSS {rss:.1} MB",
            n as f64 / wall
        );
        per_form.push(wall / n as f64);
        if n == 1000 {
            bench("import_1000_sqlite", "wall_s", wall, Some(0.35), "s");
            bench(
                "import_1000_sqlite",
                "forms_per_s",
                n as f64 / wall,
                None,
                "forms/s",
            );
            bench("import_1000_sqlite", "peak_rss_mb", rss, Some(50.0), "MB");
            // The same files again: every one unchanged, and the database file not written.
            let before = written(&url)?;
            let (wall, _, unchanged) = finish_counting(spawn_import(&me, &forms, 0, n, &url)?)?;
            let written = written(&url)? != before;
            eprintln!(
                "SQLite, {n} unchanged forms again: {wall:.3} s, {unchanged} unchanged, database {}",
                if written { "WRITTEN" } else { "not written" }
            );
            if unchanged != n as f64 || written {
                return Err(
                    format!("re-import: {unchanged} of {n} unchanged, written: {written}").into(),
                );
            }
            bench(
                "reimport_1000_unchanged_sqlite",
                "wall_s",
                wall,
                Some(0.2),
                "s",
            );
        }
    }
    // Forms that bring activities: each its own two new ones, stored with the form's batch.
    let with_activities = tmp.join("forms-activities");
    let status = Command::new(&me)
        .args([
            "generate",
            &with_activities.display().to_string(),
            "1000",
            "activities",
        ])
        .status()?;
    if !status.success() {
        return Err("generating the forms with activities failed".into());
    }
    let url = prepare(
        &format!("sqlite://{}", tmp.join("activities.db").display()),
        None,
    )?;
    let (wall, rss) = finish(spawn_import(&me, &with_activities, 0, 1000, &url)?)?;
    let activities = activity_count(&url)?;
    eprintln!(
        "SQLite, 1000 forms with two new activities each: {wall:.3} s, peak RSS {rss:.1} MB, {activities} activities stored"
    );
    if activities != 2000 {
        return Err(format!("{activities} activities stored, not 2000").into());
    }
    bench("import_1000_activities_sqlite", "wall_s", wall, None, "s");
    bench(
        "import_1000_activities_sqlite",
        "peak_rss_mb",
        rss,
        Some(50.0),
        "MB",
    );
    // Linear growth: the time per form at 1,000 is at most 1.5 × the time per form at 250.
    bench(
        "import_linearity",
        "per_form_1000_over_250",
        per_form[2] / per_form[0],
        Some(1.5),
        "×",
    );

    growth(&me, &tmp, &forms)?;

    // PostgreSQL, when it answers: 1,000 forms by one importer, then two importers at once
    // (500 forms each, overlapping by 250) that must store 750 forms exactly once.
    let (pg, _) = nara_store::testing::pg_url();
    match prepare(&pg, Some(&nara_store::testing::fresh_schema())) {
        Err(e) => eprintln!("PostgreSQL not reachable at {pg} ({e}); its benchmarks are skipped"),
        Ok(url) => {
            let (wall, rss) = finish(spawn_import(&me, &forms, 0, 1000, &url)?)?;
            eprintln!(
                "PostgreSQL, 1000 forms: {wall:.3} s, {:.0} forms/s, peak RSS {rss:.1} MB",
                1000.0 / wall
            );
            bench("import_1000_postgres", "wall_s", wall, Some(0.8), "s");
            bench(
                "import_1000_postgres",
                "forms_per_s",
                1000.0 / wall,
                None,
                "forms/s",
            );
            bench(
                "import_1000_postgres",
                "peak_rss_mb",
                rss,
                Some(150.0),
                "MB",
            );
            let url = prepare(&pg, Some(&nara_store::testing::fresh_schema()))?;
            let start = Instant::now();
            let (a, b) = (
                spawn_import(&me, &forms, 0, 500, &url)?,
                spawn_import(&me, &forms, 250, 750, &url)?,
            );
            let (ra, rb) = (finish(a), finish(b));
            let wall = start.elapsed().as_secs_f64();
            let (stored, units) = count(&url)?;
            eprintln!(
                "PostgreSQL, two importers of 500 overlapping forms: {wall:.3} s, {stored} responses for {units} units, importers {}",
                if ra.is_ok() && rb.is_ok() {
                    "both succeeded"
                } else {
                    "FAILED"
                }
            );
            let once = ra.is_ok() && rb.is_ok() && stored == 750 && units == 750;
            bench(
                "import_two_importers_postgres",
                "forms_stored_once",
                if once { 1.0 } else { 0.0 },
                None,
                "ok",
            );
            if !once {
                return Err(format!("two importers: {stored} responses, {units} units, expected 750 ({ra:?}, {rb:?})").into());
            }
            bench("import_two_importers_postgres", "wall_s", wall, None, "s");
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}
