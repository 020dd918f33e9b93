//! The Type column: the many spellings of the docs → EDM primitives or named types.

use super::Edm;
use crate::parse::Link;

/// A Type cell as written, before names are resolved against the whole model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CellType {
    Primitive(Edm),
    /// The docs' `Json`: any JSON value.
    Json,
    /// A type or enum by name, with the link target when the cell links to a page.
    Named {
        name: String,
        target: String,
    },
    Collection(Box<CellType>),
    /// A choice of types (`string/number`, `Int32 or String`): no one schema, any JSON.
    Alternatives(String),
    /// Free text that names no type (`String (optional)`, `or a list of them`).
    Unmapped(String),
}

/// Reads one Type cell (`String`, `Int32 collection`, `[identitySet](identityset.md)`,
/// `Collection(microsoft.graph.x)`, `Edm.Guid`, ...).
pub fn parse_type_cell(text: &str, links: &[Link]) -> CellType {
    let text = text.trim().trim_matches('`').trim();
    if is_alternatives(text, links) {
        return CellType::Alternatives(text.to_string());
    }
    let (inner, collection) = strip_collection(text);
    let single = if let Some(link) = links.iter().find(|l| is_type_link(l)) {
        CellType::Named {
            name: clean_name(&link.text),
            target: link.target.clone(),
        }
    } else {
        plain_type(inner)
    };
    if collection {
        CellType::Collection(Box::new(single))
    } else {
        single
    }
}

/// `X collection`, `Collection(X)`, `collection of X`, `Collection of X`, `X array`.
fn strip_collection(text: &str) -> (&str, bool) {
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("collection(") && text.ends_with(')') {
        return (&text["collection(".len()..text.len() - 1], true);
    }
    if lower.starts_with("collection of ") {
        return (text["collection of ".len()..].trim(), true);
    }
    for suffix in [" collection", " array"] {
        if lower.ends_with(suffix) {
            return (text[..text.len() - suffix.len()].trim(), true);
        }
    }
    (text, false)
}

/// `string/number`, `Int32 or String`, `[a](a.md) or [b](b.md)`: two or more parts, each
/// of them a type by itself.
fn is_alternatives(text: &str, links: &[Link]) -> bool {
    let parts = alternatives(text);
    if parts.len() < 2 {
        return false;
    }
    let linked = links.iter().filter(|l| is_type_link(l)).count();
    parts.iter().all(|p| {
        let (p, _) = strip_collection(p);
        primitive(p.strip_prefix("Edm.").unwrap_or(p)).is_some()
            || (linked >= 2 && is_identifier_path(p))
    })
}

/// The parts of a choice of types: `string/number` → `string`, `number`.
pub fn alternatives(text: &str) -> Vec<&str> {
    text.split(" or ")
        .flat_map(|p| p.split('/'))
        .map(|p| p.trim().trim_matches(['`', '*']).trim())
        .collect()
}

fn is_type_link(link: &Link) -> bool {
    let t = link.target.as_str();
    !link.text.trim().is_empty()
        && !t.starts_with("http")
        && !t.starts_with('#')
        && (t.is_empty() || t.contains(".md") || !t.contains('/'))
}

/// Link text may carry formatting or a trailing `collection` inside the brackets.
fn clean_name(text: &str) -> String {
    let t = text.trim().trim_matches(['`', '*', '_']).trim();
    let (t, _) = strip_collection(t);
    t.to_string()
}

fn plain_type(text: &str) -> CellType {
    let t = text.trim().trim_matches(['`', '*']).trim();
    // Qualifiers the docs append: `string (url)`, `String (readonly)`, `String (identifier)`.
    if let Some((head, rest)) = t.split_once('(')
        && rest.trim_end().ends_with(')')
        && !head.trim().is_empty()
        && !head.trim().contains(' ')
    {
        let head = head.trim();
        let bare = head.strip_prefix("Edm.").unwrap_or(head);
        if let Some(edm) = primitive(bare) {
            return edm;
        }
    }
    let bare = t.strip_prefix("Edm.").unwrap_or(t);
    if let Some(edm) = primitive(bare) {
        return edm;
    }
    // An unlinked type name (`identitySet`, `microsoft.graph.x`, or a reference link
    // whose definition is missing, left as `[x][]`).
    let name = bare
        .trim_start_matches('[')
        .split(']')
        .next()
        .unwrap_or(bare);
    if is_identifier_path(name) {
        return CellType::Named {
            name: name.to_string(),
            target: String::new(),
        };
    }
    CellType::Unmapped(t.to_string())
}

