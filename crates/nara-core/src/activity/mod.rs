//! Aktiviteter and lokala planer i samverkan: the second follow-up method. A plan is made by one
//! or more organisations together (typically a kommun and the region); an activity belongs to one
//! organisation, follows at least one delmål, and is followed up each round with a status and a
//! comment, so its history reads round by round. "Försenad" is never stored: it is derived from
//! the planned end and today. Every record is checked here, with a Swedish sentence per field.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{AreaId, OrgCode, RoundId, StatementId, shorten};
use crate::round::Date;

/// The longest title or name (characters).
pub const MAX_TITLE: usize = 200;
/// The longest free text (description, expected effect, result, comment).
pub const MAX_TEXT: usize = 4_000;
/// The most partners, delmål, statements or indicators one record may list.
pub const MAX_LIST: usize = 30;

/// The id of an activity or a plan: a letter (`A` or `P`), a dash and 6–12 letters or digits,
/// written by Nära (the Excel form keeps it in a hidden column, so a returned row finds its
/// activity).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(String);

impl RecordId {
    /// Parses an id (upper case; `a-7k3f9q` reads as `A-7K3F9Q`).
    pub fn parse(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_uppercase();
        let ok = t.len() <= 14
            && t.split_once('-').is_some_and(|(kind, rest)| {
                matches!(kind, "A" | "P")
                    && (6..=12).contains(&rest.len())
                    && rest.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        if ok {
            Ok(Self(t))
        } else {
            Err(Error::Invalid(format!(
                "”{}” är inget id för en aktivitet eller plan (till exempel A-7K3F9Q).",
                shorten(s.trim())
            )))
        }
    }

    /// A new id of the kind (`A` or `P`) from random bits: 8 characters of an alphabet without
    /// look-alikes (no 0/O, 1/I/L).
    pub fn new(kind: char, random: u64) -> Self {
        const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        let mut r = random;
        let mut s = String::with_capacity(10);
        s.push(kind.to_ascii_uppercase());
        s.push('-');
        for _ in 0..8 {
            s.push(char::from(ALPHABET[(r % ALPHABET.len() as u64) as usize]));
            r /= ALPHABET.len() as u64;
        }
        Self(s)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for RecordId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RecordId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Self::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

macro_rules! words {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in the order lists show them.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The Swedish word (as the form's dropdown and the pages write it).
            pub fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $word),+
                }
            }

            /// Reads the Swedish word (or the stored name), without regard to case.
            pub fn from_word(s: &str) -> Option<Self> {
                let t = s.trim().to_lowercase();
                Self::ALL.iter().copied().find(|v| {
                    v.label() == t || serde_json::to_value(v).ok().and_then(|j| j.as_str().map(str::to_string)).as_deref() == Some(t.as_str())
                })
            }

            /// The words, for a sentence: `planerad, pågår, …`.
            pub fn words() -> String {
                Self::ALL.iter().map(|v| v.label()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

words!(
    /// Where a local plan stands.
    PlanStatus {
        /// Being written.
        Utkast = "utkast",
        /// Decided.
        Beslutad = "beslutad",
        /// Decided, then revised.
        Reviderad = "reviderad",
        /// No longer in force.
        Upphord = "upphörd",
    }
);

words!(
    /// Whether the parties have a joint system management (systemledning) for the plan.
    Systemledning {
        /// There is one.
        Finns = "finns",
        /// Being built.
        UnderUppbyggnad = "under uppbyggnad",
        /// There is none.
        Saknas = "saknas",
    }
);

words!(
    /// What kind of change an activity is.
    Category {
        /// A way of working.
        Arbetssatt = "arbetssätt",
        /// Competence.
        Kompetens = "kompetens",
        /// Digitalisation.
        Digitalisering = "digitalisering",
        /// A structure for collaboration.
        Samverkansstruktur = "samverkansstruktur",
        /// Health promotion.
        Halsoframjande = "hälsofrämjande",
        /// Something else.
        Annat = "annat",
    }
);

words!(
    /// Where an activity stands (stored; "försenad" is derived, see [`Activity::is_late`]).
    ActivityStatus {
        /// Not started.
        Planerad = "planerad",
        /// Under way.
        Pagar = "pågår",
        /// Paused.
        Pausad = "pausad",
        /// Done.
        Klar = "klar",
        /// Stopped before it was done.
        Avbruten = "avbruten",
    }
);

impl ActivityStatus {
    /// Whether the activity is over (done or stopped): it can no longer be late.
    pub fn is_over(self) -> bool {
        matches!(self, Self::Klar | Self::Avbruten)
    }
}

/// A lokal plan i samverkan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalPlan {
    /// Its id.
    pub id: RecordId,
    /// Its name.
    pub name: String,
    /// The organisations that are parties to it (at least one; typically a kommun and the
    /// region).
    pub parties: Vec<OrgCode>,
    /// Other partners in words (a hälsocentral, civil society).
    #[serde(default)]
    pub partners: Vec<String>,
    /// When it starts.
    pub start: Date,
    /// When it ends, if it says.
    pub end: Option<Date>,
    /// Where it stands.
    pub status: PlanStatus,
    /// Who decided it (a board or committee).
    #[serde(default)]
    pub decided_by: String,
    /// When it was decided.
    pub decided_on: Option<Date>,
    /// A link to the document (http or https).
    #[serde(default)]
    pub link: String,
    /// Whether there is a joint system management.
    pub systemledning: Systemledning,
    /// The delmål it gives priority to.
    #[serde(default)]
    pub areas: Vec<AreaId>,
}

/// An activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Its id.
    pub id: RecordId,
    /// Its title.
    pub title: String,
    /// What it is.
    #[serde(default)]
    pub description: String,
    /// The organisation that owns it.
    pub owner: OrgCode,
    /// Its partners in words.
    #[serde(default)]
    pub partners: Vec<String>,
    /// The delmål it follows (at least one).
    pub areas: Vec<AreaId>,
    /// Statements of the instrument it answers to (`D4.2`).
    #[serde(default)]
    pub statements: Vec<StatementId>,
    /// Indicators (nyckeltal) it hopes to move.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// What kind of change.
    pub category: Category,
    /// Whom it is for.
    #[serde(default)]
    pub target_group: String,
    /// The responsible role (a name is optional: personal data).
    #[serde(default)]
    pub responsible_role: String,
    /// The responsible person's name, if the organisation wants it shown.
    #[serde(default)]
    pub responsible_name: String,
    /// When it is planned to start.
    pub planned_start: Option<Date>,
    /// When it is planned to end.
    pub planned_end: Option<Date>,
    /// Where it stands.
    pub status: ActivityStatus,
    /// What it is expected to achieve.
    #[serde(default)]
    pub expected_effect: String,
    /// What it has achieved.
    #[serde(default)]
    pub result: String,
    /// The plan it belongs to, if any.
    pub plan: Option<RecordId>,
}

impl Activity {
    /// A new activity of `owner` with nothing filled in yet: no title or delmål (a check
    /// names them), category annat, status planerad.
    pub fn new(id: RecordId, owner: OrgCode) -> Self {
        Self {
            id,
            title: String::new(),
            description: String::new(),
            owner,
            partners: Vec::new(),
            areas: Vec::new(),
            statements: Vec::new(),
            indicators: Vec::new(),
            category: Category::Annat,
            target_group: String::new(),
            responsible_role: String::new(),
            responsible_name: String::new(),
            planned_start: None,
            planned_end: None,
            status: ActivityStatus::Planerad,
            expected_effect: String::new(),
            result: String::new(),
            plan: None,
        }
    }

    /// Whether it is late on `today`: not done or stopped, and its planned end has passed.
    pub fn is_late(&self, today: Date) -> bool {
        !self.status.is_over() && self.planned_end.is_some_and(|end| end < today)
    }

    /// The status in words on `today`: the stored word, with "försenad" added when late
    /// (`pågår, försenad`).
    pub fn status_words(&self, today: Date) -> String {
        if self.is_late(today) {
            format!("{}, försenad", self.status.label())
        } else {
            self.status.label().to_string()
        }
    }
}

/// One round's follow-up of an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    /// The activity.
    pub activity: RecordId,
    /// The round.
    pub round: RoundId,
    /// Its status that round.
    pub status: ActivityStatus,
    /// What the organisation says about it that round.
    #[serde(default)]
    pub comment: String,
}

mod check;

pub use check::{Context, FieldProblem};

/// How many activities have each status, with the late ones counted apart (a late activity is
/// also counted under its stored status).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Planerad.
    pub planned: usize,
    /// Pågår.
    pub ongoing: usize,
    /// Pausad.
    pub paused: usize,
    /// Klar.
    pub done: usize,
    /// Avbruten.
    pub stopped: usize,
    /// Of them, late on the day counted.
    pub late: usize,
}

/// Counts activities by status on `today`.
pub fn counts<'a>(activities: impl IntoIterator<Item = &'a Activity>, today: Date) -> Counts {
    let mut c = Counts::default();
    for a in activities {
        match a.status {
            ActivityStatus::Planerad => c.planned += 1,
            ActivityStatus::Pagar => c.ongoing += 1,
            ActivityStatus::Pausad => c.paused += 1,
            ActivityStatus::Klar => c.done += 1,
            ActivityStatus::Avbruten => c.stopped += 1,
        }
        c.late += usize::from(a.is_late(today));
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::Instrument;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn activity() -> Activity {
        Activity {
            id: RecordId::parse("A-7K3F9Q2M").unwrap(),
            title: "Gemensam utskrivningsplanering".into(),
            description: String::new(),
            owner: OrgCode::parse("2080").unwrap(),
            partners: vec!["Hälsocentralen Norr".into()],
            areas: vec![AreaId::parse("D3").unwrap()],
            statements: vec![],
            indicators: vec!["U21468".into()],
            category: Category::Arbetssatt,
            target_group: "Äldre med hemtjänst".into(),
            responsible_role: "Enhetschef hemsjukvård".into(),
            responsible_name: String::new(),
            planned_start: Some(d("2025-01-01")),
            planned_end: Some(d("2026-06-30")),
            status: ActivityStatus::Pagar,
            expected_effect: String::new(),
            result: String::new(),
            plan: None,
        }
    }

    fn check(a: &Activity) -> std::result::Result<(), Vec<FieldProblem>> {
        let inst = Instrument::dalarna();
        let orgs = [
            OrgCode::parse("2080").unwrap(),
            OrgCode::parse("20").unwrap(),
        ];
        a.check(&Context {
            instrument: &inst,
            organisations: &orgs,
            indicators: &["U21468"],
            plans: &[],
        })
    }

    #[test]
    fn late_is_derived_from_the_planned_end_and_never_for_what_is_over() {
        let mut a = activity();
        assert!(!a.is_late(d("2026-06-30")), "the last day is not late");
        assert!(a.is_late(d("2026-07-01")));
        assert_eq!(a.status_words(d("2026-07-01")), "pågår, försenad");
        a.status = ActivityStatus::Klar;
        assert!(!a.is_late(d("2027-01-01")));
        a.status = ActivityStatus::Planerad;
        a.planned_end = None;
        assert!(!a.is_late(d("2030-01-01")), "no planned end, never late");
        let mut b = activity();
        b.status = ActivityStatus::Avbruten;
        let c = counts([&activity(), &b], d("2026-12-01"));
        assert_eq!((c.ongoing, c.stopped, c.late), (1, 1, 1));
    }

    #[test]
    fn every_problem_is_named_by_its_field_in_swedish() {
        assert_eq!(check(&activity()), Ok(()));
        let mut a = activity();
        a.title = "  ".into();
        a.areas = vec![];
        a.statements = vec![StatementId::parse("D9.9").unwrap()];
        a.indicators = vec!["N99999".into()];
        a.planned_end = Some(d("2024-01-01"));
        a.owner = OrgCode::parse("2199").unwrap();
        a.plan = Some(RecordId::parse("P-ABCDEF").unwrap());
        let p = check(&a).unwrap_err();
        let fields: Vec<&str> = p.iter().map(|x| x.field).collect();
        assert_eq!(
            fields,
            [
                "title",
                "owner",
                "areas",
                "statements",
                "indicators",
                "planned_end",
                "plan"
            ]
        );
        assert!(
            p[5].message
                .contains("Slutdatumet 2024-01-01 ligger före startdatumet 2025-01-01")
        );
        let mut long = activity();
        long.description = "x".repeat(MAX_TEXT + 1);
        assert!(check(&long).unwrap_err()[0].message.contains("för lång"));
    }

    #[test]
    fn words_read_as_people_write_them_and_ids_are_checked() {
        assert_eq!(
            ActivityStatus::from_word(" Pågår "),
            Some(ActivityStatus::Pagar)
        );
        assert_eq!(
            ActivityStatus::from_word("pagar"),
            Some(ActivityStatus::Pagar)
        );
        assert_eq!(
            ActivityStatus::from_word("försenad"),
            None,
            "derived, never stored"
        );
        assert_eq!(
            Systemledning::from_word("Under uppbyggnad"),
            Some(Systemledning::UnderUppbyggnad)
        );
        assert_eq!(
            Category::from_word("hälsofrämjande"),
            Some(Category::Halsoframjande)
        );
        assert!(ActivityStatus::words().starts_with("planerad, pågår"));
        let id = RecordId::new('a', 123_456_789);
        assert_eq!(RecordId::parse(id.as_str()).unwrap(), id);
        assert!(id.as_str().starts_with("A-") && id.as_str().len() == 10);
        assert!(RecordId::parse("X-123456").is_err());
        assert!(RecordId::parse("A-12").is_err());
        assert_eq!(RecordId::parse("p-abc123").unwrap().as_str(), "P-ABC123");
    }

    #[test]
    fn a_plan_is_checked_too() {
        let inst = Instrument::dalarna();
        let orgs = [
            OrgCode::parse("2080").unwrap(),
            OrgCode::parse("20").unwrap(),
        ];
        let ctx = Context {
            instrument: &inst,
            organisations: &orgs,
            indicators: &[],
            plans: &[],
        };
        let mut plan = LocalPlan {
            id: RecordId::new('P', 42),
            name: "Lokal plan Falun 2025–2027".into(),
            parties: orgs.to_vec(),
            partners: vec![],
            start: d("2025-01-01"),
            end: Some(d("2027-12-31")),
            status: PlanStatus::Beslutad,
            decided_by: "Samverkansnämnden".into(),
            decided_on: Some(d("2024-12-10")),
            link: "https://falun.se/plan.pdf".into(),
            systemledning: Systemledning::UnderUppbyggnad,
            areas: vec![AreaId::parse("D1").unwrap()],
        };
        assert_eq!(plan.check(&ctx), Ok(()));
        plan.link = "javascript:alert(1)".into();
        plan.decided_on = None;
        plan.parties = vec![];
        let p = plan.check(&ctx).unwrap_err();
        let fields: Vec<&str> = p.iter().map(|x| x.field).collect();
        assert_eq!(fields, ["parties", "link", "decided_on"]);
    }
}
