//! The result workbooks read back (calamine): sheet names, headers, every number equal to the
//! round report to the last decimal, "för få svar" cells, the preliminary marking, free text as
//! text (never a formula), the nyckeltal equal to the app's tables and cards and only those the
//! reader may see, CSV with BOM and neutralised formulas; and the summary opens in LibreOffice.

use std::io::Cursor;
use std::sync::Arc;

use calamine::{Data, Reader, Xlsx};
use nara_app::demo::{Options, run};
use nara_app::report::{Audience, Earlier};
use nara_core::{AnswerSet, OrgCode, Response, RoundId, RoundStatus, UnitName};
use nara_store::Store;
use nara_store::contract;

fn book(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx calamine reads")
}

fn sheet(b: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> calamine::Range<Data> {
    b.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

/// The row whose column `col` says `key`.
fn row_of<'a>(r: &'a calamine::Range<Data>, col: usize, key: &str) -> &'a [Data] {
    r.rows()
        .find(|row| row.get(col).map(text).as_deref() == Some(key))
        .unwrap_or_else(|| panic!("no row {key}"))
}

fn num_or_too_few(d: &Data, want: Option<f64>, what: &str) {
    match (d, want) {
        (Data::Float(got), Some(w)) => assert_eq!(*got, w, "{what}"),
        (Data::String(s), None) => assert_eq!(s, "för få svar", "{what}"),
        (got, w) => panic!("{what}: {got:?} vs {w:?}"),
    }
}

/// An index cell: the number, or "inget index" (too few areas scored).
fn num_or_no_index(d: &Data, want: Option<f64>, what: &str) {
    match (d, want) {
        (Data::Float(got), Some(w)) => assert_eq!(*got, w, "{what}"),
        (Data::String(s), None) => assert_eq!(s, "inget index", "{what}"),
        (got, w) => panic!("{what}: {got:?} vs {w:?}"),
    }
}

async fn with_hostile_comments(store: &dyn Store, round: RoundId) {
    let inst = nara_core::Instrument::dalarna();
    let mut set = AnswerSet::default();
    for (_, s) in inst.statements().take(20) {
        set.answers
            .insert(s.id.clone(), nara_core::Answer::Level(2));
    }
    let hostile = [
        "=HYPERLINK(\"http://x.example\",\"klick\")",
        "+1",
        "-2",
        "@SUM(A1)",
        "<script>alert(1)</script>",
    ];
    for (a, t) in inst.areas().iter().zip(hostile) {
        set.comments.insert(a.id.clone(), t.to_string());
    }
    let r = Response {
        round,
        org: OrgCode::parse("2062").unwrap(),
        unit: UnitName::parse("Injektionsenheten").unwrap(),
        rater: String::new(),
        participants: String::new(),
        date: String::new(),
        instrument_id: inst.id().to_string(),
        instrument_version: inst.version().to_string(),
        consensus: false,
        set,
    };
    store.store_response(&r, "x", "test", "test").await.unwrap();
}

