//! `nara import` and `nara validate`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use nara_app::App;
use nara_app::import::{BatchReport, Options, Progress, Status};

use crate::Out;

/// `nara import`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exempel:\n  nara import inkomna/\n  nara import falun.xlsx mora.ods --json > rapport.json\n  nara import inkomna/ --dry-run"
)]
pub struct ImportArgs {
    /// Filer och mappar (mappar läses med alla undermappar; bara kalkylblad tas med).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Kontrollera allt och berätta vad som skulle hända; spara ingenting.
    #[arg(long)]
    pub dry_run: bool,
    /// Skriv ut rapporten som ett JSON-dokument på standard ut.
    #[arg(long)]
    pub json: bool,
}

/// `nara validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Filer och mappar.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Skriv ut rapporten som JSON.
    #[arg(long)]
    pub json: bool,
}

fn progress_bar(out: &Out) -> Option<ProgressBar> {
    (out.tty && !out.quiet).then(|| {
        let pb = ProgressBar::new(0);
        pb.set_style(
            ProgressStyle::with_template("{spinner} läser {pos}/{len} filer {wide_bar} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb
    })
}

/// Imports.
pub async fn run(app: &App, args: &ImportArgs, out: &Out) -> Result<ExitCode> {
    let pb = progress_bar(out);
    let progress = |p: Progress| {
        if let Some(pb) = &pb {
            match p {
                Progress::Start { total } => pb.set_length(total as u64),
                Progress::Done => pb.inc(1),
            }
        }
    };
    let opts = Options {
        dry_run: args.dry_run,
        actor: "cli".into(),
        ..Options::default()
    };
    let report = app.import_batch(&args.paths, &opts, &progress).await?;
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    print_report(&report, args.json, out)
}

/// Validates without a database: the forms are checked against the default instrument and
/// organisations, and against a round of the form's own, in memory.
pub async fn validate(args: &ValidateArgs, out: &Out) -> Result<ExitCode> {
    let report =
        nara_app::import::validate(&args.paths, nara_app::import::Limits::default()).await?;
    print_report(&report, args.json, out)
}

/// A problem as `Aktiviteter!D14: …`.
fn problem_line(sheet: Option<&str>, cell: Option<&str>, message: &str) -> String {
    let at = match (sheet, cell) {
        (Some(s), Some(c)) => format!("{s}!{c}: "),
        (Some(s), None) => format!("{s}: "),
        _ => String::new(),
    };
    format!("{at}{message}")
}

fn print_report(report: &BatchReport, json: bool, out: &Out) -> Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        for f in &report.files {
            let who = match (&f.org, &f.unit) {
                (Some(o), Some(u)) => format!(
                    "{o} {u}{}",
                    f.rater
                        .as_ref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                ),
                _ => String::new(),
            };
            let word = format!("{:<11}", f.status.label());
            let word = if out.color {
                // Green for stored, dim for unchanged, bold red for rejected.
                let code = match f.status {
                    Status::Imported | Status::Replaced => "32",
                    Status::Unchanged => "2",
                    Status::Rejected => "1;31",
                };
                format!("\u{1b}[{code}m{word}\u{1b}[0m")
            } else {
                word
            };
            println!("{word} {}  {}", f.file, who);
            for p in &f.problems {
                println!(
                    "            {}",
                    problem_line(p.sheet.as_deref(), p.cell.as_deref(), &p.message)
                );
            }
            if let Some(a) = &f.activities {
                println!("            {}", a.line());
                for p in &a.problems {
                    println!(
                        "            {}",
                        problem_line(p.sheet.as_deref(), p.cell.as_deref(), &p.message)
                    );
                }
            }
            if out.verbose
                && let Some(s) = &f.scores
            {
                for a in &s.areas {
                    println!(
                        "            {} {}: {} ({}/{})",
                        a.id,
                        a.name,
                        nara_core::fmt::score(a.mean),
                        a.answered,
                        a.total
                    );
                }
            }
        }
        for s in &report.skipped {
            out.say(format!("hoppade över (inget kalkylark): {s}"));
        }
        let verb = if report.dry_run { "skulle bli " } else { "" };
        out.say(format!(
            "{} filer: {} {verb}importerade, {} ersatta, {} oförändrade, {} avvisade.{}",
            report.files.len(),
            report.count(Status::Imported),
            report.count(Status::Replaced),
            report.count(Status::Unchanged),
            report.count(Status::Rejected),
            if report.dry_run {
                " Inget sparades (--dry-run)."
            } else {
                ""
            }
        ));
    }
    Ok(if report.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
