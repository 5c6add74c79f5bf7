//! The import batch: many files and folders, parsed in parallel off the async runtime (bounded
//! to the cores), each valid file then stored whole or not at all (a savepoint per form, one
//! commit per [`FORMS_PER_COMMIT`] forms). A batch goes on past bad files and ends with a report
//! per file, in the order given.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use nara_core::scoring::score_answers;
use nara_core::{Instrument, Response, RoundId, RoundStatus};
pub use nara_excel::Limits;
use nara_excel::{ImportContext, Problem};
use nara_store::{NewForm, Outcome, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::Result;
use crate::import_activities::SheetReport;
use nara_excel::SheetRead;

mod known;
mod pool;
mod read;
mod validate;

use pool::Parses;
use read::{Known, Read, parse_bytes, read_bytes};

pub use validate::validate;

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    /// Check everything, store nothing.
    pub dry_run: bool,
    /// Who imports (for the audit log).
    pub actor: String,
    /// The importer's limits.
    pub limits: Limits,
    /// The round the files are meant for (the upload page's round): a form for another round
    /// is refused, naming both. `None`: each form goes to the round it names (the CLI).
    pub round: Option<RoundId>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            dry_run: false,
            actor: "cli".into(),
            limits: Limits::default(),
            round: None,
        }
    }
}

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Stored as a new form.
    Imported,
    /// Replaced the earlier version of the same form (kept as history).
    Replaced,
    /// The same content was already stored.
    Unchanged,
    /// Not stored: see the problems.
    Rejected,
}

impl Status {
    /// The Swedish word.
    pub fn label(self) -> &'static str {
        match self {
            Self::Imported => "importerad",
            Self::Replaced => "ersatt",
            Self::Unchanged => "oförändrad",
            Self::Rejected => "avvisad",
        }
    }
}

/// One area's score in a file report.
#[derive(Debug, Clone, Serialize)]
pub struct AreaLine {
    /// The area id.
    pub id: String,
    /// The area name.
    pub name: String,
    /// The mean, `null` when too few answers.
    pub mean: Option<f64>,
    /// The percentage, `null` likewise.
    pub percent: Option<f64>,
    /// Statements answered on the scale.
    pub answered: usize,
    /// Statements in the area.
    pub total: usize,
}

/// The scores of the form in a file.
#[derive(Debug, Clone, Serialize)]
pub struct FileScores {
    /// Per area.
    pub areas: Vec<AreaLine>,
    /// The overall index, `null` when fewer areas are scored than the instrument requires.
    pub overall: Option<f64>,
    /// Why there is no index (`Inget index: bara 1 av 5 delmål …`), `null` when there is one.
    pub no_index: Option<String>,
}

/// The report on one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The path as given.
    pub file: String,
    /// What happened (with `--dry-run`: what would happen).
    pub status: Status,
    /// The organisation code.
    pub org: Option<String>,
    /// The unit.
    pub unit: Option<String>,
    /// The round.
    pub round: Option<String>,
    /// The rater, when the form names one.
    pub rater: Option<String>,
    /// Every problem (for a rejected file).
    pub problems: Vec<Problem>,
    /// The form's own scores (not for a rejected file).
    pub scores: Option<FileScores>,
    /// What became of the form's sheet Aktiviteter; `null` for a form without it.
    pub activities: Option<SheetReport>,
}

/// The report on a batch.
#[derive(Debug, Clone, Serialize)]
pub struct BatchReport {
    /// Whether nothing was stored.
    pub dry_run: bool,
    /// One per file, in the order given (folders expanded in name order).
    pub files: Vec<FileReport>,
    /// Files in the folders that are not spreadsheets, left alone.
    pub skipped: Vec<String>,
}

impl BatchReport {
    /// How many files had each status.
    pub fn count(&self, status: Status) -> usize {
        self.files.iter().filter(|f| f.status == status).count()
    }
    /// Whether every file was imported, replaced or unchanged.
    pub fn all_ok(&self) -> bool {
        self.count(Status::Rejected) == 0
    }
}

/// Progress of a batch, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// The files are known.
    Start {
        /// How many.
        total: usize,
    },
    /// One more file is done.
    Done,
}

