//! Who has answered a round (Svarsläge): per organisation its units, raters and contact, and
//! which of last round's units are still missing.

use std::collections::BTreeMap;

use nara_core::report::group;
use nara_core::round::Date;
use nara_core::{Contact, OrgCode, RoundId};
use nara_store::{Store, StoredResponse};
use serde::Serialize;

use crate::Result;
use crate::report::forms;

/// Who has answered a round: per organisation, its units and raters, its contact, and which of
/// last round's units are still missing; the round's closing day and the coordinator's contact
/// for the reminder.
#[derive(Debug, Clone, Serialize)]
pub struct Tracking {
    /// The round.
    pub round: RoundId,
    /// The last day to answer, when the round has one.
    pub closes: Option<Date>,
    /// The round compared with: the newest earlier round (by id) with answers.
    pub previous: Option<RoundId>,
    /// Every organisation, answered or not.
    pub organisations: Vec<OrgTracking>,
    /// Answers under way on the web (links not revoked and not yet submitted).
    pub web: Vec<WebTracking>,
    /// The coordinator's contact (who receives the forms), when set.
    pub coordinator: Option<Contact>,
}

/// An answer link not yet submitted.
#[derive(Debug, Clone, Serialize)]
pub struct WebTracking {
    /// The organisation's code.
    pub org: String,
    /// The unit.
    pub unit: String,
    /// The rater; empty when the unit answers as one.
    pub rater: String,
    /// Whether it is the consensus link.
    pub consensus: bool,
    /// When its draft was last saved (Unix ms); `None`: not started.
    pub saved_at: Option<i64>,
    /// Who made the link.
    pub created_by: String,
}

/// Whether an organisation has answered a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Answered {
    /// No unit has answered.
    No,
    /// Some have, but units that answered last round have not.
    Partly,
    /// Every unit of last round (and at least one) has answered.
    Yes,
}

impl Answered {
    /// The Swedish word: `Nej`, `Delvis`, `Ja`.
    pub fn label(self) -> &'static str {
        match self {
            Self::No => "Nej",
            Self::Partly => "Delvis",
            Self::Yes => "Ja",
        }
    }
}

/// One organisation's answers in a round.
#[derive(Debug, Clone, Serialize)]
pub struct OrgTracking {
    /// The code.
    pub code: String,
    /// The name.
    pub name: String,
    /// Its units that have answered.
    pub units: Vec<UnitTracking>,
    /// Whom the coordinator writes to about its answers.
    pub contact: Option<Contact>,
    /// Its units that answered the previous round (names).
    pub previous_units: Vec<String>,
    /// Those of `previous_units` that have not answered this round.
    pub missing_units: Vec<String>,
}

impl OrgTracking {
    /// Whether it has answered: no unit, some but not all of last round's, or all.
    pub fn answered(&self) -> Answered {
        match (self.units.is_empty(), self.missing_units.is_empty()) {
            (true, _) => Answered::No,
            (false, false) => Answered::Partly,
            (false, true) => Answered::Yes,
        }
    }

    /// When its newest form came in (Unix ms), if any.
    pub fn last_import(&self) -> Option<i64> {
        self.units.iter().map(|u| u.last_import).max()
    }
}

/// One unit's forms in a round.
#[derive(Debug, Clone, Serialize)]
pub struct UnitTracking {
    /// The unit.
    pub name: String,
    /// The raters (an empty name: the unit answered as one).
    pub raters: Vec<String>,
    /// Whether a consensus answer is recorded.
    pub consensus: bool,
    /// When the newest form was stored (Unix ms).
    pub last_import: i64,
    /// The files (or `web`) the current forms came from.
    pub sources: Vec<String>,
}

impl Tracking {
    /// The organisations that have not answered.
    pub fn missing(&self) -> impl Iterator<Item = &OrgTracking> {
        self.organisations.iter().filter(|o| o.units.is_empty())
    }

    /// The organisations that have answered (at least one unit).
    pub fn answered(&self) -> impl Iterator<Item = &OrgTracking> {
        self.organisations.iter().filter(|o| !o.units.is_empty())
    }

