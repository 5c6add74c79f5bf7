//! Organisations (kommuner and regions) as data. Dalarna's sixteen are the shipped default.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::OrgCode;

/// Dalarna's organisations, as shipped.
pub const DALARNA_TOML: &str = include_str!("../../../organisations/dalarna.toml");

/// A kommun or a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgKind {
    /// A municipality (four-digit code).
    Kommun,
    /// A region (two-digit code).
    Region,
}

impl OrgKind {
    /// The Swedish word.
    pub fn label(self) -> &'static str {
        match self {
            Self::Kommun => "kommun",
            Self::Region => "region",
        }
    }
}

/// One organisation that answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// The official code.
    pub code: OrgCode,
    /// The name (`Falun`, `Region Dalarna`).
    pub name: String,
    /// Kommun or region.
    pub kind: OrgKind,
    /// Its id in Kolada when it differs from the default ([`Organisation::kolada_id`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kolada: Option<String>,
    /// Whom the coordinator writes to about the organisation's answers (reminders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<crate::Contact>,
}

/// Kolada's id for the whole country (the comparison line of every indicator).
pub const KOLADA_COUNTRY: &str = "0000";

/// Whether a text is a Kolada municipality or region id: four digits.
pub fn is_kolada_id(id: &str) -> bool {
    id.len() == 4 && id.bytes().all(|b| b.is_ascii_digit())
}

impl Organisation {
    /// Its id in Kolada: the one the organisation list gives, or else a kommun's own code
    /// (Falun `2080`) and for a region `00` and its code (Region Dalarna `20` is `0020`).
    pub fn kolada_id(&self) -> String {
        match (&self.kolada, self.kind) {
            (Some(id), _) => id.clone(),
            (None, OrgKind::Kommun) => self.code.to_string(),
            (None, OrgKind::Region) => format!("00{}", self.code),
        }
    }

    /// `Falun (kod 2080)`: how the form and messages show the organisation (see [`with_code`]).
    pub fn display(&self) -> String {
        with_code(&self.name, &self.code)
    }
}

/// A county's list of organisations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisations {
    /// The county's name.
    pub county: String,
    /// The organisations, region first by convention.
    pub organisations: Vec<Organisation>,
}

impl Organisations {
    /// Dalarna's sixteen organisations.
    pub fn dalarna() -> Self {
        Self::from_toml(DALARNA_TOML).expect("the embedded organisation list is valid")
    }

    /// Reads and checks a list from TOML.
    pub fn from_toml(text: &str) -> Result<Self> {
        let list: Organisations = toml::from_str(text)
            .map_err(|e| Error::Organisations(vec![e.message().to_string()]))?;
        let mut p = Vec::new();
        let mut codes = HashSet::new();
        let mut kolada_ids = HashSet::new();
        for o in &list.organisations {
            if !codes.insert(&o.code) {
                p.push(format!("Koden {} finns två gånger.", o.code));
            }
            if o.name.trim().is_empty() {
                p.push(format!("Organisationen {} saknar namn.", o.code));
            }
            if let Some(id) = &o.kolada
                && !is_kolada_id(id)
            {
                p.push(format!(
                    "{}: Kolada-id ”{}” ska vara fyra siffror (en kommun som 2080, en region som 0020).",
                    o.display(),
                    crate::ids::shorten(id)
                ));
            }
            if let Some(c) = &o.contact
                && let Err(e) = c.checked()
            {
                p.push(format!("{}: kontakten: {e}", o.display()));
            }
            let kolada = o.kolada_id();
            if kolada == KOLADA_COUNTRY {
                p.push(format!(
                    "{}: Kolada-id {KOLADA_COUNTRY} är hela riket och kan inte vara en organisations.",
                    o.display()
                ));
            } else if !kolada_ids.insert(kolada.clone()) {
                p.push(format!(
                    "{}: Kolada-id {kolada} används av två organisationer.",
                    o.display()
                ));
            }
            match (o.kind, o.code.is_region()) {
                (OrgKind::Region, false) => p.push(format!(
                    "{} är en region men koden {} har fyra siffror.",
                    o.name, o.code
                )),
                (OrgKind::Kommun, true) => p.push(format!(
                    "{} är en kommun men koden {} har två siffror.",
                    o.name, o.code
                )),
                _ => {}
            }
        }
        if list.organisations.is_empty() {
            p.push("Listan har inga organisationer.".into());
        }
        if p.is_empty() {
            Ok(list)
        } else {
            Err(Error::Organisations(p))
        }
    }

    /// The organisation with this code.
    pub fn get(&self, code: &OrgCode) -> Option<&Organisation> {
        self.organisations.iter().find(|o| &o.code == code)
    }

