//! What the pages and the API say, checked against `nara report --json`'s numbers.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use nara_core::{AnswerSet, OrgCode, Response, RoundId, UnitName, fmt};

use crate::support::{Client, all_at, report, world};

#[tokio::test]
async fn the_county_overview_shows_the_reports_numbers() {
    let w = world().await;
    let rep = report(&w.store, "2026").await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let page = c.get("/omgangar/2026").await;
    assert_eq!(page.status, StatusCode::OK);
    let b = &page.body;
    assert!(b.contains("<html lang=\"sv\">") && b.contains("Hoppa till innehållet"));
    assert!(b.contains("Länsöversikt 2026"));
    assert!(
        b.contains("PRELIMINÄRT"),
        "an open round is marked preliminary"
    );
    for o in &rep.organisations {
        assert!(b.contains(&format!(">{}</a>", o.name)), "{}", o.name);
        // The organisation's row holds its index and every area mean, as the report says.
        let row_start = b.find(&format!("/org/{}\"", o.code)).unwrap();
        let row = &b[row_start..row_start + b[row_start..].find("</tr>").unwrap()];
        assert!(
            row.contains(&fmt::score(o.scores.overall)),
            "{} index",
            o.code
        );
        for a in &o.scores.areas {
            assert!(row.contains(&fmt::score(a.mean)), "{} {}", o.code, a.area);
        }
    }
    for a in &rep.county.areas {
        assert!(b.contains(&fmt::score(a.stats.map(|s| s.mean))));
    }
    for n in &rep.not_answered {
        assert!(b.contains(&n.name), "not answered: {}", n.name);
    }
    // The radar has a title, a text alternative and a table with the same numbers.
    assert!(
        b.contains("<svg class=\"chart radar\"")
            && b.contains("role=\"img\"")
            && b.contains("<desc")
    );
    assert!(b.contains("Länet 2025"), "compared with the previous round");
    assert!(b.contains("Samma siffror som i diagrammet"));
    // Bands are in words, not colour alone.
    assert!(b.contains("Styrka") || b.contains("På väg") || b.contains("Utmaning"));
}

#[tokio::test]
async fn the_api_summary_is_the_report() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("reader").await;
    let r = c.get("/api/v1/rounds/2025/summary").await;
    assert_eq!(r.status, StatusCode::OK);
    // Byte for byte what `nara report --json` serialises (compact).
    let want = serde_json::to_string(&report(&w.store, "2025").await).unwrap();
    assert!(r.body == want, "the API differs from the report");
    let rounds: serde_json::Value =
        serde_json::from_str(&c.get("/api/v1/rounds").await.body).unwrap();
    assert_eq!(
        rounds
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["2024", "2025"]
    );
    let bad = c.get("/api/v1/rounds/2099/summary").await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
    assert!(bad.body.contains("Omgången 2099 finns inte"));
}

#[tokio::test]
async fn the_organisation_page_shows_units_highlights_trend_and_comments_safely() {
    let w = world().await;
    // A comment that tries to be HTML.
    let round = RoundId::parse("2026").unwrap();
    let inst = nara_core::Instrument::dalarna();
    let mut set = AnswerSet::default();
    for (_, s) in inst.statements() {
        set.answers
            .insert(s.id.clone(), nara_core::Answer::Level(3));
    }
    set.comments.insert(
        inst.areas()[0].id.clone(),
        "<script>alert(1)</script> & mer".into(),
    );
    let resp = Response {
        round,
        org: OrgCode::parse(&w.own).unwrap(),
        unit: UnitName::parse("Testenheten").unwrap(),
        rater: String::new(),
        participants: String::new(),
        date: String::new(),
        instrument_id: inst.id().to_string(),
        instrument_version: inst.version().to_string(),
        consensus: false,
        set,
    };
    w.store
        .store_response(&resp, "h", "test", "test")
        .await
        .unwrap();
    let rep = report(&w.store, "2026").await;
    let o = rep.org(&w.own).unwrap();
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let b = c.get(&format!("/omgangar/2026/org/{}", w.own)).await.body;
    for u in &o.units {
        assert!(b.contains(u.name.as_str()), "{}", u.name);
    }
    assert!(b.contains(&fmt::score(o.scores.overall)));
    assert!(b.contains("Starkast") && b.contains("Svagast"));
    for h in o.scores.top.iter().chain(&o.scores.bottom) {
        assert!(b.contains(&format!("<strong>{}</strong>", h.statement)));
    }
    assert!(b.contains("Index över omgångarna") && b.contains("<svg class=\"chart line\""));
    assert!(
        b.contains("Länets medel"),
        "the admin sees the county beside it"
    );
    // The comment is shown as text: escaped, never as markup.
    assert!(b.contains("alert(1)") && b.contains("mer"));
    assert!(!b.contains("<script>alert(1)"), "a comment became markup");
}

