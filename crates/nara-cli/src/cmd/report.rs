//! `nara status`, `nara report` and `nara backup`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use nara_app::App;
use nara_app::demo::DEMO_SOURCE;
use nara_core::indicator::Unit;
use nara_core::indicator::view::{Arrow, Card, Cell, Column, Shown, Table, TableRow};
use nara_core::{AreaId, Instrument, OrgCode, fmt};

use crate::Out;

/// `nara status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Omgången.
    #[arg(long)]
    pub round: String,
    /// Skriv ut JSON.
    #[arg(long)]
    pub json: bool,
}

/// `nara report`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exempel:\n  nara report --round 2026\n  nara report --round 2026 --org 2080\n  nara report --round 2026 --json > 2026.json\n  nara report year --year 2026 --pdf arsrapport-2026.pdf --xlsx arsrapport-2026.xlsx"
)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ReportArgs {
    /// Årsrapporten i stället för en omgångs rapport.
    #[command(subcommand)]
    pub kind: Option<super::year::ReportKind>,
    /// Omgången.
    #[arg(long, required = true)]
    pub round: Option<String>,
    /// Bara den här organisationen (kod eller namn).
    #[arg(long)]
    pub org: Option<String>,
    /// Skriv ut JSON (alla tal oavrundade).
    #[arg(long)]
    pub json: bool,
}

/// `nara backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Filen att skriva (får inte finnas).
    #[arg(short, long)]
    pub output: PathBuf,
}

/// Who has answered.
pub async fn status(app: &App, args: &StatusArgs, out: &Out) -> Result<ExitCode> {
    let t = app.response_tracking(super::round_id(&args.round)?).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&t)?);
        return Ok(ExitCode::SUCCESS);
    }
    let answered = t.answered_count();
    println!(
        "Omgång {}: {answered} av {} organisationer har svarat.",
        t.round,
        t.organisations.len()
    );
    for o in &t.organisations {
        if o.units.is_empty() {
            continue;
        }
        println!("{}", nara_core::org::with_code(&o.name, &o.code));
        for u in &o.units {
            let raters: Vec<&str> = u
                .raters
                .iter()
                .map(|r| {
                    if r.is_empty() {
                        "verksamheten"
                    } else {
                        r.as_str()
                    }
                })
                .collect();
            println!(
                "  {:<30} {}{}",
                u.name,
                raters.join(", "),
                if u.consensus { " + samsyn" } else { "" }
            );
        }
    }
    let missing: Vec<String> = t
        .missing()
        .map(|o| nara_core::org::with_code(&o.name, &o.code))
        .collect();
    if !missing.is_empty() {
        println!("Har inte svarat: {}", missing.join(", "));
    }
    if !t.web.is_empty() {
        println!("Svar på webben som inte är inskickade:");
        for w in &t.web {
            let who = if w.consensus {
                "samsyn"
            } else if w.rater.is_empty() {
                "verksamheten"
            } else {
                w.rater.as_str()
            };
            let state = w.saved_at.map_or_else(
                || "ej påbörjad".to_string(),
                |t| format!("utkast sparat {}", nara_app::exports::local(t)),
            );
            println!("  {} {:<30} {who}: {state}", w.org, w.unit);
        }
    }
    let _ = out;
    Ok(ExitCode::SUCCESS)
}

