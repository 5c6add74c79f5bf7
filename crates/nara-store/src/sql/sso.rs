//! Sign-in with an identity provider: sign-ins under way, accounts' links to their identities,
//! and the password setting. Compiled once per backend (see the crate's notes).

use async_trait::async_trait;
use nara_core::sso::PasswordSignIn;

use super::accounts::USER_COLUMNS;
use super::audit::in_tx as audit;
use super::{Db, DbStore};
use crate::rows::user_of;
use crate::{Result, Role, SsoPending, SsoPerson, SsoStore, User};

/// Started sign-ins older than this are removed whenever a new one starts.
const FORGET_MS: i64 = 60 * 60 * 1000;
const PASSWORD_KEY: &str = "password_sign_in";

async fn user_in(tx: &mut sqlx::Transaction<'static, Db>, id: i64) -> Result<Option<User>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(user_of).transpose()
}

/// A name no account has yet: the person's own, else with the provider's id, else numbered.
async fn free_name(
    tx: &mut sqlx::Transaction<'static, Db>,
    name: &str,
    provider: &str,
) -> Result<String> {
    let base = name.trim().to_lowercase();
    let base = if base.is_empty() {
        provider.to_string()
    } else {
        base
    };
    let mut candidates = vec![base.clone(), format!("{base} ({provider})")];
    candidates.extend((2..100).map(|n| format!("{base} ({provider} {n})")));
    for c in candidates {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(&c)
            .fetch_optional(&mut **tx)
            .await?;
        if taken.is_none() {
            return Ok(c);
        }
    }
    Err(crate::Error::Conflict(crate::Entity::Username(base)))
}

#[async_trait]
impl SsoStore for DbStore {
    #[tracing::instrument(skip_all, fields(provider = %p.provider))]
    async fn put_sso_pending(&self, p: &SsoPending, keep: u64) -> Result<()> {
        sqlx::query(
            "INSERT INTO sso_pending (state_hash, provider, nonce, pkce_verifier, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&p.state_hash)
        .bind(&p.provider)
        .bind(&p.nonce)
        .bind(&p.pkce_verifier)
        .bind(p.created_at)
        .execute(&self.pool)
        .await?;
        // The newest `keep` stay (the index on created_at finds the last of them).
        sqlx::query(
            "DELETE FROM sso_pending WHERE created_at < $1 OR created_at <
                (SELECT created_at FROM sso_pending ORDER BY created_at DESC LIMIT 1 OFFSET $2)",
        )
        .bind(p.created_at - FORGET_MS)
        .bind(i64::try_from(keep.saturating_sub(1)).unwrap_or(i64::MAX))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn take_sso_pending(
        &self,
        state_hash: &str,
        max_age_ms: i64,
    ) -> Result<Option<SsoPending>> {
        // One statement: of two requests with the same state only one gets the row.
        let row: Option<(String, String, String, String, i64)> = sqlx::query_as(
            "DELETE FROM sso_pending WHERE state_hash = $1
             RETURNING state_hash, provider, nonce, pkce_verifier, created_at",
        )
        .bind(state_hash)
        .fetch_optional(&self.pool)
        .await?;
        let now = self.clock.now_ms();
        Ok(row
            .map(
                |(state_hash, provider, nonce, pkce_verifier, created_at)| SsoPending {
                    state_hash,
                    provider,
                    nonce,
                    pkce_verifier,
                    created_at,
                },
            )
            .filter(|p| now - p.created_at <= max_age_ms))
    }

    #[tracing::instrument(skip_all, fields(provider = %p.provider))]
    async fn sso_account(&self, p: &SsoPerson<'_>) -> Result<User> {
        let mut tx = self.write().await?;
        let now = self.clock.now_ms();
        let org = p.org.map(|o| o.as_str().to_string());
        let linked: Option<i64> =
            sqlx::query_scalar("SELECT user_id FROM sso_links WHERE issuer = $1 AND subject = $2")
                .bind(p.issuer)
                .bind(p.subject)
                .fetch_optional(&mut *tx)
                .await?;
        let rights = format!(
            "leverantör: {}; roll: {}; organisation: {}",
            p.provider,
            p.role.code(),
            org.as_deref().unwrap_or("–")
        );
        let user = match linked {
            Some(id) => {
                let Some(user) = user_in(&mut tx, id).await? else {
                    return Err(crate::Error::Corrupt(format!("sso link to user {id}")));
                };
                if user.role != p.role || user.org.as_ref() != p.org {
                    sqlx::query("UPDATE users SET role = $1, org_code = $2 WHERE id = $3")
                        .bind(p.role.code())
                        .bind(&org)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    let changed = format!("ändrat från roll {}; {rights}", user.role.code());
                    audit(
                        &mut tx,
                        now,
                        &user.username,
                        "sso.account",
                        &user.username,
                        &changed,
                    )
                    .await?;
                }
                sqlx::query(
                    "UPDATE sso_links SET last_seen = $1 WHERE issuer = $2 AND subject = $3",
                )
                .bind(now)
                .bind(p.issuer)
                .bind(p.subject)
                .execute(&mut *tx)
                .await?;
                user_in(&mut tx, id).await?
            }
            None => {
                let name = free_name(&mut tx, p.name, p.provider).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (username, password_hash, role, org_code, disabled, created_at)
                     VALUES ($1, '', $2, $3, $4, $5) RETURNING id",
                )
                .bind(&name)
                .bind(p.role.code())
                .bind(&org)
                .bind(false)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO sso_links (issuer, subject, user_id, provider, created_at, last_seen)
                     VALUES ($1, $2, $3, $4, $5, $5)",
                )
                .bind(p.issuer)
                .bind(p.subject)
                .bind(id)
                .bind(p.provider)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                audit(
                    &mut tx,
                    now,
                    &name,
                    "sso.account",
                    &name,
                    &format!("nytt konto; {rights}"),
                )
                .await?;
                user_in(&mut tx, id).await?
            }
        };
        tx.commit().await?;
        user.ok_or_else(|| crate::Error::Corrupt("sso account vanished".into()))
    }

