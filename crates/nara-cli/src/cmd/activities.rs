//! `nara activities`: the aktiviteter and lokala planer — list them, per organisation or all.

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
}

/// Runs an activity command.
pub async fn run(app: &App, cmd: &ActivitiesCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        ActivitiesCmd::List { org, json } => {
            let code = match org {
                Some(text) => {
                    let orgs = app.organisations().await?;
                    match orgs.find(text) {
                        Some(o) => Some(o.code.clone()),
                        None => bail!("Organisationen ”{text}” finns inte (ange kod eller namn)."),
                    }
                }
                None => None,
            };
            let o = app.activities(code.as_ref()).await?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&o)?);
                return Ok(ExitCode::SUCCESS);
            }
            if o.plans.is_empty() && o.activities.is_empty() {
                out.say("Inga planer eller aktiviteter är sparade.");
            }
            let today = nara_core::round::Date::parse(&nara_app::exports::utc(app.now())[..10])?;
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
    }
    Ok(ExitCode::SUCCESS)
}
