//! What the coordinator does in the browser, with the same `nara-app` functions as the CLI:
//! create rounds and change their status, upload an instrument (validated and previewed before
//! it is stored), download every blank form as one zip, upload filled forms (the import
//! pipeline, parsing off the runtime), follow who has answered, manage accounts, read the audit
//! log. Every handler takes [`Admin`], and every form carries the session's CSRF token.

use askama::Template;
use axum::extract::{Form, FromRequest, Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use nara_core::{Instrument, OrgCode, RoundId, RoundStatus, fmt};
use nara_store::Role;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::pages::{Layout, Link};

async fn layout(state: &AppState, a: &Admin, title: &str, crumbs: Vec<Link>) -> AppResult<Layout> {
    crate::pages::layout_for(state, &a.0, title, None, crumbs).await
}

/// The frame of a page about one round (the menu then offers that round's pages).
async fn round_layout(
    state: &AppState,
    a: &Admin,
    round: &nara_core::Round,
    title: &str,
    crumbs: Vec<Link>,
) -> AppResult<Layout> {
    crate::pages::layout_for(state, &a.0, title, Some(round), crumbs).await
}

fn link(href: impl Into<String>, label: impl Into<String>) -> Link {
    Link {
        href: href.into(),
        label: label.into(),
    }
}

fn user_err(e: nara_app::Error) -> Result<String, AppError> {
    match e {
        nara_app::Error::User(m) => Ok(m),
        other => Err(other.into()),
    }
}

// ---------------------------------------------------------------- rounds

/// The new-round form.
#[derive(Deserialize)]
pub struct NewRound {
    id: String,
    #[serde(default)]
    opens: String,
    #[serde(default)]
    closes: String,
    #[serde(default)]
    instrument: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /omgangar`: creates a round (draft). Errors go back to the rounds page beside the form.
pub async fn create_round(
    State(state): State<AppState>,
    a: Admin,
    Form(f): Form<NewRound>,
) -> AppResult<Response> {
    a.0.check_csrf(&f.csrf)?;
    let s = state.store.as_ref();
    let result: Result<RoundId, String> = async {
        let id = RoundId::parse(&f.id).map_err(|e| format!("Omgång: {e}"))?;
        let date = |x: &str, what: &str| -> Result<Option<nara_core::round::Date>, String> {
            if x.trim().is_empty() {
                Ok(None)
            } else {
                nara_core::round::Date::parse(x)
                    .map(Some)
                    .map_err(|e| format!("{what}: {e}"))
            }
        };
        let opens = date(&f.opens, "Öppnar")?;
        let closes = date(&f.closes, "Stänger")?;
        let inst = f.instrument.split_once('@');
        nara_app::rounds::create(s, id, inst, opens, closes, &a.0.user.username)
            .await
            .map_err(|e| e.to_string())?;
        Ok(id)
    }
    .await;
    match result {
        Ok(id) => Ok(notice_redirect(crate::pages::NoticeKey::Created, id).into_response()),
        Err(m) => crate::pages::rounds_page(&state, &a.0, Some(m), Some(&f.id))
            .await
            .map(IntoResponse::into_response),
    }
}

/// Back to the rounds page with a notice: a fixed key and the round, never text (the page
/// writes the sentence itself, so a crafted link cannot put words in the coordinator's notice).
fn notice_redirect(key: crate::pages::NoticeKey, round: RoundId) -> Redirect {
    Redirect::to(&format!("/omgangar?klart={}&omgang={round}", key.as_str()))
}

/// `GET /omgangar/{round}/blanketter.zip`.
pub async fn forms_zip(
    State(state): State<AppState>,
    _a: Admin,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let rid = RoundId::parse(&id)
        .map_err(|_| AppError::NotFound(format!("Omgången {id} finns inte.")))?;
    let (name, bytes) = nara_app::forms_zip(state.store.as_ref(), rid).await?;
    Ok(crate::downloads::attachment(
        bytes,
        &name,
        "application/zip",
    ))
}

// ---------------------------------------------------------------- upload

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
    /// Every problem: sheet, cell, message.
    pub problems: Vec<(String, String, String)>,
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

async fn upload_page(
    state: &AppState,
    a: &Admin,
    id: &str,
    rows: Vec<UploadRow>,
    summary: String,
) -> AppResult<Html<String>> {
    let rid =
        RoundId::parse(id).map_err(|_| AppError::NotFound(format!("Omgången {id} finns inte.")))?;
    let round = nara_app::rounds::get(state.store.as_ref(), rid).await?;
    let layout = round_layout(
        state,
        a,
        &round,
        &format!("Läs in blanketter {rid}"),
        vec![
            link("/omgangar", "Omgångar"),
            link(
                format!("/omgangar/{rid}/inlasning"),
                format!("Läs in blanketter {rid}"),
            ),
        ],
    )
    .await?;
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
pub async fn upload_form(
    State(state): State<AppState>,
    a: Admin,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    upload_page(&state, &a, &id, Vec::new(), String::new()).await
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

/// `POST /omgangar/{round}/inlasning`: many files at once through the import pipeline. Each
/// file is written, as it arrives, to a private folder for this upload (see [`upload_folder`]),
/// read in parallel off the async runtime, stored one transaction each, and the folder is
/// removed. At most `max_upload_files` files: with more, nothing is read and the page says so.
pub async fn upload(
    State(state): State<AppState>,
    a: Admin,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let req = req.map(|inner| {
        axum::body::Body::new(Paced {
            inner,
            just_gave: false,
        })
    });
    let mut mp = Multipart::from_request(req, &state).await.map_err(|_| {
        AppError::BadRequest(
            "Uppladdningen kunde inte läsas: den ska skickas från formuläret med filer (multipart/form-data).".into(),
        )
    })?;
    let dir = upload_folder(state.config.upload_dir.as_deref())
        .map_err(|e| AppError::Internal(format!("upload folder: {e}")))?;
    let max_files = state.config.max_upload_files;
    let limit_mb = state.config.body_limit / (1024 * 1024);
    let mut paths = Vec::new();
    let mut names = Vec::new();
    let mut csrf = String::new();
    // Files past the cap are counted (to say how many), not written.
    let mut extra = 0usize;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(AppError::BadRequest(format!(
                    "Uppladdningen kunde inte läsas ({}). Är filerna tillsammans större än {limit_mb} MB?",
                    e.body_text(),
                )));
            }
        };
        match field.name() {
            Some("csrf") => csrf = short_text(&mut field, 256).await,
            Some("filer") => {
                let Some(raw) = field.file_name().map(str::to_string) else {
                    continue;
                };
                if paths.len() >= max_files {
                    if !raw.is_empty() {
                        extra += 1;
                    }
                    continue;
                }
                let i = paths.len();
                let name = file_name(&raw, i);
                let path = dir.path().join(format!("{i:04}-{name}"));
                match stream_to_file(&mut field, &path).await {
                    Ok(0) if raw.is_empty() => {
                        // The empty file input.
                        let _ = tokio::fs::remove_file(&path).await;
                    }
                    Ok(_) => {
                        paths.push(path);
                        names.push(name);
                    }
                    Err(StreamError::Body(e)) => {
                        return Err(AppError::BadRequest(format!(
                            "Filen {name} kunde inte tas emot: {}. Är filerna tillsammans större än {limit_mb} MB?",
                            e.body_text()
                        )));
                    }
                    Err(StreamError::Disk(e)) => {
                        return Err(AppError::Internal(format!("upload to disk: {e}")));
                    }
                }
            }
            _ => {}
        }
    }
    a.0.check_csrf(&csrf)?;
    if extra > 0 {
        return upload_page(
            &state,
            &a,
            &id,
            Vec::new(),
            format!(
                "För många filer: du valde {} filer, men högst {max_files} kan läsas in åt gången. Ingen fil lästes in. Dela upp filerna och läs in högst {max_files} i taget.",
                paths.len() + extra
            ),
        )
        .await
        .map(IntoResponse::into_response);
    }
    if paths.is_empty() {
        return upload_page(
            &state,
            &a,
            &id,
            Vec::new(),
            "Välj en eller flera filer först.".into(),
        )
        .await
        .map(IntoResponse::into_response);
    }
    // The files belong to the round of the page: a form for another round is refused, naming
    // both.
    let opts = nara_app::import::Options {
        actor: a.0.user.username.clone(),
        round: RoundId::parse(&id).ok(),
        ..Default::default()
    };
    let report =
        match nara_app::import::import_batch(state.store.as_ref(), &paths, &opts, &|_| {}).await {
            Ok(r) => r,
            Err(e) => {
                let m = user_err(e)?;
                return upload_page(&state, &a, &id, Vec::new(), m)
                    .await
                    .map(IntoResponse::into_response);
            }
        };
    drop(dir);
    let snap = crate::snap(&state).await?;
    let org_name = |code: &String| {
        OrgCode::parse(code)
            .ok()
            .and_then(|c| {
                snap.organisation(&c)
                    .map(|o| format!("{} ({code})", o.name))
            })
            .unwrap_or_else(|| code.clone())
    };
    let rows: Vec<UploadRow> = report
        .files
        .iter()
        .zip(&names)
        .map(|(f, name)| UploadRow {
            file: name.clone(),
            status: f.status.label().to_string(),
            rejected: f.status == nara_app::import::Status::Rejected,
            round: f.round.clone().unwrap_or_default(),
            what: [
                f.org.as_ref().map(org_name),
                f.unit.clone(),
                f.rater.clone().filter(|r| !r.is_empty()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
            index: f
                .scores
                .as_ref()
                .map(|s| s.no_index.clone().unwrap_or_else(|| fmt::index(s.overall)))
                .unwrap_or_default(),
            problems: f
                .problems
                .iter()
                .map(|p| {
                    (
                        p.sheet.clone().unwrap_or_default(),
                        p.cell.clone().unwrap_or_default(),
                        p.message.clone(),
                    )
                })
                .collect(),
        })
        .collect();
    use nara_app::import::Status as S;
    let summary = format!(
        "{} filer: {} inlästa, {} ersatta, {} oförändrade, {} avvisade.",
        report.files.len(),
        report.count(S::Imported),
        report.count(S::Replaced),
        report.count(S::Unchanged),
        report.count(S::Rejected)
    );
    upload_page(&state, &a, &id, rows, summary)
        .await
        .map(IntoResponse::into_response)
}

// ---------------------------------------------------------------- response tracking

/// One organisation on the tracking page.
pub struct TrackRow {
    /// Name and code.
    pub name: String,
    /// Its units: name, raters, when, from where.
    pub units: Vec<(String, String, String, String)>,
}

/// Svarsläge.
#[derive(Template)]
#[template(path = "tracking.html")]
pub struct TrackingPage {
    /// The frame.
    pub layout: Layout,
    /// The round.
    pub round: String,
    /// `11 av 16 organisationer, 48 enheter`.
    pub summary: String,
    /// The organisations that answered.
    pub answered: Vec<TrackRow>,
    /// Those that have not, one per line (to copy into a mail).
    pub missing: String,
    /// How many have not.
    pub missing_count: usize,
    /// Answers under way on the web: organisation, unit, rater, state (`ej påbörjad`,
    /// `utkast sparat …`), made by.
    pub web: Vec<(String, String, String, String, String)>,
}

/// Unix ms as a readable UTC time.
pub fn when(ms: i64) -> String {
    nara_app::exports::utc(ms)
}

/// `GET /omgangar/{round}/svarslage`.
pub async fn tracking(
    State(state): State<AppState>,
    a: Admin,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let rid = RoundId::parse(&id)
        .map_err(|_| AppError::NotFound(format!("Omgången {id} finns inte.")))?;
    let t = nara_app::report::response_tracking(state.store.as_ref(), rid).await?;
    let answered: Vec<TrackRow> = t
        .organisations
        .iter()
        .filter(|o| !o.units.is_empty())
        .map(|o| TrackRow {
            name: format!("{} ({})", o.name, o.code),
            units: o
                .units
                .iter()
                .map(|u| {
                    let raters = u
                        .raters
                        .iter()
                        .filter(|r| !r.is_empty())
                        .cloned()
                        .collect::<Vec<_>>();
                    let mut who = if raters.is_empty() {
                        "hela enheten".to_string()
                    } else {
                        raters.join(", ")
                    };
                    if u.consensus {
                        who.push_str(" + samsyn");
                    }
                    (
                        u.name.clone(),
                        who,
                        when(u.last_import),
                        u.sources.join(", "),
                    )
                })
                .collect(),
        })
        .collect();
    let missing: Vec<String> = t
        .missing()
        .map(|o| format!("{} ({})", o.name, o.code))
        .collect();
    let units: usize = answered.iter().map(|o| o.units.len()).sum();
    // Web answers not yet submitted: not started, or a draft saved.
    let names: std::collections::HashMap<String, String> = t
        .organisations
        .iter()
        .map(|o| (o.code.clone(), o.name.clone()))
        .collect();
    let web = t
        .web
        .iter()
        .map(|l| {
            (
                format!(
                    "{} ({})",
                    names.get(&l.org).cloned().unwrap_or_default(),
                    l.org
                ),
                l.unit.clone(),
                if l.consensus {
                    "samsyn".into()
                } else if l.rater.is_empty() {
                    "hela enheten".into()
                } else {
                    l.rater.clone()
                },
                l.saved_at.map_or_else(
                    || "ej påbörjad".to_string(),
                    |t| format!("utkast sparat {}", when(t)),
                ),
                l.created_by.clone(),
            )
        })
        .collect();
    let round = nara_app::rounds::get(state.store.as_ref(), rid).await?;
    let layout = round_layout(
        &state,
        &a,
        &round,
        &format!("Svarsläge {rid}"),
        vec![
            link("/omgangar", "Omgångar"),
            link(
                format!("/omgangar/{rid}/svarslage"),
                format!("Svarsläge {rid}"),
            ),
        ],
    )
    .await?;
    let page = TrackingPage {
        layout,
        round: rid.to_string(),
        summary: format!(
            "{} av {} organisationer har svarat, {units} enheter.",
            answered.len(),
            t.organisations.len()
        ),
        missing_count: missing.len(),
        missing: missing.join("\n"),
        answered,
        web,
    };
    Ok(Html(page.render()?))
}

// ---------------------------------------------------------------- users

/// The accounts page.
#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    /// The frame.
    pub layout: Layout,
    /// The accounts: name, role label, role code, org, active.
    pub users: Vec<(String, String, String, String, bool)>,
    /// Organisations for the select: code, name.
    pub orgs: Vec<(String, String)>,
    /// What just happened (a new password is shown here once).
    pub notice: String,
    /// What went wrong.
    pub error: String,
    /// The CSRF token.
    pub csrf: String,
}

fn role_label(r: Role) -> &'static str {
    match r {
        Role::Admin => "samordnare",
        Role::Respondent => "respondent",
        Role::Reader => "läsare",
    }
}

async fn users_page(
    state: &AppState,
    a: &Admin,
    notice: String,
    error: String,
) -> AppResult<Html<String>> {
    let s = state.store.as_ref();
    let users = nara_app::users::list(s)
        .await?
        .into_iter()
        .map(|u| {
            (
                u.username,
                role_label(u.role).to_string(),
                u.role.code().to_string(),
                u.org.map(|o| o.to_string()).unwrap_or_default(),
                !u.disabled,
            )
        })
        .collect();
    let orgs = s
        .organisations()
        .await?
        .into_iter()
        .map(|o| (o.code.to_string(), o.name))
        .collect();
    let layout = layout(state, a, "Konton", vec![link("/admin/anvandare", "Konton")]).await?;
    Ok(Html(
        UsersPage {
            layout,
            users,
            orgs,
            notice,
            error,
            csrf: a.0.csrf.clone(),
        }
        .render()?,
    ))
}

/// `GET /admin/anvandare`.
pub async fn users(State(state): State<AppState>, a: Admin) -> AppResult<Html<String>> {
    users_page(&state, &a, String::new(), String::new()).await
}

/// A change to accounts.
#[derive(Deserialize)]
pub struct UserForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /admin/anvandare`: add, reset password, disable, enable, set role.
pub async fn user_action(
    State(state): State<AppState>,
    a: Admin,
    Form(f): Form<UserForm>,
) -> AppResult<Html<String>> {
    a.0.check_csrf(&f.csrf)?;
    let s = state.store.as_ref();
    let me = a.0.user.username.clone();
    let org = if f.org.trim().is_empty() {
        None
    } else {
        OrgCode::parse(&f.org).ok()
    };
    let role = Role::parse(&f.role);
    // The account acted on, by id: the name as typed may differ in case or spaces.
    let me_id = a.0.user.id;
    let outcome: Result<String, nara_app::Error> = async {
        match f.action.as_str() {
            "add" => {
                let role = role.ok_or_else(|| nara_app::Error::User("Välj en roll.".into()))?;
                let pw = nara_app::users::random_password()?;
                let u = nara_app::users::add(s, &f.username, &pw, role, org.as_ref(), &me).await?;
                Ok(format!("Kontot {} är skapat. Lösenord: {pw} (visas bara nu; lämna det på ett säkert sätt).", u.username))
            }
            "password" => {
                let target = nara_app::users::get(s, &f.username).await?;
                let pw = nara_app::users::random_password()?;
                nara_app::users::set_password(s, &target.username, &pw, &me).await?;
                // A reset unlocks the account.
                state.limiter.forget_user(target.id);
                Ok(format!("Nytt lösenord för {}: {pw} (visas bara nu).", target.username))
            }
            "disable" | "enable" => {
                let target = nara_app::users::get(s, &f.username).await?;
                if target.id == me_id {
                    return Err(nara_app::Error::User("Du kan inte stänga av ditt eget konto.".into()));
                }
                let disable = f.action == "disable";
                nara_app::users::set_disabled(s, &target.username, disable, &me).await?;
                if !disable {
                    // Enabling unlocks the account.
                    state.limiter.forget_user(target.id);
                }
                Ok(format!("Kontot {} är {}.", target.username, if disable { "avstängt" } else { "aktivt igen" }))
            }
            "role" => {
                let role = role.ok_or_else(|| nara_app::Error::User("Välj en roll.".into()))?;
                let target = nara_app::users::get(s, &f.username).await?;
                if target.id == me_id && role != Role::Admin {
                    return Err(nara_app::Error::User("Du kan inte ta bort din egen samordnarroll.".into()));
                }
                nara_app::users::set_role(s, &target.username, role, org.as_ref(), &me).await?;
                Ok(format!("{} är nu {}.", target.username, role_label(role)))
            }
            _ => Err(nara_app::Error::User("Okänd åtgärd.".into())),
        }
    }
    .await;
    match outcome {
        Ok(notice) => users_page(&state, &a, notice, String::new()).await,
        Err(e) => {
            let m = user_err(e)?;
            users_page(&state, &a, String::new(), m).await
        }
    }
}

// ---------------------------------------------------------------- audit log

/// The audit log page.
#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    /// The frame.
    pub layout: Layout,
    /// The entries: when, who, what, on what, details.
    pub rows: Vec<(String, String, String, String, String)>,
    /// The actions to filter by, and whether each is selected.
    pub actions: Vec<(String, bool)>,
}

/// The filter.
#[derive(Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    handling: String,
}

