//! Answering on the web. The coordinator (or an organisation's respondent, for their own
//! organisation) makes answer links for a unit, one per rater and optionally one for the
//! consensus. A link is a long random token (only its SHA-256 is stored), works without an
//! account, can be revoked, and stops working when the round closes. The draft is saved field
//! by field (the last write per field wins, so two tabs lose nothing); submitting stores an
//! ordinary response (source `web`) through the same store call as an Excel import, so the
//! scores, exports and history are the same.

use std::collections::BTreeMap;

use crate::users::secret_hash;
use nara_core::{
    Answer, AnswerSet, Instrument, OrgCode, Response, Round, RoundId, RoundStatus, UnitName,
};
use nara_store::{AnswerLink, NewLink, Outcome, Store};

use crate::{Error, Result};

/// The longest comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 5000;
/// The longest background field, in characters.
pub const MAX_FIELD_CHARS: usize = 300;

/// A link just made, with its token (shown once; only the hash is kept).
#[derive(Debug, Clone)]
pub struct Made {
    /// The stored link.
    pub link: AnswerLink,
    /// The secret token for the URL.
    pub token: String,
}

/// Makes links for a unit: one per rater (none named: one for the unit as a whole), and one for
/// the consensus when asked.
pub async fn create_links(
    store: &dyn Store,
    round: RoundId,
    org: &OrgCode,
    unit: &str,
    raters: &[String],
    consensus: bool,
    actor: &str,
) -> Result<Vec<Made>> {
    let r = crate::rounds::get(store, round).await?;
    if r.status.is_final() {
        return Err(Error::Conflict(format!(
            "Omgången {round} är {}; svarslänkar går bara att skapa för en omgång som inte är stängd.",
            r.status.label()
        )));
    }
    crate::organisation(store, org).await?;
    let unit = UnitName::parse(unit).map_err(|e| Error::Invalid(format!("Verksamhet: {e}")))?;
    let mut names: Vec<String> = raters
        .iter()
        .map(|r| nara_core::ids::fold_spaces(r))
        .filter(|r| !r.is_empty())
        .collect();
    names.dedup();
    if names.iter().any(|n| n.chars().count() > MAX_FIELD_CHARS) {
        return Err(Error::Invalid("Ett bedömarnamn är för långt.".into()));
    }
    if names.len() > 20 {
        return Err(Error::Invalid(
            "Högst 20 bedömare per verksamhet och gång.".into(),
        ));
    }
    if names.is_empty() {
        names.push(String::new());
    }
    let mut specs: Vec<(String, bool)> = names.into_iter().map(|n| (n, false)).collect();
    if consensus {
        specs.push((String::new(), true));
    }
    let mut made = Vec::new();
    for (rater, is_consensus) in specs {
        let token = crate::users::random_token(32)?;
        let hash = secret_hash(&token);
        let id = store
            .create_link(
                &NewLink {
                    token_hash: &hash,
                    round,
                    org,
                    unit: unit.as_str(),
                    rater: &rater,
                    consensus: is_consensus,
                },
                actor,
            )
            .await?;
        let link = store
            .link_by_token(&hash)
            .await?
            .filter(|l| l.id == id)
            .ok_or_else(|| {
                Error::internal("Länken försvann", "the link just made was not found")
            })?;
        made.push(Made { link, token });
    }
    Ok(made)
}

/// What a token leads to.
#[derive(Debug, Clone)]
pub enum LinkState {
    /// A working link, its round (open) and instrument.
    Open(Box<(AnswerLink, Round, Instrument)>),
    /// The link was revoked.
    Revoked,
    /// The round is not open (not yet, or no longer).
    NotOpen(Round),
    /// No such link.
    Unknown,
}

/// Looks up a token.
pub async fn open_link(store: &dyn Store, token: &str) -> Result<LinkState> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(LinkState::Unknown);
    }
    let Some(link) = store.link_by_token(&secret_hash(token)).await? else {
        return Ok(LinkState::Unknown);
    };
    if link.revoked_at.is_some() {
        return Ok(LinkState::Revoked);
    }
    let (round, inst) = crate::round_instrument(store, link.round).await?;
    if round.status != RoundStatus::Open {
        return Ok(LinkState::NotOpen(round));
    }
    Ok(LinkState::Open(Box::new((link, round, inst))))
}

/// A form field's name for a statement's answer.
pub fn answer_field(statement: &str) -> String {
    format!("svar:{statement}")
}

/// A form field's name for an area's free text.
pub fn comment_field(area: &str) -> String {
    format!("kommentar:{area}")
}

/// The participants field.
pub const PARTICIPANTS: &str = "deltagare";
/// The date field.
pub const DATE: &str = "datum";

