//! The årsrapport on the web: the coordinator drafts the texts and marks the report final once
//! the round is published; everyone else sees only the final version, as a page, a PDF and an
//! Excel appendix (the coordinator's with the internal indicators, everyone else's without).

use axum::http::{StatusCode, header};
use nara_core::{RoundId, RoundStatus};

use crate::support::{Client, World, sheet_cells, world};

/// The PDF's media type.
const PDF: &str = "application/pdf";
/// The xlsx media type.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[tokio::test]
async fn the_coordinator_drafts_and_finalises_and_everyone_reads_the_final_version() {
    let w = world().await;
    let mut admin = Client::new(&w);
    admin.sign_in("admin").await;
    let index = admin.get("/arsrapport").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(
        index.body.contains(r#"href="/arsrapport/2026""#),
        "{}",
        index.body
    );
    let draft = admin.get("/arsrapport/2026").await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.body);
    for part in [
        "Utkast",
        "Sammanfattning",
        "Inledning och läsanvisning",
        "Översikt",
        "D1 Nära för mig",
        "Om statistiken",
        "Markera som slutlig",
        "Falun",
    ] {
        assert!(draft.body.contains(part), "{part}");
    }

    // Readers have nothing to read until it is final.
    let mut reader = Client::new(&w);
    reader.sign_in("reader").await;
    let early = reader.get("/arsrapport/2026").await;
    assert_eq!(early.status, StatusCode::NOT_FOUND);
    assert!(early.body.contains("inte klar ännu"), "{}", early.body);
    assert_eq!(
        reader.get("/arsrapport/2026/texter").await.status,
        StatusCode::FORBIDDEN
    );

    // The texts: too many bullets are refused with the values kept; then stored.
    let form = admin.get("/arsrapport/2026/texter").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Förslag ur underlaget"), "{}", form.body);
    let token = Client::csrf(&form.body);
    let seven = "1\n2\n3\n4\n5\n6\n7";
    let r = admin
        .post(
            "/arsrapport/2026/texter",
            &[("csrf", token.as_str()), ("summary", seven)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("högst 6"), "{}", r.body);
    assert!(r.body.contains("1\n2\n3"), "the values are kept");
    let r = admin
        .post(
            "/arsrapport/2026/texter",
            &[
                ("csrf", token.as_str()),
                (
                    "summary",
                    "Länet har tagit tydliga steg.\nFler kommuner har en plan.",
                ),
                ("text-D1", "Ett stycke.\n\nEtt till."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = admin.get(r.location()).await;
    assert!(page.body.contains("Texterna är sparade"));
    assert!(page.body.contains("<li>Länet har tagit tydliga steg.</li>"));
    assert!(page.body.contains("<p>Ett till.</p>"));

    // Not final while the round is open; then published and final.
    let r = admin
        .post("/arsrapport/2026/slutlig", &[("csrf", token.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("inte publicerad"), "{}", r.body);
    let id = RoundId::parse("2026").unwrap();
    for to in [RoundStatus::Closed, RoundStatus::Published] {
        nara_app::rounds::set_status(w.store.as_ref(), id, to, "admin")
            .await
            .unwrap();
    }
    assert_eq!(
        admin.post("/arsrapport/2026/slutlig", &[]).await.status,
        StatusCode::BAD_REQUEST,
        "without the CSRF token"
    );
    let r = admin
        .post("/arsrapport/2026/slutlig", &[("csrf", token.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let shown = admin.get(r.location()).await;
    assert!(
        shown.body.contains("slutlig som version 1"),
        "{}",
        shown.body
    );
    let read = reader.get("/arsrapport/2026").await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains("Version 1, slutlig"));
    assert!(read.body.contains("<li>Fler kommuner har en plan.</li>"));
    assert!(!read.body.contains("Markera som slutlig"));
    let mut resp = Client::new(&w);
    resp.sign_in("resp").await;
    assert_eq!(resp.get("/arsrapport/2026").await.status, StatusCode::OK);
    // A reader may not mark it final.
    let theirs = Client::csrf(&read.body);
    let r = reader
        .post("/arsrapport/2026/slutlig", &[("csrf", theirs.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let log = w.store.audit_log(10, Some("yearly.final")).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].actor, "admin");
}

#[tokio::test]
async fn a_respondent_writes_the_organisations_reflections_for_the_report() {
    let w = world().await;
    let own = w.own.clone();
    let mut resp = Client::new(&w);
    resp.sign_in("resp").await;
    let index = resp.get("/arsrapport").await;
    assert!(
        index.body.contains(r#"href="/arsrapport/2026/reflektion""#),
        "{}",
        index.body
    );
    let page = resp.get("/arsrapport/2026/reflektion").await;
    assert_eq!(page.status, StatusCode::OK);
    let token = Client::csrf(&page.body);
    let long = "x".repeat(nara_core::yearly::MAX_TEXT + 1);
    let r = resp
        .post(
            "/arsrapport/2026/reflektion",
            &[("csrf", token.as_str()), ("text", long.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="text-fel""#), "{}", r.body);
    let text = "Vi har kommit långt med hemsjukvården.\n\nNästa år: fler planer.";
    let r = resp
        .post(
            "/arsrapport/2026/reflektion",
            &[("csrf", token.as_str()), ("text", text)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let back = resp.get(r.location()).await;
    assert!(back.body.contains("Reflektionerna är sparade"));
    assert!(back.body.contains("Nästa år: fler planer."));
    // The coordinator's draft shows them in the organisation's profile.
    let mut admin = Client::new(&w);
    admin.sign_in("admin").await;
    let draft = admin.get("/arsrapport/2026").await;
    assert!(
        draft
            .body
            .contains("<p>Vi har kommit långt med hemsjukvården.</p>"),
        "{}",
        draft.body
    );
    let theirs = admin
        .get(&format!("/arsrapport/2026/reflektion?org={own}"))
        .await;
    assert!(theirs.body.contains("Nästa år: fler planer."));
    // Readers write none.
    let mut reader = Client::new(&w);
    reader.sign_in("reader").await;
    assert_eq!(
        reader.get("/arsrapport/2026/reflektion").await.status,
        StatusCode::FORBIDDEN
    );
}

/// The demo's catalogue with `X-DAL-001` (a local indicator of D4) made internal.
async fn with_internal_indicator(w: &World) {
    let toml = nara_core::indicator::DALARNA_TOML;
    let at = toml.find("id = \"X-DAL-001\"").unwrap();
    let tail = toml[at..].replacen("public = true\n", "", 1);
    assert_ne!(tail, toml[at..], "X-DAL-001 was public");
    let catalogue = format!("{}{tail}", &toml[..at]);
    nara_app::indicator_view::store_catalogue(w.store.as_ref(), &catalogue, "test")
        .await
        .unwrap();
}

/// Publishes the round 2026 and marks its report final as the coordinator (version 1).
async fn finalise(w: &World, admin: &mut Client<'_>) {
    let id = RoundId::parse("2026").unwrap();
    for to in [RoundStatus::Closed, RoundStatus::Published] {
        nara_app::rounds::set_status(w.store.as_ref(), id, to, "admin")
            .await
            .unwrap();
    }
    let token = Client::csrf(&admin.get("/arsrapport/2026/texter").await.body);
    let r = admin
        .post("/arsrapport/2026/slutlig", &[("csrf", token.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// Downloads `path` and checks it is the file `name` of the media type `media`.
async fn download(c: &mut Client<'_>, path: &str, media: &str, name: &str) -> Vec<u8> {
    let r = c.get(path).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    let value = |h: header::HeaderName| {
        (r.headers.get(h))
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(value(header::CONTENT_TYPE), media, "{path}");
    assert_eq!(
        value(header::CONTENT_DISPOSITION),
        format!("attachment; filename=\"{name}\""),
        "{path}"
    );
    r.bytes
}

/// Downloads the PDF at `path` (named `name`) and checks that it is one.
async fn pdf(c: &mut Client<'_>, path: &str, name: &str) {
    let bytes = download(c, path, PDF, name).await;
    assert!(bytes.starts_with(b"%PDF-"), "{path}");
}

/// The workbook at `path` (named `name`): Översikt first; the cells of its sheet Nyckeltal.
async fn workbook(c: &mut Client<'_>, path: &str, name: &str) -> Vec<String> {
    use calamine::Reader;
    let bytes = download(c, path, XLSX, name).await;
    let wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let sheets = wb.sheet_names();
    assert_eq!(
        sheets.first().map(String::as_str),
        Some("Översikt"),
        "{sheets:?}"
    );
    sheet_cells(&bytes, "Nyckeltal")
}

#[tokio::test]
async fn the_report_downloads_as_pdf_and_workbook_for_those_who_may_read_it() {
    let w = world().await;
    with_internal_indicator(&w).await;
    let mut admin = Client::new(&w);
    admin.sign_in("admin").await;
    let (pdf_path, xlsx_path) = ("/arsrapport/2026/pdf", "/arsrapport/2026/excel");
    pdf(&mut admin, pdf_path, "arsrapport-2026-utkast.pdf").await;
    let cells = workbook(&mut admin, xlsx_path, "arsrapport-2026-utkast.xlsx").await;
    assert!(
        cells.iter().any(|c| c == "X-DAL-001"),
        "the coordinator's draft"
    );
    assert!(cells.iter().any(|c| c == "U21468"), "{cells:?}");

    // Before a final version: nothing to read, said in words, not a failure.
    let mut reader = Client::new(&w);
    reader.sign_in("reader").await;
    let mut resp = Client::new(&w);
    resp.sign_in("resp").await;
    for c in [&mut reader, &mut resp] {
        for path in [pdf_path, xlsx_path] {
            let r = c.get(path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert!(r.body.contains("inte klar ännu"), "{path}: {}", r.body);
        }
    }

    // Final: readers get version 1 with only the public indicators.
    finalise(&w, &mut admin).await;
    for c in [&mut reader, &mut resp] {
        pdf(c, pdf_path, "arsrapport-2026-version-1.pdf").await;
        let cells = workbook(c, xlsx_path, "arsrapport-2026-version-1.xlsx").await;
        assert!(cells.iter().any(|c| c == "U21468"), "{cells:?}");
        assert!(!cells.iter().any(|c| c.contains("X-DAL-001")), "internal");
        assert!(
            !cells
                .iter()
                .any(|c| c.contains("Kommuner med en lokal plan"))
        );
    }
    // The coordinator: the draft, or the final version with every indicator.
    pdf(&mut admin, pdf_path, "arsrapport-2026-utkast.pdf").await;
    let final_pdf = format!("{pdf_path}?utkast=nej");
    pdf(&mut admin, &final_pdf, "arsrapport-2026-version-1.pdf").await;
    let final_xlsx = format!("{xlsx_path}?utkast=nej");
    let cells = workbook(&mut admin, &final_xlsx, "arsrapport-2026-version-1.xlsx").await;
    assert!(cells.iter().any(|c| c == "X-DAL-001"), "the coordinator's");
}
