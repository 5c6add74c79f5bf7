//! `nara indicators`: the nyckeltal — fetch them from Kolada, show what is stored.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use nara_app::App;
use nara_app::indicators::{KOLADA_URL, SyncOptions};
use nara_core::indicator::kolada::Gender;

use crate::Out;

/// The indicator commands.
#[derive(Debug, Subcommand)]
pub enum IndicatorsCmd {
    /// Fetch the catalogue's indicators from Kolada for every organisation and the country.
    Sync {
        /// The years, as `2019..2025` or `2023,2024,2025`.
        #[arg(long)]
        years: String,
        /// Kolada's API.
        #[arg(long, env = "NARA_KOLADA_URL", default_value = KOLADA_URL)]
        base_url: String,
    },
    /// Read values from files: Kolada's saved JSON pages, long tables in CSV, xlsx or ods
    /// (columns kpi or variabelkod, kommunkod or municipality, år or period, värde or value,
    /// optionally kön and antal), or the filled-in template of `nara indicators template`.
    Import {
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Show the stored values: per indicator, the newest year for each organisation.
    Show {
        /// Everything stored, as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the Excel template for the catalogue's own (local) indicators, to fill in and read
    /// back with `nara indicators import`.
    Template {
        /// The file to write.
        #[arg(short, long)]
        output: PathBuf,
        /// The years to give rows, as `2023..2025` or `2024`.
        #[arg(long)]
        years: String,
    },
    /// Store the county's catalogue of indicators (TOML, like indicators/dalarna.toml), checked
    /// against the instrument it names; without FILE, show the catalogue in use.
    Catalogue {
        /// The catalogue file.
        file: Option<PathBuf>,
    },
}

/// Reads `2019..2025` or `2023,2024` into years (see [`nara_app::indicators::parse_years`]).
pub fn years(text: &str) -> Result<Vec<u16>> {
    nara_app::indicators::parse_years(text).map_err(anyhow::Error::msg)
}

/// Runs an indicator command.
pub async fn run(app: &App, cmd: &IndicatorsCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        IndicatorsCmd::Sync { years: y, base_url } => {
            let catalogue = app.catalogue().await?;
            let opts = SyncOptions {
                base_url: base_url.clone(),
                years: years(y)?,
                ..SyncOptions::default()
            };
            out.say(format!(
                "Hämtar {} nyckeltal från {base_url} för {} …",
                catalogue.kolada_ids().count(),
                y
            ));
            let r = app.sync_indicators(&opts, "cli").await?;
            out.say(format!(
                "Klart: {} värden ({} saknas i Kolada), {} nya, {} ändrade, {} oförändrade, {} borttagna; {} anrop ({} omförsök).",
                r.values,
                r.missing,
                r.changes.added,
                r.changes.changed,
                r.changes.unchanged,
                r.changes.removed,
                r.requests,
                r.retries
            ));
            for (id, ours, theirs) in &r.retitled {
                out.say(format!(
                    "Obs: {id} heter i Kolada ”{theirs}” (katalogen: ”{ours}”). Kontrollera att det är rätt nyckeltal och uppdatera titeln."
                ));
            }
            for id in &r.unknown {
                out.say(format!(
                    "Obs: Kolada beskriver inte {id}. Kontrollera id:t i katalogen."
                ));
            }
        }
        IndicatorsCmd::Import { files } => {
            let reports = app.import_indicator_files(files, "cli").await?;
            let mut refused = 0;
            for r in &reports {
                match &r.changes {
                    Some(c) => out.say(format!(
                        "{}: {} nya, {} ändrade, {} oförändrade.",
                        r.file, c.added, c.changed, c.unchanged
                    )),
                    None => {
                        refused += 1;
                        out.say(format!("{}: inte inläst, inget sparades:", r.file));
                        for p in &r.problems {
                            match &p.cell {
                                Some(at) => out.say(format!("  {at}: {}", p.message)),
                                None => out.say(format!("  {}", p.message)),
                            }
                        }
                    }
                }
            }
            if refused > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
        IndicatorsCmd::Template { output, years: y } => {
            let bytes = app.indicator_template(&years(y)?).await?;
            super::export::write(output, &bytes, out)?;
        }
        IndicatorsCmd::Catalogue { file } => {
            let catalogue = match file {
                Some(f) => {
                    let text = std::fs::read_to_string(f)
                        .with_context(|| format!("kan inte läsa {}", f.display()))?;
                    let c = app.store_catalogue(&text, "cli").await?;
                    out.say(format!(
                        "Katalogen för {} är sparad: {} nyckeltal.",
                        c.county,
                        c.indicators.len()
                    ));
                    c
                }
                None => app.catalogue().await?,
            };
            for ind in &catalogue.indicators {
                let areas: Vec<&str> = ind.areas.iter().map(|a| a.as_str()).collect();
                println!(
                    "{:<10} {:<6} {:<11} {:<8} {}  – {}",
                    ind.id,
                    areas.join(","),
                    ind.direction.label(),
                    ind.level.label(),
                    ind.title,
                    ind.source.label()
                );
            }
        }
        IndicatorsCmd::Show { json } => {
            let catalogue = app.catalogue().await?;
            let values = app.indicator_values(&[]).await?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&values)?);
                return Ok(ExitCode::SUCCESS);
            }
            if values.is_empty() {
                out.say("Inga nyckeltal är sparade. Hämta dem med: nara indicators sync --years 2019..2025");
            }
            for ind in &catalogue.indicators {
                let own: Vec<_> = (values.iter())
                    .filter(|v| v.value.kpi == ind.id && v.value.gender == Gender::T)
                    .collect();
                let Some(newest) = own.iter().map(|v| v.value.period).max() else {
                    continue;
                };
                println!("{} – {} ({})", ind.id, ind.title, newest);
                for v in own.iter().filter(|v| v.value.period == newest) {
                    let shown = v
                        .value
                        .value
                        .map_or_else(|| "saknas".to_string(), |x| nara_core::fmt::decimal(x, 1));
                    println!("  {:>6}  {shown}", v.value.municipality);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
