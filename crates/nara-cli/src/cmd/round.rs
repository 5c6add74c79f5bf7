//! `nara round …`.

use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use nara_app::App;
use nara_core::RoundStatus;
use nara_core::round::Date;

use crate::Out;

/// Kommandona för omgångar.
#[derive(Debug, Subcommand)]
pub enum RoundCmd {
    /// Skapa en omgång (som utkast), t.ex. `2026` eller `2026-H1`.
    #[command(
        after_help = "Exempel:\n  nara round create 2026\n  nara round create 2026-H2 --opens 2026-09-01 --closes 2026-10-31"
    )]
    Create {
        /// Omgången: ett år eller ett halvår.
        id: String,
        /// Instrumentversionen, som `ID@VERSION` (standard: den senaste lagrade).
        #[arg(long)]
        instrument: Option<String>,
        /// När svaren öppnar (ÅÅÅÅ-MM-DD).
        #[arg(long)]
        opens: Option<String>,
        /// När svaren stänger (ÅÅÅÅ-MM-DD).
        #[arg(long)]
        closes: Option<String>,
    },
    /// Lista omgångarna med deras status.
    List {
        /// Skriv ut JSON.
        #[arg(long)]
        json: bool,
    },
    /// Öppna en omgång för svar.
    Open {
        /// Omgången.
        id: String,
    },
    /// Stäng en omgång (inga fler svar; resultaten är preliminära tills de publiceras). En
    /// publicerad omgång tas tillbaka till stängd på samma sätt, med --reason (sparas i loggen).
    Close {
        /// Omgången.
        id: String,
        /// Varför en publicerad omgång tas tillbaka (krävs då; sparas i loggen).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Publicera en omgångs resultat för alla läsare.
    Publish {
        /// Omgången.
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