    #[tracing::instrument(skip_all, fields(user = user_id))]
    async fn sso_links(&self, user_id: i64) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT provider FROM sso_links WHERE user_id = $1 ORDER BY provider",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    #[tracing::instrument(skip_all)]
    async fn all_sso_links(&self) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT DISTINCT user_id, provider FROM sso_links ORDER BY user_id, provider",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    #[tracing::instrument(skip_all)]
    async fn password_sign_in(&self) -> Result<PasswordSignIn> {
        let v: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(PASSWORD_KEY)
            .fetch_optional(&self.pool)
            .await?;
        Ok(v.map(|v| PasswordSignIn::parse(&v)).unwrap_or_default())
    }

    #[tracing::instrument(skip_all)]
    async fn set_password_sign_in(
        &self,
        value: PasswordSignIn,
        actor: &str,
    ) -> Result<Option<u64>> {
        let mut tx = self.write().await?;
        let before: Option<String> =
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(PASSWORD_KEY)
                .fetch_optional(&mut *tx)
                .await?;
        if before
            .map(|v| PasswordSignIn::parse(&v))
            .unwrap_or_default()
            == value
        {
            return Ok(None);
        }
        let now = self.clock.now_ms();
        sqlx::query(
            "INSERT INTO settings (key, value, changed_at, changed_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value,
                 changed_at = excluded.changed_at, changed_by = excluded.changed_by",
        )
        .bind(PASSWORD_KEY)
        .bind(value.code())
        .bind(now)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        let ended = if value == PasswordSignIn::CoordinatorsOnly {
            sqlx::query(
                "DELETE FROM sessions WHERE user_id IN
                    (SELECT id FROM users WHERE role <> $1 AND password_hash <> '')",
            )
            .bind(Role::Admin.code())
            .execute(&mut *tx)
            .await?
            .rows_affected()
        } else {
            0
        };
        let details = match ended {
            0 => value.code().to_string(),
            n => format!("{}; avslutade sessioner: {n}", value.code()),
        };
        audit(
            &mut tx,
            now,
            actor,
            "settings.password",
            "lösenordsinloggning",
            &details,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(ended))
    }
}
