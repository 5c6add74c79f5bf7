//! Turning stored rows back into core types and core types into rows, shared by both backends.

use std::collections::{BTreeMap, HashMap};

use nara_core::{
    Answer, AnswerSet, AreaId, OrgCode, Response, RoundId, RoundStatus, StatementId, UnitName,
};
use sqlx::Row;

use crate::{Error, Result, Role, StoredResponse, User};

/// The columns of a response row, as read.
pub struct ResponseRow {
    pub id: i64,
    pub round: String,
    pub org: String,
    pub unit: String,
    pub rater: String,
    pub consensus: bool,
    pub participants: String,
    pub date: String,
    pub instrument_id: String,
    pub instrument_version: String,
    pub content_hash: String,
    pub source: String,
    pub actor: String,
    pub created_at: i64,
    pub replaced_at: Option<i64>,
    /// The answers as `D1.1=3;D1.2=;…` (see [`parse_answers`]); `None` when there are none.
    pub answers: Option<String>,
}

/// Stored data that does not read back.
pub fn corrupt(e: impl std::fmt::Display) -> Error {
    Error::Corrupt(e.to_string())
}

/// A round status from its stored code.
pub fn status_of(s: &str) -> Result<RoundStatus> {
    RoundStatus::parse(s).map_err(corrupt)
}

/// Whether the database refused a write because a unique key was taken.
pub fn unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// A user from a row of `id, username, password_hash, role, org_code, disabled, created_at`.
pub fn user_of<R: Row>(row: &R) -> Result<User>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let role: String = row.try_get(3)?;
    let org: Option<String> = row.try_get(4)?;
    Ok(User {
        id: row.try_get(0)?,
        username: row.try_get(1)?,
        password_hash: row.try_get(2)?,
        role: Role::parse(&role).ok_or_else(|| corrupt(format!("role {role}")))?,
        org: org
            .map(|o| OrgCode::parse(&o))
            .transpose()
            .map_err(corrupt)?,
        disabled: row.try_get(5)?,
        created_at: row.try_get(6)?,
    })
}

/// The answers of a response from their stored text `D1.1=3;D1.2=;…`: a level, or nothing for
/// "vet ej / ej aktuellt".
pub fn parse_answers(
    text: &str,
    ids: &mut HashMap<String, StatementId>,
) -> Result<BTreeMap<StatementId, Answer>> {
    text.split(';')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (sid, level) = part
                .split_once('=')
                .ok_or_else(|| corrupt(format!("answer {part}")))?;
            let answer = if level.is_empty() {
                Answer::NotApplicable
            } else {
                Answer::Level(level.parse().map_err(corrupt)?)
            };
            // Every form names the same few statements: each id is parsed once per load.
            let id = match ids.get(sid) {
                Some(id) => id.clone(),
                None => {
                    let id = StatementId::parse(sid).map_err(corrupt)?;
                    ids.insert(sid.to_string(), id.clone());
                    id
                }
            };
            Ok((id, answer))
        })
        .collect()
}

/// Builds stored responses from their rows (each with its answers), one at a time as the rows
/// arrive; their comments are added afterwards by [`add_comments`].
#[derive(Default)]
pub struct Assembler {
    ids: HashMap<String, StatementId>,
}

impl Assembler {
    /// The stored response of one row, without its comments.
    pub fn response(&mut self, r: ResponseRow) -> Result<StoredResponse> {
        Ok(StoredResponse {
            id: r.id,
            response: Response {
                round: RoundId::parse(&r.round).map_err(corrupt)?,
                org: OrgCode::parse(&r.org).map_err(corrupt)?,
                unit: UnitName::parse(&r.unit).map_err(corrupt)?,
                rater: r.rater,
                participants: r.participants,
                date: r.date,
                instrument_id: r.instrument_id,
                instrument_version: r.instrument_version,
                consensus: r.consensus,
                set: AnswerSet {
                    answers: parse_answers(r.answers.as_deref().unwrap_or(""), &mut self.ids)?,
                    ..AnswerSet::default()
                },
            },
            content_hash: r.content_hash,
            source: r.source,
            actor: r.actor,
            created_at: r.created_at,
            replaced_at: r.replaced_at,
        })
    }
}

/// Adds the comments `(response, kind, target, body)` to the responses, which are in the order
/// of their ids; a comment of a response not among them is left out.
pub fn add_comments(
    responses: &mut [StoredResponse],
    comments: Vec<(i64, String, String, String)>,
) -> Result<()> {
    for (rid, kind, target, body) in comments {
        let Ok(at) = responses.binary_search_by_key(&rid, |r| r.id) else {
            continue;
        };
        let set = &mut responses[at].response.set;
        if kind == "area" {
            set.comments
                .insert(AreaId::parse(&target).map_err(corrupt)?, body);
        } else {
            set.notes
                .insert(StatementId::parse(&target).map_err(corrupt)?, body);
        }
    }
    Ok(())
}

/// The answers of a response as rows to insert.
pub fn answer_rows(set: &AnswerSet) -> impl Iterator<Item = (String, Option<i64>)> + '_ {
    set.answers.iter().map(|(k, a)| {
        (
            k.to_string(),
            match a {
                Answer::Level(v) => Some(i64::from(*v)),
                Answer::NotApplicable => None,
            },
        )
    })
}

/// The comments of a response as rows to insert: `(kind, target, body)`.
pub fn comment_rows(set: &AnswerSet) -> impl Iterator<Item = (&'static str, String, &str)> + '_ {
    set.comments
        .iter()
        .map(|(k, v)| ("area", k.to_string(), v.as_str()))
        .chain(
            set.notes
                .iter()
                .map(|(k, v)| ("statement", k.to_string(), v.as_str())),
        )
}