contract!(
    the_county_summary_holds_the_reports_numbers,
    |store: Arc<dyn Store>| async move {
        let s = store.as_ref();
        nara_app::seed_defaults(s).await.unwrap();
        run(s, &Options::default()).await.unwrap();
        let round = RoundId::parse("2026").unwrap();
        with_hostile_comments(s, round).await;
        let rep = nara_app::report::round_report(s, round, None)
            .await
            .unwrap();
        let (name, bytes) =
            crate::support::summary(s, round, nara_app::report::Earlier::All, false)
                .await
                .unwrap();
        assert_eq!(name, "lanssammanstallning-2026.xlsx");
        let mut b = book(&bytes);
        assert_eq!(
            b.sheet_names(),
            [
                "Sammanfattning",
                "Översikt",
                "Diagram",
                "Påståenden",
                "Utveckling",
                "Fritext",
                "Nyckeltal",
                "Aktiviteter",
                "Lokala planer",
                "Rådata",
                "Om"
            ]
        );

        // The preliminary marking on every sheet (an open round).
        for name in b.sheet_names() {
            let r = sheet(&mut b, &name);
            let top: String = r
                .rows()
                .take(2)
                .flat_map(|row| row.iter().map(text))
                .collect();
            assert!(top.contains("PRELIMINÄRT"), "{name}: {top}");
        }

        // Översikt: every organisation's index and areas, exactly as the report.
        let o = sheet(&mut b, "Översikt");
        let header = row_of(&o, 0, "Organisation");
        assert_eq!(text(&header[3]), "Index");
        assert_eq!(text(&header[5]), "Index, förändring sedan 2025");
        assert_eq!(text(&header[6]), "D1 Nära för mig");
        assert_eq!(text(&header[7]), "D1 läge");
        for org in &rep.organisations {
            let row = row_of(&o, 1, org.code.as_str());
            assert_eq!(text(&row[0]), org.name);
            assert_eq!(row[2], Data::Float(org.units.len() as f64));
            num_or_no_index(&row[3], org.scores.overall, "index");
            let change = text(&row[5]);
            match &org.overall_change {
                Some(c) => assert!(
                    change.starts_with(c.direction.arrow())
                        && change.contains(&nara_core::fmt::delta(c.delta, 2)),
                    "{} index change: {change}",
                    org.code
                ),
                None => assert_eq!(change, "", "{} has no index change", org.code),
            }
            for (i, a) in org.scores.areas.iter().enumerate() {
                num_or_too_few(&row[6 + 2 * i], a.mean, &format!("{} {}", org.code, a.area));
                let band = a
                    .mean
                    .map(|m| nara_core::Instrument::dalarna().band(m).label.clone())
                    .unwrap_or_default();
                assert_eq!(text(&row[7 + 2 * i]), band, "band as text");
            }
        }
        let mean = row_of(&o, 0, "Länet – medel");
        for (i, a) in rep.county.areas.iter().enumerate() {
            num_or_too_few(&mean[6 + 2 * i], a.stats.map(|s| s.mean), "county mean");
        }
        let median = row_of(&o, 0, "Länet – median");
        num_or_no_index(
            &median[3],
            rep.county.overall.map(|s| s.median),
            "county median",
        );
        assert!(
            o.rows()
                .any(|r| r.iter().any(|c| text(c).starts_with("Har inte svarat:")))
        );

        // Påståenden: the distribution per statement.
        let p = sheet(&mut b, "Påståenden");
        for d in &rep.distribution {
            let row = row_of(&p, 0, d.statement.as_str());
            for (i, n) in d.levels.iter().enumerate() {
                assert_eq!(
                    row[3 + i],
                    Data::Float(*n as f64),
                    "{} level {i}",
                    d.statement
                );
            }
            assert_eq!(row[7], Data::Float(d.not_applicable as f64));
            assert_eq!(row[8], Data::Float(d.blank as f64));
            num_or_too_few(&row[9], d.mean, "statement mean");
        }

        // Utveckling: three rounds, the county index of each, and the change.
        let u = sheet(&mut b, "Utveckling");
        let trend = nara_app::report::trend(s, round).await.unwrap();
        assert_eq!(trend.len(), 3);
        for t in &trend {
            let row = row_of(&u, 0, &t.round.to_string());
            assert_eq!(row[1], Data::Float(t.county.overall.unwrap().mean));
        }
        let head = row_of(&u, 0, "Organisation");
        assert_eq!(text(&head[3]), "2024");
        assert_eq!(text(&head[6]), "Förändring sedan 2025");

        // Fritext: the hostile comments are plain text, never formulas.
        let f = sheet(&mut b, "Fritext");
        let all: Vec<String> = f.rows().flat_map(|r| r.iter().map(text)).collect();
        for t in [
            "=HYPERLINK(\"http://x.example\",\"klick\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "<script>alert(1)</script>",
        ] {
            assert!(all.iter().any(|c| c == t), "{t} kept verbatim as text");
        }
        let formulas = b.worksheet_formula("Fritext").unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formula in Fritext"
        );

        // Rådata: one row per statement of every form, in every round of the family (so a
        // pivot table can follow the change).
        let raw = nara_app::report::family(s, round).await.unwrap().2;
        assert!(raw.iter().any(|r| r.round == "2024") && raw.iter().any(|r| r.round == "2026"));
        let r = sheet(&mut b, "Rådata");
        let data_rows = r
            .rows()
            .skip_while(|row| text(&row[0]) != "Omgång")
            .skip(1)
            .count();
        assert_eq!(data_rows, raw.len());

        // Om: instrument, version, round, the method.
        let om = sheet(&mut b, "Om");
        let all: String = om
            .rows()
            .flat_map(|r| r.iter().map(text))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(all.contains("dalarna-gnv") && all.contains("2026.1") && all.contains("medianen"));

        // The charts are in the file.
        let zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
        let charts = zip
            .file_names()
            .flatten()
            .filter(|n| n.starts_with("xl/charts/chart"))
            .count();
        assert!(
            charts >= 7,
            "radar, a bar chart per delmål and the line: {charts}"
        );
        assert!(
            zip.file_names()
                .flatten()
                .any(|n| n.starts_with("xl/tables/table")),
            "Rådata is an Excel table"
        );
    }
);

