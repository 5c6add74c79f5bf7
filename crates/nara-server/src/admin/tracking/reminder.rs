//! The reminders on the Svarsläge page (pure): to the organisations that have not answered,
//! and to those that answered without some of last round's units. Each is a list to copy, a
//! message to copy and a `mailto:` to everyone of them with a contact; those without a contact
//! are named, with a way to add one.

use nara_app::report::{OrgTracking, Tracking};
use nara_core::Contact;
use nara_core::org::with_code;

/// Who a reminder is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No unit has answered.
    NotAnswered,
    /// Some units of last round are missing.
    Partly,
}

/// An organisation a reminder cannot be mailed to: it has no contact.
pub struct NoContact {
    /// `Falun (kod 2080)`.
    pub name: String,
    /// This page with its contact form open.
    pub href: String,
}

/// A reminder to some organisations.
pub struct Reminder {
    /// How many organisations it is for.
    pub count: usize,
    /// One line per organisation with its contact (or `saknar kontakt`) and its blank form, to
    /// copy.
    pub list: String,
    /// The subject.
    pub subject: String,
    /// The message, to copy.
    pub message: String,
    /// A `mailto:` to everyone of them with a contact; empty when none has one.
    pub mailto: String,
    /// How many the `mailto:` goes to.
    pub mailto_count: usize,
    /// Those without a contact.
    pub no_contact: Vec<NoContact>,
}

/// What every reminder shares: where Nära is, who sends, and the order of the page (so a link
/// to add a contact keeps it).
pub struct Sender<'a> {
    /// The address people reach Nära at (`https://nara.example.se`).
    pub base_url: &'a str,
    /// The signed-in coordinator's account name (the signature when no contact is set).
    pub user: &'a str,
    /// The page's order as a query (`sort=namn`).
    pub order_query: &'a str,
}

/// The subject of every reminder of the round.
pub fn subject(t: &Tracking) -> String {
    format!("Påminnelse: självskattning omgång {}", t.round)
}

/// The sentence about the last day to answer.
pub fn closes_sentence(t: &Tracking) -> String {
    match t.closes {
        Some(d) => format!("Omgången stänger {d}: skicka in ert svar senast då."),
        None => "Skicka in ert svar så snart ni kan.".to_string(),
    }
}

fn signature(coordinator: Option<&Contact>, user: &str) -> String {
    match coordinator {
        Some(c) if c.name.is_empty() => c.email.clone(),
        Some(c) => format!("{}\n{}", c.name, c.email),
        None => user.to_string(),
    }
}

fn body(t: &Tracking, kind: Kind, orgs: &[&OrgTracking], s: &Sender<'_>) -> String {
    let rid = t.round;
    let send_to = t
        .coordinator
        .as_ref()
        .map_or_else(|| "mig".to_string(), |c| c.email.clone());
    let intro = match kind {
        Kind::NotAnswered => {
            format!("Vi har ännu inte fått er självskattning för God och nära vård, omgång {rid}.")
        }
        Kind::Partly => {
            let prev = t.previous.map(|p| format!(" ({p})")).unwrap_or_default();
            let lines: Vec<String> = (orgs.iter())
                .map(|o| {
                    format!(
                        "{}: {}",
                        with_code(&o.name, &o.code),
                        o.missing_units.join(", ")
                    )
                })
                .collect();
            format!(
                "Tack för era svar i självskattningen för God och nära vård, omgång {rid}. Några verksamheter som svarade förra omgången{prev} saknas ännu:\n{}",
                lines.join("\n")
            )
        }
    };
    format!(
        "Hej!\n\n{intro}\n\n{}\n\nDen tomma blanketten (Excel) för er organisation laddar ni ner i Nära under Nedladdningar (logga in först): {}/omgangar/{rid}/nedladdningar\n\nSkicka den ifyllda blanketten till {send_to}. Har ni fått svarslänkar kan ni i stället svara direkt på webben med dem.\n\nHälsningar\n{}",
        closes_sentence(t),
        s.base_url,
        signature(t.coordinator.as_ref(), s.user)
    )
}

/// The reminder to the organisations `kind` picks, in code order.
pub fn reminder(t: &Tracking, kind: Kind, s: &Sender<'_>) -> Reminder {
    let orgs: Vec<&OrgTracking> = match kind {
        Kind::NotAnswered => t.missing().collect(),
        Kind::Partly => t.partly().collect(),
    };
    let list: Vec<String> = (orgs.iter())
        .map(|o| {
            let who = o
                .contact
                .as_ref()
                .map_or_else(|| "saknar kontakt".to_string(), Contact::display);
            format!(
                "{}: {who}; blankett: {}/omgangar/{}/blankett/{}",
                with_code(&o.name, &o.code),
                s.base_url,
                t.round,
                o.code
            )
        })
        .collect();
    let reached: Vec<&OrgTracking> = (orgs.iter())
        .filter(|o| o.contact.is_some())
        .copied()
        .collect();
    let to: Vec<&Contact> = reached.iter().filter_map(|o| o.contact.as_ref()).collect();
    let subject = subject(t);
    let message = body(t, kind, &orgs, s);
    // The mail names only those it goes to.
    let mailto = if to.is_empty() {
        String::new()
    } else {
        let me = t.coordinator.as_ref();
        nara_core::contact::mailto(me, &to, &subject, &body(t, kind, &reached, s))
    };
    Reminder {
        count: orgs.len(),
        list: list.join("\n"),
        mailto_count: to.len(),
        mailto,
        no_contact: (orgs.iter())
            .filter(|o| o.contact.is_none())
            .map(|o| NoContact {
                name: with_code(&o.name, &o.code),
                href: format!(
                    "/omgangar/{}/svarslage?{}&kontakt={}#kontakt",
                    t.round, s.order_query, o.code
                ),
            })
            .collect(),
        subject,
        message,
    }
}
