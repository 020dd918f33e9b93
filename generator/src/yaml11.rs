//! YAML that YAML 1.1 readers read as it was meant.
//!
//! serde_yaml writes YAML 1.2: it quotes a string only when a YAML 1.2 reader would take
//! it for something else. PyYAML (and so openapi-spec-validator) and many OpenAPI tools
//! read YAML 1.1, whose resolvers also turn `on`, `off`, `yes`, `no`, `y`, `n`,
//! `2024-01-01`, `1_000`, `0x1F`, `1:20` (base 60), `<<` and `=` into booleans,
//! numbers, dates, merges and values. [`quote_for_yaml11`] goes over serde_yaml's
//! output and quotes every plain string such a reader would take for something else, and
//! writes the few floats YAML 1.1 would read as strings (`1e20`) in a form both read
//! alike (`1.0e+20`). Nothing else changes, so YAML 1.2 readers read the same values.

use regex_lite::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// What a YAML 1.1 reader makes of a plain (unquoted) scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Yaml11 {
    Str,
    Bool,
    Int,
    Float,
    Null,
    Timestamp,
    /// `<<`, the merge key.
    Merge,
    /// `=`, the value key.
    Value,
}

/// The implicit resolvers of YAML 1.1 (yaml.org/type: bool, int, float, null, timestamp,
/// merge, value), as PyYAML and the type repository write them; `y` and `n` are in the
/// type repository's boolean list, though PyYAML leaves them out. The float pattern is
/// the readers' (PyYAML, Psych, SnakeYAML): the type repository's also matches `3.0.4`,
/// which no reader takes for a number.
static RESOLVERS: LazyLock<Vec<(Yaml11, Regex)>> = LazyLock::new(|| {
    let table: [(Yaml11, &str); 7] = [
        (
            Yaml11::Bool,
            r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
        ),
        (
            Yaml11::Int,
            r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
        ),
        (
            Yaml11::Float,
            r"^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        ),
        (Yaml11::Null, r"^(?:~|null|Null|NULL|)$"),
        (
            Yaml11::Timestamp,
            r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
        ),
        (Yaml11::Merge, r"^<<$"),
        (Yaml11::Value, r"^=$"),
    ];
    table
        .into_iter()
        .filter_map(|(kind, pattern)| Regex::new(pattern).ok().map(|r| (kind, r)))
        .collect()
});

/// How a YAML 1.1 reader resolves `plain` written without quotes.
pub fn yaml11_kind(plain: &str) -> Yaml11 {
    // Of the forms that start with a letter, there are only the boolean and null words.
    const WORDS: [(&str, Yaml11); 25] = [
        ("y", Yaml11::Bool),
        ("Y", Yaml11::Bool),
        ("yes", Yaml11::Bool),
        ("Yes", Yaml11::Bool),
        ("YES", Yaml11::Bool),
        ("n", Yaml11::Bool),
        ("N", Yaml11::Bool),
        ("no", Yaml11::Bool),
        ("No", Yaml11::Bool),
        ("NO", Yaml11::Bool),
        ("true", Yaml11::Bool),
        ("True", Yaml11::Bool),
        ("TRUE", Yaml11::Bool),
        ("false", Yaml11::Bool),
        ("False", Yaml11::Bool),
        ("FALSE", Yaml11::Bool),
        ("on", Yaml11::Bool),
        ("On", Yaml11::Bool),
        ("ON", Yaml11::Bool),
        ("off", Yaml11::Bool),
        ("Off", Yaml11::Bool),
        ("OFF", Yaml11::Bool),
        ("null", Yaml11::Null),
        ("Null", Yaml11::Null),
        ("NULL", Yaml11::Null),
    ];
    let first = plain.chars().next();
    if first.is_some_and(|c| c.is_ascii_alphabetic()) {
        return WORDS
            .iter()
            .find(|(w, _)| *w == plain)
            .map_or(Yaml11::Str, |(_, kind)| *kind);
    }
    // Every other non-string form starts with one of these.
    let may_resolve = match first {
        None => true,
        Some(c) => c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | '~' | '<' | '='),
    };
    // Prose that starts with a digit is common; only the spaced timestamp form
    // (`2001-12-14 21:59:43.10 -5`) has a space, and no form is long.
    let spaced_timestamp = || {
        let b = plain.as_bytes();
        b.len() > 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
    };
    if !may_resolve || plain.len() > 64 || (plain.contains(' ') && !spaced_timestamp()) {
        return Yaml11::Str;
    }
    RESOLVERS
        .iter()
        .find(|(_, r)| r.is_match(plain))
        .map_or(Yaml11::Str, |(kind, _)| *kind)
}