contract!(
    a_published_round_is_not_marked_and_the_org_report_agrees,
    |store: Arc<dyn Store>| async move {
        let s = store.as_ref();
        nara_app::seed_defaults(s).await.unwrap();
        run(s, &Options::default()).await.unwrap();
        let round = RoundId::parse("2025").unwrap();
        assert_eq!(
            nara_app::rounds::get(s, round).await.unwrap().status,
            RoundStatus::Published
        );
        let (_, bytes) = crate::support::summary(s, round, nara_app::report::Earlier::All, false)
            .await
            .unwrap();
        let mut b = book(&bytes);
        for name in b.sheet_names() {
            let r = sheet(&mut b, &name);
            assert!(
                !r.rows()
                    .flat_map(|row| row.iter().map(text))
                    .any(|t| t.contains("PRELIMINÄRT")),
                "{name}"
            );
        }
        let rep = nara_app::report::round_report(s, round, None)
            .await
            .unwrap();
        let org = &rep.organisations[0];
        let (name, bytes) = nara_app::exports::org(
            s,
            round,
            &org.code.clone(),
            nara_app::report::Audience::ALL,
            false,
        )
        .await
        .unwrap();
        assert_eq!(name, format!("rapport-2025-{}.xlsx", org.code));
        let mut b = book(&bytes);
        assert_eq!(
            b.sheet_names(),
            [
                "Översikt",
                "Påståenden",
                "Kommentarer",
                "Nyckeltal",
                "Aktiviteter",
                "Lokala planer",
                "Om"
            ]
        );
        let o = sheet(&mut b, "Översikt");
        for u in &org.units {
            let row = row_of(&o, 0, u.name.as_str());
            num_or_no_index(&row[2], u.result.scores.overall, "unit index");
            for (i, a) in u.result.scores.areas.iter().enumerate() {
                num_or_too_few(&row[4 + 2 * i], a.mean, "unit area");
            }
        }
        let whole = row_of(&o, 0, "Hela organisationen");
        num_or_no_index(&whole[2], org.scores.overall, "org index");
        let county = row_of(&o, 0, "Länets medel");
        num_or_no_index(
            &county[2],
            rep.county.overall.map(|s| s.mean),
            "county index",
        );
        // An organisation that did not answer: a Swedish error, no file.
        let missing = rep.not_answered.first().map(|o| o.id.clone());
        if let Some(code) = missing {
            let err = nara_app::exports::org(
                s,
                round,
                &OrgCode::parse(&code).unwrap(),
                nara_app::report::Audience::ALL,
                false,
            )
            .await
            .unwrap_err()
            .to_string();
            assert!(err.contains("har inte svarat"), "{err}");
        }
    }
);

/// The Dalarna catalogue with its local indicator X-DAL-001 made internal and measured for the
/// kommuner too, so a kommun's report and the county's table have it.
fn internal_catalogue() -> String {
    let toml = nara_core::indicator::DALARNA_TOML;
    let at = toml.find("id = \"X-DAL-001\"").unwrap();
    let (head, tail) = toml.split_at(at);
    let tail = tail
        .replace("level = \"region\"", "level = \"both\"")
        .replace("public = true\n", "");
    assert!(tail.contains("level = \"both\"") && !tail.contains("public"));
    format!("{head}{tail}")
}

