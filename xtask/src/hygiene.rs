//! Hygiene checks that run as part of `cargo xtask ci`: every crate starts with a `//!`
//! paragraph, no trailing white space in sources, and no scoring code outside `nara-core`.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// Runs every check and reports every problem found.
pub fn check(root: &Path) -> Result<()> {
    eprintln!("\n==> hygiene");
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(root.join("crates"))? {
        let dir = entry?.path();
        let lib = dir.join("src/lib.rs");
        let main = dir.join("src/main.rs");
        let top = if lib.exists() { lib } else { main };
        let text = std::fs::read_to_string(&top).unwrap_or_default();
        if !text.trim_start().starts_with("//!") {
            problems.push(format!(
                "{} does not start with a //! paragraph",
                rel(root, &top)
            ));
        }
    }
    let mut files = Vec::new();
    for dir in [
        "crates",
        "xtask",
        "docs",
        "instruments",
        "organisations",
        "scripts",
        ".ci",
    ] {
        walk(&root.join(dir), &mut files);
    }
    files.push(root.join("README.md"));
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            if line.ends_with(' ') || line.ends_with('\t') {
                problems.push(format!("{}:{}: trailing white space", rel(root, f), n + 1));
            }
        }
        if is_library_source_outside_core(root, f) {
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for pat in SCORING_PATTERNS {
                    if code.contains(pat) {
                        problems.push(format!(
                            "{}:{}: `{pat}` looks like scoring outside nara-core; call nara_core::scoring or rollup instead",
                            rel(root, f),
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        eprintln!("hygiene: ok ({} files)", files.len());
        Ok(())
    } else {
        for p in &problems {
            eprintln!("  {p}");
        }
        bail!("hygiene: {} problem(s)", problems.len())
    }
}

/// Code shapes that compute scores; they belong in nara-core only.
const SCORING_PATTERNS: &[&str] = &[
    "fn median",
    "fn mean(",
    "fn average",
    ".sum::<f64>() /",
    "fn band_of",
    "fn percent_of",
];

fn is_library_source_outside_core(root: &Path, f: &Path) -> bool {
    let r = rel(root, f);
    r.starts_with("crates/")
        && !r.starts_with("crates/nara-core/")
        && r.contains("/src/")
        && r.ends_with(".rs")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if !p.ends_with("target") {
                walk(&p, out);
            }
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("rs" | "toml" | "md" | "sql" | "sh" | "html" | "css" | "js")
        ) || p.file_name().is_some_and(|n| n == "run")
        {
            out.push(p);
        }
    }
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}
