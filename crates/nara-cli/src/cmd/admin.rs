//! `nara demo`, `nara user …` and `nara completions`.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, CommandFactory, Subcommand};
use nara_app::{Role, Store};
use nara_core::OrgCode;

use crate::Out;

/// `nara demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The seed: the same seed gives the same demo.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// How many yearly rounds, ending with --last-round.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// The newest round's year.
    #[arg(long, default_value_t = 2026)]
    pub last_round: u16,
    /// About how many units in all (default: 2–6 per organisation).
    #[arg(long)]
    pub units: Option<usize>,
    /// Print what was made as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Fills an empty database with the demo.
pub async fn demo(store: &dyn Store, args: &DemoArgs, out: &Out) -> Result<ExitCode> {
    let opts = nara_app::demo::Options {
        seed: args.seed,
        rounds: args.rounds,
        last_round: args.last_round,
        units: args.units,
    };
    let s = nara_app::demo::run(store, &opts).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        out.say(format!(
            "Demo klar: omgångarna {} ({} enheter, {} blanketter). Den senaste omgången är öppen; se nara report --round {}.",
            s.rounds.join(", "),
            s.units,
            s.forms,
            s.rounds.last().map_or("", String::as_str)
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// Account commands.
#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Add an account. Without --password-stdin a password is made and printed once.
    Add {
        /// The sign-in name.
        username: String,
        /// admin, respondent or reader.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The organisation of a respondent (code, e.g. 2080).
        #[arg(long)]
        org: Option<String>,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set a new password. Without --password-stdin a password is made and printed once.
    Passwd {
        /// The sign-in name.
        username: String,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account (its sessions end); --enable turns it on again.
    Disable {
        /// The sign-in name.
        username: String,
        /// Enable it again instead.
        #[arg(long)]
        enable: bool,
    },
}

fn parse_role(s: &str) -> std::result::Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("okänd roll \"{s}\": admin, respondent eller reader"))
}

/// The password: from stdin, or a new random one (then printed).
fn password(from_stdin: bool) -> Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let p = line.trim_end_matches(['\r', '\n']).to_string();
        if p.is_empty() {
            bail!("Inget lösenord på standard in.");
        }
        Ok((p, false))
    } else {
        Ok((nara_app::users::random_password()?, true))
    }
}

/// Runs an account command.
pub async fn user(store: &dyn Store, cmd: &UserCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        UserCmd::Add {
            username,
            role,
            org,
            password_stdin,
        } => {
            let org = org.as_deref().map(OrgCode::parse).transpose()?;
            let (pw, made) = password(*password_stdin)?;
            let u = nara_app::users::add(store, username, &pw, *role, org.as_ref(), "cli").await?;
            out.say(format!(
                "Kontot {} ({}) är skapat.",
                u.username,
                u.role.code()
            ));
            if made {
                println!("{}\t{}", u.username, pw);
                out.say("Lösenordet ovan visas bara nu; lämna det på ett säkert sätt.");
            }
        }
        UserCmd::List { json } => {
            let users = nara_app::users::list(store).await?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&users)?);
            } else if users.is_empty() {
                out.say("Inga konton ännu. Skapa ett: nara user add NAMN --role admin");
            } else {
                println!("{:<24} {:<11} {:<6} status", "konto", "roll", "org");
                for u in users {
                    println!(
                        "{:<24} {:<11} {:<6} {}",
                        u.username,
                        u.role.code(),
                        u.org.as_ref().map_or("–", |o| o.as_str()),
                        if u.disabled { "avstängt" } else { "aktivt" }
                    );
                }
            }
        }
        UserCmd::Passwd {
            username,
            password_stdin,
        } => {
            let (pw, made) = password(*password_stdin)?;
            nara_app::users::set_password(store, username, &pw, "cli").await?;
            out.say(format!("Nytt lösenord för {username}."));
            if made {
                println!("{username}\t{pw}");
            }
        }
        UserCmd::Disable { username, enable } => {
            nara_app::users::set_disabled(store, username, !enable, "cli").await?;
            out.say(if *enable {
                format!("Kontot {username} är aktivt igen.")
            } else {
                format!("Kontot {username} är avstängt; dess inloggningar har avslutats.")
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `nara completions SHELL`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell.
    pub shell: clap_complete::Shell,
}

/// Prints the completion script for a shell.
pub fn completions(args: &CompletionsArgs) -> ExitCode {
    let mut cmd = crate::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "nara", &mut std::io::stdout());
    ExitCode::SUCCESS
}
