//! Hygiene checks that run as part of `cargo xtask ci`: every crate starts with a `//!`
//! paragraph, no trailing white space in sources, no scoring code outside `nara-core`, no source
//! file over [`MAX_FILE_LINES`] lines (its unit tests left out) and no web handler over
//! [`MAX_HANDLER_LINES`] lines (issue 16: a handler is extract → one use case → a view → render).

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
        let r = rel(root, f);
        if (r.starts_with("crates/") || r.starts_with("xtask/"))
            && r.contains("/src/")
            && r.ends_with(".rs")
        {
            let n = code_lines(&text);
            if n > MAX_FILE_LINES {
                problems.push(format!(
                    "{r}: {n} lines outside its tests (at most {MAX_FILE_LINES}): split it by concern"
                ));
            }
        }
        if r.starts_with("crates/nara-server/src/") && r.ends_with(".rs") {
            for (line, name, n) in long_handlers(&text) {
                problems.push(format!(
                    "{r}:{line}: handler `{name}` has {n} lines (at most {MAX_HANDLER_LINES}): move work into nara-app or a view function"
                ));
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

/// The most lines a source file may have outside its `#[cfg(test)]` module.
pub const MAX_FILE_LINES: usize = 600;
/// The most lines a web handler (a function taking `State(..)`) may have.
pub const MAX_HANDLER_LINES: usize = 60;

/// The lines of a source file before its unit tests.
fn code_lines(text: &str) -> usize {
    text.lines()
        .take_while(|l| !l.trim_start().starts_with("#[cfg(test)]"))
        .count()
}

/// The handlers over [`MAX_HANDLER_LINES`]: (first line, name, lines). A handler is a function
/// at the top level of a module whose parameters extract `State(..)`; it ends at the first `}`
/// in the first column after it.
fn long_handlers(text: &str) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        let is_fn = ["pub async fn ", "async fn ", "pub fn ", "fn "]
            .iter()
            .any(|p| l.starts_with(p));
        if !is_fn {
            i += 1;
            continue;
        }
        let Some(end) = (i..lines.len()).find(|&j| lines[j] == "}") else {
            break;
        };
        let sig_end = (i..=end).find(|&j| lines[j].ends_with('{')).unwrap_or(end);
        let takes_state = lines[i..=sig_end].iter().any(|s| s.contains("State("));
        let n = end - i + 1;
        if takes_state && n > MAX_HANDLER_LINES {
            let name = l
                .split("fn ")
                .nth(1)
                .and_then(|r| r.split(['(', '<']).next())
                .unwrap_or("?")
                .to_string();
            out.push((i + 1, name, n));
        }
        i = end + 1;
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_handler_is_found_and_a_long_helper_is_not() {
        let body = "    let x = 1;\n".repeat(MAX_HANDLER_LINES);
        let text = format!(
            "pub async fn page(\n    State(state): State<AppState>,\n) -> R {{\n{body}}}\n\n\
             fn helper(a: u8) -> u8 {{\n{body}}}\n\n\
             async fn short(State(s): State<AppState>) {{\n    x\n}}\n"
        );
        let found = long_handlers(&text);
        assert_eq!(found, vec![(1, "page".to_string(), MAX_HANDLER_LINES + 4)]);
    }

    #[test]
    fn unit_tests_do_not_count_toward_a_file_s_length() {
        let text = "fn a() {}\nfn b() {}\n#[cfg(test)]\nmod tests {\n}\n";
        assert_eq!(code_lines(text), 2);
    }
}
