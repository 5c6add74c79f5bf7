//! Sorting and filtering a table by links (no JavaScript): `?sortera=index&ordning=fallande`,
//! `?sortera=D2`, `?visa=kommuner`. Each column heading is a link that sorts by it (again:
//! the other way), carries `aria-sort` when the table is sorted by it, and keeps the page's
//! other parameters; a missing value (för få svar) sorts last whichever the direction.

use std::cmp::Ordering;

use serde::Serialize;

/// What a table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// The order the report gives (the organisations' list, the units' names).
    #[default]
    Given,
    /// The name.
    Name,
    /// The index.
    Index,
    /// The mean of the area with this position in the instrument.
    Area(usize),
}

/// A table's order, read from the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort {
    /// By what.
    pub key: SortKey,
    /// Highest (or Ö) first.
    pub desc: bool,
}

impl Sort {
    /// The order asked for by `sortera` and `ordning` among the query's pairs (the first of
    /// each); an unknown value reads as the given order, so a hand-edited link still shows the
    /// table. `areas` are the instrument's area ids (`D1` …), matched without regard to case.
    pub fn from_query(query: &[(String, String)], areas: &[String]) -> Self {
        let get = |k: &str| {
            query
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.trim())
        };
        let key = match get("sortera").unwrap_or("") {
            "namn" => SortKey::Name,
            "index" => SortKey::Index,
            other => areas
                .iter()
                .position(|a| a.eq_ignore_ascii_case(other))
                .map_or(SortKey::Given, SortKey::Area),
        };
        let desc = match get("ordning") {
            Some("fallande") => true,
            Some("stigande") => false,
            // By default names run A–Ö and numbers highest first.
            _ => !matches!(key, SortKey::Name | SortKey::Given),
        };
        Self { key, desc }
    }

    /// Sorts `items` in this order; `name`, `index` and `area` read an item's values. Stable:
    /// equal items keep the given order.
    pub fn apply<T>(
        self,
        items: &mut [T],
        name: impl Fn(&T) -> &str,
        index: impl Fn(&T) -> Option<f64>,
        area: impl Fn(&T, usize) -> Option<f64>,
    ) {
        let dir = |o: Ordering| if self.desc { o.reverse() } else { o };
        match self.key {
            SortKey::Given => {
                if self.desc {
                    items.reverse();
                }
            }
            SortKey::Name => items.sort_by(|a, b| dir(nara_core::fmt::sv_cmp(name(a), name(b)))),
            SortKey::Index => items.sort_by(|a, b| by_value(index(a), index(b), dir)),
            SortKey::Area(i) => items.sort_by(|a, b| by_value(area(a, i), area(b, i), dir)),
        }
    }

    /// The query value of a key.
    fn value(key: SortKey, areas: &[String]) -> String {
        match key {
            SortKey::Given => String::new(),
            SortKey::Name => "namn".into(),
            SortKey::Index => "index".into(),
            SortKey::Area(i) => areas.get(i).cloned().unwrap_or_default(),
        }
    }

    /// A column heading's link for `key`: sorts by it, the other way when the table already
    /// is; `keep` are the page's other parameters (the sort's own are dropped from them).
    pub fn head(
        self,
        key: SortKey,
        label: &str,
        base: &str,
        keep: &[(String, String)],
        areas: &[String],
    ) -> SortHead {
        let current = self.key == key;
        let natural_desc = !matches!(key, SortKey::Name | SortKey::Given);
        let desc = if current { !self.desc } else { natural_desc };
        let way = if desc { "fallande" } else { "stigande" };
        let href = super::pager::with_params(
            base,
            keep,
            &["sortera", "ordning", "sida"],
            &[
                ("sortera", Self::value(key, areas)),
                ("ordning", way.into()),
            ],
        );
        let (aria, arrow) = match (current, self.desc) {
            (false, _) => ("none", ""),
            (true, false) => ("ascending", "▲"),
            (true, true) => ("descending", "▼"),
        };
        let order = if desc {
            "högst först"
        } else if matches!(key, SortKey::Name) {
            "A–Ö"
        } else {
            "lägst först"
        };
        SortHead {
            href,
            label: label.to_string(),
            aria,
            arrow,
            title: format!("Sortera efter {}, {order}", word(label)),
        }
    }
}

