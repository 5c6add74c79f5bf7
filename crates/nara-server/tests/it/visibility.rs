//! What a viewer may see is also what every file and every comparison holds: the contents of
//! each download are read, not only its status, and a comparison never draws on a round the
//! viewer may not see.

use axum::http::StatusCode;
use nara_core::{RoundId, RoundStatus};

use crate::support::{
    ACTIVITY_SHEETS, Client, download_text, download_text_without, report, sheet_cells, world,
};

fn exports(round: &str, own: &str, other: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "summary",
            format!("/omgangar/{round}/export/lanssammanstallning.xlsx"),
        ),
        ("raw", format!("/omgangar/{round}/export/radata.csv")),
        ("org-own", format!("/omgangar/{round}/export/org/{own}")),
        ("org-other", format!("/omgangar/{round}/export/org/{other}")),
    ]
}

#[tokio::test]
async fn every_download_holds_only_what_its_reader_may_see() {
    let w = world().await;
    let rep = report(&w.store, "2026").await;
    let own_name = rep.org(&w.own).unwrap().name.clone();
    let others: Vec<String> = rep
        .organisations
        .iter()
        .filter(|o| o.code != w.own && !own_name.contains(&o.name))
        .map(|o| o.name.clone())
        .collect();
    let mut read = 0;
    for (round, published) in [("2025", true), ("2026", false)] {
        for user in ["admin", "resp", "reader"] {
            let mut c = Client::new(&w);
            c.sign_in(user).await;
            for (name, path) in exports(round, &w.own, &w.other) {
                let r = c.get(&path).await;
                if r.status != StatusCode::OK {
                    continue;
                }
                read += 1;
                // The organisation's own plans name their parties (the region is a party to
                // every kommun's plan): the activity sheets are checked apart.
                let text = download_text_without(&r.bytes, &ACTIVITY_SHEETS);
                let sees_county = user == "admin" || published;
                if name == "org-own" || name == "org-other" {
                    assert_eq!(
                        text.contains("Länets medel"),
                        sees_county,
                        "{user} {path}: the county mean is shown exactly when the county is visible"
                    );
                }
                if !sees_county {
                    for o in &others {
                        assert!(!text.contains(o.as_str()), "{user} {path} names {o}");
                    }
                }
            }
        }
    }
    // admin 2×4, respondent 4 + 1, reader 4 (the open round is invisible to readers).
    assert_eq!(read, 8 + 5 + 4);
}

/// Publishes 2026 and takes 2025 back to closed, straight in the store: the newest earlier
/// round a reader may see is then 2024. The demo's nyckeltal are removed: their calendar years
/// (up to 2025) are not rounds, and here any "2025" in a file must be the round.
async fn published_after_a_closed_round() -> crate::support::World {
    let w = world().await;
    let stored = w.store.indicator_values(&[]).await.unwrap();
    assert!(!stored.is_empty(), "the demo stores nyckeltal");
    let gone: Vec<_> = (stored.into_iter())
        .map(|s| nara_core::indicator::kolada::Value {
            deleted: true,
            ..s.value
        })
        .collect();
    let rows: Vec<nara_store::NewValue> = (gone.iter())
        .map(|value| nara_store::NewValue {
            value,
            published: None,
        })
        .collect();
    w.store
        .put_indicator_values(&rows, "test", "test")
        .await
        .unwrap();
    assert!(w.store.indicator_values(&[]).await.unwrap().is_empty());
    let (r25, r26) = (
        RoundId::parse("2025").unwrap(),
        RoundId::parse("2026").unwrap(),
    );
    w.store
        .set_round_status(r25, RoundStatus::Closed, "test")
        .await
        .unwrap();
    w.store
        .set_round_status(r26, RoundStatus::Closed, "test")
        .await
        .unwrap();
    w.store
        .set_round_status(r26, RoundStatus::Published, "test")
        .await
        .unwrap();
    w
}

