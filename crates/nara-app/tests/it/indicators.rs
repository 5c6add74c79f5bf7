//! The Kolada sync against a local stand-in of Kolada's API v3 (the network is not reachable
//! from the checks): recorded pages in Kolada's shape, several pages, missing values, every
//! gender, a 429 then a retry; a server that keeps failing stores nothing.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use nara_app::indicators::SyncOptions;
use nara_core::indicator::kolada::Gender;
use nara_core::{Instrument, Organisations};
use nara_store::{Store, contract};

const CATALOGUE: &str = r#"county = "Dalarna"
instrument = "dalarna-gnv"
[[indicators]]
id = "N21700"
title = "Invånare 65–79 år med hemtjänst"
source = "kolada"
unit = "andel"
direction = "neutral"
level = "kommun"
areas = ["D2"]
[[indicators]]
id = "U99999"
title = "Ett id som Kolada inte känner"
source = "kolada"
unit = "andel"
direction = "higher"
level = "region"
areas = ["D1"]
"#;

/// The stand-in: answers by path and query; `fail` makes every data page a 500.
#[derive(Clone)]
struct Kolada {
    base: String,
    hits: Arc<AtomicUsize>,
    page_two_tries: Arc<AtomicUsize>,
    fail: bool,
    next_elsewhere: bool,
}

async fn answer(State(k): State<Kolada>, uri: Uri) -> (StatusCode, String) {
    k.hits.fetch_add(1, Ordering::SeqCst);
    let path = uri.path();
    if path.starts_with("/v3/kpi/") {
        return (
            StatusCode::OK,
            r#"{"values": [{"id": "N21700", "title": "Invånare 65-79 år med hemtjänst i ordinärt boende, andel (%)", "publication_date": "2025-04-02", "operating_area": "Äldreomsorg"}], "count": 1}"#.into(),
        );
    }
    if k.fail {
        return (StatusCode::INTERNAL_SERVER_ERROR, "{}".into());
    }
    if path.starts_with("/v3/data/kpi/") && uri.query().is_none() {
        let next = if k.next_elsewhere {
            "https://evil.example/v3/data?page=2".to_string()
        } else {
            format!("{}/data/kpi/N21700/year/2024?page=2", k.base)
        };
        return (
            StatusCode::OK,
            format!(
                r#"{{"values": [
                  {{"kpi": "N21700", "municipality": "2080", "period": 2024,
                    "values": [{{"gender": "T", "status": "", "value": 37.4}},
                               {{"gender": "K", "status": "", "value": 40.1}},
                               {{"gender": "M", "status": "", "value": null}}]}}
                ], "count": 2, "next_url": "{next}"}}"#
            ),
        );
    }
    if uri.query() == Some("page=2") {
        // The first try of the second page is throttled.
        if k.page_two_tries.fetch_add(1, Ordering::SeqCst) == 0 {
            return (StatusCode::TOO_MANY_REQUESTS, String::new());
        }
        return (
            StatusCode::OK,
            r#"{"values": [
              {"kpi": "N21700", "municipality": "0020", "period": 2024,
               "values": [{"gender": "T", "value": 35.2}]},
              {"kpi": "N21700", "municipality": "0000", "period": 2024,
               "values": [{"gender": "T", "value": 33.9}]}
            ], "count": 2, "next_url": ""}"#
                .into(),
        );
    }
    (StatusCode::NOT_FOUND, String::new())
}

