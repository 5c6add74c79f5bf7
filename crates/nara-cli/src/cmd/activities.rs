//! `nara activities`: the aktiviteter and lokala planer — list them, export them as CSV or as a
//! workbook (long format) and read them back.

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
        /// Only this organisation (code or name): its activities and the plans it is a party to.
        #[arg(long)]
        org: Option<String>,
        /// Everything, as JSON.
        #[arg(long)]
        json: bool,
        /// Only the plans.
        #[arg(long)]
        plans: bool,
    },
    /// Write the activities (or the plans) to edit and read back with `import`. A FILE ending in
    /// .xlsx is a workbook with two sheets, Aktiviteter (the CSV's columns) and Lokala planer;
    /// any other name is CSV (`;`, UTF-8) with one activity per row, or with `--plans` one plan
    /// per row.
    Export {
        /// The file to write (`-` for standard output, as CSV).
        #[arg(short, long)]
        output: std::path::PathBuf,
        /// Only this organisation (code or name): its activities and the plans it is a party to.
        #[arg(long)]
        org: Option<String>,
        /// Write the plans instead of the activities (CSV; a workbook always has both).
        #[arg(long)]
        plans: bool,
    },
    /// Read activities and plans from a file that `export` wrote (and someone edited), chosen
    /// by its extension: .xlsx (both sheets, plans first) or .csv (a plan table when its
    /// headers have Namn and Parter, otherwise an activity table). A row with an id updates that
    /// record, a row without one is a new activity or plan. A file with any problem stores
    /// nothing.
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

/// A file name's extension in lower case.
fn extension(path: &std::path::Path) -> Option<String> {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}

/// Runs an activity command.
pub async fn run(app: &App, cmd: &ActivitiesCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        ActivitiesCmd::List { org, json, plans } => {
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
            for a in o.activities.iter().filter(|_| !*plans) {
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
        ActivitiesCmd::Export { output, org, plans } => {
            let code = org_code(app, org.as_ref()).await?;
            let bytes = match (extension(output).as_deref(), *plans) {
                (Some("xlsx"), _) => app.export_activities_xlsx(code.as_ref()).await?,
                (_, true) => app.export_plans_csv(code.as_ref()).await?,
                (_, false) => app.export_activities_csv(code.as_ref()).await?,
            };
            super::export::write(output, &bytes, out)?;
        }
        ActivitiesCmd::Import { file } => {
            let bytes = std::fs::read(file)
                .map_err(|e| anyhow::anyhow!("kan inte läsa {}: {e}", file.display()))?;
            let r = match extension(file).as_deref() {
                Some("xlsx" | "ods") => {
                    let name = file.file_name().unwrap_or_default().to_string_lossy();
                    app.import_activities_xlsx(&name, &bytes, "cli").await?
                }
                Some("csv" | "txt") => app.import_activities_csv(&bytes, "cli").await?,
                _ => bail!(
                    "{}: läs in en .xlsx- eller .csv-fil som nara activities export har skrivit.",
                    file.display()
                ),
            };
            match r.changes {
                Some(c) => out.say(format!(
                    "{}: {} nya, {} ändrade, {} oförändrade planer och aktiviteter.",
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
