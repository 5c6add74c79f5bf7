//! The result files, gathered here and laid out by `nara-excel`: the county summary, the
//! organisation report and the raw answers as CSV. `nara export …` and the server's downloads
//! call these same functions. Both workbooks carry the nyckeltal of each delmål (the sheet
//! Nyckeltal), limited to the public indicators when the reader may see only those; `nara
//! report` lists the same tables and cards ([`county_nyckeltal`], [`org_nyckeltal`]). Both also
//! carry the activities and the lokala planer (the county's, or the organisation's own and the
//! plans it is a party to), each activity with its newest follow-up up to the round.

use std::collections::BTreeMap;
use std::io::{BufWriter, Seek};

use nara_core::indicator::view::{Card, Provenance, Table};
use nara_core::{AreaId, Instrument, OrgCode, Organisation, RoundId};
use nara_excel::summary::ActivityInput;
use nara_store::Store;

use crate::indicator_view::{self, Nyckeltal};
use crate::report::{Audience, Earlier};
use crate::{Error, Result};

/// The delmål that indicators follow, with their names: in the instrument's order, then any the
/// instrument does not have (named by id).
fn nyckeltal_areas(inst: &Instrument, n: &Nyckeltal) -> Vec<(AreaId, String)> {
    let followed = n.areas();
    let mut out: Vec<(AreaId, String)> = (inst.areas().iter())
        .filter(|a| followed.contains(&a.id))
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect();
    for a in followed {
        if !out.iter().any(|(id, _)| id == &a) {
            out.push((a.clone(), a.to_string()));
        }
    }
    out
}

/// The county's nyckeltal: a table per delmål with indicators the reader may see (only the
/// public ones with `public_only`), in the instrument's order, and where each shown indicator's
/// values came from.
pub fn county_nyckeltal(
    n: &Nyckeltal,
    inst: &Instrument,
    orgs: &[Organisation],
    public_only: bool,
) -> (Vec<Table>, BTreeMap<String, Provenance>) {
    let tables: Vec<Table> = (nyckeltal_areas(inst, n).iter())
        .map(|(a, _)| n.table(orgs, a, public_only))
        .filter(|t| !t.columns.is_empty())
        .collect();
    let sources = (tables.iter().flat_map(|t| &t.columns))
        .filter_map(|c| {
            let id = &c.indicator.id;
            n.values.provenance(id).map(|p| (id.clone(), p.clone()))
        })
        .collect();
    (tables, sources)
}

/// An organisation's nyckeltal: per delmål with indicators it has values of (and the reader may
/// see), in the instrument's order, the delmål, its name and its cards.
pub fn org_nyckeltal(
    n: &Nyckeltal,
    inst: &Instrument,
    org: &Organisation,
    public_only: bool,
) -> Vec<(AreaId, String, Vec<Card>)> {
    (nyckeltal_areas(inst, n).into_iter())
        .map(|(a, name)| {
            let cards = n.cards(org, &a, public_only);
            (a, name, cards)
        })
        .filter(|(_, _, cards)| !cards.is_empty())
        .collect()
}

/// Unix ms as Swedish local time, `2026-11-25 11:15` (core's [`nara_core::fmt::local_time`]).
pub fn local(ms: i64) -> String {
    nara_core::fmt::local_time(ms)
}

