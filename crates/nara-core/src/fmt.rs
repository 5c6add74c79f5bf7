//! Numbers as Swedish readers expect them: decimal comma, a space before the percent sign,
//! "för få svar" where an area has too few answers, and "inget index" where too few areas are
//! scored for an overall index. Used by every view that people read.

/// What an unscored area says instead of a number.
pub const TOO_FEW: &str = "för få svar";

/// What a missing overall index says instead of a number (fewer areas scored than the
/// instrument requires); the reason is said once beside it
/// ([`crate::scoring::no_index_reason`], [`crate::scoring::no_index_rule`]).
pub const NO_INDEX: &str = "inget index";

/// A number with `places` decimals and a decimal comma: `3,25`.
pub fn decimal(x: f64, places: usize) -> String {
    let s = format!("{:.*}", places, x);
    let s = if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    };
    s.replace('.', ",")
}

/// A score on the scale with two decimals, or "för få svar".
pub fn score(x: Option<f64>) -> String {
    x.map_or_else(|| TOO_FEW.to_string(), |v| decimal(v, 2))
}

/// An overall index with two decimals, or "inget index".
pub fn index(x: Option<f64>) -> String {
    x.map_or_else(|| NO_INDEX.to_string(), |v| decimal(v, 2))
}

/// A percentage without decimals and with a non-breaking space: `75 %`, or "för få svar".
pub fn percent(x: Option<f64>) -> String {
    x.map_or_else(
        || TOO_FEW.to_string(),
        |v| format!("{}\u{a0}%", decimal(v, 0)),
    )
}

/// A signed difference: `+0,50`, `-0,25`, `0,00`.
pub fn signed(x: f64, places: usize) -> String {
    let d = decimal(x, places);
    if x > 0.0 && d.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{d}")
    } else {
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_numbers() {
        assert_eq!(decimal(3.256, 2), "3,26");
        assert_eq!(decimal(-0.001, 2), "0,00");
        assert_eq!(score(Some(2.5)), "2,50");
        assert_eq!(score(None), "för få svar");
        assert_eq!(index(Some(2.0)), "2,00");
        assert_eq!(index(None), "inget index");
        assert_eq!(percent(Some(66.666)), "67\u{a0}%");
        assert_eq!(percent(None), "för få svar");
        assert_eq!(signed(0.5, 2), "+0,50");
        assert_eq!(signed(-0.25, 2), "-0,25");
        assert_eq!(signed(0.0001, 2), "0,00");
    }
}
