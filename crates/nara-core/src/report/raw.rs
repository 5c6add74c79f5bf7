//! The raw answers: one flat row per statement of every form, for pivot tables.

use std::collections::HashMap;

use serde::Serialize;

use crate::instrument::Instrument;
use crate::org::Organisation;

use super::Form;
use super::build::org_name;

/// One answer as a flat row, for pivot tables and statistics tools.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawRow {
    /// The round.
    pub round: String,
    /// The organisation's code.
    pub org_code: String,
    /// The organisation's name.
    pub org_name: String,
    /// The unit.
    pub unit: String,
    /// The rater; `samsyn` for a consensus answer, empty when the unit answered as one.
    pub rater: String,
    /// The area's id.
    pub area_id: String,
    /// The area's name.
    pub area_name: String,
    /// The statement's id.
    pub statement_id: String,
    /// The statement's text.
    pub statement: String,
    /// The scale value; `None` for "vet ej" and blank.
    pub value: Option<f64>,
    /// The answer's label; empty when blank.
    pub label: String,
    /// The comment on the statement, verbatim.
    pub comment: String,
}

/// One row per statement of every form (blank answers included, so a pivot counts them),
/// ordered by organisation, unit, rater and the instrument's order.
pub fn raw_rows(inst: &Instrument, orgs: &[Organisation], forms: &[Form]) -> Vec<RawRow> {
    let mut t = RawTable::default();
    t.push_round(inst, orgs, forms);
    t.to_rows()
}

/// The raw rows of several rounds, kept small: every text once, a row as ids into the texts.
/// Built a round at a time ([`RawTable::push_round`]), so a county's ten rounds need not be
/// held as answers or as rows of strings at once (about 16 bytes a row instead of about 400).
#[derive(Debug)]
pub struct RawTable {
    strings: Vec<Box<str>>,
    ids: HashMap<Box<str>, u32>,
    /// Per form: round, organisation code and name, unit, rater.
    forms: Vec<[u32; 5]>,
    /// Per statement of an instrument: area id and name, statement id and text.
    statements: Vec<[u32; 4]>,
    /// An answer as its value and label.
    answers: Vec<(Option<f64>, u32)>,
    answer_ids: HashMap<(Option<u64>, u32), u32>,
    /// The rows, a block per round: each allocated once at its size, so the table never
    /// copies itself to grow (at 3 million rows a doubling would hold twice its size at once).
    rounds: Vec<Vec<Packed>>,
    round_rows: Vec<usize>,
    len: usize,
}

/// A row: its form, statement, answer and comment.
#[derive(Debug, Clone, Copy)]
struct Packed {
    form: u32,
    statement: u32,
    answer: u32,
    comment: u32,
}

/// A raw row as ids into [`RawTable::strings`], in the columns of [`RawRow`]: round,
/// organisation code and name, unit, rater, area id and name, statement id and text, label and
/// comment (`text`), and the value. Id 0 is the empty text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawIds {
    /// The texts, in [`RawRow`]'s order without the value.
    pub text: [u32; 11],
    /// The scale value; `None` for "vet ej" and blank.
    pub value: Option<f64>,
}

impl Default for RawTable {
    fn default() -> Self {
        let mut t = RawTable {
            strings: Vec::new(),
            ids: HashMap::new(),
            forms: Vec::new(),
            statements: Vec::new(),
            answers: Vec::new(),
            answer_ids: HashMap::new(),
            rounds: Vec::new(),
            round_rows: Vec::new(),
            len: 0,
        };
        t.id("");
        t
    }
}

impl RawTable {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.strings.len() as u32;
        self.strings.push(s.into());
        self.ids.insert(s.into(), i);
        i
    }

    /// Adds one round's rows (as [`raw_rows`] orders them) after the rows already held.
    pub fn push_round(&mut self, inst: &Instrument, orgs: &[Organisation], forms: &[Form]) {
        let mut sorted: Vec<&Form> = forms.iter().collect();
        // The unit's key (lowercased) once per form, not twice per comparison.
        sorted.sort_by_cached_key(|f| {
            let r = f.response;
            (&r.org, r.unit.key(), r.consensus, &r.rater)
        });
        let first_statement = self.statements.len() as u32;
        for (area, s) in inst.statements() {
            let ids = [
                self.id(area.id.as_str()),
                self.id(&area.name),
                self.id(s.id.as_str()),
                self.id(&s.text),
            ];
            self.statements.push(ids);
        }
        let mut rows = Vec::with_capacity(forms.len() * inst.statement_count());
        for f in sorted {
            let r = f.response;
            let rater = if r.consensus { "samsyn" } else { &r.rater };
            let ids = [
                self.id(&r.round.to_string()),
                self.id(r.org.as_str()),
                self.id(&org_name(orgs, &r.org)),
                self.id(r.unit.as_ref()),
                self.id(rater),
            ];
            let form = self.forms.len() as u32;
            self.forms.push(ids);
            for (k, (_, s)) in inst.statements().enumerate() {
                let answer = r.set.get(&s.id);
                let value = answer.and_then(|a| a.value());
                let label = self.id(answer.map_or("", |a| inst.answer_label(a)));
                let key = (value.map(f64::to_bits), label);
                let answer = match self.answer_ids.get(&key) {
                    Some(&i) => i,
                    None => {
                        let i = self.answers.len() as u32;
                        self.answers.push((value, label));
                        self.answer_ids.insert(key, i);
                        i
                    }
                };
                let comment = self.id(r.set.notes.get(&s.id).map_or("", String::as_str));
                rows.push(Packed {
                    form,
                    statement: first_statement + k as u32,
                    answer,
                    comment,
                });
            }
        }
        self.len += rows.len();
        self.round_rows.push(rows.len());
        self.rounds.push(rows);
    }

    /// Every text a row refers to; id 0 is the empty text.
    pub fn strings(&self) -> &[Box<str>] {
        &self.strings
    }

    /// How many rows in all.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many rows each round added, in the order they were added.
    pub fn round_rows(&self) -> &[usize] {
        &self.round_rows
    }

    /// The rows `range` (row numbers from 0) as ids.
    pub fn ids(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = RawIds> + '_ {
        let n = range.len();
        self.rounds
            .iter()
            .flatten()
            .skip(range.start)
            .take(n)
            .map(|p| {
                let f = self.forms[p.form as usize];
                let s = self.statements[p.statement as usize];
                let (value, label) = self.answers[p.answer as usize];
                RawIds {
                    text: [
                        f[0], f[1], f[2], f[3], f[4], s[0], s[1], s[2], s[3], label, p.comment,
                    ],
                    value,
                }
            })
    }

    /// Every row as [`RawRow`], for the CSV and for tests.
    pub fn to_rows(&self) -> Vec<RawRow> {
        self.iter().collect()
    }

    /// Every row as [`RawRow`], one at a time.
    pub fn iter(&self) -> impl Iterator<Item = RawRow> + '_ {
        let t = |i: u32| self.strings[i as usize].to_string();
        self.ids(0..self.len).map(move |r| RawRow {
            round: t(r.text[0]),
            org_code: t(r.text[1]),
            org_name: t(r.text[2]),
            unit: t(r.text[3]),
            rater: t(r.text[4]),
            area_id: t(r.text[5]),
            area_name: t(r.text[6]),
            statement_id: t(r.text[7]),
            statement: t(r.text[8]),
            value: r.value,
            label: t(r.text[9]),
            comment: t(r.text[10]),
        })
    }
}
