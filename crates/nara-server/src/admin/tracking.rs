//! Svarsläge, the coordinator's reminder tool: one sortable table of every organisation (has it
//! answered, its units this round and last, the units still missing, its contact, its blank
//! form and answer links), reminders to copy or mail to those who have not answered, the
//! contacts set here, the web answers under way and the units that answered.

mod reminder;
mod view;

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::HeaderMap;
use axum::response::Html;
use axum::routing::get;
use nara_app::contacts::{Field, FormError};
use nara_app::report::Tracking;
use nara_core::{Contact, OrgCode, Round};
use serde::Deserialize;

use self::reminder::{Kind, Reminder, Sender};
use self::view::{Order, OrgRow, SortBy, SortHead, UnitRow};
use super::{round_layout, user_err};
use crate::AppState;
use crate::auth::Admin;
use crate::error::AppResult;
use crate::extract::VisibleRound;
use crate::layout::{Layout, link, when};

/// Who has answered, and the contacts to remind them.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/omgangar/{round}/svarslage", get(tracking))
        .route(
            "/omgangar/{round}/svarslage/kontakt",
            axum::routing::post(contact_post),
        )
}

/// The `vem` of the coordinator's own contact form.
const COORDINATOR: &str = "samordnare";

/// An answer under way on the web, not yet submitted.
pub struct WebAnswer {
    /// The organisation's name and code.
    pub org: String,
    /// The unit.
    pub unit: String,
    /// The rater (`samsyn`, `hela enheten` or a name).
    pub rater: String,
    /// `ej påbörjad` or `utkast sparat …`.
    pub state: String,
    /// Who made the link.
    pub made_by: String,
}

/// A contact form as shown: its values (stored, or as typed) and what is wrong.
pub struct ContactEdit {
    /// An organisation's code, or `samordnare`.
    pub who: String,
    /// `Kontakt för Falun (kod 2080)`.
    pub title: String,
    /// The name.
    pub name: String,
    /// The e-mail address.
    pub email: String,
    /// What is wrong (beside the field).
    pub error: String,
    /// `namn` or `epost`: the field that is wrong; empty when none is.
    pub error_field: &'static str,
    /// Whether a contact is stored (it can then be removed).
    pub has_contact: bool,
}

/// One of the page's reminders, with its heading.
pub struct ReminderBox {
    /// The element id its fields start with.
    pub id: &'static str,
    /// The heading.
    pub heading: String,
    /// The reminder.
    pub r: Reminder,
}

/// Svarsläge.
#[derive(Template)]
#[template(path = "tracking.html")]
pub struct TrackingPage {
    /// The frame.
    pub layout: Layout,
    /// The round.
    pub round: String,
    /// `11 av 16 organisationer har svarat, 48 enheter.`
    pub summary: String,
    /// The sentence about the last day to answer.
    pub closes: String,
    /// The round compared with (`2025`); empty when there is none.
    pub previous: String,
    /// The table's caption.
    pub caption: String,
    /// The sortable column headers.
    pub heads: Vec<SortHead>,
    /// One row per organisation, in the order asked for.
    pub rows: Vec<OrgRow>,
    /// The order's column (`namn`), kept by the contact forms.
    pub sort: &'static str,
    /// Whether the order is descending.
    pub descending: bool,
    /// The contact form of one organisation, when opened.
    pub edit: Option<ContactEdit>,
    /// The coordinator's contact form.
    pub coordinator: ContactEdit,
    /// The coordinator's contact as stored (empty: none).
    pub coordinator_now: String,
    /// Where the contact forms are sent.
    pub action: String,
    /// The reminders: to those who have not answered; to those who answered in part.
    pub reminders: Vec<ReminderBox>,
    /// Answers under way on the web.
    pub web: Vec<WebAnswer>,
    /// The units that have answered.
    pub units: Vec<UnitRow>,
    /// What just happened.
    pub notice: String,
    /// What went wrong.
    pub error: String,
}

/// The order and the contact form asked for.
#[derive(Deserialize, Default)]
pub struct TrackingQuery {
    #[serde(default)]
    sort: String,
    fallande: Option<String>,
    #[serde(default)]
    kontakt: String,
}

/// What a contact form sent.
#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    vem: String,
    #[serde(default)]
    namn: String,
    #[serde(default)]
    epost: String,
    #[serde(default)]
    atgard: String,
    #[serde(default)]
    sort: String,
    fallande: Option<String>,
}

/// What the page shows besides the data: the order, an open contact form with what was typed
/// in it, and what just happened.
#[derive(Default)]
struct Shown {
    order: Order,
    /// The organisation whose contact form is open (its code), or empty.
    open: String,
    /// A contact form as it was sent, with what is wrong with it.
    typed: Option<(String, String, String, Option<FormError>)>,
    notice: String,
    error: String,
}