/// `GET /admin/logg?handling=import`.
pub async fn audit(
    State(state): State<AppState>,
    a: Admin,
    Query(q): Query<AuditQuery>,
) -> AppResult<Html<String>> {
    let s = state.store.as_ref();
    let filter = (!q.handling.is_empty()).then_some(q.handling.as_str());
    let rows = s
        .audit_log(500, filter)
        .await?
        .into_iter()
        .map(|e| (when(e.at), e.actor, e.action, e.subject, e.details))
        .collect();
    let mut actions: Vec<String> = s
        .audit_log(5000, None)
        .await?
        .into_iter()
        .map(|e| e.action)
        .collect();
    actions.sort();
    actions.dedup();
    let actions = actions
        .into_iter()
        .map(|x| {
            let sel = x == q.handling;
            (x, sel)
        })
        .collect();
    let layout = layout(
        &state,
        &a,
        "Händelselogg",
        vec![link("/admin/logg", "Händelselogg")],
    )
    .await?;
    Ok(Html(
        AuditPage {
            layout,
            rows,
            actions,
        }
        .render()?,
    ))
}

// ---------------------------------------------------------------- instrument

/// The instrument page: upload, preview, store.
#[derive(Template)]
#[template(path = "instrument.html")]
pub struct InstrumentPage {
    /// The frame.
    pub layout: Layout,
    /// Stored instruments: id, version, name, statements.
    pub stored: Vec<(String, String, String, usize)>,
    /// The previewed instrument, if any.
    pub preview: Option<Instrument>,
    /// Its TOML (sent back with "store").
    pub toml: String,
    /// Problems with the uploaded file.
    pub error: String,
    /// What just happened.
    pub notice: String,
    /// The CSRF token.
    pub csrf: String,
}

