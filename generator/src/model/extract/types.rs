//! Type and enum definitions of one page, read without the other pages.

use crate::diag::{Code, Diagnostic};
use crate::model::typeref::{CellType, parse_type_cell};
use crate::model::{Area, EnumMember, QualifiedName};
use crate::parse::{Item, Page, Table, Text};

const DEFAULT_NAMESPACE: &str = "microsoft.graph";

pub(in crate::model) struct RawType {
    pub name: QualifiedName,
    pub area: Area,
    pub page: String,
    pub line: usize,
    pub key: bool,
    pub is_abstract: bool,
    pub is_open: bool,
    pub base: Option<NameRef>,
    pub description: String,
    pub properties: Vec<RawProperty>,
    pub representation: Option<Representation>,
}

/// A resource page's JSON representation block, whose members are checked against the
/// properties once every page is merged.
pub(in crate::model) struct Representation {
    /// The type the page defines.
    pub type_name: QualifiedName,
    pub page: String,
    /// The line the block's JSON starts on.
    pub line: usize,
    pub members: serde_json::Map<String, serde_json::Value>,
}

pub(in crate::model) struct RawProperty {
    pub name: String,
    pub cell: CellType,
    pub description: String,
    pub navigation: bool,
    pub line: usize,
}

/// A reference to a type as written: a qualified name, or link text plus target.
#[derive(Clone)]
pub(in crate::model) struct NameRef {
    pub name: String,
    pub target: String,
    pub line: usize,
}

pub(in crate::model) struct RawEnum {
    pub(in crate::model) name: QualifiedName,
    pub(in crate::model) area: Area,
    pub(in crate::model) page: String,
    pub(in crate::model) line: usize,
    pub(in crate::model) description: String,
    pub(in crate::model) flags: bool,
    pub(in crate::model) members: Vec<EnumMember>,
}

/// The enums and the resource type a page defines.
pub(in crate::model) fn collect_page(
    page: &Page,
    types: &mut Vec<RawType>,
    enums: &mut Vec<RawEnum>,
    diags: &mut Vec<Diagnostic>,
) {
    let namespace = page.namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE);
    let description = page_description(page);
    enums.extend(page_enums(page, namespace, &description, diags));
    types.extend(resource_type(page, namespace, description, diags));
}

