//! An example request's target → its query options, each parsed.
//!
//! The query string is split at `&` and each part at its first `=`, then `+` is read
//! as a space and `%XX` escapes are decoded, as a URL's query is. Option names are
//! compared without regard to case (`$orderBy`, `$Filter`). A `/$count` at the end of
//! the path is a segment of the path, not an option.

use super::filter::{self, ErrorKind, Expr, ParseError, Path, Segment};
use serde::Serialize;

/// The options of one request target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Query {
    /// The path ends in `/$count`.
    pub count_segment: bool,
    /// System query options (`$select`, ... and any other `$` name), in written order.
    pub options: Vec<QueryOption>,
    /// Other parameters (a function's `startDateTime`, ...), decoded.
    pub parameters: Vec<(String, String)>,
}

/// The system query options Graph documents, by lower-case name without `$`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionName {
    Select,
    Filter,
    OrderBy,
    Expand,
    Top,
    Skip,
    Count,
    Search,
    /// A page's token from an `@odata.nextLink`.
    SkipToken,
    /// A delta round's token from an `@odata.deltaLink`.
    DeltaToken,
    /// How deep a recursive `$expand` goes (`manager($levels=max)`).
    Levels,
    /// Any other `$` name (`$format`, `$id`, ...).
    Other,
}

impl OptionName {
    /// The name for `name` as written, `$` and letter case aside.
    pub fn of(name: &str) -> OptionName {
        let bare = name.strip_prefix('$').unwrap_or(name);
        match bare.to_ascii_lowercase().as_str() {
            "select" => OptionName::Select,
            "filter" => OptionName::Filter,
            "orderby" => OptionName::OrderBy,
            "expand" => OptionName::Expand,
            "top" => OptionName::Top,
            "skip" => OptionName::Skip,
            "count" => OptionName::Count,
            "search" => OptionName::Search,
            "skiptoken" => OptionName::SkipToken,
            "deltatoken" => OptionName::DeltaToken,
            "levels" => OptionName::Levels,
            _ => OptionName::Other,
        }
    }

    /// As a query writes it: `$orderby`.
    pub fn as_str(self) -> &'static str {
        match self {
            OptionName::Select => "$select",
            OptionName::Filter => "$filter",
            OptionName::OrderBy => "$orderby",
            OptionName::Expand => "$expand",
            OptionName::Top => "$top",
            OptionName::Skip => "$skip",
            OptionName::Count => "$count",
            OptionName::Search => "$search",
            OptionName::SkipToken => "$skiptoken",
            OptionName::DeltaToken => "$deltatoken",
            OptionName::Levels => "$levels",
            OptionName::Other => "other",
        }
    }
}

/// System query options that a query may also write without the `$`.
const BARE_NAMES: [&str; 10] = [
    "select",
    "filter",
    "orderby",
    "expand",
    "top",
    "skip",
    "count",
    "search",
    "skiptoken",
    "levels",
];

/// One option: its name and value as decoded, and what the value says.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueryOption {
    /// As written (decoded): `$orderBy`.
    pub written: String,
    pub name: OptionName,
    /// Written with its `$`.
    pub dollar: bool,
    /// Decoded.
    pub value: String,
    pub parsed: Result<OptionValue, ParseError>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum OptionValue {
    Select(Vec<Path>),
    Filter(Expr),
    OrderBy(Vec<OrderKey>),
    Expand(Vec<ExpandItem>),
    Top(u32),
    Skip(u32),
    Count(bool),
    Search(Search),
    /// `$skiptoken`, as given.
    SkipToken(String),
    /// `$deltatoken`, as given.
    DeltaToken(String),
    /// `$levels`: a number of levels, or `None` for `max`.
    Levels(Option<u32>),
    /// An option of another name: its value is kept as text.
    Other,
}

/// One `$orderby` key.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrderKey {
    pub path: Path,
    /// `Some(true)` for `desc`, `Some(false)` for a written `asc`, `None` for neither.
    pub descending: Option<bool>,
}

