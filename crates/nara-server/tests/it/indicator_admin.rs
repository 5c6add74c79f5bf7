//! The coordinator's nyckeltal page: the catalogue with what is stored, files uploaded with a
//! per-file report (a file with a problem stores nothing), a fetch from a local stand-in for
//! Kolada (and a clear sentence when it does not answer), the template; nobody else may.

use axum::http::{StatusCode, header};
use nara_server::Config;

use crate::admin::post_multipart;
use crate::support::{Client, world, world_with};

#[tokio::test]
async fn the_page_lists_the_catalogue_and_only_the_coordinator_reaches_it() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let page = c.get("/admin/nyckeltal").await;
    assert_eq!(page.status, StatusCode::OK);
    for want in [
        "U21468",
        "X-DAL-001",
        "demo (påhittade värden)",
        "Hämta från Kolada",
    ] {
        assert!(page.body.contains(want), "«{want}» missing");
    }
    assert!(
        c.get("/omgangar")
            .await
            .body
            .contains("href=\"/admin/nyckeltal\""),
        "in the menu"
    );

    for user in ["resp", "reader"] {
        let mut c = Client::new(&w);
        c.sign_in(user).await;
        let token = Client::csrf(&c.get("/omgangar").await.body);
        assert_eq!(
            c.get("/admin/nyckeltal").await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        assert_eq!(
            c.get("/admin/nyckeltal/mall.xlsx?ar=2024").await.status,
            StatusCode::FORBIDDEN
        );
        let up = post_multipart(
            &mut c,
            "/admin/nyckeltal",
            &[
                ("csrf", None, token.as_bytes()),
                ("steg", None, b"las-in"),
                (
                    "filer",
                    Some("a.csv"),
                    b"kpi;kommunkod;\xc3\xa5r;v\xc3\xa4rde\nU21468;2080;2030;1\n",
                ),
            ],
        )
        .await;
        assert_eq!(up.status, StatusCode::FORBIDDEN, "{user} upload");
    }
    let stored = w.store.indicator_values(&["U21468"]).await.unwrap();
    assert!(
        stored.iter().all(|v| v.value.period != 2030),
        "nothing stored"
    );
}

