//! New answer links are shown as whole addresses (the configured public address, or the host
//! the coordinator's browser used), each with a ready-to-send message; and the result after a
//! submission is never older than the submission.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use nara_server::Config;

use crate::support::{Client, world, world_with};

/// Creates round 2030 closing 2030-04-30, opens it, and makes links for two raters of the own
/// organisation; returns the page.
async fn made_links(c: &mut Client<'_>, own: &str, host: Option<&str>) -> String {
    let token = Client::csrf(&c.get("/omgangar").await.body);
    c.post(
        "/omgangar",
        &[("id", "2030"), ("closes", "2030-04-30"), ("csrf", &token)],
    )
    .await;
    c.post(
        "/omgangar/2030/status",
        &[("to", "open"), ("csrf", &token), ("bekrafta", "ja")],
    )
    .await;
    let body = format!(
        "org={own}&unit=Hemtj%C3%A4nsten&raters=Anna%0ABo&csrf={}",
        crate::support::enc(&token)
    );
    let mut req = Request::post("/omgangar/2030/lankar")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(h) = host {
        req = req.header(header::HOST, h);
    }
    let r = c.send(req.body(Body::from(body)).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

fn addresses(page: &str) -> Vec<String> {
    page.split("<code class=\"url\">")
        .skip(1)
        .filter_map(|s| s.split('<').next().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn links_are_whole_addresses_with_a_message() {
    let w = world_with(Config {
        public_url: Some("https://nara.example.se".into()),
        ..Config::default()
    })
    .await;
    let mut a = Client::new(&w);
    a.sign_in("admin").await;
    let page = made_links(&mut a, &w.own, Some("intern-vard:8080")).await;
    let urls = addresses(&page);
    assert_eq!(urls.len(), 2, "{page}");
    for u in &urls {
        let token = u
            .strip_prefix("https://nara.example.se/svar/")
            .unwrap_or_else(|| panic!("{u} starts with the public address"));
        assert_eq!(token.len(), 64);
        // The address works.
        let mut anyone = Client::new(&w);
        assert_eq!(
            anyone.get(&format!("/svar/{token}")).await.status,
            StatusCode::OK
        );
    }
    // One message per link, with its address, the organisation and the last day.
    let messages: Vec<&str> = page
        .split("class=\"message\"")
        .skip(1)
        .map(|s| s.split("</textarea>").next().unwrap())
        .collect();
    assert_eq!(messages.len(), 2);
    for (m, u) in messages.iter().zip(&urls) {
        assert!(m.contains(u.as_str()), "{m}");
        assert!(m.contains("Svara senast 2030-04-30"), "{m}");
        assert!(m.contains("omgång 2030"), "{m}");
    }
    assert!(messages[0].contains("Anna") && messages[1].contains("Bo"));
    assert!(page.contains("/static/copy.js"));
    assert_eq!(a.get("/static/copy.js").await.status, StatusCode::OK);
}

#[tokio::test]
async fn without_a_public_address_the_browsers_host_is_used() {
    let w = world().await;
    let mut a = Client::new(&w);
    a.sign_in("admin").await;
    let page = made_links(&mut a, &w.own, Some("nara.lan:8080")).await;
    assert!(
        addresses(&page)
            .iter()
            .all(|u| u.starts_with("http://nara.lan:8080/svar/")),
        "{page}"
    );
}

#[test]
fn a_public_address_is_checked() {
    use nara_server::parse_public_url as p;
    assert_eq!(
        p("https://nara.example.se/").unwrap(),
        "https://nara.example.se"
    );
    assert_eq!(p("http://10.1.2.3:8080").unwrap(), "http://10.1.2.3:8080");
    assert_eq!(p("https://x.se/nara").unwrap(), "https://x.se/nara");
    for bad in [
        "nara.example.se",
        "ftp://x.se",
        "https://",
        "https://a b.se",
        "https://x.se/?a=1",
        "https://x\".se",
    ] {
        let e = p(bad).unwrap_err();
        assert!(
            e.contains(bad.trim()) || e.contains("https://"),
            "{bad}: {e}"
        );
    }
}

#[tokio::test]
async fn the_result_after_a_second_submission_is_the_new_one() {
    let w = world().await;
    let mut a = Client::new(&w);
    a.sign_in("admin").await;
    let page = made_links(&mut a, &w.own, None).await;
    let url = addresses(&page)[0].replace("http://localhost", "");
    let inst = nara_core::Instrument::dalarna();
    let mut r = Client::new(&w);
    // 8 answers of 1, submitted (confirming the short form when asked).
    let ids: Vec<String> = inst.statements().map(|(_, s)| s.id.to_string()).collect();
    let eight: Vec<(String, String)> = ids[..8]
        .iter()
        .map(|id| (format!("svar:{id}"), "1".to_string()))
        .collect();
    let submit = |fields: &[(String, String)]| {
        let mut f: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        f.push(("handling", "skicka"));
        f.push(("bekrafta", "ja"));
        f.into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };
    // Without the confirmation the server asks first, and names the delmål without a score.
    let mut unconfirmed: Vec<(&str, &str)> = eight
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    unconfirmed.push(("handling", "skicka"));
    let asked = r.post(&url, &unconfirmed).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(
        asked.body.contains("Skicka in med för få svar?"),
        "{}",
        asked.body
    );
    assert!(asked.body.contains("D5 "), "{}", asked.body);
    assert!(
        w.store
            .responses(nara_core::RoundId::parse("2030").unwrap())
            .await
            .unwrap()
            .is_empty()
    );
    // The form counts what is answered.
    assert!(
        r.get(&url)
            .await
            .body
            .contains(r#"<span class="answered-count">8</span> av 27"#)
    );
    let f = submit(&eight);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let sent = r.post(&url, &f).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let first = r.get(sent.location()).await.body;
    assert!(first.contains("Tack!"));
    // Everything with 4, submitted again: the result says 4,00 at once.
    let all: Vec<(String, String)> = ids
        .iter()
        .map(|id| (format!("svar:{id}"), "4".to_string()))
        .collect();
    let f = submit(&all);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let sent = r.post(&url, &f).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let second = r.get(sent.location()).await.body;
    assert!(second.contains("4,00"), "{second}");
    assert!(!second.contains("1,00"), "no stale index: {second}");
}

#[tokio::test]
async fn the_new_links_come_as_a_csv_file_too() {
    let w = world().await;
    let mut a = Client::new(&w);
    a.sign_in("admin").await;
    let page = made_links(&mut a, &w.own, None).await;
    let href = page
        .split("href=\"data:text/csv;charset=utf-8,")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a CSV link");
    // Percent-decoded, the file has a header and one row per link, with the whole addresses.
    let bytes: Vec<u8> = {
        let b = href.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                out.push(
                    u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap(),
                );
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        out
    };
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with("\u{feff}\"Verksamhet\";\"Bedömare\";\"Länk\";\"Meddelande\"\r\n"));
    for u in addresses(&page) {
        assert!(text.contains(&format!("\"{u}\"")), "{u} in {text}");
    }
    assert!(text.contains("\"Anna\"") && text.contains("\"Bo\""));
    assert!(page.contains("download=\"svarslankar-2030-"));
}

#[tokio::test]
async fn the_link_form_suggests_last_rounds_unit_names() {
    let w = crate::support::world().await;
    let mut c = crate::support::Client::new(&w);
    c.sign_in("admin").await;
    let page = c.get(&format!("/omgangar/2026/lankar?org={}", w.own)).await;
    assert_eq!(page.status, axum::http::StatusCode::OK);
    let before = crate::support::report(&w.store, "2025").await;
    let units: Vec<String> = (before.org(&w.own).unwrap().units.iter())
        .map(|u| u.name.to_string())
        .collect();
    assert!(!units.is_empty());
    assert!(
        page.body.contains("<datalist id=\"forra-enheter\">"),
        "{}",
        page.body
    );
    for u in &units {
        let escaped = u
            .replace('&', "&#38;")
            .replace('<', "&#60;")
            .replace('>', "&#62;")
            .replace('"', "&#34;")
            .replace('\'', "&#39;");
        assert!(
            page.body.contains(&format!("<option value=\"{escaped}\">")),
            "{u}"
        );
    }
    assert!(page.body.contains("list=\"forra-enheter\""));
}
