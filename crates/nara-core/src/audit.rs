//! The audit log's events in Swedish: the log stores short codes (`round.open`), people read
//! "Omgång öppnad". A code this table does not know is shown as it is.

/// Every event the log records, with its Swedish name.
pub const EVENTS: &[(&str, &str)] = &[
    ("sign-in", "Inloggning"),
    ("sign-in.failed", "Misslyckad inloggning"),
    ("sign-in.sso.refused", "Nekad inloggning via organisation"),
    ("sso.account", "Konto via organisationens inloggning"),
    ("settings.password", "Inloggning med lösenord ändrad"),
    ("import", "Blankett inläst"),
    ("replace", "Blankett ersatt"),
    ("round.create", "Omgång skapad"),
    ("round.draft", "Omgång tillbaka till utkast"),
    ("round.open", "Omgång öppnad"),
    ("round.closed", "Omgång stängd"),
    ("round.published", "Omgång publicerad"),
    ("round.unpublish", "Publicering återtagen"),
    ("link.create", "Svarslänk skapad"),
    ("link.revoke", "Svarslänk återkallad"),
    ("user.add", "Konto skapat"),
    ("user.disable", "Konto avstängt"),
    ("user.enable", "Konto öppnat igen"),
    ("user.password", "Lösenord bytt"),
    ("user.role", "Roll ändrad"),
    ("instrument.import", "Instrument inläst"),
    ("organisation.add", "Organisation tillagd"),
    ("organisation.update", "Organisation ändrad"),
    ("organisation.contact", "Organisationens kontakt ändrad"),
    ("coordinator.contact", "Samordnarens kontakt ändrad"),
    ("indicators.catalogue", "Nyckeltalskatalog sparad"),
    ("indicators.store", "Nyckeltal sparade"),
    ("activity.save", "Aktivitet sparad"),
    ("activity.followup", "Aktivitet uppföljd"),
    ("plan.save", "Lokal plan sparad"),
    ("yearly.draft", "Årsrapportens utkast sparat"),
    ("yearly.final", "Årsrapport markerad som slutlig"),
    ("backup", "Säkerhetskopia tagen"),
];

/// The Swedish name of an event; an unknown code as it is.
pub fn event_name(code: &str) -> &str {
    (EVENTS.iter())
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_have_swedish_names_and_unknown_codes_stay() {
        assert_eq!(event_name("round.open"), "Omgång öppnad");
        assert_eq!(event_name("import"), "Blankett inläst");
        assert_eq!(event_name("något.nytt"), "något.nytt");
        let mut codes: Vec<&str> = EVENTS.iter().map(|e| e.0).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), EVENTS.len(), "each code once");
    }
}