/// The organisation page's content is rendered once per data stamp and kept: what one viewer
/// was shown is never shown to a viewer of another scope, each sees its own frame, another
/// order is another page, and a new answer shows at once.
#[tokio::test]
async fn the_kept_organisation_page_follows_the_viewer_the_order_and_the_data() {
    let w = world().await;
    let path = format!("/omgangar/2026/org/{}", w.own);
    let get = |user: &'static str, path: String| {
        let w = &w;
        async move {
            let mut c = Client::new(w);
            c.sign_in(user).await;
            let r = c.get(&path).await;
            assert_eq!(r.status, StatusCode::OK, "{user} {path}");
            r.body
        }
    };
    let admin = get("admin", path.clone()).await;
    let resp = get("resp", path.clone()).await;
    let admin_again = get("admin", path.clone()).await;
    // The county beside it only for the coordinator while the round is open, whoever asked first.
    assert!(admin.contains("Länets medel") && admin_again.contains("Länets medel"));
    assert!(
        !resp.contains("Länets medel"),
        "the respondent got the coordinator's page"
    );
    // Each viewer's own frame around the kept content.
    assert!(admin.contains("admin (samordnare)") && admin_again.contains("admin (samordnare)"));
    assert!(resp.contains("resp (respondent)") && !resp.contains("admin (samordnare)"));
    // Another order is another page: the same units, the other way round.
    let rows = |b: &str| -> Vec<String> {
        b.split("<tr><th scope=\"row\"><a href=\"")
            .skip(1)
            .filter_map(|r| r.split('"').next())
            .filter(|h| h.contains("/enhet/"))
            .map(str::to_string)
            .collect()
    };
    let up = get("admin", format!("{path}?sortera=namn&ordning=stigande")).await;
    let down = get("admin", format!("{path}?sortera=namn&ordning=fallande")).await;
    let (mut up, down) = (rows(&up), rows(&down));
    assert!(up.len() > 1, "{up:?}");
    up.reverse();
    assert_eq!(up, down);
    // A new unit's answer moves the data stamp: the next page shows it.
    let resp_form =
        crate::support::unit_answer("2026", &w.own, "Nyöppnade mottagningen", all_at(3));
    assert!(!admin.contains("Nyöppnade mottagningen"));
    w.store
        .store_response(&resp_form, "h-ny", "test", "test")
        .await
        .unwrap();
    assert!(
        get("admin", path.clone())
            .await
            .contains("Nyöppnade mottagningen")
    );
}

