//! `cargo xtask bench`: runs every benchmark example in release mode, collects the `BENCH {json}`
//! lines they print, and writes a table with each target and whether it was met to the
//! terminal, `target/bench/report.md` and `target/bench/report.json`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// The benchmark examples: (package, example, extra arguments).
const BENCHES: &[(&str, &str)] = &[
    ("nara-excel", "bench_read_form"),
    ("nara-app", "bench_export"),
    ("nara-app", "bench_import"),
    ("nara-server", "bench_http"),
    ("nara-server", "bench_signin"),
    ("nara-server", "bench_bodies"),
    ("nara-server", "bench_instances"),
];

/// Runs them all.
pub fn run(root: &Path) -> Result<()> {
    let mut rows: Vec<Value> = Vec::new();
    let mut missing = Vec::new();
    for (pkg, ex) in BENCHES {
        let file = root
            .join("crates")
            .join(pkg)
            .join("examples")
            .join(format!("{ex}.rs"));
        if !file.exists() {
            missing.push(format!("{pkg}/{ex}"));
            continue;
        }
        eprintln!("\n==> {pkg} {ex} (release)");
        let out = crate::cargo()
            .args(["run", "--release", "--quiet", "-p", pkg, "--example", ex])
            .stderr(std::process::Stdio::inherit())
            .output()
            .with_context(|| format!("could not run {pkg} {ex}"))?;
        let text = String::from_utf8_lossy(&out.stdout);
        for line in text.lines() {
            match line.strip_prefix("BENCH ") {
                Some(json) => rows.push(
                    serde_json::from_str(json)
                        .with_context(|| format!("bad BENCH line: {line}"))?,
                ),
                None => println!("{line}"),
            }
        }
        if !out.status.success() {
            bail!("{pkg} {ex} failed ({})", out.status);
        }
    }
    let md = table(&rows, &missing);
    println!("\n{md}");
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("report.md"), &md)?;
    std::fs::write(
        dir.join("report.json"),
        serde_json::to_string_pretty(&rows)?,
    )?;
    eprintln!("written: target/bench/report.md, target/bench/report.json");
    let failed = rows
        .iter()
        .filter(|r| r["ok"] == Value::Bool(false))
        .count();
    if failed > 0 {
        bail!("{failed} benchmark target(s) not met");
    }
    Ok(())
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{cores} cores, {cpu}, {rustc}")
}

fn table(rows: &[Value], missing: &[String]) -> String {
    let mut s = String::from("# Benchmarks\n\n");
    s.push_str(&format!(
        "Machine: {}. Command: `cargo xtask bench`.\n\n",
        machine()
    ));
    s.push_str("| benchmark | metric | value | target | met |\n|---|---|---|---|---|\n");
    for r in rows {
        let unit = r["unit"].as_str().unwrap_or("");
        let num = |v: &Value| {
            v.as_f64()
                .map_or_else(|| "–".to_string(), |x| format!("{x:.3} {unit}"))
        };
        let target = match &r["target"] {
            Value::Null => "–".to_string(),
            t => format!("≤ {}", num(t)),
        };
        let ok = match &r["ok"] {
            Value::Bool(true) => "yes",
            Value::Bool(false) => "**no**",
            _ => "–",
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            r["bench"].as_str().unwrap_or("?"),
            r["metric"].as_str().unwrap_or("?"),
            num(&r["value"]),
            target,
            ok
        ));
    }
    for m in missing {
        s.push_str(&format!("| {m} | not built yet | – | – | – |\n"));
    }
    s
}
