//! The Svarsläge page's model from the round's tracking (pure): one row per organisation in the
//! order asked for, the column headers that sort it, and the units that answered.

use nara_app::report::{OrgTracking, Tracking};
use nara_core::org::with_code;

use crate::layout::when;

/// A column the table sorts by (`?sort=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// The organisation's name, in Swedish alphabetical order.
    #[default]
    Name,
    /// Whether it has answered: Nej, Delvis, Ja.
    Status,
    /// How many units answered this round.
    Units,
    /// When its newest form came in.
    Latest,
}

impl SortBy {
    /// From the query (`namn`, `status`, `enheter`, `senast`); anything else is the name.
    pub fn parse(s: &str) -> Self {
        match s {
            "status" => Self::Status,
            "enheter" => Self::Units,
            "senast" => Self::Latest,
            _ => Self::Name,
        }
    }

    /// The query value.
    pub fn code(self) -> &'static str {
        match self {
            Self::Name => "namn",
            Self::Status => "status",
            Self::Units => "enheter",
            Self::Latest => "senast",
        }
    }

    /// The column header.
    fn label(self) -> &'static str {
        match self {
            Self::Name => "Organisation",
            Self::Status => "Svarat",
            Self::Units => "Enheter denna omgång",
            Self::Latest => "Senast inläst",
        }
    }

    /// What the table is sorted by, in a sentence's middle.
    fn what(self) -> &'static str {
        match self {
            Self::Name => "namn",
            Self::Status => "om de har svarat",
            Self::Units => "antal enheter",
            Self::Latest => "senast inläst",
        }
    }
}

/// The order asked for: a column and its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Order {
    /// The column.
    pub by: SortBy,
    /// Largest (or last) first.
    pub descending: bool,
}

impl Order {
    /// The query string that asks for this order (`sort=status&fallande`).
    pub fn query(self) -> String {
        if self.descending {
            format!("sort={}&fallande", self.by.code())
        } else {
            format!("sort={}", self.by.code())
        }
    }
}

/// A column header that sorts the table: a link, and `aria-sort` on the sorted one.
pub struct SortHead {
    /// What it says.
    pub label: &'static str,
    /// The page in the order this header asks for.
    pub href: String,
    /// `ascending` or `descending` on the sorted column; empty on the others.
    pub aria_sort: &'static str,
    /// What a click does, for screen readers (`, sortera fallande`).
    pub hint: &'static str,
}

/// One organisation's row.
pub struct OrgRow {
    /// `Falun (kod 2080)`.
    pub name: String,
    /// `Ja`, `Nej` or `Delvis`.
    pub answered: &'static str,
    /// Units that answered this round.
    pub units_now: usize,
    /// Units that answered last round (`–` when there is no earlier round).
    pub units_before: String,
    /// Last round's units that have not answered, by name.
    pub missing: String,
    /// When its newest form came in (`–`: none).
    pub latest: String,
    /// `Anna Andersson, anna@falun.se`; empty when there is none.
    pub contact: String,
    /// This page with the contact form of this organisation open.
    pub contact_href: String,
    /// Its blank form.
    pub form_href: String,
    /// Its answer links.
    pub links_href: String,
}

/// A unit that has answered.
pub struct UnitRow {
    /// `Falun (kod 2080)`.
    pub org: String,
    /// Its name.
    pub name: String,
    /// Who rated (`Anna, Bo + samsyn`, `hela enheten`).
    pub raters: String,
    /// When its last form came in.
    pub at: String,
    /// Where its current forms came from (the files, or the web).
    pub sources: String,
}

/// A name's key in Swedish alphabetical order: Å, Ä and Ö after Z, case ignored.
pub fn swedish_key(s: &str) -> Vec<u32> {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'å' => u32::from('z') + 1,
            'ä' | 'æ' => u32::from('z') + 2,
            'ö' | 'ø' => u32::from('z') + 3,
            'é' | 'è' => u32::from('e'),
            'ü' => u32::from('y'),
            c => u32::from(c),
        })
        .collect()
}

/// The organisations in the order asked for (ties by name).
pub fn sorted(t: &Tracking, order: Order) -> Vec<&OrgTracking> {
    let mut orgs: Vec<&OrgTracking> = t.organisations.iter().collect();
    orgs.sort_by(|a, b| {
        let by_name = swedish_key(&a.name).cmp(&swedish_key(&b.name));
        let main = match order.by {
            SortBy::Name => by_name,
            SortBy::Status => a.answered().cmp(&b.answered()),
            SortBy::Units => a.units.len().cmp(&b.units.len()),
            SortBy::Latest => a.last_import().cmp(&b.last_import()),
        };
        let main = if order.descending {
            main.reverse()
        } else {
            main
        };
        main.then(by_name)
    });
    orgs
}

