//! Aktiviteter on the web: a respondent adds, corrects and follows up their organisation's
//! activities; nobody changes another organisation's; the county list filters; "försenad" is
//! shown for a late activity.

use axum::http::StatusCode;
use nara_core::OrgCode;
use nara_core::activity::ActivityStatus;

use crate::support::{Client, World, world};

async fn activities(w: &World, org: &str) -> Vec<nara_core::activity::Activity> {
    let org = OrgCode::parse(org).unwrap();
    w.store.activities(Some(&org)).await.unwrap()
}

/// A new activity's form, with `extra` added.
fn new_form<'a>(
    token: &'a str,
    title: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("csrf", token),
        ("title", title),
        ("description", "Gemensam planering före hemgång"),
        ("areas", "D1"),
        ("areas", "D3"),
        ("category", "arbetssätt"),
        ("status", "pågår"),
        ("planned_start", "2025-01-01"),
        ("planned_end", "2027-06-30"),
        ("partners", "Hälsocentralen Norr"),
    ];
    f.extend_from_slice(extra);
    f
}

#[tokio::test]
async fn a_respondent_adds_corrects_and_follows_up_an_activity() {
    let w = world().await;
    let own = w.own.clone();
    let mut c = Client::new(&w);
    c.sign_in("resp").await;
    let page = c.get(&format!("/aktiviteter/{own}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Ny aktivitet"), "{}", page.body);
    let token = Client::csrf(&page.body);
    let before = activities(&w, &own).await.len();

    // A problem: no title, no delmål. Shown beside the field, the values kept, nothing stored.
    let bad = [
        ("csrf", token.as_str()),
        ("title", ""),
        ("description", "Text som ska stå kvar"),
        ("category", "kompetens"),
        ("status", "planerad"),
        ("planned_end", "30 juni"),
    ];
    let r = c.post(&format!("/aktiviteter/{own}"), &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains(
            r#"aria-invalid="true" aria-describedby="ny-planned_end-fel ny-planned_end-tips""#
        ),
        "{}",
        r.body
    );
    assert!(r.body.contains(r#"id="ny-planned_end-fel""#));
    assert!(r.body.contains("Text som ska stå kvar"));
    assert!(r.body.contains(r#"value="30 juni""#));
    assert!(
        r.body.contains(r#"id="ny-title-fel""#),
        "every problem at once"
    );
    assert!(
        r.body.contains(r#"id="ny-areas-fel""#),
        "every problem at once"
    );
    assert_eq!(activities(&w, &own).await.len(), before, "nothing stored");
    // Past the reading, core's own check (no title, no delmål) also names its fields.
    let empty = [
        ("csrf", token.as_str()),
        ("title", " "),
        ("category", "annat"),
        ("status", "planerad"),
    ];
    let r = c.post(&format!("/aktiviteter/{own}"), &empty).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="ny-areas-fel""#), "{}", r.body);
    assert!(r.body.contains(r#"id="ny-title-fel""#), "{}", r.body);
    assert_eq!(activities(&w, &own).await.len(), before, "nothing stored");

    // Added: a redirect to its page with a notice; audited.
    let r = c
        .post(
            &format!("/aktiviteter/{own}"),
            &new_form(&token, "Trygg hemgång", &[]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.location().to_string();
    assert!(
        at.starts_with(&format!("/aktiviteter/{own}/A-")) && at.ends_with("?klart=ny"),
        "{at}"
    );
    let list = activities(&w, &own).await;
    assert_eq!(list.len(), before + 1);
    let added = list.iter().find(|a| a.title == "Trygg hemgång").unwrap();
    assert_eq!(added.areas.len(), 2);
    assert_eq!(added.status, ActivityStatus::Pagar);
    let page = c.get(&at).await;
    assert!(page.body.contains("Aktiviteten är tillagd."));
    assert!(page.body.contains("Hälsocentralen Norr"));
    let log = w.store.audit_log(20, Some("activity.save")).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.actor == "resp" && e.details.contains("Trygg hemgång")),
        "{log:?}"
    );
    let listed = c.get(&format!("/aktiviteter/{own}")).await;
    assert!(listed.body.contains("Trygg hemgång"));

    // Edited.
    let path = format!("/aktiviteter/{own}/{}", added.id);
    let r = c
        .post(&path, &new_form(&token, "Trygg hemgång för alla", &[]))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("{path}?klart=sparad"));
    let page = c.get(&path).await;
    assert!(page.body.contains("Trygg hemgång för alla"));
    assert_eq!(
        activities(&w, &own).await.len(),
        before + 1,
        "changed, not added"
    );

    // Followed up in the open round: the status is set and the history shows it.
    assert!(
        page.body.contains("Uppföljning för omgång 2026"),
        "{}",
        page.body
    );
    let form = [
        ("csrf", token.as_str()),
        ("round", "2026"),
        ("status", "klar"),
        ("comment", "Rutinen används i hela kommunen"),
    ];
    let r = c.post(&format!("{path}/uppfoljning"), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = activities(&w, &own)
        .await
        .into_iter()
        .find(|a| a.id == added.id)
        .unwrap();
    assert_eq!(stored.status, ActivityStatus::Klar);
    let page = c.get(&path).await;
    let history = &page.body[page.body.find("Uppföljningar av aktiviteten").unwrap()..];
    assert!(
        history.contains(
            "<th scope=\"row\">2026</th><td>klar</td><td>Rutinen används i hela kommunen</td>"
        ),
        "{history}"
    );
    // A status that is none: shown beside the select, nothing stored.
    let form = [
        ("csrf", token.as_str()),
        ("round", "2026"),
        ("status", "halvklar"),
        ("comment", "Kvar"),
    ];
    let r = c.post(&format!("{path}/uppfoljning"), &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains(r#"aria-invalid="true" aria-describedby="uppf-status-fel""#),
        "{}",
        r.body
    );
    assert!(r.body.contains(">Kvar</textarea>"));
    let again = activities(&w, &own)
        .await
        .into_iter()
        .find(|a| a.id == added.id)
        .unwrap();
    assert_eq!(again.status, ActivityStatus::Klar);
    // A follow-up of a round that is not open is refused.
    let form = [
        ("csrf", token.as_str()),
        ("round", "2025"),
        ("status", "pågår"),
        ("comment", ""),
    ];
    assert_eq!(
        c.post(&format!("{path}/uppfoljning"), &form).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn nobody_changes_another_organisations_activities() {
    let w = world().await;
    let (own, other) = (w.own.clone(), w.other.clone());
    let theirs = activities(&w, &other).await;
    let target = format!("/aktiviteter/{other}/{}", theirs[0].id);
    let mut c = Client::new(&w);
    c.sign_in("resp").await;
    // They may read it (a round is published) but get no form, and posting is refused.
    let page = c.get(&format!("/aktiviteter/{other}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Ny aktivitet"));
    let token = Client::csrf(&page.body);
    let r = c
        .post(
            &format!("/aktiviteter/{other}"),
            &new_form(&token, "Inte min", &[]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = c
        .post(&target, &new_form(&token, "Ändrad av fel", &[]))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let form = [
        ("csrf", token.as_str()),
        ("round", "2026"),
        ("status", "avbruten"),
        ("comment", ""),
    ];
    assert_eq!(
        c.post(&format!("{target}/uppfoljning"), &form).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(activities(&w, &other).await, theirs, "nothing stored");

    // A reader reads but never edits.
    let mut r = Client::new(&w);
    r.sign_in("reader").await;
    let page = r.get(&format!("/aktiviteter/{own}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Ny aktivitet"));
    let page = r.get(&target).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Spara ändringarna"));
    let token = Client::csrf(&page.body);
    let res = r
        .post(
            &format!("/aktiviteter/{own}"),
            &new_form(&token, "Läsarens", &[]),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        r.post(&target, &new_form(&token, "Läsarens", &[]))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(activities(&w, &other).await, theirs);

    // Without the CSRF token: 400, nothing stored.
    let before = activities(&w, &own).await.len();
    let mut form = new_form("", "Utan token", &[]);
    form.remove(0);
    assert_eq!(
        c.post(&format!("/aktiviteter/{own}"), &form).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(activities(&w, &own).await.len(), before);
}

#[tokio::test]
async fn the_county_list_filters_and_shows_what_is_late() {
    let w = world().await;
    let (own, other) = (w.own.clone(), w.other.clone());
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let token = Client::csrf(&c.get(&format!("/aktiviteter/{own}")).await.body);
    let late = new_form(&token, "Sen aktivitet", &[]);
    let late: Vec<_> = late
        .into_iter()
        .map(|(k, v)| {
            if k == "planned_end" {
                (k, "2025-12-31")
            } else {
                (k, v)
            }
        })
        .collect();
    let r = c.post(&format!("/aktiviteter/{own}"), &late).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let all = c.get("/aktiviteter").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(
        all.body
            .contains(r#"<a href="/aktiviteter">Aktiviteter</a>"#),
        "the menu item"
    );
    assert!(all.body.contains("pågår, försenad"));
    let theirs = activities(&w, &other).await;
    assert!(all.body.contains(&theirs[0].title));
    let mine = c.get(&format!("/aktiviteter?org={own}")).await;
    assert!(mine.body.contains("Sen aktivitet"));
    assert!(
        !mine
            .body
            .contains(&format!("/aktiviteter/{other}/{}", theirs[0].id)),
        "filtered by organisation"
    );
    assert!(
        mine.body
            .contains(&format!(r#"<option value="{own}" selected>"#))
    );
    let late_only = c.get("/aktiviteter?status=f%C3%B6rsenad").await;
    assert!(late_only.body.contains("Sen aktivitet"));
    assert!(!late_only.body.contains("<td>klar</td>"));
    let d3 = c
        .get("/aktiviteter?delmal=D3&kategori=arbets%C3%A4tt")
        .await;
    assert!(d3.body.contains("Sen aktivitet"));
    let none = c
        .get("/aktiviteter?delmal=D3&kategori=kompetens&org=")
        .await;
    assert!(!none.body.contains("Sen aktivitet"));
    // The organisation page's own list says it too, and the organisation page has the block.
    let page = c.get(&format!("/aktiviteter/{own}")).await;
    assert!(page.body.contains("pågår, försenad"));
    let org = c.get(&format!("/omgangar/2026/org/{own}")).await;
    assert!(
        org.body.contains("Aktiviteter och lokal plan"),
        "{}",
        org.body
    );
    assert!(org.body.contains(&format!(r#"href="/aktiviteter/{own}""#)));
}
