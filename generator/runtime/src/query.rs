//! The OData system query options.

use percent_encoding::percent_decode_str;
use std::collections::{BTreeSet, HashSet};
use std::fmt;

// ---------- OData query options ----------

/// The OData system query options. Only set what the operation supports; see its
/// documentation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ODataQuery {
    /// `$select`: the properties to return.
    pub select: Vec<String>,
    /// `$filter`: an OData filter expression.
    pub filter: Option<String>,
    /// `$expand`: the relationships to return inline.
    pub expand: Vec<String>,
    /// `$orderby`: sort keys, each optionally followed by `asc` or `desc`.
    pub orderby: Vec<String>,
    /// `$top`: the page size.
    pub top: Option<u32>,
    /// `$skip`: how many items to skip.
    pub skip: Option<u32>,
    /// `$count`: whether to return the total count.
    pub count: Option<bool>,
    /// `$search`: a search phrase.
    pub search: Option<String>,
}

impl ODataQuery {
    /// No query options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds properties to `$select`.
    pub fn select<S: Into<String>>(mut self, properties: impl IntoIterator<Item = S>) -> Self {
        self.select.extend(properties.into_iter().map(Into::into));
        self
    }

    /// Sets `$filter`.
    pub fn filter(mut self, expression: impl Into<String>) -> Self {
        self.filter = Some(expression.into());
        self
    }

    /// Adds relationships to `$expand`.
    pub fn expand<S: Into<String>>(mut self, relations: impl IntoIterator<Item = S>) -> Self {
        self.expand.extend(relations.into_iter().map(Into::into));
        self
    }

    /// Adds sort keys to `$orderby`.
    pub fn orderby<S: Into<String>>(mut self, keys: impl IntoIterator<Item = S>) -> Self {
        self.orderby.extend(keys.into_iter().map(Into::into));
        self
    }

    /// Sets `$top`.
    pub fn top(mut self, n: u32) -> Self {
        self.top = Some(n);
        self
    }

    /// Sets `$skip`.
    pub fn skip(mut self, n: u32) -> Self {
        self.skip = Some(n);
        self
    }

    /// Sets `$count`.
    pub fn count(mut self, yes: bool) -> Self {
        self.count = Some(yes);
        self
    }

    /// Sets `$search`.
    pub fn search(mut self, phrase: impl Into<String>) -> Self {
        self.search = Some(phrase.into());
        self
    }

    /// `(name, value)` pairs, unencoded, in a fixed order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let list = |v: &Vec<String>| v.join(",");
        if !self.select.is_empty() {
            out.push(("$select", list(&self.select)));
        }
        if let Some(f) = &self.filter {
            out.push(("$filter", f.clone()));
        }
        if !self.expand.is_empty() {
            out.push(("$expand", list(&self.expand)));
        }
        if !self.orderby.is_empty() {
            out.push(("$orderby", list(&self.orderby)));
        }
        if let Some(n) = self.top {
            out.push(("$top", n.to_string()));
        }
        if let Some(n) = self.skip {
            out.push(("$skip", n.to_string()));
        }
        if let Some(c) = self.count {
            out.push(("$count", c.to_string()));
        }
        if let Some(s) = &self.search {
            out.push(("$search", s.clone()));
        }
        out
    }
}

// ---------- comparing queries ----------

/// A query in the form two spellings of the same query share, to compare the query a
/// request builds with a documented or received one (tests, fakes):
///
/// - the options are a set; their names are compared without regard to case, and the
///   `$` of a system option may be left out (`orderBy=` is `$orderby=`), at the top
///   level and nested in `$expand` (`fields(select=Name)` is `fields($select=Name)`);
/// - values are percent-decoded once, with `+` read as a space;
/// - outside quoted literals, whitespace counts only between two words (`displayName
///   desc`), function names and operators are compared in lower case (`startswith`),
///   and lambda variables by their order (`any(x: x/skuId …)` is `any(u:u/skuId …)`);
/// - parentheses around a whole `$filter` or around a single value (`eq (b9cf…)`) are
///   left out, and so are the zeros that end the fraction of a time's seconds
///   (`00:00:00.000Z` is `00:00:00Z`);
/// - the options inside an `$expand` item are a set too
///   (`manager($levels=max;$select=id)` is `manager($select=id;$levels=max)`).
///
/// Everything else counts: the order of `$select` items, other parentheses, literal text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NormalizedQuery(BTreeSet<(String, String)>);

