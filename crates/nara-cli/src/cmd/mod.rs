//! The commands, one module each; every one calls `nara-app` and prints.

use std::process::ExitCode;

use anyhow::Result;

use crate::{Cli, Command, Out};

pub mod activities;
pub mod admin;
pub mod export;
pub mod import;
pub mod indicators;
pub mod links;
pub mod org;
pub mod report;
pub mod report_lines;
pub mod round;
pub mod template;
pub mod year;

/// Runs the command the user gave.
pub async fn run(cli: &Cli, out: &Out) -> Result<ExitCode> {
    if let Command::Completions(args) = &cli.command {
        return Ok(admin::completions(args));
    }
    if let Command::Validate(args) = &cli.command {
        return import::validate(args, out).await;
    }
    if let Command::Instrument(org::InstrumentCmd::Validate { file }) = &cli.command {
        return org::validate_instrument(file, out);
    }
    let app = nara_app::App::open(&cli.database_url).await?;
    if let Command::Serve(args) = &cli.command {
        return admin::serve(app, args, out).await;
    }
    let app = &app;
    match &cli.command {
        Command::Import(args) => import::run(app, args, out).await,
        Command::Round(c) => round::run(app, c, out).await,
        Command::Template(args) => template::run(app, args, out).await,
        Command::Status(args) => report::status(app, args, out).await,
        Command::Report(args) => report::report(app, args, out).await,
        Command::Org(c) => org::run_org(app, c, out).await,
        Command::Instrument(c) => org::run_instrument(app, c, out).await,
        Command::Backup(args) => report::backup(app, args, out).await,
        Command::Export(c) => export::run(app, c, out).await,
        Command::Indicators(c) => indicators::run(app, c, out).await,
        Command::Activities(c) => activities::run(app, c, out).await,
        Command::Demo(args) => admin::demo(app, args, out).await,
        Command::User(c) => admin::user(app, c, out).await,
        Command::Links(c) => links::run_links(app, c, out).await,
        Command::Audit(a) => links::run_audit(app, a, out).await,
        Command::Validate(_) | Command::Completions(_) | Command::Serve(_) => {
            unreachable!("handled above")
        }
    }
}

/// Parses a round id with a Swedish message.
pub fn round_id(s: &str) -> Result<nara_core::RoundId> {
    Ok(nara_core::RoundId::parse(s)?)
}
