//! The workbooks printed as a person prints them: LibreOffice converts them to PDF (it prints
//! every sheet, as Excel's "skriv ut hela arbetsboken" does). The county summary of a realistic
//! county (every organisation of Dalarna, two to four units each, two rounds) prints on a few
//! pages without Rådata's thousands of rows, and its first page, Sammanfattning, shows the
//! report's numbers; the blank form prints the deadline, where to send it and the contact, and
//! its Resultat page has no `#N/A`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use nara_core::report::{Form, RawTable, RoundData, RoundReport, round_report, trend};
use nara_core::round::Date;
use nara_core::{
    Answer, AnswerSet, AreaId, Contact, Instrument, Organisations, Response, RoundId, UnitName,
};
use nara_excel::summary::{ActivityInput, OrgInput, SummaryInput, org_workbook, summary_workbook};
use nara_excel::{Filled, FormSpec, import_form, write_filled_form, write_form};

use crate::office::{convert, ensure_libreoffice};
use crate::support::{ctx, round};

/// The most pages the realistic county's summary may print (it printed 502 with Rådata).
const MAX_SUMMARY_PAGES: u32 = 40;

/// A rater's answers, varied by organisation, unit and round; some "vet ej", some blank.
fn answers(inst: &Instrument, seed: usize) -> AnswerSet {
    let mut set = AnswerSet::default();
    for (i, (_, s)) in inst.statements().enumerate() {
        let k = (i * 7 + seed * 13) % 11;
        let a = match k {
            0 => continue,
            1 => Answer::NotApplicable,
            k => Answer::Level(((k + seed + i / 5) % 4 + 1) as u8),
        };
        set.answers.insert(s.id.clone(), a);
    }
    set.comments.insert(
        AreaId::parse("D2").unwrap(),
        format!("Samverkan med vårdcentralen fungerar bra i team {seed}."),
    );
    set
}

/// Every organisation but the last two answers 2026 with two to four units; 2025 all but the
/// last one did.
fn county(inst: &Instrument, orgs: &Organisations) -> (Vec<Response>, Vec<Response>) {
    let mut now = Vec::new();
    let mut before = Vec::new();
    let n = orgs.organisations.len();
    for (k, o) in orgs.organisations.iter().enumerate() {
        for u in 0..(2 + k % 3) {
            for (year, list, answered) in [
                ("2026", &mut now, k + 2 < n),
                ("2025", &mut before, k + 1 < n),
            ] {
                if !answered {
                    continue;
                }
                list.push(Response {
                    round: RoundId::parse(year).unwrap(),
                    org: o.code.clone(),
                    unit: UnitName::parse(&format!("Enhet {}", u + 1)).unwrap(),
                    rater: String::new(),
                    participants: "Team".into(),
                    date: format!("{year}-03-01"),
                    instrument_id: inst.id().to_string(),
                    instrument_version: inst.version().to_string(),
                    consensus: false,
                    set: answers(inst, k * 5 + u + if year == "2025" { 3 } else { 0 }),
                });
            }
        }
    }
    (now, before)
}

fn forms(rs: &[Response]) -> Vec<Form<'_>> {
    rs.iter()
        .map(|r| Form {
            response: r,
            stored_at: 0,
            source: "form.xlsx",
        })
        .collect()
}

/// Keeps a PDF and its workbook for a person to look at when `NARA_PRINT_DIR` names a
/// directory.
fn keep(pdf: &Path, name: &str) {
    if let Some(dir) = std::env::var_os("NARA_PRINT_DIR") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(pdf, Path::new(&dir).join(name)).unwrap();
        let xlsx = pdf.with_extension("xlsx");
        if xlsx.exists() {
            std::fs::copy(xlsx, Path::new(&dir).join(name).with_extension("xlsx")).unwrap();
        }
    }
}

fn pdf_pages(pdf: &Path) -> u32 {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&out.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo says no page count: {info}"))
}