fn xlsx_err(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error {
    Error::internal("Arbetsboken kunde inte skrivas", e)
}

/// The county summary workbook and its file name (`lanssammanstallning-2026.xlsx`), drawing
/// only on the earlier rounds that `earlier` admits (its comparison, trend and raw data), with
/// only the public nyckeltal when `public_only`.
pub async fn summary(
    store: &dyn Store,
    round: RoundId,
    earlier: Earlier,
    public_only: bool,
    out: std::fs::File,
) -> Result<(String, std::fs::File)> {
    let (_, inst) = crate::round_instrument(store, round).await?;
    // Rådata holds every round of the family, so a pivot table can follow the change.
    let (report, trend, raw) = crate::report::family_for(store, round, earlier).await?;
    let orgs = store.organisations().await?;
    let n = indicator_view::load(store, &orgs).await?;
    let (tables, sources) = county_nyckeltal(&n, &inst, &orgs, public_only);
    let org_names: BTreeMap<String, String> = (orgs.into_iter())
        .map(|o| (o.code.to_string(), o.name))
        .collect();
    let now = nara_store::now_ms();
    let (generated, today) = (local(now), nara_core::round::Date::of_ms_local(now));
    let acts = crate::activities::for_workbook(store, round, None, earlier).await?;
    let file = tokio::task::spawn_blocking(move || {
        let input = nara_excel::summary::SummaryInput {
            instrument: &inst,
            report: &report,
            trend: &trend,
            raw: &raw,
            org_names: &org_names,
            nyckeltal: &tables,
            nyckeltal_sources: &sources,
            activities: ActivityInput {
                activities: &acts.activities,
                plans: &acts.plans,
                followups: &acts.followups,
                org_names: &org_names,
                today,
            },
            generated_at: &generated,
        };
        // Written through a buffer and read again from its start.
        let mut file = nara_excel::summary::summary_workbook_to(&input, BufWriter::new(out))
            .map_err(xlsx_err)?
            .into_inner()
            .map_err(|e| xlsx_err(e.into_error()))?;
        file.rewind().map_err(xlsx_err)?;
        Ok::<_, Error>(file)
    })
    .await
    .map_err(xlsx_err)??;
    Ok((format!("lanssammanstallning-{round}.xlsx"), file))
}

/// The organisation report and its file name (`rapport-2026-2080.xlsx`), built for its
/// reader: the county's numbers only when `audience.county`, the change since the newest
/// earlier round the reader may see, only the public nyckeltal when `public_only`.
pub async fn org(
    store: &dyn Store,
    round: RoundId,
    code: &OrgCode,
    audience: Audience,
    public_only: bool,
) -> Result<(String, Vec<u8>)> {
    let o = crate::organisation(store, code).await?;
    let (report, previous) =
        crate::report::round_report_and_previous(store, round, audience.earlier).await?;
    if report.org(code.as_str()).is_none() {
        return Err(Error::NotFound(format!(
            "{} har inte svarat i omgången {round}; det finns ingen rapport att skriva.",
            nara_core::org::with_code(&o.name, code)
        )));
    }
    let (_, inst) = crate::round_instrument(store, round).await?;
    let trend: Vec<_> = previous.into_iter().collect();
    let orgs = store.organisations().await?;
    let n = indicator_view::load(store, &orgs).await?;
    let cards = org_nyckeltal(&n, &inst, &o, public_only);
    let org_names: BTreeMap<String, String> = (orgs.into_iter())
        .map(|o| (o.code.to_string(), o.name))
        .collect();
    let now = nara_store::now_ms();
    let (generated, today) = (local(now), nara_core::round::Date::of_ms_local(now));
    let acts = crate::activities::for_workbook(store, round, Some(code), audience.earlier).await?;
    let code_s = code.to_string();
    let bytes = tokio::task::spawn_blocking(move || {
        nara_excel::summary::org_workbook(&nara_excel::summary::OrgInput {
            instrument: &inst,
            report: &report,
            org: &code_s,
            county: audience.county,
            trend: &trend,
            nyckeltal: &cards,
            activities: ActivityInput {
                activities: &acts.activities,
                plans: &acts.plans,
                followups: &acts.followups,
                org_names: &org_names,
                today,
            },
            generated_at: &generated,
        })
    })
    .await
    .map_err(xlsx_err)?
    .map_err(xlsx_err)?;
    Ok((format!("rapport-{round}-{code}.xlsx"), bytes))
}

/// The raw answers as CSV (all organisations, or one) and the file name.
pub async fn raw_csv(
    store: &dyn Store,
    round: RoundId,
    org: Option<&OrgCode>,
) -> Result<(String, Vec<u8>)> {
    if let Some(code) = org {
        crate::organisation(store, code).await?;
    }
    let rows = crate::report::raw_rows(store, round, org).await?;
    let name = match org {
        Some(c) => format!("radata-{round}-{c}.csv"),
        None => format!("radata-{round}.csv"),
    };
    Ok((name, nara_excel::summary::raw_csv(&rows)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn local_times_read_as_calendar_dates() {
        assert_eq!(super::local(0), "1970-01-01 01:00");
        assert_eq!(super::local(1_835_481_540_000), "2028-03-01 00:59");
        let day = nara_core::round::Date::of_ms_local(1_835_481_540_000);
        assert_eq!(day.to_string(), "2028-03-01");
    }
}