#[tokio::test]
async fn the_unit_page_shows_each_raters_answer_and_the_roll_up() {
    let w = world().await;
    let rep = report(&w.store, "2025").await;
    // A unit with several raters.
    let (org, unit) = rep
        .organisations
        .iter()
        .flat_map(|o| o.units.iter().map(move |u| (o, u)))
        .find(|(_, u)| u.raters.len() >= 2)
        .expect("the demo has a unit with several raters");
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let key = unit.name.key();
    let page = c
        .get(&format!(
            "/omgangar/2025/org/{}/enhet/{}",
            org.code,
            nara_server::pages::seg(&key)
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let b = &page.body;
    assert!(b.contains(&format!("<h1>{}</h1>", unit.name)));
    for r in unit.raters.iter().filter(|r| !r.is_empty()) {
        assert!(
            b.contains(&format!("<th scope=\"col\">{r}</th>")),
            "column for {r}"
        );
    }
    if unit.consensus {
        assert!(b.contains("<th scope=\"col\">Samsyn</th>"));
    }
    assert!(b.contains("Verksamhetens värde"));
    for a in &unit.result.scores.areas {
        assert!(b.contains(&fmt::score(a.mean)));
    }
    let missing = c
        .get(&format!("/omgangar/2025/org/{}/enhet/finns-inte", org.code))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("har inte svarat"));
}

#[tokio::test]
async fn the_area_page_shows_the_distribution_of_every_statement() {
    let w = world().await;
    let rep = report(&w.store, "2025").await;
    let mut c = Client::new(&w);
    c.sign_in("reader").await;
    let b = c.get("/omgangar/2025/delmal/D2").await.body;
    let inst = nara_core::Instrument::dalarna();
    let area = inst.areas().iter().find(|a| a.id.as_str() == "D2").unwrap();
    assert!(b.contains(&area.name) && b.contains(&area.goal));
    for s in &area.statements {
        let d = rep
            .distribution
            .iter()
            .find(|d| d.statement == s.id)
            .unwrap();
        let row_start = b.find(&format!("<strong>{}</strong>", s.id)).unwrap();
        let row = &b[row_start..row_start + b[row_start..].find("</tr>").unwrap()];
        let nums: Vec<String> = d
            .levels
            .iter()
            .chain([&d.not_applicable, &d.blank])
            .map(|n| format!(">{n}<"))
            .collect();
        for n in nums {
            assert!(row.contains(&n), "{} {n}", s.id);
        }
        assert!(row.contains(&fmt::score(d.mean)));
    }
    assert_eq!(
        c.get("/omgangar/2025/delmal/D9").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn rounds_page_and_blank_forms() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let b = c.get("/omgangar").await.body;
    assert!(b.contains("öppen") && b.contains("publicerad"));
    let rep = report(&w.store, "2026").await;
    assert!(b.contains(&format!("{} av 16", rep.organisations.len())));
    let form = c.get(&format!("/omgangar/2026/blankett/{}", w.own)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .contains(&format!("blankett-2026-{}.xlsx", w.own))
    );
    assert!(form.body.starts_with("PK"));
    let downloads = c.get("/omgangar/2026/nedladdningar").await.body;
    assert!(downloads.contains(&format!("/omgangar/2026/blankett/{}", w.other)));
}

#[tokio::test]
async fn result_files_download_from_the_same_functions_as_the_cli() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let page = c.get("/omgangar/2025/nedladdningar").await.body;
    assert!(page.contains("Länssammanställning 2025") && page.contains("Rådata 2025 (CSV)"));
    let sum = c
        .get("/omgangar/2025/export/lanssammanstallning.xlsx")
        .await;
    assert_eq!(sum.status, StatusCode::OK);
    assert!(
        sum.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("lanssammanstallning-2025.xlsx")
    );
    assert!(sum.body.starts_with("PK"));
    // Sent from a temporary file a piece at a time: its length said first, and whole.
    assert_eq!(
        sum.headers["content-length"].to_str().unwrap(),
        sum.bytes.len().to_string()
    );
    let overview = crate::support::sheet_cells(&sum.bytes, "Översikt");
    assert!(overview.len() > 10, "{overview:?}");
    // A browser that accepts gzip gets the workbook as it is (a zip already), with its length;
    // a page is still compressed for it.
    let gzip = |path: &str| {
        Request::get(path)
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap()
    };
    let sum_gz = c
        .send(gzip("/omgangar/2025/export/lanssammanstallning.xlsx"))
        .await;
    assert!(!sum_gz.headers.contains_key(header::CONTENT_ENCODING));
    assert_eq!(
        sum_gz.headers[header::CONTENT_LENGTH].to_str().unwrap(),
        sum_gz.bytes.len().to_string()
    );
    assert!(sum_gz.bytes.starts_with(b"PK"));
    let page_gz = c.send(gzip("/omgangar/2025/nedladdningar")).await;
    assert_eq!(page_gz.headers[header::CONTENT_ENCODING], "gzip");
    let csv = c.get("/omgangar/2025/export/radata.csv").await;
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(csv.body.starts_with('\u{feff}'));
    let want = nara_app::exports::raw_csv(w.store.as_ref(), RoundId::parse("2025").unwrap(), None)
        .await
        .unwrap()
        .1;
    assert_eq!(
        csv.body.as_bytes(),
        want.as_slice(),
        "the same bytes as nara export raw"
    );
    let org = c.get(&format!("/omgangar/2025/export/org/{}", w.own)).await;
    assert_eq!(org.status, StatusCode::OK);
    assert!(org.body.starts_with("PK"));
}

#[tokio::test]
async fn pages_follow_new_answers_and_status_changes_at_once() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let before = c.get("/omgangar/2026").await.body;
    assert!(before.contains("PRELIMINÄRT"));
    let rep = report(&w.store, "2026").await;
    let missing = rep
        .not_answered
        .first()
        .expect("the demo leaves some out")
        .clone();
    assert!(before.contains(&format!("{} (kod {})", missing.name, missing.id)));
    // An answer arrives (as from an import in another process) and the round is published.
    let resp = crate::support::unit_answer("2026", &missing.id, "Sen enhet", all_at(4));
    w.store
        .store_response(&resp, "late", "sen.xlsx", "test")
        .await
        .unwrap();
    let after = c.get("/omgangar/2026").await.body;
    assert!(
        after.contains(&format!("/org/{}\"", missing.id)),
        "the late organisation is in the table"
    );
    let api: serde_json::Value =
        serde_json::from_str(&c.get("/api/v1/rounds/2026/summary").await.body).unwrap();
    assert!(
        api["organisations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["code"] == missing.id.as_str())
    );
    for to in [
        nara_core::RoundStatus::Closed,
        nara_core::RoundStatus::Published,
    ] {
        nara_app::rounds::set_status(w.store.as_ref(), RoundId::parse("2026").unwrap(), to, "t")
            .await
            .unwrap();
    }
    assert!(!c.get("/omgangar/2026").await.body.contains("PRELIMINÄRT"));
}

#[tokio::test]
async fn raters_two_steps_apart_are_shown_as_disagreeing_in_the_rules_words() {
    let w = world().await;
    let inst = nara_core::Instrument::dalarna();
    // Two raters of one unit: D1.1 at 2 and 4 (two steps apart, each one step from the median
    // 3), D1.2 at 2 and 3 (one step).
    for (rater, d11, d12) in [("Ann", 2, 2), ("Bo", 4, 3)] {
        let mut set = AnswerSet::default();
        for (_, s) in inst.statements() {
            set.answers
                .insert(s.id.clone(), nara_core::Answer::Level(3));
        }
        for (id, v) in [("D1.1", d11), ("D1.2", d12)] {
            set.answers.insert(
                nara_core::StatementId::parse(id).unwrap(),
                nara_core::Answer::Level(v),
            );
        }
        let resp = Response {
            round: RoundId::parse("2026").unwrap(),
            org: OrgCode::parse(&w.own).unwrap(),
            unit: UnitName::parse("Tvåstegsenheten").unwrap(),
            rater: rater.into(),
            participants: String::new(),
            date: String::new(),
            instrument_id: inst.id().to_string(),
            instrument_version: inst.version().to_string(),
            consensus: false,
            set,
        };
        w.store
            .store_response(&resp, rater, "test", "test")
            .await
            .unwrap();
    }
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let b = c.get(&format!("/omgangar/2026/org/{}", w.own)).await.body;
    let start = b.find("Där bedömarna är oense").expect("the section");
    let section = &b[start..start + b[start..].find("<h2>Kommentarer").unwrap()];
    assert!(
        section.contains("skiljer sig två steg eller mer (högsta minus lägsta svar)"),
        "{section}"
    );
    let rows: Vec<&str> = section
        .split("<tr>")
        .filter(|r| r.contains("Tvåstegsenheten"))
        .collect();
    assert_eq!(rows.len(), 1, "only D1.1 is flagged: {section}");
    assert!(rows[0].contains("<strong>D1.1</strong>") && rows[0].contains("2,00–4,00"));
    // The organisation's workbook says the same.
    let xlsx = c.get(&format!("/omgangar/2026/export/org/{}", w.own)).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let text = crate::support::download_text(&xlsx.bytes);
    assert!(
        text.contains("svaren skiljer sig två steg eller mer, högsta minus lägsta svar"),
        "the workbook's heading"
    );
}

/// A name that tries to be markup: an organisation, a unit and a comment named so show as
/// text in every chart (title, description, labels) and table, escaped by askama (`&#60;`,
/// `&#34;`, `&#38;`) as everything else on the page is: no chart writes its own escaping.
#[tokio::test]
async fn hostile_names_are_escaped_by_askama_in_the_charts_and_the_tables() {
    let w = world().await;
    let hostile = r#"<script>"O'Brien" & Co</script>"#;
    let escaped = "&#60;script&#62;&#34;O&#39;Brien&#34; &#38; Co&#60;/script&#62;";
    let own = nara_app::organisation(w.store.as_ref(), &OrgCode::parse(&w.own).unwrap())
        .await
        .unwrap();
    let list = format!(
        "county = \"Dalarna\"\norganisations = [\n  {{ code = \"{}\", name = '''{hostile}''', kind = \"{}\" }},\n]\n",
        own.code,
        own.kind.label()
    );
    nara_app::import_organisations(w.store.as_ref(), &list, "test")
        .await
        .unwrap();
    let unit = r#"Enhet "A" & B's"#;
    let inst = nara_core::Instrument::dalarna();
    let mut set = all_at(3);
    set.comments
        .insert(inst.areas()[0].id.clone(), hostile.into());
    let resp = crate::support::unit_answer("2026", own.code.as_str(), unit, set);
    w.store
        .store_response(&resp, "h", "test", "test")
        .await
        .unwrap();
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let unit_escaped = "Enhet &#34;A&#34; &#38; B&#39;s";
    let key = UnitName::parse(unit).unwrap().key();
    let pages = [
        "/omgangar/2026".to_string(),
        "/omgangar/2026/delmal/D1".to_string(),
        format!("/omgangar/2026/org/{}", w.own),
        format!(
            "/omgangar/2026/org/{}/enhet/{}",
            w.own,
            nara_server::pages::seg(&key)
        ),
    ];
    let mut bodies = Vec::new();
    for p in &pages {
        let r = c.get(p).await;
        assert_eq!(r.status, StatusCode::OK, "{p}: {}", r.body);
        // Nothing of the name became markup, nor an attribute's end.
        assert!(!r.body.contains("<script>"), "{p}");
        assert!(
            !r.body.contains("O'Brien") && !r.body.contains("\"A\""),
            "{p}"
        );
        bodies.push(r.body);
    }
    let [county, area, org, unit_page] = &bodies[..] else {
        unreachable!()
    };
    // The heat map: the organisation's row, its name escaped, then its cells.
    let row = county
        .split("<tr>")
        .find(|r| r.contains(&format!("/org/{}\"", w.own)))
        .unwrap();
    assert!(row.contains(&format!(">{escaped}</a>")), "{row}");
    assert!(row.contains("<td class=\"num heat tint-"), "{row}");
    // The delmål's bars: the label (shortened to fit) and the description.
    assert!(
        area.contains("&#60;script&#62;&#34;O&#39;Brien&#34; &#38; Co&#60;/s…</text>"),
        "the bar's label"
    );
    let desc = area.split("<desc").nth(1).unwrap();
    let desc = &desc[..desc.find("</desc>").unwrap()];
    assert!(desc.contains(&format!("{escaped} ")), "{desc}");
    // The organisation's radar, bars and trend: titles and the radar's legend.
    for title in [
        format!("{escaped} per delmål 2026</title>"),
        format!("{escaped} per delmål</title>"),
        format!("Index för {escaped} över omgångarna</title>"),
        format!("dominant-baseline=\"middle\">{escaped}</text>"),
    ] {
        assert!(org.contains(&title), "{title}");
    }
    // The unit's row and its comment, as text.
    assert!(org.contains(&format!(">{unit_escaped}</a>")));
    assert!(org.contains(&format!(
        "<span class=\"who\">{unit_escaped}:</span> {escaped}</li>"
    )));
    // The unit's page: its radar and heading.
    assert!(unit_page.contains(&format!("<h1>{unit_escaped}</h1>")));
    assert!(unit_page.contains(&format!("{unit_escaped} per delmål</title>")));
}

#[tokio::test]
async fn the_heat_map_tints_whole_cells_by_band_and_shade_and_explains_its_arrows() {
    let w = crate::support::world().await;
    let mut admin = crate::support::Client::new(&w);
    admin.sign_in("admin").await;
    let page = admin.get("/omgangar/2026").await;
    assert_eq!(page.status, axum::http::StatusCode::OK);
    let b = &page.body;
    // Every scored cell is tinted; a change is an arrow and a number, never "(oförändrad)".
    assert!(b.contains("class=\"num heat tint-"), "tinted cells");
    let seen = b.replace("<span class=\"visually-hidden\"> (oförändrad)</span>", "");
    assert!(
        b.contains("visually-hidden\"> (oförändrad)"),
        "said to screen readers"
    );
    assert!(!seen.contains("(oförändrad)"), "not written in every cell");
    assert!(!b.contains("→ -"), "a real minus sign");
    assert!(
        b.contains("Pilarna:") && b.contains("0,25 steg"),
        "the legend says the threshold"
    );
    assert!(b.contains("under 2,0") && b.contains("2,0–2,99") && b.contains("3,0 och över"));
    // The stylesheet grades every band.
    let css = admin.get("/static/band.css").await;
    for k in 0..nara_core::instrument::SHADES {
        assert!(
            css.body.contains(&format!(".tint-styrka.shade-{k} ")),
            "{}",
            css.body
        );
    }
}

#[tokio::test]
async fn error_pages_keep_the_menu_for_someone_signed_in() {
    use axum::http::StatusCode;
    let w = crate::support::world().await;
    let mut admin = crate::support::Client::new(&w);
    admin.sign_in("admin").await;
    let missing = admin.get("/finns-inte").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.body.contains("aria-label=\"Huvudmeny\""),
        "{}",
        missing.body
    );
    assert!(missing.body.contains("Sidan finns inte"));
    let no_year = admin.get("/arsrapport/1999x").await;
    assert_eq!(no_year.status, StatusCode::NOT_FOUND);
    assert!(no_year.body.contains("Huvudmeny") && no_year.body.contains("1999x"));
    let mut reader = crate::support::Client::new(&w);
    reader.sign_in("reader").await;
    let forbidden = reader.get("/admin/anvandare").await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(forbidden.body.contains("Huvudmeny") && forbidden.body.contains("Ingen behörighet"));
    // Signed out: the plain page, and the API keeps its own answer.
    let mut nobody = crate::support::Client::new(&w);
    let plain = nobody.get("/finns-inte").await;
    assert_eq!(plain.status, StatusCode::NOT_FOUND);
    assert!(!plain.body.contains("Huvudmeny"));
    let api = admin.get("/api/v1/rounds/1999/summary").await;
    assert!(!api.body.contains("Huvudmeny"), "{}", api.body);
}

#[tokio::test]
async fn an_organisation_that_has_not_answered_gets_its_page_with_the_way_to_answer() {
    use axum::http::StatusCode;
    let w = crate::support::world().await;
    let now = crate::support::report(&w.store, "2026").await;
    let missing = now
        .not_answered
        .first()
        .expect("the demo has one missing")
        .id
        .clone();
    let mut admin = crate::support::Client::new(&w);
    admin.sign_in("admin").await;
    let page = admin.get(&format!("/omgangar/2026/org/{missing}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let b = &page.body;
    assert!(b.contains("har inte svarat i omgång 2026 (öppen)"), "{b}");
    assert!(b.contains(&format!("href=\"/omgangar/2026/blankett/{missing}\"")));
    assert!(b.contains(&format!("href=\"/omgangar/2026/lankar?org={missing}\"")));
    assert!(b.contains("Förra omgången"));
    let before = crate::support::report(&w.store, "2025").await;
    if before.org(&missing).is_some() {
        assert!(
            b.contains(&format!("href=\"/omgangar/2025/org/{missing}\"")),
            "{b}"
        );
    }
    assert!(
        b.contains("Nyckeltal"),
        "the nyckeltal do not depend on answering"
    );
}
