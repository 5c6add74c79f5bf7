//! The command line in Swedish, headings and mistakes too: clap writes its own words in
//! English ("Usage", "Options", "error: unexpected argument"), so every command gets a help
//! template with Swedish headings, and a mistake on the command line is said again in Swedish
//! with the way to the help.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Command, CommandFactory, FromArgMatches};

/// The command with Swedish headings on itself and every subcommand.
pub fn command<C: CommandFactory>() -> Command {
    let cmd = C::command();
    let bin = cmd.get_name().to_string();
    swedish_headings(cmd, &bin)
}

/// clap's usage line in Swedish words: `nara serve [FLAGGOR]`.
fn usage(cmd: &Command, bin: &str) -> String {
    let mut c = cmd.clone().bin_name(bin);
    c.build();
    c.render_usage()
        .to_string()
        .trim()
        .trim_start_matches("Usage:")
        .trim()
        .replace("[OPTIONS]", "[FLAGGOR]")
        .replace("<COMMAND>", "<KOMMANDO>")
        .replace("[COMMAND]", "[KOMMANDO]")
}

/// Sets a help template with Swedish headings, naming only the sections the command has, and
/// the usage line in Swedish; `bin` is how the command is called (`nara round`).
fn swedish_headings(cmd: Command, bin: &str) -> Command {
    let mut template = String::from("{before-help}{about-with-newline}\nAnvändning: {usage}\n");
    if cmd.has_subcommands() {
        template.push_str("\nKommandon:\n{subcommands}\n");
    }
    if cmd.get_positionals().next().is_some() {
        template.push_str("\nArgument:\n{positionals}\n");
    }
    template.push_str("\nFlaggor:\n{options}{after-help}");
    let mut cmd = cmd
        .mut_args(swedish_value_name)
        .disable_help_subcommand(true)
        .help_template(template)
        .subcommand_help_heading("Kommandon")
        .subcommand_value_name("KOMMANDO");
    let line = usage(&cmd, bin);
    cmd = cmd.override_usage(line);
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let path = format!("{bin} {name}");
        cmd = cmd.mut_subcommand(name, |s| swedish_headings(s, &path));
    }
    cmd
}

/// The placeholder clap derives from a field's name (`<DATABASE_URL>`), in Swedish
/// (`<DATABAS>`); a name given by hand is kept.
fn swedish_value_name(arg: clap::Arg) -> clap::Arg {
    let Some(name) = arg
        .get_value_names()
        .and_then(|n| n.first())
        .map(|n| n.to_string())
    else {
        return arg;
    };
    let swedish = match name.as_str() {
        "DATABASE_URL" => "DATABAS",
        "ROUND" | "LAST_ROUND" => "OMGÅNG",
        "ROUNDS" | "UNITS" | "RATERS" | "LIMIT" => "ANTAL",
        "OUTPUT" => "UTFIL",
        "ORG" => "KOD",
        "FILE" => "FIL",
        "FILES" => "FILER",
        "PATHS" => "SÖKVÄGAR",
        "USERNAME" => "ANVÄNDARNAMN",
        "YEAR" | "YEARS" => "ÅR",
        "UNIT" => "VERKSAMHET",
        "SHELL" => "SKAL",
        "ROLE" => "ROLL",
        "PUBLIC_URL" | "BASE_URL" => "URL",
        "SEED" => "FRÖ",
        "REASON" => "SKÄL",
        "OPENS" | "CLOSES" => "DATUM",
        "BIND" => "ADRESS",
        _ => return arg,
    };
    arg.value_name(swedish)
}

