//! The nyckeltal on the organisation page, the county overview and in the JSON API: values with
//! their year, judgement and source; a value from too few cases hidden with a sentence; an
//! internal local indicator only for the coordinator and the organisation's own; a missing value
//! "–", never 0.

use axum::http::StatusCode;
use nara_core::{AreaId, OrgCode, fmt};
use nara_store::Role;

use crate::support::{Client, PASSWORD, World, world};

/// The demo's catalogue and two local indicators of D1: `X-TEST-1` public (values from fewer
/// than 10 cases hidden), `X-TEST-2` internal (a local indicator is internal unless said).
fn catalogue() -> String {
    format!(
        "{}\n{}",
        nara_core::indicator::DALARNA_TOML,
        r#"
[[indicators]]
id = "X-TEST-1"
title = "Testtal offentligt"
source = "lokal"
unit = "antal"
direction = "higher"
level = "both"
areas = ["D1"]
public = true
min_cases = 10

[[indicators]]
id = "X-TEST-2"
title = "Testtal internt"
source = "lokal"
unit = "antal"
direction = "lower"
level = "both"
areas = ["D1"]
"#
    )
}

/// Stores [`catalogue`] and values of the local indicators through the app, as the coordinator
/// would: the own organisation's 2025 value of `X-TEST-1` rests on 4 cases, the other's is
/// missing; a respondent account `resp2` for the other organisation.
async fn with_local_values(w: &World) {
    let app = nara_app::App::new(w.store.clone());
    app.store_catalogue(&catalogue(), "test").await.unwrap();
    let orgs = app.organisations().await.unwrap().organisations;
    let kolada = |code: &str| {
        (orgs.iter())
            .find(|o| o.code.as_str() == code)
            .unwrap()
            .kolada_id()
    };
    let (own, other) = (kolada(&w.own), kolada(&w.other));
    let csv = format!(
        "kpi;kommunkod;år;värde;antal\n\
         X-TEST-1;{own};2024;40;25\nX-TEST-1;{own};2025;12;4\n\
         X-TEST-1;{other};2024;30;30\nX-TEST-1;{other};2025;;\n\
         X-TEST-1;0000;2024;33;900\nX-TEST-1;0000;2025;35;950\n\
         X-TEST-2;{own};2024;7;50\nX-TEST-2;{own};2025;9;50\n"
    );
    let reports = app
        .import_indicator_uploads(&[("test.csv".into(), csv.into_bytes())], "test")
        .await
        .unwrap();
    assert!(reports[0].problems.is_empty(), "{:?}", reports[0].problems);
    let other = OrgCode::parse(&w.other).unwrap();
    nara_app::users::add(
        w.store.as_ref(),
        "resp2",
        PASSWORD,
        Role::Respondent,
        Some(&other),
        "test",
    )
    .await
    .unwrap();
}

/// The part of a page from `from` to the next `to`.
fn part<'a>(body: &'a str, from: &str, to: &str) -> &'a str {
    let at = body
        .find(from)
        .unwrap_or_else(|| panic!("no {from} in the page"));
    let rest = &body[at..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

/// Text without its tags, spaces squeezed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of the county table's cell in the row that holds `row` and the column whose head
/// holds `column`.
fn county_cell(body: &str, row: &str, column: &str) -> String {
    let table = part(body, "<table class=\"indicators\">", "</table>");
    let head = part(table, "<thead>", "</thead>");
    let col = (head.split("<th scope=\"col\">").skip(2))
        .position(|h| h.contains(column))
        .unwrap_or_else(|| panic!("no column {column}"));
    let body = part(table, "<tbody>", "</tbody>");
    let tr = (body.split("<tr").skip(1))
        .find(|r| r.contains(row))
        .unwrap_or_else(|| panic!("no row {row}"));
    text(&format!(
        "<td{}",
        tr.split("<td").nth(col + 1).unwrap_or("")
    ))
}

/// The card of an indicator in a delmål on an organisation page.
fn card_in<'a>(body: &'a str, area: &str, id: &str) -> &'a str {
    part(body, &format!("id=\"nt-{area}-{id}\""), "</section>")
}

