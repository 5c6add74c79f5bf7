//! `nara demo`, `nara user …`, `nara completions` and quiet piping.

use std::io::Write;
use std::process::Stdio;

use crate::support::Env;

#[test]
fn demo_fills_an_empty_database_and_refuses_a_used_one() {
    let env = Env::new();
    let made: serde_json::Value = serde_json::from_str(&env.ok(&["demo", "--json"])).unwrap();
    assert_eq!(made["rounds"], serde_json::json!(["2024", "2025", "2026"]));
    assert!(made["forms"].as_u64().unwrap() > 50);
    let rounds = env.ok(&["round", "list"]);
    assert!(
        rounds.contains("2024") && rounds.contains("publicerad"),
        "{rounds}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&env.ok(&["report", "--round", "2026", "--json"])).unwrap();
    assert!(!report["not_answered"].as_array().unwrap().is_empty());
    assert_eq!(report["previous"], "2025");

    let again = env.run(&["demo"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("tom databas"));
}

#[test]
fn the_report_lists_the_nyckeltal_of_the_county_and_of_an_organisation() {
    let env = Env::new();
    env.ok(&["demo"]);
    let county = env.ok(&["report", "--round", "2026"]);
    let part = county
        .split_once("\nNyckeltal\n")
        .unwrap_or_else(|| panic!("a part Nyckeltal after the scores: {county}"))
        .1;
    assert!(part.starts_with("Påhittade demovärden"), "{part}");
    assert!(part.contains("\nD1 Nära för mig\n"), "{part}");
    let line = (part.lines())
        .find(|l| l.starts_with("  U21468 "))
        .unwrap_or_else(|| panic!("a line for U21468: {part}"));
    assert!(
        line.contains("(2025): länet ")
            && line.contains(" %, riket ")
            && line.contains("; kommunerna ↗ "),
        "{line}"
    );
    assert!(part.contains("(mäts för regionen)"), "{part}");

    let report: serde_json::Value =
        serde_json::from_str(&env.ok(&["report", "--round", "2026", "--json"])).unwrap();
    let d1 = &report["nyckeltal"][0];
    assert_eq!(d1["area"], "D1");
    assert_eq!(
        d1["table"]["rows"].as_array().unwrap().last().unwrap()["name"],
        "Riket"
    );
    let code = report["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .find(|c| c.len() == 4)
        .unwrap();

    let org = env.ok(&["report", "--round", "2026", "--org", code]);
    let part = org.split_once("\nNyckeltal\n").unwrap().1;
    let line = (part.lines())
        .find(|l| l.starts_with("  U21468 Brukarbedömning"))
        .unwrap_or_else(|| panic!("a line for U21468: {part}"));
    // "U21468 Brukarbedömning …: 54,5 % (2025), länet 51,2, riket 50,8, → oförändrad sedan 2024",
    // or "saknas" when the demo left the organisation's value out.
    assert!(
        (line.contains(" % (20") && line.contains("), länet ") && line.contains(", riket "))
            || line.ends_with(": saknas"),
        "{line}"
    );
    assert!(
        !part.contains("U70448"),
        "a kommun has no region-level indicator: {part}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["report", "--round", "2026", "--org", code, "--json"]))
            .unwrap();
    let card = &json["nyckeltal"][0]["cards"][0];
    assert_eq!(card["indicator"]["id"], "U21468");
    assert_eq!(card["provenance"]["source"], "demo (påhittade värden)");
}

#[test]
fn the_same_seed_gives_the_same_report() {
    let (a, b) = (Env::new(), Env::new());
    a.ok(&["demo", "--seed", "11", "--rounds", "2"]);
    b.ok(&["demo", "--seed", "11", "--rounds", "2"]);
    let strip = |env: &Env| {
        let mut v: serde_json::Value =
            serde_json::from_str(&env.ok(&["report", "--round", "2026", "--json"])).unwrap();
        for o in v["organisations"].as_array_mut().unwrap() {
            for u in o["units"].as_array_mut().unwrap() {
                u["last_import"] = 0.into();
            }
        }
        v
    };
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn users_are_added_listed_given_passwords_and_disabled() {
    let env = Env::new();
    // Without --password-stdin a password is made and printed once.
    let printed = env.ok(&["user", "add", "anna", "--role", "admin"]);
    let (name, pw) = printed.trim().split_once('\t').unwrap();
    assert_eq!(name, "anna");
    assert!(pw.len() >= 16, "{pw}");

    let mut child = env
        .cmd()
        .args([
            "user",
            "add",
            "falun",
            "--role",
            "respondent",
            "--org",
            "2080",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"ett-langt-losenord\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "a given password is not printed");

    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["user", "list", "--json"])).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["role"], "respondent");
    assert_eq!(list[1]["org"], "2080");
    assert!(list.iter().all(|u| u.get("password_hash").is_none()));

    // Error paths, in Swedish, exit 1; bad usage exit 2.
    for (args, needle) in [
        (
            vec!["user", "add", "x", "--role", "respondent"],
            "organisation",
        ),
        (
            vec!["user", "add", "y", "--role", "respondent", "--org", "9999"],
            "9999",
        ),
        (vec!["user", "add", "anna", "--role", "reader"], "upptaget"),
        (vec!["user", "disable", "okänd"], "inget konto"),
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert_eq!(
        env.run(&["user", "add", "z", "--role", "chef"])
            .status
            .code(),
        Some(2)
    );

    let mut child = env
        .cmd()
        .args([
            "user",
            "add",
            "kort",
            "--role",
            "reader",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"kort\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("minst 10 tecken"));

    let new = env.ok(&["user", "passwd", "anna"]);
    assert_ne!(new.trim().split_once('\t').unwrap().1, pw);
    env.ok(&["user", "disable", "anna"]);
    assert!(env.ok(&["user", "list"]).contains("avstängt"));
    env.ok(&["user", "disable", "anna", "--enable"]);
    assert!(!env.ok(&["user", "list"]).contains("avstängt"));
}

#[test]
fn completions_are_printed_for_each_shell() {
    let env = Env::new();
    for (shell, needle) in [
        ("bash", "_nara()"),
        ("zsh", "#compdef nara"),
        ("fish", "complete -c nara"),
    ] {
        let out = env.ok(&["completions", shell]);
        assert!(out.contains(needle), "{shell}");
        assert!(out.contains("import"), "{shell} completes the subcommands");
    }
    assert!(
        !env.path("nara.db").exists(),
        "completions need no database"
    );
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let env = Env::new();
    env.ok(&["demo", "--units", "200"]);
    let mut child = env
        .cmd()
        .args(["report", "--round", "2026"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away at once
    let out = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}
