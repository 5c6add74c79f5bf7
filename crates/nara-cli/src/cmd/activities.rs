//! `nara activities`: the aktiviteter and lokala planer — list them, export them as CSV or as a
//! workbook (long format) and read them back.

use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Subcommand;
use nara_app::App;

use crate::Out;

/// Kommandona för aktiviteter.
#[derive(Debug, Subcommand)]
pub enum ActivitiesCmd {
    /// Lista planerna och aktiviteterna (med status i dag och varje omgångs uppföljning).
    List {
        /// Bara den här organisationen (kod eller namn): dess aktiviteter och de planer den är
        /// part i.
        #[arg(long)]
        org: Option<String>,
        /// Allt, som JSON.
        #[arg(long)]
        json: bool,
        /// Bara planerna.
        #[arg(long)]
        plans: bool,
    },
    /// Skriv aktiviteterna (eller planerna) till en fil att redigera och läsa in igen med `import`.
    /// En fil som slutar på .xlsx blir en arbetsbok med två flikar, Aktiviteter (samma kolumner som
    /// CSV-filen) och Lokala planer; alla andra namn blir CSV (`;`, UTF-8) med en aktivitet per
    /// rad, eller med `--plans` en plan per rad.
    Export {
        /// Filen att skriva (`-` för standard ut, som CSV).
        #[arg(short, long)]
        output: std::path::PathBuf,
        /// Bara den här organisationen (kod eller namn): dess aktiviteter och de planer den är
        /// part i.
        #[arg(long)]
        org: Option<String>,
        /// Skriv planerna i stället för aktiviteterna (CSV; en arbetsbok har alltid båda).
        #[arg(long)]
        plans: bool,
    },
    /// Läs in aktiviteter och planer från en fil som `export` skrev (och någon redigerade).
    /// Filändelsen avgör: .xlsx (båda flikarna, planerna först) eller .csv (en plantabell om
    /// rubrikerna har Namn och Parter, annars en aktivitetstabell). En rad med id uppdaterar den
    /// posten, en rad utan id blir en ny aktivitet eller plan. En fil med något fel sparar
    /// ingenting.
    Import {
        /// Filen.
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