/// The text of pages `first..=last`, every run of white space one space.
fn pdf_text(pdf: &Path, first: u32, last: u32) -> String {
    let out = Command::new("pdftotext")
        .args(["-f", &first.to_string(), "-l", &last.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A number as the PDF shows it with two decimals, in either locale's decimal mark.
fn shows(text: &str, v: f64) -> bool {
    let dot = format!("{v:.2}");
    text.contains(&dot) || text.contains(&dot.replace('.', ","))
}

fn summary(
    report: &RoundReport,
    inst: &Instrument,
    trend: &[nara_core::report::TrendRound],
    raw: &RawTable,
) -> Vec<u8> {
    let orgs = Organisations::dalarna();
    let org_names: BTreeMap<String, String> = orgs
        .organisations
        .iter()
        .map(|o| (o.code.to_string(), o.name.clone()))
        .collect();
    summary_workbook(&SummaryInput {
        instrument: inst,
        report,
        trend,
        raw,
        org_names: &org_names,
        nyckeltal: &[],
        nyckeltal_sources: &BTreeMap::new(),
        activities: ActivityInput::empty(Date::parse("2026-11-25").unwrap()),
        generated_at: "2026-11-25 10:15",
    })
    .unwrap()
}

#[test]
fn the_county_summary_prints_a_few_pages_and_a_one_page_sammanfattning() {
    ensure_libreoffice();
    let inst = Instrument::dalarna();
    let orgs = Organisations::dalarna();
    let (now, before) = county(&inst, &orgs);
    let (r2026, r2025) = (round(&inst, "2026"), round(&inst, "2025"));
    let this = RoundData {
        round: &r2026,
        instrument: &inst,
        forms: forms(&now),
    };
    let prev = RoundData {
        round: &r2025,
        instrument: &inst,
        forms: forms(&before),
    };
    let report = round_report(&this, Some(&prev), &orgs.organisations, None);
    let trend = trend(&[prev.clone(), this.clone()]);
    let mut raw = RawTable::default();
    raw.push_round(&inst, &orgs.organisations, &prev.forms);
    raw.push_round(&inst, &orgs.organisations, &this.forms);
    assert!(
        raw.len() > 2_000,
        "a realistic county has thousands of answers"
    );

    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("lan.xlsx");
    std::fs::write(&xlsx, summary(&report, &inst, &trend, &raw)).unwrap();
    let pdf = convert(&xlsx, "pdf", dir.path());
    keep(&pdf, "lan.pdf");
    let pages = pdf_pages(&pdf);
    assert!(
        (10..=MAX_SUMMARY_PAGES).contains(&pages),
        "the summary prints {pages} pages"
    );
    let all = pdf_text(&pdf, 1, pages);
    // Rådata prints its two lines, none of its rows.
    assert!(all.contains("Rådata skrivs inte ut rad för rad"));
    // Every row of Rådata names its answer; the printed pages name them only in headers.
    let label = &inst.scale().levels[0].label;
    let named = all.matches(label.as_str()).count();
    assert!(
        named < 10,
        "{label:?} is printed {named} times: Rådata's rows print"
    );
    assert!(all.contains("Sida 1 av"), "no page numbers");

    // Sammanfattning: one page, the report's numbers.
    let first = pdf_text(&pdf, 1, 1);
    assert!(first.contains("Sammanfattning 2026"), "page 1: {first}");
    let answered = report.organisations.len();
    let all_orgs = answered + report.not_answered.len();
    assert_eq!(report.not_answered.len(), 2);
    assert!(
        first.contains(&format!(
            "{answered} av {all_orgs} organisationer har svarat, med {} verksamheter och {} blanketter.",
            report.unit_count(),
            report.forms
        )),
        "participation: {first}"
    );
    for (i, a) in inst.areas().iter().enumerate() {
        assert!(
            first.contains(&format!("{} {}", a.id, a.name)),
            "{} missing",
            a.id
        );
        let now = report.county.areas[i].stats.unwrap().mean;
        let before = report.previous_county.as_ref().unwrap().areas[i]
            .stats
            .unwrap()
            .mean;
        assert!(shows(&first, now), "{}: {now:.2} missing: {first}", a.id);
        assert!(shows(&first, before), "{}: {before:.2} missing", a.id);
        let c = report.county_change[i].unwrap();
        let change = format!(
            "{} {} ({})",
            c.direction.arrow(),
            nara_core::fmt::delta(c.delta, 2),
            c.direction.label()
        );
        assert!(first.contains(&change), "{}: {change} missing", a.id);
    }
    assert!(shows(&first, report.county.overall.unwrap().mean));
    // The strongest and weakest statements: the highest and lowest means of the distribution.
    let mut rated: Vec<_> = report
        .distribution
        .iter()
        .filter_map(|d| d.mean.map(|m| (m, d)))
        .collect();
    rated.sort_by(|a, b| b.0.total_cmp(&a.0));
    assert!(first.contains("Starkast i länet") && first.contains("Svagast i länet"));
    let (best, worst) = (rated[0].0, rated[rated.len() - 1].0);
    for m in [best, worst] {
        assert!(shows(&first, m), "{m:.2} missing");
        // With ties, one of the statements with that mean.
        assert!(
            rated
                .iter()
                .any(|(v, d)| *v == m && first.contains(&format!("{} ", d.statement))),
            "no statement with the mean {m:.2}"
        );
    }
    assert!(
        first.contains(nara_core::yearly::READING[2]),
        "the caution is missing: {first}"
    );
    let second = pdf_text(&pdf, 2, 2);
    assert!(
        second.contains("Länssammanställning 2026"),
        "Översikt starts on page 2: {second}"
    );

    // The organisation report: its strongest statements print whole, with their means.
    let o = &report.organisations[0];
    let org = org_workbook(&OrgInput {
        instrument: &inst,
        report: &report,
        org: o.code.as_str(),
        county: true,
        trend: &trend,
        nyckeltal: &[],
        activities: ActivityInput::empty(Date::parse("2026-11-25").unwrap()),
        generated_at: "2026-11-25 10:15",
    })
    .unwrap();
    let xlsx = dir.path().join("org.xlsx");
    std::fs::write(&xlsx, org).unwrap();
    let pdf = convert(&xlsx, "pdf", dir.path());
    keep(&pdf, "org.pdf");
    let text = pdf_text(&pdf, 1, pdf_pages(&pdf));
    for h in o.scores.top.iter().chain(&o.scores.bottom) {
        let st = inst
            .statements()
            .find(|(_, s)| s.id == h.statement)
            .map(|(_, s)| s.text.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap();
        assert!(text.contains(&st), "{} is not printed whole", h.statement);
        assert!(shows(&text, h.value));
    }
    for s in nara_excel::summary::method_sentences(&inst) {
        assert!(
            text.contains(&s),
            "the method sentence is not printed whole: {s}"
        );
    }
}

#[test]
fn the_printed_form_shows_the_deadline_the_contact_and_no_na() {
    ensure_libreoffice();
    let ctx = ctx();
    let mut r = ctx.rounds[0].clone();
    r.closes = Some(Date::parse("2026-12-15").unwrap());
    let contact = Contact::parse("Anna Andersson", "anna.andersson@regiondalarna.se").unwrap();
    let spec = FormSpec {
        instrument: &ctx.instruments[0],
        org: ctx.organisations.find("2080").unwrap(),
        round: &r,
        send_to: Some(&contact),
    };
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("blankett.xlsx");
    std::fs::write(&xlsx, write_form(&spec).unwrap()).unwrap();
    let pdf = convert(&xlsx, "pdf", dir.path());
    keep(&pdf, "blankett.pdf");
    let pages = pdf_pages(&pdf);
    let all = pdf_text(&pdf, 1, pages);
    let send = "Skicka den ifyllda blanketten till Anna Andersson, anna.andersson@regiondalarna.se senast 2026-12-15.";
    assert!(all.contains(send), "{all}");
    assert!(all.contains("Frågor: Anna Andersson, anna.andersson@regiondalarna.se."));
    assert!(all.contains("Skala: 1 "), "the scale is missing");
    assert!(
        all.contains("Sista dag: 2026-12-15"),
        "the page header is missing"
    );
    assert!(
        !all.contains("#N/A") && !all.contains("#SAKNAS"),
        "an error value prints: {all}"
    );
    // Instruktioner is one page; Resultat is one page (its title once).
    assert_eq!(
        pdf_text(&pdf, 1, 1)
            .matches("Så fyller ni i blanketten")
            .count(),
        1
    );
    assert_eq!(all.matches("Ert resultat per delmål").count(), 1);

    // Without a contact the form sends to the regional coordinator, and says no "Frågor".
    let spec = FormSpec {
        send_to: None,
        ..spec
    };
    let xlsx = dir.path().join("utan.xlsx");
    std::fs::write(&xlsx, write_form(&spec).unwrap()).unwrap();
    let pdf = convert(&xlsx, "pdf", dir.path());
    let all = pdf_text(&pdf, 1, pdf_pages(&pdf));
    assert!(all.contains(
        "Skicka den ifyllda blanketten till den regionala samordnaren senast 2026-12-15."
    ));
    assert!(!all.contains("Frågor:"));
}

#[test]
fn a_filled_form_with_a_contact_imports_as_before_and_prints() {
    let ctx = ctx();
    let contact = Contact::parse("Anna Andersson", "anna.andersson@regiondalarna.se").unwrap();
    let spec = FormSpec {
        instrument: &ctx.instruments[0],
        org: ctx.organisations.find("2080").unwrap(),
        round: &ctx.rounds[0],
        send_to: Some(&contact),
    };
    let mut set = answers(&ctx.instruments[0], 1);
    set.notes.insert(
        nara_core::StatementId::parse("D1.1").unwrap(),
        "En lång kommentar som ska få plats: raden växer med texten.".into(),
    );
    let filled = Filled {
        unit: "Hemsjukvården".into(),
        participants: "Anna, Bo".into(),
        date: "2026-03-01".into(),
        answers: set.clone(),
        ..Default::default()
    };
    let bytes = write_filled_form(&spec, &filled).unwrap();
    let r = import_form("f.xlsx", &bytes, &ctx).unwrap();
    assert_eq!(r.set, set);
    assert_eq!(r.unit.as_str(), "Hemsjukvården");

    // Printed, the filled form shows its comment and its index, and no error value.
    ensure_libreoffice();
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("ifylld.xlsx");
    std::fs::write(&xlsx, &bytes).unwrap();
    let pdf = convert(&xlsx, "pdf", dir.path());
    keep(&pdf, "ifylld.pdf");
    let all = pdf_text(&pdf, 1, pdf_pages(&pdf));
    assert!(all.contains("En lång kommentar som ska få plats: raden växer med texten."));
    let index = nara_core::scoring::score_answers(&ctx.instruments[0], &set)
        .overall
        .unwrap();
    assert!(shows(&all, index), "the index {index:.2} is not printed");
    assert!(
        !all.contains("#N/A") && !all.contains("#SAKNAS"),
        "an error value prints"
    );
}
