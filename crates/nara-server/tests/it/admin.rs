//! The coordinator's actions in the browser: rounds, upload, response tracking, accounts, audit
//! log, instrument; and that nobody else can do them.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use nara_core::{Answer, AnswerSet, Instrument, RoundId, RoundStatus};

use crate::support::{Client, Resp, download_text, world};

const BOUNDARY: &str = "----nara-test-boundary";

pub fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, data) in fields {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub async fn post_multipart(
    c: &mut Client<'_>,
    path: &str,
    fields: &[(&str, Option<&str>, &[u8])],
) -> Resp {
    c.send(
        Request::post(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(multipart(fields)))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn only_the_coordinator_can_act() {
    let w = world().await;
    let routes_get = [
        "/admin/anvandare",
        "/admin/logg",
        "/admin/logg.csv",
        "/admin/instrument",
        "/omgangar/2026/svarslage",
        "/omgangar/2026/inlasning",
        "/omgangar/2026/blanketter.zip",
    ];
    for user in ["resp", "reader"] {
        let mut c = Client::new(&w);
        c.sign_in(user).await;
        let token = Client::csrf(&c.get("/omgangar").await.body);
        for p in routes_get {
            assert_eq!(
                c.get(p).await.status,
                StatusCode::FORBIDDEN,
                "{user} GET {p}"
            );
        }
        for (p, form) in [
            ("/omgangar", vec![("id", "2030"), ("csrf", token.as_str())]),
            (
                "/omgangar/2026/status",
                vec![("to", "closed"), ("csrf", token.as_str())],
            ),
            (
                "/admin/anvandare",
                vec![
                    ("action", "add"),
                    ("username", "x"),
                    ("role", "admin"),
                    ("csrf", token.as_str()),
                ],
            ),
        ] {
            assert_eq!(
                c.post(p, &form).await.status,
                StatusCode::FORBIDDEN,
                "{user} POST {p}"
            );
        }
        let up = post_multipart(
            &mut c,
            "/omgangar/2026/inlasning",
            &[("csrf", None, token.as_bytes())],
        )
        .await;
        assert_eq!(up.status, StatusCode::FORBIDDEN, "{user} upload");
    }
    // Nothing changed.
    assert!(
        w.store
            .rounds()
            .await
            .unwrap()
            .iter()
            .all(|r| r.id.to_string() != "2030")
    );
    assert_eq!(
        nara_app::users::list(w.store.as_ref()).await.unwrap().len(),
        3
    );
    let mut admin = Client::new(&w);
    admin.sign_in("admin").await;
    for p in routes_get {
        assert_eq!(admin.get(p).await.status, StatusCode::OK, "admin GET {p}");
    }
}

#[tokio::test]
async fn the_coordinator_runs_a_round_from_the_browser() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let page = c.get("/omgangar").await;
    assert!(page.body.contains("Ny omgång") && page.body.contains("Skapa omgången"));
    let token = Client::csrf(&page.body);
    // Without the token: refused, nothing created.
    assert_eq!(
        c.post("/omgangar", &[("id", "2027")]).await.status,
        StatusCode::BAD_REQUEST
    );
    // A bad id and a bad date: Swedish messages beside the form.
    let bad = c
        .post("/omgangar", &[("id", "tjugotjugosju"), ("csrf", &token)])
        .await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(
        bad.body.contains("Omgång:") && bad.body.contains("aria-invalid=\"true\""),
        "{}",
        bad.body
    );
    let bad = c
        .post(
            "/omgangar",
            &[("id", "2027"), ("opens", "31/12"), ("csrf", &token)],
        )
        .await;
    assert!(bad.body.contains("ÅÅÅÅ-MM-DD"));
    let ok = c
        .post(
            "/omgangar",
            &[
                ("id", "2027"),
                ("opens", "2027-02-01"),
                ("closes", "2027-03-31"),
                ("instrument", "dalarna-gnv@2026.1"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{:?}", ok.headers);
    let list = c.get(ok.location()).await.body;
    assert!(
        list.contains("Omgången 2027 är skapad som utkast"),
        "{list}"
    );
    assert!(list.contains("Öppna för svar"));
    let dup = c
        .post("/omgangar", &[("id", "2027"), ("csrf", &token)])
        .await;
    assert!(dup.body.contains("finns redan"));
    // draft → published is not a step; draft → open is.
    let wrong = c
        .post(
            "/omgangar/2027/status",
            &[("to", "published"), ("csrf", &token)],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::OK);
    assert!(wrong.body.contains("class=\"error\""), "{}", wrong.body);
    // The first step only asks; the confirmation opens it.
    let asked = c
        .post("/omgangar/2027/status", &[("to", "open"), ("csrf", &token)])
        .await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(asked.body.contains("Öppna omgång 2027 för svar?"));
    let opened = c
        .post(
            "/omgangar/2027/status",
            &[("to", "open"), ("csrf", &token), ("bekrafta", "ja")],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    let r = nara_app::rounds::get(w.store.as_ref(), RoundId::parse("2027").unwrap())
        .await
        .unwrap();
    assert_eq!(r.status, RoundStatus::Open);
    // Every blank form in one zip.
    let zip = c.get("/omgangar/2027/blanketter.zip").await;
    assert_eq!(zip.status, StatusCode::OK);
    assert!(zip.body.starts_with("PK"));
    assert_eq!(
        zip.body.matches("blankett-2027-").count() / 2,
        16,
        "16 forms (names in the local and central headers)"
    );
    // The audit log shows it.
    let log = c.get("/admin/logg?handling=round.open").await.body;
    assert!(log.contains("2027") && log.contains("admin"));
}

fn filled(org: &str, unit: &str, level: u8) -> Vec<u8> {
    let inst = Instrument::dalarna();
    let orgs = nara_core::Organisations::dalarna();
    let org = orgs
        .organisations
        .iter()
        .find(|o| o.code.as_str() == org)
        .unwrap();
    let round = nara_core::Round {
        id: RoundId::parse("2026").unwrap(),
        instrument_id: inst.id().to_string(),
        instrument_version: inst.version().to_string(),
        status: RoundStatus::Open,
        opens: None,
        closes: None,
    };
    let mut set = AnswerSet::default();
    for (_, s) in inst.statements() {
        set.answers.insert(s.id.clone(), Answer::Level(level));
    }
    let f = nara_excel::Filled {
        unit: unit.into(),
        answers: set,
        ..Default::default()
    };
    nara_excel::write_filled_form(
        &nara_excel::FormSpec {
            instrument: &inst,
            org,
            round: &round,
            send_to: None,
        },
        &f,
    )
    .unwrap()
}

#[tokio::test]
async fn an_upload_of_good_broken_and_hostile_files_reports_each_and_stores_only_the_good() {
    upload_mixed_batch(world().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_upload_on_postgres() {
    if let Some(w) = crate::support::world_on_postgres().await {
        upload_mixed_batch(w).await;
    }
}

async fn upload_mixed_batch(w: crate::support::World) {
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let page = c.get("/omgangar/2026/inlasning").await;
    assert!(page.body.contains("multiple") && page.body.contains("multipart/form-data"));
    let token = Client::csrf(&page.body);
    let round = RoundId::parse("2026").unwrap();
    let before = w.store.responses(round).await.unwrap().len();
    let good = filled("2080", "Webbenheten", 3);
    let dup_ids = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/forms/fel-2062-dubbla-id.xlsx"
    ))
    .unwrap();
    // A zip whose one entry claims to inflate to far more than the limit.
    let bomb = {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        z.start_file(
            "xl/worksheets/sheet1.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        let zeros = vec![b' '; 1024 * 1024];
        for _ in 0..200 {
            z.write_all(&zeros).unwrap();
        }
        z.finish().unwrap().into_inner()
    };
    let r = post_multipart(
        &mut c,
        "/omgangar/2026/inlasning",
        &[
            ("csrf", None, token.as_bytes()),
            ("filer", Some("falun-webb.xlsx"), &good),
            ("filer", Some("dubbla.xlsx"), &dup_ids),
            (
                "filer",
                Some("slump.xlsx"),
                b"\x00\x01 detta ar inte ett kalkylblad",
            ),
            ("filer", Some("bomb.xlsx"), &bomb),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let b = &r.body;
    assert!(
        b.contains("4 filer: 1 inlästa, 0 ersatta, 0 oförändrade, 3 avvisade."),
        "{b}"
    );
    for name in ["falun-webb.xlsx", "dubbla.xlsx", "slump.xlsx", "bomb.xlsx"] {
        assert!(b.contains(name), "{name}");
    }
    assert!(
        b.contains("Blad1 C41: Påståendet D1.1 finns två gånger"),
        "problems name sheet and cell: {b}"
    );
    assert!(b.contains("misstänkt skadlig") && b.contains("inget kalkylark"));
    // Each rejected file has an e-mail text to copy with its problems; a stored one has none.
    assert_eq!(b.matches("E-posttext till avsändaren").count(), 3, "{b}");
    let mail = b
        .split("Blanketten dubbla.xlsx kunde inte läsas in")
        .nth(1)
        .unwrap();
    let mail = mail.split("</textarea>").next().unwrap();
    assert!(
        mail.contains("- Blad1 C41: Påståendet D1.1 finns två gånger"),
        "{mail}"
    );
    assert!(!b.contains("Blanketten falun-webb.xlsx kunde inte"));
    assert_eq!(
        w.store.responses(round).await.unwrap().len(),
        before + 1,
        "only the good file was stored"
    );
    // The same file again is unchanged.
    let again = post_multipart(
        &mut c,
        "/omgangar/2026/inlasning",
        &[
            ("csrf", None, token.as_bytes()),
            ("filer", Some("falun-webb.xlsx"), &good),
        ],
    )
    .await;
    assert!(
        again
            .body
            .contains("1 filer: 0 inlästa, 0 ersatta, 1 oförändrade, 0 avvisade."),
        "{}",
        again.body
    );
    // Without the token nothing is read.
    let forged = post_multipart(
        &mut c,
        "/omgangar/2026/inlasning",
        &[("filer", Some("x.xlsx"), &filled("2062", "Smyg", 1))],
    )
    .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert_eq!(w.store.responses(round).await.unwrap().len(), before + 1);
    // The response tracking shows the new unit and where it came from.
    let t = c.get("/omgangar/2026/svarslage").await.body;
    assert!(
        t.contains("Webbenheten") && t.contains("falun-webb.xlsx"),
        "{t}"
    );
    let rep = crate::support::report(&w.store, "2026").await;
    for n in &rep.not_answered {
        assert!(t.contains(&format!("{} (kod {})", n.name, n.id)));
    }
}

#[tokio::test]
async fn accounts_are_managed_in_the_browser() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let token = Client::csrf(&c.get("/admin/anvandare").await.body);
    let r = c
        .post(
            "/admin/anvandare",
            &[
                ("action", "add"),
                ("username", "mora"),
                ("role", "respondent"),
                ("org", "2062"),
                ("csrf", &token),
            ],
        )
        .await;
    assert!(
        r.body.contains("Kontot mora är skapat. Lösenord: "),
        "{}",
        r.body
    );
    let pw = r
        .body
        .split("Lösenord: ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let mut mora = Client::new(&w);
    assert_eq!(
        mora.sign_in_with("mora", &pw).await.status,
        StatusCode::SEE_OTHER
    );
    // A respondent without an organisation: a Swedish error, nothing created.
    let r = c
        .post(
            "/admin/anvandare",
            &[
                ("action", "add"),
                ("username", "x"),
                ("role", "respondent"),
                ("csrf", &token),
            ],
        )
        .await;
    assert!(r.body.contains("organisation") && r.body.contains("class=\"error\""));
    assert!(w.store.user_by_name("x").await.unwrap().is_none());
    // A new role ends the sessions.
    c.post(
        "/admin/anvandare",
        &[
            ("action", "role"),
            ("username", "mora"),
            ("role", "reader"),
            ("csrf", &token),
        ],
    )
    .await;
    assert_eq!(mora.get("/omgangar").await.location(), "/logga-in");
    assert_eq!(
        w.store.user_by_name("mora").await.unwrap().unwrap().role,
        nara_store::Role::Reader
    );
    // Reset password and disable.
    let r = c
        .post(
            "/admin/anvandare",
            &[
                ("action", "password"),
                ("username", "mora"),
                ("csrf", &token),
            ],
        )
        .await;
    assert!(r.body.contains("Nytt lösenord för mora"));
    c.post(
        "/admin/anvandare",
        &[
            ("action", "disable"),
            ("username", "mora"),
            ("csrf", &token),
        ],
    )
    .await;
    assert!(
        w.store
            .user_by_name("mora")
            .await
            .unwrap()
            .unwrap()
            .disabled
    );
    let me = c
        .post(
            "/admin/anvandare",
            &[
                ("action", "disable"),
                ("username", "admin"),
                ("csrf", &token),
            ],
        )
        .await;
    assert!(me.body.contains("ditt eget konto"));
    let log = c.get("/admin/logg").await.body;
    assert!(log.contains("user.add") && log.contains("user.role") && log.contains("user.disable"));
}

#[tokio::test]
async fn an_instrument_is_validated_previewed_and_stored() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let token = Client::csrf(&c.get("/admin/instrument").await.body);
    let bad = post_multipart(
        &mut c,
        "/admin/instrument",
        &[
            ("csrf", None, token.as_bytes()),
            ("steg", None, b"granska"),
            ("fil", Some("fel.toml"), b"id = \"x\"\nversion = 1\n"),
        ],
    )
    .await;
    assert!(bad.body.contains("class=\"error\""), "{}", bad.body);
    let toml = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/instruments/fyrbodal-personal.toml"
    ))
    .unwrap();
    let inst = Instrument::from_toml(std::str::from_utf8(&toml).unwrap()).unwrap();
    let preview = post_multipart(
        &mut c,
        "/admin/instrument",
        &[
            ("csrf", None, token.as_bytes()),
            ("steg", None, b"granska"),
            ("fil", Some("fyrbodal.toml"), &toml),
        ],
    )
    .await;
    assert!(preview.body.contains("Förhandsgranskning"));
    for (_, s) in inst.statements() {
        assert!(preview.body.contains(s.id.as_str()));
    }
    assert!(
        w.store
            .instruments()
            .await
            .unwrap()
            .iter()
            .all(|i| i.id() != inst.id()),
        "a preview stores nothing"
    );
    let saved = post_multipart(
        &mut c,
        "/admin/instrument",
        &[
            ("csrf", None, token.as_bytes()),
            ("steg", None, b"spara"),
            ("toml", None, &toml),
        ],
    )
    .await;
    assert!(saved.body.contains("är sparat"), "{}", saved.body);
    assert!(
        w.store
            .instruments()
            .await
            .unwrap()
            .iter()
            .any(|i| i.id() == inst.id())
    );
    let again = post_multipart(
        &mut c,
        "/admin/instrument",
        &[
            ("csrf", None, token.as_bytes()),
            ("steg", None, b"spara"),
            ("toml", None, &toml),
        ],
    )
    .await;
    assert!(again.body.contains("finns redan"));
    // It can be chosen for a new round.
    assert!(
        c.get("/omgangar")
            .await
            .body
            .contains(&format!("{}@{}", inst.id(), inst.version()))
    );
}

#[tokio::test]
async fn the_coordinator_cannot_disable_or_demote_themself_by_another_spelling() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let token = Client::csrf(&c.get("/admin/anvandare").await.body);
    for name in ["ADMIN", " admin ", "Admin", "admin"] {
        let r = c
            .post(
                "/admin/anvandare",
                &[("action", "disable"), ("username", name), ("csrf", &token)],
            )
            .await;
        assert!(r.body.contains("ditt eget konto"), "{name:?}: {}", r.body);
        let r = c
            .post(
                "/admin/anvandare",
                &[
                    ("action", "role"),
                    ("username", name),
                    ("role", "reader"),
                    ("csrf", &token),
                ],
            )
            .await;
        assert!(
            r.body.contains("din egen samordnarroll"),
            "{name:?}: {}",
            r.body
        );
    }
    let me = w.store.user_by_name("admin").await.unwrap().unwrap();
    assert!(!me.disabled);
    assert_eq!(me.role, nara_store::Role::Admin);
    // Still signed in and still the coordinator.
    assert_eq!(c.get("/admin/anvandare").await.status, StatusCode::OK);
    // Another account spelt in capitals is found and acted on.
    let r = c
        .post(
            "/admin/anvandare",
            &[
                ("action", "disable"),
                ("username", " READER "),
                ("csrf", &token),
            ],
        )
        .await;
    assert!(r.body.contains("Kontot reader är avstängt"), "{}", r.body);
}

/// The cookies of a signed-in client, as one `Cookie` header value.
fn cookie_header(c: &Client<'_>) -> String {
    c.cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Each upload gets its own private folder (0700, files 0600), every file is written there as
/// it arrives (it is on disk before the request has ended), a file over the small body limit is
/// taken, and the folder is gone when the answer comes.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_streams_into_a_private_folder_that_is_removed() {
    use std::os::unix::fs::PermissionsExt;
    use tokio::io::AsyncWriteExt;
    let updir = tempfile::tempdir().unwrap();
    let config = nara_server::Config {
        upload_dir: Some(updir.path().to_path_buf()),
        ..Default::default()
    };
    let w = crate::support::world_with(config.clone()).await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let token = Client::csrf(&c.get("/omgangar/2026/inlasning").await.body);
    let round = RoundId::parse("2026").unwrap();
    let before = w.store.responses(round).await.unwrap().len();
    let good = filled("2080", "Strömenheten", 2);
    let junk = vec![b'x'; 300 * 1024];
    let body = multipart(&[
        ("csrf", None, token.as_bytes()),
        ("filer", Some("stor.xlsx"), &junk),
        ("filer", Some("strom.xlsx"), &good),
    ]);
    // Everything up to the middle of the second file now, the rest later.
    let cut = body.len() - good.len() / 2;
    let server = crate::transport::live(w.store.clone(), config).await;
    let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    s.write_all(
        format!(
            "POST /omgangar/2026/inlasning HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n",
            cookie_header(&c),
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    s.write_all(&body[..cut]).await.unwrap();
    // The folder and the first file, whole, and part of the second, while the request is open.
    let t = std::time::Instant::now();
    let (folder, files) = loop {
        let dirs: Vec<_> = std::fs::read_dir(updir.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        if let [d] = dirs.as_slice() {
            let mut files: Vec<(String, u64, u32)> = std::fs::read_dir(d)
                .unwrap()
                .flatten()
                .map(|e| {
                    let m = e.metadata().unwrap();
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        m.len(),
                        m.permissions().mode() & 0o777,
                    )
                })
                .collect();
            files.sort();
            if files.len() == 2 && files[1].1 >= (good.len() / 2 - 200) as u64 {
                break (d.clone(), files);
            }
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "no streamed files in {dirs:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let name = folder.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("nara-upload-"), "{name}");
    let mode = std::fs::metadata(&folder).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "the upload folder is private: {mode:o}");
    assert_eq!(files[0].0, "0000-stor.xlsx");
    assert_eq!(files[0].1, junk.len() as u64);
    assert!(
        files[1].1 < good.len() as u64,
        "the second file is still coming"
    );
    for (f, _, m) in &files {
        assert_eq!(*m, 0o600, "{f}: {m:o}");
    }
    s.write_all(&body[cut..]).await.unwrap();
    let resp = crate::transport::read_response(&mut s, std::time::Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(crate::transport::status(&resp), 200, "{resp}");
    assert!(
        resp.contains("2 filer: 1 inlästa, 0 ersatta, 0 oförändrade, 1 avvisade."),
        "{resp}"
    );
    assert_eq!(w.store.responses(round).await.unwrap().len(), before + 1);
    assert!(!folder.exists(), "the upload folder is removed");
    assert_eq!(std::fs::read_dir(updir.path()).unwrap().count(), 0);
    server.stop().await;
}

/// Upload folders left by a server that was killed are removed when the next one starts; a
/// running process's folder, other names, plain files and links are left alone.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_folders_left_by_a_crash_are_removed_at_start() {
    let updir = tempfile::tempdir().unwrap();
    let p = updir.path();
    let mk = |name: &str| {
        let d = p.join(name);
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join("0000-blankett.xlsx"), b"PK").unwrap();
        d
    };
    // A process id above the largest Linux allows: no such process runs.
    let dead = mk("nara-upload-4194305-a1b2c3");
    let dead2 = mk("nara-upload-4194399-zz");
    let init = mk("nara-upload-1-a1b2c3");
    let own = mk(&format!("nara-upload-{}-a1b2c3", std::process::id()));
    let other = mk("annat");
    std::fs::write(p.join("nara-upload-4194306-fil"), b"en fil").unwrap();
    let target = mk("mal");
    std::os::unix::fs::symlink(&target, p.join("nara-upload-4194307-lank")).unwrap();
    let (store, _db) = nara_store::testing::sqlite().await;
    let server = crate::transport::live(
        store,
        nara_server::Config {
            upload_dir: Some(p.to_path_buf()),
            ..Default::default()
        },
    )
    .await;
    // Once it answers, it has started.
    let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(
        &mut s,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await
    .unwrap();
    crate::transport::read_response(&mut s, std::time::Duration::from_secs(5))
        .await
        .unwrap();
    assert!(!dead.exists() && !dead2.exists(), "left by a dead process");
    for kept in [&init, &own, &other, &target] {
        assert!(kept.join("0000-blankett.xlsx").exists(), "{kept:?}");
    }
    assert!(p.join("nara-upload-4194306-fil").exists());
    assert!(p.join("nara-upload-4194307-lank").exists());
    server.stop().await;
}

/// More files than an upload takes: the page says so in Swedish, and nothing is read.
#[tokio::test]
async fn too_many_files_in_one_upload_are_refused_clearly() {
    let w = crate::support::world_with(nara_server::Config {
        max_upload_files: 3,
        ..Default::default()
    })
    .await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let page = c.get("/omgangar/2026/inlasning").await;
    assert!(page.body.contains("Högst 3 filer"), "{}", page.body);
    let token = Client::csrf(&page.body);
    let round = RoundId::parse("2026").unwrap();
    let before = w.store.responses(round).await.unwrap().len();
    let forms: Vec<(String, Vec<u8>)> = (0..5)
        .map(|i| {
            (
                format!("enhet-{i}.xlsx"),
                filled("2080", &format!("Enhet {i}"), 3),
            )
        })
        .collect();
    let mut fields: Vec<(&str, Option<&str>, &[u8])> = vec![("csrf", None, token.as_bytes())];
    for (name, bytes) in &forms {
        fields.push(("filer", Some(name.as_str()), bytes.as_slice()));
    }
    let r = post_multipart(&mut c, "/omgangar/2026/inlasning", &fields).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains("För många filer: du valde 5 filer, men högst 3 kan läsas in åt gången. Ingen fil lästes in."),
        "{}",
        r.body
    );
    assert_eq!(w.store.responses(round).await.unwrap().len(), before);
    // Three at once are read.
    let r = post_multipart(&mut c, "/omgangar/2026/inlasning", &fields[..4]).await;
    assert!(r.body.contains("3 filer: 3 inlästa"), "{}", r.body);
}

/// Right-to-left overrides, isolates, zero-width and other invisible characters are taken out of
/// uploaded file names before they are shown (and stored).
#[tokio::test]
async fn uploaded_file_names_lose_bidi_and_invisible_characters() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let token = Client::csrf(&c.get("/omgangar/2026/inlasning").await.body);
    let hostile = [
        "faktura\u{202E}xslx.exe",
        "\u{2066}dold\u{2069}\u{200B}namn\u{200F}.xlsx",
        "\u{FEFF}bom\u{061C}\u{2028}.xlsx",
        "\u{202A}\u{202B}\u{202C}\u{202D}\u{2067}\u{2068}",
    ];
    let mut fields: Vec<(&str, Option<&str>, &[u8])> = vec![("csrf", None, token.as_bytes())];
    for name in &hostile {
        fields.push(("filer", Some(name), b"inte ett kalkylblad"));
    }
    let r = post_multipart(&mut c, "/omgangar/2026/inlasning", &fields).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for shown in ["fakturaxslx.exe", "doldnamn.xlsx", "bom.xlsx", "fil-4"] {
        assert!(r.body.contains(shown), "{shown}: {}", r.body);
    }
    for c in [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}', '\u{200B}', '\u{200F}', '\u{FEFF}', '\u{061C}', '\u{2028}',
    ] {
        assert!(!r.body.contains(c), "U+{:04X} is on the page", c as u32);
    }
}

#[tokio::test]
async fn a_form_uploaded_on_another_rounds_page_is_refused_naming_both() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let token = Client::csrf(&c.get("/omgangar").await.body);
    c.post("/omgangar", &[("id", "2027"), ("csrf", &token)])
        .await;
    c.post(
        "/omgangar/2027/status",
        &[("to", "open"), ("csrf", &token), ("bekrafta", "ja")],
    )
    .await;
    let before = w
        .store
        .responses(RoundId::parse("2026").unwrap())
        .await
        .unwrap()
        .len();
    // A 2026 form on the 2027 page, both rounds open.
    let form = filled("2080", "Fel omgång", 3);
    let r = post_multipart(
        &mut c,
        "/omgangar/2027/inlasning",
        &[
            ("csrf", None, token.as_bytes()),
            ("filer", Some("falun-2026.xlsx"), &form),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains("Blanketten gäller omgång 2026, men den lästes in för omgång 2027"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains(r#"<a href="/omgangar/2026/inlasning">2026"#),
        "the round of the refused file is shown, with the way to its own page"
    );
    assert!(
        r.body.contains("Falun (kod 2080) · Fel omgång"),
        "organisation by name, and the unit"
    );
    for id in ["2026", "2027"] {
        let n = w
            .store
            .responses(RoundId::parse(id).unwrap())
            .await
            .unwrap()
            .len();
        assert_eq!(
            n,
            if id == "2026" { before } else { 0 },
            "nothing stored in {id}"
        );
    }
    // On its own round's page it goes in.
    let r = post_multipart(
        &mut c,
        "/omgangar/2026/inlasning",
        &[
            ("csrf", None, token.as_bytes()),
            ("filer", Some("falun-2026.xlsx"), &form),
        ],
    )
    .await;
    assert!(
        r.body.contains("1 inlästa") || r.body.contains("inläst"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn the_audit_log_names_events_in_swedish_and_pages_filters_and_exports() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let first = c.get("/admin/logg").await;
    assert_eq!(first.status, StatusCode::OK);
    let b = &first.body;
    assert!(
        b.contains("Blankett inläst") && b.contains("Omgång öppnad"),
        "{b}"
    );
    assert_eq!(b.matches("<tr><td>").count(), 100, "a page of 100");
    // The next page starts where this one ended, and holds other entries.
    let older = b
        .split("href=\"")
        .find(|x| x.starts_with("/admin/logg?fore="))
        .map(|x| x.split('"').next().unwrap().replace("&amp;", "&"))
        .expect("a link to older entries");
    let second = c.get(&older).await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(second.body.contains("Äldre händelser, nyast först"));
    assert!(second.body.contains("Till de senaste"));
    // By event, and by days in Swedish local time: none before the demo's day, all on it.
    let opened = c.get("/admin/logg?handling=round.open").await.body;
    assert!(!opened.contains("Blankett inläst</td>") && !opened.contains("Blankett inläst <span"));
    let before = c.get("/admin/logg?till=2000-01-01").await.body;
    assert!(before.contains("Inga händelser i urvalet"), "{before}");
    let bad = c.get("/admin/logg?fran=igår").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body.contains("Från ”igår” är inget datum"),
        "{}",
        bad.body
    );
    // The same selection as CSV: every entry, Swedish names beside the codes.
    let csv = c.get("/admin/logg.csv?handling=round.open").await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = download_text(csv.body.as_bytes());
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("\"Händelse\";\"Kod\""), "{}", lines[0]);
    assert!(
        lines.len() > 1
            && lines[1..]
                .iter()
                .all(|l| l.contains("\"Omgång öppnad\";\"round.open\"")),
        "{text}"
    );
}

#[tokio::test]
async fn the_accounts_page_has_one_form_to_create_and_one_to_change_a_role() {
    let w = world().await;
    let mut c = Client::new(&w);
    c.sign_in("admin").await;
    let page = c.get("/admin/anvandare").await.body;
    assert!(
        page.contains(">Nytt konto</h2>") && page.contains(">Byt roll</h2>"),
        "{page}"
    );
    assert_eq!(page.matches("value=\"add\"").count(), 1);
    assert_eq!(page.matches("value=\"role\"").count(), 1);
    // The role form picks among the accounts that exist, never a typed name.
    let role_form = page.split(">Byt roll</h2>").nth(1).unwrap();
    assert!(role_form.contains("<select id=\"role-user\" name=\"username\""));
    assert!(role_form.contains("<option value=\"resp\">"), "{role_form}");
    assert!(!page.contains("nara user"), "no command-line syntax");
}