/// The system query options, by their name without `$`.
const SYSTEM_OPTIONS: [&str; 15] = [
    "apply",
    "count",
    "deltatoken",
    "expand",
    "filter",
    "format",
    "id",
    "levels",
    "orderby",
    "search",
    "select",
    "skip",
    "skiptoken",
    "top",
    "compute",
];

/// Words compared in lower case wherever they stand: OData's operators and sort orders.
const OPERATORS: [&str; 13] = [
    "eq", "ne", "gt", "ge", "lt", "le", "and", "or", "not", "in", "has", "asc", "desc",
];

impl NormalizedQuery {
    /// Reads a percent-encoded query string: what follows `?`, or a path and query (a
    /// text starting with `/` or a URL), whose path is left out.
    pub fn parse(query: &str) -> Self {
        let has_path =
            query.starts_with('/') || query.starts_with("https://") || query.starts_with("http://");
        let query = if has_path {
            query.split_once('?').map_or("", |(_, q)| q)
        } else {
            query
        };
        Self::from_options(
            query
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (decode(name), decode(value))
                })
                .collect::<Vec<_>>()
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str())),
        )
    }

    /// Reads decoded `(name, value)` pairs, as [`Request::query_options`] holds them.
    ///
    /// [`Request::query_options`]: super::Request::query_options
    pub fn from_options<'a>(options: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self(
            options
                .into_iter()
                .map(|(name, value)| {
                    let name = option_name(name);
                    let mut value = normalize_value(value);
                    if name == "$filter" {
                        value = without_outer_parentheses(value);
                    }
                    if name == "$expand" {
                        value = sorted_nested_options(&value);
                    }
                    (name, value)
                })
                .collect(),
        )
    }

    /// The options, normalised, in name order.
    pub fn options(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

impl fmt::Display for NormalizedQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, value)) in self.0.iter().enumerate() {
            write!(f, "{}{name}={value}", if i == 0 { "" } else { "&" })?;
        }
        Ok(())
    }
}

fn decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

fn option_name(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    if SYSTEM_OPTIONS.contains(&lower.as_str()) {
        format!("${lower}")
    } else {
        lower
    }
}

/// One piece of an option's value.
#[derive(Clone, Debug, PartialEq)]
enum Piece {
    /// A quoted literal, quotes included, as written.
    Quoted(String),
    Word(String),
    Space,
    Punct(char),
}

fn pieces(value: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' {
            let mut text = String::from(c);
            while let Some(d) = chars.next() {
                text.push(d);
                if d == '\\' && c == '"' {
                    if let Some(escaped) = chars.next() {
                        text.push(escaped);
                    }
                } else if d == c {
                    // `''` inside a single-quoted literal is a quote, not its end.
                    if c == '\'' && chars.peek() == Some(&'\'') {
                        chars.next();
                        text.push('\'');
                    } else {
                        break;
                    }
                }
            }
            out.push(Piece::Quoted(text));
        } else if c.is_whitespace() {
            while chars.peek().is_some_and(|d| d.is_whitespace()) {
                chars.next();
            }
            out.push(Piece::Space);
        } else if is_word_char(c) {
            let mut word = String::from(c);
            while let Some(&d) = chars.peek() {
                if !is_word_char(d) {
                    break;
                }
                word.push(d);
                chars.next();
            }
            out.push(Piece::Word(word));
        } else {
            out.push(Piece::Punct(c));
        }
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '$' | '@' | '-' | '#')
}

