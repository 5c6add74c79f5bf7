//! The coordinator's notice box after an action says only what the server itself wrote.

use axum::http::StatusCode;

use crate::support::{Client, world};

#[tokio::test]
async fn a_crafted_address_puts_no_words_in_the_notice() {
    let w = world().await;
    let mut a = Client::new(&w);
    a.sign_in("admin").await;
    // The attacker's words are Swedish text, which no random token on the page can contain.
    for query in [
        "klart=Ditt%20l%C3%B6senord%20har%20g%C3%A5tt%20ut%2C%20ring%20supporten",
        "klart=status&omgang=2026%20ring%20supporten",
        "klart=ring%20supporten&omgang=2026",
    ] {
        let r = a.get(&format!("/omgangar?{query}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains("supporten"), "{query}");
        assert!(
            !r.body.contains("class=\"notice"),
            "{query}: no notice at all"
        );
    }
    // The notice after a real action is written from the round as stored.
    let page = a.get("/omgangar").await;
    let token = Client::csrf(&page.body);
    let made = a
        .post("/omgangar", &[("id", "2030"), ("csrf", &token)])
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(made.location(), "/omgangar?klart=skapad&omgang=2030");
    let shown = a.get(made.location()).await;
    assert!(
        shown.body.contains("Omgången 2030 är skapad som utkast."),
        "{}",
        shown.body
    );
}
