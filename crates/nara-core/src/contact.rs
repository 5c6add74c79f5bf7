//! A person to contact about a round: an organisation's contact for reminders, the
//! coordinator who receives the forms.

use serde::{Deserialize, Serialize};

/// The longest name kept (characters).
pub const MAX_NAME_CHARS: usize = 100;
/// The longest e-mail address (RFC 5321's limit on a path, in bytes).
pub const MAX_EMAIL_BYTES: usize = 254;

/// A name and an e-mail address, both checked once by [`Contact::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The person's name (`Anna Andersson`); may be empty when only the address is known.
    #[serde(default)]
    pub name: String,
    /// The address (`anna.andersson@falun.se`).
    pub email: String,
}

impl Contact {
    /// A contact from what a person typed: spaces folded, the address checked (one `@` with
    /// text on both sides, a dot in the domain, no spaces or angle brackets). The error is a
    /// Swedish sentence.
    pub fn parse(name: &str, email: &str) -> Result<Self, String> {
        let name = crate::ids::fold_spaces(name);
        let email = email.trim();
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "Namnet är för långt (högst {MAX_NAME_CHARS} tecken)."
            ));
        }
        if name.chars().any(|c| c.is_control() || c == '<' || c == '>') {
            return Err("Namnet får inte innehålla tecknen < och > eller styrtecken.".into());
        }
        if email.is_empty() {
            return Err("Ange en e-postadress.".into());
        }
        let bad = || {
            format!(
                "”{}” är ingen e-postadress: skriv den som namn@exempel.se.",
                crate::ids::shorten(email)
            )
        };
        if email.len() > MAX_EMAIL_BYTES
            || email.chars().any(|c| {
                c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"')
            })
        {
            return Err(bad());
        }
        match email.split_once('@') {
            Some((local, domain))
                if !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.') => {}
            _ => return Err(bad()),
        }
        Ok(Self {
            name,
            email: email.to_string(),
        })
    }

    /// Checks a contact read from a file or a database, as [`Contact::parse`] does.
    pub fn checked(&self) -> Result<Self, String> {
        Self::parse(&self.name, &self.email)
    }

    /// `Anna Andersson <anna.andersson@falun.se>`, or the address alone when there is no name:
    /// the form an e-mail program takes in its To field.
    pub fn mailbox(&self) -> String {
        if self.name.is_empty() {
            self.email.clone()
        } else {
            format!("{} <{}>", self.name, self.email)
        }
    }

    /// `Anna Andersson, anna.andersson@falun.se` for a page or a printed form.
    pub fn display(&self) -> String {
        if self.name.is_empty() {
            self.email.clone()
        } else {
            format!("{}, {}", self.name, self.email)
        }
    }
}

/// A `mailto:` address with a subject and a body, every part percent-encoded (RFC 6068), so a
/// name with `&` or a line break cannot change the link. The recipients go in Bcc, so no one
/// sees the others' addresses; `to` (the sender's own address, when known) is the visible one.
pub fn mailto(to: Option<&Contact>, bcc: &[&Contact], subject: &str, body: &str) -> String {
    let bcc: Vec<String> = bcc.iter().map(|c| encode(&c.email)).collect();
    format!(
        "mailto:{}?bcc={}&subject={}&body={}",
        to.map(|c| encode(&c.email)).unwrap_or_default(),
        bcc.join(","),
        encode(subject),
        encode(&body.replace("\r\n", "\n").replace('\n', "\r\n"))
    )
}

/// Percent-encodes everything but RFC 3986's unreserved characters and `@`.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_is_checked_once() {
        let c = Contact::parse("  Anna   Andersson ", " anna@falun.se ").unwrap();
        assert_eq!(c.name, "Anna Andersson");
        assert_eq!(c.email, "anna@falun.se");
        assert_eq!(c.mailbox(), "Anna Andersson <anna@falun.se>");
        assert_eq!(c.display(), "Anna Andersson, anna@falun.se");
        assert_eq!(Contact::parse("", "bo@x.se").unwrap().mailbox(), "bo@x.se");
        for bad in [
            "",
            "anna",
            "anna@",
            "@falun.se",
            "anna@falun",
            "a b@x.se",
            "a@b@x.se",
            "a@x.se,b@y.se",
            "a@.se",
        ] {
            let e = Contact::parse("Anna", bad).unwrap_err();
            assert!(e.contains("e-post"), "{bad}: {e}");
        }
        assert!(Contact::parse("Anna <x>", "a@x.se").is_err());
        assert!(Contact::parse(&"a".repeat(101), "a@x.se").is_err());
    }

    #[test]
    fn a_mailto_cannot_be_bent_by_its_text() {
        let a = Contact::parse("A", "a@x.se").unwrap();
        let b = Contact::parse("B", "b@y.se").unwrap();
        let me = Contact::parse("Samordnaren", "sam@region.se").unwrap();
        let m = mailto(
            Some(&me),
            &[&a, &b],
            "Påminnelse & svar",
            "Hej!\nSvara senast 2026-12-01.",
        );
        assert_eq!(
            m,
            "mailto:sam@region.se?bcc=a@x.se,b@y.se&subject=P%C3%A5minnelse%20%26%20svar&body=Hej%21%0D%0ASvara%20senast%202026-12-01."
        );
        let nobody = mailto(None, &[&a], "x", "y");
        assert_eq!(nobody, "mailto:?bcc=a@x.se&subject=x&body=y");
    }
}
