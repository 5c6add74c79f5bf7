//! `nara template`: blank forms for a round.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;
use nara_app::App;

use crate::Out;

/// `nara template`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exempel:\n  nara template --round 2026 --org 2080 -o falun.xlsx\n  nara template --round 2026 --all -o blanketter/"
)]
pub struct TemplateArgs {
    /// Omgången.
    #[arg(long)]
    pub round: String,
    /// Organisationen (kod eller namn).
    #[arg(long, conflicts_with = "all")]
    pub org: Option<String>,
    /// En blankett per organisation, i mappen som anges med -o.
    #[arg(long)]
    pub all: bool,
    /// Filen (med --org) eller mappen (med --all).
    #[arg(short, long)]
    pub output: PathBuf,
}

/// Writes the forms.
pub async fn run(app: &App, args: &TemplateArgs, out: &Out) -> Result<ExitCode> {
    let (round, _) = app.round_instrument(super::round_id(&args.round)?).await?;
    let orgs = app.organisations().await?;
    let chosen: Vec<&nara_core::Organisation> = match (&args.org, args.all) {
        (Some(o), _) => vec![orgs.find(o).ok_or_else(|| {
            anyhow::anyhow!("Organisationen ”{o}” finns inte. Se nara org list.")
        })?],
        (None, true) => orgs.organisations.iter().collect(),
        (None, false) => {
            bail!("Ange --org KOD för en blankett eller --all för en per organisation.")
        }
    };
    if args.all {
        std::fs::create_dir_all(&args.output)?;
    }
    for o in chosen {
        // The same form and file name as the server's download (`blankett-2026-2080.xlsx`).
        let (name, bytes) = app.blank_form(round.id, &o.code).await?;
        let path = if args.all {
            args.output.join(name)
        } else {
            args.output.clone()
        };
        std::fs::write(&path, bytes)?;
        out.say(format!("skrev {}", path.display()));
    }
    Ok(ExitCode::SUCCESS)
}
