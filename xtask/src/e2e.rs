//! `cargo xtask e2e` and `cargo xtask screenshots`: the real `nara serve --demo` on a free
//! loopback port with a temporary database, driven by Debian's Chromium through
//! `e2e/journeys.mjs` (playwright-core, axe-core). Screenshots go to `target/e2e/`; with
//! `screenshots`, the user guide's go to `docs/img/` as well.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::{cargo, root, run};

/// Kills the server when dropped, whatever happens.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Runs the journeys; `guide` also writes the user guide's screenshots.
pub fn run_journeys(guide: bool) -> Result<()> {
    let root = root();
    run(
        "ensure Chromium and the e2e packages",
        Command::new("bash").arg(root.join("scripts/ensure-chromium.sh")),
    )?;
    run(
        "build nara",
        cargo().args(["build", "-p", "nara-cli", "--locked"]),
    )?;
    let target = std::env::var("CARGO_TARGET_DIR").map_or_else(|_| root.join("target"), Into::into);
    let nara = Path::new(&target).join("debug/nara");
    let dir = std::env::temp_dir().join(format!("nara-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    // Sign-in with an organisation's own identity: the PyPI oidc-provider-mock on loopback,
    // its `tid` claim being the organisation's code and `groups` the role.
    run(
        "ensure the OpenID providers",
        Command::new("bash").arg(root.join("scripts/ensure-oidc.sh")),
    )?;
    let sso = dir.join("sso.toml");
    std::fs::write(
        &sso,
        "[[provider]]\nid = \"testkommun\"\nname = \"Testkommunen\"\n\
         issuer = \"http://127.0.0.1:9400\"\nclient_id = \"nara-e2e\"\n\
         client_secret_env = \"NARA_E2E_SSO_SECRET\"\n\
         scopes = [\"email\"]\n[provider.organisation]\nclaim = \"tid\"\n\
         [provider.role]\nclaim = \"groups\"\nrespondent = [\"nara-svarare\"]\n",
    )?;
    let port = free_port()?;
    let mut child = Command::new(&nara)
        .args([
            "serve",
            "--demo",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--public-url",
            &format!("http://127.0.0.1:{port}"),
            "--sso",
        ])
        .arg(&sso)
        .env(
            "NARA_DATABASE_URL",
            format!("sqlite://{}", dir.join("e2e.db").display()),
        )
        .env("NARA_LOG", "warn")
        .env("NARA_E2E_SSO_SECRET", "e2e-hemlighet")
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("could not start {}", nara.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let server = Server(child);
    // The accounts, printed once: "  name  password  (what)".
    let mut accounts = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        let parts: Vec<&str> = line.split_whitespace().collect();
        if line.starts_with("  ") && parts.len() >= 3 {
            accounts.push((parts[0].to_string(), parts[1].to_string(), line.clone()));
        }
        if accounts.len() == 3 {
            break;
        }
    }
    if accounts.len() != 3 {
        bail!("nara serve --demo did not print three accounts");
    }
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if start.elapsed() > Duration::from_secs(30) {
            bail!("nara serve did not answer on port {port}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let resp = &accounts[1];
    // "  vansbro  PASSWORD  (respondent för Vansbro (kod 2021))": the code is in the last
    // brackets.
    let code = resp
        .2
        .rsplit('(')
        .next()
        .unwrap_or_default()
        .trim_end_matches(')')
        .trim_start_matches("kod ")
        .to_string();
    let mut node = Command::new("node");
    node.arg(root.join("e2e/journeys.mjs"))
        .env("NARA_URL", format!("http://127.0.0.1:{port}"))
        .env("NARA_OIDC_MOCK", "http://127.0.0.1:9400")
        .env("NARA_ADMIN_PW", &accounts[0].1)
        .env("NARA_RESP_USER", &resp.0)
        .env("NARA_RESP_ORG", &code)
        .env("NARA_RESP_PW", &resp.1)
        .env("NARA_READER_PW", &accounts[2].1)
        .env("NARA_FIXTURES", root.join("fixtures/forms"))
        .env("NARA_SHOTS", Path::new(&target).join("e2e"));
    if guide {
        node.env("NARA_GUIDE_SHOTS", root.join("docs/img"));
    }
    let result = run("browser journeys and axe-core (Chromium)", &mut node);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    result
}
