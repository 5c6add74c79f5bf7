//! Pages that cost what they show (issue 17): an organisation with more units than a page holds
//! shows its own rows first and its units a page at a time, with links between the pages.

use axum::http::StatusCode;

use crate::support::{Client, report, world};

/// Stores a full form for `unit` of `org` in round 2026.
async fn store_unit(w: &crate::support::World, org: &str, unit: &str, level: u8) {
    let resp = crate::support::unit_answer("2026", org, unit, crate::support::all_at(level));
    (w.store
        .store_response(&resp, &format!("h-{unit}"), "test", "test"))
    .await
    .unwrap();
}

/// The unit names in the table of a page, in order.
fn unit_rows(page: &str) -> Vec<String> {
    let table = &page[page.find("<table class=\"heat\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let units = &table[table.find("</tbody>").unwrap()..];
    units
        .split("<tr><th scope=\"row\"><a href=\"")
        .skip(1)
        .map(|r| {
            let name = &r[r.find('>').unwrap() + 1..];
            name[..name.find('<').unwrap()].to_string()
        })
        .collect()
}

#[tokio::test]
async fn an_organisation_with_many_units_is_shown_a_page_at_a_time() {
    let w = world().await;
    for i in 0..60 {
        store_unit(&w, &w.own, &format!("Enhet {i:03}"), (i % 4) as u8 + 1).await;
    }
    let rep = report(&w.store, "2026").await;
    let all: Vec<String> = (rep.org(&w.own).unwrap().units.iter())
        .map(|u| u.name.to_string())
        .collect();
    assert!(all.len() > 60, "{}", all.len());
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let base = format!("/omgangar/2026/org/{}", w.own);

    let first = c.get(&base).await;
    assert_eq!(first.status, StatusCode::OK);
    let b = &first.body;
    assert_eq!(
        unit_rows(b),
        all[..50],
        "the first 50, in the report's order"
    );
    assert!(
        b.contains(&format!("Verksamhet 1–50 av {}", all.len())),
        "{b}"
    );
    assert!(b.contains(&format!("href=\"{base}?sida=2#enheter\" rel=\"next\"")));
    assert!(!b.contains("rel=\"prev\""));
    // The organisation's own rows come before its units.
    let own = b.find("Hela organisationen").unwrap();
    assert!(own < b.find(&format!(">{}<", all[0])).unwrap());

    let second = c.get(&format!("{base}?sida=2")).await;
    assert_eq!(unit_rows(&second.body), all[50..]);
    assert!(second.body.contains("rel=\"prev\""));
    assert!(!second.body.contains("rel=\"next\""));
    assert!(second.body.contains("Hela organisationen"), "on every page");

    // A page past the end shows the last one; anything else the first.
    let past = c.get(&format!("{base}?sida=99")).await;
    assert_eq!(unit_rows(&past.body), all[50..]);
    let odd = c.get(&format!("{base}?sida=x")).await;
    assert_eq!(odd.status, StatusCode::OK);
    assert_eq!(unit_rows(&odd.body), all[..50]);
}

#[tokio::test]
async fn a_small_organisation_has_no_pager() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let page = c.get(&format!("/omgangar/2026/org/{}", w.own)).await;
    assert!(!page.body.contains("class=\"pager\""), "{}", page.body);
    let rep = report(&w.store, "2026").await;
    assert_eq!(
        unit_rows(&page.body).len(),
        rep.org(&w.own).unwrap().units.len()
    );
}

#[tokio::test]
async fn the_api_gives_the_county_without_units_and_units_a_page_at_a_time() {
    let w = world().await;
    for i in 0..30 {
        store_unit(&w, &w.own, &format!("Enhet {i:03}"), 3).await;
    }
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let json = |body: &str| serde_json::from_str::<serde_json::Value>(body).unwrap();

    let whole = c.get("/api/v1/rounds/2026/summary").await;
    let lean = c.get("/api/v1/rounds/2026/summary?enheter=nej").await;
    assert_eq!(lean.status, StatusCode::OK);
    assert!(
        lean.bytes.len() * 2 < whole.bytes.len(),
        "{} vs {}",
        lean.bytes.len(),
        whole.bytes.len()
    );
    let (whole, lean) = (json(&whole.body), json(&lean.body));
    assert_eq!(lean["county"], whole["county"], "the same county figures");
    let orgs = lean["organisations"].as_array().unwrap();
    assert_eq!(orgs.len(), whole["organisations"].as_array().unwrap().len());
    for (l, w) in orgs.iter().zip(whole["organisations"].as_array().unwrap()) {
        assert_eq!(l["units"], serde_json::json!([]));
        assert_eq!(l["scores"], w["scores"]);
    }
    let bad = c.get("/api/v1/rounds/2026/summary?enheter=kanske").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        json(&bad.body)
            .to_string()
            .contains("enheter ska vara ja eller nej")
    );

    let base = format!("/api/v1/rounds/2026/org/{}", w.own);
    let all = json(&c.get(&base).await.body)["organisations"][0]["units"].clone();
    let all = all.as_array().unwrap();
    assert!(all.len() > 30);
    let p2 = json(&c.get(&format!("{base}?sida=2&per_sida=20")).await.body);
    assert_eq!(
        p2["organisations"][0]["units"].as_array().unwrap(),
        &all[20..all.len().min(40)]
    );
    let past = json(&c.get(&format!("{base}?sida=99&per_sida=20")).await.body);
    assert_eq!(past["organisations"][0]["units"], serde_json::json!([]));
    for q in ["sida=0", "per_sida=0", "per_sida=1001", "sida=x"] {
        let r = c.get(&format!("{base}?{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(
            json(&r.body).to_string().contains("per_sida"),
            "{q}: {}",
            r.body
        );
    }
}
