//! The authorization matrix: every route (pages, API, downloads) × every role × own/other organisation × a published
//! and an open round, with the expected status; and a respondent never sees another
//! organisation's numbers before publication, by any route.

use axum::http::StatusCode;

use crate::support::{Client, report, world};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Who {
    Admin,
    Resp,
    Reader,
}

/// The expected status of a route for a role in a round.
fn expected(who: Who, route: &str, published: bool) -> StatusCode {
    use StatusCode as S;
    let blank = route.starts_with("blank");
    match who {
        Who::Admin => S::OK,
        Who::Reader if !published => S::NOT_FOUND, // the round is invisible to readers
        Who::Reader if blank => S::FORBIDDEN,
        Who::Reader => S::OK,
        Who::Resp => match (route, published) {
            ("blank-other", _) => S::FORBIDDEN,
            (_, true) => S::OK,
            (
                "org-own" | "api-org-own" | "unit-own" | "downloads" | "blank-own"
                | "export-org-own",
                false,
            ) => S::OK,
            (_, false) => S::FORBIDDEN,
        },
    }
}

#[tokio::test]
async fn every_route_for_every_role_and_round() {
    let w = world().await;
    let mut checked = 0;
    for (round, published) in [("2025", true), ("2026", false)] {
        let rep = report(&w.store, round).await;
        let unit_of = |code: &str| {
            let u = &rep.org(code).unwrap().units[0];
            nara_server::pages::seg(&u.name.key())
        };
        let (own, other) = (&w.own, &w.other);
        let routes = [
            ("county", format!("/omgangar/{round}")),
            ("org-own", format!("/omgangar/{round}/org/{own}")),
            ("org-other", format!("/omgangar/{round}/org/{other}")),
            (
                "unit-own",
                format!("/omgangar/{round}/org/{own}/enhet/{}", unit_of(own)),
            ),
            (
                "unit-other",
                format!("/omgangar/{round}/org/{other}/enhet/{}", unit_of(other)),
            ),
            ("area", format!("/omgangar/{round}/delmal/D1")),
            ("downloads", format!("/omgangar/{round}/nedladdningar")),
            ("blank-own", format!("/omgangar/{round}/blankett/{own}")),
            ("blank-other", format!("/omgangar/{round}/blankett/{other}")),
            ("api-summary", format!("/api/v1/rounds/{round}/summary")),
            ("api-org-own", format!("/api/v1/rounds/{round}/org/{own}")),
            (
                "api-org-other",
                format!("/api/v1/rounds/{round}/org/{other}"),
            ),
            (
                "export-summary",
                format!("/omgangar/{round}/export/lanssammanstallning.xlsx"),
            ),
            ("export-raw", format!("/omgangar/{round}/export/radata.csv")),
            (
                "export-org-own",
                format!("/omgangar/{round}/export/org/{own}"),
            ),
            (
                "export-org-other",
                format!("/omgangar/{round}/export/org/{other}"),
            ),
        ];
        for (who, user) in [
            (Who::Admin, "admin"),
            (Who::Resp, "resp"),
            (Who::Reader, "reader"),
        ] {
            let mut c = Client::new(&w);
            c.sign_in(user).await;
            for (name, path) in &routes {
                let r = c.get(path).await;
                let want = expected(who, name, published);
                assert_eq!(
                    r.status,
                    want,
                    "{who:?} {name} {path}: {}",
                    &r.body[..r.body.len().min(300)]
                );
                checked += 1;
            }
        }
        // Without a session: pages send to the sign-in page, the API answers 401 in JSON.
        let mut anon = Client::new(&w);
        for (name, path) in &routes {
            let r = anon.get(path).await;
            if name.starts_with("api") {
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
                assert!(r.body.contains("\"error\""), "{path}: {}", r.body);
            } else {
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
                assert_eq!(r.location(), "/logga-in");
            }
        }
    }
    assert_eq!(checked, 2 * 3 * 16);
}