/// One `$expand` item: a relationship and the options inside its parentheses.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExpandItem {
    pub path: Path,
    pub options: Vec<QueryOption>,
}

/// A `$search` value: the text as written and its quoted phrases.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Search {
    pub text: String,
    /// The text of each `"..."` phrase (`displayName:wa`), quotes left out.
    pub phrases: Vec<String>,
}

/// Reads the query of `target` (a path with an optional `?query`).
pub fn parse_target(target: &str) -> Query {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let count_segment = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .is_some_and(|last| last.eq_ignore_ascii_case("$count"));
    let mut out = Query {
        count_segment,
        options: Vec::new(),
        parameters: Vec::new(),
    };
    for part in query.split('&') {
        if part.trim().is_empty() {
            continue;
        }
        let (name, value) = part.split_once('=').unwrap_or((part, ""));
        let name = decode(name).trim().to_string();
        let value = decode(value);
        let dollar = name.starts_with('$');
        let bare = name.trim_start_matches('$').to_ascii_lowercase();
        if dollar || BARE_NAMES.contains(&bare.as_str()) {
            out.options.push(option(name, dollar, value, 0));
        } else {
            out.parameters.push((name, value));
        }
    }
    out
}

/// `+` as a space, then `%XX` escapes as bytes; an escape that is not one stays as
/// written, and bytes that are not UTF-8 become U+FFFD.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(byte) = hex {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How deep `$expand` options may nest before the value is refused.
const MAX_EXPAND_DEPTH: usize = 8;

fn option(written: String, dollar: bool, value: String, depth: usize) -> QueryOption {
    let name = OptionName::of(&written);
    let parsed = parse_value(name, &value, depth);
    QueryOption {
        written,
        name,
        dollar,
        value,
        parsed,
    }
}

fn parse_value(name: OptionName, value: &str, depth: usize) -> Result<OptionValue, ParseError> {
    let trimmed = value.trim();
    match name {
        OptionName::Select => list(trimmed, "$select")?
            .into_iter()
            .map(|(at, item)| path_item(item, at))
            .collect::<Result<_, _>>()
            .map(OptionValue::Select),
        OptionName::Filter => filter::parse(value).map(OptionValue::Filter),
        OptionName::OrderBy => list(trimmed, "$orderby")?
            .into_iter()
            .map(|(at, item)| order_key(item, at))
            .collect::<Result<_, _>>()
            .map(OptionValue::OrderBy),
        OptionName::Expand => list(trimmed, "$expand")?
            .into_iter()
            .map(|(at, item)| expand_item(item, at, depth))
            .collect::<Result<_, _>>()
            .map(OptionValue::Expand),
        OptionName::Top => number(trimmed).map(OptionValue::Top),
        OptionName::Skip => number(trimmed).map(OptionValue::Skip),
        OptionName::Levels if trimmed.eq_ignore_ascii_case("max") => Ok(OptionValue::Levels(None)),
        OptionName::Levels => number(trimmed).map(|n| OptionValue::Levels(Some(n))),
        OptionName::Count => match trimmed.to_ascii_lowercase().as_str() {
            "true" => Ok(OptionValue::Count(true)),
            "false" => Ok(OptionValue::Count(false)),
            _ => Err(error(0, format!("`{trimmed}` is not `true` or `false`"))),
        },
        OptionName::Search => {
            if trimmed.is_empty() {
                Err(error(0, "empty $search".to_string()))
            } else if let Some(at) = value.find(['\u{201C}', '\u{201D}']) {
                Err(error(
                    at,
                    "a typographic quote; $search quotes its phrases with `\"`".to_string(),
                ))
            } else if value.matches('"').count() % 2 == 1 {
                Err(error(
                    0,
                    "a $search phrase whose quote is not closed".to_string(),
                ))
            } else {
                Ok(OptionValue::Search(Search {
                    text: value.to_string(),
                    phrases: phrases(value),
                }))
            }
        }
        OptionName::SkipToken | OptionName::DeltaToken if trimmed.is_empty() => {
            Err(error(0, "an empty token".to_string()))
        }
        OptionName::SkipToken => Ok(OptionValue::SkipToken(value.to_string())),
        OptionName::DeltaToken => Ok(OptionValue::DeltaToken(value.to_string())),
        OptionName::Other => Ok(OptionValue::Other),
    }
}

