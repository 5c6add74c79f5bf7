//! `nara links` (answer links: create, list, revoke) and `nara audit` (the audit log), so the
//! command line covers what the coordinator does in the browser.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use nara_app::{App, AuditFilter};
use nara_core::audit::event_name;
use nara_core::fmt::local_time;
use nara_core::round::Date;

use crate::Out;

/// Svarslänkar: skapa, lista, återkalla.
#[derive(Debug, Subcommand)]
pub enum LinksCmd {
    /// Skapa svarslänkar för en verksamhet: en per bedömare (ingen angiven: en för hela
    /// verksamheten), och en för samsyn med --samsyn. Adresserna skrivs ut en gång.
    Create {
        /// Omgången.
        #[arg(long)]
        round: String,
        /// Organisationen (kod eller namn).
        #[arg(long)]
        org: String,
        /// Verksamheten.
        #[arg(long)]
        unit: String,
        /// En bedömare (kan anges flera gånger).
        #[arg(long = "rater")]
        raters: Vec<String>,
        /// Även en länk för samsyn (gruppens gemensamma svar).
        #[arg(long)]
        samsyn: bool,
        /// Adressen Nära nås på, som länkarna börjar med (t.ex. `https://nara.regiondalarna.se`).
        #[arg(long = "public-url", env = "NARA_PUBLIC_URL")]
        public_url: String,
    },
    /// Lista en omgångs svarslänkar (utan adresser: de sparas inte i läsbar form).
    List {
        /// Omgången.
        #[arg(long)]
        round: String,
        /// Bara den här organisationen (kod eller namn).
        #[arg(long)]
        org: Option<String>,
    },
    /// Återkalla en svarslänk (id från `nara links list`).
    Revoke {
        /// Länkens id.
        id: i64,
    },
}

/// Händelseloggen: nyast först, med svenska namn och svensk tid.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Bara den här händelsen (koden, t.ex. round.open).
    #[arg(long)]
    pub handling: Option<String>,
    /// Från och med den här dagen (ÅÅÅÅ-MM-DD).
    #[arg(long)]
    pub fran: Option<String>,
    /// Till och med den här dagen (ÅÅÅÅ-MM-DD).
    #[arg(long)]
    pub till: Option<String>,
    /// Högst så många händelser.
    #[arg(long, default_value_t = 100)]
    pub limit: i64,
    /// Skriv urvalet som CSV till den här filen i stället ("-" för standard ut).
    #[arg(long)]
    pub csv: Option<PathBuf>,
}

async fn org_code(app: &App, o: &str) -> Result<nara_core::OrgCode> {
    (app.organisations().await?.find(o))
        .map(|x| x.code.clone())
        .ok_or_else(|| anyhow::anyhow!("Organisationen ”{o}” finns inte. Se nara org list."))
}

/// Runs `nara links`.
pub async fn run_links(app: &App, cmd: &LinksCmd, out: &Out) -> Result<ExitCode> {
    match cmd {
        LinksCmd::Create {
            round,
            org,
            unit,
            raters,
            samsyn,
            public_url,
        } => {
            let code = org_code(app, org).await?;
            let rid = super::round_id(round)?;
            let made = app
                .create_links(rid, &code, unit, raters, *samsyn, "kommandoraden")
                .await?;
            let base = public_url.trim_end_matches('/');
            for m in &made {
                let who = match (m.link.consensus, m.link.rater.as_str()) {
                    (true, _) => "samsyn".to_string(),
                    (false, "") => "hela verksamheten".to_string(),
                    (false, r) => r.to_string(),
                };
                println!("{}\t{who}\t{base}/svar/{}", m.link.unit, m.token);
            }
            out.say(format!(
                "{} länkar skapade. Adresserna visas bara nu; spara eller skicka dem.",
                made.len()
            ));
        }
        LinksCmd::List { round, org } => {
            let rid = super::round_id(round)?;
            let code = match org {
                Some(o) => Some(org_code(app, o).await?),
                None => None,
            };
            for l in app.links(rid, code.as_ref()).await? {
                let state = match (l.revoked_at, l.submitted_at, l.saved_at) {
                    (Some(_), _, _) => "återkallad",
                    (None, Some(_), _) => "inskickad",
                    (None, None, Some(_)) => "påbörjad",
                    _ => "ej öppnad",
                };
                let who = if l.consensus {
                    "samsyn"
                } else {
                    l.rater.as_str()
                };
                println!("{}\t{}\t{}\t{who}\t{state}", l.id, l.org, l.unit);
            }
        }
        LinksCmd::Revoke { id } => {
            app.revoke_link(*id, "kommandoraden").await?;
            out.say(format!("Länken {id} är återkallad."));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn day(s: &Option<String>, what: &str) -> Result<Option<Date>> {
    match s {
        None => Ok(None),
        Some(d) => match Date::parse(d) {
            Ok(d) => Ok(Some(d)),
            Err(_) => bail!("{what} ”{d}” är inget datum: skriv ÅÅÅÅ-MM-DD."),
        },
    }
}

/// Runs `nara audit`.
pub async fn run_audit(app: &App, a: &AuditArgs, out: &Out) -> Result<ExitCode> {
    let filter = AuditFilter {
        action: a.handling.clone(),
        from: day(&a.fran, "--fran")?.map(Date::start_ms_local),
        to: day(&a.till, "--till")?.map(|d| d.next().start_ms_local()),
        before: None,
        limit: a.limit.clamp(1, 100_000),
    };
    if let Some(path) = &a.csv {
        let bytes = app.audit_csv(&filter).await?;
        super::export::write(path, &bytes, out)?;
        return Ok(ExitCode::SUCCESS);
    }
    for e in app.audit_find(&filter).await? {
        println!(
            "{}\t{}\t{}\t{}\t{}",
            local_time(e.at),
            e.actor,
            event_name(&e.action),
            e.subject,
            e.details
        );
    }
    Ok(ExitCode::SUCCESS)
}
