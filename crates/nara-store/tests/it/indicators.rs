//! Indicator values (nyckeltal): stored idempotently, a missing value kept missing, a deleted
//! row removed, every store audited; on both backends.

use std::sync::Arc;

use nara_core::indicator::kolada::{Gender, KpiInfo, Value};
use nara_store::{ManualClock, NewValue, Store, contract};

fn value(municipality: &str, period: u16, gender: Gender, v: Option<f64>) -> Value {
    Value {
        kpi: "N21700".into(),
        municipality: municipality.into(),
        period,
        gender,
        status: String::new(),
        value: v,
        cases: None,
        deleted: false,
    }
}

fn new(values: &[Value]) -> Vec<NewValue<'_>> {
    values
        .iter()
        .map(|value| NewValue {
            value,
            published: Some("2025-03-01"),
        })
        .collect()
}

contract!(
    values_are_stored_once_and_a_missing_one_stays_missing,
    clock = 1_000,
    |store: Arc<dyn Store>, clock: Arc<ManualClock>| async move {
        let first = vec![
            value("2080", 2024, Gender::T, Some(37.4)),
            value("2080", 2024, Gender::K, Some(40.1)),
            value("2080", 2024, Gender::M, None),
            value("0000", 2024, Gender::T, Some(35.0)),
        ];
        let c = store
            .put_indicator_values(&new(&first), "kolada", "cli")
            .await
            .unwrap();
        assert_eq!((c.added, c.changed, c.unchanged, c.removed), (4, 0, 0, 0));
        clock.advance(60_000);
        let again = store
            .put_indicator_values(&new(&first), "kolada", "cli")
            .await
            .unwrap();
        assert_eq!((again.added, again.changed, again.unchanged), (0, 0, 4));

        // A corrected value, and a row Kolada marks deleted.
        let mut second = vec![value("2080", 2024, Gender::T, Some(38.0))];
        second.push(Value {
            deleted: true,
            ..value("0000", 2024, Gender::T, None)
        });
        let c = store
            .put_indicator_values(&new(&second), "kolada", "cli")
            .await
            .unwrap();
        assert_eq!((c.added, c.changed, c.removed), (0, 1, 1));

        let stored = store.indicator_values(&["N21700"]).await.unwrap();
        assert_eq!(stored.len(), 3);
        let men = stored.iter().find(|s| s.value.gender == Gender::M).unwrap();
        assert_eq!(men.value.value, None, "a missing value is not 0");
        let total = stored.iter().find(|s| s.value.gender == Gender::T).unwrap();
        assert_eq!(total.value.value, Some(38.0));
        assert_eq!(total.source, "kolada");
        assert_eq!(total.published.as_deref(), Some("2025-03-01"));
        assert_eq!(total.fetched_at, 61_000, "the store's clock");
        assert!(
            store
                .indicator_values(&["U01405"])
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(store.indicator_values(&[]).await.unwrap().len(), 3);

        let log = store.audit_log(10, Some("indicators.store")).await.unwrap();
        assert_eq!(log.len(), 3);
        assert!(log[0].details.contains("1 ändrade") && log[0].details.contains("1 borttagna"));
    }
);

contract!(
    kolada_descriptions_are_kept,
    |store: Arc<dyn Store>| async move {
        let info = |title: &str| KpiInfo {
            id: "U21468".into(),
            title: title.into(),
            publication_date: Some("2025-03-01".into()),
            publ_period: None,
            is_divided_by_gender: Some(true),
        };
        store.put_indicator_info(&[info("Gammal")]).await.unwrap();
        store.put_indicator_info(&[info("Ny titel")]).await.unwrap();
        let kept = store.indicator_info().await.unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].0.title, "Ny titel");
        assert_eq!(kept[0].0.publication_date.as_deref(), Some("2025-03-01"));
    }
);

contract!(
    the_data_stamp_moves_with_values_and_the_catalogue_but_not_with_a_repeat,
    |store: Arc<dyn Store>| async move {
        let start = store.data_stamp().await.unwrap();
        let counted = vec![Value {
            cases: Some(7),
            ..value("2080", 2023, Gender::T, Some(12.5))
        }];
        store
            .put_indicator_values(&new(&counted), "lokal.csv", "cli")
            .await
            .unwrap();
        let after_values = store.data_stamp().await.unwrap();
        assert_ne!(start, after_values, "new values move the stamp");
        store
            .put_indicator_values(&new(&counted), "lokal.csv", "cli")
            .await
            .unwrap();
        assert_eq!(
            store.data_stamp().await.unwrap(),
            after_values,
            "the same values again do not"
        );
        let stored = store.indicator_values(&["N21700"]).await.unwrap();
        assert_eq!(stored[0].value.cases, Some(7), "the cases are kept");

        assert_eq!(store.catalogue().await.unwrap(), None);
        let mut cat = nara_core::indicator::Catalogue::dalarna();
        store.put_catalogue(&cat, "cli").await.unwrap();
        assert_eq!(store.catalogue().await.unwrap().as_ref(), Some(&cat));
        let after_catalogue = store.data_stamp().await.unwrap();
        assert_ne!(after_catalogue, after_values);
        store.put_catalogue(&cat, "cli").await.unwrap();
        assert_eq!(store.data_stamp().await.unwrap(), after_catalogue);
        cat.indicators.truncate(2);
        store.put_catalogue(&cat, "admin").await.unwrap();
        assert_eq!(
            store.catalogue().await.unwrap().unwrap().indicators.len(),
            2
        );
        let log = store
            .audit_log(10, Some("indicators.catalogue"))
            .await
            .unwrap();
        assert_eq!(log.len(), 2, "a repeat is not audited");
    }
);
