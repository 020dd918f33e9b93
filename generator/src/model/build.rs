//! Builds the model: definitions from resource and enum pages, then resolution of
//! names, inheritance and derived-type sets.

use super::typeref::{CellType, parse_type_cell};
use super::{EnumDef, EnumMember, Model, Property, Source, TypeDef, TypeKind, TypeRef};
use crate::diag::{Diagnostic, Severity, codes};
use crate::parse::{Item, Page, Table, Text};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const DEFAULT_NAMESPACE: &str = "microsoft.graph";

/// Builds the model from parsed pages. Page order does not matter: pages are
/// processed sorted by path so that the result is the same for any input order.
pub fn build_model(pages: &[Page]) -> (Model, Vec<Diagnostic>) {
    let mut sorted: Vec<&Page> = pages.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut diags = Vec::new();

    // Each page's definitions on their own, in parallel; kept in page order.
    let collected: Vec<(Vec<RawType>, Vec<RawEnum>, Vec<Diagnostic>)> = sorted
        .par_iter()
        .map(|page| {
            let (mut types, mut enums, mut diags) = (Vec::new(), Vec::new(), Vec::new());
            collect_page(page, &mut types, &mut enums, &mut diags);
            (types, enums, diags)
        })
        .collect();
    let mut raw_types: Vec<RawType> = Vec::new();
    let mut raw_enums: Vec<RawEnum> = Vec::new();
    for (types, enums, page_diags) in collected {
        raw_types.extend(types);
        raw_enums.extend(enums);
        diags.extend(page_diags);
    }

    let resolver = Resolver::new(&sorted, &raw_types, &raw_enums);
    let mut model = Model::default();
    merge_enums(raw_enums, &mut model, &mut diags);
    let representations: Vec<(
        String,
        String,
        usize,
        serde_json::Map<String, serde_json::Value>,
    )> = raw_types
        .iter_mut()
        .filter_map(|t| {
            let (map, line) = t.representation.take()?;
            Some((t.name.clone(), t.page.clone(), line, map))
        })
        .collect();
    resolve_types(raw_types, &resolver, &mut model, &mut diags);
    enrich_enums(&mut model, &representations, &mut diags);
    super::operations::collect_operations(&sorted, &resolver, &mut model, &mut diags);
    super::typing::type_operations(&mut model, &mut diags);
    super::operations::check_examples(&model, &mut diags);

    diags.sort();
    diags.dedup();
    (model, diags)
}

// ---------- raw definitions, one page at a time ----------

pub(super) struct RawType {
    pub name: String,
    pub area: String,
    pub page: String,
    pub line: usize,
    pub key: bool,
    pub is_abstract: bool,
    pub base: Option<NameRef>,
    pub description: String,
    pub properties: Vec<RawProperty>,
    /// The JSON representation block: its members and the line it starts on.
    pub representation: Option<(serde_json::Map<String, serde_json::Value>, usize)>,
}

pub(super) struct RawProperty {
    pub name: String,
    pub cell: CellType,
    pub description: String,
    pub navigation: bool,
    pub line: usize,
}

/// A reference to a type as written: a qualified name, or link text plus target.
#[derive(Clone)]
pub(super) struct NameRef {
    pub name: String,
    pub target: String,
    pub line: usize,
}

pub(super) struct RawEnum {
    name: String,
    area: String,
    page: String,
    line: usize,
    description: String,
    flags: bool,
    members: Vec<EnumMember>,
}

