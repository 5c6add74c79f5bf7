//! `nara report year`: the årsrapport of a year — its overview on the terminal, and the tagged
//! PDF and the Excel appendix as files, the same as the web page's downloads.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use nara_app::App;
use nara_app::yearly_files::{Which, state_words};
use nara_core::yearly::Words;

use crate::Out;

/// Andra slags rapporter än en omgångs.
#[derive(Debug, Subcommand)]
pub enum ReportKind {
    /// Årsrapporten för ett år: nyckeltal, aktiviteter och självskattning per delmål.
    Year(YearArgs),
}

/// `nara report year`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exempel:\n  nara report year --year 2026\n  nara report year --year 2026 --pdf arsrapport-2026.pdf --xlsx bilaga-2026.xlsx\n  nara report year --year 2026 --utkast --pdf utkast.pdf"
)]
pub struct YearArgs {
    /// Året.
    #[arg(long)]
    pub year: u16,
    /// Skriv rapporten som taggad PDF till den här filen (”-” för standard ut).
    #[arg(long)]
    pub pdf: Option<PathBuf>,
    /// Skriv Excelbilagan till den här filen (”-” för standard ut).
    #[arg(long)]
    pub xlsx: Option<PathBuf>,
    /// Det levande utkastet med dagens siffror, i stället för den senaste slutliga versionen.
    #[arg(long)]
    pub utkast: bool,
}

/// Runs `nara report year`.
pub async fn run(app: &App, args: &YearArgs, out: &Out) -> Result<ExitCode> {
    if !(2000..=2100).contains(&args.year) {
        bail!("”{}” är inget år för en årsrapport.", args.year);
    }
    let which = Which {
        year: args.year,
        draft: args.utkast,
        public_only: false,
    };
    let view = match app.year_report(args.year, args.utkast).await {
        Ok(v) => v,
        Err(nara_app::Error::NotFound(m)) if !args.utkast => {
            bail!("{m} Använd --utkast för utkastet med dagens siffror.")
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(path) = &args.pdf {
        let (_, bytes) = app.year_report_pdf(which).await?;
        super::export::write(path, &bytes, out)?;
    }
    if let Some(path) = &args.xlsx {
        let (_, bytes) = app.year_report_xlsx(which).await?;
        super::export::write(path, &bytes, out)?;
    }
    if args.pdf.is_none() && args.xlsx.is_none() {
        let w = Words::new(&view.report, &view.texts);
        println!("{}\n{}\n", w.title, state_words(&view));
        println!("Självskattning: {}", w.round);
        println!("Nyckeltal: {}\n", w.sources);
        for c in &w.chapters {
            println!(
                "{}: nyckeltal {}; självskattning median {}, förändring {}; aktiviteter {} planerade, {} pågår, {} klara, {} försenade",
                c.heading,
                c.arrows,
                c.median,
                c.change,
                c.counts.planned,
                c.counts.ongoing,
                c.counts.done,
                c.counts.late
            );
        }
        out.say("Skriv filerna med --pdf FIL och --xlsx FIL.");
    }
    Ok(ExitCode::SUCCESS)
}
