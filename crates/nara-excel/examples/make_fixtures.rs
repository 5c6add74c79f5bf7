//! Writes the example forms in `fixtures/forms/` (run by `cargo xtask fixtures`): blank forms,
//! filled forms as people fill them (also sloppily typed ones), and broken files that the
//! importer must refuse. They are the seed corpus of the fuzz target, too.

use std::path::PathBuf;

use nara_core::{
    Answer, AnswerSet, AreaId, Instrument, Organisations, Round, RoundId, RoundStatus,
};
use nara_excel::{Filled, FormSpec, write_filled_form, write_form};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fixtures/forms".into()),
    );
    std::fs::create_dir_all(&dir)?;
    let inst = Instrument::dalarna();
    let orgs = Organisations::dalarna();
    let round = Round {
        id: RoundId::parse("2026")?,
        instrument_id: inst.id().to_string(),
        instrument_version: inst.version().to_string(),
        status: RoundStatus::Open,
        opens: None,
        closes: None,
    };
    let org = |code: &str| orgs.find(code).ok_or("unknown organisation");
    let write = |name: &str, bytes: Vec<u8>| -> std::io::Result<()> {
        println!("{}", dir.join(name).display());
        std::fs::write(dir.join(name), bytes)
    };

    for code in ["2080", "20"] {
        let o = org(code)?;
        write(
            &format!("blank-{}.xlsx", o.code),
            write_form(&FormSpec {
                instrument: &inst,
                org: o,
                round: &round,
                send_to: None,
            })?,
        )?;
    }

    let mut answers = AnswerSet::default();
    for (i, (_, st)) in inst.statements().enumerate() {
        let a = match i % 7 {
            0 => Some(Answer::NotApplicable),
            6 => None,
            k => Some(Answer::Level(1 + (k as u8 % 4))),
        };
        if let Some(a) = a {
            answers.answers.insert(st.id.clone(), a);
        }
    }
    answers.comments.insert(
        AreaId::parse("D4")?,
        "Vi har SIP-möten varje vecka med vårdcentralen.".into(),
    );
    let filled = Filled {
        unit: "Hemsjukvården".into(),
        participants: "Enhetschef, två sjuksköterskor, en arbetsterapeut".into(),
        date: "2026-03-02".into(),
        answers,
        ..Default::default()
    };
    let falun = FormSpec {
        instrument: &inst,
        org: org("2080")?,
        round: &round,
        send_to: None,
    };
    write(
        "ifylld-2080-hemsjukvarden.xlsx",
        write_filled_form(&falun, &filled)?,
    )?;
    let rater = Filled {
        rater: "Sjuksköterska".into(),
        ..filled.clone()
    };
    write(
        "ifylld-2080-hemsjukvarden-bedomare.xlsx",
        write_filled_form(&falun, &rater)?,
    )?;

    // Typed by hand, sloppily: another sheet name, the table lower down, columns swapped,
    // answers as numbers, with commas, upper case, and "Vet ej".
    write("handskriven-2062.xlsx", typed_form(false)?)?;
    // The same with problems: a duplicated ID, an unknown ID and an answer out of range.
    write("fel-2062-dubbla-id.xlsx", typed_form(true)?)?;

    // Broken files.
    write("tom.xlsx", Vec::new())?;
    write("csv-omdopt.xlsx", "ID;Svar\nD1.1;3\n".as_bytes().to_vec())?;
    let good = write_filled_form(&falun, &filled)?;
    write("avbruten.xlsx", good[..good.len() / 3].to_vec())?;
    Ok(())
}

fn typed_form(with_errors: bool) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Blad1")?;
    let background = [
        ("Organisation", "Mora"),
        ("Verksamhet", "Äldreomsorgen Öst"),
        ("Omgång", "2026"),
        ("Deltagare", "APT-gruppen"),
        ("Datum", "2026-02-11"),
    ];
    for (i, (l, v)) in background.iter().enumerate() {
        ws.write_string(i as u32, 0, format!("{l}:"))?;
        ws.write_string(i as u32, 1, *v)?;
    }
    ws.write_string(8, 1, "Svar")?;
    ws.write_string(8, 2, "id")?;
    ws.write_string(8, 3, "Kommentar")?;
    let typed = [
        "3",
        "3,0",
        "4 - Stämmer helt",
        "STÄMMER TILL LITEN DEL",
        "Vet ej",
        "2.0",
        " 1 ",
    ];
    let inst = Instrument::dalarna();
    let n = inst.statement_count() as u32;
    for (i, (_, st)) in inst.statements().enumerate() {
        // Reversed order: rows are matched by ID, not by position.
        let row = 10 + n - 1 - i as u32;
        ws.write_string(row, 2, st.id.as_str().to_lowercase())?;
        ws.write_string(row, 1, typed[i % typed.len()])?;
    }
    if with_errors {
        ws.write_string(40, 2, "D1.1")?;
        ws.write_string(40, 1, "2")?;
        ws.write_string(41, 2, "D7.1")?;
        ws.write_string(42, 2, "D2.2")?;
        ws.write_string(11, 1, "5")?;
    }
    wb.save_to_buffer()
}
