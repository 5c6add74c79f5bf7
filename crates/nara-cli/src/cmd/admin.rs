//! `nara demo`, `nara user …` and `nara completions`.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, CommandFactory, Subcommand};
use nara_app::{App, Role};
use nara_core::OrgCode;

use crate::Out;

/// `nara demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Fröet: samma frö ger samma demodata.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Hur många årliga omgångar, den sista är --last-round.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Året för den senaste omgången.
    #[arg(long, default_value_t = 2026)]
    pub last_round: u16,
    /// Ungefär hur många enheter totalt (standard: 2–6 per organisation).
    #[arg(long)]
    pub units: Option<usize>,
    /// Skriv ut det som skapades som JSON.
    #[arg(long)]
    pub json: bool,
}

/// Fills an empty database with the demo.
pub async fn demo(app: &App, args: &DemoArgs, out: &Out) -> Result<ExitCode> {
    let opts = nara_app::demo::Options {
        seed: args.seed,
        rounds: args.rounds,
        last_round: args.last_round,
        units: args.units,
    };
    let s = app.demo(&opts).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        out.say(format!(
            "Demo klar: omgångarna {} ({} enheter, {} blanketter, {} påhittade nyckeltalsvärden, {} aktiviteter). Den senaste omgången är öppen; se nara report --round {}.",
            s.rounds.join(", "),
            s.units,
            s.forms,
            s.indicator_values,
            s.activities,
            s.rounds.last().map_or("", String::as_str)
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// Kommandona för konton.
#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Lägg till ett konto. Utan --password-stdin skapas ett lösenord som skrivs ut en gång.
    Add {
        /// Inloggningsnamnet.
        username: String,
        /// Rollen: admin, respondent eller reader.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Organisationen för en respondent (kod, t.ex. 2080).
        #[arg(long)]
        org: Option<String>,
        /// Läs lösenordet från första raden på standard in.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Lista kontona.
    List {
        /// Skriv ut JSON.
        #[arg(long)]
        json: bool,
    },
    /// Sätt ett nytt lösenord. Utan --password-stdin skapas ett lösenord som skrivs ut en gång.
    Passwd {
        /// Inloggningsnamnet.
        username: String,
        /// Läs lösenordet från första raden på standard in.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Stäng av ett konto (dess inloggningar avslutas); --enable slår på det igen.
    Disable {
        /// Inloggningsnamnet.
        username: String,
        /// Slå på kontot igen i stället.
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
pub async fn user(app: &App, cmd: &UserCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        UserCmd::Add {
            username,
            role,
            org,
            password_stdin,
        } => {
            let org = org.as_deref().map(OrgCode::parse).transpose()?;
            let (pw, made) = password(*password_stdin)?;
            let u = app
                .add_user(username, &pw, *role, org.as_ref(), "cli")
                .await?;
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
            let users = app.users().await?;
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
            app.set_password(username, &pw, "cli").await?;
            out.say(format!("Nytt lösenord för {username}."));
            if made {
                println!("{username}\t{pw}");
            }
        }
        UserCmd::Disable { username, enable } => {
            app.set_disabled(username, !enable, "cli").await?;
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
    /// Skalet: bash, zsh, fish, elvish eller powershell.
    pub shell: clap_complete::Shell,
}

/// Prints the completion script for a shell.
pub fn completions(args: &CompletionsArgs) -> ExitCode {
    let mut cmd = crate::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "nara", &mut std::io::stdout());
    ExitCode::SUCCESS
}

/// `nara serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Adress och port att lyssna på.
    #[arg(long, default_value = "127.0.0.1:8080", env = "NARA_BIND")]
    pub bind: std::net::SocketAddr,
    /// På en tom databas: läs in demodata och skapa ett konto per roll; inloggningsuppgifterna
    /// skrivs ut en gång.
    #[arg(long)]
    pub demo: bool,
    /// Högsta antal samtidiga anslutningar (standard 512; fler får vänta i kö). Sänks vid start
    /// så att det ryms inom gränsen för öppna filer (`ulimit -n`, systemd `LimitNOFILE`).
    #[arg(long, value_name = "N", env = "NARA_MAX_CONNECTIONS",
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: Option<u64>,
    /// Sekunder en klient har på sig att skicka en begärans huvuden; också hur länge en oanvänd
    /// anslutning hålls öppen (standard 10).
    #[arg(long, value_name = "SEKUNDER", env = "NARA_HEADER_TIMEOUT",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: Option<u64>,
    /// Sekunder en begäran får ta, innehåll och svar (standard 60).
    #[arg(long, value_name = "SEKUNDER", env = "NARA_REQUEST_TIMEOUT",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout: Option<u64>,
    /// Sekunder en uppladdning av ifyllda blanketter eller av ett instrument får ta, överföring
    /// och inläsning (standard 600).
    #[arg(long, value_name = "SEKUNDER", env = "NARA_UPLOAD_TIMEOUT",
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub upload_timeout: Option<u64>,
    /// Märk kakor som Secure (när användarna når servern via HTTPS, t.ex. bakom en proxy).
    #[arg(long, env = "NARA_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Den omvända proxyns adress (en eller flera, kommaseparerade eller upprepade): bara för
    /// anslutningar därifrån läses klientens adress från X-Forwarded-For.
    #[arg(
        long = "trusted-proxy",
        value_name = "ADRESS",
        env = "NARA_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    pub trusted_proxy: Vec<std::net::IpAddr>,
    /// Adressen som användarna når Nära på, t.ex. `https://nara.regiondalarna.se`: svarslänkar
    /// visas och skickas med den.
    #[arg(long = "public-url", value_name = "URL", env = "NARA_PUBLIC_URL", value_parser = nara_server::parse_public_url)]
    pub public_url: Option<String>,
    /// Koladas API, för samordnarens ”Hämta från Kolada” i webbläsaren.
    #[arg(long = "kolada-url", value_name = "URL", env = "NARA_KOLADA_URL", default_value = nara_app::indicators::KOLADA_URL)]
    pub kolada_url: String,
    /// En TOML-fil med organisationernas inloggning (OpenID Connect): en `[[provider]]` per
    /// identitetsleverantör, hemligheterna i miljövariabler eller filer (se docs/operations.md).
    #[arg(long = "sso", value_name = "FIL", env = "NARA_SSO")]
    pub sso: Option<std::path::PathBuf>,
}

/// A user name from an organisation's name: `Malung-Sälen` → `malung-salen`.
fn slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}

/// Starts the web server.
pub async fn serve(app: App, args: &ServeArgs, out: &Out) -> Result<ExitCode> {
    let sso = match &args.sso {
        Some(path) => {
            let sso = nara_app::sso::Sso::load(path)?;
            let names: Vec<&str> = sso.providers().iter().map(|p| p.name.as_str()).collect();
            out.say(format!("Inloggning med: {}.", names.join(", ")));
            if args.public_url.is_none() {
                out.say("Ange --public-url: leverantörerna skickar tillbaka till <publik adress>/logga-in/svar.");
            }
            sso
        }
        None => nara_app::sso::Sso::none(),
    };
    if args.demo {
        if app.rounds().await?.is_empty() {
            let s = app.demo(&nara_app::demo::Options::default()).await?;
            out.say(format!(
                "Demo inläst: omgångarna {} ({} blanketter).",
                s.rounds.join(", "),
                s.forms
            ));
        } else {
            out.say("Databasen har redan omgångar; demon läses inte in igen.");
        }
        if app.users().await?.is_empty() {
            // The respondent belongs to an organisation that answered the newest round, so
            // their start page has numbers: the first in code order (in Dalarna, Falun when it
            // answered).
            let rounds = app.rounds().await?;
            let answered = match rounds.last() {
                Some(r) => app
                    .response_tracking(r.id)
                    .await?
                    .organisations
                    .into_iter()
                    .filter(|o| !o.units.is_empty())
                    .map(|o| (o.code, o.name))
                    .collect::<Vec<_>>(),
                None => Vec::new(),
            };
            let resp_org = answered
                .iter()
                .find(|(c, _)| c == "2080")
                .or_else(|| answered.iter().find(|(c, _)| c.len() == 4))
                .or(answered.first())
                .cloned();
            println!("Demokonton (lösenorden visas bara nu):");
            let mut accounts = vec![(
                "samordnare".to_string(),
                Role::Admin,
                None,
                "samordnare: allt".to_string(),
            )];
            if let Some((code, name)) = resp_org {
                let what = format!("respondent för {}", nara_core::org::with_code(&name, &code));
                accounts.push((slug(&name), Role::Respondent, Some(code), what));
            }
            accounts.push((
                "lasare".to_string(),
                Role::Reader,
                None,
                "läsare: publicerade omgångar".to_string(),
            ));
            for (name, role, org, what) in accounts {
                let pw = nara_app::users::random_password()?;
                let org = org.as_deref().map(OrgCode::parse).transpose()?;
                app.add_user(&name, &pw, role, org.as_ref(), "demo").await?;
                println!("  {name:<11} {pw}  ({what})");
            }
        }
    } else if app.users().await?.is_empty() {
        out.say("Det finns inga konton ännu: skapa ett med nara user add NAMN --role admin.");
    }
    let defaults = nara_server::Config::default();
    let secs = |v: Option<u64>, d: std::time::Duration| v.map_or(d, std::time::Duration::from_secs);
    let config = nara_server::Config {
        max_connections: args.max_connections.map_or(defaults.max_connections, |n| {
            usize::try_from(n).unwrap_or(usize::MAX)
        }),
        header_timeout: secs(args.header_timeout, defaults.header_timeout),
        request_timeout: secs(args.request_timeout, defaults.request_timeout),
        upload_timeout: secs(args.upload_timeout, defaults.upload_timeout),
        secure_cookies: args.secure_cookies,
        trusted_proxy: args.trusted_proxy.clone(),
        public_url: args.public_url.clone(),
        kolada_url: args.kolada_url.clone(),
        ..nara_server::Config::default()
    };
    out.say(format!(
        "Nära svarar på http://{} (Ctrl-C avslutar).",
        args.bind
    ));
    let state = nara_server::AppState::new(app, config).with_sso(sso);
    nara_server::serve(state, args.bind).await?;
    Ok(ExitCode::SUCCESS)
}
