//! The activity form: reading what was posted into an [`Activity`] (with a Swedish sentence per
//! field that cannot be read), and the form's fields for a template, with the values as typed
//! and each problem beside its field.

use nara_core::activity::{Activity, ActivityStatus, Category, FieldProblem, RecordId};
use nara_core::ids::{AreaId, StatementId};
use nara_core::round::Date;

/// What a form posted: its names and values in order (a name may repeat, as checkboxes do).
#[derive(Debug, Clone, Default)]
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    /// The first value of `name`, or empty.
    pub fn one(&self, name: &str) -> &str {
        (self.0.iter())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        (self.0.iter())
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Adds a value.
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((name.to_string(), value.into()));
    }
}

/// A list typed with commas, semicolons or new lines.
fn split_list(s: &str) -> Vec<String> {
    s.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn problem(field: &'static str, message: String) -> FieldProblem {
    FieldProblem { field, message }
}

fn date(p: &mut Vec<FieldProblem>, field: &'static str, label: &str, s: &str) -> Option<Date> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    Date::parse(t)
        .map_err(|_| {
            p.push(problem(
                field,
                format!("{label}: ”{t}” är inget datum; skriv det som ÅÅÅÅ-MM-DD."),
            ))
        })
        .ok()
}

/// Reads the posted form over `base` (the stored activity, or a new one with its id and
/// owner): every field of the form replaces the base's. The problems are those of reading
/// (an unknown category, a date that is not one); core checks the rest when storing.
pub fn read(f: &Posted, base: Activity) -> (Activity, Vec<FieldProblem>) {
    let mut p = Vec::new();
    let mut a = base;
    a.title = f.one("title").trim().to_string();
    a.description = f.one("description").trim().to_string();
    a.partners = lines(f.one("partners"));
    a.areas = Vec::new();
    for s in f.all("areas") {
        match AreaId::parse(s) {
            Ok(id) if !a.areas.contains(&id) => a.areas.push(id),
            Ok(_) => {}
            Err(_) => p.push(problem("areas", format!("”{s}” är inget delmål."))),
        }
    }
    a.statements = Vec::new();
    for s in split_list(f.one("statements")) {
        match StatementId::parse(&s) {
            Ok(id) => a.statements.push(id),
            Err(_) => p.push(problem(
                "statements",
                format!("”{s}” är inget påstående (skriv till exempel D4.2)."),
            )),
        }
    }
    a.indicators = split_list(f.one("indicators"));
    match Category::from_word(f.one("category")) {
        Some(c) => a.category = c,
        None => p.push(problem(
            "category",
            format!("Välj en kategori ({}).", Category::words()),
        )),
    }
    match ActivityStatus::from_word(f.one("status")) {
        Some(s) => a.status = s,
        None => p.push(problem(
            "status",
            format!("Välj en status ({}).", ActivityStatus::words()),
        )),
    }
    a.target_group = f.one("target_group").trim().to_string();
    a.responsible_role = f.one("responsible_role").trim().to_string();
    a.responsible_name = f.one("responsible_name").trim().to_string();
    a.planned_start = date(
        &mut p,
        "planned_start",
        "Planerad start",
        f.one("planned_start"),
    );
    a.planned_end = date(&mut p, "planned_end", "Planerat slut", f.one("planned_end"));
    a.expected_effect = f.one("expected_effect").trim().to_string();
    a.result = f.one("result").trim().to_string();
    a.plan = match f.one("plan").trim() {
        "" => None,
        s => match RecordId::parse(s) {
            Ok(id) => Some(id),
            Err(_) => {
                p.push(problem("plan", "Välj en plan i listan.".into()));
                None
            }
        },
    };
    (a, p)
}

/// A stored activity as the form would post it (to show the edit form filled in).
pub fn posted(a: &Activity) -> Posted {
    let mut f = Posted::default();
    let join = |v: Vec<String>| v.join(", ");
    f.push("title", &a.title);
    f.push("description", &a.description);
    f.push("partners", a.partners.join("\n"));
    for id in &a.areas {
        f.push("areas", id.as_str());
    }
    f.push(
        "statements",
        join(a.statements.iter().map(|s| s.to_string()).collect()),
    );
    f.push("indicators", join(a.indicators.clone()));
    f.push("category", a.category.label());
    f.push("status", a.status.label());
    f.push("target_group", &a.target_group);
    f.push("responsible_role", &a.responsible_role);
    f.push("responsible_name", &a.responsible_name);
    let d = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    f.push("planned_start", d(a.planned_start));
    f.push("planned_end", d(a.planned_end));
    f.push("expected_effect", &a.expected_effect);
    f.push("result", &a.result);
    f.push(
        "plan",
        a.plan.as_ref().map(|p| p.to_string()).unwrap_or_default(),
    );
    f
}

/// One option of a select or one checkbox.
#[derive(Debug)]
pub struct Opt {
    /// The value sent.
    pub value: String,
    /// What it says.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

/// One field of the form.
#[derive(Debug)]
pub struct Field {
    /// Its name in the form (`title`).
    pub name: &'static str,
    /// Its label.
    pub label: &'static str,
    /// `text`, `textarea`, `date`, `select` or `checks`.
    pub kind: &'static str,
    /// The value as typed (text, textarea, date).
    pub value: String,
    /// A hint under the label (empty when none).
    pub hint: &'static str,
    /// What is wrong with it (empty when nothing).
    pub error: String,
    /// The options (select, checks).
    pub options: Vec<Opt>,
}

/// The activity form for a template.
#[derive(Debug)]
pub struct FormView {
    /// A prefix for the fields' ids (two forms on one page must not share ids).
    pub id: &'static str,
    /// Where it posts.
    pub action: String,
    /// The heading.
    pub heading: String,
    /// The button's text.
    pub submit: &'static str,
    /// The fields, in order.
    pub fields: Vec<Field>,
    /// Problems that belong to no field of the form.
    pub other: Vec<String>,
}

/// What the form offers to choose from: the delmål and the organisation's plans (id, name).
pub struct Choices {
    /// The delmål: id and name.
    pub areas: Vec<(String, String)>,
    /// The plans: id and name.
    pub plans: Vec<(String, String)>,
}

/// A field of a form: its name, label, kind (`text`, `textarea`, `date`, `select`, `checks`)
/// and hint.
pub type Spec = (&'static str, &'static str, &'static str, &'static str);

const FIELDS: &[Spec] = &[
    ("title", "Titel", "text", ""),
    ("description", "Beskrivning", "textarea", ""),
    ("areas", "Delmål som aktiviteten följer", "checks", ""),
    ("category", "Kategori", "select", ""),
    ("status", "Status", "select", ""),
    ("planned_start", "Planerad start", "date", "ÅÅÅÅ-MM-DD"),
    ("planned_end", "Planerat slut", "date", "ÅÅÅÅ-MM-DD"),
    ("plan", "Lokal plan", "select", ""),
    ("partners", "Samverkanspartner", "textarea", "En per rad."),
    (
        "statements",
        "Påståenden",
        "text",
        "Till exempel D4.2, D1.3.",
    ),
    (
        "indicators",
        "Nyckeltal",
        "text",
        "Id:n, åtskilda med komma.",
    ),
    ("target_group", "Målgrupp", "text", ""),
    ("responsible_role", "Ansvarig roll", "text", ""),
    ("responsible_name", "Ansvarig person", "text", "Frivilligt."),
    ("expected_effect", "Förväntad effekt", "textarea", ""),
    ("result", "Resultat", "textarea", ""),
];

fn options(name: &str, f: &Posted, c: &Choices) -> Vec<Opt> {
    let words = |all: Vec<&'static str>| -> Vec<(String, String)> {
        all.into_iter()
            .map(|w| (w.to_string(), w.to_string()))
            .collect()
    };
    let labelled = |v: &[(String, String)]| -> Vec<(String, String)> {
        (v.iter())
            .map(|(id, name)| (id.clone(), format!("{id} {name}")))
            .collect()
    };
    match name {
        "category" => choose(
            f,
            name,
            &words(Category::ALL.iter().map(|x| x.label()).collect()),
            None,
        ),
        "status" => choose(
            f,
            name,
            &words(ActivityStatus::ALL.iter().map(|x| x.label()).collect()),
            None,
        ),
        "plan" => choose(f, name, &labelled(&c.plans), Some("Ingen plan")),
        _ => choose(f, name, &labelled(&c.areas), None),
    }
}

/// The form's fields with the values of `f` and the problems beside their fields.
pub fn view(f: &Posted, problems: &[FieldProblem], c: &Choices) -> (Vec<Field>, Vec<String>) {
    fields(FIELDS, f, problems, &|name| options(name, f, c))
}

/// The fields of `specs` with the values of `f`, the problems beside their fields (and those
/// of no field apart), the options of selects and checkboxes from `options`.
pub fn fields(
    specs: &[Spec],
    f: &Posted,
    problems: &[FieldProblem],
    options: &dyn Fn(&str) -> Vec<Opt>,
) -> (Vec<Field>, Vec<String>) {
    let fields: Vec<Field> = (specs.iter())
        .map(|&(name, label, kind, hint)| Field {
            name,
            label,
            kind,
            value: f.one(name).to_string(),
            hint,
            error: (problems.iter())
                .filter(|p| p.field == name)
                .map(|p| p.message.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            options: match kind {
                "select" | "checks" => options(name),
                _ => Vec::new(),
            },
        })
        .collect();
    let other = (problems.iter())
        .filter(|p| !specs.iter().any(|s| s.0 == p.field))
        .map(|p| p.message.clone())
        .collect();
    (fields, other)
}

/// The options of a select or checkboxes: `pairs` (value, label) with those `f` posted under
/// `name` chosen, after a first `none` option when given.
pub fn choose(f: &Posted, name: &str, pairs: &[(String, String)], none: Option<&str>) -> Vec<Opt> {
    let chosen = f.all(name);
    let is = |v: &str| chosen.iter().any(|x| x.trim().eq_ignore_ascii_case(v));
    let first = none.map(|n| Opt {
        value: String::new(),
        label: n.to_string(),
        selected: chosen.iter().all(|x| x.trim().is_empty()),
    });
    (first.into_iter())
        .chain(pairs.iter().map(|(value, label)| Opt {
            value: value.clone(),
            label: label.clone(),
            selected: is(value),
        }))
        .collect()
}

/// Reads a date field (empty is `None`); a value that is not a date is a problem.
pub fn read_date(
    p: &mut Vec<FieldProblem>,
    field: &'static str,
    label: &str,
    s: &str,
) -> Option<Date> {
    date(p, field, label, s)
}

/// The lines of a text area, trimmed, empty ones left out.
pub fn lines(s: &str) -> Vec<String> {
    (s.lines())
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nara_core::OrgCode;

    fn base() -> Activity {
        Activity::new(
            RecordId::parse("A-ABCDEFGH").unwrap(),
            OrgCode::parse("2080").unwrap(),
        )
    }

    fn form(pairs: &[(&str, &str)]) -> Posted {
        Posted(
            (pairs.iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_posted_form_reads_back_as_it_was_shown() {
        let f = form(&[
            ("title", " Trygg hemgång "),
            ("areas", "d3"),
            ("areas", "D1"),
            ("statements", "D4.2, D1.3"),
            ("category", "kompetens"),
            ("status", "pågår"),
            ("planned_end", "2026-06-30"),
            ("partners", "Hälsocentralen\n\nKyrkan"),
        ]);
        let (a, p) = read(&f, base());
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(a.title, "Trygg hemgång");
        assert_eq!(a.areas.len(), 2);
        assert_eq!(a.statements.len(), 2);
        assert_eq!(a.partners, ["Hälsocentralen", "Kyrkan"]);
        assert_eq!(a.status, ActivityStatus::Pagar);
        let (again, p) = read(&posted(&a), base());
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(again, a);
    }

    #[test]
    fn what_cannot_be_read_is_named_by_its_field_and_the_value_is_kept() {
        let f = form(&[
            ("title", "X"),
            ("category", "okänd"),
            ("status", "pågår"),
            ("planned_end", "30/6 2026"),
        ]);
        let (_, p) = read(&f, base());
        let fields: Vec<&str> = p.iter().map(|x| x.field).collect();
        assert_eq!(fields, ["category", "planned_end"]);
        let c = Choices {
            areas: vec![("D1".into(), "Nära för mig".into())],
            plans: vec![],
        };
        let (view, other) = view(&f, &p, &c);
        assert!(other.is_empty());
        let end = view.iter().find(|x| x.name == "planned_end").unwrap();
        assert_eq!(end.value, "30/6 2026");
        assert!(end.error.contains("ÅÅÅÅ-MM-DD"), "{}", end.error);
        let status = view.iter().find(|x| x.name == "status").unwrap();
        assert!(
            status
                .options
                .iter()
                .any(|o| o.selected && o.value == "pågår")
        );
    }
}
