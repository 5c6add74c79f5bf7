//! Accounts: create, reset, remove.

use super::{layout, user_err};
use crate::AppState;
use crate::auth::Admin;
use crate::error::AppResult;
use crate::layout::{Choice, Layout, link};
use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::response::Html;
use axum::routing::get;
use nara_app::{Role, User};
use nara_core::OrgCode;
use serde::Deserialize;

/// Accounts.
pub fn router() -> Router<AppState> {
    Router::new().route("/admin/anvandare", get(users).post(user_action))
}

/// The accounts page.
#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    /// The frame.
    pub layout: Layout,
    /// The accounts.
    pub users: Vec<UserRow>,
    /// Organisations for the select: code and name.
    pub orgs: Vec<Choice>,
    /// What just happened (a new password is shown here once).
    pub notice: String,
    /// What went wrong.
    pub error: String,
    /// The CSRF token.
    pub csrf: String,
    /// The identity providers' names (sign-in with the organisation's own identity).
    pub providers: Vec<String>,
    /// The address to register at the providers.
    pub redirect: String,
    /// Whether password sign-in is for coordinators only.
    pub coordinators_only: bool,
}

/// One account.
pub struct UserRow {
    /// The user name.
    pub name: String,
    /// The role in Swedish.
    pub role: String,
    /// A respondent's organisation (its code); empty for the others.
    pub org: String,
    /// Whether the account may sign in.
    pub active: bool,
    /// How it signs in: "lösenord", the providers' names, or both.
    pub sign_in: String,
}

fn role_label(r: Role) -> &'static str {
    match r {
        Role::Admin => "samordnare",
        Role::Respondent => "respondent",
        Role::Reader => "läsare",
    }
}

async fn users_page(
    state: &AppState,
    a: &Admin,
    notice: String,
    error: String,
) -> AppResult<Html<String>> {
    let app = &state.app;
    let links = app.all_sso_links().await?;
    let users = app
        .users()
        .await?
        .into_iter()
        .map(|u| {
            let mut ways: Vec<String> = (links.iter().filter(|(id, _)| *id == u.id))
                .map(|(_, p)| {
                    state
                        .sso
                        .provider(p)
                        .map_or_else(|| p.clone(), |p| p.name.clone())
                })
                .collect();
            if !u.password_hash.is_empty() {
                ways.insert(0, "lösenord".into());
            }
            UserRow {
                name: u.username,
                role: role_label(u.role).to_string(),
                org: u.org.map(|o| o.to_string()).unwrap_or_default(),
                active: !u.disabled,
                sign_in: ways.join(", "),
            }
        })
        .collect();
    let orgs = app
        .organisations()
        .await?
        .organisations
        .into_iter()
        .map(|o| Choice {
            value: o.code.to_string(),
            label: o.name,
        })
        .collect();
    let layout = layout(state, a, "Konton", vec![link("/admin/anvandare", "Konton")]).await?;
    let providers = (state.sso.providers().iter())
        .map(|p| p.name.clone())
        .collect();
    let base = (state.config.public_url.clone()).unwrap_or_else(|| "<Näras adress>".into());
    let coordinators_only =
        app.password_sign_in().await? == nara_core::sso::PasswordSignIn::CoordinatorsOnly;
    Ok(Html(
        UsersPage {
            layout,
            users,
            orgs,
            notice,
            error,
            csrf: a.0.csrf.clone(),
            providers,
            redirect: format!("{base}{}", crate::pages::sso::REDIRECT_PATH),
            coordinators_only,
        }
        .render()?,
    ))
}

/// `GET /admin/anvandare`.
#[tracing::instrument(skip_all, fields(user = %a.0.user.username))]
pub async fn users(State(state): State<AppState>, a: Admin) -> AppResult<Html<String>> {
    users_page(&state, &a, String::new(), String::new()).await
}

