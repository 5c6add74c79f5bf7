//! Aktiviteter and lokala planer: stored whole in one transaction, the same again changes
//! nothing, every change audited, lists per organisation, follow-ups per round; both backends.

use std::sync::Arc;

use nara_core::activity::{
    Activity, ActivityStatus, Category, FollowUp, LocalPlan, PlanStatus, RecordId, Systemledning,
};
use nara_core::round::Date;
use nara_core::{AreaId, OrgCode, RoundId};
use nara_store::{ActivityBatch, Store, contract};

fn activity(id: &str, owner: &str, title: &str) -> Activity {
    Activity {
        id: RecordId::parse(id).unwrap(),
        title: title.into(),
        description: "Beskrivning".into(),
        owner: OrgCode::parse(owner).unwrap(),
        partners: vec![],
        areas: vec![AreaId::parse("D2").unwrap()],
        statements: vec![],
        indicators: vec![],
        category: Category::Kompetens,
        target_group: String::new(),
        responsible_role: "Enhetschef".into(),
        responsible_name: String::new(),
        planned_start: None,
        planned_end: Some(Date::parse("2026-06-30").unwrap()),
        status: ActivityStatus::Planerad,
        expected_effect: String::new(),
        result: String::new(),
        plan: None,
    }
}

fn plan() -> LocalPlan {
    LocalPlan {
        id: RecordId::parse("P-PLAN01").unwrap(),
        name: "Lokal plan Falun".into(),
        parties: vec![
            OrgCode::parse("2080").unwrap(),
            OrgCode::parse("20").unwrap(),
        ],
        partners: vec!["Hälsocentralen".into()],
        start: Date::parse("2025-01-01").unwrap(),
        end: None,
        status: PlanStatus::Utkast,
        decided_by: String::new(),
        decided_on: None,
        link: String::new(),
        systemledning: Systemledning::Saknas,
        areas: vec![],
    }
}

contract!(
    plans_activities_and_followups_are_stored_whole_and_audited,
    |store: Arc<dyn Store>| async move {
        let start = store.data_stamp().await.unwrap();
        let a = activity("A-FALUN1", "2080", "Utbildning i SIP");
        let b = activity("A-MORA01", "2062", "Mobilt team");
        let batch = ActivityBatch {
            plans: vec![plan()],
            activities: vec![a.clone(), b.clone()],
            followups: vec![FollowUp {
                activity: a.id.clone(),
                round: RoundId::parse("2026").unwrap(),
                status: ActivityStatus::Pagar,
                comment: "Halvvägs".into(),
            }],
        };
        let c = store.save_activities(&batch, "anna").await.unwrap();
        assert_eq!((c.added, c.changed, c.unchanged), (4, 0, 0));
        let stamp = store.data_stamp().await.unwrap();
        assert_ne!(stamp, start);
        let again = store.save_activities(&batch, "anna").await.unwrap();
        assert_eq!((again.added, again.changed, again.unchanged), (0, 0, 4));
        assert_eq!(store.data_stamp().await.unwrap(), stamp, "nothing changed");

        let falun = OrgCode::parse("2080").unwrap();
        assert_eq!(
            store.activities(Some(&falun)).await.unwrap(),
            std::slice::from_ref(&a)
        );
        assert_eq!(store.activities(None).await.unwrap().len(), 2);
        assert_eq!(store.plans(Some(&falun)).await.unwrap(), [plan()]);
        let region = OrgCode::parse("20").unwrap();
        assert_eq!(
            store.plans(Some(&region)).await.unwrap().len(),
            1,
            "each party lists it"
        );
        assert!(
            store
                .plans(Some(&OrgCode::parse("2062").unwrap()))
                .await
                .unwrap()
                .is_empty()
        );

        // A change of status and the next round's follow-up.
        let mut done = a.clone();
        done.status = ActivityStatus::Klar;
        done.result = "Alla enheter utbildade".into();
        let mut p = plan();
        p.parties.retain(|o| o.as_str() == "2080");
        let c = store
            .save_activities(
                &ActivityBatch {
                    plans: vec![p],
                    activities: vec![done.clone()],
                    followups: vec![FollowUp {
                        activity: a.id.clone(),
                        round: RoundId::parse("2027").unwrap(),
                        status: ActivityStatus::Klar,
                        comment: String::new(),
                    }],
                },
                "bo",
            )
            .await
            .unwrap();
        assert_eq!((c.added, c.changed), (1, 2));
        assert!(
            store.plans(Some(&region)).await.unwrap().is_empty(),
            "parties follow the plan"
        );
        let all = store.followups(None).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].followup.status, ActivityStatus::Klar);
        assert_eq!(all[1].actor, "bo");
        let r26 = store
            .followups(Some(RoundId::parse("2026").unwrap()))
            .await
            .unwrap();
        assert_eq!(r26.len(), 1);
        assert_eq!(r26[0].followup.comment, "Halvvägs");
        assert_eq!(
            store.followups_of(&falun).await.unwrap(),
            all,
            "Falun owns the one followed up"
        );
        let mora = OrgCode::parse("2062").unwrap();
        assert!(store.followups_of(&mora).await.unwrap().is_empty());
        assert_eq!(store.activities(Some(&falun)).await.unwrap()[0], done);

        let log = store.audit_log(20, None).await.unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions.iter().filter(|a| **a == "activity.save").count(), 3);
        assert_eq!(actions.iter().filter(|a| **a == "plan.save").count(), 2);
        assert_eq!(
            actions
                .iter()
                .filter(|a| **a == "activity.followup")
                .count(),
            2
        );
        assert!(
            log.iter()
                .any(|e| e.details == "ändrad: Utbildning i SIP (klar)")
        );
    }
);
