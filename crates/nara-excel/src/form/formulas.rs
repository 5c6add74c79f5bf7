//! The answer sheet's formulas: each answer read from the Svar cell as the importer reads it,
//! and the literals and ranges they are built from.

use super::*;

pub(super) fn col_letter(col: u16) -> char {
    (b'A' + col as u8) as char
}

/// Normalises a label as the importer compares it (`Instrument::parse_answer`): spaces folded,
/// lower case, no spaces around `/`.
pub(super) fn norm(s: &str) -> String {
    fold_spaces(s)
        .to_lowercase()
        .replace(" / ", "/")
        .replace("/ ", "/")
        .replace(" /", "/")
}

/// A text as a formula literal: quotes doubled, and cut into pieces joined with `&` so that no
/// literal is longer than Excel's 255 characters.
pub(super) fn lit(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return "\"\"".to_string();
    }
    chars
        .chunks(120)
        .map(|c| format!("\"{}\"", c.iter().collect::<String>().replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join("&")
}

/// Whitespace that the importer folds to one space (`char::is_whitespace`, and the no-break
/// space), as formula expressions; the ordinary space is TRIM's own. U+0085 is left out: no
/// character code reaches it in every spreadsheet, and no keyboard types it.
pub(super) const WHITESPACE: [&str; 23] = [
    "CHAR(9)",
    "CHAR(10)",
    "CHAR(11)",
    "CHAR(12)",
    "CHAR(13)",
    "\"\u{a0}\"",
    "\"\u{1680}\"",
    "\"\u{2000}\"",
    "\"\u{2001}\"",
    "\"\u{2002}\"",
    "\"\u{2003}\"",
    "\"\u{2004}\"",
    "\"\u{2005}\"",
    "\"\u{2006}\"",
    "\"\u{2007}\"",
    "\"\u{2008}\"",
    "\"\u{2009}\"",
    "\"\u{200a}\"",
    "\"\u{2028}\"",
    "\"\u{2029}\"",
    "\"\u{202f}\"",
    "\"\u{205f}\"",
    "\"\u{3000}\"",
];

/// What may stand between an answer's number and its label (`3 - Stämmer till stor del`).
pub(super) const SEPARATORS: [char; 7] = ['-', '–', '—', ':', '.', ')', '='];

/// The formulas of one answer row (`r` from 1) that read the Svar cell (column D) exactly as
/// the importer does (`Instrument::parse_answer`), so that the Resultat sheet scores every
/// entry the importer accepts: the list's text, a typed or pasted number, a label in any case,
/// `3,0`, `3.`, ` 3 `, `3 - Stämmer till stor del`, "vet ej". The first is the value column
/// ([`VALUE_COL`]); the others fill the hidden helper columns after it, in [`HELPERS`] order.
/// Only functions that Excel (2007 and later), LibreOffice and IronCalc all evaluate are used,
/// and no array formulas.
pub(super) fn value_formulas(inst: &Instrument, r: u32) -> Vec<String> {
    let c = |k: usize| format!("{}{r}", col_letter(VALUE_COL + k as u16));
    let (g, h, i, j, k, l, m, n, o) = (c(1), c(2), c(3), c(4), c(5), c(6), c(7), c(8), c(9));
    // G: the text, normalised as the importer normalises it.
    let mut text = format!("D{r}&\"\"");
    for w in WHITESPACE {
        text = format!("SUBSTITUTE({text},{w},\" \")");
    }
    let g_f = format!("=SUBSTITUTE(SUBSTITUTE(LOWER(TRIM({text})),\" /\",\"/\"),\"/ \",\"/\")");
    // H: the text with its spaces marked and every digit, comma and point made a space, so that
    // TRIM finds the first character after a leading number.
    let mut marked = format!("SUBSTITUTE({g},\" \",\"_\")");
    for ch in "0123456789,.".chars() {
        marked = format!("SUBSTITUTE({marked},\"{ch}\",\" \")");
    }
    let h_f = format!("={marked}");
    // I: the length of the leading number (digits, commas, points).
    let i_f = format!("=IF(TRIM({h})=\"\",LEN({g}),FIND(LEFT(TRIM({h}),1),{h})-1)");
    // J: the number with points for commas; K: where its first point is; L: what follows it.
    let j_f = format!("=SUBSTITUTE(LEFT({g},{i}),\",\",\".\")");
    let k_f = format!("=FIND(\".\",{j}&\".\")");
    let l_f = format!("=MID({j},{k}+1,LEN({j})+1)");
    // M: the number's value when it is whole: digits, then optionally a point, zeros and
    // trailing points (`3`, `03`, `3,0`, `3.`, `3,00.`); empty otherwise.
    let decimals = format!("LEN(SUBSTITUTE({l},\".\",\"\"))");
    let m_f = format!(
        "=IFERROR(IF(AND(OR({k}>1,{decimals}>0),EXACT(LEFT({l},{decimals}),REPT(\"0\",{decimals}))),IF({k}>1,VALUE(LEFT({j},{k}-1)),0),\"\"),\"\")"
    );
    // N: what follows the number, separators made spaces; O: what follows the separators.
    let mut rest = format!("MID({g},{i}+1,LEN({g})+1)");
    for ch in SEPARATORS {
        rest = format!("SUBSTITUTE({rest},\"{ch}\",\" \")");
    }
    let n_f = format!("={rest}");
    let o_f =
        format!("=IF(TRIM({n})=\"\",\"\",MID({g},{i}+FIND(LEFT(TRIM({n}),1),{n}),LEN({g})+1))");
    // F: the value. The not-applicable option, a label, then a number with its own label or
    // nothing after it; anything else is invalid.
    let na = &inst.scale().not_applicable;
    let na_test = std::iter::once(&na.label)
        .chain(&na.aliases)
        .map(|a| format!("EXACT({g},{})", lit(&norm(a))))
        .collect::<Vec<_>>()
        .join(",");
    let numbered = inst
        .scale()
        .levels
        .iter()
        .map(|lv| {
            format!(
                "AND({m}={v},OR({o}=\"\",EXACT({o},{label})))",
                v = lv.value,
                label = lit(&norm(&lv.label))
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    let mut value = format!("IF(AND(ISNUMBER({m}),OR({numbered})),{m},\"{INVALID}\")");
    for lv in inst.scale().levels.iter().rev() {
        value = format!(
            "IF(EXACT({g},{label}),{v},{value})",
            label = lit(&norm(&lv.label)),
            v = lv.value
        );
    }
    let f_f = format!(
        "=IFERROR(IF({g}=\"\",\"{BLANK}\",IF(OR({na_test}),\"{NOT_SCORED}\",{value})),\"{INVALID}\")"
    );
    vec![f_f, g_f, h_f, i_f, j_f, k_f, l_f, m_f, n_f, o_f]
}

/// The scale's values as a range: `1–4`.
pub(super) fn level_range(inst: &Instrument) -> String {
    let levels = &inst.scale().levels;
    match (levels.first(), levels.last()) {
        (Some(lo), Some(hi)) => format!("{}–{}", lo.value, hi.value),
        _ => String::new(),
    }
}

/// The information shown when an answer is typed rather than chosen from the list (at most
/// 255 characters, Excel's limit).
pub(super) fn typed_message(inst: &Instrument) -> String {
    let range = level_range(inst);
    let example = inst
        .scale()
        .levels
        .last()
        .map(|l| format!(", till exempel {} eller {}", l.value, l.label))
        .unwrap_or_default();
    let full = format!(
        "Det går bra att skriva siffran ({range}) eller svarstexten{example}: svaret räknas som om det valts i listan. Annat räknas inte och blir rött; välj då i listan."
    );
    if full.encode_utf16().count() <= 255 {
        full
    } else {
        format!(
            "Det går bra att skriva siffran ({range}) eller svarstexten. Annat räknas inte och blir rött; välj då i listan."
        )
    }
}