/// `GET /omgangar/{round}/svarslage[?sort=namn|status|enheter|senast[&fallande]][&kontakt=KOD]`.
#[tracing::instrument(skip_all, fields(round = %round.id))]
pub async fn tracking(
    State(state): State<AppState>,
    headers: HeaderMap,
    a: Admin,
    VisibleRound { round, .. }: VisibleRound,
    Query(q): Query<TrackingQuery>,
) -> AppResult<Html<String>> {
    let shown = Shown {
        order: Order {
            by: SortBy::parse(&q.sort),
            descending: q.fallande.is_some(),
        },
        open: q.kontakt,
        ..Shown::default()
    };
    render(&state, &headers, &a, &round, shown).await
}

/// `POST /omgangar/{round}/svarslage/kontakt`: sets or removes an organisation's contact
/// (`vem` = its code) or the coordinator's (`vem` = `samordnare`).
#[tracing::instrument(skip_all, fields(round = %round.id, who = %f.vem))]
pub async fn contact_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    a: Admin,
    VisibleRound { round, .. }: VisibleRound,
    Form(f): Form<ContactForm>,
) -> AppResult<Html<String>> {
    a.0.check_csrf(&f.csrf)?;
    let mut shown = Shown {
        order: Order {
            by: SortBy::parse(&f.sort),
            descending: f.fallande.is_some(),
        },
        ..Shown::default()
    };
    match save(&state, &a.0.user.username, &f).await? {
        Ok(notice) => shown.notice = notice,
        Err((whose, e)) => {
            shown.error = format!("{whose} sparades inte: {}", e.message);
            if f.vem != COORDINATOR {
                shown.open.clone_from(&f.vem);
            }
            shown.typed = Some((f.vem, f.namn, f.epost, Some(e)));
        }
    }
    render(&state, &headers, &a, &round, shown).await
}

/// `Kontakten för Falun (kod 2080)` or `Samordnarens kontakt`.
async fn whose(state: &AppState, who: &str) -> AppResult<Result<String, FormError>> {
    if who == COORDINATOR {
        return Ok(Ok("Samordnarens kontakt".into()));
    }
    let not_found = |message: String| FormError {
        field: Field::Name,
        message,
    };
    let Ok(code) = OrgCode::parse(who) else {
        return Ok(Err(not_found(format!("Organisationen {who} finns inte."))));
    };
    match state.app.organisation(&code).await {
        Ok(o) => Ok(Ok(format!(
            "Kontakten för {}",
            nara_core::org::with_code(&o.name, &o.code)
        ))),
        Err(e) => Ok(Err(not_found(user_err(e)?))),
    }
}

/// Stores what a contact form sent: the sentence to show, or what is wrong (with whose
/// contact it was).
async fn save(
    state: &AppState,
    actor: &str,
    f: &ContactForm,
) -> AppResult<Result<String, (String, FormError)>> {
    let whose = match whose(state, &f.vem).await? {
        Ok(w) => w,
        Err(e) => return Ok(Err(("Kontakten".into(), e))),
    };
    let contact = if f.atgard == "ta-bort" {
        None
    } else {
        match nara_app::contacts::from_form(&f.namn, &f.epost) {
            Ok(c) => c,
            Err(e) => return Ok(Err((whose, e))),
        }
    };
    let app = &state.app;
    let done = match OrgCode::parse(&f.vem) {
        Ok(code) if f.vem != COORDINATOR => {
            app.set_organisation_contact(&code, contact.as_ref(), actor)
                .await
        }
        _ => app.set_coordinator_contact(contact.as_ref(), actor).await,
    };
    let changed = match done {
        Ok(changed) => changed,
        Err(e) => {
            let message = user_err(e)?;
            let field = Field::Email;
            return Ok(Err((whose, FormError { field, message })));
        }
    };
    Ok(Ok(match (changed, contact) {
        (false, _) => format!("{whose} var redan så; inget ändrades."),
        (true, Some(c)) => format!("{whose} är sparad: {}.", c.display()),
        (true, None) => format!("{whose} är borttagen."),
    }))
}