/// `yaml` (as serde_yaml writes it: block style, one scalar per line, multi-line
/// strings as literal blocks) with every plain scalar that YAML 1.1 reads otherwise than
/// YAML 1.2 rewritten: strings quoted, floats given a dot and a signed exponent.
pub fn quote_for_yaml11(yaml: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut changed = false;
    // The column of the key or dash that owns a literal block being passed over.
    let mut block: Option<usize> = None;
    let mut copied = 0;
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches(' ').len();
        if let Some(owner) = block {
            if body.trim().is_empty() || indent > owner {
                continue;
            }
            block = None;
        }
        let Some(edits) = line_edits(body, &mut block) else {
            continue;
        };
        if edits.is_empty() {
            continue;
        }
        changed = true;
        for (range, replacement) in edits {
            out.push_str(&yaml[copied..start + range.start]);
            out.push_str(&replacement);
            copied = start + range.end;
        }
    }
    if !changed {
        return Cow::Borrowed(yaml);
    }
    out.push_str(&yaml[copied..]);
    Cow::Owned(out)
}

/// The rewrites a line needs (byte ranges in the line), or `None` when the line holds no
/// scalar. Sets `block` when the line opens a literal or folded block.
fn line_edits(
    body: &str,
    block: &mut Option<usize>,
) -> Option<Vec<(std::ops::Range<usize>, String)>> {
    let trimmed = body.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') || body == "---" || body == "..." {
        return None;
    }
    let mut pos = body.len() - trimmed.len();
    let mut owner = pos;
    while body[pos..].starts_with("- ") || &body[pos..] == "-" {
        owner = pos;
        pos = (pos + 2).min(body.len());
    }
    let mut edits = Vec::new();
    let rest = &body[pos..];
    let value_start = match key_end(rest) {
        Some((key_len, after)) => {
            owner = pos;
            if !rest.starts_with(['\'', '"']) {
                plain_edit(&rest[..key_len], pos, &mut edits);
            }
            pos + after
        }
        None => pos,
    };
    let value = body[value_start..].trim_start();
    let value_at = body.len() - value.len();
    match value.chars().next() {
        None => {}
        Some('|' | '>') => *block = Some(owner),
        Some('\'' | '"' | '{' | '[' | '!' | '&' | '*' | '#') => {}
        Some(_) => plain_edit(value, value_at, &mut edits),
    }
    Some(edits)
}

/// The length of a mapping key at the start of `rest` and the offset just after its
/// `:`, when `rest` starts with one.
fn key_end(rest: &str) -> Option<(usize, usize)> {
    let len = match rest.chars().next()? {
        quote @ ('\'' | '"') => quoted_len(rest, quote)?,
        _ => {
            let at = rest
                .find(": ")
                .or_else(|| rest.strip_suffix(':').map(str::len))?;
            // `- a: b` handled by the caller; a plain value has no `: ` in it.
            at
        }
    };
    let after = rest[len..].strip_prefix(':')?;
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    Some((len, len + 1))
}

/// The length of the quoted scalar at the start of `text`, quotes included.
fn quoted_len(text: &str, quote: char) -> Option<usize> {
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
                continue;
            }
            return Some(i + 1);
        }
    }
    None
}