fn collect_page(
    page: &Page,
    types: &mut Vec<RawType>,
    enums: &mut Vec<RawEnum>,
    diags: &mut Vec<Diagnostic>,
) {
    let namespace = page.namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE);
    let description = page_description(page);
    let title = page.title.as_ref();
    let doc_type = page.doc_type().unwrap_or("").to_ascii_lowercase();

    // Enum sections (`### x values`, `## Members` on enum pages).
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
            name: qualify(&name, namespace),
            area: page_area(page),
            page: page.path.clone(),
            line: section.line,
            description: description.clone(),
            flags: text.contains("flag") || sub_prose,
            members,
        });
    }

    // The resource type of the page.
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
        return;
    }
    let annotated_name = annotation.and_then(|a| {
        a.value
            .get("@odata.type")
            .or_else(|| a.value.get("@type"))
            .and_then(|v| v.as_str())
            .map(|s| s.trim_start_matches('#').to_string())
    });
    let name = match annotated_name.or_else(|| title.map(|t| strip_title_suffix(&t.value))) {
        Some(n) if !n.is_empty() && !n.contains(char::is_whitespace) => qualify(&n, namespace),
        _ => {
            diags.push(
                Diagnostic::warning(
                    &page.path,
                    title.map_or(1, |t| t.line),
                    codes::NO_TYPE_NAME,
                    "a resource page whose type name cannot be determined; its properties were skipped",
                )
                .with_help("add a resource annotation with `@odata.type` before the JSON representation, or a title `# x resource type`"),
            );
            return;
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
        let short = super::short_name(&name).to_ascii_lowercase();
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
    types.push(RawType {
        name,
        area: page_area(page),
        page: page.path.clone(),
        line,
        key,
        is_abstract: flag("abstract"),
        base,
        description,
        properties,
        representation: representation(page, diags),
    });
}

/// The members of the page's JSON representation (the block after the resource annotation).
fn representation(
    page: &Page,
    diags: &mut Vec<Diagnostic>,
) -> Option<(serde_json::Map<String, serde_json::Value>, usize)> {
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
        Ok((serde_json::Value::Object(map), _)) => Some((map, block.line + 1)),
        Ok(_) => None,
        Err(e) => {
            diags.push(
                Diagnostic::warning(
                    &page.path,
                    block.line + 1,
                    codes::INVALID_JSON,
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
                    codes::TABLE_SHAPE,
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
                    codes::TABLE_SHAPE,
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
                    codes::TABLE_SHAPE,
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
                codes::TABLE_SHAPE,
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
pub(super) fn page_description(page: &Page) -> String {
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

/// The doc area of a page: its `ms.prod` or, on pages that have none (most pages written
/// since 2024), its `ms.subservice`; `general` when neither names one. Intune (a third
/// of the docs) is split by the second word of its file names (`intune-deviceconfig`).
/// Empty values, placeholders (`<ms.prod>`) and values that spell a front matter key
/// (`ms.prod`) name no area.
pub(super) fn page_area(page: &Page) -> String {
    let area = ["ms.prod", "ms.subservice"]
        .iter()
        .find_map(|key| page.front_matter.get(*key).and_then(|v| area_name(v)));
    let Some(area) = area else {
        return "general".to_string();
    };
    if area == "intune" {
        let file = page.path.rsplit('/').next().unwrap_or("");
        if let Some(sub) = file
            .strip_prefix("intune-")
            .and_then(|r| r.split(['-', '.']).next())
            && !sub.is_empty()
        {
            return format!("intune-{sub}");
        }
    }
    area
}

/// A front matter value as an area name (lower case, `-` between words), or `None` when
/// it names none.
fn area_name(value: &str) -> Option<String> {
    let value = value.trim().trim_matches(['\'', '"']).trim();
    if value.starts_with('<') || value.starts_with('{') || value.starts_with('[') {
        return None;
    }
    let name: String = value
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let name = name.trim_matches('-');
    // `ms.prod: ms.prod` and the like: a key left where its value belongs.
    if name.is_empty() || name.starts_with("ms-") || name == "ms" {
        return None;
    }
    Some(name.to_string())
}

fn qualify(name: &str, namespace: &str) -> String {
    if name.contains('.') {
        name.to_string()
    } else {
        format!("{namespace}.{name}")
    }
}

// ---------- name resolution ----------

/// Resolves type references by link target first, then by name.
pub(super) struct Resolver {
    /// Page path (lower case) → names defined on it.
    by_page: HashMap<String, Vec<String>>,
    /// Lower-case short name → qualified names.
    by_short: HashMap<String, Vec<String>>,
    known: BTreeSet<String>,
    /// Entity and complex types only (no enums).
    type_names: BTreeSet<String>,
    pages: BTreeSet<String>,
}

impl Resolver {
    fn new(pages: &[&Page], types: &[RawType], enums: &[RawEnum]) -> Self {
        let mut by_page: HashMap<String, Vec<String>> = HashMap::new();
        let mut by_short: HashMap<String, Vec<String>> = HashMap::new();
        let mut known = BTreeSet::new();
        let defs = types
            .iter()
            .map(|t| (&t.name, &t.page))
            .chain(enums.iter().map(|e| (&e.name, &e.page)));
        for (name, page) in defs {
            let names = by_page.entry(page.to_ascii_lowercase()).or_default();
            if !names.contains(name) {
                names.push(name.clone());
            }
            if known.insert(name.clone()) {
                by_short
                    .entry(super::short_name(name).to_ascii_lowercase())
                    .or_default()
                    .push(name.clone());
            }
        }
        let pages = pages.iter().map(|p| p.path.to_ascii_lowercase()).collect();
        let type_names = types.iter().map(|t| t.name.clone()).collect();
        Self {
            by_page,
            by_short,
            known,
            type_names,
            pages,
        }
    }

    /// An entity or complex type by its exact short or qualified name.
    pub fn type_by_exact_name(&self, name: &str) -> Option<String> {
        if self.type_names.contains(name) {
            return Some(name.to_string());
        }
        let candidates = self.by_short.get(&name.to_ascii_lowercase())?;
        candidates
            .iter()
            .find(|c| super::short_name(c) == name && self.type_names.contains(c.as_str()))
            .cloned()
    }

    /// Resolves `name` (link text or a qualified name) linked to `target` from `page`.
    /// `Err` carries the diagnostic to report.
    pub fn resolve_name(&self, page: &str, r: &NameRef) -> Result<String, Diagnostic> {
        let mut broken = None;
        if r.target.contains(".md") {
            let path = join_link(page, &r.target);
            match self.by_page.get(&path) {
                Some(names) => {
                    let wanted = super::short_name(&r.name).to_ascii_lowercase();
                    if let Some(n) = names
                        .iter()
                        .find(|n| super::short_name(n).to_ascii_lowercase() == wanted)
                    {
                        return Ok(n.clone());
                    }
                    if names.len() == 1 && !self.by_short.contains_key(&wanted) {
                        return Ok(names[0].clone());
                    }
                }
                None if !self.pages.contains(&path) => {
                    broken = Some(
                        Diagnostic::warning(
                            page,
                            r.line,
                            codes::BROKEN_LINK,
                            format!(
                                "the link to `{}` points to a page that does not exist",
                                r.target
                            ),
                        )
                        .with_help("fix the link target; the type was looked up by name instead"),
                    );
                }
                None => {}
            }
        }
        let found = if r.name.contains('.') {
            self.known.get(r.name.as_str()).cloned().or_else(|| {
                self.by_short
                    .get(&super::short_name(&r.name).to_ascii_lowercase())
                    .and_then(|c| pick(c, super::short_name(&r.name)))
            })
        } else {
            self.by_short
                .get(&r.name.to_ascii_lowercase())
                .and_then(|c| pick(c, &r.name))
        };
        match (found, broken) {
            (Some(n), Some(b)) => {
                // Resolved by name, but the broken link is still worth a report.
                Err(Diagnostic { message: format!("{}; resolved by name to `{n}`", b.message), ..b })
            }
            (Some(n), None) => Ok(n),
            (None, broken) => Err(Diagnostic::error(
                page,
                r.line,
                codes::UNKNOWN_TYPE,
                match broken {
                    Some(_) => format!(
                        "the type `{}` is not defined by any page, and its link `{}` points to a page that does not exist",
                        r.name, r.target
                    ),
                    None => format!("the type `{}` is not defined by any page", r.name),
                },
            )
            .with_help("add a resource or enum page for it, or fix the name; the value is typed as any JSON")),
        }
    }

    /// Resolves a Type cell; diagnostics are pushed, unresolved names become `Untyped`.
    pub fn resolve_cell(
        &self,
        page: &str,
        line: usize,
        cell: &CellType,
        diags: &mut Vec<Diagnostic>,
    ) -> TypeRef {
        match cell {
            CellType::Primitive(edm) => TypeRef::Primitive(*edm),
            // Graph documents a `Json` complex type; without its page, any JSON.
            CellType::Json => self
                .type_by_exact_name("Json")
                .map_or(TypeRef::Untyped, TypeRef::Named),
            CellType::Collection(inner) => {
                TypeRef::Collection(Box::new(self.resolve_cell(page, line, inner, diags)))
            }
            CellType::Unmapped(text) => {
                diags.push(
                    Diagnostic::warning(
                        page,
                        line,
                        codes::UNMAPPED_TYPE,
                        format!("the type `{text}` names no EDM type or documented type; typed as any JSON"),
                    )
                    .with_help("write one type name, such as `String`, `Int32 collection` or a link to the type's page"),
                );
                TypeRef::Untyped
            }
            CellType::Named { name, target } => {
                let r = NameRef {
                    name: name.clone(),
                    target: target.clone(),
                    line,
                };
                match self.resolve_name(page, &r) {
                    Ok(n) => TypeRef::Named(n),
                    Err(d) => {
                        let resolved = if d.severity == Severity::Warning {
                            self.resolve_name(
                                page,
                                &NameRef {
                                    target: String::new(),
                                    ..r
                                },
                            )
                            .ok()
                        } else {
                            None
                        };
                        diags.push(d);
                        resolved.map_or(TypeRef::Untyped, TypeRef::Named)
                    }
                }
            }
        }
    }
}

/// Prefers an exact-case match, then the default namespace, then the first name.
fn pick(candidates: &[String], wanted: &str) -> Option<String> {
    let exact: Vec<&String> = candidates
        .iter()
        .filter(|c| super::short_name(c) == wanted)
        .collect();
    let pool: Vec<&String> = if exact.is_empty() {
        candidates.iter().collect()
    } else {
        exact
    };
    pool.iter()
        .find(|c| c.starts_with("microsoft.graph.") && c.matches('.').count() == 2)
        .or_else(|| pool.first())
        .map(|c| (*c).clone())
}

/// Resolves a relative link from a page to a page path, lower-cased.
fn join_link(page: &str, target: &str) -> String {
    let target = target.split(['#', '?']).next().unwrap_or("");
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        page.split('/').collect()
    };
    parts.pop();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/").to_ascii_lowercase()
}

// ---------- merging and inheritance ----------

fn merge_enums(raw: Vec<RawEnum>, model: &mut Model, diags: &mut Vec<Diagnostic>) {
    for e in raw {
        match model.enums.get_mut(&e.name) {
            Some(existing) => {
                for m in e.members {
                    match existing.members.iter().find(|x| x.name == m.name) {
                        Some(x) if x.value.is_some() && m.value.is_some() && x.value != m.value => {
                            diags.push(Diagnostic::warning(
                                &e.page,
                                e.line,
                                codes::CONFLICTING_DEFINITION,
                                format!(
                                    "member `{}` of `{}` has value {:?} here but {:?} in {}",
                                    m.name, e.name, m.value, x.value, existing.source.file
                                ),
                            ));
                        }
                        Some(_) => {}
                        None => existing.members.push(m),
                    }
                }
                existing.flags |= e.flags;
            }
            None => {
                let namespace = namespace_of(&e.name);
                model.enums.insert(
                    e.name.clone(),
                    EnumDef {
                        area: e.area,
                        name: e.name,
                        namespace,
                        description: e.description,
                        flags: e.flags,
                        members: e.members,
                        source: Source {
                            file: e.page,
                            line: e.line,
                        },
                    },
                );
            }
        }
    }
}

/// Adds enum members named in "Possible values are: `a`, `b`" descriptions and in
/// `"a | b | c"` hints of JSON representations, and reports representation members
/// that no table declares.
fn enrich_enums(
    model: &mut Model,
    representations: &[(
        String,
        String,
        usize,
        serde_json::Map<String, serde_json::Value>,
    )],
    diags: &mut Vec<Diagnostic>,
) {
    let mut additions: Vec<(String, String)> = Vec::new();
    let enum_of = |ty: &TypeRef| match ty {
        TypeRef::Named(n) => Some(n.clone()),
        TypeRef::Collection(inner) => match inner.as_ref() {
            TypeRef::Named(n) => Some(n.clone()),
            _ => None,
        },
        _ => None,
    };
    for t in model.types.values() {
        for p in &t.properties {
            if let Some(e) = enum_of(&p.ty).filter(|e| model.enums.contains_key(e)) {
                for m in possible_values(&p.description) {
                    additions.push((e.clone(), m));
                }
            }
        }
    }
    for (type_name, page, line, map) in representations {
        let props = model.all_properties(type_name);
        for (key, value) in map {
            if key.starts_with('@') {
                continue;
            }
            match props.iter().find(|p| p.name == *key) {
                None => diags.push(
                    Diagnostic::warning(
                        page,
                        *line,
                        codes::REPRESENTATION_PROPERTY_NOT_IN_TABLE,
                        format!("the JSON representation has `{key}`, which no table of `{type_name}` or its base types declares"),
                    )
                    .with_help("add the property to the Properties or Relationships table, or remove it from the JSON representation"),
                ),
                Some(p) => {
                    if let (Some(e), Some(hint)) = (enum_of(&p.ty), value.as_str())
                        && model.enums.contains_key(&e)
                        && hint.contains(" | ")
                    {
                        for m in hint.split('|').map(str::trim).filter(|m| is_member_name(m)) {
                            additions.push((e.clone(), m.to_string()));
                        }
                    }
                }
            }
        }
    }
    for (e, m) in additions {
        if let Some(def) = model.enums.get_mut(&e)
            && !def.members.iter().any(|x| x.name == m)
        {
            def.members.push(EnumMember {
                name: m,
                value: None,
                description: String::new(),
            });
        }
    }
}

/// `Possible values are: `a`, `b`, `c`.` → [a, b, c]; only code-formatted names count.
fn possible_values(description: &str) -> Vec<String> {
    let lower = description.to_ascii_lowercase();
    let Some(at) = [
        "possible values are",
        "possible values:",
        "possible values include",
        "the possible values",
        "possible value",
        "supported values are",
        "valid values are",
        "allowed values are",
    ]
    .iter()
    .filter_map(|k| lower.find(k))
    .min() else {
        return Vec::new();
    };
    let rest = &description[at..];
    let sentence_end = rest.find(". ").map_or(rest.len(), |i| i + 1);
    rest[..sentence_end]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::trim)
        .filter(|m| is_member_name(m))
        .map(str::to_string)
        .collect()
}

fn is_member_name(m: &str) -> bool {
    !m.is_empty()
        && m.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && m.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn namespace_of(name: &str) -> String {
    name.rsplit_once('.')
        .map_or(String::new(), |(ns, _)| ns.to_string())
}

fn resolve_types(
    raw: Vec<RawType>,
    resolver: &Resolver,
    model: &mut Model,
    diags: &mut Vec<Diagnostic>,
) {
    // Union of every page that documents a type, first page first.
    let mut merged: Merged = BTreeMap::new();
    for t in raw {
        let base = t
            .base
            .as_ref()
            .and_then(|b| match resolver.resolve_name(&t.page, b) {
                Ok(n) => Some(n),
                Err(d) => {
                    diags.push(d);
                    None
                }
            });
        let mut properties = Vec::new();
        for p in &t.properties {
            let ty = resolver.resolve_cell(&t.page, p.line, &p.cell, diags);
            properties.push(Property {
                name: p.name.clone(),
                ty,
                description: p.description.clone(),
                navigation: p.navigation,
                source: Source {
                    file: t.page.clone(),
                    line: p.line,
                },
                query: super::query_notes(&p.description),
            });
        }
        match merged.get_mut(&t.name) {
            Some((existing, key)) => {
                *key |= t.key;
                existing.is_abstract |= t.is_abstract;
                if existing.base.is_none() {
                    existing.base = base;
                }
                if existing.description.is_empty() {
                    existing.description = t.description;
                }
                for p in properties {
                    match existing.properties.iter().find(|x| x.name == p.name) {
                        Some(x)
                            if x.ty != p.ty
                                && p.ty != TypeRef::Untyped
                                && x.ty != TypeRef::Untyped =>
                        {
                            diags.push(Diagnostic::warning(
                                &p.source.file,
                                p.source.line,
                                codes::CONFLICTING_DEFINITION,
                                format!(
                                    "`{}.{}` is typed {} here but {} at {}:{}; the first is kept",
                                    t.name,
                                    p.name,
                                    describe(&p.ty),
                                    describe(&x.ty),
                                    x.source.file,
                                    x.source.line
                                ),
                            ));
                        }
                        Some(_) => {}
                        None => existing.properties.push(p),
                    }
                }
            }
            None => {
                let def = TypeDef {
                    namespace: namespace_of(&t.name),
                    area: t.area,
                    name: t.name.clone(),
                    kind: TypeKind::Complex,
                    base,
                    is_abstract: t.is_abstract,
                    description: t.description,
                    properties,
                    derived: Vec::new(),
                    source: Source {
                        file: t.page,
                        line: t.line,
                    },
                };
                merged.insert(t.name, (def, t.key));
            }
        }
    }

    // A name defined as both a type and an enum keeps the type.
    for name in merged.keys() {
        if let Some(e) = model.enums.remove(name) {
            diags.push(Diagnostic::warning(
                &e.source.file,
                e.source.line,
                codes::CONFLICTING_DEFINITION,
                format!("`{name}` is documented both as an enum and as a resource type; the resource type is kept"),
            ));
        }
    }

    break_base_cycles(&mut merged, diags);

    // Inherited rows: drop own properties that an ancestor already declares.
    let ancestor_props: BTreeMap<String, Vec<Property>> = merged
        .keys()
        .map(|name| {
            let mut props = Vec::new();
            let mut cur = merged.get(name).and_then(|(t, _)| t.base.clone());
            while let Some(b) = cur {
                let Some((bt, _)) = merged.get(&b) else {
                    break;
                };
                props.extend(bt.properties.iter().cloned());
                cur = bt.base.clone();
            }
            (name.clone(), props)
        })
        .collect();
    let has_key: BTreeMap<String, bool> = merged
        .iter()
        .map(|(name, (_, key))| {
            let mut entity = *key || name == "microsoft.graph.entity";
            let mut cur = merged.get(name).and_then(|(t, _)| t.base.clone());
            while let Some(b) = cur {
                let Some((bt, bkey)) = merged.get(&b) else {
                    break;
                };
                entity |= *bkey || b == "microsoft.graph.entity";
                cur = bt.base.clone();
            }
            (name.clone(), entity)
        })
        .collect();

    for (name, (mut def, _)) in merged {
        let inherited = &ancestor_props[&name];
        def.properties.retain(|p| match inherited.iter().find(|a| a.name == p.name) {
            None => true,
            Some(a) => {
                if a.ty != p.ty && p.ty != TypeRef::Untyped && a.ty != TypeRef::Untyped {
                    diags.push(Diagnostic::warning(
                        &p.source.file,
                        p.source.line,
                        codes::CONFLICTING_DEFINITION,
                        format!(
                            "`{name}.{}` is typed {} here but the base type declares it as {} ({}:{}); the base declaration is kept",
                            p.name, describe(&p.ty), describe(&a.ty), a.source.file, a.source.line
                        ),
                    ));
                }
                false
            }
        });
        if has_key[&name] {
            def.kind = TypeKind::Entity;
        }
        model.types.insert(name, def);
    }

    let pairs: Vec<(String, String)> = model
        .types
        .values()
        .filter_map(|t| t.base.clone().map(|b| (b, t.name.clone())))
        .collect();
    for (base, derived) in pairs {
        if let Some(b) = model.types.get_mut(&base) {
            b.derived.push(derived);
        } else if let Some(t) = model.types.get_mut(&derived) {
            // The base is an enum or unknown: not a type to inherit from.
            diags.push(Diagnostic::error(
                &t.source.file,
                t.source.line,
                codes::UNKNOWN_TYPE,
                format!("the base type `{base}` of `{derived}` is not an entity or complex type"),
            ));
            t.base = None;
        }
    }
    for t in model.types.values_mut() {
        t.derived.sort();
    }
}

/// Type name → (definition, whether some page gives it a key property).
type Merged = BTreeMap<String, (TypeDef, bool)>;

fn break_base_cycles(merged: &mut Merged, diags: &mut Vec<Diagnostic>) {
    let names: Vec<String> = merged.keys().cloned().collect();
    for start in names {
        let mut seen = vec![start.clone()];
        let mut cur = merged.get(&start).and_then(|(t, _)| t.base.clone());
        while let Some(b) = cur {
            if b == start {
                if let Some((t, _)) = merged.get_mut(&start) {
                    diags.push(
                        Diagnostic::error(
                            &t.source.file,
                            t.source.line,
                            codes::BASE_TYPE_CYCLE,
                            format!("base types form a cycle: {} → {start}", seen.join(" → ")),
                        )
                        .with_help("one of these types must not inherit from the other; the base of this one was dropped"),
                    );
                    t.base = None;
                }
                break;
            }
            if seen.contains(&b) {
                break;
            }
            seen.push(b.clone());
            cur = merged.get(&b).and_then(|(t, _)| t.base.clone());
        }
    }
}

pub(super) fn describe(t: &TypeRef) -> String {
    match t {
        TypeRef::Primitive(e) => format!("`Edm.{e:?}`"),
        TypeRef::Named(n) => format!("`{n}`"),
        TypeRef::Collection(inner) => format!("a collection of {}", describe(inner)),
        TypeRef::Untyped => "any JSON".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_relative_to_the_page() {
        assert_eq!(join_link("api/x.md", "../resources/Y.md"), "resources/y.md");
        assert_eq!(join_link("resources/x.md", "y.md#props"), "resources/y.md");
    }

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

    fn page_with(path: &str, front_matter: &[(&str, &str)]) -> Page {
        Page {
            path: path.to_string(),
            front_matter: front_matter
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Page::default()
        }
    }

    #[test]
    fn areas_come_from_ms_prod_then_ms_subservice() {
        let area = |path: &str, fm: &[(&str, &str)]| page_area(&page_with(path, fm));
        assert_eq!(area("api/user-get.md", &[("ms.prod", "users")]), "users");
        assert_eq!(
            area(
                "api/user-get.md",
                &[("ms.prod", "\"Users\""), ("ms.subservice", "entra-users")]
            ),
            "users"
        );
        assert_eq!(
            area("api/user-get.md", &[("ms.subservice", "entra-users")]),
            "entra-users"
        );
        assert_eq!(
            area(
                "api/user-get.md",
                &[("ms.prod", ""), ("ms.subservice", "entra-users")]
            ),
            "entra-users"
        );
        assert_eq!(
            area(
                "api/intune-deviceconfig-x-update.md",
                &[("ms.subservice", "intune")]
            ),
            "intune-deviceconfig"
        );
        // Placeholders and keys standing where a value belongs name no area.
        for value in ["<ms.prod>", "ms.prod", "ms.subservice", "{prod}", "  "] {
            assert_eq!(
                area("resources/folder.md", &[("ms.prod", value)]),
                "general"
            );
        }
        assert_eq!(area("resources/folder.md", &[]), "general");
    }
}
