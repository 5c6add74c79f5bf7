//! Lines of `nara report` beside the scores: the change since the previous round under each
//! organisation and unit, and a plain sentence for an organisation that has not answered.

use nara_core::report::RoundReport;
use nara_core::scoring::Change;

/// `↑ +0,33`, `↓ −0,25`, `→ +0,05`; empty when there is nothing to compare.
fn change(c: Option<&Change>) -> String {
    c.map(Change::short).unwrap_or_default()
}

/// The change row under a name: `sedan 2025` with the index's and each delmål's change; `None`
/// when the report has no previous round or nothing changed that can be compared.
pub fn change_row(
    r: &RoundReport,
    indent: &str,
    width: usize,
    overall: Option<&Change>,
    areas: &[Option<Change>],
) -> Option<String> {
    let prev = r.previous?;
    if overall.is_none() && areas.iter().all(Option::is_none) {
        return None;
    }
    let cells: String = (areas.iter())
        .map(|c| format!("{:>12}", change(c.as_ref())))
        .collect();
    let label = format!("{indent}sedan {prev}");
    Some(format!("{label:<width$} {:>6} {cells}", change(overall)))
}

/// The sentence for an organisation asked for that has not answered the round.
pub fn not_answered(name: &str, r: &RoundReport) -> String {
    format!(
        "{name} har inte svarat i omgång {}: inga blanketter är inlästa. Se nara status --round {}.",
        r.round.id, r.round.id
    )
}
