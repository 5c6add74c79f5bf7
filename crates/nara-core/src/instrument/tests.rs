//! Unit tests of the instrument: parsing, validation and its settings.

use super::*;

#[test]
fn the_default_instrument_loads_with_five_areas_in_strategy_order() {
    let i = Instrument::dalarna();
    let names: Vec<_> = i.areas.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Nära för mig",
            "Nära för alla",
            "Nära i hela Dalarna",
            "Nära mellan oss",
            "Nära till hälsa"
        ]
    );
    for a in &i.areas {
        assert!(
            (4..=6).contains(&a.statements.len()),
            "{} has {}",
            a.id,
            a.statements.len()
        );
        assert!(!a.description.is_empty());
        for s in &a.statements {
            assert!(s.text.starts_with("Vi "), "{}: {}", s.id, s.text);
            assert!(s.id.as_str().starts_with(a.id.as_str()));
        }
    }
    assert_eq!(i.scale.levels.len(), 4);
    assert_eq!(i.scale.not_applicable.label, "Vet ej / ej aktuellt");
}

#[test]
fn answers_are_read_as_people_type_them() {
    let i = Instrument::dalarna();
    let ok = |s: &str| i.parse_answer(s).unwrap();
    assert_eq!(ok(""), None);
    assert_eq!(ok(" \u{a0} "), None);
    assert_eq!(ok("3"), Some(Answer::Level(3)));
    assert_eq!(ok("3,0"), Some(Answer::Level(3)));
    assert_eq!(ok("3.0"), Some(Answer::Level(3)));
    assert_eq!(ok("3 - Stämmer till stor del"), Some(Answer::Level(3)));
    assert_eq!(ok("3 Stämmer till stor del"), Some(Answer::Level(3)));
    // As the form's drop-down writes it, and the same with a number that is not the label's.
    for (v, label) in i.scale.levels.iter().map(|l| (l.value, &l.label)) {
        assert_eq!(ok(&format!("{v} {label}")), Some(Answer::Level(v)));
        assert!(i.parse_answer(&format!("{} {label}", v % 4 + 1)).is_err());
        assert!(i.parse_answer(&format!("+{v} {label}")).is_err());
    }
    assert_eq!(ok("STÄMMER\u{a0}HELT "), Some(Answer::Level(4)));
    assert_eq!(ok("Vet ej"), Some(Answer::NotApplicable));
    assert_eq!(ok("vet ej/ej aktuellt"), Some(Answer::NotApplicable));
    assert_eq!(ok("Ej aktuellt"), Some(Answer::NotApplicable));
    for opt in i.answer_options() {
        assert!(ok(&opt).is_some(), "{opt}");
    }
    for bad in ["5", "0", "3,5", "ja", "2 - Stämmer helt", "=1+1"] {
        let e = i.parse_answer(bad).unwrap_err();
        assert!(e.contains("Välj ett av alternativen"), "{bad}: {e}");
    }
}

#[test]
fn percent_and_bands_follow_the_settings() {
    let i = Instrument::dalarna();
    assert_eq!(i.percent(1.0), 0.0);
    assert_eq!(i.percent(4.0), 100.0);
    assert_eq!(i.percent(2.5), 50.0);
    assert_eq!(i.band(1.99).id, "utmaning");
    assert_eq!(i.band(2.0).id, "pa-vag");
    assert_eq!(i.band(2.99).id, "pa-vag");
    assert_eq!(i.band(3.0).id, "styrka");
    let index = (2.0 + 8.0 / 3.0 + 4.0 / 3.0) / 3.0;
    assert!(index < 2.0, "floating point: {index}");
    assert_eq!(i.band(index).id, "pa-vag", "shown as 2,00: from 2.0");
    assert_eq!(i.band(1.999).id, "utmaning");
}

#[test]
fn a_validated_scale_has_its_bounds() {
    let i = Instrument::dalarna();
    assert_eq!((i.scale_min(), i.scale_max()), (1.0, 4.0));
    let f = Instrument::from_toml(include_str!(
        "../../../../fixtures/instruments/fyrbodal-personal.toml"
    ))
    .unwrap();
    assert_eq!((f.scale_min(), f.scale_max()), (1.0, 5.0));
    assert_eq!(f.percent(3.0), 50.0);
    // A scale without levels is refused before anything asks for its bounds.
    let empty = r##"
        id = "x"
        version = "1"
        name = "X"
        [scale]
        levels = []
        not_applicable = { label = "Vet ej" }
        [scoring]
        bands = [{ id = "a", label = "A", color = "#000000" }, { id = "b", label = "B", from = 2, color = "#000000" }]
        [[areas]]
        id = "D1"
        name = "Ett"
        statements = [{ id = "D1.1", text = "Vi" }]
    "##;
    let Err(Error::InstrumentRules(p)) = Instrument::from_toml(empty) else {
        panic!("an empty scale is refused")
    };
    assert!(
        p.iter().any(|m| m.contains("minst två svarsalternativ")),
        "{p:?}"
    );
}

#[test]
fn band_ranges_run_from_the_bottom_of_the_scale_to_the_next_band() {
    let i = Instrument::dalarna();
    let r = i.band_ranges();
    let seen: Vec<(&str, f64, Option<f64>, String)> = r
        .iter()
        .map(|b| (b.band.id.as_str(), b.from, b.to, b.words()))
        .collect();
    assert_eq!(
        seen,
        [
            ("utmaning", 1.0, Some(2.0), "1,0–2,0".to_string()),
            ("pa-vag", 2.0, Some(3.0), "2,0–3,0".to_string()),
            ("styrka", 3.0, None, "från 3,0".to_string()),
        ]
    );
    let f = Instrument::from_toml(include_str!(
        "../../../../fixtures/instruments/fyrbodal-personal.toml"
    ))
    .unwrap();
    let words: Vec<String> = f.band_ranges().iter().map(BandRange::words).collect();
    assert_eq!(words, ["1,0–2,5", "2,5–4,0", "från 4,0"]);
}