fn error(at: usize, message: String) -> ParseError {
    let kind = if message.contains('{') {
        ErrorKind::Placeholder
    } else {
        ErrorKind::Syntax
    };
    ParseError { at, kind, message }
}

fn number(text: &str) -> Result<u32, ParseError> {
    if text.starts_with('{') {
        return Err(error(0, format!("`{text}` is a placeholder, not a number")));
    }
    text.parse::<u32>()
        .map_err(|_| error(0, format!("`{text}` is not a whole number")))
}

/// The text of each `"..."`; an unclosed quote runs to the end.
fn phrases(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Items separated by commas outside parentheses and quotes, with their offsets.
fn list<'a>(text: &'a str, option: &str) -> Result<Vec<(usize, &'a str)>, ParseError> {
    if text.is_empty() {
        return Err(error(0, format!("empty {option}")));
    }
    let parts = split_top(text, b',');
    if let Some((at, _)) = parts.iter().find(|(_, p)| p.trim().is_empty()) {
        return Err(error(*at, format!("an empty item in {option}")));
    }
    Ok(parts)
}

/// `text` split at `separator` where it stands outside parentheses and `'...'`.
fn split_top(text: &str, separator: u8) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut start) = (0usize, false, 0usize);
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth = depth.saturating_sub(1),
            _ if b == separator && !quoted && depth == 0 => {
                out.push((start, &text[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push((start, &text[start..]));
    out
}

fn offset(e: ParseError, at: usize) -> ParseError {
    ParseError { at: e.at + at, ..e }
}

/// A `$select` item: a property path (`microsoft.graph.user/displayName`) or `*`.
fn path_item(item: &str, at: usize) -> Result<Path, ParseError> {
    let text = item.trim();
    if text == "*" {
        return Ok(Path {
            segments: vec![Segment::Name("*".to_string())],
        });
    }
    filter::parse_path(text).map_err(|e| offset(e, at))
}

fn order_key(item: &str, at: usize) -> Result<OrderKey, ParseError> {
    let text = item.trim();
    let (path, direction) = match text.rsplit_once(char::is_whitespace) {
        Some((path, word)) if word.eq_ignore_ascii_case("desc") => (path.trim_end(), Some(true)),
        Some((path, word)) if word.eq_ignore_ascii_case("asc") => (path.trim_end(), Some(false)),
        _ => (text, None),
    };
    let path = filter::parse_path(path).map_err(|e| offset(e, at))?;
    Ok(OrderKey {
        path,
        descending: direction,
    })
}

fn expand_item(item: &str, at: usize, depth: usize) -> Result<ExpandItem, ParseError> {
    let text = item.trim();
    let (head, inner) = match text.find('(') {
        Some(open) => {
            let Some(body) = text[open + 1..].strip_suffix(')') else {
                return Err(error(
                    at + open,
                    format!("`{text}`: the options of an $expand item end with `)`"),
                ));
            };
            (&text[..open], Some((open + 1, body)))
        }
        None => (text, None),
    };
    let path = if head.trim() == "*" {
        Path {
            segments: vec![Segment::Name("*".to_string())],
        }
    } else {
        filter::parse_path(head.trim()).map_err(|e| offset(e, at))?
    };
    let mut options = Vec::new();
    if let Some((start, body)) = inner {
        if depth >= MAX_EXPAND_DEPTH {
            return Err(error(at, "$expand nests too deep".to_string()));
        }
        for (part_at, part) in split_top(body, b';') {
            if part.trim().is_empty() {
                continue;
            }
            let Some((name, value)) = part.split_once('=') else {
                return Err(error(
                    at + start + part_at,
                    format!("`{}` in $expand is not `$option=value`", part.trim()),
                ));
            };
            let name = name.trim().to_string();
            let dollar = name.starts_with('$');
            options.push(option(name, dollar, value.to_string(), depth + 1));
        }
    }
    Ok(ExpandItem { path, options })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(q: &Query) -> Vec<OptionName> {
        q.options.iter().map(|o| o.name).collect()
    }

    #[test]
    fn options_are_split_decoded_and_named_without_regard_to_case() {
        let q = parse_target(
            "/groups?$Filter=groupTypes/any(c:c+eq+'Unified')&$orderBy=displayName%20desc&$top=5&startDateTime=2020-01-01",
        );
        assert_eq!(
            names(&q),
            [OptionName::Filter, OptionName::OrderBy, OptionName::Top]
        );
        assert_eq!(q.options[0].value, "groupTypes/any(c:c eq 'Unified')");
        assert!(matches!(q.options[0].parsed, Ok(OptionValue::Filter(_))));
        let Ok(OptionValue::OrderBy(keys)) = &q.options[1].parsed else {
            panic!("{:?}", q.options[1].parsed);
        };
        assert_eq!(keys[0].descending, Some(true));
        assert_eq!(q.options[2].parsed, Ok(OptionValue::Top(5)));
        assert_eq!(
            q.parameters,
            [("startDateTime".to_string(), "2020-01-01".to_string())]
        );
        assert!(!q.count_segment);
    }

    #[test]
    fn count_as_a_segment_is_not_an_option() {
        let q = parse_target("/users/$count?$search=%22displayName:wa%22");
        assert!(q.count_segment);
        assert_eq!(names(&q), [OptionName::Search]);
        let Ok(OptionValue::Search(s)) = &q.options[0].parsed else {
            panic!();
        };
        assert_eq!(s.text, "\"displayName:wa\"");
        assert_eq!(s.phrases, ["displayName:wa"]);
    }

    #[test]
    fn select_casts_and_expand_options() {
        let q = parse_target(
            "/me/memberOf?$select=id,microsoft.graph.group/displayName&$expand=members($select=id,displayName;$filter=startswith(displayName,'a')),manager",
        );
        let Ok(OptionValue::Select(items)) = &q.options[0].parsed else {
            panic!();
        };
        assert_eq!(
            items[1].segments,
            [
                Segment::Cast("microsoft.graph.group".into()),
                Segment::Name("displayName".into())
            ]
        );
        let Ok(OptionValue::Expand(items)) = &q.options[1].parsed else {
            panic!("{:?}", q.options[1].parsed);
        };
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].options.iter().map(|o| o.name).collect::<Vec<_>>(),
            [OptionName::Select, OptionName::Filter]
        );
        assert!(items[1].options.is_empty());
    }

    #[test]
    fn bad_values_are_errors() {
        for target in [
            "/x?$top=ten",
            "/x?$count=yes",
            "/x?$select=a,,b",
            "/x?$expand=members($select=id",
            "/x?$orderby=",
            "/x?$skip=-1",
            "/x?$search=%E2%80%9DdisplayName:Video%22",
            "/x?$search=\"displayName:Video",
        ] {
            let q = parse_target(target);
            assert!(q.options[0].parsed.is_err(), "{target}");
        }
        assert_eq!(decode("a%2"), "a%2");
        assert_eq!(decode("%ZZ%41"), "%ZZA");
        assert_eq!(decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn bare_system_names_are_options_without_dollar() {
        let q =
            parse_target("/auditLogs/signIns?&$filter=startsWith(appDisplayName,'Graph')&top=10");
        assert_eq!(names(&q), [OptionName::Filter, OptionName::Top]);
        assert!(!q.options[1].dollar);
    }
}