    /// The organisations that have answered, but not with every unit of last round.
    pub fn partly(&self) -> impl Iterator<Item = &OrgTracking> {
        (self.organisations.iter()).filter(|o| o.answered() == Answered::Partly)
    }

    /// How many organisations have answered.
    pub fn answered_count(&self) -> usize {
        self.answered().count()
    }

    /// How many units have answered, in all organisations.
    pub fn unit_count(&self) -> usize {
        self.organisations.iter().map(|o| o.units.len()).sum()
    }
}

/// The unit names of each organisation in a round's current forms, by unit key.
fn units_by_org(responses: &[StoredResponse]) -> BTreeMap<OrgCode, BTreeMap<String, String>> {
    let mut out: BTreeMap<OrgCode, BTreeMap<String, String>> = BTreeMap::new();
    for r in responses {
        out.entry(r.response.org.clone())
            .or_default()
            .entry(r.response.unit.key())
            .or_insert_with(|| r.response.unit.to_string());
    }
    out
}

/// The newest round before `round` (by id) that has current answers.
async fn previous_answered(store: &dyn Store, round: RoundId) -> Result<Option<RoundId>> {
    Ok((store.answered_counts().await?.into_iter())
        .map(|c| c.round)
        .filter(|r| *r < round)
        .max())
}