#[tokio::test]
async fn uploaded_files_are_stored_whole_or_reported_with_row_and_column() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let token = Client::csrf(&c.get("/admin/nyckeltal").await.body);
    let good = "kpi;kommunkod;år;värde;antal\nX-DAL-001;0020;2031;7;\nU21468;2080;2031;81,5;\n";
    let bad = "kpi;kommunkod;år;värde\nU21468;2080;2032;12\nU21468;Falun;2032;13\n";
    let r = post_multipart(
        &mut c,
        "/admin/nyckeltal",
        &[
            ("csrf", None, token.as_bytes()),
            ("steg", None, b"las-in"),
            ("filer", Some("bra.csv"), good.as_bytes()),
            ("filer", Some("fel.csv"), bad.as_bytes()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("bra.csv</strong>:\n  Inläst: 2 nya"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("fel.csv</strong>:\n  inte inläst, inget sparades.")
    );
    assert!(
        r.body
            .contains("rad 3, kolumn B: ”Falun” är ingen kommun- eller regionkod"),
        "{}",
        r.body
    );
    let stored = w.store.indicator_values(&["U21468"]).await.unwrap();
    assert!(
        stored
            .iter()
            .any(|v| v.value.period == 2031 && v.value.value == Some(81.5))
    );
    assert!(
        stored.iter().all(|v| v.value.period != 2032),
        "nothing of the refused file"
    );
    let log = w
        .store
        .audit_log(5, Some("indicators.store"))
        .await
        .unwrap();
    assert_eq!(log[0].actor, "admin");
    assert_eq!(log[0].subject, "bra.csv");

    // No file chosen: a sentence, not an error page.
    let r = post_multipart(
        &mut c,
        "/admin/nyckeltal",
        &[("csrf", None, token.as_bytes()), ("steg", None, b"las-in")],
    )
    .await;
    assert!(r.body.contains("Välj en eller flera filer"));
    // A missing CSRF token is refused (400, as every form of the site).
    let r = post_multipart(
        &mut c,
        "/admin/nyckeltal",
        &[
            ("steg", None, b"las-in"),
            ("filer", Some("bra.csv"), good.as_bytes()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let by_admin = (w
        .store
        .audit_log(10, Some("indicators.store"))
        .await
        .unwrap())
    .into_iter()
    .filter(|e| e.actor == "admin")
    .count();
    assert_eq!(by_admin, 1, "the refused post stored nothing");
}

/// A stand-in for Kolada: one description page and one data page.
async fn kolada() -> String {
    use axum::extract::Request;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v3", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(|req: Request| async move {
        if req.uri().path().starts_with("/v3/kpi/") {
            r#"{"values": [{"id": "U21468", "title": "Brukarbedömning hemtjänst äldreomsorg – helhetssyn, andel (%)", "publication_date": "2026-03-01"}], "count": 1}"#.to_string()
        } else {
            r#"{"values": [{"kpi": "U21468", "municipality": "2080", "period": 2033,
                "values": [{"gender": "T", "status": "", "value": 77.7}, {"gender": "K", "value": null}]}],
                "count": 1}"#.to_string()
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

#[tokio::test]
async fn a_fetch_from_kolada_is_stored_and_a_silent_kolada_is_said_in_swedish() {
    let w = world_with(Config {
        kolada_url: kolada().await,
        ..Config::default()
    })
    .await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let token = Client::csrf(&c.get("/admin/nyckeltal").await.body);
    let r = post_multipart(
        &mut c,
        "/admin/nyckeltal",
        &[
            ("csrf", None, token.as_bytes()),
            ("steg", None, b"hamta"),
            ("ar", None, b"2033"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("Hämtat från Kolada: 2 värden (1 saknas i Kolada)"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("Kolada beskriver inte N21497"),
        "ids Kolada did not describe are named"
    );
    let stored = w.store.indicator_values(&["U21468"]).await.unwrap();
    let of = |g| {
        (stored.iter())
            .find(|v| {
                v.value.period == 2033 && v.value.municipality == "2080" && v.value.gender == g
            })
            .map(|v| v.value.value)
    };
    use nara_core::indicator::kolada::Gender;
    assert_eq!(of(Gender::T), Some(Some(77.7)));
    assert_eq!(of(Gender::K), Some(None), "a missing value stays missing");

    let bad_years = post_multipart(
        &mut c,
        "/admin/nyckeltal",
        &[
            ("csrf", None, token.as_bytes()),
            ("steg", None, b"hamta"),
            ("ar", None, b"2025..2019"),
        ],
    )
    .await;
    assert!(bad_years.body.contains("går baklänges"));

    // Nobody answers at this address.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let w = world_with(Config {
        kolada_url: format!("http://{closed}/v3"),
        ..Config::default()
    })
    .await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let token = Client::csrf(&c.get("/admin/nyckeltal").await.body);
    let r = post_multipart(
        &mut c,
        "/admin/nyckeltal",
        &[
            ("csrf", None, token.as_bytes()),
            ("steg", None, b"hamta"),
            ("ar", None, b"2024"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("Kolada svarade inte som väntat"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Inget sparades"));
}

#[tokio::test]
async fn the_template_downloads_as_a_workbook() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let r = c.get("/admin/nyckeltal/mall.xlsx?ar=2023..2025").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.bytes.starts_with(b"PK"));
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("egna-nyckeltal-mall.xlsx")
    );
    let r = c.get("/admin/nyckeltal/mall.xlsx?ar=tjugo").await;
    assert!(r.body.contains("”tjugo” är inget år"), "{}", r.body);
}