/// clap's bracketed notes in a help text, in Swedish: `[env: X=]`, `[default: …]`,
/// `[possible values: …]`.
fn swedish_notes(help: &str) -> String {
    let mut out = String::with_capacity(help.len());
    let mut rest = help;
    while let Some(at) = rest.find("[env: ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + "[env: ".len()..];
        let end = tail.find(']').unwrap_or(tail.len());
        let var = tail[..end].split('=').next().unwrap_or_default();
        out.push_str(&format!("[miljövariabel: {var}]"));
        rest = tail.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out.replace("[default: ", "[standard: ")
        .replace("[possible values: ", "[möjliga värden: ")
}

/// Parses the command line; help and version are printed as asked, and a mistake is said in
/// Swedish (exit code 2, as clap's own).
pub fn parse<T: CommandFactory + FromArgMatches>() -> T {
    let mut cmd = command::<T>();
    let result = cmd
        .try_get_matches_from_mut(help_as_flag(std::env::args_os().collect()))
        .and_then(|m| T::from_arg_matches(&m));
    match result {
        Ok(t) => t,
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                print!("{}", swedish_notes(&e.render().to_string()));
                let code = if e.kind() == ErrorKind::DisplayHelp {
                    0
                } else {
                    2
                };
                std::process::exit(code);
            }
            ErrorKind::DisplayVersion => e.exit(),
            _ => {
                eprintln!("{}", message(&e, &cmd));
                std::process::exit(2);
            }
        },
    }
}

/// `nara help round close` read as `nara round close --help`: clap's own help subcommand
/// would speak English, so it is off and its words are turned into the flag.
fn help_as_flag(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    if args.get(1).is_some_and(|a| a == "help") {
        args.remove(1);
        args.push("--help".into());
    }
    args
}

/// A context value as text.
fn value(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The Swedish message for a mistake on the command line, with a suggestion when clap has
/// one, the usage and the way to the help.
pub fn message(e: &clap::Error, cmd: &Command) -> String {
    let q = |k| value(e, k).unwrap_or_default();
    let mut lines = vec![match e.kind() {
        ErrorKind::UnknownArgument => format!(
            "fel: okänd flagga eller okänt argument ”{}”.",
            q(ContextKind::InvalidArg)
        ),
        ErrorKind::InvalidSubcommand => format!(
            "fel: okänt kommando ”{}”.",
            q(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::InvalidValue if q(ContextKind::InvalidValue).is_empty() => {
            format!("fel: {} behöver ett värde.", q(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidValue => {
            let mut m = format!(
                "fel: ”{}” går inte att använda för {}.",
                q(ContextKind::InvalidValue),
                q(ContextKind::InvalidArg)
            );
            if let Some(valid) = value(e, ContextKind::ValidValue).filter(|v| !v.is_empty()) {
                m.push_str(&format!(" Möjliga värden: {valid}."));
            }
            m
        }
        ErrorKind::ValueValidation => format!(
            "fel: ”{}” går inte att använda för {}: {}",
            q(ContextKind::InvalidValue),
            q(ContextKind::InvalidArg),
            std::error::Error::source(e).map_or_else(String::new, ToString::to_string)
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("fel: det här saknas: {}.", q(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand => "fel: ange ett kommando.".to_string(),
        ErrorKind::ArgumentConflict => format!(
            "fel: {} kan inte användas tillsammans med {}.",
            q(ContextKind::InvalidArg),
            q(ContextKind::PriorArg)
        ),
        ErrorKind::NoEquals => format!(
            "fel: {} behöver ett värde efter =.",
            q(ContextKind::InvalidArg)
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("fel: fel antal värden för {}.", q(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidUtf8 => {
            "fel: kommandoraden innehåller tecken som inte är UTF-8.".to_string()
        }
        _ => format!("fel: kommandoraden kunde inte läsas ({}).", e.kind()),
    }];
    if let Some(s) =
        value(e, ContextKind::SuggestedArg).or_else(|| value(e, ContextKind::SuggestedSubcommand))
    {
        lines.push(format!("  Menade du ”{s}”?"));
    }
    if let Some(usage) = value(e, ContextKind::Usage) {
        let usage = usage.trim().trim_start_matches("Usage:").trim().to_string();
        let usage = usage.replace("[OPTIONS]", "[FLAGGOR]");
        lines.push(String::new());
        lines.push(format!("Användning: {usage}"));
    }
    lines.push(String::new());
    lines.push(format!(
        "Skriv {} --help för hjälp.",
        cmd.get_bin_name().unwrap_or(cmd.get_name())
    ));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_as_a_word_is_the_flag() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            help_as_flag(args(&["nara", "help", "round", "close"])),
            args(&["nara", "round", "close", "--help"])
        );
        assert_eq!(
            help_as_flag(args(&["nara", "round", "help"])),
            args(&["nara", "round", "help"])
        );
    }
}