/// The card of an indicator in delmål D1 on an organisation page.
fn card<'a>(body: &'a str, id: &str) -> &'a str {
    card_in(body, "D1", id)
}

/// The first delmål of the instrument in which the organisation has cards, and its cards (as
/// the app builds them; with `public_only`, the public ones).
async fn first_cards(
    w: &World,
    public_only: bool,
) -> (
    nara_core::instrument::Area,
    Vec<nara_core::indicator::view::Card>,
) {
    let app = nara_app::App::new(w.store.clone());
    let snap = app.snapshot().await.unwrap();
    let n = app.nyckeltal(&snap).await.unwrap();
    let org = snap.organisation(&OrgCode::parse(&w.own).unwrap()).unwrap();
    (nara_core::Instrument::dalarna().areas().iter())
        .map(|a| (a.clone(), n.cards(org, &a.id, public_only)))
        .find(|(_, cards)| !cards.is_empty())
        .expect("the organisation has cards")
}

#[tokio::test]
async fn the_organisation_page_shows_its_nyckeltal_with_chart_table_and_source() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let page = c.get(&format!("/omgangar/2026/org/{}", w.own)).await;
    assert_eq!(page.status, StatusCode::OK);
    let b = &page.body;
    assert!(b.contains("<h2 id=\"nyckeltal\">Nyckeltal</h2>"));
    // After the self-assessment.
    assert!(b.find("<h2>Kommentarer</h2>").unwrap() < b.find("id=\"nyckeltal\"").unwrap());
    // The first card, as the app builds it for the organisation.
    let (area, cards) = first_cards(&w, false).await;
    let first = &cards[0];
    let html = card_in(b, area.id.as_str(), &first.indicator.id);
    let (year, value) = first.latest.expect("the demo has a value");
    let shown = text(html);
    assert!(
        shown.contains(&format!("{} % ({year})", fmt::decimal(value, 1)))
            || shown.contains(&format!("{} ({year})", fmt::decimal(value, 0))),
        "{shown}"
    );
    if let Some(m) = first.movement {
        let words = format!("{} {}", m.arrow.symbol(), m.judgement.label());
        assert!(shown.contains(&words), "{words} in {shown}");
        assert!(shown.contains(&format!("sedan {}", m.from_year)), "{shown}");
    }
    assert!(shown.contains(&first.caption), "{shown}");
    assert!(shown.contains("Hämtat ") && shown.contains("Påhittade demovärden."));
    assert!(html.contains("<svg class=\"chart years\"") && html.contains("role=\"img\""));
    assert!(html.contains("aria-label=\"Linjediagram: "));
    assert!(html.contains("<th scope=\"col\">År</th>") && html.contains(">Riket</th>"));
    // A delmål with cards has its heading, with the instrument's name.
    assert!(b.contains(&format!("<h3>{} {}</h3>", area.id, area.name)));
}

