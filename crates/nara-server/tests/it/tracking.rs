//! Svarsläge as the reminder tool: one table sorted by links, contacts set in the browser that
//! an organisations file without contacts keeps, field errors that keep what was typed, the
//! reminder to every non-responder with the closing day, last round's missing units, and the
//! coordinator only.

use axum::http::StatusCode;
use nara_core::round::Date;
use nara_core::{AnswerSet, OrgCode, RoundId};

use crate::support::{Client, World, world};

const PAGE: &str = "/omgangar/2027/svarslage";
const CONTACT: &str = "/omgangar/2027/svarslage/kontakt";

/// A round 2027 (a draft, closing 2027-03-31) after the demo's 2024–2026.
async fn round_2027(w: &World) {
    let closes = Date::parse("2027-03-31").unwrap();
    nara_app::rounds::create(
        w.store.as_ref(),
        RoundId::parse("2027").unwrap(),
        None,
        None,
        Some(closes),
        "test",
    )
    .await
    .unwrap();
}

async fn answer(w: &World, round: &str, org: &str, unit: &str) {
    let resp = crate::support::unit_answer(round, org, unit, AnswerSet::default());
    w.store
        .store_response(&resp, &format!("h-{round}-{org}-{unit}"), "t.xlsx", "test")
        .await
        .unwrap();
}