const SHEET_EXTENSIONS: &[&str] = &["xlsx", "ods", "xls", "xlsm", "xlsb", "csv", "numbers"];

/// Expands folders (recursively, in name order) into files. Files named directly are always
/// taken; in folders, only spreadsheet-like files are, and office lock files are skipped.
pub fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    fn walk(dir: &Path, files: &mut Vec<PathBuf>, skipped: &mut Vec<String>) {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(rd) => rd.flatten().map(|e| e.path()).collect(),
            Err(_) => return,
        };
        entries.sort();
        for p in entries {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if p.is_dir() {
                walk(&p, files, skipped);
            } else if name.starts_with("~$") || name.starts_with(".~lock") || name.starts_with('.')
            {
                skipped.push(p.display().to_string());
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| SHEET_EXTENSIONS.contains(&e.to_lowercase().as_str()))
            {
                files.push(p);
            } else {
                skipped.push(p.display().to_string());
            }
        }
    }
    for p in paths {
        if p.is_dir() {
            walk(p, &mut files, &mut skipped);
        } else {
            files.push(p.clone());
        }
    }
    (files, skipped)
}

/// The hash of a response's content: the same answers, comments and background give the same
/// hash, whatever file they came in.
pub fn content_hash(r: &Response) -> String {
    let json = serde_json::to_vec(r).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

/// The importer's context from the store.
pub async fn context(store: &dyn Store, limits: Limits) -> Result<ImportContext> {
    Ok(ImportContext {
        instruments: store.instruments().await?,
        organisations: crate::organisations(store).await?,
        rounds: store.rounds().await?,
        limits,
    })
}

/// A file that was not stored: its problems, and what it names (organisation, unit, round) as
/// far as it could be read, so the report says which form it was.
#[derive(Debug, Clone, Default)]
pub struct Rejected {
    /// Every problem.
    pub problems: Vec<Problem>,
    /// What the form names.
    pub named: nara_excel::import::Named,
}

impl From<Vec<Problem>> for Rejected {
    fn from(problems: Vec<Problem>) -> Self {
        Self {
            problems,
            named: Default::default(),
        }
    }
}

fn rejected(file: String, r: Rejected) -> FileReport {
    FileReport {
        file,
        status: Status::Rejected,
        org: r.named.org,
        unit: r.named.unit,
        round: r.named.round,
        rater: None,
        problems: r.problems,
        scores: None,
        activities: None,
    }
}

/// A parsed file: its response and its sheet Aktiviteter, or why it was not read.
pub type Parsed = std::result::Result<(Response, SheetRead), Rejected>;

/// Parses files in parallel, bounded to the cores, off the async runtime; results in order.
pub async fn parse_files(
    files: &[PathBuf],
    ctx: Arc<ImportContext>,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Vec<Parsed> {
    let mut out = Vec::with_capacity(files.len());
    let mut parses = Parses::start(files, &ctx, &Arc::new(Known::new()));
    while let Some(read) = parses.next().await {
        out.push(match read {
            Read::Parsed(p, _) => *p,
            // Nothing is known here, so every file is parsed.
            Read::Known { .. } => Err(Rejected::default()),
        });
        progress(Progress::Done);
    }
    out
}

fn scores_of(inst: &Instrument, r: &Response) -> FileScores {
    let s = score_answers(inst, &r.set);
    FileScores {
        areas: inst
            .areas()
            .iter()
            .zip(&s.areas)
            .map(|(a, sc)| AreaLine {
                id: a.id.to_string(),
                name: a.name.clone(),
                mean: sc.mean,
                percent: sc.percent,
                answered: sc.answered,
                total: sc.total,
            })
            .collect(),
        overall: s.overall,
        no_index: s.no_index(inst),
    }
}

/// How many forms are stored per transaction: one commit for many forms, each inside a
/// savepoint of its own, so every form is stored whole or not at all and a batch that is
/// stopped loses at most the forms of its last, uncommitted transaction (run it again).
pub const FORMS_PER_COMMIT: usize = 64;

/// Imports a batch of files and folders: parsed in parallel, checked against the rounds and
/// instruments, then stored [`FORMS_PER_COMMIT`] forms per transaction. Storing overlaps
/// parsing: a transaction is written as soon as its forms are parsed, while the cores parse
/// the next ones.
pub async fn import_batch(
    store: &dyn Store,
    paths: &[PathBuf],
    opts: &Options,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<BatchReport> {
    let (files, skipped) = expand(paths);
    progress(Progress::Start { total: files.len() });
    let ctx = Arc::new(context(store, opts.limits.clone()).await?);
    // Files that gave a response still current are not parsed again (an unchanged re-import).
    let known = Arc::new(store.known_files().await?);
    let mut reports = Vec::with_capacity(files.len());
    let mut pending = Vec::with_capacity(FORMS_PER_COMMIT);
    let mut hits = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut checks: Checks = None;
    let mut parses = Parses::start(&files, &ctx, &known);
    for path in &files {
        let Some(read) = parses.next().await else {
            break;
        };
        progress(Progress::Done);
        let file = path.display().to_string();
        let (result, file_hash) = match read {
            Read::Known {
                file_hash,
                round,
                id,
            } => {
                hits.push(known::Hit {
                    at: reports.len(),
                    path: path.clone(),
                    file_hash,
                    round,
                    id,
                });
                reports.push(known::placeholder(file));
                continue;
            }
            Read::Parsed(result, file_hash) => (*result, file_hash),
        };
        match staged(&ctx, path, file, result, opts) {
            Err(report) => reports.push(*report),
            Ok((f, sheet)) => {
                seen.insert(f.response.identity());
                pending.push((
                    reports.len(),
                    f.response,
                    f.hash,
                    f.source,
                    sheet,
                    file_hash,
                ));
                reports.push(f.report);
                // A dry run stores nothing: its forms are compared with the store at the end.
                if !opts.dry_run && pending.len() == FORMS_PER_COMMIT {
                    store_chunk(store, &mut pending, opts, &mut reports, &mut checks).await?;
                }
            }
        }
    }
    if !opts.dry_run && !pending.is_empty() {
        store_chunk(store, &mut pending, opts, &mut reports, &mut checks).await?;
    } else if opts.dry_run {
        let mut current = std::collections::HashMap::new();
        for (i, r, hash, ..) in &pending {
            if let std::collections::hash_map::Entry::Vacant(e) = current.entry(r.round) {
                e.insert(store.responses(r.round).await?);
            }
            let now = current[&r.round]
                .iter()
                .find(|s| s.response.identity() == r.identity());
            reports[*i].status = match now {
                Some(s) if &s.content_hash == hash => Status::Unchanged,
                Some(_) => Status::Replaced,
                None => Status::Imported,
            };
        }
        sheets(store, &mut pending, opts, &mut reports, &mut checks).await?;
    }
    known::settle(store, &ctx, hits, &seen, opts, &mut reports).await?;
    Ok(BatchReport {
        dry_run: opts.dry_run,
        files: reports,
        skipped,
    })
}

/// What the sheets Aktiviteter of a batch are checked against, read once for the batch (at the
/// first sheet that changes anything).
type Checks = Option<crate::activities::Known>;

/// A form waiting to be stored: its report's index, response, hash, source, sheet and the
/// SHA-256 of its file's bytes.
type Pending = (usize, Response, String, String, SheetRead, Option<String>);

/// Stores one transaction's forms (each whole or not at all), sets their reports' status,
/// then merges their sheets Aktiviteter (see [`sheets`]) and empties `chunk`.
async fn store_chunk(
    store: &dyn Store,
    chunk: &mut Vec<Pending>,
    opts: &Options,
    reports: &mut [FileReport],
    checks: &mut Checks,
) -> Result<()> {
    let actor = &opts.actor;
    let forms: Vec<NewForm<'_>> = (chunk.iter())
        .map(|(_, r, hash, source, _, file)| NewForm {
            response: r,
            content_hash: hash,
            source,
            file_hash: file.as_deref(),
        })
        .collect();
    let results = store.store_responses(&forms, actor).await?;
    for ((i, ..), result) in chunk.iter().zip(results) {
        reports[*i].status = match result? {
            Outcome::Imported => Status::Imported,
            Outcome::Replaced => Status::Replaced,
            Outcome::Unchanged => Status::Unchanged,
        };
    }
    sheets(store, chunk, opts, reports, checks).await
}

/// Merges each stored form's sheet Aktiviteter into the store (see
/// [`crate::import_activities::apply`]) and empties `chunk`.
async fn sheets(
    store: &dyn Store,
    chunk: &mut Vec<Pending>,
    opts: &Options,
    reports: &mut [FileReport],
    checks: &mut Checks,
) -> Result<()> {
    for (i, r, _, _, sheet, _) in chunk.drain(..) {
        reports[i].activities =
            crate::import_activities::apply(store, &r, sheet, &opts.actor, opts.dry_run, checks)
                .await?;
    }
    Ok(())
}

/// A parsed file checked for storing: the form ready to store, with its sheet Aktiviteter, or
/// the report of a file that is not stored.
fn staged(
    ctx: &ImportContext,
    path: &Path,
    file: String,
    parsed: Parsed,
    opts: &Options,
) -> std::result::Result<(ReadyForm, SheetRead), Box<FileReport>> {
    match parsed {
        Err(r) => Err(Box::new(rejected(file, r))),
        Ok((r, sheet)) => match check(ctx, path, &file, r, opts) {
            Checked::Refused(report) => Err(report),
            Checked::Ready(f) => Ok((*f, sheet)),
        },
    }
}

/// A parsed form checked against the rounds and instruments.
enum Checked {
    /// Not for storing: the report says why.
    Refused(Box<FileReport>),
    /// To be stored.
    Ready(Box<ReadyForm>),
}

/// A form ready to store, with its report (status set once stored).
struct ReadyForm {
    report: FileReport,
    response: Response,
    hash: String,
    source: String,
}

/// Checks a parsed form: the round the upload is for, the round's status, the instrument.
fn check(ctx: &ImportContext, path: &Path, file: &str, r: Response, opts: &Options) -> Checked {
    let round = ctx.rounds.iter().find(|x| x.id == r.round);
    let inst = ctx
        .instruments
        .iter()
        .find(|i| i.id() == r.instrument_id && i.version() == r.instrument_version);
    let mut report = FileReport {
        file: file.to_string(),
        status: Status::Rejected,
        org: Some(r.org.to_string()),
        unit: Some(r.unit.to_string()),
        round: Some(r.round.to_string()),
        rater: (!r.rater.is_empty()).then(|| r.rater.clone()),
        problems: vec![],
        scores: None,
        activities: None,
    };
    let problem = |m: String| Problem {
        sheet: None,
        cell: None,
        message: m,
    };
    if let Some(expected) = opts.round
        && expected != r.round
    {
        report.problems.push(problem(format!(
            "Blanketten gäller omgång {}, men den lästes in för omgång {expected}. Ingenting sparades: läs in den under omgång {} i stället.",
            r.round, r.round
        )));
        return Checked::Refused(Box::new(report));
    }
    match round.map(|x| x.status) {
        Some(RoundStatus::Open) => {}
        Some(RoundStatus::Draft) => {
            report.problems.push(problem(format!("Omgången {} är inte öppnad ännu (status utkast), så svar tas inte emot. Be samordnaren öppna omgången.", r.round)));
            return Checked::Refused(Box::new(report));
        }
        Some(RoundStatus::Published) => {
            report.problems.push(problem(format!(
                "Omgången {} är publicerad och tar inte emot svar. Ska svaret räknas: ta tillbaka publiceringen under Omgångar, öppna omgången igen, läs in filen och publicera på nytt.",
                r.round
            )));
            return Checked::Refused(Box::new(report));
        }
        Some(s) => {
            report.problems.push(problem(format!(
                "Omgången {} är {} och tar inte emot svar. Ska svaret räknas måste samordnaren öppna omgången igen.",
                r.round,
                s.label()
            )));
            return Checked::Refused(Box::new(report));
        }
        None => {
            report
                .problems
                .push(problem(format!("Omgången {} finns inte.", r.round)));
            return Checked::Refused(Box::new(report));
        }
    }
    let Some(inst) = inst else {
        report
            .problems
            .push(problem("Instrumentet för omgången saknas.".into()));
        return Checked::Refused(Box::new(report));
    };
    let hash = content_hash(&r);
    let source = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(file)
        .to_string();
    report.scores = Some(scores_of(inst, &r));
    Checked::Ready(Box::new(ReadyForm {
        report,
        response: r,
        hash,
        source,
    }))
}