/// A change to accounts.
#[derive(Deserialize)]
pub struct UserForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    password_sign_in: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /admin/anvandare`: add, reset password, disable, enable, set role.
#[tracing::instrument(skip_all, fields(user = %a.0.user.username, action = %f.action))]
pub async fn user_action(
    State(state): State<AppState>,
    a: Admin,
    Form(f): Form<UserForm>,
) -> AppResult<Html<String>> {
    a.0.check_csrf(&f.csrf)?;
    match apply(&state, &a.0.user, &f).await {
        Ok(notice) => users_page(&state, &a, notice, String::new()).await,
        Err(e) => {
            let m = user_err(e)?;
            users_page(&state, &a, String::new(), m).await
        }
    }
}

/// Carries out one change to accounts for the coordinator `me`; the sentence to show comes
/// back (with a new password, shown once). A coordinator cannot disable their own account or
/// take away their own coordinator role. A new password or enabling an account unlocks its
/// sign-in.
async fn apply(state: &AppState, me: &User, f: &UserForm) -> Result<String, nara_app::Error> {
    let app = &state.app;
    let me_name = me.username.as_str();
    let org = match f.org.trim() {
        "" => None,
        o => OrgCode::parse(o).ok(),
    };
    let role =
        || Role::parse(&f.role).ok_or_else(|| nara_app::Error::Invalid("Välj en roll.".into()));
    if f.action == "add" {
        let role = role()?;
        let pw = nara_app::users::random_password()?;
        let u = app
            .add_user(&f.username, &pw, role, org.as_ref(), me_name)
            .await?;
        return Ok(format!(
            "Kontot {} är skapat. Lösenord: {pw} (visas bara nu; lämna det på ett säkert sätt).",
            u.username
        ));
    }
    if f.action == "sign-in" {
        let value = nara_core::sso::PasswordSignIn::parse(&f.password_sign_in);
        let break_glass = (app.users().await?.iter())
            .any(|u| u.role == Role::Admin && !u.disabled && !u.password_hash.is_empty());
        let only = value == nara_core::sso::PasswordSignIn::CoordinatorsOnly;
        if only && state.sso.providers().is_empty() {
            return Err(nara_app::Error::Invalid(
                "Organisationernas egen inloggning är inte inställd, så bara samordnare skulle kunna logga in. Inget ändrades.".into(),
            ));
        }
        if only && !break_glass {
            return Err(nara_app::Error::Invalid(
                "Det finns inget aktivt samordnarkonto med lösenord. Skapa ett först, så att någon kan logga in om organisationernas inloggning inte fungerar.".into(),
            ));
        }
        let changed = app.set_password_sign_in(value, me_name).await?;
        return Ok(match (changed, value) {
            (None, _) => "Inloggningen är redan så.".to_string(),
            (Some(ended), nara_core::sso::PasswordSignIn::CoordinatorsOnly) => {
                let ended = match ended {
                    0 => String::new(),
                    1 => " En öppen inloggning med lösenord avslutades.".to_string(),
                    n => format!(" {n} öppna inloggningar med lösenord avslutades."),
                };
                format!(
                    "Nu kan bara samordnare logga in med lösenord; övriga loggar in med sin organisations inloggning.{ended}"
                )
            }
            (Some(_), _) => "Nu kan alla konton med lösenord logga in med det.".to_string(),
        });
    }
    if !matches!(
        f.action.as_str(),
        "password" | "disable" | "enable" | "role"
    ) {
        return Err(nara_app::Error::Invalid("Okänd åtgärd.".into()));
    }
    // The account acted on, by id: the name as typed may differ in case or spaces.
    let target = app.user(&f.username).await?;
    match f.action.as_str() {
        "password" => {
            let pw = nara_app::users::random_password()?;
            app.set_password(&target.username, &pw, me_name).await?;
            state.limiter.forget_user(app, target.id).await;
            Ok(format!(
                "Nytt lösenord för {}: {pw} (visas bara nu).",
                target.username
            ))
        }
        "disable" | "enable" => {
            if target.id == me.id {
                return Err(nara_app::Error::Forbidden(
                    "Du kan inte stänga av ditt eget konto.".into(),
                ));
            }
            let disable = f.action == "disable";
            app.set_disabled(&target.username, disable, me_name).await?;
            if !disable {
                state.limiter.forget_user(app, target.id).await;
            }
            Ok(format!(
                "Kontot {} är {}.",
                target.username,
                if disable { "avstängt" } else { "aktivt igen" }
            ))
        }
        // "role", the only action left (checked above).
        _ => {
            let role = role()?;
            if target.id == me.id && role != Role::Admin {
                return Err(nara_app::Error::Forbidden(
                    "Du kan inte ta bort din egen samordnarroll.".into(),
                ));
            }
            app.set_role(&target.username, role, org.as_ref(), me_name)
                .await?;
            Ok(format!("{} är nu {}.", target.username, role_label(role)))
        }
    }
}