/// The sheet Nyckeltal's text in one string.
fn nyckeltal_text(bytes: &[u8]) -> String {
    let r = sheet(&mut book(bytes), "Nyckeltal");
    r.rows()
        .flat_map(|row| row.iter().map(text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A value cell beside its change: the number of the app's table, or an empty cell beside why.
fn nyckeltal_pair(got: &[Data], want: Option<&nara_core::indicator::view::Cell>, what: &str) {
    use nara_core::indicator::view::Shown;
    let why = text(&got[1]);
    match want.map(|c| c.shown) {
        Some(Shown::Value { value }) => assert_eq!(got[0], Data::Float(value), "{what}"),
        Some(Shown::Missing) => {
            assert_eq!((&got[0], why.as_str()), (&Data::Empty, "saknas"), "{what}")
        }
        Some(Shown::Hidden { min, .. }) => {
            assert_eq!(got[0], Data::Empty, "{what}");
            assert_eq!(why, format!("färre än {min} fall"), "{what}");
        }
        None => assert_eq!(got[0], Data::Empty, "{what}"),
    }
}

contract!(
    the_workbooks_carry_the_nyckeltal_the_reader_may_see,
    |store: Arc<dyn Store>| async move {
        let s = store.as_ref();
        nara_app::seed_defaults(s).await.unwrap();
        nara_app::indicator_view::store_catalogue(s, &internal_catalogue(), "test")
            .await
            .unwrap();
        run(s, &Options::default()).await.unwrap();
        let round = RoundId::parse("2026").unwrap();
        let all = Earlier::All;

        // The coordinator's summary: every indicator, the demo marked, the app's numbers.
        let (_, bytes) = crate::support::summary(s, round, all, false).await.unwrap();
        let whole = nyckeltal_text(&bytes);
        assert!(
            whole.contains("X-DAL-001"),
            "the internal indicator for the coordinator"
        );
        assert!(
            whole.contains(nara_excel::summary::DEMO_NOTE),
            "demo values marked"
        );
        assert!(!whole.contains(nara_excel::summary::NO_VALUES));
        let orgs = s.organisations().await.unwrap();
        let n = nara_app::indicator_view::load(s, &orgs).await.unwrap();
        let inst = nara_core::Instrument::dalarna();
        let (tables, _) = nara_app::exports::county_nyckeltal(&n, &inst, &orgs, false);
        let d1 = tables.iter().find(|t| t.area.as_str() == "D1").unwrap();
        let r = sheet(&mut book(&bytes), "Nyckeltal");
        let rows: Vec<&[Data]> = r
            .rows()
            .skip_while(|row| text(&row[0]) != "D1 Nära för mig")
            .skip(2)
            .take(d1.rows.len())
            .collect();
        assert_eq!(rows.len(), d1.rows.len());
        let mut numbers = 0;
        for (got, want) in rows.iter().zip(&d1.rows) {
            assert_eq!(text(&got[0]), want.name);
            for (i, cell) in want.cells.iter().enumerate() {
                let c = 1 + 2 * i;
                nyckeltal_pair(&got[c..c + 2], cell.as_ref(), &want.name);
                numbers += usize::from(matches!(got[c], Data::Float(_)));
            }
        }
        assert!(numbers > 20, "the demo's values are numbers: {numbers}");
        assert_eq!(text(&rows[rows.len() - 1][0]), "Riket");
        assert!(rows.iter().any(|r| text(&r[0]) == "Region Dalarna"));

        // A reader outside the region: only the public indicators.
        let (_, bytes) = crate::support::summary(s, round, all, true).await.unwrap();
        let public = nyckeltal_text(&bytes);
        assert!(public.contains("U21468") && !public.contains("X-DAL-001"));

        // An organisation's report: its own row per indicator; the internal one only for
        // readers who may see it.
        let rep = nara_app::report::round_report(s, round, None)
            .await
            .unwrap();
        let org = (rep.organisations.iter())
            .find(|o| !o.code.is_region())
            .unwrap();
        let org_of =
            |public_only| nara_app::exports::org(s, round, &org.code, Audience::ALL, public_only);
        let (_, own) = org_of(false).await.unwrap();
        let (_, public) = org_of(true).await.unwrap();
        let own_text = nyckeltal_text(&own);
        assert!(own_text.contains("X-DAL-001") && own_text.contains("U21468"));
        assert!(own_text.contains(nara_excel::summary::DEMO_NOTE));
        let public_text = nyckeltal_text(&public);
        assert!(public_text.contains("U21468") && !public_text.contains("X-DAL-001"));
        let o = orgs.iter().find(|o| o.code == org.code).unwrap();
        let cards = nara_app::exports::org_nyckeltal(&n, &inst, o, false);
        let card = cards
            .iter()
            .flat_map(|(_, _, cs)| cs)
            .find(|c| c.indicator.id == "U21468")
            .unwrap();
        let r = sheet(&mut book(&own), "Nyckeltal");
        let row = row_of(&r, 1, "U21468");
        match card.latest {
            Some((year, value)) => {
                assert_eq!(row[5], Data::Float(f64::from(year)));
                assert_eq!(row[6], Data::Float(value));
            }
            None => assert_eq!((&row[6], text(&row[9]).as_str()), (&Data::Empty, "saknas")),
        }
    }
);

#[tokio::test]
async fn raw_csv_has_a_bom_swedish_decimals_and_neutralised_formulas() {
    let (store, _dir) = nara_store::testing::sqlite().await;
    let s = store.as_ref();
    nara_app::seed_defaults(s).await.unwrap();
    run(s, &Options::default()).await.unwrap();
    let round = RoundId::parse("2026").unwrap();
    let inst = nara_core::Instrument::dalarna();
    let mut set = AnswerSet::default();
    let first = inst.statements().next().unwrap().1.id.clone();
    set.answers
        .insert(first.clone(), nara_core::Answer::Level(3));
    set.notes
        .insert(first, "=HYPERLINK(\"http://x\";\"a\")".into());
    let r = Response {
        round,
        org: OrgCode::parse("2062").unwrap(),
        unit: UnitName::parse("Åsens äldreboende").unwrap(),
        rater: "-Enhetschef".into(),
        participants: String::new(),
        date: String::new(),
        instrument_id: inst.id().to_string(),
        instrument_version: inst.version().to_string(),
        consensus: false,
        set,
    };
    s.store_response(&r, "y", "test", "test").await.unwrap();
    let (name, bytes) =
        nara_app::exports::raw_csv(s, round, Some(&OrgCode::parse("2062").unwrap()))
            .await
            .unwrap();
    assert_eq!(name, "radata-2026-2062.csv");
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("Åsens äldreboende"));
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("\"Omgång\";\"Kod\";\"Organisation\"")
    );
    assert!(
        text.contains(";\"'-Enhetschef\";"),
        "a leading - is neutralised"
    );
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://x\"\";\"\"a\"\")\""),
        "quoted and neutralised"
    );
    assert!(
        text.lines()
            .skip(1)
            .all(|l| l.starts_with("\"2026\";\"2062\";")),
        "only the organisation asked for"
    );
    let raw = nara_app::report::raw_rows(s, round, Some(&OrgCode::parse("2062").unwrap()))
        .await
        .unwrap();
    assert_eq!(text.lines().count(), raw.len() + 1);
}

