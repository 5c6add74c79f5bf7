//! User accounts and sessions. Compiled once per backend (see the crate's notes).

use async_trait::async_trait;
use nara_core::OrgCode;

use super::DbStore;
use crate::rows::{unique_violation, user_of};
use crate::{AccountStore, Entity, Error, Result, Role, Session, User};

pub(super) const USER_COLUMNS: &str =
    "id, username, password_hash, role, org_code, disabled, created_at";

impl DbStore {
    /// The users a filter (`WHERE …` with at most one text argument) selects, by name.
    async fn load_users(&self, filter: &'static str, arg: Option<String>) -> Result<Vec<User>> {
        let q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users {filter} ORDER BY username"
        )));
        let q = match arg {
            Some(a) => q.bind(a),
            None => q,
        };
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(user_of).collect()
    }

    /// Ends every session of a user.
    async fn end_sessions(&self, id: i64) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[async_trait]
impl AccountStore for DbStore {
    #[tracing::instrument(skip_all, fields(role = role.code()))]
    async fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
        org: Option<&OrgCode>,
    ) -> Result<i64> {
        let name = username.trim().to_lowercase();
        let taken = || Error::Conflict(Entity::Username(name.clone()));
        if self.user_by_name(&name).await?.is_some() {
            return Err(taken());
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, role, org_code, disabled, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&name)
        .bind(password_hash)
        .bind(role.code())
        .bind(org.map(|o| o.as_str().to_string()))
        .bind(false)
        .bind(self.clock.now_ms())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            if unique_violation(&e) {
                taken()
            } else {
                Error::Db(e)
            }
        })?;
        Ok(id)
    }

    #[tracing::instrument(skip_all)]
    async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let name = username.trim().to_lowercase();
        let found = self.load_users("WHERE username = $1", Some(name)).await?;
        Ok(found.into_iter().next())
    }

    #[tracing::instrument(skip_all, fields(user = id))]
    async fn user(&self, id: i64) -> Result<Option<User>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_of).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn users(&self) -> Result<Vec<User>> {
        self.load_users("", None).await
    }

    #[tracing::instrument(skip_all, fields(user = id))]
    async fn set_password(&self, id: i64, password_hash: &str) -> Result<()> {
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound(Entity::User(id)));
        }
        self.end_sessions(id).await
    }

    #[tracing::instrument(skip_all, fields(user = id, disabled = disabled))]
    async fn set_disabled(&self, id: i64, disabled: bool) -> Result<()> {
        let done = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound(Entity::User(id)));
        }
        if disabled {
            self.end_sessions(id).await?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user = id, role = role.code()))]
    async fn set_role(&self, id: i64, role: Role, org: Option<&OrgCode>) -> Result<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query("UPDATE users SET role = $1, org_code = $2 WHERE id = $3")
            .bind(role.code())
            .bind(org.map(|o| o.as_str().to_string()))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound(Entity::User(id)));
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user = s.user_id))]
    async fn create_session(&self, s: &Session) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&s.id_hash)
        .bind(s.user_id)
        .bind(&s.csrf)
        .bind(s.created_at)
        .bind(s.last_seen)
        .bind(s.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn session(&self, id_hash: &str) -> Result<Option<Session>> {
        let row: Option<(String, i64, String, i64, i64, i64)> = sqlx::query_as(
            "SELECT id_hash, user_id, csrf, created_at, last_seen, expires_at
             FROM sessions WHERE id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(id_hash, user_id, csrf, created_at, last_seen, expires_at)| Session {
                id_hash,
                user_id,
                csrf,
                created_at,
                last_seen,
                expires_at,
            },
        ))
    }

    #[tracing::instrument(skip_all)]
    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn delete_expired_sessions(&self, now: i64, idle_ms: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR last_seen < $2")
            .bind(now)
            .bind(now.saturating_sub(idle_ms))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
