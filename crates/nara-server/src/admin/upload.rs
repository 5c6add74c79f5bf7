//! Uploading filled forms: the page, the private upload folder, streaming the files, the import.

use askama::Template;
use axum::Router;
use axum::extract::{FromRequest, Multipart, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use nara_app::import::{BatchReport, FileReport, Status};
use nara_core::{OrgCode, Round, RoundStatus, fmt};

use super::{round_layout, user_err};
use crate::AppState;
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::extract::VisibleRound;
use crate::layout::{Layout, link};

/// The upload page (the upload itself takes files: see `crate::file_routes`).
pub fn router() -> Router<AppState> {
    Router::new().route("/omgangar/{round}/inlasning", get(upload_form))
}

/// The start of every upload folder's name: `nara-upload-<process id>-<random>`.
pub const UPLOAD_PREFIX: &str = "nara-upload-";

/// A private folder for one upload (0700 on Unix: only the server's user can read it), in
/// `root` or the system's temporary folder; removed with everything in it when dropped.
pub fn upload_folder(root: Option<&std::path::Path>) -> std::io::Result<tempfile::TempDir> {
    let root = root.map_or_else(std::env::temp_dir, std::path::Path::to_path_buf);
    let prefix = format!("{UPLOAD_PREFIX}{}-", std::process::id());
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o700));
    }
    b.tempdir_in(root)
}

/// Removes upload folders left behind by a server that stopped in the middle of an upload
/// (killed or crashed): in `root` (or the system's temporary folder), the folders named
/// [`UPLOAD_PREFIX`]… owned by this user whose process no longer runs (Linux), and any older
/// than a day. Returns how many were removed.
pub fn remove_upload_leftovers(root: Option<&std::path::Path>) -> usize {
    let root = root.map_or_else(std::env::temp_dir, std::path::Path::to_path_buf);
    let Ok(entries) = std::fs::read_dir(&root) else {
        return 0;
    };
    #[cfg(unix)]
    let own_uid = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").map(|m| m.uid()).ok()
    };
    let me = std::process::id();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(UPLOAD_PREFIX)) else {
            continue;
        };
        let path = entry.path();
        // Never follows a link: only a real folder is removed.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_dir() {
            continue;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if own_uid.is_some_and(|u| u != meta.uid()) {
                continue;
            }
        }
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let gone = pid.is_some_and(|p| p != me && !process_runs(p));
        let old = meta
            .modified()
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(24 * 60 * 60));
        if (gone || old) && std::fs::remove_dir_all(&path).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(removed, folder = %root.display(), "removed upload folders left by an earlier run");
    }
    removed
}

/// Whether a process runs (known on Linux only; elsewhere assumed to, so only age counts).
fn process_runs(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

/// One file's line on the upload result page.
pub struct UploadRow {
    /// The file name as uploaded.
    pub file: String,
    /// `inläst`, `ersatt`, `oförändrad`, `avvisad`.
    pub status: String,
    /// Whether it was rejected.
    pub rejected: bool,
    /// The round the form names (empty when the file could not be read that far).
    pub round: String,
    /// Organisation (name and code), unit, rater.
    pub what: String,
    /// Index of the form, when scored.
    pub index: String,
    /// Every problem (of the sheet Aktiviteter too).
    pub problems: Vec<ProblemRow>,
    /// What became of the sheet Aktiviteter, in a sentence (empty for a form without it).
    pub activities: String,
}

/// One problem in an uploaded file.
pub struct ProblemRow {
    /// The sheet (empty when the problem is not in one).
    pub sheet: String,
    /// The cell (empty when the problem is not in one).
    pub cell: String,
    /// What is wrong.
    pub message: String,
}

/// The upload page, with the result of the last upload.
#[derive(Template)]
#[template(path = "upload.html")]
pub struct UploadPage {
    /// The frame.
    pub layout: Layout,
    /// The round.
    pub round: String,
    /// Its status.
    pub status: String,
    /// Whether forms can be read into it now.
    pub open: bool,
    /// The result of the upload, if one was made.
    pub rows: Vec<UploadRow>,
    /// The one-line summary.
    pub summary: String,
    /// The CSRF token for the form.
    pub csrf: String,
    /// The largest upload, in MB.
    pub limit_mb: usize,
    /// The most files in one upload.
    pub max_files: usize,
}

/// The upload page of a round with the result of an upload (`rows`, `summary`; empty before).
async fn upload_page(
    state: &AppState,
    a: &Admin,
    round: &Round,
    rows: Vec<UploadRow>,
    summary: String,
) -> AppResult<Html<String>> {
    let rid = round.id;
    let title = format!("Läs in blanketter {rid}");
    let crumbs = vec![
        link("/omgangar", "Omgångar"),
        link(format!("/omgangar/{rid}/inlasning"), title.clone()),
    ];
    let layout = round_layout(state, a, round, &title, crumbs).await?;
    let page = UploadPage {
        layout,
        round: rid.to_string(),
        status: round.status.label().into(),
        open: round.status == RoundStatus::Open,
        rows,
        summary,
        csrf: a.0.csrf.clone(),
        limit_mb: state.config.body_limit / (1024 * 1024),
        max_files: state.config.max_upload_files,
    };
    Ok(Html(page.render()?))
}

/// `GET /omgangar/{round}/inlasning`.
#[tracing::instrument(skip_all, fields(round = %round.round.id))]
pub async fn upload_form(
    State(state): State<AppState>,
    a: Admin,
    round: VisibleRound,
) -> AppResult<Html<String>> {
    upload_page(&state, &a, &round.round, Vec::new(), String::new()).await
}

/// Whether a character is left out of a file name that is shown and stored: control
/// characters, and the invisible ones that reorder or hide text (bidi overrides, embeddings
/// and isolates such as U+202E, marks, zero-width and other format characters, line and
/// paragraph separators, variation selectors, tags).
fn hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// The name a file is shown and stored under: the last part of the uploaded name, without
/// hidden characters, characters that are not allowed in file names replaced by `_`, at most
/// 120 characters; `fil-N` when nothing is left.
fn file_name(raw: &str, i: usize) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let clean: String = base
        .chars()
        .filter(|c| !hidden_char(*c))
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .take(120)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        format!("fil-{}", i + 1)
    } else {
        clean.to_string()
    }
}