/// A heading as it reads inside a sentence: a word in lower case (`index`), an id as it is
/// (`D1`).
fn word(label: &str) -> String {
    if label.chars().skip(1).any(char::is_lowercase) {
        label.to_lowercase()
    } else {
        label.to_string()
    }
}

/// Compares two values in a direction, a missing value last either way.
fn by_value(a: Option<f64>, b: Option<f64>, dir: impl Fn(Ordering) -> Ordering) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => dir(x.total_cmp(&y)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// A sortable column heading.
#[derive(Debug, Clone, Serialize)]
pub struct SortHead {
    /// The link that sorts by the column.
    pub href: String,
    /// The heading's text.
    pub label: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    pub aria: &'static str,
    /// `▲`/`▼` beside the sorted column; empty elsewhere.
    pub arrow: &'static str,
    /// What the link does, for its title (`Sortera efter index, högst först`).
    pub title: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn areas() -> Vec<String> {
        vec!["D1".into(), "D2".into()]
    }

    #[test]
    fn the_query_names_the_order() {
        let a = areas();
        assert_eq!(Sort::from_query(&q(&[]), &a), Sort::default());
        let s = Sort::from_query(&q(&[("sortera", "d2")]), &a);
        assert_eq!((s.key, s.desc), (SortKey::Area(1), true));
        let s = Sort::from_query(&q(&[("sortera", "namn"), ("ordning", "fallande")]), &a);
        assert_eq!((s.key, s.desc), (SortKey::Name, true));
        let s = Sort::from_query(&q(&[("sortera", "<script>"), ("ordning", "x")]), &a);
        assert_eq!(s.key, SortKey::Given);
    }

    #[test]
    fn missing_values_sort_last_both_ways() {
        let mut rows = vec![("Orsa", Some(2.0)), ("Mora", None), ("Falun", Some(3.0))];
        let by_index = Sort {
            key: SortKey::Index,
            desc: true,
        };
        by_index.apply(&mut rows, |r| r.0, |r| r.1, |_, _| None);
        assert_eq!(
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            ["Falun", "Orsa", "Mora"]
        );
        Sort {
            desc: false,
            ..by_index
        }
        .apply(&mut rows, |r| r.0, |r| r.1, |_, _| None);
        assert_eq!(
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            ["Orsa", "Falun", "Mora"]
        );
        Sort {
            key: SortKey::Name,
            desc: false,
        }
        .apply(&mut rows, |r| r.0, |r| r.1, |_, _| None);
        assert_eq!(
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            ["Falun", "Mora", "Orsa"]
        );
    }

    #[test]
    fn a_heading_links_to_its_order_and_keeps_the_other_parameters() {
        let a = areas();
        let keep = q(&[("nyckeltal", "D2"), ("sortera", "namn"), ("sida", "3")]);
        let now = Sort::from_query(&keep, &a);
        let h = now.head(SortKey::Name, "Organisation", "/omgangar/2026", &keep, &a);
        assert_eq!(
            h.href,
            "/omgangar/2026?nyckeltal=D2&sortera=namn&ordning=fallande"
        );
        assert_eq!((h.aria, h.arrow), ("ascending", "▲"));
        let h = now.head(SortKey::Area(0), "D1", "/omgangar/2026", &keep, &a);
        assert_eq!(
            h.href,
            "/omgangar/2026?nyckeltal=D2&sortera=D1&ordning=fallande"
        );
        assert_eq!(h.aria, "none");
        assert_eq!(h.title, "Sortera efter D1, högst först");
    }
}
