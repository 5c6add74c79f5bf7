//! `nara round …`.

use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use nara_app::App;
use nara_core::RoundStatus;
use nara_core::round::Date;

use crate::Out;

/// Round commands.
#[derive(Debug, Subcommand)]
pub enum RoundCmd {
    /// Create a round (in draft), e.g. `2026` or `2026-H1`.
    #[command(
        after_help = "Exempel:\n  nara round create 2026\n  nara round create 2026-H2 --opens 2026-09-01 --closes 2026-10-31"
    )]
    Create {
        /// The round: a year or a half-year.
        id: String,
        /// The instrument version, as `ID@VERSION` (default: the newest stored).
        #[arg(long)]
        instrument: Option<String>,
        /// When answering opens (ÅÅÅÅ-MM-DD).
        #[arg(long)]
        opens: Option<String>,
        /// When answering closes (ÅÅÅÅ-MM-DD).
        #[arg(long)]
        closes: Option<String>,
    },
    /// List the rounds with their status.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Open a round for answers.
    Open {
        /// The round.
        id: String,
    },
    /// Close a round (no more answers; results preliminary until published). A published round
    /// is taken back to closed this way, with --reason (kept in the audit log).
    Close {
        /// The round.
        id: String,
        /// Why a published round is taken back (required then; kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Publish a round's results to every reader.
    Publish {
        /// The round.
        id: String,
    },
}

/// Runs a round command.
pub async fn run(app: &App, cmd: &RoundCmd, out: &Out) -> Result<ExitCode> {
    let date = |d: &Option<String>| d.as_deref().map(Date::parse).transpose();
    let (id, to) = match cmd {
        RoundCmd::Create {
            id,
            instrument,
            opens,
            closes,
        } => {
            let inst = instrument
                .as_deref()
                .map(|s| {
                    s.split_once('@').ok_or_else(|| {
                        anyhow::anyhow!(
                            "Skriv instrumentet som ID@VERSION, t.ex. dalarna-gnv@2026.1."
                        )
                    })
                })
                .transpose()?;
            let r = app
                .create_round(
                    super::round_id(id)?,
                    inst,
                    date(opens)?,
                    date(closes)?,
                    "cli",
                )
                .await?;
            out.say(format!("Omgången {} skapades (utkast) med instrumentet {} {}. Öppna den med: nara round open {}", r.id, r.instrument_id, r.instrument_version, r.id));
            return Ok(ExitCode::SUCCESS);
        }
        RoundCmd::List { json } => {
            let rounds = app.rounds().await?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&rounds)?);
            } else if rounds.is_empty() {
                out.say("Det finns inga omgångar. Skapa en med: nara round create 2026");
            } else {
                println!("{:<9} {:<11} instrument", "omgång", "status");
                for r in rounds {
                    println!(
                        "{:<9} {:<11} {} {}",
                        r.id.to_string(),
                        r.status.label(),
                        r.instrument_id,
                        r.instrument_version
                    );
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        RoundCmd::Open { id } => (id, RoundStatus::Open),
        RoundCmd::Close { id, .. } => (id, RoundStatus::Closed),
        RoundCmd::Publish { id } => (id, RoundStatus::Published),
    };
    let reason = match cmd {
        RoundCmd::Close {
            reason: Some(r), ..
        } => r.as_str(),
        _ => "",
    };
    let r = app
        .change_status(super::round_id(id)?, to, reason, "cli")
        .await?;
    out.say(format!("Omgången {} är nu {}.", r.id, r.status.label()));
    Ok(ExitCode::SUCCESS)
}