/// Records the rewrite of the plain scalar `plain` at byte `at`, if it needs one.
fn plain_edit(plain: &str, at: usize, edits: &mut Vec<(std::ops::Range<usize>, String)>) {
    let yaml11 = yaml11_kind(plain);
    // A string to both versions unless it could be a YAML 1.2 number (`1e3`).
    let numeric = plain.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'));
    if yaml11 == Yaml11::Str && (!numeric || plain.contains(' ')) {
        return;
    }
    let meant = serde_yaml_kind(plain);
    let replacement = match (meant, yaml11) {
        (Meant::Str, Yaml11::Str) => return,
        (Meant::Str, _) => format!("'{}'", plain.replace('\'', "''")),
        (Meant::Float, Yaml11::Float) => return,
        (Meant::Float, _) => match yaml11_float(plain) {
            Some(f) => f,
            None => return,
        },
        (Meant::Other, _) => return,
    };
    edits.push((at..at + plain.len(), replacement));
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Meant {
    Str,
    Float,
    /// A boolean, an integer or null: YAML 1.1 reads serde_yaml's spellings of these
    /// (`true`, `12`, `null`) alike.
    Other,
}

/// What serde_yaml (YAML 1.2) reads a plain scalar as.
fn serde_yaml_kind(plain: &str) -> Meant {
    match serde_yaml::from_str::<serde_yaml::Value>(plain) {
        Ok(serde_yaml::Value::String(_)) | Err(_) => Meant::Str,
        Ok(serde_yaml::Value::Number(n)) if n.is_f64() => Meant::Float,
        Ok(_) => Meant::Other,
    }
}

/// A float spelled so that YAML 1.1 reads it as one too: a dot in the mantissa and a
/// sign on the exponent (`1e20` → `1.0e+20`).
fn yaml11_float(plain: &str) -> Option<String> {
    let (mantissa, exponent) = match plain.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (plain, None),
    };
    let mantissa = if mantissa.contains('.') {
        mantissa.to_string()
    } else {
        format!("{mantissa}.0")
    };
    let out = match exponent {
        Some(e) if e.starts_with(['+', '-']) => format!("{mantissa}e{e}"),
        Some(e) => format!("{mantissa}e+{e}"),
        None => mantissa,
    };
    (yaml11_kind(&out) == Yaml11::Float).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every implicit form of the YAML 1.1 type repository, with what it resolves to.
    const YAML11_FORMS: &[(&str, Yaml11)] = &[
        ("y", Yaml11::Bool),
        ("Y", Yaml11::Bool),
        ("yes", Yaml11::Bool),
        ("Yes", Yaml11::Bool),
        ("YES", Yaml11::Bool),
        ("n", Yaml11::Bool),
        ("N", Yaml11::Bool),
        ("no", Yaml11::Bool),
        ("No", Yaml11::Bool),
        ("NO", Yaml11::Bool),
        ("true", Yaml11::Bool),
        ("True", Yaml11::Bool),
        ("TRUE", Yaml11::Bool),
        ("false", Yaml11::Bool),
        ("False", Yaml11::Bool),
        ("FALSE", Yaml11::Bool),
        ("on", Yaml11::Bool),
        ("On", Yaml11::Bool),
        ("ON", Yaml11::Bool),
        ("off", Yaml11::Bool),
        ("Off", Yaml11::Bool),
        ("OFF", Yaml11::Bool),
        ("0b1010_0111", Yaml11::Int),
        ("02472256", Yaml11::Int),
        ("685230", Yaml11::Int),
        ("+685_230", Yaml11::Int),
        ("1_000", Yaml11::Int),
        ("0x1F", Yaml11::Int),
        ("0x_0A_74_AE", Yaml11::Int),
        ("190:20:30", Yaml11::Int),
        ("1:20", Yaml11::Int),
        ("6.8523015e+5", Yaml11::Float),
        ("685.230_15e+03", Yaml11::Float),
        ("685_230.15", Yaml11::Float),
        ("190:20:30.15", Yaml11::Float),
        ("1.", Yaml11::Float),
        (".5", Yaml11::Float),
        ("-.inf", Yaml11::Float),
        (".inf", Yaml11::Float),
        (".NaN", Yaml11::Float),
        ("~", Yaml11::Null),
        ("null", Yaml11::Null),
        ("Null", Yaml11::Null),
        ("NULL", Yaml11::Null),
        ("", Yaml11::Null),
        ("2024-01-01", Yaml11::Timestamp),
        ("2001-12-14t21:59:43.10-05:00", Yaml11::Timestamp),
        ("2001-12-14 21:59:43.10 -5", Yaml11::Timestamp),
        ("2001-12-15T02:59:43.1Z", Yaml11::Timestamp),
        ("<<", Yaml11::Merge),
        ("=", Yaml11::Value),
        // Strings, for contrast.
        ("online", Yaml11::Str),
        ("yesterday", Yaml11::Str),
        ("1e3", Yaml11::Str),
        ("id", Yaml11::Str),
        ("2024-01-01x", Yaml11::Str),
        ("v1.0", Yaml11::Str),
        ("<paths>", Yaml11::Str),
        ("3.0.4", Yaml11::Str),
    ];

    #[test]
    fn the_resolver_list_is_yaml_1_1() {
        for (plain, kind) in YAML11_FORMS {
            assert_eq!(yaml11_kind(plain), *kind, "{plain:?}");
        }
    }

    #[test]
    fn every_string_yaml_1_1_would_misread_is_quoted_wherever_it_stands() {
        for (plain, kind) in YAML11_FORMS {
            if plain.is_empty() {
                continue;
            }
            let value = serde_json::json!({
                "name": plain,
                "enum": [plain],
                *plain: {"example": format!("{plain}")},
            });
            let written = serde_yaml::to_string(&value).expect("serializes");
            let safe = quote_for_yaml11(&written);
            // YAML 1.2 reads the same value as before.
            let back: serde_json::Value = serde_yaml::from_str(&safe).expect("reads");
            assert_eq!(back, value, "{safe}");
            let quoted = format!("'{}'", plain.replace('\'', "''"));
            if *kind != Yaml11::Str {
                assert_eq!(
                    safe.matches(quoted.as_str()).count()
                        + safe.matches(&format!("\"{plain}\"")).count(),
                    4,
                    "{plain:?} is quoted as key, name, member and example:\n{safe}"
                );
            }
        }
    }

    #[test]
    fn booleans_numbers_and_null_stay_plain() {
        let value = serde_json::json!({"a": true, "b": 12, "c": null, "d": -3, "e": 1.5});
        let written = serde_yaml::to_string(&value).expect("serializes");
        assert_eq!(quote_for_yaml11(&written), written);
    }

    #[test]
    fn floats_get_a_form_both_versions_read() {
        let value = serde_json::json!({"big": 1e20, "small": 1.5e-7});
        let written = serde_yaml::to_string(&value).expect("serializes");
        let safe = quote_for_yaml11(&written);
        for line in safe.lines() {
            let plain = line.split_once(": ").map_or("", |(_, v)| v);
            assert_eq!(yaml11_kind(plain), Yaml11::Float, "{line}");
        }
        let back: serde_json::Value = serde_yaml::from_str(&safe).expect("reads");
        assert_eq!(back, value);
    }

    #[test]
    fn literal_blocks_are_left_alone() {
        let value = serde_json::json!({
            "items": [{"description": "on\nyes\n- no: off\n", "name": "on"}, "off"],
        });
        let written = serde_yaml::to_string(&value).expect("serializes");
        let safe = quote_for_yaml11(&written);
        assert!(safe.contains("\n    yes\n"), "{safe}");
        assert!(safe.contains("name: 'on'"), "{safe}");
        assert!(safe.contains("- 'off'"), "{safe}");
        let back: serde_json::Value = serde_yaml::from_str(&safe).expect("reads");
        assert_eq!(back, value);
    }
}
