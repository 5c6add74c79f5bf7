//! Lokala planer on the web, the activity list as CSV and JSON, and who sees activities before
//! any round is published.

use axum::http::StatusCode;
use nara_core::activity::{LocalPlan, PlanStatus};
use nara_core::{OrgCode, RoundStatus};

use crate::support::{Client, World, world};

async fn plans(w: &World, org: &str) -> Vec<LocalPlan> {
    let org = OrgCode::parse(org).unwrap();
    w.store.plans(Some(&org)).await.unwrap()
}

fn plan_form<'a>(token: &'a str, name: &'a str, party: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", token),
        ("name", name),
        ("parties", party),
        ("parties", "2062"),
        ("partners", "Hälsocentralen Norr\nPensionärsföreningen"),
        ("start", "2026-01-01"),
        ("end", "2028-12-31"),
        ("status", "utkast"),
        ("systemledning", "under uppbyggnad"),
        ("areas", "D1"),
    ]
}

#[tokio::test]
async fn a_respondent_adds_and_changes_their_organisations_plan() {
    let w = world().await;
    let (own, other) = (w.own.clone(), w.other.clone());
    let mut c = Client::new(&w);
    c.sign_in("resp").await;
    let page = c.get(&format!("/aktiviteter/{own}")).await;
    assert!(
        page.body
            .contains(&format!(r#"href="/aktiviteter/{own}/planer/ny""#)),
        "{}",
        page.body
    );
    let form = c.get(&format!("/aktiviteter/{own}/planer/ny")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Ny lokal plan i samverkan"));
    let token = Client::csrf(&form.body);
    let before = plans(&w, &own).await;
    let new = format!("/aktiviteter/{own}/planer/ny");

    // Problems: no name, a start that is not a date, the own organisation left out.
    let mut bad = plan_form(&token, "", &other);
    bad.retain(|(k, _)| *k != "start");
    bad.push(("start", "första januari"));
    let r = c.post(&new, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="plan-start-fel""#), "{}", r.body);
    assert!(r.body.contains(r#"value="första januari""#));
    assert!(r.body.contains(r#"id="plan-parties-fel""#), "{}", r.body);
    assert!(r.body.contains("ska vara part i planen"));
    assert!(r.body.contains("Pensionärsföreningen"), "values kept");
    assert_eq!(plans(&w, &own).await, before, "nothing stored");

    // Added, then listed with a link to change it.
    let r = c
        .post(&new, &plan_form(&token, "Samverkansplan 2026–2028", &own))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/aktiviteter/{own}?klart=plan"));
    let after = plans(&w, &own).await;
    assert_eq!(after.len(), before.len() + 1);
    let p = after
        .iter()
        .find(|p| p.name == "Samverkansplan 2026–2028")
        .unwrap();
    assert_eq!(p.partners.len(), 2);
    assert_eq!(p.parties.len(), 2);
    let listed = c.get(r.location()).await;
    assert!(listed.body.contains("Planen är tillagd."));
    let edit = format!("/aktiviteter/{own}/planer/{}", p.id);
    assert!(listed.body.contains(&format!(r#"href="{edit}""#)));

    // Decided without a date: refused; with one: stored and audited.
    let page = c.get(&edit).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"value="Samverkansplan 2026–2028""#));
    let mut decided = plan_form(&token, "Samverkansplan 2026–2028", &own);
    decided.retain(|(k, _)| *k != "status");
    decided.push(("status", "beslutad"));
    let r = c.post(&edit, &decided).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="plan-decided_on-fel""#), "{}", r.body);
    decided.push(("decided_on", "2026-02-15"));
    decided.push(("decided_by", "Socialnämnden"));
    let r = c.post(&edit, &decided).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = plans(&w, &own).await;
    let p2 = stored.iter().find(|x| x.id == p.id).unwrap();
    assert_eq!(p2.status, PlanStatus::Beslutad);
    assert_eq!(p2.decided_by, "Socialnämnden");
    let log = w.store.audit_log(50, None).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.actor == "resp" && e.details.contains("Samverkansplan")),
        "{log:?}"
    );

    // Another organisation's plan: no form, and posting is refused.
    let theirs = plans(&w, &other).await;
    let path = format!("/aktiviteter/{other}/planer/{}", theirs[0].id);
    assert_eq!(c.get(&path).await.status, StatusCode::FORBIDDEN);
    let r = c.post(&path, &plan_form(&token, "Kapad", &own)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(plans(&w, &other).await, theirs, "nothing stored");
    // A reader gets no form either.
    let mut reader = Client::new(&w);
    reader.sign_in("reader").await;
    assert_eq!(
        reader.get(&edit).await.status,
        StatusCode::FORBIDDEN,
        "readers never edit"
    );
    let page = reader.get(&format!("/aktiviteter/{own}")).await;
    assert!(!page.body.contains("/planer/"), "no links to forms");
}

#[tokio::test]
async fn before_anything_is_published_only_the_own_organisations_activities_are_seen() {
    let w = world().await;
    let (own, other) = (w.own.clone(), w.other.clone());
    for r in w.store.rounds().await.unwrap() {
        if r.status == RoundStatus::Published {
            nara_app::rounds::change_status(
                w.store.as_ref(),
                r.id,
                RoundStatus::Closed,
                "Fel i underlaget",
                "test",
            )
            .await
            .unwrap();
        }
    }
    // The respondent's organisation gets an activity of its own (the demo may give it none).
    let mut admin = Client::new(&w);
    admin.sign_in("admin").await;
    let token = Client::csrf(&admin.get(&format!("/aktiviteter/{own}")).await.body);
    let form = [
        ("csrf", token.as_str()),
        ("title", "Egen aktivitet före publicering"),
        ("areas", "D1"),
        ("category", "annat"),
        ("status", "planerad"),
    ];
    let r = admin.post(&format!("/aktiviteter/{own}"), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let own_code = OrgCode::parse(&own).unwrap();
    let other_code = OrgCode::parse(&other).unwrap();
    let mine = w.store.activities(Some(&own_code)).await.unwrap();
    let theirs = w.store.activities(Some(&other_code)).await.unwrap();
    assert!(!mine.is_empty() && !theirs.is_empty());

    let mut reader = Client::new(&w);
    reader.sign_in("reader").await;
    assert_eq!(
        reader.get(&format!("/aktiviteter/{own}")).await.status,
        StatusCode::FORBIDDEN
    );
    let list = reader.get("/aktiviteter").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains(&theirs[0].title));
    assert!(!list.body.contains(&mine[0].title));
    let api = reader.get("/api/v1/activities").await;
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(json["total"], 0, "{json}");
    let csv = reader.get("/aktiviteter.csv").await;
    assert_eq!(csv.body.lines().count(), 1, "only the header: {}", csv.body);
    let plans = reader.get("/api/v1/plans").await;
    assert_eq!(plans.body, "[]");

    let mut resp = Client::new(&w);
    resp.sign_in("resp").await;
    assert_eq!(
        resp.get(&format!("/aktiviteter/{own}")).await.status,
        StatusCode::OK
    );
    let path = format!("/aktiviteter/{other}/{}", theirs[0].id);
    assert_eq!(resp.get(&path).await.status, StatusCode::FORBIDDEN);
    let list = resp.get("/aktiviteter").await;
    assert!(list.body.contains(&mine[0].title));
    assert!(!list.body.contains(&theirs[0].title));
    let api = resp.get("/api/v1/activities?per_sida=500").await;
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(json["total"], mine.len(), "{json}");
    let owners: Vec<&str> = (json["activities"].as_array().unwrap().iter())
        .map(|a| a["owner"].as_str().unwrap())
        .collect();
    assert!(owners.iter().all(|o| *o == own), "{owners:?}");
    let csv = resp.get("/aktiviteter.csv").await;
    assert!(csv.body.contains(&mine[0].title));
    assert!(!csv.body.contains(&theirs[0].title));

    let api = admin.get("/api/v1/activities?per_sida=500").await;
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let all = w.store.activities(None).await.unwrap();
    assert_eq!(json["total"], all.len());
}

#[tokio::test]
async fn the_list_downloads_as_csv_with_its_filters_and_pages_as_json() {
    let w = world().await;
    let (own, other) = (w.own.clone(), w.other.clone());
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let page = c.get(&format!("/aktiviteter?org={own}")).await;
    assert!(
        page.body
            .contains(&format!(r#"href="/aktiviteter.csv?org={own}""#)),
        "{}",
        page.body
    );
    let token = Client::csrf(&c.get(&format!("/aktiviteter/{own}")).await.body);
    let form = [
        ("csrf", token.as_str()),
        ("title", "=HYPERLINK(\"http://x\";\"klick\")"),
        ("areas", "D2"),
        ("category", "kompetens"),
        ("status", "planerad"),
    ];
    let r = c.post(&format!("/aktiviteter/{own}"), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let csv = c.get(&format!("/aktiviteter.csv?org={own}")).await;
    assert_eq!(csv.status, StatusCode::OK);
    let kind = csv.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(kind.starts_with("text/csv"), "{kind}");
    assert!(
        csv.body.contains("'=HYPERLINK"),
        "neutralised: {}",
        csv.body
    );
    let theirs = w
        .store
        .activities(Some(&OrgCode::parse(&other).unwrap()))
        .await
        .unwrap();
    assert!(!csv.body.contains(&theirs[0].title), "filtered");
    let mine = w
        .store
        .activities(Some(&OrgCode::parse(&own).unwrap()))
        .await
        .unwrap();
    assert_eq!(csv.body.lines().count(), mine.len() + 1);

    // The API: a page at a time, counts over all that the filters keep.
    let first = c
        .get(&format!("/api/v1/activities?org={own}&per_sida=1"))
        .await;
    let json: serde_json::Value = serde_json::from_str(&first.body).unwrap();
    assert_eq!(json["total"], mine.len(), "{json}");
    assert_eq!(json["activities"].as_array().unwrap().len(), 1);
    let second = c
        .get(&format!("/api/v1/activities?org={own}&per_sida=1&sida=2"))
        .await;
    let json2: serde_json::Value = serde_json::from_str(&second.body).unwrap();
    assert_ne!(json["activities"][0]["id"], json2["activities"][0]["id"]);
    let d2 = c
        .get("/api/v1/activities?delmal=D2&kategori=kompetens")
        .await;
    let json: serde_json::Value = serde_json::from_str(&d2.body).unwrap();
    assert!(
        (json["activities"].as_array().unwrap().iter())
            .any(|a| a["title"].as_str().unwrap().starts_with("=HYPERLINK")),
        "{json}"
    );
    let bad = c.get("/api/v1/activities?sida=0").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("\"error\""), "{}", bad.body);
    let mut anon = Client::new(&w);
    assert_eq!(
        anon.get("/api/v1/activities").await.status,
        StatusCode::UNAUTHORIZED
    );
}
