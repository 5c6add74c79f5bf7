//! Paging a long table by links (no JavaScript): `?sida=N`, keeping the page's other
//! parameters (its order) in every link.

use serde::Serialize;

/// How many units the organisation page shows at a time: a page costs what it shows, so an
/// organisation with hundreds of units is read page by page.
pub const UNITS_PER_PAGE: usize = 50;

/// Which rows a page shows, and the links to the others; empty when all fit on one page.
#[derive(Debug, Default, Serialize)]
pub struct Pager {
    /// `Verksamhet 51–100 av 190`.
    pub showing: String,
    /// The previous page (empty on the first).
    pub prev: String,
    /// The next page (empty on the last).
    pub next: String,
    /// Every page: number, link, whether it is this one.
    pub pages: Vec<PageLink>,
}

/// A link to one page of rows.
#[derive(Debug, Serialize)]
pub struct PageLink {
    /// The page number.
    pub n: usize,
    /// Its address.
    pub href: String,
    /// Whether it is the page shown.
    pub current: bool,
}

/// An address of this page with other parameters: `base`, the `keep` pairs without those named
/// in `drop`, then `add`, percent-encoded; `base` alone when no parameter is left. Every link of
/// a sorted, filtered or paged table is made here, so each keeps the others' parameters.
pub fn with_params(
    base: &str,
    keep: &[(String, String)],
    drop: &[&str],
    add: &[(&str, String)],
) -> String {
    let pairs: Vec<(&str, &str)> = (keep.iter())
        .filter(|(k, _)| !drop.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain(add.iter().map(|(k, v)| (*k, v.as_str())))
        .collect();
    match serde_urlencoded::to_string(&pairs).unwrap_or_default() {
        q if q.is_empty() => base.to_string(),
        q => format!("{base}?{q}"),
    }
}

/// The page asked for by `sida` among the query's pairs (from 1; anything else reads as 1).
pub fn page_of(query: &[(String, String)]) -> usize {
    (query.iter().find(|(k, _)| k == "sida"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(1)
}

/// The rows of page `page` (from 1; past the end: the last) of `total`, and its pager; the
/// links go to `base` with the `keep` parameters (but their own `sida`) and to `#anchor`.
pub fn pager(
    base: &str,
    keep: &[(String, String)],
    anchor: &str,
    page: usize,
    total: usize,
) -> (std::ops::Range<usize>, Pager) {
    let pages = total.div_ceil(UNITS_PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let from = (page - 1) * UNITS_PER_PAGE;
    let range = from..(from + UNITS_PER_PAGE).min(total);
    if pages == 1 {
        return (range, Pager::default());
    }
    let href = |n: usize| {
        let to = with_params(base, keep, &["sida"], &[("sida", n.to_string())]);
        format!("{to}#{anchor}")
    };
    let pager = Pager {
        showing: format!("Verksamhet {}–{} av {total}", range.start + 1, range.end),
        prev: if page > 1 {
            href(page - 1)
        } else {
            String::new()
        },
        next: if page < pages {
            href(page + 1)
        } else {
            String::new()
        },
        pages: (1..=pages)
            .map(|n| PageLink {
                n,
                href: href(n),
                current: n == page,
            })
            .collect(),
    };
    (range, pager)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pager_keeps_the_order_in_its_links() {
        let keep = vec![
            ("sortera".to_string(), "index".to_string()),
            ("sida".to_string(), "2".to_string()),
        ];
        let (range, p) = pager(
            "/omgangar/2026/org/2080",
            &keep,
            "enheter",
            page_of(&keep),
            120,
        );
        assert_eq!(range, 50..100);
        assert_eq!(p.showing, "Verksamhet 51–100 av 120");
        assert_eq!(
            p.next,
            "/omgangar/2026/org/2080?sortera=index&sida=3#enheter"
        );
        assert_eq!(
            p.prev,
            "/omgangar/2026/org/2080?sortera=index&sida=1#enheter"
        );
        let (_, none) = pager("/x", &[], "a", 1, 50);
        assert!(none.pages.is_empty());
        assert_eq!(page_of(&[("sida".into(), "x".into())]), 1);
        let (last, _) = pager("/x", &[], "a", 99, 120);
        assert_eq!(last, 100..120);
    }
}