#[tokio::test]
async fn the_summary_and_the_org_report_open_in_libreoffice() {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts/ensure-libreoffice.sh");
    let ok = std::process::Command::new("bash")
        .arg(&script)
        .status()
        .expect("bash runs");
    assert!(
        ok.success(),
        "LibreOffice is needed and could not be installed"
    );
    let (store, dir) = nara_store::testing::sqlite().await;
    nara_app::seed_defaults(store.as_ref()).await.unwrap();
    run(store.as_ref(), &Options::default()).await.unwrap();
    let round = RoundId::parse("2026").unwrap();
    let rep = nara_app::report::round_report(store.as_ref(), round, None)
        .await
        .unwrap();
    let org = &rep.organisations[0];
    let files = [
        (
            crate::support::summary(store.as_ref(), round, nara_app::report::Earlier::All, false)
                .await
                .unwrap(),
            "Länssammanställning 2026".to_string(),
        ),
        (
            nara_app::exports::org(
                store.as_ref(),
                round,
                &org.code.clone(),
                nara_app::report::Audience::ALL,
                false,
            )
            .await
            .unwrap(),
            format!(
                "{} – omgång 2026",
                nara_core::org::with_code(&org.name, &org.code)
            ),
        ),
    ];
    for ((name, bytes), title) in files {
        let path = dir.path().join(&name);
        std::fs::write(&path, bytes).unwrap();
        let profile = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.path().display()
            ))
            .args([
                "--headless",
                "--norestore",
                "--nologo",
                "--convert-to",
                "pdf",
                "--outdir",
            ])
            .arg(dir.path())
            .arg(&path)
            .output()
            .expect("soffice runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pdf = path.with_extension("pdf");
        assert!(
            pdf.exists(),
            "LibreOffice wrote no PDF of {name}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let txt = std::process::Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext runs");
        let txt = String::from_utf8_lossy(&txt.stdout);
        assert!(
            txt.contains(&title) && txt.contains("PRELIMINÄRT"),
            "the PDF of {name} shows {title}"
        );
    }
}
