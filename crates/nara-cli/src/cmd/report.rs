//! `nara status`, `nara report` and `nara backup`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use nara_app::App;
use nara_core::fmt;

use crate::Out;

/// `nara status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The round.
    #[arg(long)]
    pub round: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `nara report`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exempel:\n  nara report --round 2026\n  nara report --round 2026 --org 2080\n  nara report --round 2026 --json > 2026.json"
)]
pub struct ReportArgs {
    /// The round.
    #[arg(long)]
    pub round: String,
    /// Only this organisation (code or name).
    #[arg(long)]
    pub org: Option<String>,
    /// Print JSON (every number unrounded).
    #[arg(long)]
    pub json: bool,
}

/// `nara backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write (must not exist).
    #[arg(short, long)]
    pub output: PathBuf,
}

/// Who has answered.
pub async fn status(app: &App, args: &StatusArgs, out: &Out) -> Result<ExitCode> {
    let t = app.response_tracking(super::round_id(&args.round)?).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&t)?);
        return Ok(ExitCode::SUCCESS);
    }
    let answered = t.answered_count();
    println!(
        "Omgång {}: {answered} av {} organisationer har svarat.",
        t.round,
        t.organisations.len()
    );
    for o in &t.organisations {
        if o.units.is_empty() {
            continue;
        }
        println!("{} ({})", o.name, o.code);
        for u in &o.units {
            let raters: Vec<&str> = u
                .raters
                .iter()
                .map(|r| {
                    if r.is_empty() {
                        "verksamheten"
                    } else {
                        r.as_str()
                    }
                })
                .collect();
            println!(
                "  {:<30} {}{}",
                u.name,
                raters.join(", "),
                if u.consensus { " + samsyn" } else { "" }
            );
        }
    }
    let missing: Vec<String> = t
        .missing()
        .map(|o| format!("{} ({})", o.name, o.code))
        .collect();
    if !missing.is_empty() {
        println!("Har inte svarat: {}", missing.join(", "));
    }
    if !t.web.is_empty() {
        println!("Svar på webben som inte är inskickade:");
        for w in &t.web {
            let who = if w.consensus {
                "samsyn"
            } else if w.rater.is_empty() {
                "verksamheten"
            } else {
                w.rater.as_str()
            };
            let state = w.saved_at.map_or_else(
                || "ej påbörjad".to_string(),
                |t| format!("utkast sparat {}", nara_app::exports::utc(t)),
            );
            println!("  {} {:<30} {who}: {state}", w.org, w.unit);
        }
    }
    let _ = out;
    Ok(ExitCode::SUCCESS)
}

/// The scores of a round.
pub async fn report(app: &App, args: &ReportArgs, out: &Out) -> Result<ExitCode> {
    let round = super::round_id(&args.round)?;
    let org = match &args.org {
        Some(o) => Some(
            app.organisations()
                .await?
                .find(o)
                .map(|o| o.code.clone())
                .ok_or_else(|| {
                    anyhow::anyhow!("Organisationen ”{o}” finns inte. Se nara org list.")
                })?,
        ),
        None => None,
    };
    let r = app
        .round_report(round, org.as_ref(), nara_app::report::Earlier::All)
        .await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(note) = r.preliminary_note() {
        println!("{note}");
    }
    let heads: Vec<String> = r.areas.iter().map(|a| a.id.clone()).collect();
    // The name column is as wide as the longest name (units are indented by two).
    let w = r
        .organisations
        .iter()
        .flat_map(|o| {
            std::iter::once(o.name.chars().count() + o.code.as_str().len() + 3)
                .chain(o.units.iter().map(|u| u.name.as_str().chars().count() + 2))
        })
        .chain([24])
        .max()
        .unwrap_or(24);
    let uw = w - 2;
    let mut no_index = false;
    println!(
        "{:<w$} {:>6} {}",
        "organisation",
        "index",
        heads.iter().map(|h| format!("{h:>12}")).collect::<String>()
    );
    for o in &r.organisations {
        let cells: String = o
            .scores
            .areas
            .iter()
            .map(|a| format!("{:>12}", fmt::score(a.mean)))
            .collect();
        println!(
            "{:<w$} {:>6} {cells}",
            format!("{} ({})", o.name, o.code),
            index_cell(o.scores.overall, &mut no_index)
        );
        for u in &o.units {
            let cells: String = u
                .result
                .scores
                .areas
                .iter()
                .map(|a| format!("{:>12}", fmt::score(a.mean)))
                .collect();
            println!(
                "  {:<uw$} {:>6} {cells}",
                u.name,
                index_cell(u.result.scores.overall, &mut no_index)
            );
        }
    }
    if org.is_none() {
        let cells: String = r
            .county
            .areas
            .iter()
            .map(|a| format!("{:>12}", fmt::score(a.stats.map(|s| s.mean))))
            .collect();
        println!(
            "{:<w$} {:>6} {cells}",
            "Länet (medel)",
            index_cell(r.county.overall.map(|s| s.mean), &mut no_index)
        );
        for (a, c) in r.areas.iter().zip(&r.county_change) {
            if let Some(c) = c {
                println!(
                    "  {} {}: {} {} ({}) sedan {}",
                    a.id,
                    a.name,
                    c.direction.arrow(),
                    fmt::signed(c.delta, 2),
                    c.direction.label(),
                    r.previous.map(|p| p.to_string()).unwrap_or_default()
                );
            }
        }
        if !r.not_answered.is_empty() {
            out.say(format!(
                "Har inte svarat: {}",
                r.not_answered
                    .iter()
                    .map(|o| o.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if no_index {
        let (_, inst) = app.round_instrument(round).await?;
        println!(
            "– i kolumnen index: {}",
            nara_core::scoring::no_index_rule(&inst)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// An index for the table, or `–` (and a note under the table) when there is none.
fn index_cell(x: Option<f64>, missing: &mut bool) -> String {
    if x.is_none() {
        *missing = true;
    }
    x.map_or_else(|| "–".to_string(), |v| fmt::score(Some(v)))
}

/// Copies the database.
pub async fn backup(app: &App, args: &BackupArgs, out: &Out) -> Result<ExitCode> {
    app.backup(&args.output, "cli").await?;
    out.say(format!(
        "Säkerhetskopian skrevs till {}.",
        args.output.display()
    ));
    Ok(ExitCode::SUCCESS)
}
