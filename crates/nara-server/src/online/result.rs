//! A unit's result after it has answered.

use super::form::open;
use super::*;

/// The result after answering.
pub fn router() -> Router<AppState> {
    Router::new().route("/svar/{token}/resultat", get(result))
}

/// The unit's result after submitting.
#[derive(Template)]
#[template(path = "answer_result.html")]
pub struct ResultPage {
    /// The token.
    pub token: String,
    /// The unit.
    pub unit: String,
    /// The organisation.
    pub org: String,
    /// The round.
    pub round: String,
    /// The radar.
    pub radar: String,
    /// Per area: name, mean, band.
    pub rows: Vec<(String, String, String)>,
    /// The index as a sentence (`Index: 2,17.`), or why there is none.
    pub index: String,
    /// How many forms the unit's result rests on.
    pub forms: String,
}

/// `GET /svar/{token}/resultat`.
pub async fn result(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let (l, round, inst) = match open(&state, &token).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let rep = state
        .reports
        .report(
            state.store.as_ref(),
            &*crate::snap(&state).await?,
            round.id,
            Some(&l.org),
            nara_app::report::Earlier::NotDraft,
        )
        .await?;
    let key = nara_core::UnitName::parse(&l.unit)
        .map(|u| u.key())
        .unwrap_or_default();
    let Some(u) = rep.org(l.org.as_str()).and_then(|o| {
        o.units.iter().find(|u| {
            nara_core::UnitName::parse(&u.name)
                .map(|n| n.key())
                .unwrap_or_default()
                == key
        })
    }) else {
        return Ok(Redirect::to(&format!("/svar/{token}")).into_response());
    };
    let scores: Vec<Option<f64>> = u.result.scores.areas.iter().map(|a| a.mean).collect();
    let labels: Vec<String> = inst.areas.iter().map(|a| a.id.to_string()).collect();
    let radar = svg::radar(
        &inst,
        &format!("{} per delmål", u.name),
        &labels,
        &[Series {
            name: &u.name,
            scores: scores.clone(),
            class: "s1",
        }],
    );
    let rows = inst
        .areas
        .iter()
        .zip(&scores)
        .map(|(a, s)| {
            (
                format!("{} {}", a.id, a.name),
                fmt::score(*s),
                s.map(|x| inst.band(x).label.clone()).unwrap_or_default(),
            )
        })
        .collect();
    let n = u.raters.len() + usize::from(u.consensus);
    let org = nara_app::organisation(state.store.as_ref(), &l.org).await?;
    Ok(Html(
        ResultPage {
            token,
            unit: u.name.clone(),
            org: org.name,
            round: round.id.to_string(),
            radar,
            rows,
            index: u.result.scores.no_index(&inst).unwrap_or_else(|| {
                format!("Index: {}.", fmt::index(u.result.scores.overall))
            }),
            forms: if n > 1 { format!("Resultatet bygger på {n} blanketter för verksamheten (medianen per påstående; samsyn gäller där den finns).") } else { String::new() },
        }
        .render()?,
    )
    .into_response())
}