/// The organisations of the main table, in the order shown (the units table's rows start
/// with a plain cell).
fn row_names(page: &str) -> Vec<String> {
    page.split(r#"<tr><th scope="row">"#)
        .skip(1)
        .map(|r| r[..r.find("</th>").unwrap()].to_string())
        .collect()
}

/// The main table's row of an organisation (`Falun (kod 2080)`).
fn row<'a>(page: &'a str, name: &str) -> &'a str {
    let at = page
        .find(&format!(r#"<tr><th scope="row">{name}</th>"#))
        .unwrap_or_else(|| panic!("a row for {name}"));
    let rest = &page[at..];
    &rest[..rest.find("</tr>").unwrap()]
}

/// The href of the first `mailto:` link.
fn mailto(page: &str) -> String {
    let at = page.find(r#"href="mailto:"#).expect("a mailto link") + r#"href=""#.len();
    let rest = &page[at..];
    rest[..rest.find('"').unwrap()].replace("&#38;", "&")
}

async fn set_contact(c: &mut Client<'_>, who: &str, name: &str, email: &str) -> String {
    let token = Client::csrf(&c.get(PAGE).await.body);
    let r = c
        .post(
            CONTACT,
            &[
                ("csrf", &token),
                ("vem", who),
                ("namn", name),
                ("epost", email),
                ("atgard", "spara"),
                ("sort", "namn"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

async fn name_of(w: &World, code: &str) -> String {
    let org = nara_app::organisation(w.store.as_ref(), &OrgCode::parse(code).unwrap())
        .await
        .unwrap();
    nara_core::org::with_code(&org.name, &org.code)
}

#[tokio::test]
async fn the_links_of_the_column_headers_sort_the_one_table() {
    let w = world().await;
    round_2027(&w).await;
    answer(&w, "2027", "2080", "Hemtjänsten").await;
    answer(&w, "2027", "2080", "Hemsjukvården").await;
    answer(&w, "2027", "2062", "Äldreomsorgen").await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let by_name = c.get(PAGE).await.body;
    let names = row_names(&by_name);
    assert_eq!(names.len(), 16, "one row per organisation: {names:?}");
    // Swedish order: Älvdalen after the others, Region Dalarna among the R.
    assert_eq!(names.first().map(String::as_str), Some("Avesta (kod 2084)"));
    assert_eq!(
        names.last().map(String::as_str),
        Some("Älvdalen (kod 2039)")
    );
    assert!(by_name.contains(r#"<th scope="col" aria-sort="ascending"><a href="/omgangar/2027/svarslage?sort=namn&#38;fallande">Organisation"#), "{by_name}");
    let down = row_names(&c.get(&format!("{PAGE}?sort=namn&fallande")).await.body);
    let mut reversed = names.clone();
    reversed.reverse();
    assert_eq!(down, reversed);
    // By units, most first: Falun (2), Mora (1), then the others by name.
    let units = c.get(&format!("{PAGE}?sort=enheter&fallande")).await.body;
    assert!(units.contains(r#"aria-sort="descending""#));
    let u = row_names(&units);
    assert_eq!(
        &u[..3],
        ["Falun (kod 2080)", "Mora (kod 2062)", "Avesta (kod 2084)"]
    );
    // By status: those who have not answered first.
    let status = row_names(&c.get(&format!("{PAGE}?sort=status")).await.body);
    assert_eq!(status.len(), 16);
    let falun = status.iter().position(|n| n == "Falun (kod 2080)").unwrap();
    let avesta = status
        .iter()
        .position(|n| n == "Avesta (kod 2084)")
        .unwrap();
    assert!(avesta < falun, "{status:?}");
}

#[tokio::test]
async fn a_contact_set_in_the_browser_shows_and_survives_a_file_without_contacts() {
    let w = world().await;
    round_2027(&w).await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let open = c.get(&format!("{PAGE}?sort=namn&kontakt=2080")).await.body;
    assert!(open.contains("Kontakt för Falun (kod 2080)"), "{open}");
    let done = set_contact(&mut c, "2080", "Anna Andersson", "anna.andersson@falun.se").await;
    assert!(
        done.contains(
            "Kontakten för Falun (kod 2080) är sparad: Anna Andersson, anna.andersson@falun.se."
        ),
        "{done}"
    );
    assert!(row(&done, "Falun (kod 2080)").contains("Anna Andersson, anna.andersson@falun.se"));
    // An organisations file without contacts (Falun renamed in it): Falun's contact is kept.
    let renamed =
        nara_core::org::DALARNA_TOML.replace(r#"name = "Falun""#, r#"name = "Falu kommun""#);
    let changed = nara_app::import_organisations(w.store.as_ref(), &renamed, "admin")
        .await
        .unwrap();
    assert_eq!(changed, 1);
    let after = c.get(PAGE).await.body;
    assert!(
        row(&after, "Falu kommun (kod 2080)").contains("Anna Andersson, anna.andersson@falun.se"),
        "{after}"
    );
    assert!(row(&after, "Mora (kod 2062)").contains("saknar kontakt"));
    let log = w
        .store
        .audit_log(5, Some("organisation.contact"))
        .await
        .unwrap();
    assert_eq!(
        (log.len(), log[0].subject.as_str(), log[0].actor.as_str()),
        (1, "2080", "admin")
    );
    // Removed with the form's second button.
    let token = Client::csrf(&after);
    let gone = c
        .post(
            CONTACT,
            &[("csrf", &token), ("vem", "2080"), ("atgard", "ta-bort")],
        )
        .await
        .body;
    assert!(
        gone.contains("Kontakten för Falu kommun (kod 2080) är borttagen."),
        "{gone}"
    );
    assert!(row(&gone, "Falu kommun (kod 2080)").contains("saknar kontakt"));
}

#[tokio::test]
async fn a_bad_address_is_named_and_what_was_typed_is_kept() {
    let w = world().await;
    round_2027(&w).await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let page = set_contact(&mut c, "2062", "Bo <Berg>", "bo@mora.se").await;
    assert!(
        page.contains(r#"id="org-namn" name="namn" value="Bo &#60;Berg&#62;" maxlength="100" autocomplete="off" aria-invalid="true" aria-describedby="org-namn-fel""#),
        "{page}"
    );
    assert!(page.contains("Namnet får inte innehålla"), "{page}");
    let page = set_contact(&mut c, "2062", "Bo Berg", "bo@mora").await;
    assert!(
        page.contains("Kontakten för Mora (kod 2062) sparades inte: ”bo@mora” är ingen e-postadress: skriv den som namn@exempel.se."),
        "{page}"
    );
    // The form is open again with what was typed, the address marked and its error beside it.
    assert!(page.contains(r#"value="Bo Berg""#));
    assert!(page.contains(r#"name="epost" type="email" value="bo@mora""#));
    assert!(page.contains(r#"aria-invalid="true" aria-describedby="org-epost-fel""#));
    assert!(page.contains(
        r#"<span class="field-error" id="org-epost-fel">”bo@mora” är ingen e-postadress"#
    ));
    assert!(row(&page, "Mora (kod 2062)").contains("saknar kontakt"));
    // The coordinator's own form: the same rule, its own fields.
    let page = set_contact(&mut c, "samordnare", "Karin", "").await;
    assert!(
        page.contains("Samordnarens kontakt sparades inte: Ange en e-postadress."),
        "{page}"
    );
    assert!(page.contains(r#"aria-describedby="samordnare-epost-fel""#));
    let app = nara_app::App::new(w.store.clone());
    assert_eq!(app.coordinator_contact().await.unwrap(), None);
    assert!(
        w.store
            .audit_log(5, Some("organisation.contact"))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_reminder_goes_to_every_non_responder_with_the_closing_day_and_no_responder() {
    let w = world().await;
    round_2027(&w).await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    // Falun answers 2027; Mora and Leksand have not.
    answer(&w, "2027", "2080", "Hemtjänsten").await;
    set_contact(&mut c, "2080", "Anna", "anna@falun.se").await;
    set_contact(&mut c, "2062", "Bo", "bo@mora.se").await;
    set_contact(&mut c, "2029", "", "kansli@leksand.se").await;
    let done = set_contact(
        &mut c,
        "samordnare",
        "Karin Samordnare",
        "karin@rss.example.se",
    )
    .await;
    assert!(
        done.contains("Samordnarens kontakt är sparad: Karin Samordnare, karin@rss.example.se.")
    );
    let app = nara_app::App::new(w.store.clone());
    assert_eq!(
        app.coordinator_contact().await.unwrap().map(|c| c.email),
        Some("karin@rss.example.se".to_string())
    );
    // The blank forms name her as the receiver and the contact for questions.
    let form = c.get("/omgangar/2027/blankett/2062").await;
    assert_eq!(form.status, axum::http::StatusCode::OK);
    let cover = crate::support::sheet_cells(&form.bytes, "Instruktioner").join("\n");
    assert!(
        cover.contains("Skicka den ifyllda blanketten till Karin Samordnare, karin@rss.example.se"),
        "{cover}"
    );
    let page = c.get(PAGE).await.body;
    let m = mailto(&page);
    let to = &m["mailto:".len()..m.find('?').unwrap()];
    assert_eq!(to, "karin@rss.example.se", "to the coordinator herself");
    let bcc = m
        .split("bcc=")
        .nth(1)
        .and_then(|b| b.split('&').next())
        .unwrap();
    let mut bcc: Vec<&str> = bcc.split(',').collect();
    bcc.sort_unstable();
    assert_eq!(
        bcc,
        ["bo@mora.se", "kansli@leksand.se"],
        "only non-responders with a contact, in Bcc: none sees the others' addresses"
    );
    assert!(!m.contains("anna@falun.se"), "{m}");
    assert!(
        m.contains("subject=P%C3%A5minnelse%3A%20sj%C3%A4lvskattning%20omg%C3%A5ng%202027&body="),
        "{m}"
    );
    assert!(m.contains("2027-03-31"), "the closing day: {m}");
    assert!(
        m.contains("%2Fomgangar%2F2027%2Fnedladdningar"),
        "where the forms are: {m}"
    );
    assert!(
        m.contains("karin@rss.example.se"),
        "whom to send it to: {m}"
    );
    // The list to copy names every non-responder, those without a contact too.
    let list_at = page.find(r#"id="saknas-lista""#).unwrap();
    let list = &page[list_at..list_at + page[list_at..].find("</textarea>").unwrap()];
    assert!(
        list.contains("Mora (kod 2062): Bo, bo@mora.se; blankett: http://localhost/omgangar/2027/blankett/2062"),
        "{list}"
    );
    assert!(
        list.contains("Leksand (kod 2029): kansli@leksand.se; "),
        "{list}"
    );
    assert!(
        list.contains("Avesta (kod 2084): saknar kontakt; "),
        "{list}"
    );
    assert!(!list.contains("Falun"), "{list}");
    assert!(page.contains("Omgången stänger 2027-03-31"));
    // Those without a contact are named with a way to add one.
    assert!(page.contains(r#"<li>Avesta (kod 2084): saknar kontakt. <a href="/omgangar/2027/svarslage?sort=namn&#38;kontakt=2084#kontakt">"#), "{page}");
}

#[tokio::test]
async fn last_rounds_units_that_have_not_answered_are_listed() {
    let w = world().await;
    round_2027(&w).await;
    let own = w.own.clone();
    // A unit of last round's that surely does not answer this one.
    answer(&w, "2026", &own, "Försvunna enheten").await;
    let r26 = RoundId::parse("2026").unwrap();
    let mut before: Vec<String> = w
        .store
        .responses(r26)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.response.org.as_str() == own)
        .map(|r| r.response.unit.to_string())
        .collect();
    before.sort();
    before.dedup();
    assert!(before.len() >= 2, "{before:?}");
    // One of last round's units answers again; the others are missing.
    answer(&w, "2027", &own, &before[0]).await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let page = c.get(PAGE).await.body;
    assert!(page.contains("Förra omgången med svar är 2026"), "{page}");
    assert!(page.contains("Enheter förra omgången (2026)"));
    let name = name_of(&w, &own).await;
    let r = row(&page, &name);
    assert!(r.contains("<td>Delvis</td>"), "{r}");
    assert!(
        r.contains(&format!(r#"<td class="num">{}</td>"#, before.len())),
        "{r}"
    );
    for unit in &before[1..] {
        assert!(r.contains(unit.as_str()), "{unit} is missing: {r}");
    }
    // An organisation that has not answered at all misses every unit of last round.
    let other = name_of(&w, &w.other).await;
    assert!(row(&page, &other).contains("<td>Nej</td>"));
    // The reminder to those who answered in part names the missing units.
    assert!(page.contains("Har svarat delvis (1)"), "{page}");
    let at = page.find(r#"id="delvis-meddelande""#).unwrap();
    let message = &page[at..at + page[at..].find("</textarea>").unwrap()];
    assert!(message.contains(&name), "{message}");
    for unit in &before[1..] {
        assert!(message.contains(unit.as_str()), "{unit}: {message}");
    }
}

#[tokio::test]
async fn only_the_coordinator_sees_the_page_and_sets_contacts() {
    let w = world().await;
    for user in ["resp", "reader"] {
        let mut c = Client::new(&w);
        c.sign_in(user).await;
        let token = Client::csrf(&c.get("/omgangar").await.body);
        assert_eq!(
            c.get("/omgangar/2026/svarslage").await.status,
            StatusCode::FORBIDDEN
        );
        for who in ["2080", "samordnare"] {
            let r = c
                .post(
                    "/omgangar/2026/svarslage/kontakt",
                    &[
                        ("csrf", &token),
                        ("vem", who),
                        ("namn", "X"),
                        ("epost", "x@example.se"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} {who}");
        }
    }
    // Nor without the form's token.
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let r = c
        .post(
            "/omgangar/2026/svarslage/kontakt",
            &[("csrf", "fel"), ("vem", "2080"), ("epost", "x@example.se")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let orgs = w.store.organisations().await.unwrap();
    assert!(orgs.iter().all(|o| o.contact.is_none()));
    let app = nara_app::App::new(w.store.clone());
    assert_eq!(app.coordinator_contact().await.unwrap(), None);
}