/// A contact form with the stored contact, or with what was typed when it was sent with an
/// error.
fn edit(who: &str, title: String, stored: Option<&Contact>, shown: &Shown) -> ContactEdit {
    let mut e = ContactEdit {
        who: who.to_string(),
        title,
        name: stored.map(|c| c.name.clone()).unwrap_or_default(),
        email: stored.map(|c| c.email.clone()).unwrap_or_default(),
        error: String::new(),
        error_field: "",
        has_contact: stored.is_some(),
    };
    if let Some((typed_who, name, email, error)) = &shown.typed
        && typed_who == who
    {
        e.name.clone_from(name);
        e.email.clone_from(email);
        if let Some(err) = error {
            e.error.clone_from(&err.message);
            e.error_field = match err.field {
                Field::Name => "namn",
                Field::Email => "epost",
            };
        }
    }
    e
}

async fn render(
    state: &AppState,
    headers: &HeaderMap,
    a: &Admin,
    round: &Round,
    shown: Shown,
) -> AppResult<Html<String>> {
    let rid = round.id;
    let t = state.app.response_tracking(rid).await?;
    let title = format!("Svarsläge {rid}");
    let crumbs = vec![
        link("/omgangar", "Omgångar"),
        link(format!("/omgangar/{rid}/svarslage"), title.clone()),
    ];
    let layout = round_layout(state, a, round, &title, crumbs).await?;
    let base_url = crate::public_base(state, headers);
    let sender = Sender {
        base_url: &base_url,
        user: &a.0.user.username,
        order_query: &shown.order.query(),
    };
    let page = page(layout, &t, &sender, &shown);
    Ok(Html(page.render()?))
}

/// The page's model (pure).
fn page(layout: Layout, t: &Tracking, sender: &Sender<'_>, shown: &Shown) -> TrackingPage {
    let rid = t.round;
    let order = shown.order;
    let edit_org = (t.organisations.iter())
        .find(|o| !shown.open.is_empty() && o.code == shown.open)
        .map(|o| {
            let title = format!(
                "Kontakt för {}",
                nara_core::org::with_code(&o.name, &o.code)
            );
            edit(&o.code, title, o.contact.as_ref(), shown)
        });
    let title = "Samordnarens kontakt".to_string();
    let coordinator = edit(COORDINATOR, title, t.coordinator.as_ref(), shown);
    TrackingPage {
        layout,
        round: rid.to_string(),
        summary: format!(
            "{} av {} organisationer har svarat, {} {}.",
            t.answered_count(),
            t.organisations.len(),
            t.unit_count(),
            if t.unit_count() == 1 {
                "enhet"
            } else {
                "enheter"
            }
        ),
        closes: reminder::closes_sentence(t),
        previous: t.previous.map(|p| p.to_string()).unwrap_or_default(),
        caption: view::caption(order),
        heads: view::heads(&format!("/omgangar/{rid}/svarslage"), order),
        rows: view::rows(t, order),
        sort: order.by.code(),
        descending: order.descending,
        edit: edit_org,
        coordinator,
        coordinator_now: (t.coordinator.as_ref())
            .map(Contact::display)
            .unwrap_or_default(),
        action: format!("/omgangar/{rid}/svarslage/kontakt"),
        reminders: reminders(t, sender),
        web: web_answers(t),
        units: view::units(t),
        notice: shown.notice.clone(),
        error: shown.error.clone(),
    }
}

/// The reminder to those who have not answered, and (when there are any) to those who
/// answered in part.
fn reminders(t: &Tracking, sender: &Sender<'_>) -> Vec<ReminderBox> {
    let mut out = vec![ReminderBox {
        id: "saknas",
        heading: format!("Har inte svarat ({})", t.missing().count()),
        r: reminder::reminder(t, Kind::NotAnswered, sender),
    }];
    let partly = reminder::reminder(t, Kind::Partly, sender);
    if partly.count > 0 {
        out.push(ReminderBox {
            id: "delvis",
            heading: format!("Har svarat delvis ({})", partly.count),
            r: partly,
        });
    }
    out
}

/// Web answers not yet submitted: not started, or a draft saved.
fn web_answers(t: &Tracking) -> Vec<WebAnswer> {
    let names: std::collections::HashMap<&str, &str> = (t.organisations.iter())
        .map(|o| (o.code.as_str(), o.name.as_str()))
        .collect();
    (t.web.iter())
        .map(|l| WebAnswer {
            org: nara_core::org::with_code(
                names.get(l.org.as_str()).copied().unwrap_or_default(),
                &l.org,
            ),
            unit: l.unit.clone(),
            rater: if l.consensus {
                "samsyn".into()
            } else if l.rater.is_empty() {
                "hela enheten".into()
            } else {
                l.rater.clone()
            },
            state: l.saved_at.map_or_else(
                || "ej påbörjad".to_string(),
                |t| format!("utkast sparat {}", when(t)),
            ),
            made_by: l.created_by.clone(),
        })
        .collect()
}