async fn stand_in(fail: bool, next_elsewhere: bool) -> Kolada {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v3", listener.local_addr().unwrap());
    let k = Kolada {
        base,
        hits: Arc::default(),
        page_two_tries: Arc::default(),
        fail,
        next_elsewhere,
    };
    let app = axum::Router::new().fallback(answer).with_state(k.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    k
}

fn options(k: &Kolada) -> SyncOptions {
    SyncOptions {
        base_url: k.base.clone(),
        years: vec![2024],
        retries: 2,
        backoff: Duration::from_millis(10),
        ..SyncOptions::default()
    }
}

async fn seeded(store: &Arc<dyn Store>) -> nara_app::App {
    store.put_instrument(&Instrument::dalarna()).await.unwrap();
    for o in Organisations::dalarna().organisations {
        store.put_organisation(&o).await.unwrap();
    }
    nara_app::App::new(store.clone())
}

contract!(
    a_sync_follows_pages_retries_and_keeps_missing_values_missing,
    |store: Arc<dyn Store>| async move {
        let app = seeded(&store).await;
        let k = stand_in(false, false).await;
        app.store_catalogue(CATALOGUE, "test").await.unwrap();
        let r = app.sync_indicators(&options(&k), "test").await.unwrap();
        // One description page, two data pages, one retry of the throttled one.
        assert_eq!((r.requests, r.retries), (4, 1));
        assert_eq!((r.values, r.missing), (5, 1));
        assert_eq!(r.changes.added, 5);
        assert_eq!(r.unknown, ["U99999"], "Kolada does not describe it");
        assert_eq!(
            r.retitled.len(),
            1,
            "the title is Kolada's, not the catalogue's"
        );

        let values = app.indicator_values(&["N21700"]).await.unwrap();
        assert_eq!(values.len(), 5);
        let by: HashMap<(&str, Gender), Option<f64>> = values
            .iter()
            .map(|v| {
                (
                    (v.value.municipality.as_str(), v.value.gender),
                    v.value.value,
                )
            })
            .collect();
        assert_eq!(by[&("2080", Gender::M)], None, "null is never 0");
        assert_eq!(by[&("2080", Gender::K)], Some(40.1));
        assert_eq!(
            by[&("0020", Gender::T)],
            Some(35.2),
            "Region Dalarna is 0020"
        );
        assert_eq!(by[&("0000", Gender::T)], Some(33.9), "the country");
        assert!(
            values
                .iter()
                .all(|v| v.source == "kolada" && v.published.as_deref() == Some("2025-04-02"))
        );

        // Again: nothing changes.
        let k2 = stand_in(false, false).await;
        let again = app.sync_indicators(&options(&k2), "test").await.unwrap();
        assert_eq!(
            (
                again.changes.added,
                again.changes.changed,
                again.changes.unchanged
            ),
            (0, 0, 5)
        );
        let log = store.audit_log(10, Some("indicators.store")).await.unwrap();
        assert_eq!(log.len(), 2);
    }
);

contract!(
    a_failing_kolada_stores_nothing_and_says_so_in_swedish,
    |store: Arc<dyn Store>| async move {
        let app = seeded(&store).await;
        app.store_catalogue(CATALOGUE, "test").await.unwrap();
        let k = stand_in(true, false).await;
        let e = app.sync_indicators(&options(&k), "test").await.unwrap_err();
        assert!(matches!(e, nara_app::Error::Unavailable(_)), "{e:?}");
        let text = e.to_string();
        assert!(
            text.starts_with("Kolada svarade inte som väntat på")
                && text.contains("HTTP 500")
                && text.contains("Inget sparades"),
            "{text}"
        );
        // The description page, then the data page with its two retries.
        assert_eq!(k.hits.load(Ordering::SeqCst), 4);
        assert!(app.indicator_values(&[]).await.unwrap().is_empty());

        // A page that sends the sync elsewhere is refused, and nothing is stored either.
        let k = stand_in(false, true).await;
        let e = app
            .sync_indicators(&options(&k), "test")
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("pekar utanför Kolada"), "{e}");
        assert!(app.indicator_values(&[]).await.unwrap().is_empty());

        let none = SyncOptions {
            years: vec![],
            ..options(&k)
        };
        let e = app
            .sync_indicators(&none, "test")
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("Ange vilka år"), "{e}");
    }
);

