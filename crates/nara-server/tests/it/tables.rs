//! Tables people sort and filter by links, change shown where it belongs (each delmål over
//! the rounds, the unit against last round, its organisation and the county), the delmål page's
//! legend, county line, comments and neighbours, and rounds without results that say what
//! they are.

use axum::http::StatusCode;
use nara_core::report::OrgReport;
use nara_core::{fmt, scoring};

use crate::support::{Client, report, world};

/// The organisation codes in the order their rows stand in the county table's body.
fn county_order(body: &str) -> Vec<String> {
    let start = body.find("<tbody>").expect("the table has a body");
    let end = start + body[start..].find("</tbody>").expect("the body ends");
    body[start..end]
        .split("<tr><th scope=\"row\"><a href=\"/omgangar/2026/org/")
        .skip(1)
        .map(|row| row.split('"').next().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn the_county_table_sorts_and_filters_by_links() {
    let w = world().await;
    let rep = report(&w.store, "2026").await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;

    // By index, highest first; an organisation without an index last.
    let page = c.get("/omgangar/2026?sortera=index&ordning=fallande").await;
    assert_eq!(page.status, StatusCode::OK);
    let mut expected: Vec<&OrgReport> = rep.organisations.iter().collect();
    expected.sort_by(|a, b| match (a.scores.overall, b.scores.overall) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let codes: Vec<String> = expected.iter().map(|o| o.code.to_string()).collect();
    assert_eq!(county_order(&page.body), codes);
    assert!(page.body.contains("aria-sort=\"descending\""));
    // The index heading now sorts the other way; the others keep their natural order.
    let turned = "/omgangar/2026?sortera=index&#38;ordning=stigande#lanet";
    assert!(
        page.body.contains(&format!("href=\"{turned}\"")),
        "the index heading turns the order"
    );

    // By a delmål, lowest first.
    let page = c.get("/omgangar/2026?sortera=D2&ordning=stigande").await;
    let mut by_d2: Vec<&OrgReport> = rep.organisations.iter().collect();
    let d2 = |o: &OrgReport| o.scores.areas.get(1).and_then(|a| a.mean);
    by_d2.sort_by(|a, b| match (d2(a), d2(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let codes: Vec<String> = by_d2.iter().map(|o| o.code.to_string()).collect();
    assert_eq!(county_order(&page.body), codes);

    // By name in Swedish order, Ö last.
    let page = c.get("/omgangar/2026?sortera=namn").await;
    let mut names: Vec<&OrgReport> = rep.organisations.iter().collect();
    names.sort_by(|a, b| fmt::sv_cmp(&a.name, &b.name));
    let codes: Vec<String> = names.iter().map(|o| o.code.to_string()).collect();
    assert_eq!(county_order(&page.body), codes);

    // Only the kommuner: the region's row is gone, the kommuner stay, the order is kept.
    let region = rep.organisations.iter().find(|o| o.code.is_region());
    let page = c.get("/omgangar/2026?visa=kommuner&sortera=namn").await;
    let shown = county_order(&page.body);
    let kommuner: Vec<String> = codes
        .iter()
        .filter(|c| region.is_none_or(|r| r.code.as_str() != c.as_str()))
        .cloned()
        .collect();
    assert_eq!(shown, kommuner);
    assert!(page.body.contains("Visa alla organisationer"));
    assert!(page.body.contains("bara kommunerna"));
    // A made-up order reads as the given one, not an error.
    let page = c.get("/omgangar/2026?sortera=%3Cscript%3E&ordning=x").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<script>"));
}

#[tokio::test]
async fn the_organisation_page_sorts_its_units_and_follows_each_delmal_over_the_rounds() {
    let w = world().await;
    let rep = report(&w.store, "2026").await;
    let o = (rep.organisations.iter())
        .max_by_key(|o| o.units.len())
        .expect("the demo has organisations");
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let page = c
        .get(&format!(
            "/omgangar/2026/org/{}?sortera=namn&ordning=fallande",
            o.code
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let b = &page.body;
    let mut names: Vec<&str> = o.units.iter().map(|u| u.name.as_str()).collect();
    names.sort_by(|a, b| fmt::sv_cmp(b, a));
    let positions: Vec<usize> = (names.iter())
        .map(|n| b.find(&format!(">{n}</a>")).expect("each unit is listed"))
        .collect();
    assert!(
        positions.windows(2).all(|p| p[0] < p[1]),
        "units Ö–A: {names:?}"
    );

    // Each delmål over the rounds, with the numbers of each round's report.
    let at = b
        .find("Delmålen över omgångarna")
        .expect("the table is there");
    let b = &b[at..];
    let before = report(&w.store, "2025").await;
    let then = before.org(o.code.as_str()).expect("it answered in 2025");
    let inst = nara_core::Instrument::dalarna();
    for (i, a) in o.scores.areas.iter().enumerate() {
        let prev = then.scores.areas.get(i).and_then(|x| x.mean);
        let row_at = b
            .find(&format!("<th scope=\"row\">{} ", a.area))
            .expect("a row per delmål");
        let row = &b[row_at..row_at + b[row_at..].find("</tr>").unwrap()];
        assert!(row.contains(&fmt::score(prev)), "{}: {row}", a.area);
        assert!(row.contains(&fmt::score(a.mean)), "{}: {row}", a.area);
        if let Some(ch) = scoring::change(&inst, prev, a.mean) {
            assert!(row.contains(&ch.short()), "{}: {row}", a.area);
        }
    }
}

#[tokio::test]
async fn the_unit_is_compared_with_last_round_its_organisation_and_the_county() {
    let w = world().await;
    let rep = report(&w.store, "2026").await;
    let o = rep
        .org(&w.own)
        .expect("the respondent's organisation answered");
    let u = (o.units.iter())
        .find(|u| !u.previous.is_empty())
        .expect("a unit that answered last round too");
    let key = nara_core::UnitName::parse(u.name.as_str()).unwrap().key();
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let page = c
        .get(&format!(
            "/omgangar/2026/org/{}/enhet/{}",
            o.code,
            crate::support::enc(&key)
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let b = &page.body;
    for head in [
        format!("<th scope=\"col\">{} 2025</th>", u.name),
        format!("<th scope=\"col\">{}</th>", o.name),
        "<th scope=\"col\">Länets medel</th>".to_string(),
    ] {
        assert!(b.contains(&head), "{head}");
    }
    // The first delmål's row: the unit, last round, the organisation, the county.
    let row_at = b.find("<tbody><tr><th scope=\"row\">").unwrap();
    let row = &b[row_at..row_at + b[row_at..].find("</tr>").unwrap()];
    let cells: Vec<&str> = row
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap_or_default())
        .collect();
    let county = rep.county.areas[0].stats.map(|s| s.mean);
    assert_eq!(
        cells,
        [
            fmt::score(u.result.scores.areas[0].mean),
            fmt::score(u.previous[0]),
            fmt::score(o.scores.areas[0].mean),
            fmt::score(county),
        ]
    );
    // A respondent of the organisation does not see the county in an open round.
    let mut r = Client::new(&w);
    r.sign_in("resp").await;
    let own = r
        .get(&format!(
            "/omgangar/2026/org/{}/enhet/{}",
            o.code,
            crate::support::enc(&key)
        ))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own.body.contains("<th scope=\"col\">Länets medel</th>"));
    assert!(
        own.body
            .contains(&format!("<th scope=\"col\">{}</th>", o.name))
    );
}

#[tokio::test]
async fn the_delmal_page_has_its_legend_the_county_line_comments_and_neighbours() {
    let w = world().await;
    let rep = report(&w.store, "2026").await;
    let inst = nara_core::Instrument::dalarna();
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let first = &inst.areas()[0];
    let second = &inst.areas()[1];
    let b = c
        .get(&format!("/omgangar/2026/delmal/{}", first.id))
        .await
        .body;
    // Legend of the stacked bars: every level, vet ej and blank.
    for l in &inst.scale().levels {
        assert!(
            b.contains(&format!("{} {}", l.value, l.label)),
            "{}",
            l.label
        );
    }
    assert!(b.contains("Vet ej") && b.contains("Tomt"));
    // The county's mean as a line across the bars, said in words too.
    let mean = rep.county.areas[0].stats.map(|s| s.mean);
    assert!(b.contains("<line class=\"reference\""));
    assert!(b.contains(&format!("Länets medel {}", fmt::score(mean))));
    // The comments of the whole county on this delmål.
    assert!(b.contains("Kommentarer om delmålet"));
    for o in &rep.organisations {
        for u in &o.units {
            for t in u.comments.get(first.id.as_str()).into_iter().flatten() {
                let escaped = t
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                assert!(b.contains(&escaped) || b.contains(t), "{t}");
            }
        }
    }
    // Neighbours: no previous for the first, the next is the second.
    assert!(b.contains(&format!(
        "href=\"/omgangar/2026/delmal/{}\" rel=\"next\"",
        second.id
    )));
    assert!(!b.contains("rel=\"prev\""));
    let b = c
        .get(&format!("/omgangar/2026/delmal/{}", second.id))
        .await
        .body;
    assert!(b.contains(&format!(
        "href=\"/omgangar/2026/delmal/{}\" rel=\"prev\"",
        first.id
    )));
}

#[tokio::test]
async fn rounds_without_results_say_what_they_are() {
    let w = world().await;
    let mut a = Client::new(&w);
    a.sign_in("admin").await;
    let token = Client::csrf(&a.get("/omgangar").await.body);
    a.post("/omgangar", &[("id", "2027"), ("csrf", &token)])
        .await;
    let draft = a.get("/omgangar/2027").await;
    assert_eq!(draft.status, StatusCode::OK);
    assert!(draft.body.contains("är ett utkast"), "{}", draft.body);
    assert!(
        !draft.body.contains("<table class=\"heat\">"),
        "no empty heat map"
    );
    let org = a.get(&format!("/omgangar/2027/org/{}", w.own)).await;
    assert!(org.body.contains("är ett utkast"), "{}", org.body);
    let r = a
        .post(
            "/omgangar/2027/status",
            &[("to", "open"), ("csrf", &token), ("bekrafta", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let open = a.get("/omgangar/2027").await;
    assert!(
        open.body.contains("inga svar har kommit in ännu"),
        "{}",
        open.body
    );
    assert!(!open.body.contains("<table class=\"heat\">"));
}