fn primitive(name: &str) -> Option<CellType> {
    let edm = match name.to_ascii_lowercase().as_str() {
        "string" | "str" | "url" | "uri" => Edm::String,
        "boolean" | "bool" => Edm::Boolean,
        "int32" | "int" | "integer" => Edm::Int32,
        "int64" | "long" => Edm::Int64,
        "int16" => Edm::Int16,
        "byte" => Edm::Byte,
        "sbyte" => Edm::SByte,
        // JSON's one number type; `Double` holds any of them.
        "double" | "number" => Edm::Double,
        "single" | "float" => Edm::Single,
        "decimal" => Edm::Decimal,
        "datetimeoffset" | "datetime" | "timestamp" => Edm::DateTimeOffset,
        "date" => Edm::Date,
        "timeofday" => Edm::TimeOfDay,
        "duration" => Edm::Duration,
        "guid" | "uuid" => Edm::Guid,
        "binary" => Edm::Binary,
        "stream" => Edm::Stream,
        "json" => return Some(CellType::Json),
        _ => return None,
    };
    Some(CellType::Primitive(edm))
}

fn is_identifier_path(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(text: &str, target: &str) -> Link {
        Link {
            text: text.into(),
            target: target.into(),
        }
    }

    #[test]
    fn primitives_in_their_spellings() {
        for (text, edm) in [
            ("String", Edm::String),
            ("string", Edm::String),
            ("Int32", Edm::Int32),
            ("int", Edm::Int32),
            ("Integer", Edm::Int32),
            ("Int64", Edm::Int64),
            ("Boolean", Edm::Boolean),
            ("bool", Edm::Boolean),
            ("DateTimeOffset", Edm::DateTimeOffset),
            ("dateTimeOffset", Edm::DateTimeOffset),
            ("Edm.Guid", Edm::Guid),
            ("GUID", Edm::Guid),
            ("Duration", Edm::Duration),
            ("TimeOfDay", Edm::TimeOfDay),
            ("Date", Edm::Date),
            ("Binary", Edm::Binary),
            ("Double", Edm::Double),
        ] {
            assert_eq!(
                parse_type_cell(text, &[]),
                CellType::Primitive(edm),
                "{text}"
            );
        }
        assert_eq!(parse_type_cell("Json", &[]), CellType::Json);
    }

    #[test]
    fn collections_in_their_spellings() {
        let strings = CellType::Collection(Box::new(CellType::Primitive(Edm::String)));
        assert_eq!(parse_type_cell("String collection", &[]), strings);
        assert_eq!(parse_type_cell("Collection(Edm.String)", &[]), strings);
        assert_eq!(parse_type_cell("Collection of String", &[]), strings);
    }

    #[test]
    fn linked_types_keep_their_target() {
        let cell = parse_type_cell(
            "deviceConfigurationAssignment collection",
            &[link(
                "deviceConfigurationAssignment",
                "../resources/intune-deviceconfig-deviceconfigurationassignment.md",
            )],
        );
        assert_eq!(
            cell,
            CellType::Collection(Box::new(CellType::Named {
                name: "deviceConfigurationAssignment".into(),
                target: "../resources/intune-deviceconfig-deviceconfigurationassignment.md".into(),
            }))
        );
    }

    #[test]
    fn reference_links_and_qualified_names() {
        assert_eq!(
            parse_type_cell("identitySet", &[link("identitySet", "")]),
            CellType::Named {
                name: "identitySet".into(),
                target: String::new()
            }
        );
        assert_eq!(
            parse_type_cell("microsoft.graph.networkaccess.deviceVendor", &[]),
            CellType::Named {
                name: "microsoft.graph.networkaccess.deviceVendor".into(),
                target: String::new()
            }
        );
    }

    #[test]
    fn qualifiers_in_parentheses_are_dropped() {
        for text in [
            "string (url)",
            "String (readonly)",
            "String (optional)",
            "Edm.String (identifier)",
        ] {
            assert_eq!(
                parse_type_cell(text, &[]),
                CellType::Primitive(Edm::String),
                "{text}"
            );
        }
    }

    #[test]
    fn free_text_is_unmapped() {
        assert_eq!(
            parse_type_cell("or a list of them", &[]),
            CellType::Unmapped("or a list of them".into())
        );
        assert_eq!(
            parse_type_cell("string or a list", &[]),
            CellType::Unmapped("string or a list".into())
        );
    }

    #[test]
    fn number_is_a_double() {
        assert_eq!(
            parse_type_cell("number", &[]),
            CellType::Primitive(Edm::Double)
        );
        assert_eq!(
            parse_type_cell("Number collection", &[]),
            CellType::Collection(Box::new(CellType::Primitive(Edm::Double)))
        );
    }

    #[test]
    fn a_choice_of_types_is_alternatives() {
        for text in [
            "string/number",
            "string or int",
            "Int32 or String collection",
        ] {
            assert_eq!(
                parse_type_cell(text, &[]),
                CellType::Alternatives(text.into()),
                "{text}"
            );
        }
        let links = [link("a", "a.md"), link("b", "b.md")];
        assert_eq!(
            parse_type_cell("a or b", &links),
            CellType::Alternatives("a or b".into())
        );
        // One linked type is not a choice.
        assert_eq!(
            parse_type_cell("a", &links[..1]),
            CellType::Named {
                name: "a".into(),
                target: "a.md".into()
            }
        );
    }
}