/// A field that could not be saved, and why (Swedish).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The field's name.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Checks one field; `Ok` with the value to store.
pub fn check_field(
    inst: &Instrument,
    name: &str,
    value: &str,
) -> std::result::Result<String, String> {
    if let Some(sid) = name.strip_prefix("svar:") {
        if inst.statements().all(|(_, s)| s.id.as_str() != sid) {
            return Err(format!("Påståendet {sid} finns inte i instrumentet."));
        }
        let v = value.trim();
        if v.is_empty() || v == "na" {
            return Ok(v.to_string());
        }
        return match v.parse::<u8>() {
            // Stored as the scale value: "+3" and "03" are 3.
            Ok(n) if inst.scale().levels.iter().any(|l| l.value == n) => Ok(n.to_string()),
            _ => Err(format!("”{v}” är inget svarsalternativ för {sid}.")),
        };
    }
    if let Some(aid) = name.strip_prefix("kommentar:") {
        if inst.areas().iter().all(|a| a.id.as_str() != aid) {
            return Err(format!("Delmålet {aid} finns inte i instrumentet."));
        }
        if value.chars().count() > MAX_COMMENT_CHARS {
            return Err(format!(
                "Kommentaren är längre än {MAX_COMMENT_CHARS} tecken; korta den."
            ));
        }
        return Ok(value.replace("\r\n", "\n"));
    }
    match name {
        PARTICIPANTS => {
            if value.chars().count() > MAX_FIELD_CHARS {
                return Err(format!("Högst {MAX_FIELD_CHARS} tecken."));
            }
            Ok(value.trim().to_string())
        }
        DATE => {
            let v = value.trim();
            if v.is_empty() {
                return Ok(String::new());
            }
            nara_core::round::Date::parse(v)
                .map(|_| v.to_string())
                .map_err(|e| e.to_string())
        }
        _ => Err(format!("Okänt fält ”{name}”.")),
    }
}

/// Saves the fields given (only those: a field left out keeps its saved value). Valid fields
/// are saved even when others are not; the invalid ones come back with their messages.
pub async fn save(
    store: &dyn Store,
    link: &AnswerLink,
    inst: &Instrument,
    fields: &[(String, String)],
) -> Result<Vec<FieldError>> {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    if fields.len() > inst.statement_count() + inst.areas().len() + 10 {
        return Err(Error::Invalid("För många fält i formuläret.".into()));
    }
    for (name, value) in fields {
        match check_field(inst, name, value) {
            Ok(v) => ok.push((name.clone(), v)),
            Err(message) => errors.push(FieldError {
                field: name.clone(),
                message,
            }),
        }
    }
    if !ok.is_empty() {
        store.save_draft(link.id, &ok, store.now()).await?;
    }
    Ok(errors)
}

/// New answer links as CSV (verksamhet, bedömare, adress, meddelande), for a mail merge:
/// every field neutralised against formulas like the raw export.
pub fn links_csv(rows: &[[String; 4]]) -> Vec<u8> {
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.to_vec()).collect();
    nara_excel::summary::csv_table(&["Verksamhet", "Bedömare", "Länk", "Meddelande"], &rows)
}

/// The saved draft as field → value.
pub async fn draft(store: &dyn Store, link: &AnswerLink) -> Result<BTreeMap<String, String>> {
    Ok(store.draft(link.id).await?.into_iter().collect())
}

/// The response a draft makes.
pub fn response(
    inst: &Instrument,
    link: &AnswerLink,
    draft: &BTreeMap<String, String>,
) -> Result<Response> {
    let mut set = AnswerSet::default();
    for (_, s) in inst.statements() {
        match draft.get(&answer_field(s.id.as_str())).map(String::as_str) {
            Some("na") => {
                set.answers.insert(s.id.clone(), Answer::NotApplicable);
            }
            Some(v) if !v.is_empty() => {
                if let Ok(n) = v.parse::<u8>() {
                    set.answers.insert(s.id.clone(), Answer::Level(n));
                }
            }
            _ => {}
        }
    }
    for a in inst.areas() {
        if let Some(t) = draft
            .get(&comment_field(a.id.as_str()))
            .filter(|t| !t.trim().is_empty())
        {
            set.comments.insert(a.id.clone(), t.clone());
        }
    }
    Ok(Response {
        round: link.round,
        org: link.org.clone(),
        unit: UnitName::parse(&link.unit)?,
        rater: link.rater.clone(),
        participants: draft.get(PARTICIPANTS).cloned().unwrap_or_default(),
        date: draft.get(DATE).cloned().unwrap_or_default(),
        instrument_id: inst.id().to_string(),
        instrument_version: inst.version().to_string(),
        consensus: link.consensus,
        set,
    })
}

/// Submits the draft: stores it as the link's response (a new one, or replacing the earlier
/// submission, which stays in the history). An empty form is refused.
pub async fn submit(
    store: &dyn Store,
    link: &AnswerLink,
    inst: &Instrument,
    actor: &str,
) -> Result<Outcome> {
    let d = draft(store, link).await?;
    let r = response(inst, link, &d)?;
    if r.set.answers.is_empty() {
        return Err(Error::Invalid(
            "Inget påstående är besvarat ännu. Svara på påståendena och skicka sedan.".into(),
        ));
    }
    let hash = crate::import::content_hash(&r);
    Ok(store.store_web_response(&r, &hash, link.id, actor).await?)
}

/// The other raters' current answers for the unit of a consensus link: (rater, answers).
pub async fn raters_of(store: &dyn Store, link: &AnswerLink) -> Result<Vec<(String, AnswerSet)>> {
    let key = UnitName::parse(&link.unit)?.key();
    Ok(store
        .responses(link.round)
        .await?
        .into_iter()
        .filter(|r| {
            r.response.org == link.org && r.response.unit.key() == key && !r.response.consensus
        })
        .map(|r| {
            (
                if r.response.rater.is_empty() {
                    "Svar".to_string()
                } else {
                    r.response.rater.clone()
                },
                r.response.set,
            )
        })
        .collect())
}