contract!(
    indicator_files_are_stored_whole_or_not_at_all,
    |store: Arc<dyn Store>| async move {
        let app = seeded(&store).await;
        app.store_catalogue(CATALOGUE, "test").await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("hemtjanst.csv");
        std::fs::write(
            &good,
            "År;Kommunkod;Kön;Variabelkod;Värde\n2024;2080;T;N21700;37,4\n2024;20;K;N21700;..\n",
        )
        .unwrap();
        let broken = dir.path().join("trasig.csv");
        std::fs::write(
            &broken,
            "kpi;kommunkod;år;värde\nN21700;2081;2024;5\nN21700;2080;2024;mycket\n",
        )
        .unwrap();
        let unknown = dir.path().join("okand.csv");
        std::fs::write(&unknown, "kpi;kommunkod;år;värde\nN11111;2080;2024;1\n").unwrap();
        let reports = app
            .import_indicator_files(&[good, broken, unknown], "test")
            .await
            .unwrap();
        assert_eq!(reports[0].changes.map(|c| c.added), Some(2));
        assert!(reports[1].changes.is_none());
        assert_eq!(
            reports[1].problems[0].cell.as_deref(),
            Some("rad 3, kolumn D")
        );
        assert!(
            reports[2].problems[0]
                .message
                .contains("N11111 finns inte i katalogen")
        );
        let values = app.indicator_values(&[]).await.unwrap();
        assert_eq!(values.len(), 2, "nothing of the refused files");
        assert!(values.iter().all(|v| v.source == "hemtjanst.csv"));
        let region = values
            .iter()
            .find(|v| v.value.municipality == "0020")
            .unwrap();
        assert_eq!((region.value.gender, region.value.value), (Gender::K, None));
    }
);

contract!(
    the_demo_gives_every_organisation_nyckeltal_and_an_import_shows_at_once,
    |store: Arc<dyn Store>| async move {
        use nara_core::indicator::view::Shown;
        nara_app::seed_defaults(store.as_ref()).await.unwrap();
        let app = nara_app::App::new(store.clone());
        let s = app.demo(&nara_app::demo::Options::default()).await.unwrap();
        assert!(s.indicator_values > 500, "{}", s.indicator_values);

        let snap = app.snapshot().await.unwrap();
        let n = app.nyckeltal(&snap).await.unwrap();
        let falun = snap
            .organisations
            .iter()
            .find(|o| o.name == "Falun")
            .unwrap();
        for area in n.areas() {
            for card in n.cards(falun, &area, true) {
                // Demo years end the year before the newest round (2026).
                let (year, _) = card.latest.or(card.hidden.map(|h| (h.0, 0.0))).unwrap();
                assert!((2019..=2025).contains(&year), "{year}");
                assert!(card.country.latest().is_some(), "the country has values");
                assert!(card.county.as_ref().unwrap().latest().is_some());
                assert_eq!(
                    card.provenance.as_ref().unwrap().source,
                    nara_app::demo::DEMO_SOURCE
                );
            }
        }
        let d1 = nara_core::AreaId::parse("D1").unwrap();
        assert!(!n.cards(falun, &d1, true).is_empty());

        // A file with a new figure for Falun is seen on the next snapshot.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("rättelse.csv");
        std::fs::write(&file, "kpi;kommunkod;år;värde\nU21468;2080;2025;99,5\n").unwrap();
        let r = app.import_indicator_files(&[file], "test").await.unwrap();
        assert!(r[0].changes.is_some(), "{:?}", r[0].problems);
        let snap2 = app.snapshot().await.unwrap();
        assert_ne!(snap2.stamp, snap.stamp, "values move the data stamp");
        let n2 = app.nyckeltal(&snap2).await.unwrap();
        let card = (n2.cards(falun, &d1, true).into_iter())
            .find(|c| c.indicator.id == "U21468")
            .unwrap();
        assert_eq!(card.own.at(2025), Shown::Value { value: 99.5 });
        assert_eq!(card.provenance.unwrap().source, "rättelse.csv");
    }
);

contract!(
    a_catalogue_is_checked_against_the_instrument_it_names,
    |store: Arc<dyn Store>| async move {
        let app = seeded(&store).await;
        let other = CATALOGUE.replace("dalarna-gnv", "annat-instrument");
        let e = app.store_catalogue(&other, "test").await.unwrap_err();
        assert!(
            e.to_string().contains("”annat-instrument”, som inte finns"),
            "{e}"
        );
        let wrong_area = CATALOGUE.replacen("areas = [\"D1\"]", "areas = [\"D9\"]", 1);
        let e = app.store_catalogue(&wrong_area, "test").await.unwrap_err();
        assert!(e.to_string().contains("delmålet D9 finns inte"), "{e}");
        assert_eq!(
            app.catalogue().await.unwrap(),
            nara_core::indicator::Catalogue::dalarna()
        );
        let stored = app.store_catalogue(CATALOGUE, "test").await.unwrap();
        assert_eq!(app.catalogue().await.unwrap(), stored);
    }
);