/// A short text field (the CSRF token): at most `max` bytes are kept, the rest is read and
/// dropped.
async fn short_text(field: &mut axum::extract::multipart::Field<'_>, max: usize) -> String {
    let mut text = Vec::new();
    while let Ok(Some(chunk)) = field.chunk().await {
        let room = max.saturating_sub(text.len());
        text.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }
    String::from_utf8_lossy(&text).into_owned()
}

/// Writes one file part to `path` as it arrives (0600 on Unix), never holding it whole in
/// memory. Returns the bytes written.
async fn stream_to_file(
    field: &mut axum::extract::multipart::Field<'_>,
    path: &std::path::Path,
) -> Result<u64, StreamError> {
    use tokio::io::AsyncWriteExt;
    let mut opts = tokio::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    opts.mode(0o600);
    let mut file = opts.open(path).await.map_err(StreamError::Disk)?;
    // At most this much of a file waits in memory for the disk (tokio's default is 2 MiB).
    file.set_max_buf_size(64 * 1024);
    let mut written = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(StreamError::Body)? {
        file.write_all(&chunk).await.map_err(StreamError::Disk)?;
        written += chunk.len() as u64;
    }
    file.flush().await.map_err(StreamError::Disk)?;
    Ok(written)
}

enum StreamError {
    Body(axum::extract::multipart::MultipartError),
    Disk(std::io::Error),
}

/// An upload's body that hands over one piece at a time: after each piece it lets the reader
/// write what it has before more is taken from the socket, so the multipart reader never
/// gathers more than one piece (at most hyper's read buffer) per upload in memory.
struct Paced {
    inner: axum::body::Body,
    just_gave: bool,
}

