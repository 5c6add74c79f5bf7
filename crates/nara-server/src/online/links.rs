//! Managing answer links: list, make, revoke.

use super::*;

/// Answer links.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/omgangar/{round}/lankar", get(links).post(create))
        .route("/omgangar/{round}/lankar/{id}/aterkalla", post(revoke))
}

/// One link in the list.
pub struct LinkRow {
    /// The row id.
    pub id: i64,
    /// The unit.
    pub unit: String,
    /// `Anna`, `hela enheten` or `samsyn`.
    pub who: String,
    /// `ej påbörjad`, `utkast sparat …`, `inskickad …`, `återkallad`.
    pub state: String,
    /// Whether it can still be revoked.
    pub active: bool,
}

/// The links page.
#[derive(Template)]
#[template(path = "links.html")]
pub struct LinksPage {
    /// The frame.
    pub layout: Layout,
    /// The round.
    pub round: String,
    /// The organisation shown: code and name.
    pub org: (String, String),
    /// Organisations the viewer may choose (coordinator: all).
    pub orgs: Vec<(String, String)>,
    /// The links.
    pub rows: Vec<LinkRow>,
    /// Links just made (their addresses are shown this once).
    pub made: Vec<MadeLink>,
    /// The same links as a CSV file in a `data:` address (empty when none were made).
    pub made_csv: String,
    /// The CSV file's name.
    pub made_csv_name: String,
    /// What went wrong.
    pub error: String,
}

/// A link just made, as the page shows it once.
pub struct MadeLink {
    /// The unit.
    pub unit: String,
    /// `Anna`, `hela enheten` or `samsyn`.
    pub rater: String,
    /// `Hemtjänsten – Anna`.
    pub who: String,
    /// The whole address, with the host.
    pub url: String,
    /// A ready-to-send message with the address and the last day to answer.
    pub message: String,
}

/// The message that goes with a new answer link (Swedish, ready to paste into an e-mail).
fn message(round: &nara_core::Round, org_name: &str, who: &str, url: &str, sender: &str) -> String {
    let closes = round
        .closes
        .map(|d| format!("Svara senast {d}. "))
        .unwrap_or_default();
    format!(
        "Hej!\n\nHär är länken till självskattningen för God och nära vård, omgång {}, för {org_name}: {who}.\n\n{url}\n\n{closes}Svaren sparas medan du fyller i, så du kan ta en paus och fortsätta senare från samma länk. Länken är personlig: skicka den inte vidare.\n\nHälsningar\n{sender}",
        round.id
    )
}

/// Which organisation.
#[derive(Deserialize)]
pub struct OrgQuery {
    #[serde(default)]
    org: String,
}

async fn link_scope(
    state: &AppState,
    v: &Viewer,
    id: &str,
    org: &str,
) -> AppResult<(nara_core::Round, OrgCode)> {
    let not_found = || AppError::NotFound(format!("Omgången {id} finns inte."));
    let rid = RoundId::parse(id).map_err(|_| not_found())?;
    let round = nara_app::rounds::get(state.store.as_ref(), rid)
        .await
        .map_err(|_| not_found())?;
    if !round_visible(v, &round) {
        return Err(not_found());
    }
    let code = match (v.is_admin(), v.org()) {
        (true, _) => match OrgCode::parse(org) {
            Ok(c) => c,
            Err(_) => state
                .store
                .organisations()
                .await?
                .first()
                .map(|o| o.code.clone())
                .ok_or(AppError::Forbidden)?,
        },
        (false, Some(own)) => {
            if !org.is_empty() && org != own.as_str() {
                return Err(AppError::Forbidden);
            }
            own.clone()
        }
        (false, None) => return Err(AppError::Forbidden),
    };
    Ok((round, code))
}

