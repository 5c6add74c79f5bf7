//! The PostgreSQL test schemas: tests and benchmarks leave theirs behind, and the first test of a
//! process drops those older than a few hours, so the test database does not grow from run to
//! run.

use nara_store::testing::{
    STALE_SCHEMA_MS, drop_schema, fresh_schema, pg_url, sweep_stale_schemas,
};

#[tokio::test]
async fn stale_test_schemas_are_swept_and_fresh_ones_kept() {
    let (url, required) = pg_url();
    let Ok(pool) = sqlx::PgPool::connect(&url).await else {
        assert!(!required, "PostgreSQL at {url} is not reachable");
        return;
    };
    let now = nara_store::now_ms();
    // A made-up process id, so no running test owns these names.
    let old = format!("t_999999999_{}_0", now - STALE_SCHEMA_MS - 60_000);
    let fresh = format!("t_999999999_{}_1", now - 60_000);
    let other = format!("keep_{}", now - STALE_SCHEMA_MS - 60_000);
    for s in [&old, &fresh, &other] {
        let create = format!("CREATE SCHEMA IF NOT EXISTS \"{s}\"");
        sqlx::query(sqlx::AssertSqlSafe(create))
            .execute(&pool)
            .await
            .unwrap();
        let table = format!("CREATE TABLE IF NOT EXISTS \"{s}\".x (a int)");
        sqlx::query(sqlx::AssertSqlSafe(table))
            .execute(&pool)
            .await
            .unwrap();
    }
    // Another test's first sweep in this process may drop the old one first: what counts is
    // what is left.
    sweep_stale_schemas(&url).await;
    let left: Vec<String> = sqlx::query_scalar(
        "SELECT nspname::text FROM pg_namespace WHERE nspname = ANY($1) ORDER BY nspname",
    )
    .bind(vec![old.clone(), fresh.clone(), other.clone()])
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(left, {
        let mut kept = vec![other.clone(), fresh.clone()];
        kept.sort();
        kept
    });
    for s in [&fresh, &other] {
        let drop = format!("DROP SCHEMA \"{s}\" CASCADE");
        sqlx::query(sqlx::AssertSqlSafe(drop))
            .execute(&pool)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_benchmark_drops_its_own_schema_and_no_other() {
    let (url, required) = pg_url();
    let Ok(pool) = sqlx::PgPool::connect(&url).await else {
        assert!(!required, "PostgreSQL at {url} is not reachable");
        return;
    };
    let mine = fresh_schema();
    let other = format!("keep_{}", nara_store::now_ms());
    for s in [&mine, &other] {
        for sql in [
            format!("CREATE SCHEMA \"{s}\""),
            format!("CREATE TABLE \"{s}\".x (a int)"),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&pool)
                .await
                .unwrap();
        }
    }
    assert!(drop_schema(&url, &mine).await);
    assert!(!drop_schema(&url, &other).await);
    let left: Vec<String> = sqlx::query_scalar(
        "SELECT nspname::text FROM pg_namespace WHERE nspname = ANY($1) ORDER BY nspname",
    )
    .bind(vec![mine.clone(), other.clone()])
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(left, vec![other.clone()]);
    let drop = format!("DROP SCHEMA \"{other}\" CASCADE");
    sqlx::query(sqlx::AssertSqlSafe(drop))
        .execute(&pool)
        .await
        .unwrap();
}
