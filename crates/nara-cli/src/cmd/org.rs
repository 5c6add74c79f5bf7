//! `nara org …` and `nara instrument …`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use nara_app::App;
use nara_core::Instrument;

use crate::Out;

/// Kommandona för organisationer.
#[derive(Debug, Subcommand)]
pub enum OrgCmd {
    /// Lista organisationerna.
    List {
        /// Skriv ut JSON.
        #[arg(long)]
        json: bool,
    },
    /// Lägg till (eller uppdatera) organisationer från en TOML-fil (ett annat läns lista).
    Add {
        /// Filen, i samma format som organisations/dalarna.toml.
        file: PathBuf,
    },
}

/// Kommandona för instrument.
#[derive(Debug, Subcommand)]
pub enum InstrumentCmd {
    /// Visa de lagrade instrumenten, eller ett av dem som TOML.
    Show {
        /// `ID@VERSION` att skriva ut som TOML.
        which: Option<String>,
    },
    /// Kontrollera en instrumentfil och rapportera varje fel.
    Validate {
        /// TOML-filen.
        file: PathBuf,
    },
    /// Spara en ny version av ett instrument från en TOML-fil.
    Import {
        /// TOML-filen.
        file: PathBuf,
    },
}

/// Runs an organisation command.
pub async fn run_org(app: &App, cmd: &OrgCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        OrgCmd::List { json } => {
            let orgs = app.organisations().await?.organisations;
            if *json {
                println!("{}", serde_json::to_string_pretty(&orgs)?);
            } else {
                for o in orgs {
                    println!("{:<5} {:<7} {}", o.code.as_str(), o.kind.label(), o.name);
                }
            }
        }
        OrgCmd::Add { file } => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("kan inte läsa {}", file.display()))?;
            let n = app.import_organisations(&text, "cli").await?;
            out.say(format!(
                "{n} organisationer lades till eller ändrades (se nara-loggen: organisation.add/update)."
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_instrument(file: &PathBuf) -> Result<Instrument> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("kan inte läsa {}", file.display()))?;
    Ok(Instrument::from_toml(&text)?)
}

/// `nara instrument validate`: needs no database.
pub fn validate_instrument(file: &PathBuf, out: &Out) -> Result<ExitCode> {
    match read_instrument(file) {
        Ok(i) => {
            out.say(format!(
                "{} version {}: {} delmål, {} påståenden. Inga fel.",
                i.id(),
                i.version(),
                i.areas().len(),
                i.statement_count()
            ));
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("{e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Runs an instrument command.
pub async fn run_instrument(app: &App, cmd: &InstrumentCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        InstrumentCmd::Show { which: None } => {
            for i in app.instruments().await? {
                println!(
                    "{}@{}  {} ({} delmål, {} påståenden)",
                    i.id(),
                    i.version(),
                    i.name(),
                    i.areas().len(),
                    i.statement_count()
                );
            }
        }
        InstrumentCmd::Show { which: Some(w) } => {
            let (id, ver) = w
                .split_once('@')
                .ok_or_else(|| anyhow::anyhow!("Skriv instrumentet som ID@VERSION."))?;
            let i = app
                .instruments()
                .await?
                .into_iter()
                .find(|i| i.id() == id && i.version() == ver)
                .ok_or_else(|| anyhow::anyhow!("Instrumentet {w} finns inte."))?;
            print!("{}", i.to_toml());
        }
        InstrumentCmd::Validate { file } => return validate_instrument(file, out),
        InstrumentCmd::Import { file } => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("kan inte läsa {}", file.display()))?;
            let i = app.import_instrument(&text, "cli").await?;
            out.say(format!("Instrumentet {} version {} är sparat. Skapa en omgång med det: nara round create ÅR --instrument {}@{}", i.id(), i.version(), i.id(), i.version()));
        }
    }
    Ok(ExitCode::SUCCESS)
}
