//! `nara`, the command line of Nära: every operation of a round, scriptable. It parses
//! arguments and prints; the work is done by `nara-app`.
//!
//! Exit codes: 0 success; 1 a rejected file, a failed check or an error; 2 bad usage.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod swedish;

const EXAMPLES: &str = "\
Exempel – en hel omgång:
  nara round create 2026              skapa omgången (utkast)
  nara round open 2026                öppna den för svar
  nara template --round 2026 --all -o blanketter/
  nara import inkomna/                läs in ifyllda blanketter (filer och mappar)
  nara status --round 2026            vem har svarat?
  nara report --round 2026            resultat per organisation och län
  nara round close 2026
  nara export summary --round 2026    länssammanställningen i Excel
  nara round publish 2026
  nara serve --demo                   webbservern med demodata, på http://127.0.0.1:8080

Databasen är nara.db i arbetskatalogen om inget annat anges (--database-url eller NARA_DATABASE_URL).";

/// Nära: självskattning för God och nära vård.
#[derive(Debug, Parser)]
// clap's own `-h` and `-V` are replaced by the two fields below so that their help is
// Swedish; `disable_help_flag` is a global setting, and the global `help` field reaches every
// subcommand.
#[command(
    name = "nara",
    version,
    after_help = EXAMPLES,
    disable_help_flag = true,
    disable_version_flag = true
)]
pub struct Cli {
    /// Databasen: `sqlite://FIL` (skapas om den saknas) eller `postgres://…`.
    #[arg(long, global = true, env = "NARA_DATABASE_URL", default_value = nara_app::DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Skriv ut mindre (bara fel och de uppgifter du bad om).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Skriv ut mer.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Visa hjälpen (`-h` kort, `--help` utförligt).
    #[arg(short, long, global = true, action = clap::ArgAction::Help)]
    pub help: Option<bool>,
    /// Visa versionen.
    #[arg(short = 'V', long, action = clap::ArgAction::Version)]
    pub version: Option<bool>,
    /// Kommandot.
    #[command(subcommand)]
    pub command: Command,
}

/// Kommandona.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Läs in ifyllda blanketter (filer och mappar) i databasen.
    Import(cmd::import::ImportArgs),
    /// Kontrollera ifyllda blanketter utan att skriva i databasen (som `import --dry-run`).
    Validate(cmd::import::ValidateArgs),
    /// Omgångar: skapa, lista, öppna, stänga, publicera.
    #[command(subcommand)]
    Round(cmd::round::RoundCmd),
    /// Skriv tomma blanketter i Excel för en omgång.
    Template(cmd::template::TemplateArgs),
    /// Vilka som har svarat i en omgång.
    Status(cmd::report::StatusArgs),
    /// Resultaten för en omgång, som tabell eller JSON; årsrapporten med `report year`.
    Report(cmd::report::ReportArgs),
    /// Organisationerna: lista, lägga till.
    #[command(subcommand)]
    Org(cmd::org::OrgCmd),
    /// Instrument: visa, kontrollera, läsa in.
    #[command(subcommand)]
    Instrument(cmd::org::InstrumentCmd),
    /// Nyckeltal: hämta katalogens nyckeltal från Kolada, läsa in, visa det som finns lagrat.
    #[command(subcommand)]
    Indicators(cmd::indicators::IndicatorsCmd),
    /// Aktiviteter och lokala planer i samverkan: lista, exportera, läsa in.
    #[command(subcommand)]
    Activities(cmd::activities::ActivitiesCmd),
    /// Resultatfiler: länssammanställningen, en organisations rapport, rådata.
    #[command(subcommand)]
    Export(cmd::export::ExportCmd),
    /// Gör en säkerhetskopia av databasen till en fil medan den används (SQLite).
    Backup(cmd::report::BackupArgs),
    /// Fyll en tom databas med realistiska demodata (tre omgångar, 16 organisationer).
    Demo(cmd::admin::DemoArgs),
    /// Konton för webbservern.
    #[command(subcommand)]
    User(cmd::admin::UserCmd),
    /// Svarslänkar: skapa, lista, återkalla.
    #[command(subcommand)]
    Links(cmd::links::LinksCmd),
    /// Händelseloggen: vem gjorde vad och när, som lista eller CSV.
    Audit(cmd::links::AuditArgs),
    /// Starta webbservern (översikter, inloggning, nedladdningar).
    Serve(cmd::admin::ServeArgs),
    /// Skriv ut kommandokomplettering för skalet (bash, zsh, fish).
    Completions(cmd::admin::CompletionsArgs),
}

/// What the commands share: how to print.
pub struct Out {
    /// `-q`.
    pub quiet: bool,
    /// `-v`.
    pub verbose: bool,
    /// Whether stderr is a terminal (progress bars only then).
    pub tty: bool,
    /// Whether stdout is a terminal and `NO_COLOR` is unset (colours only then).
    pub color: bool,
}

impl Out {
    /// A line for people, on stderr unless quiet.
    pub fn say(&self, line: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", line.as_ref());
        }
    }
}

fn main() -> ExitCode {
    // `nara report | head` must end quietly when the reader goes away, like other Unix tools,
    // rather than fail on a broken pipe.
    sigpipe::reset();
    let cli: Cli = swedish::parse();
    let level = if cli.verbose {
        "debug"
    } else if cli.quiet {
        "warn"
    } else {
        "info"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("NARA_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new(format!("{level},sqlx=warn"))
            }),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let out = Out {
        quiet: cli.quiet,
        verbose: cli.verbose,
        tty: std::io::stderr().is_terminal(),
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("fel: kunde inte starta: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cmd::run(&cli, &out)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("fel: {e:#}");
            ExitCode::FAILURE
        }
    }
}
