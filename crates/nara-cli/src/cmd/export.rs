//! `nara export summary|org|raw`: the result files, from the same functions as the server's
//! downloads.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use nara_app::App;
use nara_core::OrgCode;

use crate::Out;

/// Kommandona för export.
#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// Länssammanställningen som arbetsbok (Översikt, Diagram, Påståenden, Utveckling, Fritext,
    /// Nyckeltal, Rådata, Om).
    Summary {
        /// Omgången.
        #[arg(long)]
        round: String,
        /// Var filen ska skrivas (standard: lanssammanstallning-OMGÅNG.xlsx här).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// En organisations rapport som arbetsbok.
    Org {
        /// Omgången.
        #[arg(long)]
        round: String,
        /// Organisationens kod.
        #[arg(long)]
        org: String,
        /// Var filen ska skrivas (standard: rapport-OMGÅNG-KOD.xlsx här).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Varje svar som en rad, för statistikprogram.
    Raw {
        /// Omgången.
        #[arg(long)]
        round: String,
        /// Bara den här organisationen.
        #[arg(long)]
        org: Option<String>,
        /// Formatet (csv: UTF-8 med BOM, `;` och decimalkomma, som svenska Excel läser det).
        #[arg(long, default_value = "csv")]
        format: String,
        /// Var filen ska skrivas (standard: radata-OMGÅNG.csv här; `-` för standard ut).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

pub(crate) fn write(path: &PathBuf, bytes: &[u8], out: &Out) -> Result<()> {
    write_from(path, &mut &bytes[..], out)
}

/// Writes what `from` holds to `path` (`-`: standard out), a piece at a time.
pub(crate) fn write_from(path: &PathBuf, from: &mut impl std::io::Read, out: &Out) -> Result<()> {
    if path.as_os_str() == "-" {
        std::io::copy(from, &mut std::io::stdout().lock())?;
        return Ok(());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("kunde inte skapa mappen {}", dir.display()))?;
    }
    let written = std::fs::File::create(path)
        .and_then(|mut f| std::io::copy(from, &mut f))
        .with_context(|| format!("kunde inte skriva {}", path.display()))?;
    out.say(format!(
        "Skrev {} ({} kB).",
        path.display(),
        written.div_ceil(1024)
    ));
    Ok(())
}

/// Runs an export command.
pub async fn run(app: &App, cmd: &ExportCmd, out: &Out) -> Result<ExitCode> {
    let preliminary = |round| async move { anyhow::Ok(app.round(round).await?.preliminary_note()) };
    match cmd {
        ExportCmd::Summary { round, output } => {
            let round = super::round_id(round)?;
            // Made in a temporary file and copied: a large county's workbook is never held in
            // memory.
            let tmp = tempfile::tempfile().context("kunde inte skapa en tillfällig fil")?;
            let (name, mut file) = app
                .export_summary(round, nara_app::report::Earlier::All, false, tmp)
                .await?;
            write_from(
                &output.clone().unwrap_or_else(|| name.into()),
                &mut file,
                out,
            )?;
            if let Some(note) = preliminary(round).await? {
                out.say(format!(
                    "Obs: {note} Sammanställningen är märkt {}.",
                    nara_core::round::PRELIMINARY
                ));
            }
        }
        ExportCmd::Org { round, org, output } => {
            let round = super::round_id(round)?;
            let code = OrgCode::parse(org)?;
            let (name, bytes) = app
                .export_org(round, &code, nara_app::report::Audience::ALL, false)
                .await?;
            write(&output.clone().unwrap_or_else(|| name.into()), &bytes, out)?;
        }
        ExportCmd::Raw {
            round,
            org,
            format,
            output,
        } => {
            if !format.eq_ignore_ascii_case("csv") {
                bail!("Formatet \"{format}\" finns inte; välj csv.");
            }
            let round = super::round_id(round)?;
            let code = org.as_deref().map(OrgCode::parse).transpose()?;
            let (name, bytes) = app.export_raw_csv(round, code.as_ref()).await?;
            write(&output.clone().unwrap_or_else(|| name.into()), &bytes, out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
