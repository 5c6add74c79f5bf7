//! Each command against a temporary database, with its error paths.

use crate::support::{Env, forms};

#[test]
fn a_round_end_to_end_as_the_help_describes() {
    let env = Env::new();
    let help = env.ok(&["--help"]);
    for cmd in [
        "import", "round", "template", "status", "report", "export", "serve", "demo",
    ] {
        assert!(help.contains(cmd), "--help lacks {cmd}");
    }
    env.ok(&["round", "create", "2026"]);
    env.ok(&["round", "open", "2026"]);
    env.ok(&["template", "--round", "2026", "--all", "-o", "blanketter"]);
    assert_eq!(
        std::fs::read_dir(env.path("blanketter")).unwrap().count(),
        16
    );
    // One file-name scheme for the CLI and the server's download.
    assert!(env.path("blanketter/blankett-2026-2080.xlsx").exists());
    env.ok(&[
        "template",
        "--round",
        "2026",
        "--org",
        "Falun",
        "-o",
        "falun.xlsx",
    ]);
    assert!(env.path("falun.xlsx").exists());
    forms(&env.path("in"), 6, "e");
    let out = env.ok(&["import", "in"]);
    assert!(out.contains("importerad"), "{out}");
    let status = env.ok(&["status", "--round", "2026"]);
    assert!(
        status.contains("6 av 16") || status.contains("av 16 organisationer har svarat"),
        "{status}"
    );
    let report = env.ok(&["report", "--round", "2026"]);
    assert!(
        report.contains("PRELIMINÄRT") && report.contains("Länet"),
        "{report}"
    );
    assert!(report.contains(','), "decimal comma: {report}");
    // The help's example includes the export.
    assert!(help.contains("nara export summary --round 2026"));
    env.ok(&[
        "export",
        "summary",
        "--round",
        "2026",
        "-o",
        "ut/län-2026.xlsx",
    ]);
    let xlsx = std::fs::read(env.path("ut/län-2026.xlsx")).unwrap();
    assert!(xlsx.starts_with(b"PK"));
    env.ok(&["round", "close", "2026"]);
    env.ok(&["round", "publish", "2026"]);
    let list = env.ok(&["round", "list"]);
    assert!(list.contains("publicerad"), "{list}");
    let report = env.ok(&["report", "--round", "2026"]);
    assert!(!report.contains("PRELIMINÄRT"));
    // A publication is taken back only with a reason, which the log keeps.
    let refused = env.run(&["round", "close", "2026"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Skriv varför"));
    env.ok(&[
        "round",
        "close",
        "2026",
        "--reason",
        "En rättad blankett från Mora",
    ]);
    assert!(env.ok(&["round", "list"]).contains("stängd"));
    env.ok(&["backup", "-o", "kopia.db"]);
    assert!(env.path("kopia.db").exists());
}

#[test]
fn import_json_has_the_documented_shape_and_a_bad_file_fails_the_exit_code() {
    let env = Env::new();
    env.ok(&["round", "create", "2026"]);
    env.ok(&["round", "open", "2026"]);
    forms(&env.path("in"), 2, "j");
    std::fs::write(
        env.path("in/trasig.xlsx"),
        [0xffu8, 0x00, 0x13, 0x37, 0x00, 0xfe],
    )
    .unwrap();
    let out = env.run(&["import", "in", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    let good = &files[0];
    for key in [
        "file", "status", "org", "unit", "round", "problems", "scores",
    ] {
        assert!(good.get(key).is_some(), "missing {key}");
    }
    assert_eq!(good["status"], "imported");
    let area = &good["scores"]["areas"][0];
    for key in ["id", "name", "mean", "percent", "answered", "total"] {
        assert!(area.get(key).is_some(), "missing areas[].{key}");
    }
    assert!(good["scores"].get("overall").is_some());
    let bad = &files[2];
    assert_eq!(bad["status"], "rejected");
    assert!(bad["scores"].is_null());
    let p = &bad["problems"][0];
    assert!(
        p.get("sheet").is_some()
            && p.get("cell").is_some()
            && p["message"].as_str().unwrap().contains("inget kalkylark")
    );
    // The good files were stored despite the bad one.
    let again = env.run(&["import", "in", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(v["files"][0]["status"], "unchanged");
    // Piped: no progress bar, no colour codes.
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

#[test]
fn unknown_round_and_organisation_get_swedish_errors() {
    let env = Env::new();
    let out = env.run(&["report", "--round", "2031"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Omgången 2031 finns inte"));
    env.ok(&["round", "create", "2026"]);
    let out = env.run(&[
        "template", "--round", "2026", "--org", "9999", "-o", "x.xlsx",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("”9999” finns inte"));
    let out = env.run(&["round", "publish", "2026"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("kan inte gå från utkast till publicerad")
    );
    let out = env.run(&["round", "create", "20x6"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("är ingen omgång"));
    // Importing into a draft round is refused with what to do.
    forms(&env.path("in"), 1, "d");
    let out = env.run(&["import", "in"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("inte öppnad ännu"));
    // Bad usage is exit code 2.
    assert_eq!(env.run(&["import"]).status.code(), Some(2));
}

#[test]
fn validate_needs_no_database_and_another_countys_instrument_works() {
    let env = Env::new();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    // Checked in memory: not even a temporary database is written.
    let tmp = tempfile::tempdir().unwrap();
    let out = env
        .cmd()
        .env("NARA_DATABASE_URL", "sqlite:///nonexistent/dir/x.db")
        .env("TMPDIR", tmp.path())
        .arg("validate")
        .arg(fixtures.join("forms/handskriven-2062.xlsx"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    let broken = env
        .cmd()
        .arg("validate")
        .arg(fixtures.join("forms/fel-2062-dubbla-id.xlsx"))
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stdout).contains("två gånger"));
    let out = env.run(&[
        "instrument",
        "validate",
        fixtures
            .join("instruments/fyrbodal-personal.toml")
            .to_str()
            .unwrap(),
    ]);
    assert!(out.status.success());
    env.ok(&[
        "instrument",
        "import",
        fixtures
            .join("instruments/fyrbodal-personal.toml")
            .to_str()
            .unwrap(),
    ]);
    env.ok(&[
        "org",
        "add",
        fixtures
            .join("organisations/fyrbodal.toml")
            .to_str()
            .unwrap(),
    ]);
    env.ok(&[
        "round",
        "create",
        "2027",
        "--instrument",
        "fyrbodal-personal@1.0",
    ]);
    env.ok(&[
        "template",
        "--round",
        "2027",
        "--org",
        "Uddevalla",
        "-o",
        "u.xlsx",
    ]);
    let orgs = env.ok(&["org", "list"]);
    assert!(orgs.contains("Uddevalla") && orgs.contains("Falun"));
}

#[test]
fn exports_write_files_and_refuse_what_does_not_exist() {
    let env = Env::new();
    env.ok(&["demo", "-q"]);
    // Default file names in the working directory.
    env.ok(&["export", "summary", "--round", "2025"]);
    assert!(env.path("lanssammanstallning-2025.xlsx").exists());
    let report: serde_json::Value =
        serde_json::from_str(&env.ok(&["report", "--round", "2025", "--json"])).unwrap();
    let code = report["organisations"][0]["code"]
        .as_str()
        .unwrap()
        .to_string();
    env.ok(&[
        "export", "org", "--round", "2025", "--org", &code, "-o", "org.xlsx",
    ]);
    assert!(
        std::fs::read(env.path("org.xlsx"))
            .unwrap()
            .starts_with(b"PK")
    );
    // Raw CSV to stdout: BOM, header, one row per statement and form.
    let out = env.run(&["export", "raw", "--round", "2025", "-o", "-"]);
    assert!(out.status.success());
    assert!(out.stdout.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("\"Omgång\";\"Kod\";\"Organisation\"")
    );
    assert!(text.lines().count() > 27);
    // Error paths: exit 1 with a Swedish sentence; bad usage exit 2.
    for (args, needle) in [
        (vec!["export", "summary", "--round", "2031"], "finns inte"),
        (
            vec!["export", "org", "--round", "2025", "--org", "9999"],
            "9999",
        ),
        (
            vec!["export", "raw", "--round", "2025", "--format", "xls"],
            "csv",
        ),
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    if let Some(missing) = report["not_answered"][0]["id"].as_str() {
        let out = env.run(&["export", "org", "--round", "2025", "--org", missing]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("har inte svarat"));
    }
    assert_eq!(
        env.run(&["export", "org", "--round", "2025"]).status.code(),
        Some(2)
    );
}

#[test]
fn serve_answers_and_stops_on_sigterm() {
    let env = Env::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = env
        .cmd()
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let answer = loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut buf = String::new();
            s.read_to_string(&mut buf).unwrap();
            break buf;
        }
        assert!(start.elapsed().as_secs() < 60, "nara serve did not answer");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("ok"),
        "{answer}"
    );
    // SIGTERM: a graceful stop with exit status 0.
    std::process::Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    assert!(
        out.contains("Demokonton") && out.contains("samordnare"),
        "{out}"
    );
}

#[test]
fn a_terminal_gets_colour_and_progress_a_pipe_gets_neither() {
    let env = Env::new();
    env.ok(&["round", "create", "2026"]);
    env.ok(&["round", "open", "2026"]);
    forms(&env.path("in"), 3, "t");
    std::fs::write(env.path("in/trasig.xlsx"), b"inte ett kalkylblad").unwrap();
    // `script` gives the command a pseudo-terminal, as a person's shell would.
    let cmd = format!(
        "NARA_DATABASE_URL={} {} import in",
        env.db(),
        env!("CARGO_BIN_EXE_nara")
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(env.dir.path())
        .env_remove("NO_COLOR")
        .output()
        .expect("script (util-linux) runs");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("\u{1b}[32mimporterad"),
        "green for stored: {shown:?}"
    );
    assert!(
        shown.contains("\u{1b}[1;31mavvisad"),
        "red for rejected: {shown:?}"
    );
    // NO_COLOR is respected even on a terminal.
    let plain = std::process::Command::new("script")
        .args(["-qec", &format!("NO_COLOR=1 {cmd}"), "/dev/null"])
        .current_dir(env.dir.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("\u{1b}[32m"));
    // Piped: plain text.
    let piped = env.run(&["import", "in"]);
    assert!(!String::from_utf8_lossy(&piped.stdout).contains('\u{1b}'));
    assert!(!String::from_utf8_lossy(&piped.stderr).contains('\u{1b}'));
}

#[test]
fn nyckeltal_and_activities_from_the_command_line() {
    let env = Env::new();
    env.ok(&["demo", "-q"]);
    // The catalogue in use, then a county's own stored after a check.
    let shown = env.ok(&["indicators", "catalogue"]);
    assert!(
        shown.contains("U21468") && shown.contains("X-DAL-001"),
        "{shown}"
    );
    let bad = env.path("fel.toml");
    std::fs::write(
        &bad,
        "county = \"X\"\ninstrument = \"dalarna-gnv\"\n[[indicators]]\nid = \"U21468\"\n",
    )
    .unwrap();
    let out = env.run(&["indicators", "catalogue", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Rad"),
        "a Swedish line-numbered message"
    );

    // The template, filled by nobody, reads back as missing values (never 0).
    env.ok(&[
        "indicators",
        "template",
        "--years",
        "2024",
        "-o",
        "mall.xlsx",
    ]);
    let said = |args: &[&str]| {
        let o = env.run(args);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    let out = said(&["indicators", "import", "mall.xlsx"]);
    assert!(out.contains("mall.xlsx: 0 nya"), "{out}");
    let csv = env.path("egna.csv");
    std::fs::write(
        &csv,
        "kpi;kommunkod;år;värde;antal\nX-DAL-001;0020;2030;9;\n",
    )
    .unwrap();
    let out = said(&["indicators", "import", csv.to_str().unwrap()]);
    assert!(out.contains("1 nya"), "{out}");

    let list = env.ok(&["activities", "list", "--org", "Falun"]);
    assert!(list.contains("Lokal plan i samverkan Falun"), "{list}");
    assert!(list.contains("2026 "), "each round's follow-up: {list}");
    let out = env.run(&["activities", "list", "--org", "Gävle"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("”Gävle” finns inte"));
    let json = env.ok(&["activities", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["plans"].as_array().unwrap().len(), 15);
}

#[test]
fn activities_and_plans_as_a_workbook_and_as_csv() {
    let env = Env::new();
    env.ok(&["demo", "-q"]);
    let said = |args: &[&str]| {
        let o = env.run(args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        (o.status.success(), text)
    };
    // A workbook out and back in: nothing changes.
    env.ok(&["activities", "export", "--org", "Falun", "-o", "falun.xlsx"]);
    let (ok, out) = said(&["activities", "import", "falun.xlsx"]);
    assert!(ok, "{out}");
    assert!(out.contains("0 nya, 0 ändrade"), "{out}");
    // The plans as CSV: a plan table by its headers.
    env.ok(&["activities", "export", "--plans", "-o", "planer.csv"]);
    let csv = std::fs::read_to_string(env.path("planer.csv")).unwrap();
    assert!(csv.contains("\"Namn\";\"Parter\""), "{csv}");
    let (ok, out) = said(&["activities", "import", "planer.csv"]);
    assert!(ok && out.contains("15 oförändrade"), "{out}");
    // A bad cell stores nothing and is named; another kind of file is refused.
    std::fs::write(
        env.path("fel.csv"),
        "Namn;Parter;Start;Status;Systemledning\nPlan;2080;2027-01-01;klar;finns\n",
    )
    .unwrap();
    let (ok, out) = said(&["activities", "import", "fel.csv"]);
    assert!(!ok);
    assert!(out.contains("rad 2, kolumn Status"), "{out}");
    std::fs::write(env.path("x.pdf"), b"%PDF").unwrap();
    let (ok, out) = said(&["activities", "import", "x.pdf"]);
    assert!(!ok && out.contains(".xlsx- eller .csv-fil"), "{out}");
    let list = env.ok(&["activities", "list", "--plans", "--org", "Falun"]);
    assert!(list.contains("Plan ") && !list.contains("    20"), "{list}");
}

#[test]
fn report_year_prints_the_overview_and_writes_the_pdf_and_the_appendix() {
    let env = Env::new();
    env.ok(&["demo", "-q"]);
    // No final version yet: a plain message that points to the draft.
    let out = env.run(&["report", "year", "--year", "2026"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("inte klar ännu") && err.contains("--utkast"),
        "{err}"
    );
    let text = env.ok(&["report", "year", "--year", "2026", "--utkast"]);
    assert!(text.contains("Årsrapport 2026"), "{text}");
    assert!(text.contains("D1 Nära för mig: nyckeltal ↗"), "{text}");
    env.ok(&[
        "report", "year", "--year", "2026", "--utkast", "--pdf", "ar.pdf", "--xlsx", "ar.xlsx",
    ]);
    let pdf = std::fs::read(env.path("ar.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-") && pdf.len() > 20_000);
    let xlsx = std::fs::read(env.path("ar.xlsx")).unwrap();
    assert!(xlsx.starts_with(b"PK"));
    // A round's report still needs its round.
    let out = env.run(&["report"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--round"));
}

#[test]
fn the_help_is_in_swedish() {
    let env = Env::new();
    let help = env.ok(&["--help"]);
    assert!(help.contains("Läs in ifyllda blanketter"), "{help}");
    assert!(help.contains("Nära: självskattning"), "{help}");
    assert!(help.contains("Skriv ut mindre"), "{help}");
    assert!(!help.contains("Read filled forms"), "{help}");
    // clap's own -h and -V are replaced by Swedish ones, in every subcommand too.
    assert!(
        help.contains("-h, --help") && help.contains("Visa hjälpen"),
        "{help}"
    );
    assert!(help.contains("-V, --version") && !help.contains("Print help"));
    assert!(env.ok(&["-V"]).starts_with("nara "));
    let report = env.ok(&["report", "--help"]);
    for swedish in [
        "Omgången",
        "Årsrapporten",
        "Bara den här organisationen",
        "Exempel:",
    ] {
        assert!(report.contains(swedish), "lacks {swedish}: {report}");
    }
    assert!(!report.contains("The round"), "{report}");
    let year = env.ok(&["report", "year", "--help"]);
    assert!(year.contains("Det levande utkastet"), "{year}");
    assert!(
        year.contains("Visa hjälpen") && !year.contains("Print help"),
        "{year}"
    );
    // Placeholders and clap's notes in Swedish.
    let import = env.ok(&["import", "--help"]);
    for swedish in [
        "<SÖKVÄGAR>",
        "--database-url <DATABAS>",
        "[miljövariabel: NARA_DATABASE_URL]",
        "[standard: sqlite://nara.db]",
    ] {
        assert!(import.contains(swedish), "lacks {swedish}: {import}");
    }
    for english in ["<PATHS>", "<DATABASE_URL>", "[env:", "[default:"] {
        assert!(!import.contains(english), "{english} in {import}");
    }
    let short = env.ok(&["round", "close", "-h"]);
    assert!(short.contains("Stäng en omgång"), "{short}");
    let serve = env.ok(&["serve", "--help"]);
    assert!(
        serve.contains("Adress och port") && serve.contains("<SEKUNDER>"),
        "{serve}"
    );
    // clap's own headings are Swedish too, and `help` as a word is the flag.
    for text in [&help, &report, &serve] {
        for english in [
            "Usage:",
            "Options:",
            "Commands:",
            "[OPTIONS]",
            "Print this message",
        ] {
            assert!(!text.contains(english), "{english} in {text}");
        }
    }
    assert!(help.contains("Användning: nara [FLAGGOR] <KOMMANDO>") && help.contains("Kommandon:"));
    assert!(serve.contains("Användning: nara serve [FLAGGOR]") && serve.contains("Flaggor:"));
    assert_eq!(
        env.ok(&["help", "round", "close"]),
        env.ok(&["round", "close", "--help"])
    );
    // A mistake on the command line is said in Swedish, with a suggestion and the usage.
    let out = env.run(&["serve", "--listen", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("fel: okänd flagga eller okänt argument ”--listen”"),
        "{err}"
    );
    assert!(
        err.contains("Användning: nara serve [FLAGGOR]") && err.contains("--help"),
        "{err}"
    );
    let err = String::from_utf8_lossy(&env.run(&["rund"]).stderr).to_string();
    assert!(
        err.contains("okänt kommando ”rund”") && err.contains("Menade du ”round”?"),
        "{err}"
    );
    let err = String::from_utf8_lossy(&env.run(&["round", "close"]).stderr).to_string();
    assert!(err.contains("fel: det här saknas: <ID>."), "{err}");
}

#[test]
fn links_and_the_audit_log_from_the_command_line() {
    let env = Env::new();
    env.ok(&["demo", "-q"]);
    let made = env.ok(&[
        "links",
        "create",
        "--round",
        "2026",
        "--org",
        "Falun",
        "--unit",
        "Hemtjänst Norr",
        "--rater",
        "Anna",
        "--samsyn",
        "--public-url",
        "https://nara.example.se/",
    ]);
    let lines: Vec<&str> = made.lines().collect();
    assert_eq!(lines.len(), 2, "{made}");
    assert!(
        lines[0].contains("Anna\thttps://nara.example.se/svar/"),
        "{made}"
    );
    assert!(
        lines[1].contains("samsyn\thttps://nara.example.se/svar/"),
        "{made}"
    );
    let list = env.ok(&["links", "list", "--round", "2026", "--org", "2080"]);
    let anna = list.lines().find(|l| l.contains("\tAnna\t")).unwrap();
    assert!(anna.ends_with("ej öppnad"), "{anna}");
    let id = anna.split('\t').next().unwrap();
    env.ok(&["links", "revoke", id]);
    let again = env.ok(&["links", "list", "--round", "2026", "--org", "2080"]);
    assert!(
        again
            .lines()
            .any(|l| l.starts_with(&format!("{id}\t")) && l.ends_with("återkallad"))
    );
    // The audit log: Swedish names, filters, CSV.
    let log = env.ok(&["audit", "--handling", "link.revoke"]);
    assert!(
        log.contains("Svarslänk återkallad") && log.contains("kommandoraden"),
        "{log}"
    );
    let none = env.ok(&["audit", "--till", "2000-01-01"]);
    assert!(none.trim().is_empty(), "{none}");
    let bad = env.run(&["audit", "--fran", "igår"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("inget datum"));
    env.ok(&["audit", "--csv", "logg.csv"]);
    let csv = std::fs::read_to_string(env.path("logg.csv")).unwrap();
    assert!(csv.contains("\"Händelse\";\"Kod\"") && csv.contains("\"Blankett inläst\";\"import\""));
}

#[test]
fn report_shows_the_change_since_last_round_and_says_plainly_who_has_not_answered() {
    let env = Env::new();
    env.ok(&["demo", "-q"]);
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["report", "--round", "2026", "--json"])).unwrap();
    let missing = json["not_answered"][0]["id"].as_str().unwrap().to_string();
    let answered = json["organisations"][0]["code"]
        .as_str()
        .unwrap()
        .to_string();
    let text = env.ok(&["report", "--round", "2026", "--org", &missing]);
    assert!(text.contains("har inte svarat i omgång 2026"), "{text}");
    let text = env.ok(&["report", "--round", "2026", "--org", &answered]);
    assert!(text.contains("  sedan 2025"), "{text}");
    assert!(
        text.contains('↑') || text.contains('↓') || text.contains('→'),
        "{text}"
    );
}
