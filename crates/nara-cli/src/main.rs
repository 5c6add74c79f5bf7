//! `nara`, the command line of Nära: every operation of a round, scriptable. It parses
//! arguments and prints; the work is done by `nara-app`.
//!
//! Exit codes: 0 success; 1 a rejected file, a failed check or an error; 2 bad usage.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

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
#[command(name = "nara", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// The database: `sqlite://FILE` (created when missing) or `postgres://…`.
    #[arg(long, global = true, env = "NARA_DATABASE_URL", default_value = nara_app::DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Print less (only errors and the data asked for).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read filled forms (files and folders) into the database.
    Import(cmd::import::ImportArgs),
    /// Check filled forms without a database write (like `import --dry-run`).
    Validate(cmd::import::ValidateArgs),
    /// Rounds: create, list, open, close, publish.
    #[command(subcommand)]
    Round(cmd::round::RoundCmd),
    /// Write blank Excel forms for a round.
    Template(cmd::template::TemplateArgs),
    /// Who has answered a round.
    Status(cmd::report::StatusArgs),
    /// The scores of a round, as a table or JSON.
    Report(cmd::report::ReportArgs),
    /// The organisations.
    #[command(subcommand)]
    Org(cmd::org::OrgCmd),
    /// Instruments: show, validate, import.
    #[command(subcommand)]
    Instrument(cmd::org::InstrumentCmd),
    /// Nyckeltal: fetch the catalogue's indicators from Kolada, show what is stored.
    #[command(subcommand)]
    Indicators(cmd::indicators::IndicatorsCmd),
    /// Aktiviteter and lokala planer i samverkan: list, export, import.
    #[command(subcommand)]
    Activities(cmd::activities::ActivitiesCmd),
    /// Result files: the county summary, an organisation's report, the raw answers.
    #[command(subcommand)]
    Export(cmd::export::ExportCmd),
    /// Copy the database to a file while it is in use (SQLite).
    Backup(cmd::report::BackupArgs),
    /// Fill an empty database with a realistic demo (three rounds, 16 organisations).
    Demo(cmd::admin::DemoArgs),
    /// Accounts for the web server.
    #[command(subcommand)]
    User(cmd::admin::UserCmd),
    /// Start the web server (the dashboards, sign-in, downloads).
    Serve(cmd::admin::ServeArgs),
    /// Print shell completions (bash, zsh, fish).
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
    let cli = Cli::parse();
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
