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

/// The offset of Swedish local time (Europe/Stockholm) at a moment, in hours: summer time (+2)
/// from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC, as the EU
/// rule has it since 1996; +1 otherwise.
pub(crate) fn stockholm_offset(t: time::OffsetDateTime) -> i64 {
    let last_sunday = |month: time::Month| {
        let end = time::Date::from_calendar_date(t.year(), month, 31).unwrap_or(time::Date::MIN);
        let back = i64::from(end.weekday().number_days_from_sunday());
        i64::from(end.to_julian_day()) - back
    };
    let moment = |julian: i64| (julian - 2_440_588) * 86_400 + 3_600;
    let now = t.unix_timestamp();
    let (start, end) = (
        moment(last_sunday(time::Month::March)),
        moment(last_sunday(time::Month::October)),
    );
    if (start..end).contains(&now) { 2 } else { 1 }
}

/// The day of Unix ms in Swedish local time: `2026-11-25`.
pub fn local_day(ms: i64) -> String {
    crate::round::Date::of_ms_local(ms).to_string()
}

/// A change with its sign and a real minus sign: `+0,50`, `−0,25`, `0,00`.
pub fn delta(x: f64, places: usize) -> String {
    signed(x, places).replace('-', "−")
}

/// Unix ms as Swedish local time (Europe/Stockholm, with summer time): `2026-11-25 11:15`.
/// Every time people read — pages, the audit log, "Skapad" in the workbooks — is written so.
pub fn local_time(ms: i64) -> String {
    let utc = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let t = utc + time::Duration::hours(stockholm_offset(utc));
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// Compares two names in Swedish alphabetical order: case ignored, `å`, `ä`, `ö` after `z`
/// (as in a Swedish phone book: Avesta … Säter … Älvdalen), `é` as `e`; ties broken by the
/// text itself so the order is total.
pub fn sv_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn key(c: char) -> (u32, char) {
        match c.to_lowercase().next().unwrap_or(c) {
            'å' => (u32::from('z') + 1, 'å'),
            'ä' | 'æ' => (u32::from('z') + 2, 'ä'),
            'ö' | 'ø' => (u32::from('z') + 3, 'ö'),
            'é' | 'è' | 'ê' => (u32::from('e'), 'e'),
            'ü' => (u32::from('y'), 'y'),
            l => (u32::from(l), l),
        }
    }
    a.chars()
        .map(key)
        .cmp(b.chars().map(key))
        .then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_alphabetical_order() {
        let mut names = vec![
            "Älvdalen",
            "Avesta",
            "Säter",
            "Orsa",
            "Malung-Sälen",
            "Åre",
            "öckerö",
            "Borlänge",
            "Östersund",
        ];
        names.sort_by(|a, b| sv_cmp(a, b));
        assert_eq!(
            names,
            [
                "Avesta",
                "Borlänge",
                "Malung-Sälen",
                "Orsa",
                "Säter",
                "Åre",
                "Älvdalen",
                "öckerö",
                "Östersund"
            ]
        );
        assert_eq!(sv_cmp("Falun", "falun"), "Falun".cmp("falun"));
    }

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

    #[test]
    fn times_are_swedish_local_time_with_summer_time() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        let ms = |s: &str| {
            let n: Vec<u32> = (s.split(['-', ' ', ':']))
                .map(|x| x.parse().unwrap())
                .collect();
            let month = time::Month::try_from(n[1] as u8).unwrap();
            (time::Date::from_calendar_date(n[0] as i32, month, n[2] as u8).unwrap())
                .with_hms(n[3] as u8, n[4] as u8, 0)
                .unwrap()
                .assume_utc()
                .unix_timestamp()
                * 1000
        };
        assert_eq!(local_time(ms("2026-11-25 10:15")), "2026-11-25 11:15");
        assert_eq!(local_time(ms("2026-07-01 10:15")), "2026-07-01 12:15");
        assert_eq!(local_time(ms("2026-03-29 00:59")), "2026-03-29 01:59");
        assert_eq!(local_time(ms("2026-03-29 01:00")), "2026-03-29 03:00");
        assert_eq!(local_time(ms("2026-10-25 00:59")), "2026-10-25 02:59");
        assert_eq!(local_time(ms("2026-10-25 01:00")), "2026-10-25 02:00");
        assert_eq!(local_time(ms("2026-12-31 23:30")), "2027-01-01 00:30");
        assert_eq!(local_time(0), "1970-01-01 01:00");
    }
}
