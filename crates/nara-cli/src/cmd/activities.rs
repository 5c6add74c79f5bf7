//! `nara activities`: the aktiviteter and lokala planer — list them, export them as CSV and read
//! them back.

use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Subcommand;
use nara_app::App;

use crate::Out;

/// The activity commands.
#[derive(Debug, Subcommand)]
pub enum ActivitiesCmd {
    /// List the plans and activities (with their status today and each round's follow-up).
    List {
        /// Only this organisation (code or name).
        #[arg(long)]
        org: Option<String>,
        /// Everything, as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the activities as CSV (one per row), to edit and read back with `import`.
    Export {
        /// The file to write (`-` for standard output).
        #[arg(short, long)]
        output: std::path::PathBuf,
        /// Only this organisation (code or name).
        #[arg(long)]
        org: Option<String>,
    },
    /// Read activities from CSV: a row with an id updates that activity, a row without one is a
    /// new activity. A file with any problem stores nothing.
    Import {
        /// The file.
        file: std::path::PathBuf,
    },
}

async fn org_code(app: &App, org: Option<&String>) -> Result<Option<nara_core::OrgCode>> {
    let Some(text) = org else {
        return Ok(None);
    };
    match app.organisations().await?.find(text) {
        Some(o) => Ok(Some(o.code.clone())),
        None => bail!("Organisationen ”{text}” finns inte (ange kod eller namn)."),
    }
}

/// Runs an activity command.
pub async fn run(app: &App, cmd: &ActivitiesCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        ActivitiesCmd::List { org, json } => {
            let code = org_code(app, org.as_ref()).await?;
            let o = app.activities(code.as_ref()).await?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&o)?);
                return Ok(ExitCode::SUCCESS);
            }
            if o.plans.is_empty() && o.activities.is_empty() {
                out.say("Inga planer eller aktiviteter är sparade.");
            }
            let today = app.today()?;
            for p in &o.plans {
                let parties: Vec<&str> = p.parties.iter().map(|c| c.as_str()).collect();
                println!(
                    "Plan {} – {} ({}; parter {}; systemledning {})",
                    p.id,
                    p.name,
                    p.status.label(),
                    parties.join(", "),
                    p.systemledning.label()
                );
            }
            for a in &o.activities {
                let areas: Vec<&str> = a.areas.iter().map(|x| x.as_str()).collect();
                println!(
                    "{} {:<5} {:<8} {} – {} [{}]",
                    a.id,
                    a.owner,
                    areas.join(","),
                    a.title,
                    a.status_words(today),
                    a.category.label()
                );
                for f in o.followups.iter().filter(|f| f.followup.activity == a.id) {
                    let comment = if f.followup.comment.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", f.followup.comment)
                    };
                    println!(
                        "    {} {}{comment}",
                        f.followup.round,
                        f.followup.status.label()
                    );
                }
            }
        }
        ActivitiesCmd::Export { output, org } => {
            let code = org_code(app, org.as_ref()).await?;
            let bytes = app.export_activities_csv(code.as_ref()).await?;
            super::export::write(output, &bytes, out)?;
        }
        ActivitiesCmd::Import { file } => {
            let bytes = std::fs::read(file)
                .map_err(|e| anyhow::anyhow!("kan inte läsa {}: {e}", file.display()))?;
            let r = app.import_activities_csv(&bytes, "cli").await?;
            match r.changes {
                Some(c) => out.say(format!(
                    "{}: {} nya, {} ändrade, {} oförändrade aktiviteter.",
                    file.display(),
                    c.added,
                    c.changed,
                    c.unchanged
                )),
                None => {
                    out.say(format!("{}: inte inläst, inget sparades:", file.display()));
                    for p in &r.problems {
                        out.say(format!("  {p}"));
                    }
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