/// Enum sections: `### x values` anywhere, `## Members` on enum pages.
fn page_enums(
    page: &Page,
    namespace: &str,
    description: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<RawEnum> {
    let title = page.title.as_ref();
    let mut enums = Vec::new();
    for (i, section) in page.sections.iter().enumerate() {
        let title_lower = section.title.to_ascii_lowercase();
        let enum_name = if let Some(stripped) = title_lower.strip_suffix(" values") {
            Some(
                section.title[..stripped.len()]
                    .trim()
                    .trim_matches('`')
                    .to_string(),
            )
        } else if title_lower == "members" || title_lower == "enum members" {
            title.map(|t| strip_title_suffix(&t.value))
        } else {
            None
        };
        let Some(name) = enum_name.filter(|n| !n.is_empty() && !n.contains(' ')) else {
            continue;
        };
        let Some(table) = section.items.iter().find_map(|item| match item {
            Item::Table(t) if t.column(&["member", "name", "value"]).is_some() => Some(t),
            _ => None,
        }) else {
            continue;
        };
        let members = enum_members(page, table, diags);
        if members.is_empty() {
            continue;
        }
        let text = format!("{} {}", section.title, description).to_ascii_lowercase();
        let sub_prose = page.section_tree(i).iter().flat_map(|s| &s.items).any(
            |item| matches!(item, Item::Prose(p) if p.text.to_ascii_lowercase().contains("flag")),
        );
        enums.push(RawEnum {
            name: QualifiedName::qualify(&name, namespace),
            area: Area::of_page(page),
            page: page.path.clone(),
            line: section.line,
            description: description.to_string(),
            flags: text.contains("flag") || sub_prose,
            members,
        });
    }
    enums
}

/// The resource type a page defines: named by its resource annotation or its title,
/// with the rows of its property and relationship tables.
fn resource_type(
    page: &Page,
    namespace: &str,
    description: String,
    diags: &mut Vec<Diagnostic>,
) -> Option<RawType> {
    let title = page.title.as_ref();
    let doc_type = page.doc_type().unwrap_or("").to_ascii_lowercase();
    let annotation = page
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .find_map(|item| match item {
            Item::Code(c) => c.annotation.as_ref().filter(|a| {
                a.value
                    .get("blockType")
                    .and_then(|b| b.as_str())
                    .is_some_and(|b| b.eq_ignore_ascii_case("resource"))
            }),
            _ => None,
        });
    let props_section = property_sections(page, "properties").next();
    let is_resource = annotation.is_some()
        || (doc_type.starts_with("resourcepagetype") && props_section.is_some());
    if !is_resource {
        return None;
    }
    let annotated_name = annotation.and_then(|a| {
        a.value
            .get("@odata.type")
            .or_else(|| a.value.get("@type"))
            .and_then(|v| v.as_str())
            .map(|s| s.trim_start_matches('#').to_string())
    });
    let titled = title.map(|t| strip_title_suffix(&t.value));
    let annotated_name = annotated_name.map(|n| match &titled {
        // `microsoft.graph.orgcontact` under `# orgContact resource type`: the title
        // spells the name as the service does. A capital first letter is only the
        // title's (`# Permission resource type`).
        Some(t) if crate::model::short_name(&n) != t
            && crate::model::short_name(&n).eq_ignore_ascii_case(t)
            && crate::model::short_name(&n).get(..1) == t.get(..1) =>
        {
            let respelled = format!("{}{t}", &n[..n.len() - t.len()]);
            diags.push(
                Diagnostic::warning(
                    &page.path,
                    annotation.map_or(1, |a| a.line),
                    Code::TypeNameCase,
                    format!("the resource annotation names `{n}`, which the title spells `{t}`; read as `{respelled}`"),
                )
                .with_help(format!("write `\"@odata.type\": \"{respelled}\"`")),
            );
            respelled
        }
        _ => n,
    });
    let name = match annotated_name.or(titled) {
        Some(n) if !n.is_empty() && !n.contains(char::is_whitespace) => {
            QualifiedName::qualify(&n, namespace)
        }
        _ => {
            diags.push(
                Diagnostic::warning(
                    &page.path,
                    title.map_or(1, |t| t.line),
                    Code::NoTypeName,
                    "a resource page whose type name cannot be determined; its properties were skipped",
                )
                .with_help("add a resource annotation with `@odata.type` before the JSON representation, or a title `# x resource type`"),
            );
            return None;
        }
    };
    let line = annotation.map_or(title.map_or(1, |t| t.line), |a| a.line);
    let flag = |key: &str| {
        annotation
            .and_then(|a| a.value.get(key))
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    };
    let key = annotation.is_some_and(|a| a.value.get("keyProperty").is_some());
    let mut base = annotation
        .and_then(|a| a.value.get("baseType"))
        .and_then(|v| v.as_str())
        .map(|b| NameRef {
            name: b.trim_start_matches('#').to_string(),
            target: String::new(),
            line,
        });
    if base.is_none() {
        base = inherits_from_prose(page);
    }

    let mut properties = Vec::new();
    for (word, navigation) in [("properties", false), ("relationships", true)] {
        let sections: Vec<usize> = property_sections(page, word).collect();
        let short = name.short().to_ascii_lowercase();
        for section in sections.into_iter().flat_map(|i| page.section_tree(i)) {
            let title = section.title.to_ascii_lowercase();
            // Enum value tables nested under Properties are not properties, nor are the
            // members of a structure held in one ("Properties of a policy definition").
            if title.ends_with(" values")
                || (title.starts_with("properties of ") && !title.contains(&short))
            {
                continue;
            }
            for item in &section.items {
                if let Item::Table(table) = item {
                    property_rows(page, table, navigation, &mut properties, &mut base, diags);
                }
            }
        }
    }
    Some(RawType {
        representation: representation(page, &name, diags),
        name,
        area: Area::of_page(page),
        page: page.path.clone(),
        line,
        key,
        is_abstract: flag("abstract"),
        is_open: flag("openType"),
        base,
        description,
        properties,
    })
}

/// The page's JSON representation of `type_name` (the block after the resource annotation).
fn representation(
    page: &Page,
    type_name: &QualifiedName,
    diags: &mut Vec<Diagnostic>,
) -> Option<Representation> {
    let block = page
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .find_map(|item| match item {
            Item::Code(c)
                if c.annotation.as_ref().is_some_and(|a| {
                    a.value
                        .get("blockType")
                        .and_then(|b| b.as_str())
                        .is_some_and(|b| b.eq_ignore_ascii_case("resource"))
                }) =>
            {
                Some(c)
            }
            _ => None,
        })?;
    match crate::json::parse_lenient(&block.text) {
        Ok((serde_json::Value::Object(members), _)) => Some(Representation {
            type_name: type_name.clone(),
            page: page.path.clone(),
            line: block.line + 1,
            members,
        }),
        Ok(_) => None,
        Err(e) => {
            diags.push(
                Diagnostic::warning(
                    &page.path,
                    block.line + 1,
                    Code::InvalidJson,
                    format!("the JSON representation is not valid JSON: {e}"),
                )
                .with_help("write type hints as JSON strings, e.g. \"String (identifier)\""),
            );
            None
        }
    }
}

/// Sections titled `Properties` or `<type> Properties` (likewise `Relationships`).
fn property_sections<'p>(page: &'p Page, word: &'p str) -> impl Iterator<Item = usize> + 'p {
    page.sections.iter().enumerate().filter_map(move |(i, s)| {
        let title = s.title.trim().to_ascii_lowercase();
        let hit = title == word
            || (title.ends_with(word)
                && title[..title.len() - word.len()].ends_with(' ')
                && title.split_whitespace().count() == 2);
        hit.then_some(i)
    })
}

/// Rows of a `Property | Type | Description` (or `Relationship | ...`) table.
fn property_rows(
    page: &Page,
    table: &Table,
    navigation: bool,
    out: &mut Vec<RawProperty>,
    base: &mut Option<NameRef>,
    diags: &mut Vec<Diagnostic>,
) {
    let columns = (
        table.column(&[
            "property",
            "name",
            "relationship",
            "property name",
            "relationship name",
            "parameter",
        ]),
        table.column(&["type"]),
    );
    let (name_col, type_col) = match columns {
        (Some(n), Some(t)) => (n, t),
        // A property table under another table's header (`Method | Return Type | ...`).
        _ if table.header.len() == 3
            && table.column(&["description"]) == Some(2)
            && table.column(&["member", "value"]).is_none()
            && table.rows.iter().all(|r| r.cells.len() >= 2) =>
        {
            diags.push(
                Diagnostic::warning(
                    &page.path,
                    table.line,
                    Code::TableShape,
                    format!(
                        "a table under a properties heading has the header `{}`; read its first two columns as name and type",
                        table.header.join(" | ")
                    ),
                )
                .with_help("use the header `Property | Type | Description`"),
            );
            (0, 1)
        }
        _ => return,
    };
    let desc_col = table.column(&["description"]);
    for row in &table.rows {
        let cell = |i: usize| row.cells.get(i);
        let name = cell(name_col).map_or("", |c| c.text.as_str());
        let name = name.trim().trim_matches(['`', '*']).trim();
        let type_cell = cell(type_col);
        let type_text = type_cell.map_or("", |c| c.text.trim());
        if name.is_empty() && type_text.is_empty() {
            continue;
        }
        // Bold dividers: a bold first cell with every other cell empty.
        if row.divider
            && type_text.is_empty()
            && row.cells.iter().skip(1).all(|c| c.text.is_empty())
        {
            continue;
        }
        if row.written_cells > table.header.len() {
            diags.push(
                Diagnostic::warning(
                    &page.path,
                    row.line,
                    Code::TableShape,
                    format!(
                        "the row has {} cells but the header has {}; the extra cells are ignored",
                        row.written_cells,
                        table.header.len()
                    ),
                )
                .with_help("escape `|` inside a cell as `\\|`, or remove the extra cells"),
            );
        }
        if type_text.is_empty() || !is_property_name(name) {
            diags.push(
                Diagnostic::warning(
                    &page.path,
                    row.line,
                    Code::TableShape,
                    format!(
                        "a property row needs a name and a type; found name `{name}` and type `{type_text}`"
                    ),
                )
                .with_help("each row of a `Property | Type | Description` table names one property and its type"),
            );
            continue;
        }
        let description = desc_col
            .and_then(cell)
            .map_or(String::new(), |c| c.text.clone());
        let inherited = description.to_ascii_lowercase().contains("inherited from");
        if inherited
            && base.is_none()
            && let Some(link) = desc_col.and_then(cell).and_then(|c| c.links.first())
        {
            *base = Some(NameRef {
                name: link.text.clone(),
                target: link.target.clone(),
                line: row.line,
            });
        }
        let type_cell = type_cell.cloned().unwrap_or_default();
        out.push(RawProperty {
            name: name.to_string(),
            cell: parse_type_cell(&type_cell.text, &type_cell.links),
            description,
            navigation,
            line: row.line,
        });
    }
}

fn is_property_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '@' | '.' | '-' | '$'))
}

