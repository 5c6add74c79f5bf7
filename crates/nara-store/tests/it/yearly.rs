//! The årsrapport's texts and versions: a draft replaced in place only by one who read the
//! draft as it is (compare and swap; the same again changes nothing), final versions numbered and kept whole, every change audited; both backends.

use std::sync::Arc;

use nara_store::{Store, contract};

contract!(
    drafts_are_replaced_and_final_versions_are_numbered_and_kept,
    |store: Arc<dyn Store>| async move {
        assert!(store.year_reports(2026).await.unwrap().is_empty());
        let (one, two) = (r#"{"summary":["Ett"]}"#, r#"{"summary":["Två"]}"#);
        assert!(
            store
                .save_year_draft(2026, None, one, "samordnare")
                .await
                .unwrap()
        );
        // A writer who read no draft, or an older one, loses: nothing stored.
        assert!(
            !store
                .save_year_draft(2026, None, two, "annan")
                .await
                .unwrap()
        );
        assert!(
            !store
                .save_year_draft(2026, Some("{}"), two, "annan")
                .await
                .unwrap()
        );
        assert!(
            store
                .save_year_draft(2026, Some(one), two, "samordnare")
                .await
                .unwrap()
        );
        // The same again: no change, no audit row.
        assert!(
            store
                .save_year_draft(2026, Some(two), two, "annan")
                .await
                .unwrap()
        );
        let all = store.year_reports(2026).await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].version, 0);
        assert_eq!(all[0].texts, r#"{"summary":["Två"]}"#);
        assert_eq!(all[0].made_by, "samordnare");
        assert!(all[0].model.is_none());
        let drafts = store.audit_log(10, Some("yearly.draft")).await.unwrap();
        assert_eq!(drafts.len(), 2, "{drafts:?}");

        let v1 = store
            .finalise_year(
                2026,
                r#"{"summary":["Två"]}"#,
                r#"{"year":2026}"#,
                "samordnare",
            )
            .await
            .unwrap();
        let v2 = store
            .finalise_year(
                2026,
                r#"{"summary":["Tre"]}"#,
                r#"{"year":2026,"v":2}"#,
                "samordnare",
            )
            .await
            .unwrap();
        assert_eq!((v1, v2), (1, 2));
        let all = store.year_reports(2026).await.unwrap();
        let versions: Vec<u32> = all.iter().map(|s| s.version).collect();
        assert_eq!(versions, [0, 1, 2], "the draft is kept beside the versions");
        assert_eq!(all[1].model.as_deref(), Some(r#"{"year":2026}"#));
        assert_eq!(all[2].texts, r#"{"summary":["Tre"]}"#);
        // Another year is apart.
        assert!(store.year_reports(2025).await.unwrap().is_empty());
        assert_eq!(
            store
                .finalise_year(2025, "{}", "{}", "samordnare")
                .await
                .unwrap(),
            1
        );
        let finals = store.audit_log(10, Some("yearly.final")).await.unwrap();
        assert_eq!(finals.len(), 3);
        assert!(finals.iter().any(|e| e.details.contains("version 2")));
    }
);
