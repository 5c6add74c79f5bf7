//! Round changes in two steps: the button shows what will happen and to whom, only the
//! confirmation changes anything; an empty round is not published; a publication can be taken
//! back with a reason; the start page is the newest round with answers.

use axum::http::StatusCode;
use nara_core::{RoundId, RoundStatus};

use crate::support::{Client, world};

async fn status(w: &crate::support::World, id: &str) -> RoundStatus {
    nara_app::rounds::get(w.store.as_ref(), RoundId::parse(id).unwrap())
        .await
        .unwrap()
        .status
}

#[tokio::test]
async fn a_status_change_asks_first_and_says_to_whom() {
    let w = world().await;
    let mut a = Client::new(&w);
    a.sign_in("admin").await;
    let rounds = a.get("/omgangar").await.body;
    // The buttons lead to the confirmation; they change nothing themselves.
    assert!(rounds.contains(r#"<form method="get" action="/omgangar/2026/status""#));
    let ask = a.get("/omgangar/2026/status?till=closed").await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(ask.body.contains("Stäng omgång 2026?"), "{}", ask.body);
    assert!(ask.body.contains("Inga fler svar tas emot"));
    assert!(ask.body.contains("organisationer har svarat"));
    assert_eq!(status(&w, "2026").await, RoundStatus::Open);
    // A POST without the confirmation only shows the question again.
    let token = Client::csrf(&ask.body);
    let once = a
        .post(
            "/omgangar/2026/status",
            &[("to", "closed"), ("csrf", &token)],
        )
        .await;
    assert_eq!(once.status, StatusCode::OK);
    assert_eq!(status(&w, "2026").await, RoundStatus::Open);
    let done = a
        .post(
            "/omgangar/2026/status",
            &[("to", "closed"), ("csrf", &token), ("bekrafta", "ja")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(status(&w, "2026").await, RoundStatus::Closed);
    assert!(
        a.get(done.location())
            .await
            .body
            .contains("Omgången 2026 är nu stängd.")
    );
    // Publishing names who will see it.
    let ask = a.get("/omgangar/2026/status?till=published").await.body;
    assert!(ask.contains("läsare") && ask.contains("respondenterna i alla organisationer"));
}

#[tokio::test]
async fn an_empty_round_is_not_published_and_not_the_start_page() {
    let w = world().await;
    let mut a = Client::new(&w);
    a.sign_in("admin").await;
    let token = Client::csrf(&a.get("/omgangar").await.body);
    a.post("/omgangar", &[("id", "2027"), ("csrf", &token)])
        .await;
    for to in ["open", "closed"] {
        let r = a
            .post(
                "/omgangar/2027/status",
                &[("to", to), ("csrf", &token), ("bekrafta", "ja")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{to}: {}", r.body);
    }
    let refused = a
        .post(
            "/omgangar/2027/status",
            &[("to", "published"), ("csrf", &token), ("bekrafta", "ja")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("har inga svar och kan inte publiceras")
    );
    assert_eq!(status(&w, "2027").await, RoundStatus::Closed);
    // The newest round is empty: the start page is the newest with answers.
    let home = a.get("/").await;
    assert_eq!(home.location(), "/omgangar/2026");
}

#[tokio::test]
async fn a_publication_is_taken_back_with_a_reason() {
    let w = world().await;
    let mut a = Client::new(&w);
    a.sign_in("admin").await;
    let ask = a.get("/omgangar/2025/status?till=closed").await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(
        ask.body
            .contains("Ta tillbaka publiceringen av omgång 2025?")
    );
    assert!(ask.body.contains(r#"name="skal""#));
    let token = Client::csrf(&ask.body);
    let no_reason = a
        .post(
            "/omgangar/2025/status",
            &[("to", "closed"), ("csrf", &token), ("bekrafta", "ja")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("Skriv varför"));
    assert_eq!(status(&w, "2025").await, RoundStatus::Published);
    let mut reader = Client::new(&w);
    reader.sign_in("reader").await;
    assert_eq!(reader.get("/omgangar/2025").await.status, StatusCode::OK);
    let back = a
        .post(
            "/omgangar/2025/status",
            &[
                ("to", "closed"),
                ("csrf", &token),
                ("bekrafta", "ja"),
                ("skal", "Fel blankett från Mora"),
            ],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(status(&w, "2025").await, RoundStatus::Closed);
    assert_eq!(
        reader.get("/omgangar/2025").await.status,
        StatusCode::NOT_FOUND
    );
    let log = a.get("/admin/logg?handling=round.unpublish").await.body;
    assert!(log.contains("Fel blankett från Mora"), "{log}");
    // Nobody else can.
    let mut resp = Client::new(&w);
    resp.sign_in("resp").await;
    assert_eq!(
        resp.get("/omgangar/2024/status?till=closed").await.status,
        StatusCode::FORBIDDEN
    );
}