fn normalize_value(value: &str) -> String {
    let pieces = pieces(value);
    // `(value)` where an operand stands: the parentheses around one word or literal,
    // not those of a call (`startsWith(`), a lambda or an `$expand` item. They are left
    // out, and the pieces around them read as if they were not there.
    let around_one = parentheses_around_one(&pieces);
    let solid = |p: &(usize, &Piece)| *p.1 != Piece::Space && !around_one.contains(&p.0);
    // The next piece that is not a space, after `i`.
    let next_solid = |i: usize| {
        pieces
            .iter()
            .enumerate()
            .skip(i + 1)
            .find(solid)
            .map(|(_, p)| p)
    };
    // The last piece that is not a space, before `i`.
    let prev_solid = |i: usize| {
        pieces
            .iter()
            .enumerate()
            .take(i)
            .rev()
            .find(solid)
            .map(|(_, p)| p)
    };
    let mut variables: Vec<(String, String)> = Vec::new();
    let mut out = String::new();
    let word_like = |p: Option<&Piece>| matches!(p, Some(Piece::Word(_)) | Some(Piece::Quoted(_)));
    for (i, piece) in pieces.iter().enumerate() {
        if around_one.contains(&i) {
            // `not(x)` reads `not x`: the words the parentheses kept apart stay apart.
            if word_like(prev_solid(i)) && word_like(next_solid(i)) && !out.ends_with(' ') {
                out.push(' ');
            }
            continue;
        }
        match piece {
            Piece::Quoted(text) => out.push_str(text),
            Piece::Punct(c) => out.push(*c),
            Piece::Space => {
                // Spaces either side of left-out parentheses make one.
                if word_like(prev_solid(i)) && word_like(next_solid(i)) && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            Piece::Word(word) => {
                let after_colon = pieces[..i].last() == Some(&Piece::Punct(':'));
                let seconds;
                let word = if after_colon {
                    seconds = without_zero_fraction(word);
                    &seconds
                } else {
                    word
                };
                let lower = word.to_ascii_lowercase();
                let called = next_solid(i) == Some(&Piece::Punct('('));
                let declares =
                    next_solid(i) == Some(&Piece::Punct(':')) && lambda_opens_before(&pieces[..i]);
                // An option nested in `$expand`: `fields(select=Name)` is
                // `fields($select=Name)`, as at the top level.
                let nested_option = next_solid(i) == Some(&Piece::Punct('='))
                    && matches!(prev_solid(i), Some(Piece::Punct('(' | ';')));
                if nested_option {
                    out.push_str(&option_name(word));
                } else if declares {
                    let name = format!("_{}", variables.len());
                    variables.push((word.clone(), name.clone()));
                    out.push_str(&name);
                } else if let Some((_, name)) = variables.iter().rev().find(|(w, _)| w == word) {
                    out.push_str(name);
                } else if called || OPERATORS.contains(&lower.as_str()) {
                    out.push_str(&lower);
                } else {
                    out.push_str(word);
                }
            }
        }
    }
    out
}

/// The indices of the parentheses that hold one word or literal where an operand
/// stands (`eq (b9cf…)`, `not (x)`): after an operator, a `(` or the start, not after a
/// name (a call, a lambda, an `$expand` item).
fn parentheses_around_one(pieces: &[Piece]) -> HashSet<usize> {
    let solid_after = |i: usize| {
        pieces
            .iter()
            .enumerate()
            .skip(i + 1)
            .filter(|(_, p)| **p != Piece::Space)
    };
    let mut out = HashSet::new();
    for (i, piece) in pieces.iter().enumerate() {
        if *piece != Piece::Punct('(') {
            continue;
        }
        let opens_operand = match pieces[..i].iter().rev().find(|p| **p != Piece::Space) {
            Some(Piece::Word(w)) => OPERATORS.contains(&w.to_ascii_lowercase().as_str()),
            Some(Piece::Quoted(_)) => false,
            _ => true,
        };
        let mut after = solid_after(i);
        if let (true, Some((_, Piece::Word(_) | Piece::Quoted(_))), Some((k, Piece::Punct(')')))) =
            (opens_operand, after.next(), after.next())
        {
            out.insert(i);
            out.insert(k);
        }
    }
    out
}

/// The seconds of a time (`00.000Z`, `30.5000000`) without the zeros that end their
/// fraction, so that `12:00:00.000Z` is `12:00:00Z`; any other word as it is.
fn without_zero_fraction(word: &str) -> String {
    let digits_end = word
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(word.len());
    let (number, zone) = word.split_at(digits_end);
    match number.split_once('.') {
        Some((whole, fraction))
            if whole.len() == 2
                && !fraction.is_empty()
                && fraction.bytes().all(|b| b.is_ascii_digit()) =>
        {
            let fraction = fraction.trim_end_matches('0');
            if fraction.is_empty() {
                format!("{whole}{zone}")
            } else {
                format!("{whole}.{fraction}{zone}")
            }
        }
        _ => word.to_string(),
    }
}

/// The options inside each `$expand` item in name order, at every depth
/// (`manager($select=id;$levels=max)` as `manager($levels=max;$select=id)`). Items
/// whose parentheses hold anything but options (`$` first) stay as they are.
fn sorted_nested_options(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(open) = located(rest)
        .into_iter()
        .find_map(|(at, p)| (p == Piece::Punct('(')).then_some(at))
    {
        out.push_str(&rest[..open]);
        let Some(close) = closing_parenthesis(&rest[open..]).map(|c| open + c) else {
            // Never closed: the rest as it is.
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = sorted_nested_options(&rest[open + 1..close]);
        let mut options = split_at_semicolons(&inner);
        if options.len() > 1 && options.iter().all(|o| o.starts_with('$')) {
            options.sort_unstable();
        }
        out.push('(');
        out.push_str(&options.join(";"));
        out.push(')');
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `text` split at each `;` outside literals and parentheses.
fn split_at_semicolons(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut from) = (0usize, 0);
    for (at, piece) in located(text) {
        match piece {
            Piece::Punct('(') => depth += 1,
            Piece::Punct(')') => depth = depth.saturating_sub(1),
            Piece::Punct(';') if depth == 0 => {
                parts.push(&text[from..at]);
                from = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[from..]);
    parts
}

/// The pieces of a normalised value with the byte offset each starts at (a space is
/// one byte there).
fn located(text: &str) -> Vec<(usize, Piece)> {
    let mut offset = 0;
    pieces(text)
        .into_iter()
        .map(|piece| {
            let at = offset;
            offset += match &piece {
                Piece::Quoted(t) | Piece::Word(t) => t.len(),
                Piece::Space => 1,
                Piece::Punct(c) => c.len_utf8(),
            };
            (at, piece)
        })
        .collect()
}

/// `(a eq 1)` as `a eq 1`: parentheses around a whole filter say nothing.
fn without_outer_parentheses(mut value: String) -> String {
    while value.starts_with('(') && closing_parenthesis(&value) == Some(value.len() - 1) {
        value = value[1..value.len() - 1].to_string();
    }
    value
}

/// The index of the `)` that closes the `(` `text` starts with, literals skipped.
fn closing_parenthesis(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, piece) in located(text) {
        match piece {
            Piece::Punct('(') => depth += 1,
            Piece::Punct(')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether `before` ends in `any(` or `all(`, spaces aside.
fn lambda_opens_before(before: &[Piece]) -> bool {
    let mut solid = before.iter().rev().filter(|p| **p != Piece::Space);
    matches!(
        (solid.next(), solid.next()),
        (Some(Piece::Punct('(')), Some(Piece::Word(w)))
            if w.eq_ignore_ascii_case("any") || w.eq_ignore_ascii_case("all")
    )
}

#[cfg(test)]
mod tests;