async fn links_page(
    state: &AppState,
    v: &Viewer,
    round: &nara_core::Round,
    org: &OrgCode,
    made: Vec<MadeLink>,
    error: String,
) -> AppResult<Html<String>> {
    let s = state.store.as_ref();
    let all = s.organisations().await?;
    let name = all
        .iter()
        .find(|o| &o.code == org)
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let orgs = all
        .iter()
        .filter(|o| v.is_admin() || v.org() == Some(&o.code))
        .map(|o| (o.code.to_string(), o.name.clone()))
        .collect();
    let rows = s
        .links(round.id, Some(org))
        .await?
        .into_iter()
        .map(|l| LinkRow {
            id: l.id,
            unit: l.unit.clone(),
            who: if l.consensus {
                "samsyn".into()
            } else if l.rater.is_empty() {
                "hela enheten".into()
            } else {
                l.rater.clone()
            },
            state: match (l.revoked_at, l.submitted_at, l.saved_at) {
                (Some(t), _, _) => format!("återkallad {}", when(t)),
                (None, Some(t), _) => format!("inskickad {}", when(t)),
                (None, None, Some(t)) => format!("utkast sparat {}", when(t)),
                _ => "ej påbörjad".into(),
            },
            active: l.revoked_at.is_none(),
        })
        .collect();
    let rid = round.id.to_string();
    let layout = layout_for(
        state,
        v,
        &format!("Svarslänkar {rid}"),
        Some(round),
        vec![
            link("/omgangar", "Omgångar"),
            link(
                format!("/omgangar/{rid}/lankar?org={org}"),
                format!("Svarslänkar {rid}"),
            ),
        ],
    )
    .await?;
    let made_csv = if made.is_empty() {
        String::new()
    } else {
        let rows: Vec<[String; 4]> = made
            .iter()
            .map(|m| {
                [
                    m.unit.clone(),
                    m.rater.clone(),
                    m.url.clone(),
                    m.message.clone(),
                ]
            })
            .collect();
        format!(
            "data:text/csv;charset=utf-8,{}",
            seg(&String::from_utf8_lossy(&online::links_csv(&rows)))
        )
    };
    Ok(Html(
        LinksPage {
            layout,
            made_csv_name: format!("svarslankar-{rid}-{org}.csv"),
            round: rid,
            org: (org.to_string(), name),
            orgs,
            rows,
            made,
            made_csv,
            error,
        }
        .render()?,
    ))
}

/// `GET /omgangar/{round}/lankar?org=2080`.
pub async fn links(
    State(state): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Html<String>> {
    let (round, org) = link_scope(&state, &v, &id, &q.org).await?;
    links_page(&state, &v, &round, &org, Vec::new(), String::new()).await
}

/// The new-links form.
#[derive(Deserialize)]
pub struct NewLinks {
    #[serde(default)]
    org: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    raters: String,
    #[serde(default)]
    consensus: Option<String>,
    #[serde(default)]
    csrf: String,
}

/// `POST /omgangar/{round}/lankar`.
pub async fn create(
    State(state): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    Form(f): Form<NewLinks>,
) -> AppResult<Html<String>> {
    v.check_csrf(&f.csrf)?;
    let (round, org) = link_scope(&state, &v, &id, &f.org).await?;
    let base = crate::public_base(&state, &headers);
    let org_name = nara_app::organisation(state.store.as_ref(), &org)
        .await
        .map(|o| o.name)
        .unwrap_or_else(|_| org.to_string());
    let raters: Vec<String> = f.raters.lines().map(str::to_string).collect();
    match online::create_links(
        state.store.as_ref(),
        round.id,
        &org,
        &f.unit,
        &raters,
        f.consensus.is_some(),
        &v.user.username,
    )
    .await
    {
        Ok(made) => {
            let made = made
                .into_iter()
                .map(|m| {
                    let who = if m.link.consensus {
                        "samsyn".to_string()
                    } else if m.link.rater.is_empty() {
                        "hela enheten".to_string()
                    } else {
                        m.link.rater.clone()
                    };
                    let rater = who;
                    let who = format!("{} – {rater}", m.link.unit);
                    let url = format!("{base}{}", form_path(&m.token));
                    MadeLink {
                        message: message(&round, &org_name, &who, &url, &v.user.username),
                        unit: m.link.unit.clone(),
                        rater,
                        who,
                        url,
                    }
                })
                .collect();
            links_page(&state, &v, &round, &org, made, String::new()).await
        }
        Err(nara_app::Error::User(m)) => links_page(&state, &v, &round, &org, Vec::new(), m).await,
        Err(e) => Err(e.into()),
    }
}

/// A form with the CSRF token only.
#[derive(Deserialize)]
pub struct Csrf {
    #[serde(default)]
    csrf: String,
}

/// `POST /omgangar/{round}/lankar/{id}/aterkalla`.
pub async fn revoke(
    State(state): State<AppState>,
    v: Viewer,
    Path((id, link_id)): Path<(String, i64)>,
    Form(f): Form<Csrf>,
) -> AppResult<Response> {
    v.check_csrf(&f.csrf)?;
    let (round, _) = link_scope(&state, &v, &id, "").await?;
    let l = state
        .store
        .links(round.id, None)
        .await?
        .into_iter()
        .find(|l| l.id == link_id)
        .ok_or_else(|| AppError::NotFound("Länken finns inte.".into()))?;
    if !(v.is_admin() || v.org() == Some(&l.org)) {
        return Err(AppError::Forbidden);
    }
    state.store.revoke_link(l.id, &v.user.username).await?;
    Ok(Redirect::to(&format!("/omgangar/{}/lankar?org={}", round.id, l.org)).into_response())
}