#[tokio::test]
async fn a_respondent_never_sees_another_organisations_numbers_before_publication() {
    let w = world().await;
    let rep = report(&w.store, "2026").await;
    let mut c = Client::new(&w);
    c.sign_in("resp").await;
    let others: Vec<_> = rep
        .organisations
        .iter()
        .filter(|o| o.code != w.own)
        .collect();
    // Every page the respondent can open in the open round.
    let mut bodies = Vec::new();
    for path in [
        "/".to_string(),
        "/omgangar".to_string(),
        format!("/omgangar/2026/org/{}", w.own),
        "/omgangar/2026/nedladdningar".to_string(),
        format!("/api/v1/rounds/2026/org/{}", w.own),
        "/api/v1/rounds".to_string(),
    ] {
        let r = c.get(&path).await;
        assert!(r.status.is_success() || r.status.is_redirection(), "{path}");
        bodies.push((path, r.body));
    }
    for (path, body) in &bodies {
        for o in &others {
            assert!(
                !body.contains(&format!(">{}<", o.name))
                    && !body.contains(&format!("\"{}\"", o.name)),
                "{path} names {}",
                o.name
            );
            assert!(
                !body.contains(&format!("/org/{}", o.code)),
                "{path} links to {}",
                o.code
            );
        }
        assert!(
            !body.contains("Länets medel"),
            "{path} shows the county mean"
        );
    }
    // The API's organisation report carries no county numbers before publication.
    let api: serde_json::Value = serde_json::from_str(&bodies[4].1).unwrap();
    assert_eq!(api["county"]["orgs_scored"], 0);
    assert_eq!(api["organisations"].as_array().unwrap().len(), 1);
    // After publication the county is open to them.
    nara_app::rounds::set_status(
        w.store.as_ref(),
        nara_core::RoundId::parse("2026").unwrap(),
        nara_core::RoundStatus::Closed,
        "t",
    )
    .await
    .unwrap();
    assert_eq!(
        c.get("/omgangar/2026").await.status,
        StatusCode::FORBIDDEN,
        "closed is not published"
    );
    nara_app::rounds::set_status(
        w.store.as_ref(),
        nara_core::RoundId::parse("2026").unwrap(),
        nara_core::RoundStatus::Published,
        "t",
    )
    .await
    .unwrap();
    assert_eq!(c.get("/omgangar/2026").await.status, StatusCode::OK);
}

/// The routes that belong to no round: the nyckeltal (public data; internal local indicators are
/// filtered inside, see tests/it/nyckeltal.rs), the coordinator's nyckeltal page, the
/// årsrapport with its PDF and Excel files, and the aktiviteter with their CSV, API and plan
/// forms (who may edit: tests/it/activities.rs and tests/it/activity_plans.rs, which also holds
/// the rule before publication).
#[tokio::test]
async fn the_routes_outside_rounds_for_every_role() {
    let w = world().await;
    let (own, other) = (&w.own, &w.other);
    let api = [
        "/api/v1/indicators".to_string(),
        format!("/api/v1/indicators/org/{own}"),
        format!("/api/v1/indicators/org/{other}"),
        "/api/v1/indicators/county/D1".to_string(),
        "/api/v1/activities".to_string(),
        format!("/api/v1/activities?org={other}"),
        "/api/v1/plans".to_string(),
    ];
    let admin_only = [
        "/admin/nyckeltal",
        "/admin/nyckeltal/mall.xlsx?ar=2024",
        "/arsrapport/2026/texter",
    ];
    // The årsrapport's files: the coordinator's draft; nothing for others before a final
    // version (after it: tests/it/yearly.rs).
    let report_files = ["/arsrapport/2026/pdf", "/arsrapport/2026/excel"];
    // Aktiviteter: the demo world has published rounds, so everyone signed in reads them.
    let everyone = [
        "/arsrapport".to_string(),
        "/aktiviteter".to_string(),
        "/aktiviteter.csv".to_string(),
        format!("/aktiviteter/{own}"),
        format!("/aktiviteter/{other}"),
    ];
    // The plan forms: the coordinator any organisation's, a respondent their own, readers none.
    let plan_forms = [
        (format!("/aktiviteter/{own}/planer/ny"), true),
        (format!("/aktiviteter/{other}/planer/ny"), false),
    ];
    for user in ["admin", "resp", "reader"] {
        let mut c = Client::new(&w);
        c.sign_in(user).await;
        for path in &api {
            assert_eq!(c.get(path).await.status, StatusCode::OK, "{user} {path}");
        }
        for path in &everyone {
            assert_eq!(c.get(path).await.status, StatusCode::OK, "{user} {path}");
        }
        for (path, own_org) in &plan_forms {
            let want = match (user, own_org) {
                ("admin", _) | ("resp", true) => StatusCode::OK,
                _ => StatusCode::FORBIDDEN,
            };
            assert_eq!(c.get(path).await.status, want, "{user} {path}");
        }
        for path in admin_only {
            let want = if user == "admin" {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(c.get(path).await.status, want, "{user} {path}");
        }
        for path in report_files {
            let want = if user == "admin" {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(c.get(path).await.status, want, "{user} {path}");
        }
    }
    let mut anon = Client::new(&w);
    for path in &api {
        assert_eq!(
            anon.get(path).await.status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    for path in admin_only
        .iter()
        .chain(&report_files)
        .copied()
        .chain(everyone.iter().map(String::as_str))
        .chain(plan_forms.iter().map(|(p, _)| p.as_str()))
    {
        assert_eq!(anon.get(path).await.status, StatusCode::SEE_OTHER, "{path}");
    }
}
