//! `cargo xtask`: the developer's entry point. `ci` runs every check the CI runs, `bench` runs
//! the benchmarks and writes a report, `fixtures` regenerates the example files in `fixtures/`.
//!
//! It has few dependencies and calls cargo through `$CARGO`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, Result, bail};

mod arrows;
mod bench;
mod e2e;
mod hygiene;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  ci                 every check the CI runs: fmt, clippy, hygiene, crate arrows, tests (SQLite and PostgreSQL), docs
  arrows             the allowed dependencies between our crates (part of ci)
  hygiene            sources: doc paragraphs, white space, scoring only in core, file and handler length (part of ci)
  bench              the benchmarks in release mode; prints a table and writes target/bench/report.{md,json}
  e2e                the browser journeys with axe-core (Chromium, part of ci)
  screenshots        the journeys, writing the user guide's screenshots to docs/img/
  fixtures           regenerates the example files in fixtures/
  fuzz [--seconds N] runs the fuzz targets (needs cargo-fuzz; see fuzz/README.md)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("bench") => bench::run(&root()),
        Some("arrows") => arrows::check(&root()),
        Some("hygiene") => hygiene::check(&root()),
        Some("fixtures") => fixtures(),
        Some("e2e") => e2e::run_journeys(false),
        Some("screenshots") => e2e::run_journeys(true),
        Some("fuzz") => fuzz(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(anyhow::anyhow!("unknown task `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// `cargo` as the caller ran it.
pub fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

/// Runs a command, failing with a clear line when it fails.
pub fn run(step: &str, cmd: &mut Command) -> Result<()> {
    eprintln!("\n==> {step}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start {cmd:?}"))?;
    if !status.success() {
        bail!("{step} failed ({status})");
    }
    Ok(())
}

const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

fn ci() -> Result<()> {
    let start = Instant::now();
    let mut done = Vec::new();
    run(
        "cargo fmt --check",
        cargo().args(["fmt", "--all", "--check"]),
    )?;
    done.push("fmt");
    run(
        "cargo clippy (warnings denied)",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    done.push("clippy");
    hygiene::check(&root())?;
    done.push("hygiene");
    arrows::check(&root())?;
    done.push("crate arrows");

    let pg_url = std::env::var("NARA_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.into());
    ensure_postgres(&pg_url)?;
    run(
        "cargo test (SQLite and PostgreSQL)",
        cargo()
            .args(["test", "--workspace", "--locked"])
            .env("NARA_TEST_PG_URL", &pg_url),
    )?;
    done.push("tests on SQLite and PostgreSQL");
    e2e::run_journeys(false)?;
    done.push("browser journeys with axe-core");
    run(
        "cargo doc (warnings denied)",
        cargo()
            .args(["doc", "--workspace", "--no-deps", "--locked"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    done.push("docs");
    eprintln!(
        "\nxtask ci: ok ({}) in {:.0} s",
        done.join(", "),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Makes sure PostgreSQL answers at the URL's host and port: starts the local cluster, or
/// installs it, through `scripts/ensure-postgres.sh`, and says so.
fn ensure_postgres(url: &str) -> Result<()> {
    let addr = pg_addr(url)
        .with_context(|| format!("cannot read host and port from NARA_TEST_PG_URL={url}"))?;
    if reachable(&addr) {
        eprintln!("\n==> PostgreSQL answers at {addr}");
        return Ok(());
    }
    eprintln!(
        "\n==> PostgreSQL does not answer at {addr}: starting or installing it (scripts/ensure-postgres.sh)"
    );
    run(
        "scripts/ensure-postgres.sh",
        Command::new("bash").arg(root().join("scripts/ensure-postgres.sh")),
    )?;
    for _ in 0..30 {
        if reachable(&addr) {
            eprintln!("PostgreSQL now answers at {addr}");
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    bail!("PostgreSQL still does not answer at {addr} after scripts/ensure-postgres.sh")
}

fn pg_addr(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host_part = rest.split(['/', '?']).next()?;
    let host_port = host_part.rsplit_once('@').map_or(host_part, |(_, h)| h);
    Some(if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:5432")
    })
}

fn reachable(addr: &str) -> bool {
    use std::net::ToSocketAddrs;
    addr.to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .is_some_and(|a| {
            std::net::TcpStream::connect_timeout(&a, std::time::Duration::from_secs(2)).is_ok()
        })
}

/// The årsrapport's first four pages as PNG for the user guide
/// (`docs/img/arsrapport-pdf-sida-N.png`), rendered at 50 dpi by poppler's `pdftoppm`
/// (installed by `scripts/ensure-libreoffice.sh` when missing).
fn year_pages_png() -> Result<()> {
    let sh = root().join("scripts/ensure-libreoffice.sh");
    run(
        "poppler for the PDF's pictures",
        Command::new("bash").arg(sh),
    )?;
    let dir = root().join("target/year-pages");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    run(
        "the årsrapport's first pages as PNG",
        Command::new("pdftoppm")
            .args(["-png", "-r", "50", "-f", "1", "-l", "4"])
            .arg(root().join("fixtures/exports/arsrapport-exempel.pdf"))
            .arg(dir.join("sida")),
    )?;
    // pdftoppm pads the page number to the width of the last page's.
    let mut pages: Vec<PathBuf> = (std::fs::read_dir(&dir)?.flatten())
        .map(|e| e.path())
        .collect();
    pages.sort();
    for (n, from) in pages.iter().enumerate() {
        let to = root().join(format!("docs/img/arsrapport-pdf-sida-{}.png", n + 1));
        std::fs::copy(from, &to).with_context(|| format!("{}", from.display()))?;
    }
    Ok(())
}

fn fixtures() -> Result<()> {
    run(
        "example forms (nara-excel)",
        cargo().args([
            "run",
            "--quiet",
            "-p",
            "nara-excel",
            "--example",
            "make_fixtures",
            "--",
            "fixtures/forms",
        ]),
    )?;
    {
        run(
            "sample county summary of the demo (nara-app)",
            cargo().args([
                "run",
                "--quiet",
                "-p",
                "nara-app",
                "--example",
                "make_summary_fixture",
                "--",
                "fixtures/exports/lanssammanstallning-exempel.xlsx",
            ]),
        )?;
    }
    run(
        "the demo's årsrapport as PDF and Excel appendix (nara-app)",
        cargo().args([
            "run",
            "--quiet",
            "-p",
            "nara-app",
            "--example",
            "make_year_fixture",
            "--",
            "fixtures/exports/arsrapport-exempel.pdf",
            "fixtures/exports/arsrapport-bilaga-exempel.xlsx",
        ]),
    )?;
    year_pages_png()?;
    eprintln!("\nxtask fixtures: written under fixtures/");
    Ok(())
}

fn fuzz(args: &[String]) -> Result<()> {
    let seconds: u64 = match args {
        [] => 60,
        [flag, n] if flag == "--seconds" => n.parse().context("--seconds takes a whole number")?,
        _ => bail!("usage: cargo xtask fuzz [--seconds N]"),
    };
    let dir = root().join("fuzz");
    // Every target with its seed folders: the committed forms, the generated expansion bombs
    // (fuzz/seeds/, checked by nara-excel's tests), the instrument files.
    let targets: [(&str, Vec<PathBuf>); 3] = [
        (
            "import_form",
            vec![root().join("fixtures/forms"), dir.join("seeds/import_form")],
        ),
        ("import_ods", vec![dir.join("seeds/import_ods")]),
        (
            "instrument_toml",
            vec![
                root().join("instruments"),
                root().join("fixtures/instruments"),
            ],
        ),
    ];
    for (target, seeds) in targets {
        let corpus = dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus)?;
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.current_dir(&dir)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", target])
            .arg(&corpus)
            .args(seeds);
        // Under the address sanitizer a run's memory plateaus at about 530 MB (its quarantine of
        // freed memory is 256 MB); one allocation of 128 MB or more fails the run.
        cmd.args([
            "--",
            &format!("-max_total_time={seconds}"),
            "-rss_limit_mb=1024",
            "-malloc_limit_mb=128",
            "-timeout=10",
        ]);
        let start = Instant::now();
        run(
            &format!("cargo fuzz run {target} for {seconds} s"),
            &mut cmd,
        )
        .context("is cargo-fuzz installed? `cargo install cargo-fuzz`")?;
        eprintln!(
            "fuzz {target}: {:.0} s without a crash",
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pg_addresses_are_read_from_urls() {
        assert_eq!(
            pg_addr("postgres://postgres@127.0.0.1:5432/test").as_deref(),
            Some("127.0.0.1:5432")
        );
        assert_eq!(
            pg_addr("postgres://u:p@db.local/x?sslmode=disable").as_deref(),
            Some("db.local:5432")
        );
        assert_eq!(pg_addr("nonsense"), None);
    }
}