async fn instrument_page(
    state: &AppState,
    a: &Admin,
    preview: Option<Instrument>,
    toml: String,
    error: String,
    notice: String,
) -> AppResult<Html<String>> {
    let stored = state
        .store
        .instruments()
        .await?
        .into_iter()
        .map(|i| {
            let n = i.statement_count();
            (i.id, i.version, i.name, n)
        })
        .collect();
    let layout = layout(
        state,
        a,
        "Instrument",
        vec![link("/admin/instrument", "Instrument")],
    )
    .await?;
    Ok(Html(
        InstrumentPage {
            layout,
            stored,
            preview,
            toml,
            error,
            notice,
            csrf: a.0.csrf.clone(),
        }
        .render()?,
    ))
}

/// `GET /admin/instrument`.
pub async fn instrument(State(state): State<AppState>, a: Admin) -> AppResult<Html<String>> {
    instrument_page(
        &state,
        &a,
        None,
        String::new(),
        String::new(),
        String::new(),
    )
    .await
}

/// `POST /admin/instrument` (multipart): `steg=granska` with a file previews it; `steg=spara` with
/// the previewed TOML stores it as a new version.
pub async fn instrument_post(
    State(state): State<AppState>,
    a: Admin,
    mut mp: Multipart,
) -> AppResult<Html<String>> {
    let (mut csrf, mut step, mut toml) = (String::new(), String::new(), String::new());
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("steg") => step = field.text().await.unwrap_or_default(),
            Some("fil") | Some("toml") => {
                let bytes = field.bytes().await.unwrap_or_default();
                if !bytes.is_empty() {
                    if bytes.len() > 1024 * 1024 {
                        return instrument_page(
                            &state,
                            &a,
                            None,
                            String::new(),
                            "Filen är större än 1 MB; ett instrument är en liten textfil (TOML)."
                                .into(),
                            String::new(),
                        )
                        .await;
                    }
                    toml = match String::from_utf8(bytes.to_vec()) {
                        Ok(t) => t,
                        Err(_) => {
                            return instrument_page(
                                &state,
                                &a,
                                None,
                                String::new(),
                                "Filen är inte text (UTF-8). Ett instrument är en TOML-fil.".into(),
                                String::new(),
                            )
                            .await;
                        }
                    };
                }
            }
            _ => {}
        }
    }
    a.0.check_csrf(&csrf)?;
    if toml.trim().is_empty() {
        return instrument_page(
            &state,
            &a,
            None,
            String::new(),
            "Välj en instrumentfil (.toml).".into(),
            String::new(),
        )
        .await;
    }
    let inst = match Instrument::from_toml(&toml) {
        Ok(i) => i,
        Err(e) => {
            return instrument_page(
                &state,
                &a,
                None,
                String::new(),
                e.to_string(),
                String::new(),
            )
            .await;
        }
    };
    if step == "spara" {
        let exists = state
            .store
            .instruments()
            .await?
            .iter()
            .any(|i| i.id == inst.id && i.version == inst.version);
        if exists {
            return instrument_page(&state, &a, None, String::new(), format!("Instrumentet {} version {} finns redan. Ge den nya versionen ett nytt versionsnummer.", inst.id, inst.version), String::new()).await;
        }
        // Stored by the same function as `nara instrument import`.
        let inst =
            nara_app::import_instrument(state.store.as_ref(), &toml, &a.0.user.username).await?;
        let notice = format!(
            "{} version {} är sparat och kan väljas för nya omgångar.",
            inst.name, inst.version
        );
        return instrument_page(&state, &a, None, String::new(), String::new(), notice).await;
    }
    instrument_page(&state, &a, Some(inst), toml, String::new(), String::new()).await
}
