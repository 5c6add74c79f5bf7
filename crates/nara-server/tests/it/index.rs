//! No index from too few delmål (issue 15, item 6): where fewer delmål are scored than the
//! instrument requires (3 of 5), every page that shows an index says "inget index" instead of a
//! number, and says why once: the answer link's result, the unit, organisation and county
//! pages, and the upload result.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use nara_core::{Answer, AnswerSet, Instrument, RoundId, UnitName};

use crate::support::{Client, report, world};

/// What a unit with only delmål 1 scored is told.
const WHY: &str =
    "Inget index: bara 1 av 5 delmål har tillräckligt många svar; index kräver minst 3.";
/// The rule under a table with some index missing.
const RULE: &str = "Inget index: färre än 3 av 5 delmål har tillräckligt många svar.";

/// Issue 15's form: 8 of 27 statements answered, all 1 (delmål 1 whole, D2.1 and D2.2).
fn eight_of_27(inst: &Instrument) -> AnswerSet {
    let mut set = AnswerSet::default();
    for (_, st) in inst.statements().take(8) {
        set.answers.insert(st.id.clone(), Answer::Level(1));
    }
    set
}

async fn store_short(w: &crate::support::World, org: &str, unit: &str) {
    let resp = crate::support::unit_answer("2026", org, unit, eight_of_27(&Instrument::dalarna()));
    w.store
        .store_response(&resp, &format!("h-{org}-{unit}"), "test", "test")
        .await
        .unwrap();
}

#[tokio::test]
async fn the_answer_links_result_says_why_there_is_no_index() {
    let w = world().await;
    let mut admin = Client::new(&w);
    admin.sign_in("admin").await;
    let page = admin
        .get(&format!("/omgangar/2026/lankar?org={}", w.own))
        .await;
    let token = Client::csrf(&page.body);
    let made = admin
        .post(
            "/omgangar/2026/lankar",
            &[
                ("org", w.own.as_str()),
                ("unit", "Kortenheten"),
                ("raters", ""),
                ("csrf", token.as_str()),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let url = made
        .body
        .split("<code class=\"url\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .map(|u| u.strip_prefix("http://localhost").unwrap_or(u).to_string())
        .expect("a link is shown");
    let inst = Instrument::dalarna();
    let mut c = Client::new(&w);
    for id in eight_of_27(&inst).answers.keys() {
        let r = c
            .post(
                &format!("{url}/utkast"),
                &[(format!("svar:{id}").as_str(), "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let sent = c
        .post(&url, &[("handling", "skicka"), ("bekrafta", "ja")])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let result = c.get(sent.location()).await.body;
    assert!(result.contains("Tack!"), "{result}");
    assert!(result.contains(WHY), "{result}");
    assert!(
        !result.contains("Index: 1,00") && !result.contains("Index: för få svar"),
        "no index from one delmål: {result}"
    );
    // Delmål 1 itself is still shown with its mean.
    assert!(result.contains("1,00"));
}

#[tokio::test]
async fn unit_organisation_and_county_pages_say_inget_index_and_why_once() {
    let w = world().await;
    store_short(&w, &w.own, "Kortenheten").await;
    // An organisation that had not answered 2026 answers with one short form only.
    let before = report(&w.store, "2026").await;
    let lone = before
        .not_answered
        .first()
        .expect("someone has not answered")
        .id
        .clone();
    store_short(&w, &lone, "Enda enheten").await;
    let rep = report(&w.store, "2026").await;
    let short = rep
        .org(&w.own)
        .unwrap()
        .units
        .iter()
        .find(|u| u.name == "Kortenheten")
        .unwrap();
    assert_eq!(short.result.scores.overall, None);
    assert_eq!(rep.org(&lone).unwrap().scores.overall, None);
    assert!(
        rep.county.overall.is_some(),
        "other organisations have an index"
    );

    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let key = UnitName::parse("Kortenheten").unwrap().key();
    let unit = c
        .get(&format!(
            "/omgangar/2026/org/{}/enhet/{}",
            w.own,
            nara_server::pages::seg(&key)
        ))
        .await;
    assert_eq!(unit.status, StatusCode::OK, "{}", unit.body);
    assert_eq!(unit.body.matches(WHY).count(), 1, "{}", unit.body);
    assert!(!unit.body.contains("Index: för få svar"));

    // The organisation: the short unit's index cell says "inget index"; the rule once.
    let org = c.get(&format!("/omgangar/2026/org/{}", w.own)).await.body;
    let row_start = org.find(">Kortenheten</a>").unwrap();
    let row = &org[row_start..row_start + org[row_start..].find("</tr>").unwrap()];
    assert!(row.contains(">inget index<"), "{row}");
    assert_eq!(org.matches(RULE).count(), 1, "said once");
    // The organisation of one short unit: its own reason.
    let lone_page = c.get(&format!("/omgangar/2026/org/{lone}")).await.body;
    assert_eq!(lone_page.matches(WHY).count(), 1, "{lone_page}");

    // The county: the organisation's row says "inget index", the rule is said once, and the
    // count of organisations with an index leaves it out.
    let county = c.get("/omgangar/2026").await.body;
    let row_start = county.find(&format!("/org/{lone}\"")).unwrap();
    let row = &county[row_start..row_start + county[row_start..].find("</tr>").unwrap()];
    assert!(row.contains(">inget index<"), "{row}");
    assert_eq!(county.matches(RULE).count(), 1, "said once");
    assert!(
        county.contains(&format!("{} har index.", rep.county.orgs_scored)),
        "organisations with an index"
    );
}

const BOUNDARY: &str = "----nara-index-boundary";

#[tokio::test]
async fn the_upload_result_says_why_a_form_has_no_index() {
    let w = world().await;
    let inst = Instrument::dalarna();
    let orgs = nara_core::Organisations::dalarna();
    let org = orgs.find(&w.own).unwrap();
    let round = nara_core::Round {
        id: RoundId::parse("2026").unwrap(),
        instrument_id: inst.id().to_string(),
        instrument_version: inst.version().to_string(),
        status: nara_core::RoundStatus::Open,
        opens: None,
        closes: None,
    };
    let form = nara_excel::write_filled_form(
        &nara_excel::FormSpec {
            instrument: &inst,
            org,
            round: &round,
            send_to: None,
        },
        &nara_excel::Filled {
            unit: "Kortenheten".into(),
            answers: eight_of_27(&inst),
            ..Default::default()
        },
    )
    .unwrap();
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let token = Client::csrf(&c.get("/omgangar/2026/inlasning").await.body);
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"filer\"; filename=\"kort.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(&form);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let r = c
        .send(
            Request::post("/omgangar/2026/inlasning")
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("kort.xlsx"), "{}", r.body);
    assert_eq!(r.body.matches(WHY).count(), 1, "{}", r.body);
}
