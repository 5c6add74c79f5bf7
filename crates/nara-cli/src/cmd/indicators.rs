//! `nara indicators`: the nyckeltal — fetch them from Kolada, show what is stored.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use nara_app::App;
use nara_app::indicators::{KOLADA_URL, SyncOptions};
use nara_core::indicator::kolada::Gender;

use crate::Out;

/// Kommandona för nyckeltal.
#[derive(Debug, Subcommand)]
pub enum IndicatorsCmd {
    /// Hämta katalogens nyckeltal från Kolada för varje organisation och för riket.
    Sync {
        /// Åren, som `2019..2025` eller `2023,2024,2025`.
        #[arg(long)]
        years: String,
        /// Koladas API.
        #[arg(long, env = "NARA_KOLADA_URL", default_value = KOLADA_URL)]
        base_url: String,
    },
    /// Läs in värden från filer: sparade JSON-sidor från Kolada, långa tabeller i CSV, xlsx eller
    /// ods (kolumnerna kpi eller variabelkod, kommunkod eller municipality, år eller period, värde
    /// eller value, och valfritt kön och antal), eller den ifyllda mallen från
    /// `nara indicators template`.
    Import {
        /// Filerna.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Visa de lagrade värdena: per nyckeltal det senaste året för varje organisation.
    Show {
        /// Allt som finns lagrat, som JSON.
        #[arg(long)]
        json: bool,
    },
    /// Skriv Excelmallen för katalogens egna (lokala) nyckeltal, att fylla i och läsa in med
    /// `nara indicators import`.
    Template {
        /// Filen att skriva.
        #[arg(short, long)]
        output: PathBuf,
        /// Åren som får rader, som `2023..2025` eller `2024`.
        #[arg(long)]
        years: String,
    },
    /// Spara länets katalog över nyckeltal (TOML, som indicators/dalarna.toml), kontrollerad mot
    /// instrumentet den anger; utan FILE visas katalogen som används.
    Catalogue {
        /// Katalogfilen.
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