#[tokio::test]
async fn a_comparison_never_draws_on_a_round_the_viewer_may_not_see() {
    let w = published_after_a_closed_round().await;
    let rep = report(&w.store, "2026").await;
    let unit = nara_server::pages::seg(&rep.org(&w.own).unwrap().units[0].name.key());
    let own = &w.own;
    let paths = [
        "/omgangar/2026".to_string(),
        format!("/omgangar/2026/org/{own}"),
        format!("/omgangar/2026/org/{own}/enhet/{unit}"),
        "/omgangar/2026/delmal/D1".to_string(),
        "/api/v1/rounds/2026/summary".to_string(),
        format!("/api/v1/rounds/2026/org/{own}"),
        "/omgangar/2026/export/lanssammanstallning.xlsx".to_string(),
        "/omgangar/2026/export/radata.csv".to_string(),
        format!("/omgangar/2026/export/org/{own}"),
    ];
    for user in ["reader", "resp"] {
        let mut c = Client::new(&w);
        c.sign_in(user).await;
        for path in &paths {
            let r = c.get(path).await;
            assert_eq!(r.status, StatusCode::OK, "{user} {path}");
            // A respondent may open their own organisation in the closed round, so its pages
            // list it in the round picker; files and the API compare and name nothing of it.
            if user == "resp" && !(path.contains("/export/") || path.starts_with("/api/")) {
                continue;
            }
            // The page's random tokens (the form's CSRF value) could hold any digits: left out.
            let mut text = download_text(&r.bytes);
            if text.contains(r#"name="csrf" value=""#) {
                text = text.replace(&Client::csrf(&text), "");
            }
            // The activity sheets hold dates and plan names with years in them (2025-06-30,
            // "plan 2025–2027"): what they hold of rounds is their follow-ups' round, checked
            // here cell by cell.
            if path.ends_with(".xlsx") || path.contains("/export/org/") {
                let cells = sheet_cells(&r.bytes, "Aktiviteter");
                assert!(
                    !cells.iter().any(|c| c == "2025"),
                    "{user} {path}: a follow-up of the closed round 2025"
                );
                assert!(
                    !path.ends_with(".xlsx") || cells.iter().any(|c| c == "2026"),
                    "{user} {path}: the round's own follow-ups are there"
                );
                text = download_text_without(&r.bytes, &ACTIVITY_SHEETS);
            }
            // The nyckeltal's years are calendar years (2019–2025), not rounds: their section
            // (the last of the page's content) is left out.
            if let Some(at) = text.find(r#"<h2 id="nyckeltal">"#) {
                let end = text[at..].find("</main>").map_or(text.len(), |e| at + e);
                text.replace_range(at..end, "");
            }
            assert!(
                !text.contains("2025"),
                "{user} {path} mentions the closed round 2025: …{}…",
                text.find("2025")
                    .map(|i| &text[text.floor_char_boundary(i.saturating_sub(150))
                        ..text.ceil_char_boundary(i + 60)])
                    .unwrap_or("")
            );
        }
        // The county overview compares with the newest round they may see.
        let county = c.get("/omgangar/2026").await.body;
        assert!(county.contains("2024"), "{user}: compared with 2024");
        let api: serde_json::Value =
            serde_json::from_str(&c.get("/api/v1/rounds/2026/summary").await.body).unwrap();
        assert_eq!(api["previous"], "2024", "{user}");
        let api: serde_json::Value =
            serde_json::from_str(&c.get(&format!("/api/v1/rounds/2026/org/{own}")).await.body)
                .unwrap();
        assert_eq!(api["previous"], "2024", "{user}");
    }
    // The coordinator compares with the round before, published or not.
    let mut a = Client::new(&w);
    a.sign_in("admin").await;
    let api: serde_json::Value =
        serde_json::from_str(&a.get("/api/v1/rounds/2026/summary").await.body).unwrap();
    assert_eq!(api["previous"], "2025");
    assert!(a.get("/omgangar/2026").await.body.contains("2025"));
}

/// An internal local indicator (the catalogue's X-DAL-001 made internal and measured for the
/// kommuner too) is in a file only for the coordinator and for the organisation's own readers.
#[tokio::test]
async fn an_internal_nyckeltal_is_downloaded_only_by_those_who_may_see_it() {
    let w = world().await;
    let toml = nara_core::indicator::DALARNA_TOML;
    let at = toml.find("id = \"X-DAL-001\"").unwrap();
    let tail = toml[at..]
        .replace("level = \"region\"", "level = \"both\"")
        .replace("public = true\n", "");
    let catalogue = format!("{}{tail}", &toml[..at]);
    nara_app::indicator_view::store_catalogue(w.store.as_ref(), &catalogue, "test")
        .await
        .unwrap();
    let expected = [
        ("admin", true, true, true),
        ("resp", false, true, false),
        ("reader", false, false, false),
    ];
    for (user, summary, own, other) in expected {
        let mut c = Client::new(&w);
        c.sign_in(user).await;
        for ((name, path), sees) in exports("2025", &w.own, &w.other)
            .into_iter()
            .filter(|(name, _)| *name != "raw")
            .zip([summary, own, other])
        {
            let r = c.get(&path).await;
            assert_eq!(r.status, StatusCode::OK, "{user} {path}");
            let text = download_text(&r.bytes);
            // A kommun's report has U21468, the region's U70449; the summary both.
            assert!(
                text.contains("yckeltal per delmål")
                    && (text.contains("U21468") || text.contains("U70449")),
                "{user} {name}: the sheet Nyckeltal with the public indicators"
            );
            assert_eq!(text.contains("X-DAL-001"), sees, "{user} {name}");
        }
    }
}