/// The sortable headers: each asks for its column ascending, the sorted one for the other
/// direction.
pub fn heads(base: &str, order: Order) -> Vec<SortHead> {
    [SortBy::Name, SortBy::Status, SortBy::Units, SortBy::Latest]
        .into_iter()
        .map(|by| {
            let sorted = by == order.by;
            let next = Order {
                by,
                descending: sorted && !order.descending,
            };
            SortHead {
                label: by.label(),
                href: format!("{base}?{}", next.query()),
                aria_sort: match (sorted, order.descending) {
                    (false, _) => "",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
                hint: if next.descending {
                    ", sortera fallande"
                } else {
                    ", sortera stigande"
                },
            }
        })
        .collect()
}

/// The table's caption: what it holds and how it is sorted.
pub fn caption(order: Order) -> String {
    format!(
        "Alla organisationer, sorterade efter {} ({})",
        order.by.what(),
        if order.descending {
            "fallande"
        } else {
            "stigande"
        }
    )
}

/// One row per organisation, in the order asked for.
pub fn rows(t: &Tracking, order: Order) -> Vec<OrgRow> {
    let rid = t.round;
    let base = format!("/omgangar/{rid}/svarslage");
    sorted(t, order)
        .into_iter()
        .map(|o| OrgRow {
            name: with_code(&o.name, &o.code),
            answered: o.answered().label(),
            units_now: o.units.len(),
            units_before: if t.previous.is_some() {
                o.previous_units.len().to_string()
            } else {
                "–".into()
            },
            missing: o.missing_units.join(", "),
            latest: o.last_import().map_or_else(|| "–".to_string(), when),
            contact: o.contact.as_ref().map(|c| c.display()).unwrap_or_default(),
            contact_href: format!("{base}?{}&kontakt={}#kontakt", order.query(), o.code),
            form_href: format!("/omgangar/{rid}/blankett/{}", o.code),
            links_href: format!("/omgangar/{rid}/lankar?org={}", o.code),
        })
        .collect()
}

/// Who rated a unit: the raters' names, `hela enheten` when it answered as one, `+ samsyn`
/// when a consensus answer is recorded.
fn raters(raters: &[String], consensus: bool) -> String {
    let named: Vec<&str> = (raters.iter())
        .filter(|r| !r.is_empty())
        .map(String::as_str)
        .collect();
    let mut who = if named.is_empty() {
        "hela enheten".to_string()
    } else {
        named.join(", ")
    };
    if consensus {
        who.push_str(" + samsyn");
    }
    who
}

/// Every unit that has answered, by organisation (in code order) and unit.
pub fn units(t: &Tracking) -> Vec<UnitRow> {
    (t.answered())
        .flat_map(|o| {
            o.units.iter().map(move |u| UnitRow {
                org: with_code(&o.name, &o.code),
                name: u.name.clone(),
                raters: raters(&u.raters, u.consensus),
                at: when(u.last_import),
                sources: u.sources.join(", "),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_names_sort_with_a_ring_and_dots_last() {
        let mut names = ["Älvdalen", "Orsa", "Åre", "avesta", "Östersund", "Borlänge"];
        names.sort_by_key(|n| swedish_key(n));
        assert_eq!(
            names,
            ["avesta", "Borlänge", "Orsa", "Åre", "Älvdalen", "Östersund"]
        );
    }

    #[test]
    fn the_sorted_header_asks_for_the_other_direction() {
        let order = Order {
            by: SortBy::Status,
            descending: false,
        };
        let h = heads("/s", order);
        assert_eq!(h[0].href, "/s?sort=namn");
        assert_eq!(h[0].aria_sort, "");
        assert_eq!(h[1].href, "/s?sort=status&fallande");
        assert_eq!(h[1].aria_sort, "ascending");
        let h = heads(
            "/s",
            Order {
                descending: true,
                ..order
            },
        );
        assert_eq!(
            (h[1].href.as_str(), h[1].aria_sort),
            ("/s?sort=status", "descending")
        );
        assert_eq!(SortBy::parse("senast"), SortBy::Latest);
        assert_eq!(SortBy::parse("<x>"), SortBy::Name);
    }
}