/// The scores of a round.
pub async fn report(app: &App, args: &ReportArgs, out: &Out) -> Result<ExitCode> {
    if let Some(super::year::ReportKind::Year(y)) = &args.kind {
        return super::year::run(app, y, out).await;
    }
    let round = super::round_id(args.round.as_deref().unwrap_or_default())?;
    let org = match &args.org {
        Some(o) => Some(
            app.organisations()
                .await?
                .find(o)
                .map(|o| o.code.clone())
                .ok_or_else(|| {
                    anyhow::anyhow!("Organisationen ”{o}” finns inte. Se nara org list.")
                })?,
        ),
        None => None,
    };
    let r = app
        .round_report(round, org.as_ref(), nara_app::report::Earlier::All)
        .await?;
    let (_, inst) = app.round_instrument(round).await?;
    let nyckeltal = Nyckeltal::load(app, &inst, org.as_ref()).await?;
    if args.json {
        let mut json = serde_json::to_value(&r)?;
        if let Some(obj) = json.as_object_mut() {
            obj.insert("nyckeltal".into(), nyckeltal.json());
        }
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(note) = r.preliminary_note() {
        println!("{note}");
    }
    let heads: Vec<String> = r.areas.iter().map(|a| a.id.clone()).collect();
    // The name column is as wide as the longest name (units are indented by two).
    let w = r
        .organisations
        .iter()
        .flat_map(|o| {
            std::iter::once(nara_core::org::with_code(&o.name, &o.code).chars().count())
                .chain(o.units.iter().map(|u| u.name.as_str().chars().count() + 2))
        })
        .chain([24])
        .max()
        .unwrap_or(24);
    let uw = w - 2;
    if let (Some(code), true) = (&org, r.organisations.is_empty()) {
        let orgs = app.organisations().await?;
        let name = orgs
            .find(code.as_str())
            .map_or(code.to_string(), |o| o.name.clone());
        println!("{}", super::report_lines::not_answered(&name, &r));
        return Ok(ExitCode::SUCCESS);
    }
    let mut no_index = false;
    println!(
        "{:<w$} {:>6} {}",
        "organisation",
        "index",
        heads.iter().map(|h| format!("{h:>12}")).collect::<String>()
    );
    for o in &r.organisations {
        let cells: String = o
            .scores
            .areas
            .iter()
            .map(|a| format!("{:>12}", fmt::score(a.mean)))
            .collect();
        println!(
            "{:<w$} {:>6} {cells}",
            nara_core::org::with_code(&o.name, &o.code),
            index_cell(o.scores.overall, &mut no_index)
        );
        if let Some(line) =
            super::report_lines::change_row(&r, "  ", w, o.overall_change.as_ref(), &o.change)
        {
            println!("{line}");
        }
        for u in &o.units {
            let cells: String = u
                .result
                .scores
                .areas
                .iter()
                .map(|a| format!("{:>12}", fmt::score(a.mean)))
                .collect();
            println!(
                "  {:<uw$} {:>6} {cells}",
                u.name.as_str(),
                index_cell(u.result.scores.overall, &mut no_index)
            );
            if u.new_this_round {
                println!("    ny i år");
            } else if let Some(line) =
                super::report_lines::change_row(&r, "    ", w, u.overall_change.as_ref(), &u.change)
            {
                println!("{line}");
            }
        }
    }
    if org.is_none() {
        let cells: String = r
            .county
            .areas
            .iter()
            .map(|a| format!("{:>12}", fmt::score(a.stats.map(|s| s.mean))))
            .collect();
        println!(
            "{:<w$} {:>6} {cells}",
            "Länet (medel)",
            index_cell(r.county.overall.map(|s| s.mean), &mut no_index)
        );
        for (a, c) in r.areas.iter().zip(&r.county_change) {
            if let Some(c) = c {
                println!(
                    "  {} {}: {} {} ({}) sedan {}",
                    a.id,
                    a.name,
                    c.direction.arrow(),
                    fmt::delta(c.delta, 2),
                    c.direction.label(),
                    r.previous.map(|p| p.to_string()).unwrap_or_default()
                );
            }
        }
        if !r.not_answered.is_empty() {
            out.say(format!(
                "Har inte svarat: {}",
                r.not_answered
                    .iter()
                    .map(|o| o.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if no_index {
        println!(
            "– i kolumnen index: {}",
            nara_core::scoring::no_index_rule(&inst)
        );
    }
    println!();
    for line in nyckeltal.lines() {
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The nyckeltal part of `nara report`: the organisation's cards or the county's tables per
/// delmål, with every indicator (the operator sees all).
enum Nyckeltal {
    /// One organisation's cards per delmål.
    Org {
        /// Whether any value is stored.
        any: bool,
        /// The delmål, its name and its cards.
        areas: Vec<(AreaId, String, Vec<Card>)>,
    },
    /// The county's table per delmål.
    County {
        /// Whether any value is stored.
        any: bool,
        /// The delmål's names and tables.
        tables: Vec<(String, Table)>,
        /// Whether the values are the demo's made-up ones.
        demo: bool,
    },
}

impl Nyckeltal {
    async fn load(app: &App, inst: &Instrument, org: Option<&OrgCode>) -> Result<Self> {
        let snap = app.snapshot().await?;
        let n = app.nyckeltal(&snap).await?;
        let any = !n.is_empty();
        Ok(match org {
            Some(code) => Self::Org {
                any,
                areas: (snap.organisation(code))
                    .map(|o| nara_app::exports::org_nyckeltal(&n, inst, o, false))
                    .unwrap_or_default(),
            },
            None => {
                let (tables, sources) =
                    nara_app::exports::county_nyckeltal(&n, inst, &snap.organisations, false);
                let name = |a: &AreaId| {
                    (inst.areas().iter())
                        .find(|x| &x.id == a)
                        .map_or_else(|| a.to_string(), |x| format!("{} {}", x.id, x.name))
                };
                Self::County {
                    any,
                    demo: sources.values().any(|p| p.source == DEMO_SOURCE),
                    tables: tables.into_iter().map(|t| (name(&t.area), t)).collect(),
                }
            }
        })
    }

    /// Under the key "nyckeltal" of `--json`: per delmål its id, name and cards or table.
    fn json(&self) -> serde_json::Value {
        match self {
            Self::Org { areas, .. } => (areas.iter())
                .map(
                    |(a, name, cards)| serde_json::json!({"area": a, "name": name, "cards": cards}),
                )
                .collect(),
            Self::County { tables, .. } => (tables.iter())
                .map(|(name, t)| serde_json::json!({"area": t.area, "name": name, "table": t}))
                .collect(),
        }
    }

    /// The text lines, beginning with the heading "Nyckeltal".
    fn lines(&self) -> Vec<String> {
        let mut out = vec!["Nyckeltal".to_string()];
        let (any, demo) = match self {
            Self::Org { any, areas } => (
                *any,
                (areas.iter().flat_map(|(_, _, cs)| cs)).any(|c| {
                    c.provenance
                        .as_ref()
                        .is_some_and(|p| p.source == DEMO_SOURCE)
                }),
            ),
            Self::County { any, demo, .. } => (*any, *demo),
        };
        if !any {
            out.push("Inga nyckeltal är hämtade än.".into());
        }
        if demo {
            out.push("Påhittade demovärden (nara demo), inte hämtade från Kolada.".into());
        }
        match self {
            Self::Org { areas, .. } => {
                for (a, name, cards) in areas {
                    out.push(format!("{a} {name}"));
                    out.extend(cards.iter().map(|c| format!("  {}", card_line(c))));
                }
            }
            Self::County { tables, .. } => {
                for (name, t) in tables {
                    out.push(name.clone());
                    for (i, col) in t.columns.iter().enumerate() {
                        out.push(format!("  {}", county_line(t, i, col)));
                    }
                }
            }
        }
        out
    }
}

/// A value with its unit: "82,4 %", "12", "8 123 kr per invånare" (without grouping).
fn with_unit(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Andel => format!("{} %", fmt::decimal(v, 1)),
        Unit::Per100000 => format!("{} per 100 000 invånare", fmt::decimal(v, 1)),
        Unit::Antal => number(unit, v),
        Unit::KrPerInv => format!("{} kr per invånare", fmt::decimal(v, 0)),
    }
}

/// A value without its unit, with the unit's decimals.
fn number(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Antal if v.fract() == 0.0 => fmt::decimal(v, 0),
        Unit::KrPerInv => fmt::decimal(v, 0),
        _ => fmt::decimal(v, 1),
    }
}

/// A value without its unit, "saknas" or "färre än 10 fall" (never 0).
fn said(unit: Unit, s: Shown) -> String {
    match s {
        Shown::Value { value } => number(unit, value),
        Shown::Hidden { min, .. } => format!("färre än {min} fall"),
        Shown::Missing => "saknas".into(),
    }
}

/// "U21468 Brukarbedömning …: 82,4 % (2025), länet 80,1, riket 81,0, ↗ positiv sedan 2023";
/// "saknas" or "färre än 10 fall (2025)" when there is no value to show, never 0.
fn card_line(c: &Card) -> String {
    let ind = &c.indicator;
    let hidden = c
        .hidden
        .map(|(y, _, min)| format!("färre än {min} fall ({y})"));
    let Some((year, v)) = c.latest else {
        return format!(
            "{} {}: {}",
            ind.id,
            ind.title,
            hidden.as_deref().unwrap_or("saknas")
        );
    };
    let mut line = format!(
        "{} {}: {} ({year})",
        ind.id,
        ind.title,
        with_unit(ind.unit, v)
    );
    if let Some(county) = &c.county {
        line.push_str(&format!(", länet {}", said(ind.unit, county.at(year))));
    }
    line.push_str(&format!(", riket {}", said(ind.unit, c.country.at(year))));
    if let Some(m) = c.movement {
        line.push_str(&format!(
            ", {} {} sedan {}",
            m.arrow.symbol(),
            m.judgement.label(),
            m.from_year
        ));
    }
    if let Some(h) = hidden {
        line.push_str(&format!("; {h}"));
    }
    line
}

/// "U21468 Brukarbedömning … (2025): länet 80,1 %, riket 81,0; kommunerna ↗ 5, → 7, ↘ 3,
/// 1 saknas": the county's value and how the kommuner moved.
fn county_line(t: &Table, i: usize, col: &Column) -> String {
    let ind = &col.indicator;
    let Some(year) = col.year else {
        return format!("{} {}: saknas", ind.id, ind.title);
    };
    let cell = |pick: &dyn Fn(&TableRow) -> bool| {
        (t.rows.iter().find(|r| pick(r))).and_then(|r| r.cells.get(i).copied().flatten())
    };
    let region = cell(&|r| r.code.as_ref().is_some_and(OrgCode::is_region)).map(|c| c.shown);
    let country = cell(&|r| r.code.is_none()).map(|c| c.shown);
    let region = match region {
        Some(Shown::Value { value }) => with_unit(ind.unit, value),
        other => said(ind.unit, other.unwrap_or(Shown::Missing)),
    };
    let country = said(ind.unit, country.unwrap_or(Shown::Missing));
    let mut line = format!(
        "{} {} ({year}): länet {region}, riket {country}",
        ind.id, ind.title
    );
    let kommuner: Vec<Cell> = (t.rows.iter())
        .filter(|r| r.code.as_ref().is_some_and(|c| !c.is_region()))
        .filter_map(|r| r.cells.get(i).copied().flatten())
        .collect();
    if kommuner.is_empty() {
        line.push_str(" (mäts för regionen)");
        return line;
    }
    let count = |a: Arrow| {
        (kommuner.iter())
            .filter(|c| c.shown.value().is_some() && c.movement.is_some_and(|m| m.arrow == a))
            .count()
    };
    line.push_str(&format!(
        "; kommunerna ↗ {}, → {}, ↘ {}",
        count(Arrow::Up),
        count(Arrow::Flat),
        count(Arrow::Down)
    ));
    let missing = (kommuner.iter())
        .filter(|c| c.shown == Shown::Missing)
        .count();
    let hidden = (kommuner.iter())
        .filter(|c| matches!(c.shown, Shown::Hidden { .. }))
        .count();
    let first = (kommuner.iter())
        .filter(|c| c.shown.value().is_some() && c.movement.is_none())
        .count();
    for (n, what) in [
        (first, "utan jämförelse"),
        (missing, "saknas"),
        (hidden, "med för få fall"),
    ] {
        if n > 0 {
            line.push_str(&format!(", {n} {what}"));
        }
    }
    line
}

/// An index for the table, or `–` (and a note under the table) when there is none.
fn index_cell(x: Option<f64>, missing: &mut bool) -> String {
    if x.is_none() {
        *missing = true;
    }
    x.map_or_else(|| "–".to_string(), |v| fmt::score(Some(v)))
}

/// Copies the database.
pub async fn backup(app: &App, args: &BackupArgs, out: &Out) -> Result<ExitCode> {
    app.backup(&args.output, "cli").await?;
    out.say(format!(
        "Säkerhetskopian skrevs till {}.",
        args.output.display()
    ));
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use nara_core::Organisations;
    use nara_core::indicator::Catalogue;
    use nara_core::indicator::kolada::{Gender, Value};
    use nara_core::indicator::view::{self, Provenance, Values};

    use super::*;

    /// Indicator, place, year, value, cases.
    type Row<'a> = (&'a str, &'a str, u16, Option<f64>, Option<u32>);

    fn values(rows: &[Row]) -> Values {
        let mut vs = Values::new();
        for (kpi, place, year, value, cases) in rows {
            let v = Value {
                kpi: kpi.to_string(),
                municipality: place.to_string(),
                period: *year,
                gender: Gender::T,
                status: String::new(),
                value: *value,
                cases: *cases,
                deleted: false,
            };
            let p = Provenance {
                source: "kolada".into(),
                fetched_at: 0,
                published: None,
            };
            vs.insert(&v, p);
        }
        vs
    }

    #[test]
    fn a_card_reads_as_one_line_and_a_gap_is_never_zero() {
        let cat = Catalogue::dalarna();
        let orgs = Organisations::dalarna();
        let falun = orgs.find("2080").unwrap();
        let d1 = AreaId::parse("D1").unwrap();
        let vs = values(&[
            ("U21468", "2080", 2023, Some(80.0), None),
            ("U21468", "2080", 2025, Some(82.4), None),
            ("U21468", "0020", 2025, Some(80.1), None),
            ("U21468", "0000", 2025, Some(81.0), None),
            ("N21497", "2080", 2025, None, None),
        ]);
        let cards = view::cards(&cat, &vs, falun, "0020", &d1, false);
        let line = |id: &str| card_line(cards.iter().find(|c| c.indicator.id == id).unwrap());
        assert_eq!(
            line("U21468"),
            "U21468 Brukarbedömning hemtjänst äldreomsorg – helhetssyn, andel (%): 82,4 % (2025), länet 80,1, riket 81,0, ↗ positiv sedan 2023"
        );
        assert_eq!(
            line("N21497"),
            "N21497 Hemtjänsttagare med fast omsorgskontakt, andel (%): saknas"
        );

        let t = view::table(&cat, &vs, &orgs.organisations, &d1, false);
        let i = (t.columns.iter())
            .position(|c| c.indicator.id == "U21468")
            .unwrap();
        let county = county_line(&t, i, &t.columns[i]);
        assert!(
            county
                .ends_with("(2025): länet 80,1 %, riket 81,0; kommunerna ↗ 1, → 0, ↘ 0, 14 saknas"),
            "{county}"
        );
        let j = (t.columns.iter())
            .position(|c| c.indicator.id == "N21497")
            .unwrap();
        assert!(county_line(&t, j, &t.columns[j]).ends_with(": saknas"));
    }
}
