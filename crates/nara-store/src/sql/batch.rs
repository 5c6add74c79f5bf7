//! Writing a batch of forms: what is read and written for all of its forms at once (their
//! units and current versions, their new units, their answers and comments). Compiled once per
//! backend (see the crate's notes).

use nara_core::Response;

use super::Db;
use crate::rows::{answer_rows, comment_rows};
use crate::{NewForm, Result};

/// A form to write: the response, its content hash and its source.
pub(super) type Form<'a> = (&'a Response, &'a str, &'a str);

/// The answers and comments of written responses, waiting to be inserted in one statement per
/// table (see [`Contents::write`]).
#[derive(Default)]
pub(super) struct Contents<'a> {
    /// `(response id, statement id, level)`.
    answers: Vec<(i64, String, Option<i64>)>,
    /// `(response id, kind, target, body)`.
    comments: Vec<(i64, &'static str, String, &'a str)>,
}

/// The most rows of one insert: 4 parameters each stays under SQLite's 32,766 and
/// PostgreSQL's 65,535.
pub(super) const ROWS_AT_ONCE: usize = 8_000;

impl<'a> Contents<'a> {
    /// Notes a written response's answers and comments.
    pub(super) fn add(&mut self, id: i64, r: &'a Response) {
        let answers = answer_rows(&r.set).map(|(sid, level)| (id, sid, level));
        self.answers.extend(answers);
        let comments = comment_rows(&r.set).map(|(kind, target, body)| (id, kind, target, body));
        self.comments.extend(comments);
    }

    /// Inserts what was noted, in one multi-row statement per table (more when there are more
    /// than [`ROWS_AT_ONCE`] rows), and forgets it.
    pub(super) async fn write(
        &mut self,
        conn: &mut <Db as sqlx::Database>::Connection,
    ) -> Result<()> {
        for rows in std::mem::take(&mut self.answers).chunks(ROWS_AT_ONCE) {
            sqlx::QueryBuilder::new("INSERT INTO answers (response_id, statement_id, level) ")
                .push_values(rows, |mut b, (id, sid, level)| {
                    b.push_bind(id).push_bind(sid).push_bind(level);
                })
                .build()
                .execute(&mut *conn)
                .await?;
        }
        for rows in std::mem::take(&mut self.comments).chunks(ROWS_AT_ONCE) {
            sqlx::QueryBuilder::new("INSERT INTO comments (response_id, kind, target, body) ")
                .push_values(rows, |mut b, (id, kind, target, body)| {
                    b.push_bind(id)
                        .push_bind(*kind)
                        .push_bind(target)
                        .push_bind(body.to_string());
                })
                .build()
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}

/// A form's unit id and the id and content hash of its current version for the form's round,
/// rater and consensus; `None` when the unit does not exist.
pub(super) type Found = Option<(i64, Option<(i64, String)>)>;

/// The most forms [`currents`] reads in one query (six parameters each).
const CURRENTS_AT_ONCE: usize = 128;

/// [`current_of`] for each form, in one query (`Some` for each form read: all of them, unless
/// there are more than [`CURRENTS_AT_ONCE`], when none is read here).
pub(super) async fn currents(
    conn: &mut <Db as sqlx::Database>::Connection,
    forms: &[NewForm<'_>],
) -> Result<Vec<Option<Found>>> {
    if forms.is_empty() || forms.len() > CURRENTS_AT_ONCE {
        return Ok(vec![None; forms.len()]);
    }
    // VALUES names its columns column1, column2, … on both backends.
    let mut q = sqlx::QueryBuilder::new("SELECT k.column1, u.id, r.id, r.content_hash FROM (");
    q.push_values(forms.iter().enumerate(), |mut b, (i, f)| {
        let r = f.response;
        b.push_bind(i as i64)
            .push_bind(r.org.as_str().to_string())
            .push_bind(r.unit.key())
            .push_bind(r.identity().rater_key)
            .push_bind(r.consensus)
            .push_bind(r.round.to_string());
    });
    q.push(
        ") AS k JOIN units u ON u.org_code = k.column2 AND u.key = k.column3
         LEFT JOIN responses r ON r.unit_id = u.id AND r.round_id = k.column6
              AND r.rater_key = k.column4 AND r.consensus = k.column5 AND r.replaced_at IS NULL",
    );
    let rows: Vec<(i64, i64, Option<i64>, Option<String>)> =
        q.build_query_as().fetch_all(&mut *conn).await?;
    let mut out = vec![Some(None); forms.len()];
    for (i, unit, id, hash) in rows {
        if let Some(slot) = usize::try_from(i).ok().and_then(|i| out.get_mut(i)) {
            *slot = Some(Some((unit, id.zip(hash))));
        }
    }
    Ok(out)
}

/// Makes the units that [`currents`] found missing, in one statement per [`ROWS_AT_ONCE`], and
/// notes each as found without a version. A unit another writer made meanwhile stays missing:
/// its form then reads it again as it is written.
pub(super) async fn new_units(
    conn: &mut <Db as sqlx::Database>::Connection,
    forms: &[NewForm<'_>],
    found: &mut [Option<Found>],
) -> Result<()> {
    let mut missing = std::collections::BTreeMap::new();
    for (f, found) in forms.iter().zip(found.iter()) {
        if let Some(None) = found {
            let r = f.response;
            missing.insert((r.org.as_str(), r.unit.key()), r.unit.as_str());
        }
    }
    let missing: Vec<_> = missing.into_iter().collect();
    let mut made = std::collections::HashMap::new();
    for rows in missing.chunks(ROWS_AT_ONCE) {
        let mut q = sqlx::QueryBuilder::new("INSERT INTO units (org_code, key, name) ");
        q.push_values(rows, |mut b, ((org, key), name)| {
            b.push_bind(*org).push_bind(key.as_str()).push_bind(*name);
        });
        q.push(" ON CONFLICT (org_code, key) DO NOTHING RETURNING id, org_code, key");
        let ids: Vec<(i64, String, String)> = q.build_query_as().fetch_all(&mut *conn).await?;
        made.extend(ids.into_iter().map(|(id, org, key)| ((org, key), id)));
    }
    for (f, found) in forms.iter().zip(found.iter_mut()) {
        let r = f.response;
        if let (Some(None), Some(id)) = (&found, made.get(&(r.org.to_string(), r.unit.key()))) {
            *found = Some(Some((*id, None)));
        }
    }
    Ok(())
}

pub(super) async fn current_of(
    conn: &mut <Db as sqlx::Database>::Connection,
    r: &Response,
    rater_key: &str,
) -> Result<Found> {
    let row: Option<(i64, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT u.id, r.id, r.content_hash FROM units u
         LEFT JOIN responses r ON r.unit_id = u.id AND r.round_id = $1 AND r.rater_key = $2
              AND r.consensus = $3 AND r.replaced_at IS NULL
         WHERE u.org_code = $4 AND u.key = $5",
    )
    .bind(r.round.to_string())
    .bind(rater_key)
    .bind(r.consensus)
    .bind(r.org.as_str())
    .bind(r.unit.key())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(unit, id, hash)| (unit, id.zip(hash))))
}
