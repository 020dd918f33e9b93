//! What a property's description says about OData query options. Current pages end many
//! descriptions with "Returned only on `$select`." (the service leaves the property out
//! unless `$select` names it) and "Supports `$filter` (`eq`, `ne`, `in`), `$orderby`."
//! (the options, and their operators, that work on it).

use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct QueryNotes {
    /// The property is returned only when `$select` names it.
    pub select_only: bool,
    /// The query options that work on the property (`$filter`, `$orderby`, ...), each with
    /// the operators the description lists (empty when it lists none).
    pub supports: Vec<QuerySupport>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuerySupport {
    /// With its `$`: `$filter`.
    pub option: String,
    pub operators: Vec<String>,
}

impl QueryNotes {
    pub fn is_empty(&self) -> bool {
        !self.select_only && self.supports.is_empty()
    }
}

/// Reads the notes out of a description.
pub fn query_notes(description: &str) -> QueryNotes {
    let mut notes = QueryNotes::default();
    if !description.contains('$') {
        return notes;
    }
    let plain = description.replace('`', "");
    let lower = plain.to_ascii_lowercase();
    notes.select_only = lower.contains("returned only on $select")
        || lower.contains("only returned on $select")
        || lower.contains("returned only when $select")
        || lower.contains("returned only if $select");
    let mut from = 0;
    while let Some(at) = lower[from..].find("supports $").map(|i| from + i) {
        let clause = sentence(&plain[at + "supports ".len()..]);
        from = at + "supports ".len() + clause.len();
        read_clause(clause, &mut notes.supports);
    }
    notes
}

/// The text up to the end of its sentence: a `.` outside parentheses that ends the text
/// or is followed by a space.
fn sentence(text: &str) -> &str {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '.' if depth == 0
                && bytes
                    .get(i + 1)
                    .is_none_or(|b| b.is_ascii_whitespace() || *b == b'<') =>
            {
                return &text[..i];
            }
            _ => {}
        }
    }
    text
}

/// `$filter (eq, ne, not, in), $orderby, and $search` → options with operators.
fn read_clause(clause: &str, out: &mut Vec<QuerySupport>) {
    let mut rest = clause;
    while let Some(at) = rest.find('$') {
        rest = &rest[at..];
        let name_len = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(rest.len(), |i| i + 1);
        let option = rest[..name_len].to_string();
        rest = &rest[name_len..];
        let mut operators = Vec::new();
        let after = rest.trim_start();
        if let Some(inner) = after.strip_prefix('(') {
            let close = inner.find(')').unwrap_or(inner.len());
            operators = inner[..close]
                .split(',')
                .flat_map(|part| part.split(" and "))
                .map(|op| op.trim().trim_start_matches("and ").trim().to_string())
                .filter(|op| !op.is_empty())
                .collect();
            rest = inner.get(close + 1..).unwrap_or("");
        }
        if option.len() > 1 && !out.iter().any(|s| s.option == option) {
            out.push(QuerySupport { option, operators });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_only_and_supported_options_are_read() {
        let notes = query_notes(
            "Whether the gadget may sign in. Required on creation.<br><br>Returned only on `$select`. Supports `$filter` (`eq`, `ne`, `not`, and `in`), `$orderby`, and `$search`.",
        );
        assert!(notes.select_only);
        let read: Vec<(&str, Vec<&str>)> = notes
            .supports
            .iter()
            .map(|s| {
                (
                    s.option.as_str(),
                    s.operators.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            read,
            vec![
                ("$filter", vec!["eq", "ne", "not", "in"]),
                ("$orderby", vec![]),
                ("$search", vec![]),
            ]
        );
    }

    #[test]
    fn options_named_elsewhere_in_the_text_are_not_support() {
        let notes = query_notes(
            "Read it with $select=size. Supports $filter (eq on null values, startsWith). Use $top to page.",
        );
        assert!(!notes.select_only);
        assert_eq!(notes.supports.len(), 1);
        assert_eq!(
            notes.supports[0].operators,
            ["eq on null values", "startsWith"]
        );
        assert!(query_notes("A plain description.").is_empty());
    }
}