    /// Finds an organisation from what a form or a page says: `Falun (2080)`, `Falun (kod
    /// 2080)`, `2080` or `Falun`.
    pub fn find(&self, text: &str) -> Option<&Organisation> {
        let t = crate::ids::fold_spaces(text);
        if let Some(code) = t
            .rsplit_once('(')
            .and_then(|(_, rest)| rest.strip_suffix(')'))
        {
            let code = code.strip_prefix("kod ").unwrap_or(code).trim();
            return OrgCode::parse(code).ok().and_then(|c| self.get(&c));
        }
        if let Ok(c) = OrgCode::parse(&t) {
            return self.get(&c);
        }
        let lower = t.to_lowercase();
        self.organisations
            .iter()
            .find(|o| o.name.to_lowercase() == lower)
    }
}

/// An organisation's name with its code, written so a kommun code is not read as a year:
/// `Gagnef (kod 2026)`, never `Gagnef (2026)` beside "omgång 2026".
pub fn with_code(name: &str, code: impl std::fmt::Display) -> String {
    format!("{name} (kod {code})")
}

/// Whose service this is, in one sentence for the sign-in page: "För Region Dalarna och
/// länets 15 kommuner." from the organisations as data (another county gets its own).
pub fn service_line(orgs: &[Organisation]) -> String {
    let kommuner = orgs.iter().filter(|o| o.kind == OrgKind::Kommun).count();
    let region = orgs.iter().find(|o| o.kind == OrgKind::Region);
    match (region, kommuner) {
        (Some(r), 0) => format!("För {}.", r.name),
        (Some(r), 1) => format!("För {} och länets kommun.", r.name),
        (Some(r), n) => format!("För {} och länets {n} kommuner.", r.name),
        (None, 0) => String::new(),
        (None, n) => format!("För {n} organisationer."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dalarna_has_sixteen_with_the_official_codes() {
        let d = Organisations::dalarna();
        assert_eq!(d.organisations.len(), 16);
        assert_eq!(
            d.organisations
                .iter()
                .filter(|o| o.kind == OrgKind::Region)
                .count(),
            1
        );
        let falun = d.get(&OrgCode::parse("2080").unwrap()).unwrap();
        assert_eq!(falun.display(), "Falun (kod 2080)");
        assert_eq!(d.find("Falun (2080)").unwrap().name, "Falun");
        assert_eq!(d.find("Falun (kod 2080)").unwrap().name, "Falun");
        assert_eq!(d.find(&with_code("Gagnef", "2026")).unwrap().name, "Gagnef");
        assert_eq!(d.find(" 2062 ").unwrap().name, "Mora");
        assert_eq!(d.find("region dalarna").unwrap().code.as_str(), "20");
        assert!(d.find("Falun (9999)").is_none());
        assert!(d.find("Stockholm").is_none());
    }

    #[test]
    fn bad_lists_are_refused_with_every_problem() {
        let e = Organisations::from_toml(
            r#"county = "X"
            organisations = [
              { code = "14", name = "A", kind = "kommun" },
              { code = "14", name = "", kind = "region" },
            ]"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("två gånger") && e.contains("saknar namn") && e.contains("två siffror"),
            "{e}"
        );
    }

    #[test]
    fn kolada_ids_default_from_the_code_and_are_checked() {
        let d = Organisations::dalarna();
        let id = |code: &str| d.get(&OrgCode::parse(code).unwrap()).unwrap().kolada_id();
        assert_eq!(id("20"), "0020", "Region Dalarna in Kolada");
        assert_eq!(id("2080"), "2080");
        let e = Organisations::from_toml(
            r#"county = "X"
            organisations = [
              { code = "2080", name = "A", kind = "kommun", kolada = "208" },
              { code = "2081", name = "B", kind = "kommun", kolada = "0000" },
              { code = "2082", name = "C", kind = "kommun", kolada = "2083" },
              { code = "2083", name = "D", kind = "kommun" },
            ]"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("A (kod 2080): Kolada-id ”208” ska vara fyra siffror"),
            "{e}"
        );
        assert!(
            e.contains("B (kod 2081): Kolada-id 0000 är hela riket"),
            "{e}"
        );
        assert!(
            e.contains("D (kod 2083): Kolada-id 2083 används av två"),
            "{e}"
        );
        let own = Organisations::from_toml(
            r#"county = "X"
            organisations = [{ code = "20", name = "R", kind = "region", kolada = "0021" }]"#,
        )
        .unwrap();
        assert_eq!(own.organisations[0].kolada_id(), "0021");
    }

    #[test]
    fn the_service_is_named_from_the_organisations() {
        let orgs = Organisations::dalarna().organisations;
        assert_eq!(
            service_line(&orgs),
            "För Region Dalarna och länets 15 kommuner."
        );
        assert_eq!(service_line(&orgs[..1]), "För Region Dalarna.");
        assert_eq!(service_line(&[]), "");
    }
}
