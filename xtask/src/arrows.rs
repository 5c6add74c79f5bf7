//! The allowed arrows between Nära's crates, checked with `cargo metadata` as part of
//! `cargo xtask ci`, so the layering cannot drift: every arrow points toward `nara-core`, and the
//! server and the CLI reach the store and the Excel layer only through `nara-app`'s use cases.
//!
//! ```text
//! nara-core ← nara-excel, nara-pdf, nara-store ← nara-app ← nara-server ← nara-cli
//! ```
//!
//! Only normal (build) dependencies count: tests may use any crate to build their fixtures.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// Which of our crates each of our crates may depend on (normal dependencies).
pub const ALLOWED: &[(&str, &[&str])] = &[
    ("nara-core", &[]),
    ("nara-excel", &["nara-core"]),
    ("nara-pdf", &["nara-core"]),
    ("nara-store", &["nara-core"]),
    (
        "nara-app",
        &["nara-core", "nara-excel", "nara-pdf", "nara-store"],
    ),
    ("nara-server", &["nara-core", "nara-app"]),
    ("nara-cli", &["nara-core", "nara-app", "nara-server"]),
    ("xtask", &[]),
];

/// Arrows that break the layering and are being removed (none since issue 16 moved the server
/// behind `nara_app::App`). A ratchet: the check fails on any other arrow, and also when one of
/// these is gone but still listed, so the list can only shrink.
pub const KNOWN: &[(&str, &str)] = &[];

/// The arrows between workspace crates in a `cargo metadata` document: crate → its normal
/// dependencies that are workspace crates.
pub fn arrows(metadata: &Value) -> BTreeMap<String, Vec<String>> {
    let ours: Vec<String> = metadata["packages"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter(|p| p["source"].is_null())
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut out = BTreeMap::new();
    for p in metadata["packages"].as_array().into_iter().flatten() {
        let Some(name) = p["name"].as_str() else {
            continue;
        };
        if !ours.iter().any(|o| o == name) {
            continue;
        }
        let mut deps: Vec<String> = p["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            // `kind` is null for normal dependencies, "dev" or "build" otherwise.
            .filter(|d| d["kind"].is_null())
            .filter_map(|d| d["name"].as_str())
            .filter(|d| ours.iter().any(|o| o == d))
            .map(str::to_string)
            .collect();
        deps.sort();
        deps.dedup();
        out.insert(name.to_string(), deps);
    }
    out
}

/// The arrows that are not allowed, as sentences; `known` ones are left out while they exist and
/// named when they are gone.
pub fn violations(arrows: &BTreeMap<String, Vec<String>>, known: &[(&str, &str)]) -> Vec<String> {
    let mut out = Vec::new();
    for (from, to) in known {
        if !arrows.get(*from).is_some_and(|d| d.iter().any(|x| x == to)) {
            out.push(format!(
                "{from} no longer depends on {to}: remove it from KNOWN in xtask/src/arrows.rs"
            ));
        }
    }
    for (from, deps) in arrows {
        let Some((_, allowed)) = ALLOWED.iter().find(|(c, _)| c == from) else {
            out.push(format!(
                "{from} is a workspace crate the arrow check does not know: add it to xtask/src/arrows.rs"
            ));
            continue;
        };
        for d in deps {
            if !allowed.contains(&d.as_str()) && !known.contains(&(from.as_str(), d.as_str())) {
                out.push(format!(
                    "{from} depends on {d}: not allowed (allowed: {})",
                    if allowed.is_empty() {
                        "none of ours".to_string()
                    } else {
                        allowed.join(", ")
                    }
                ));
            }
        }
    }
    out
}

/// Runs `cargo metadata` and fails on any arrow that is not allowed.
pub fn check(root: &Path) -> Result<()> {
    eprintln!("\n==> crate arrows (cargo metadata)");
    let out = crate::cargo()
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps", "--locked"])
        .output()
        .context("could not run cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let meta: Value = serde_json::from_slice(&out.stdout).context("cargo metadata's JSON")?;
    let problems = violations(&arrows(&meta), KNOWN);
    if !problems.is_empty() {
        bail!("crate arrows:\n  {}", problems.join("\n  "));
    }
    match KNOWN.len() {
        0 => eprintln!("every arrow points toward nara-core through nara-app"),
        n => eprintln!(
            "every arrow points toward nara-core through nara-app, but for {n} known one(s) being removed"
        ),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dependency: name and kind (`None`: normal).
    type Dep<'a> = (&'a str, Option<&'a str>);

    fn meta(deps: &[(&str, &[Dep])]) -> Value {
        let packages: Vec<Value> = deps
            .iter()
            .map(|(name, ds)| {
                serde_json::json!({
                    "name": name,
                    "source": null,
                    "dependencies": ds.iter().map(|(d, kind)| serde_json::json!({"name": d, "kind": kind})).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::json!({ "packages": packages })
    }

    #[test]
    fn the_intended_layering_passes() {
        let m = meta(&[
            ("nara-core", &[("serde", None)]),
            ("nara-store", &[("nara-core", None)]),
            (
                "nara-server",
                &[
                    ("nara-app", None),
                    ("nara-core", None),
                    ("nara-store", Some("dev")),
                ],
            ),
            ("nara-app", &[("nara-store", None), ("nara-excel", None)]),
            ("nara-excel", &[("nara-core", None)]),
        ]);
        assert_eq!(violations(&arrows(&m), &[]), Vec::<String>::new());
    }

    #[test]
    fn a_shortcut_past_the_app_is_named() {
        let m = meta(&[
            ("nara-server", &[("nara-store", None), ("nara-app", None)]),
            ("nara-cli", &[("nara-excel", None)]),
            ("nara-core", &[("nara-app", None)]),
            ("nara-store", &[]),
            ("nara-excel", &[]),
            ("nara-app", &[]),
        ]);
        let v = violations(&arrows(&m), &[]);
        assert_eq!(v.len(), 3, "{v:?}");
        assert!(
            v.iter()
                .any(|s| s.starts_with("nara-server depends on nara-store"))
        );
        assert!(
            v.iter()
                .any(|s| s.starts_with("nara-cli depends on nara-excel"))
        );
        assert!(
            v.iter()
                .any(|s| s.starts_with("nara-core depends on nara-app"))
        );
    }

    #[test]
    fn an_unknown_crate_is_named() {
        let m = meta(&[("nara-new", &[])]);
        assert!(violations(&arrows(&m), &[])[0].contains("does not know"));
    }

    #[test]
    fn a_known_arrow_is_tolerated_while_it_exists_and_named_when_gone() {
        let with = meta(&[
            ("nara-server", &[("nara-store", None)]),
            ("nara-store", &[]),
        ]);
        let known = [("nara-server", "nara-store")];
        assert!(violations(&arrows(&with), &known).is_empty());
        let without = meta(&[("nara-server", &[]), ("nara-store", &[])]);
        assert!(violations(&arrows(&without), &known)[0].contains("no longer depends"));
    }
}