/// Who has answered the round, per organisation and unit, with each organisation's contact and
/// the units of the previous round with answers that are still missing.
pub async fn response_tracking(store: &dyn Store, round: RoundId) -> Result<Tracking> {
    let this = crate::rounds::get(store, round).await?;
    let responses = store.responses(round).await?;
    let previous = previous_answered(store, round).await?;
    let before = match previous {
        Some(p) => units_by_org(&store.responses(p).await?),
        None => BTreeMap::new(),
    };
    let forms = forms(&responses);
    let grouped = group(&forms);
    let organisations = store
        .organisations()
        .await?
        .into_iter()
        .map(|o| {
            let now = grouped.get(&o.code);
            let units: Vec<UnitTracking> = now
                .map(|units| {
                    units
                        .values()
                        .map(|forms| UnitTracking {
                            name: forms[0].response.unit.to_string(),
                            raters: forms
                                .iter()
                                .filter(|f| !f.response.consensus)
                                .map(|f| f.response.rater.clone())
                                .collect(),
                            consensus: forms.iter().any(|f| f.response.consensus),
                            last_import: forms.iter().map(|f| f.stored_at).max().unwrap_or(0),
                            sources: forms.iter().map(|f| f.source.to_string()).collect(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let prev = before.get(&o.code);
            let missing_units = (prev.iter())
                .flat_map(|p| p.iter())
                .filter(|(key, _)| !now.is_some_and(|n| n.contains_key(*key)))
                .map(|(_, name)| name.clone())
                .collect();
            OrgTracking {
                code: o.code.to_string(),
                name: o.name,
                units,
                contact: o.contact,
                previous_units: prev
                    .map(|p| p.values().cloned().collect())
                    .unwrap_or_default(),
                missing_units,
            }
        })
        .collect();
    let web = store
        .links(round, None)
        .await?
        .into_iter()
        .filter(|l| l.revoked_at.is_none() && l.submitted_at.is_none())
        .map(|l| WebTracking {
            org: l.org.to_string(),
            unit: l.unit,
            rater: l.rater,
            consensus: l.consensus,
            saved_at: l.saved_at,
            created_by: l.created_by,
        })
        .collect();
    Ok(Tracking {
        round,
        closes: this.closes,
        previous,
        organisations,
        web,
        coordinator: store.coordinator_contact().await?,
    })
}

#[cfg(test)]
mod tests {
    use nara_core::{AnswerSet, Contact, OrgCode, Response, RoundId, UnitName};

    use super::Answered;

    fn form(round: &str, org: &str, unit: &str) -> Response {
        let inst = nara_core::Instrument::dalarna();
        Response {
            round: RoundId::parse(round).unwrap(),
            org: OrgCode::parse(org).unwrap(),
            unit: UnitName::parse(unit).unwrap(),
            rater: String::new(),
            participants: String::new(),
            date: String::new(),
            instrument_id: inst.id().to_string(),
            instrument_version: inst.version().to_string(),
            consensus: false,
            set: AnswerSet::default(),
        }
    }

    #[tokio::test]
    async fn tracking_names_last_rounds_units_that_are_missing_and_each_contact() {
        let (store, _dir) = nara_store::testing::sqlite().await;
        let s = store.as_ref();
        crate::seed_defaults(s).await.unwrap();
        let closes = nara_core::round::Date::parse("2026-12-01").unwrap();
        for (id, closes) in [("2024", None), ("2025", None), ("2026", Some(closes))] {
            let id = RoundId::parse(id).unwrap();
            crate::rounds::create(s, id, None, None, closes, "k")
                .await
                .unwrap();
        }
        // 2024: Falun with two units, Mora with one; 2025 has no answers; 2026: Falun with one
        // of its two (the name written in other case), Leksand new.
        for (i, (round, org, unit)) in [
            ("2024", "2080", "Hemtjänsten"),
            ("2024", "2080", "Hemsjukvården"),
            ("2024", "2062", "Äldreomsorgen"),
            ("2026", "2080", "HEMTJÄNSTEN"),
            ("2026", "2029", "Socialtjänsten"),
        ]
        .into_iter()
        .enumerate()
        {
            s.store_response(&form(round, org, unit), &format!("h{i}"), "f.xlsx", "k")
                .await
                .unwrap();
        }
        let anna = Contact::parse("Anna", "anna@falun.se").unwrap();
        let falun = OrgCode::parse("2080").unwrap();
        crate::contacts::set_organisation_contact(s, &falun, Some(&anna), "k")
            .await
            .unwrap();
        let t = super::response_tracking(s, RoundId::parse("2026").unwrap())
            .await
            .unwrap();
        assert_eq!(t.previous.map(|r| r.to_string()).as_deref(), Some("2024"));
        assert_eq!(t.closes, Some(closes));
        let org = |code: &str| t.organisations.iter().find(|o| o.code == code).unwrap();
        let f = org("2080");
        assert_eq!(f.answered(), Answered::Partly);
        assert_eq!(f.missing_units, ["Hemsjukvården"]);
        assert_eq!(f.previous_units, ["Hemsjukvården", "Hemtjänsten"]);
        assert_eq!(f.contact, Some(anna));
        assert!(f.last_import().is_some());
        let m = org("2062");
        assert_eq!(m.answered(), Answered::No);
        assert_eq!(m.missing_units, ["Äldreomsorgen"]);
        assert_eq!(m.contact, None);
        assert_eq!(org("2029").answered(), Answered::Yes);
        assert_eq!(org("2029").previous_units, Vec::<String>::new());
        assert_eq!(t.missing().count(), 14);
        assert_eq!(t.partly().count(), 1);
        // The round before 2024 has no earlier round with answers.
        let t24 = super::response_tracking(s, RoundId::parse("2024").unwrap())
            .await
            .unwrap();
        assert_eq!(t24.previous, None);
        assert!(t24.organisations.iter().all(|o| o.missing_units.is_empty()));
    }

    #[tokio::test]
    async fn the_family_s_raw_rows_are_every_round_once_oldest_first() {
        let (store, _dir) = nara_store::testing::sqlite().await;
        let s = store.as_ref();
        crate::seed_defaults(s).await.unwrap();
        crate::demo::run(
            s,
            &crate::demo::Options {
                rounds: 3,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let round = RoundId::parse("2026").unwrap();
        let (report, trend, raw) = crate::report::family(s, round).await.unwrap();
        let mut expected = Vec::new();
        for id in ["2024", "2025", "2026"] {
            let rows = crate::report::raw_rows(s, RoundId::parse(id).unwrap(), None)
                .await
                .unwrap();
            assert!(!rows.is_empty(), "round {id} has rows");
            expected.extend(rows);
        }
        assert_eq!(raw.to_rows(), expected);
        assert_eq!(raw.round_rows().len(), 3);
        let rounds: Vec<String> = trend.iter().map(|t| t.round.to_string()).collect();
        assert_eq!(rounds, ["2024", "2025", "2026"]);
        assert_eq!(report.round.id, round);
        assert_eq!(
            report.previous.map(|p| p.to_string()).as_deref(),
            Some("2025")
        );
    }
}
