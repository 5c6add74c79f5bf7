//! The nyckeltal in the JSON API (`docs/api.md`): the catalogue, one organisation's cards per
//! delmål, and the county's table of one delmål. Indicators are public data and not tied to a
//! round, so any signed-in viewer may read them; a local indicator the catalogue marks internal
//! is left out unless the viewer is the coordinator or (for an organisation's cards) one of the
//! organisation's own respondents ([`indicators_public_only`]). Numbers are unrounded; a value
//! hidden for too few cases or missing says so, never 0.

use axum::Json;
use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::routing::get;
use nara_app::indicator_view::Nyckeltal;
use nara_core::indicator::view::{Card, Provenance, Table};
use nara_core::indicator::{Indicator, Level, Polarity, Source, Unit};
use nara_core::org::KOLADA_COUNTRY;
use nara_core::{AreaId, Instrument, Organisation};
use serde::Serialize;

use crate::AppState;
use crate::access::indicators_public_only;
use crate::api::{ApiError, ApiOrg, ApiViewer};
use crate::error::AppError;

/// The nyckeltal routes of the API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/indicators", get(catalogue))
        .route("/api/v1/indicators/org/{code}", get(organisation))
        .route("/api/v1/indicators/county/{area}", get(county))
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// One indicator of the catalogue, with where its values came from.
#[derive(Debug, Serialize)]
pub struct IndicatorItem {
    /// Kolada's KPI id or a local id.
    pub id: String,
    /// The title.
    pub title: String,
    /// `kolada` or `lokal`.
    pub source: Source,
    /// `andel`, `per_100000`, `antal` or `kr_per_inv`.
    pub unit: Unit,
    /// `higher`, `lower` or `neutral`.
    pub direction: Polarity,
    /// `kommun`, `region` or `both`.
    pub level: Level,
    /// The delmål it follows.
    pub areas: Vec<AreaId>,
    /// The catalogue's note.
    pub note: Option<String>,
    /// Whether readers outside the region may see it.
    pub public: bool,
    /// The fewest cases a shown value may rest on.
    pub min_cases: u32,
    /// Where the stored values came from (the newest fetch or import); `null` when none is.
    pub provenance: Option<Provenance>,
    /// The newest year stored for any organisation, the county or the country.
    pub newest_year: Option<u16>,
}

/// The newest year stored of an indicator for any organisation or the country.
fn newest_year(n: &Nyckeltal, orgs: &[Organisation], ind: &Indicator) -> Option<u16> {
    (orgs.iter().map(Organisation::kolada_id))
        .chain([KOLADA_COUNTRY.to_string()])
        .filter_map(|place| {
            n.values
                .observations(&ind.id, &place)
                .last()
                .map(|o| o.year)
        })
        .max()
}

/// `GET /api/v1/indicators`: the catalogue as the viewer may see it.
#[tracing::instrument(skip_all, fields(user = %v.user.username))]
pub async fn catalogue(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
) -> ApiResult<Vec<IndicatorItem>> {
    let snap = crate::snap(&state).await?;
    let n = state.app.nyckeltal(&snap).await?;
    let public_only = indicators_public_only(&v, None);
    Ok(Json(
        (n.catalogue.indicators.iter())
            .filter(|i| !public_only || i.is_public())
            .map(|i| IndicatorItem {
                id: i.id.clone(),
                title: i.title.clone(),
                source: i.source,
                unit: i.unit,
                direction: i.direction,
                level: i.level,
                areas: i.areas.clone(),
                note: i.note.clone(),
                public: i.is_public(),
                min_cases: i.min_cases(),
                provenance: n.values.provenance(&i.id).cloned(),
                newest_year: newest_year(&n, &snap.organisations, i),
            })
            .collect(),
    ))
}

/// The organisation a document is about.
#[derive(Debug, Serialize)]
pub struct OrgItem {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// `kommun` or `region`.
    pub kind: nara_core::OrgKind,
}

/// One delmål's cards.
#[derive(Debug, Serialize)]
pub struct AreaCards {
    /// `D1`.
    pub id: String,
    /// Its name in the instrument the catalogue follows (empty when that is not stored).
    pub name: String,
    /// One per indicator, as core builds them.
    pub cards: Vec<Card>,
}

/// An organisation's nyckeltal.
#[derive(Debug, Serialize)]
pub struct OrgIndicators {
    /// The organisation.
    pub organisation: OrgItem,
    /// The delmål with cards, in the instrument's order.
    pub areas: Vec<AreaCards>,
}

/// The delmål the catalogue's indicators follow, in the order of the instrument it names (the
/// newest stored version), with their names; then any the instrument lacks.
fn areas(n: &Nyckeltal, instruments: &[Instrument]) -> Vec<(AreaId, String)> {
    let inst = (instruments.iter()).rfind(|i| i.id() == n.catalogue.instrument);
    let followed = n.areas();
    let mut out: Vec<(AreaId, String)> = (inst.iter())
        .flat_map(|i| i.areas())
        .filter(|a| followed.contains(&a.id))
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect();
    for a in followed {
        if !out.iter().any(|(id, _)| *id == a) {
            out.push((a, String::new()));
        }
    }
    out
}

/// `GET /api/v1/indicators/org/{code}`: the organisation's cards per delmål.
#[tracing::instrument(skip_all, fields(org = %code))]
pub async fn organisation(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiOrg(code): ApiOrg,
) -> ApiResult<OrgIndicators> {
    let snap = crate::snap(&state).await?;
    let org = (snap.organisation(&code))
        .ok_or_else(|| AppError::NotFound(format!("Organisationen {code} finns inte.")))?;
    let n = state.app.nyckeltal(&snap).await?;
    let public_only = indicators_public_only(&v, Some(&code));
    Ok(Json(OrgIndicators {
        organisation: OrgItem {
            code: org.code.to_string(),
            name: org.name.clone(),
            kind: org.kind,
        },
        areas: (areas(&n, &snap.instruments).into_iter())
            .map(|(id, name)| AreaCards {
                cards: n.cards(org, &id, public_only),
                id: id.to_string(),
                name,
            })
            .filter(|a| !a.cards.is_empty())
            .collect(),
    }))
}

/// `GET /api/v1/indicators/county/{area}`: the county's table of one delmål.
#[tracing::instrument(skip_all)]
pub async fn county(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    area: Result<Path<String>, PathRejection>,
) -> ApiResult<Table> {
    let text = area.map(|Path(a)| a).unwrap_or_default();
    let snap = crate::snap(&state).await?;
    let n = state.app.nyckeltal(&snap).await?;
    let public_only = indicators_public_only(&v, None);
    let id = AreaId::parse(&text)
        .ok()
        .filter(|id| (n.catalogue.following(id)).any(|i| !public_only || i.is_public()));
    let Some(id) = id else {
        let shown: String = text.chars().take(32).collect();
        return Err(ApiError(AppError::NotFound(format!(
            "Delmålet {shown} har inga nyckeltal."
        ))));
    };
    Ok(Json(n.table(&snap.organisations, &id, public_only)))
}