impl axum::body::HttpBody for Paced {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        if this.just_gave {
            this.just_gave = false;
            cx.waker().wake_by_ref();
            return std::task::Poll::Pending;
        }
        let r = std::pin::Pin::new(&mut this.inner).poll_frame(cx);
        this.just_gave = matches!(r, std::task::Poll::Ready(Some(Ok(_))));
        r
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// What an upload's body held: the files, written to a private folder, and the CSRF token.
struct Received {
    /// The folder; removed when dropped.
    dir: tempfile::TempDir,
    /// The files written, in the order they came.
    paths: Vec<std::path::PathBuf>,
    /// Their names as shown.
    names: Vec<String>,
    /// The form's CSRF token.
    csrf: String,
    /// How many files came past the cap (not written).
    extra: usize,
}

/// Reads an upload's multipart body, writing each file to a new private folder as it arrives.
async fn receive(state: &AppState, req: axum::extract::Request) -> AppResult<Received> {
    let req = req.map(|inner| {
        axum::body::Body::new(Paced {
            inner,
            just_gave: false,
        })
    });
    let mut mp = Multipart::from_request(req, state).await.map_err(|_| {
        AppError::BadRequest(
            "Uppladdningen kunde inte läsas: den ska skickas från formuläret med filer (multipart/form-data).".into(),
        )
    })?;
    let dir = upload_folder(state.config.upload_dir.as_deref())
        .map_err(|e| AppError::Internal(format!("upload folder: {e}")))?;
    let mut got = Received {
        dir,
        paths: Vec::new(),
        names: Vec::new(),
        csrf: String::new(),
        extra: 0,
    };
    let limit_mb = state.config.body_limit / (1024 * 1024);
    let too_big = |what: String| {
        AppError::BadRequest(format!(
            "{what}. Är filerna tillsammans större än {limit_mb} MB?"
        ))
    };
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let what = format!("Uppladdningen kunde inte läsas ({})", e.body_text());
                return Err(too_big(what));
            }
        };
        match field.name() {
            Some("csrf") => got.csrf = short_text(&mut field, 256).await,
            Some("filer") => {
                let Some(raw) = field.file_name().map(str::to_string) else {
                    continue;
                };
                // Files past the cap are counted (to say how many), not written.
                if got.paths.len() >= state.config.max_upload_files {
                    got.extra += usize::from(!raw.is_empty());
                    continue;
                }
                let i = got.paths.len();
                let name = file_name(&raw, i);
                let path = got.dir.path().join(format!("{i:04}-{name}"));
                match stream_to_file(&mut field, &path).await {
                    // The empty file input.
                    Ok(0) if raw.is_empty() => drop(tokio::fs::remove_file(&path).await),
                    Ok(_) => {
                        got.paths.push(path);
                        got.names.push(name);
                    }
                    Err(StreamError::Body(e)) => {
                        let what = format!("Filen {name} kunde inte tas emot: {}", e.body_text());
                        return Err(too_big(what));
                    }
                    Err(StreamError::Disk(e)) => {
                        return Err(AppError::Internal(format!("upload to disk: {e}")));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(got)
}

/// `POST /omgangar/{round}/inlasning`: many files at once through the import pipeline. Each
/// file is written, as it arrives, to a private folder for this upload (see [`upload_folder`]),
/// read in parallel off the async runtime, stored one transaction each, and the folder is
/// removed. At most `max_upload_files` files: with more, nothing is read and the page says so.
#[tracing::instrument(skip_all, fields(round = %round.id))]
pub async fn upload(
    State(state): State<AppState>,
    a: Admin,
    VisibleRound { round, .. }: VisibleRound,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let got = receive(&state, req).await?;
    a.0.check_csrf(&got.csrf)?;
    let max_files = state.config.max_upload_files;
    let refusal = if got.extra > 0 {
        Some(format!(
            "För många filer: du valde {} filer, men högst {max_files} kan läsas in åt gången. Ingen fil lästes in. Dela upp filerna och läs in högst {max_files} i taget.",
            got.paths.len() + got.extra
        ))
    } else if got.paths.is_empty() {
        Some("Välj en eller flera filer först.".into())
    } else {
        None
    };
    if let Some(m) = refusal {
        let page = upload_page(&state, &a, &round, Vec::new(), m).await?;
        return Ok(page.into_response());
    }
    // The files belong to the round of the page: a form for another round is refused, naming
    // both.
    let opts = nara_app::import::Options {
        actor: a.0.user.username.clone(),
        round: Some(round.id),
        ..Default::default()
    };
    let app = &state.app;
    let imported = app.import_batch(&got.paths, &opts, &|_| {}).await;
    drop(got.dir);
    let (rows, summary) = match imported {
        Ok(report) => {
            let snap = crate::snap(&state).await?;
            let org_name = |c: &OrgCode| snap.organisation(c).map(|o| o.name.clone());
            (upload_rows(&report, &got.names, org_name), summary(&report))
        }
        Err(e) => (Vec::new(), user_err(e)?),
    };
    let page = upload_page(&state, &a, &round, rows, summary).await?;
    Ok(page.into_response())
}

/// `12 filer: 10 inlästa, 1 ersatta, 0 oförändrade, 1 avvisade.`
fn summary(report: &BatchReport) -> String {
    format!(
        "{} filer: {} inlästa, {} ersatta, {} oförändrade, {} avvisade.",
        report.files.len(),
        report.count(Status::Imported),
        report.count(Status::Replaced),
        report.count(Status::Unchanged),
        report.count(Status::Rejected)
    )
}

/// One row per file of an import, under the names shown; `org_name` names an organisation
/// (the code alone when it does not).
fn upload_rows(
    report: &BatchReport,
    names: &[String],
    org_name: impl Fn(&OrgCode) -> Option<String>,
) -> Vec<UploadRow> {
    let org = |code: &String| {
        let name = OrgCode::parse(code).ok().and_then(|c| org_name(&c));
        name.map_or_else(|| code.clone(), |n| nara_core::org::with_code(&n, code))
    };
    let row = |f: &FileReport, name: &String| UploadRow {
        file: name.clone(),
        status: f.status.label().to_string(),
        rejected: f.status == Status::Rejected,
        round: f.round.clone().unwrap_or_default(),
        what: [
            f.org.as_ref().map(org),
            f.unit.clone(),
            f.rater.clone().filter(|r| !r.is_empty()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · "),
        index: (f.scores.as_ref())
            .map(|s| s.no_index.clone().unwrap_or_else(|| fmt::index(s.overall)))
            .unwrap_or_default(),
        activities: (f.activities.as_ref())
            .map(|a| a.line())
            .unwrap_or_default(),
        problems: (f.problems.iter())
            .chain(f.activities.iter().flat_map(|a| &a.problems))
            .map(|p| ProblemRow {
                sheet: p.sheet.clone().unwrap_or_default(),
                cell: p.cell.clone().unwrap_or_default(),
                message: p.message.clone(),
            })
            .collect(),
    };
    report
        .files
        .iter()
        .zip(names)
        .map(|(f, n)| row(f, n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(status: Status, org: &str, problems: Vec<nara_excel::Problem>) -> FileReport {
        FileReport {
            file: "x.xlsx".into(),
            status,
            org: Some(org.into()),
            unit: Some("Hemtjänst Norr".into()),
            round: Some("2026".into()),
            rater: Some(String::new()),
            problems,
            scores: None,
            activities: None,
        }
    }

    #[test]
    fn upload_rows_name_the_organisation_and_every_problem_by_sheet_and_cell() {
        let problem = nara_excel::Problem {
            sheet: Some("Bedömning".into()),
            cell: Some("C7".into()),
            message: "Svaret är inte ett av alternativen.".into(),
        };
        let report = BatchReport {
            dry_run: false,
            files: vec![
                file(Status::Imported, "1490", Vec::new()),
                file(Status::Rejected, "9999", vec![problem]),
            ],
            skipped: Vec::new(),
        };
        let names = ["a.xlsx".to_string(), "b.xlsx".to_string()];
        let known = |c: &OrgCode| (c.as_str() == "1490").then(|| "Borås".to_string());
        let rows = upload_rows(&report, &names, known);
        assert_eq!(rows[0].what, "Borås (kod 1490) · Hemtjänst Norr");
        assert!(!rows[0].rejected && rows[0].problems.is_empty());
        assert_eq!(rows[1].what, "9999 · Hemtjänst Norr");
        assert!(rows[1].rejected);
        let p = &rows[1].problems[0];
        assert_eq!((p.sheet.as_str(), p.cell.as_str()), ("Bedömning", "C7"));
        assert_eq!(p.message, "Svaret är inte ett av alternativen.");
        assert_eq!(
            summary(&report),
            "2 filer: 1 inlästa, 0 ersatta, 0 oförändrade, 1 avvisade."
        );
        assert_eq!(
            rows[0].activities, "",
            "a form without the sheet says nothing of it"
        );
    }

    #[test]
    fn the_sheet_aktiviteter_gets_a_line_and_its_problems_are_listed() {
        let mut f = file(Status::Imported, "1490", Vec::new());
        f.activities = Some(nara_app::import_activities::SheetReport {
            problems: vec![nara_excel::Problem {
                sheet: Some("Aktiviteter".into()),
                cell: Some("J20".into()),
                message: "”försenad” är ingen status.".into(),
            }],
            ..Default::default()
        });
        let report = BatchReport {
            dry_run: false,
            files: vec![f],
            skipped: Vec::new(),
        };
        let rows = upload_rows(&report, &["a.xlsx".to_string()], |_| None);
        assert!(!rows[0].rejected, "the self-assessment is stored");
        assert!(rows[0].activities.contains("ingenting av den sparades"));
        let p = &rows[0].problems[0];
        assert_eq!((p.sheet.as_str(), p.cell.as_str()), ("Aktiviteter", "J20"));
    }
}