#[test]
fn the_disagreement_sentences_say_the_instruments_rule() {
    let mut s = ScoringSettings::default();
    assert_eq!(
        s.disagreement_clause(),
        "bedömarnas svar skiljer sig två steg eller mer (högsta minus lägsta svar)"
    );
    assert_eq!(
        s.disagreement_heading(),
        "Där bedömarna är oense (svaren skiljer sig två steg eller mer, högsta minus lägsta svar)"
    );
    assert_eq!(
        s.no_disagreement_note(),
        "Inga påståenden där bedömarnas svar skiljer sig två steg eller mer (högsta minus lägsta svar)."
    );
    s.disagreement_steps = 3.0;
    assert!(
        s.disagreement_heading()
            .contains("skiljer sig tre steg eller mer,")
    );
    assert!(
        s.no_disagreement_note()
            .contains("skiljer sig tre steg eller mer (")
    );
    s.disagreement_steps = 0.0;
    assert_eq!(
        s.disagreement_clause(),
        "bedömarnas svar skiljer sig åt (högsta minus lägsta svar)"
    );
}

#[test]
fn validation_reports_every_problem() {
    let text = r##"
        id = "x"
        version = "1"
        name = "X"
        [scale]
        levels = [{ value = 2, label = "B" }, { value = 1, label = "A" }]
        not_applicable = { label = "A" }
        [scoring]
        min_answered_share = 0
        bands = [{ id = "a", label = "A", color = "red" }, { id = "a", label = "B", from = 9, color = "#000000" }]
        [[areas]]
        id = "D1"
        name = "Ett"
        statements = []
        [[areas]]
        id = "D1"
        name = ""
        statements = [{ id = "S1", text = "Vi" }, { id = "s1", text = "" }]
    "##;
    let Err(Error::InstrumentRules(p)) = Instrument::from_toml(text) else {
        panic!("expected rule errors")
    };
    let all = p.join("\n");
    for needle in [
        "måste öka",
        "både ett svarsalternativ",
        "min_answered_share",
        "finns två gånger",
        "#rrggbb",
        "utanför skalan",
        "Delmålet D1 finns två gånger",
        "D1 har inga påståenden",
        "saknar namn",
        "Påståendet S1 finns två gånger",
        "S1 saknar text",
    ] {
        assert!(all.contains(needle), "missing {needle:?} in\n{all}");
    }
}

#[test]
fn syntax_errors_say_where() {
    let e = Instrument::from_toml("id = \n").unwrap_err().to_string();
    assert!(e.starts_with("Instrumentfilen kunde inte läsas"), "{e}");
    let e = Instrument::from_toml("id = \"x\"\nfoo = 1\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("foo"), "{e}");
}

#[test]
fn the_areas_needed_for_an_index_are_a_validated_setting() {
    let i = Instrument::dalarna();
    assert_eq!(i.min_scored_areas(), 3, "Dalarna states 3 of its 5 areas");
    assert!(DALARNA_TOML.contains("\nmin_scored_areas = 3\n"));
    // Left out: at least half of the areas, rounded up, written in when read; the same
    // instrument as one that states it.
    let without = DALARNA_TOML.replace("\nmin_scored_areas = 3\n", "\n");
    let read = Instrument::from_toml(&without).unwrap();
    assert_eq!(read.scoring.min_scored_areas, Some(3));
    assert_eq!(read, i);
    let mut code = i.clone();
    code.scoring.min_scored_areas = None;
    assert_eq!(code.min_scored_areas(), 3);
    code.areas.truncate(3);
    assert_eq!(code.min_scored_areas(), 2, "2 of 3");
    code.areas.truncate(1);
    assert_eq!(code.min_scored_areas(), 1);
    for ok in [1, 5] {
        let t = DALARNA_TOML.replace("min_scored_areas = 3", &format!("min_scored_areas = {ok}"));
        assert_eq!(Instrument::from_toml(&t).unwrap().min_scored_areas(), ok);
    }
    for bad in [0, 6] {
        let t = DALARNA_TOML.replace("min_scored_areas = 3", &format!("min_scored_areas = {bad}"));
        let e = Instrument::from_toml(&t).unwrap_err().to_string();
        assert!(
            e.contains(&format!(
                "(min_scored_areas) är {bad}; det måste vara minst 1 och högst 5"
            )),
            "{e}"
        );
    }
    let e = Instrument::from_toml(
        &DALARNA_TOML.replace("min_scored_areas = 3", "min_scored_areas = -1"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("Instrumentfilen kunde inte läsas"), "{e}");
}

#[test]
fn toml_round_trips() {
    let i = Instrument::dalarna();
    let again = Instrument::from_toml(&i.to_toml()).unwrap();
    assert_eq!(i, again);
}

#[test]
fn a_score_is_shaded_by_how_deep_into_its_band_it_lies() {
    let inst = Instrument::dalarna();
    // Bands: utmaning 1–2, på väg 2–3, styrka 3–4; five shades each.
    assert_eq!(inst.band(2.04).id, inst.band(2.96).id);
    assert_eq!(inst.shade(2.04), 0);
    assert_eq!(inst.shade(2.96), SHADES - 1);
    assert_eq!(inst.shade(2.5), 2);
    assert_eq!(inst.shade(1.0), 0);
    assert_eq!(
        inst.shade(4.0),
        SHADES - 1,
        "the top of the scale is the last shade"
    );
    assert_eq!(inst.shade(3.0), 0, "a band starts at its first shade");
}