fn enum_members(page: &Page, table: &Table, diags: &mut Vec<Diagnostic>) -> Vec<EnumMember> {
    let name_col = table.column(&["member", "name"]).unwrap_or(0);
    let value_col = table.column(&["value"]).filter(|&c| c != name_col);
    let desc_col = table.column(&["description"]);
    let mut members: Vec<EnumMember> = Vec::new();
    for row in &table.rows {
        let name = row
            .cells
            .get(name_col)
            .map_or("", |c| c.text.trim().trim_matches(['`', '*']).trim());
        if name.is_empty() {
            continue;
        }
        if !is_property_name(name) {
            diags.push(Diagnostic::warning(
                &page.path,
                row.line,
                Code::TableShape,
                format!("`{name}` is not a valid enum member name; the row was skipped"),
            ));
            continue;
        }
        if members.iter().any(|m| m.name == name) {
            continue;
        }
        let value = value_col
            .and_then(|c| row.cells.get(c))
            .and_then(|c| c.text.trim().parse::<i64>().ok());
        members.push(EnumMember {
            name: name.to_string(),
            value,
            description: desc_col
                .and_then(|c| row.cells.get(c))
                .map_or(String::new(), |c| c.text.clone()),
        });
    }
    members
}

/// `Inherits from [entity](entity.md)` anywhere in the page's prose.
fn inherits_from_prose(page: &Page) -> Option<NameRef> {
    page.intro
        .iter()
        .chain(page.sections.iter().flat_map(|s| &s.items))
        .find_map(|item| match item {
            Item::Prose(p) => {
                let lower = p.text.to_ascii_lowercase();
                let at = lower.find("inherits from")?;
                let after = &p.text[at + "inherits from".len()..];
                p.links
                    .iter()
                    .find(|l| after.contains(&l.text))
                    .map(|l| NameRef {
                        name: l.text.clone(),
                        target: l.target.clone(),
                        line: p.line,
                    })
            }
            _ => None,
        })
}

/// `x resource type` / `x enum type` / `x enum` → `x`.
fn strip_title_suffix(title: &str) -> String {
    let t = title.trim();
    let lower = t.to_ascii_lowercase();
    for suffix in [
        " resource type",
        " enum type",
        " complex type",
        " entity type",
        " enumeration",
        " enum",
        " resource",
    ] {
        if lower.ends_with(suffix) {
            return t[..t.len() - suffix.len()]
                .trim()
                .trim_matches('`')
                .to_string();
        }
    }
    t.trim_matches('`').to_string()
}

/// The first prose paragraph that describes the page (notes and includes skipped).
pub(in crate::model) fn page_description(page: &Page) -> String {
    page.intro
        .iter()
        .find_map(|item| match item {
            Item::Prose(Text { text, .. })
                if !text.starts_with("Note:")
                    && !text.starts_with("Important:")
                    && !text.starts_with("[!")
                    && !text.starts_with('>') =>
            {
                Some(text.clone())
            }
            _ => None,
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_lose_their_suffix() {
        assert_eq!(
            strip_title_suffix("deviceConfiguration resource type"),
            "deviceConfiguration"
        );
        assert_eq!(
            strip_title_suffix("complianceStatus enum type"),
            "complianceStatus"
        );
    }
}
