//! Answering online: links (who may make them), the form (save without JavaScript, autosave,
//! leave and resume, submit, result), field validation, two tabs, revoked and closed links,
//! the consensus form; and that the same answers through Excel score the same.

use axum::http::StatusCode;
use nara_core::{Instrument, OrgCode, RoundId, RoundStatus, UnitName, fmt};

use crate::support::{Client, report, world};

/// Makes links through the page and returns (who, url) as shown once.
async fn make_links(
    c: &mut Client<'_>,
    org: &str,
    unit: &str,
    raters: &str,
    consensus: bool,
) -> Vec<(String, String)> {
    let page = c.get(&format!("/omgangar/2026/lankar?org={org}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let token = Client::csrf(&page.body);
    let mut form = vec![
        ("org", org),
        ("unit", unit),
        ("raters", raters),
        ("csrf", token.as_str()),
    ];
    if consensus {
        form.push(("consensus", "ja"));
    }
    let r = c.post("/omgangar/2026/lankar", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
        .split("<li>")
        .skip(1)
        .filter_map(|li| {
            let (who, rest) = li.split_once(": <code class=\"url\">")?;
            // The page shows whole addresses; the tests use their paths.
            let url = rest.split('<').next()?;
            let path = url.strip_prefix("http://localhost").unwrap_or(url);
            Some((who.to_string(), path.to_string()))
        })
        .collect()
}

#[tokio::test]
async fn who_may_make_and_revoke_links() {
    let w = world().await;
    let mut resp = Client::new(&w);
    resp.sign_in("resp").await;
    let made = make_links(&mut resp, &w.own, "Webbenheten", "Anna\nBo", true).await;
    assert_eq!(made.len(), 3, "{made:?}");
    assert!(made.iter().any(|(who, _)| who.ends_with("samsyn")));
    assert!(
        made.iter()
            .all(|(_, url)| url.starts_with("/svar/") && url.len() == "/svar/".len() + 64)
    );
    // Not for another organisation, and not for a reader.
    let token = Client::csrf(&resp.get("/omgangar/2026/lankar").await.body);
    let other = resp
        .post(
            "/omgangar/2026/lankar",
            &[("org", &w.other), ("unit", "X"), ("csrf", &token)],
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(
        resp.get(&format!("/omgangar/2026/lankar?org={}", w.other))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut reader = Client::new(&w);
    reader.sign_in("reader").await;
    assert_eq!(
        reader.get("/omgangar/2025/lankar").await.status,
        StatusCode::FORBIDDEN
    );
    // The coordinator may make links for anyone; a bad unit name is a Swedish error.
    let mut admin = Client::new(&w);
    admin.sign_in("admin").await;
    assert_eq!(
        make_links(&mut admin, &w.other, "Annan enhet", "", false)
            .await
            .len(),
        1
    );
    let page = admin
        .get(&format!("/omgangar/2026/lankar?org={}", w.other))
        .await;
    let bad = admin
        .post(
            "/omgangar/2026/lankar",
            &[
                ("org", &w.other),
                ("unit", "   "),
                ("csrf", &Client::csrf(&page.body)),
            ],
        )
        .await;
    assert!(bad.body.contains("class=\"error\""), "{}", bad.body);
    // Revoking: the link then answers with a clear page.
    let round = RoundId::parse("2026").unwrap();
    let own = OrgCode::parse(&w.own).unwrap();
    let first = w.store.links(round, Some(&own)).await.unwrap()[0].clone();
    let list = resp.get("/omgangar/2026/lankar").await;
    let r = resp
        .post(
            &format!("/omgangar/2026/lankar/{}/aterkalla", first.id),
            &[("csrf", &Client::csrf(&list.body))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let url = made
        .iter()
        .find(|(who, _)| who.ends_with(&first.rater) && !first.rater.is_empty())
        .map(|(_, u)| u.clone())
        .unwrap_or_else(|| made[0].1.clone());
    let mut anyone = Client::new(&w);
    let gone = anyone.get(&url).await;
    assert_eq!(gone.status, StatusCode::GONE, "{}", gone.body);
    assert!(gone.body.contains("återkallad"));
    // Another organisation's respondent cannot revoke our links (the coordinator's link to the other org).
    let theirs = w
        .store
        .links(round, Some(&OrgCode::parse(&w.other).unwrap()))
        .await
        .unwrap()[0]
        .clone();
    let r = resp
        .post(
            &format!("/omgangar/2026/lankar/{}/aterkalla", theirs.id),
            &[("csrf", &Client::csrf(&list.body))],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        anyone
            .get("/svar/0000000000000000000000000000000000000000000000000000000000000000")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(anyone.get("/svar/kort").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_full_form_online_draft_leave_resume_submit_and_the_same_through_excel() {
    let w = world().await;
    let mut admin = Client::new(&w);
    admin.sign_in("admin").await;
    let url = make_links(&mut admin, &w.own, "Webbenheten", "", false)
        .await
        .remove(0)
        .1;
    let inst = Instrument::dalarna();
    // A respondent without an account opens the link.
    let mut r = Client::new(&w);
    let page = r.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    let b = &page.body;
    assert!(
        b.contains("<fieldset class=\"statement\"") && b.contains("<legend><strong>D1.1</strong>")
    );
    assert!(b.contains("Vet ej / ej aktuellt") && b.contains("/static/autosave.js"));
    assert!(b.contains("lang=\"sv\""));
    // The answers: a pattern over the statements, some "vet ej", some blank.
    let mut fields: Vec<(String, String)> = Vec::new();
    for (i, (_, s)) in inst.statements().enumerate() {
        let v = match i % 6 {
            0 => "na".to_string(),
            5 => String::new(),
            k => (1 + k % 4).to_string(),
        };
        fields.push((format!("svar:{}", s.id), v));
    }
    fields.push((
        "kommentar:D1".into(),
        "Vi har kommit långt. <b>Fet</b> = inte HTML".into(),
    ));
    fields.push(("deltagare".into(), "Enhetschef, två undersköterskor".into()));
    fields.push(("datum".into(), "2026-03-14".into()));
    // Half of it saved without JavaScript, then the page is left.
    let (first, rest) = fields.split_at(10);
    let mut form: Vec<(&str, &str)> = first
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form.push(("handling", "spara"));
    let saved = r.post(&url, &form).await;
    assert_eq!(saved.status, StatusCode::OK);
    assert!(saved.body.contains("Sparat"), "{}", saved.body);
    // Back later: the saved answers are there.
    let mut again = Client::new(&w);
    let resumed = again.get(&url).await.body;
    assert!(resumed.contains("Välkommen tillbaka"));
    assert!(
        resumed.contains(r#"name="svar:D1.2" value="2" checked"#),
        "D1.2 is 2"
    );
    // The rest by autosave, one field at a time (as the script sends them).
    for (k, v) in rest {
        let res = again
            .post(&format!("{url}/utkast"), &[(k.as_str(), v.as_str())])
            .await;
        assert_eq!(res.status, StatusCode::OK, "{k}: {}", res.body);
        assert!(res.body.contains("\"sparat\":true"));
    }
    // A wrong value is refused with a message, and the others stay.
    let bad = again
        .post(&format!("{url}/utkast"), &[("svar:D1.3", "7")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("inget svarsalternativ"));
    let bad = again
        .post(&url, &[("datum", "14 mars"), ("handling", "skicka")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("ÅÅÅÅ-MM-DD") && bad.body.contains("aria-invalid=\"true\""));
    again
        .post(&format!("{url}/utkast"), &[("datum", "2026-03-14")])
        .await;
    // Submit: the unit's result at once.
    let sent = again.post(&url, &[("handling", "skicka")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let result = again.get(sent.location()).await.body;
    assert!(result.contains("Tack!") && result.contains("<svg class=\"chart radar\""));
    // Stored as an ordinary response from the web, scored by core.
    let round = RoundId::parse("2026").unwrap();
    let stored = w
        .store
        .responses(round)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.response.unit.as_str() == "Webbenheten")
        .unwrap();
    assert_eq!(stored.source, "web");
    let expected = nara_core::scoring::score_answers(&inst, &stored.response.set);
    assert!(
        result.contains(&fmt::score(expected.overall)),
        "index on the result page"
    );
    for (k, v) in &fields {
        if let Some(sid) = k.strip_prefix("svar:") {
            let got = stored
                .response
                .set
                .answers
                .get(&nara_core::StatementId::parse(sid).unwrap());
            let want = match v.as_str() {
                "" => None,
                "na" => Some(nara_core::Answer::NotApplicable),
                n => Some(nara_core::Answer::Level(n.parse().unwrap())),
            };
            assert_eq!(got.copied(), want, "{sid}");
        }
    }
    assert_eq!(
        stored.response.participants,
        "Enhetschef, två undersköterskor"
    );
    assert!(
        stored
            .response
            .set
            .comments
            .values()
            .any(|c| c.contains("<b>Fet</b>")),
        "kept verbatim"
    );
    // Submitting the same again changes nothing.
    again.post(&url, &[("handling", "skicka")]).await;
    assert_eq!(
        w.store
            .responses(round)
            .await
            .unwrap()
            .iter()
            .filter(|s| s.response.unit.as_str() == "Webbenheten")
            .count(),
        1
    );

    // The same answers through an Excel form give the same scores.
    let orgs = nara_core::Organisations::dalarna();
    let org = orgs
        .organisations
        .iter()
        .find(|o| o.code.as_str() == w.own)
        .unwrap();
    let r26 = nara_core::Round {
        id: round,
        instrument_id: inst.id().to_string(),
        instrument_version: inst.version().to_string(),
        status: RoundStatus::Open,
        opens: None,
        closes: None,
    };
    let filled = nara_excel::Filled {
        unit: "Excelenheten".into(),
        answers: stored.response.set.clone(),
        ..Default::default()
    };
    let bytes = nara_excel::write_filled_form(
        &nara_excel::FormSpec {
            instrument: &inst,
            org,
            round: &r26,
            send_to: None,
        },
        &filled,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("excel.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let rep =
        nara_app::import::import_batch(w.store.as_ref(), &[path], &Default::default(), &|_| {})
            .await
            .unwrap();
    assert!(rep.all_ok(), "{:?}", rep.files[0].problems);
    let report = report(&w.store, "2026").await;
    let units = &report.org(&w.own).unwrap().units;
    let web = units.iter().find(|u| u.name == "Webbenheten").unwrap();
    let excel = units.iter().find(|u| u.name == "Excelenheten").unwrap();
    assert_eq!(web.result.scores, excel.result.scores);
}

#[tokio::test]
async fn two_tabs_lose_no_answer_and_a_closed_round_ends_the_link() {
    let w = world().await;
    let mut admin = Client::new(&w);
    admin.sign_in("admin").await;
    let url = make_links(&mut admin, &w.own, "Flikenheten", "Cia", false)
        .await
        .remove(0)
        .1;
    let (mut a, mut b) = (Client::new(&w), Client::new(&w));
    a.post(&format!("{url}/utkast"), &[("svar:D1.1", "3")])
        .await;
    b.post(&format!("{url}/utkast"), &[("svar:D1.2", "2")])
        .await;
    a.post(&format!("{url}/utkast"), &[("svar:D1.3", "4")])
        .await;
    b.post(&format!("{url}/utkast"), &[("svar:D1.1", "1")])
        .await; // the last write of D1.1 wins
    let page = a.get(&url).await.body;
    for (sid, v) in [("D1.1", "1"), ("D1.2", "2"), ("D1.3", "4")] {
        assert!(
            page.contains(&format!(r#"name="svar:{sid}" value="{v}" checked"#)),
            "{sid}={v}"
        );
    }
    nara_app::rounds::set_status(
        w.store.as_ref(),
        RoundId::parse("2026").unwrap(),
        RoundStatus::Closed,
        "t",
    )
    .await
    .unwrap();
    let closed = a.get(&url).await;
    assert_eq!(closed.status, StatusCode::GONE);
    assert!(closed.body.contains("Omgången är inte öppen"));
    let late = a
        .post(&format!("{url}/utkast"), &[("svar:D1.4", "3")])
        .await;
    assert_eq!(late.status, StatusCode::GONE);
}

#[tokio::test]
async fn the_consensus_form_shows_the_raters_side_by_side() {
    let w = world().await;
    let mut admin = Client::new(&w);
    admin.sign_in("admin").await;
    let links = make_links(&mut admin, &w.own, "Teamet", "Dan\nEva", true).await;
    let url_of = |who: &str| {
        links
            .iter()
            .find(|(w, _)| w.ends_with(who))
            .unwrap()
            .1
            .clone()
    };
    let mut c = Client::new(&w);
    for (who, level) in [("Dan", "1"), ("Eva", "4")] {
        let u = url_of(who);
        c.post(
            &format!("{u}/utkast"),
            &[("svar:D1.1", level), ("svar:D1.2", "3")],
        )
        .await;
        // Two answers are too few for a score: the server asks first.
        let asked = c.post(&u, &[("handling", "skicka")]).await;
        assert_eq!(asked.status, StatusCode::OK);
        assert!(
            asked.body.contains("Skicka in med för få svar?"),
            "{}",
            asked.body
        );
        let sent = c
            .post(&u, &[("handling", "skicka"), ("bekrafta", "ja")])
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    }
    let page = c.get(&url_of("samsyn")).await.body;
    assert!(page.contains("Samsyn: Teamet"));
    assert!(
        page.contains("Dan: 1 ") || page.contains("Dan: Stämmer inte alls"),
        "{page}"
    );
    assert!(page.contains("oense"), "1 and 4 disagree");
    c.post(
        &format!("{}/utkast", url_of("samsyn")),
        &[("svar:D1.1", "2")],
    )
    .await;
    let sent = c
        .post(
            &url_of("samsyn"),
            &[("handling", "skicka"), ("bekrafta", "ja")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let rep = report(&w.store, "2026").await;
    let u = rep
        .org(&w.own)
        .unwrap()
        .units
        .iter()
        .find(|u| u.name == "Teamet")
        .unwrap();
    assert!(u.consensus);
    let d11 = nara_core::StatementId::parse("D1.1").unwrap();
    assert_eq!(
        u.result.rollup.values.get(&d11),
        Some(&nara_core::scoring::Value::Scored(2.0)),
        "the consensus counts"
    );
    let _ = UnitName::parse("Teamet");
}

/// A fresh answer link for the respondent's own organisation in the open round: its token.
async fn a_link(w: &crate::support::World, unit: &str) -> (String, nara_store::AnswerLink) {
    let made = nara_app::online::create_links(
        w.store.as_ref(),
        RoundId::parse("2026").unwrap(),
        &OrgCode::parse(&w.own).unwrap(),
        unit,
        &[],
        false,
        "test",
    )
    .await
    .unwrap()
    .remove(0);
    (made.token, made.link)
}

/// An answer form takes at most the small body limit (256 kB), on the form and on autosave;
/// an ordinary answer is far below it and is saved.
#[tokio::test]
async fn an_answer_body_over_the_small_limit_is_refused_in_swedish() {
    let w = world().await;
    let (token, _) = a_link(&w, "Gränsenheten").await;
    let url = format!("/svar/{token}");
    let mut c = Client::new(&w);
    let big = "x".repeat(300 * 1024);
    let r = c.post(&url, &[("kommentar:D1", &big)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("högst 256 kB"), "{}", r.body);
    let r = c
        .post(&format!("{url}/utkast"), &[("kommentar:D1", &big)])
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("högst 256 kB"), "{}", r.body);
    // Nothing of it was stored; a normal answer is.
    assert!(!c.get(&url).await.body.contains("xxxxxxxx"));
    let ok = c
        .post(&format!("{url}/utkast"), &[("svar:D1.1", "3")])
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    // Sign-in and other forms have the same small limit.
    let r = c
        .post("/logga-in", &[("username", "admin"), ("password", &big)])
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("för stort"), "{}", r.body);
}

/// A body sent to an unknown or revoked answer link is never read: the answer comes while the
/// body is still on its way (over a real socket, with only the headers sent).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_answer_link_is_answered_before_its_body_is_read() {
    use tokio::io::AsyncWriteExt;
    let w = world().await;
    let (token, link) = a_link(&w, "Återkallad enhet").await;
    w.store.revoke_link(link.id, "test").await.unwrap();
    let unknown = "0".repeat(64);
    let server = crate::transport::live(w.store.clone(), nara_server::Config::default()).await;
    for (path, want) in [
        (format!("/svar/{unknown}"), 404),
        (format!("/svar/{unknown}/utkast"), 410),
        (format!("/svar/{token}"), 410),
        (format!("/svar/{token}/utkast"), 410),
    ] {
        let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        // 200 kB declared (under the limit), only the first bytes sent.
        s.write_all(
            format!(
                "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 204800\r\n\r\nsvar%3AD1.1=3&"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        let resp = crate::transport::read_response(&mut s, std::time::Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("{path}: no answer while the body is unsent"));
        assert_eq!(crate::transport::status(&resp), want, "{path}: {resp}");
    }
    server.stop().await;
}

/// A writer the log goes to, shared with the test.
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// The secret of an answer link never reaches the log, at the most verbose level: the request
/// spans show `/svar/…` for the form, saving, autosave, submitting and the result.
#[tokio::test]
async fn answer_link_tokens_never_appear_in_the_log() {
    let w = world().await;
    let (token, _) = a_link(&w, "Loggenheten").await;
    let logs = LogBuffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    // Other tests' threads share the callsites; make them ask this thread's subscriber again.
    tracing::callsite::rebuild_interest_cache();
    let url = format!("/svar/{token}");
    let mut c = Client::new(&w);
    assert_eq!(c.get(&url).await.status, StatusCode::OK);
    c.post(&format!("{url}/utkast"), &[("svar:D1.1", "3")])
        .await;
    c.post(&url, &[("svar:D1.2", "nej"), ("handling", "spara")])
        .await;
    c.post(&url, &[("handling", "skicka")]).await;
    c.get(&format!("{url}/resultat")).await;
    c.get(&format!("{url}?x=1")).await;
    drop(guard);
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("uri=/svar/…/utkast") && text.contains("uri=/svar/…"),
        "the requests are logged: {text}"
    );
    assert!(!text.contains(&token), "the token is in the log:\n{text}");
    assert!(
        !text.contains(&token[..16]),
        "part of the token is in the log"
    );
}