#[tokio::test]
async fn a_value_from_too_few_cases_is_hidden_with_a_sentence_and_a_missing_one_is_a_dash() {
    let w = world().await;
    with_local_values(&w).await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let own = c.get(&format!("/omgangar/2025/org/{}", w.own)).await;
    let html = text(card(&own.body, "X-TEST-1"));
    assert!(
        html.contains("Värdet för 2025 visas inte: det bygger på färre än 10 fall."),
        "{html}"
    );
    assert!(
        html.contains("X-TEST-1 40 (2024)"),
        "a count needs no unit word: {html}"
    );
    assert!(html.contains("2025 färre än 10 fall"), "{html}");
    assert!(
        !html.contains(" 12 "),
        "the hidden value is not shown: {html}"
    );
    // The other organisation has no 2025 value: "–" in its table, never 0.
    let other = c.get(&format!("/omgangar/2025/org/{}", w.other)).await;
    let html = text(card(&other.body, "X-TEST-1"));
    assert!(html.contains("X-TEST-1 30 (2024)"), "{html}");
    assert!(html.contains("2025 – "), "{html}");
    assert!(!html.contains("2025 0 "), "{html}");
    // The same on the county overview and in the API.
    let county = c.get("/omgangar/2025").await;
    assert_eq!(county.status, StatusCode::OK);
    let other_row = format!("/org/{}\"", w.other);
    let own_row = format!("/org/{}\"", w.own);
    assert_eq!(county_cell(&county.body, &other_row, "X-TEST-1"), "–");
    assert_eq!(
        county_cell(&county.body, &own_row, "X-TEST-1"),
        "färre än 10 fall"
    );
    assert!(county_cell(&county.body, ">Riket<", "X-TEST-1").starts_with("35"));
    let api: serde_json::Value =
        serde_json::from_str(&c.get("/api/v1/indicators/county/D1").await.body).unwrap();
    let col = (api["columns"].as_array().unwrap().iter())
        .position(|c| c["indicator"]["id"] == "X-TEST-1")
        .unwrap();
    assert_eq!(api["columns"][col]["year"], 2025);
    let row = |code: &str| {
        (api["rows"].as_array().unwrap().iter())
            .find(|r| r["code"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(row(&w.other)["cells"][col]["shown"]["kind"], "missing");
    let hidden = &row(&w.own)["cells"][col]["shown"];
    assert_eq!(
        (hidden["kind"].as_str(), hidden["min"].as_u64()),
        (Some("hidden"), Some(10))
    );
    assert!(
        hidden.get("value").is_none(),
        "the number is not sent: {hidden}"
    );
}

#[tokio::test]
async fn an_internal_indicator_is_shown_only_to_the_coordinator_and_the_organisations_own() {
    let w = world().await;
    with_local_values(&w).await;
    let page = format!("/omgangar/2025/org/{}", w.own);
    let api = format!("/api/v1/indicators/org/{}", w.own);
    for (user, sees) in [
        ("admin", true),
        ("resp", true),
        ("reader", false),
        ("resp2", false),
    ] {
        let mut c = Client::new(&w);
        c.sign_in(user).await;
        let p = c.get(&page).await;
        assert_eq!(p.status, StatusCode::OK, "{user}");
        assert!(p.body.contains("X-TEST-1"), "{user}: the public one");
        assert_eq!(p.body.contains("X-TEST-2"), sees, "{user} on the page");
        let a = c.get(&api).await;
        assert_eq!(a.status, StatusCode::OK, "{user}");
        assert!(a.body.contains("\"X-TEST-1\""), "{user}");
        assert_eq!(a.body.contains("X-TEST-2"), sees, "{user} in the API");
        // The catalogue and the county show the internal one to the coordinator only.
        let all = c.get("/api/v1/indicators").await;
        assert_eq!(all.status, StatusCode::OK);
        assert!(all.body.contains("\"X-TEST-1\""), "{user}");
        assert_eq!(all.body.contains("X-TEST-2"), user == "admin", "{user}");
        let county = c.get("/api/v1/indicators/county/D1").await;
        assert_eq!(county.body.contains("X-TEST-2"), user == "admin", "{user}");
        let overview = c.get("/omgangar/2025").await;
        assert_eq!(
            overview.body.contains("X-TEST-2"),
            user == "admin",
            "{user}"
        );
    }
    // The catalogue says where the values came from and their newest year.
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let all: serde_json::Value =
        serde_json::from_str(&c.get("/api/v1/indicators").await.body).unwrap();
    let t1 = (all.as_array().unwrap().iter())
        .find(|i| i["id"] == "X-TEST-1")
        .unwrap();
    assert_eq!(t1["newest_year"], 2025);
    assert_eq!(t1["provenance"]["source"], "test.csv");
    assert_eq!(t1["public"], true);
}

#[tokio::test]
async fn the_county_overview_shows_the_delmal_asked_for() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("reader").await;
    let cat = nara_core::indicator::Catalogue::dalarna();
    let d1 = AreaId::parse("D1").unwrap();
    let d2 = AreaId::parse("D2").unwrap();
    let only = |a: &AreaId, b: &AreaId| {
        (cat.following(a))
            .find(|i| !i.follows(b))
            .unwrap()
            .id
            .clone()
    };
    let (in_d1, in_d2) = (only(&d1, &d2), only(&d2, &d1));
    // By default the first delmål with indicators.
    let first = c.get("/omgangar/2025").await;
    assert_eq!(first.status, StatusCode::OK);
    let section = part(&first.body, "<h2 id=\"nyckeltal\">", "</main>");
    assert!(section.contains("Nyckeltal för D1 "), "{section}");
    assert!(section.contains(&in_d1) && !section.contains(&in_d2));
    // Chosen by the link, case aside; the page's other parameters are kept in the links.
    let second = c.get("/omgangar/2025?x=1&nyckeltal=d2").await;
    assert_eq!(second.status, StatusCode::OK);
    let section = part(&second.body, "<h2 id=\"nyckeltal\">", "</main>");
    assert!(section.contains("Nyckeltal för D2 "), "{section}");
    assert!(section.contains(&in_d2) && !section.contains(&in_d1));
    assert!(
        section.contains("href=\"/omgangar/2025?x=1&#38;nyckeltal=D1#nyckeltal\""),
        "{section}"
    );
    assert!(section.contains("aria-current=\"page\">D2 "));
    // Kommuner link to their pages, the region and the country come last.
    let rows: Vec<&str> = part(section, "<tbody>", "</tbody>")
        .split("<tr")
        .skip(1)
        .collect();
    assert!(rows.last().unwrap().contains(">Riket<"));
    assert!(rows[rows.len() - 2].contains("class=\"region\""));
    assert!(rows[0].contains("/omgangar/2025/org/"));
    // Given twice, the first counts.
    let twice = c.get("/omgangar/2025?nyckeltal=D2&nyckeltal=D1").await;
    assert_eq!(twice.status, StatusCode::OK);
    assert!(twice.body.contains("Nyckeltal för D2 "));
    // A delmål without nyckeltal is refused in Swedish, with the ones to choose among.
    let bad = c.get("/omgangar/2025?nyckeltal=D9").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body
            .contains("Delmålet ”D9” har inga nyckeltal att visa. Välj ett av: D1, D2"),
        "{}",
        bad.body
    );
    let api = c.get("/api/v1/indicators/county/D9").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(
        api.body
            .contains("{\"error\":\"Delmålet D9 har inga nyckeltal.\"}"),
        "{}",
        api.body
    );
    let api = c.get("/api/v1/indicators/org/9999").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(
        api.body.contains("Organisationen 9999 finns inte."),
        "{}",
        api.body
    );
    // Without a session the API answers 401 in JSON.
    let anon = Client::new(&w).get("/api/v1/indicators").await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    assert!(anon.body.contains("\"error\""));
}

#[tokio::test]
async fn the_api_gives_an_organisations_cards_unrounded() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("reader").await;
    let r = c.get(&format!("/api/v1/indicators/org/{}", w.own)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let doc: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(doc["organisation"]["code"], w.own.as_str());
    let areas = doc["areas"].as_array().unwrap();
    // The same numbers the app has, not rounded for the page.
    let (area, cards) = first_cards(&w, true).await;
    assert_eq!(areas[0]["id"], area.id.as_str());
    assert_eq!(areas[0]["name"], area.name.as_str());
    assert_eq!(areas[0]["cards"], serde_json::to_value(&cards).unwrap());
}
