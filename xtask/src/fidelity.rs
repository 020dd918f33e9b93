//! Fidelity of the model against the official CSDL metadata, computed by this project.
//!
//! The CSDL is a yardstick only: nothing here feeds back into generation. The figures
//! follow `eval_openapi.py` (type, property, type agreement, navigation, enum and path
//! recall), computed on the model instead of the emitted YAML.

use anyhow::{Context, Result};
use graphdoc::method::HttpMethod;
use graphdoc::model::{Edm, Model, TypeRef};
use graphdoc::parse::{Item, Page, request_line};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub mod operations;

/// One CSDL entity or complex type.
struct CsdlType {
    base: Option<String>,
    /// An entity type (it has a key), not a complex type.
    entity: bool,
    props: BTreeMap<String, String>,
    navs: BTreeSet<String>,
    /// Properties, then navigation properties, in document order, with the declared type
    /// (`Edm.Stream` kept) and whether it is a collection.
    members: Vec<(String, CsdlValue)>,
}

/// A declared type: a qualified name or `Edm.X`, one value or a collection of them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct CsdlValue {
    name: String,
    collection: bool,
}

/// An action or function bound to its first parameter.
struct BoundOperation {
    name: String,
    qualified: String,
    function: bool,
    binding: CsdlValue,
    /// The other parameters' names.
    params: BTreeSet<String>,
    returns: Option<CsdlValue>,
    composable: bool,
}

/// An entity set (a collection) or a singleton of the entity container.
struct Root {
    name: String,
    value: CsdlValue,
}

#[derive(Default)]
pub struct Csdl {
    types: BTreeMap<String, CsdlType>,
    enums: BTreeMap<String, Vec<String>>,
    /// `types` in the order an OData reader meets them: per schema, the entity types,
    /// then the complex types.
    type_order: Vec<String>,
    /// Schema aliases: `graph` → `microsoft.graph`.
    aliases: BTreeMap<String, String>,
    /// Per container, the entity sets, then the singletons.
    roots: Vec<Root>,
    /// Per schema, the bound actions, then the bound functions.
    bound: Vec<BoundOperation>,
}

impl Csdl {
    pub fn read(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("parsing {}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Self> {
        let doc = roxmltree::Document::parse(text)?;
        let schemas: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("Schema"))
            .collect();
        let mut csdl = Csdl {
            aliases: schemas
                .iter()
                .filter_map(|s| Some((s.attribute("Alias")?, s.attribute("Namespace")?)))
                .map(|(a, ns)| (a.to_string(), ns.to_string()))
                .collect(),
            ..Csdl::default()
        };
        for schema in &schemas {
            let ns = schema.attribute("Namespace").unwrap_or_default();
            let children = || schema.children().filter(|n| n.is_element());
            for kind in ["EntityType", "ComplexType"] {
                for node in children().filter(|n| n.has_tag_name(kind)) {
                    let Some(name) = node.attribute("Name") else {
                        continue;
                    };
                    let fq = format!("{ns}.{name}");
                    let t = csdl.read_type(node, kind == "EntityType");
                    csdl.type_order.push(fq.clone());
                    csdl.types.insert(fq, t);
                }
            }
            for node in children().filter(|n| n.has_tag_name("EnumType")) {
                let Some(name) = node.attribute("Name") else {
                    continue;
                };
                let members = node
                    .children()
                    .filter(|n| n.has_tag_name("Member"))
                    .filter_map(|m| m.attribute("Name").map(str::to_string))
                    .collect();
                csdl.enums.insert(format!("{ns}.{name}"), members);
            }
            for kind in ["Action", "Function"] {
                for node in children().filter(|n| n.has_tag_name(kind)) {
                    if let Some(op) = csdl.read_bound(node, ns, kind == "Function") {
                        csdl.bound.push(op);
                    }
                }
            }
            for container in children().filter(|n| n.has_tag_name("EntityContainer")) {
                for (tag, attr, collection) in [
                    ("EntitySet", "EntityType", true),
                    ("Singleton", "Type", false),
                ] {
                    for node in container.children().filter(|n| n.has_tag_name(tag)) {
                        let (Some(name), Some(ty)) = (node.attribute("Name"), node.attribute(attr))
                        else {
                            continue;
                        };
                        csdl.roots.push(Root {
                            name: name.to_string(),
                            value: CsdlValue {
                                name: csdl.unalias(ty),
                                collection,
                            },
                        });
                    }
                }
            }
        }
        Ok(csdl)
    }

    fn read_type(&self, node: roxmltree::Node, entity: bool) -> CsdlType {
        let mut props = BTreeMap::new();
        let mut navs = BTreeSet::new();
        let mut members = Vec::new();
        for tag in ["Property", "NavigationProperty"] {
            for p in node.children().filter(|n| n.has_tag_name(tag)) {
                let (Some(pn), Some(pt)) = (p.attribute("Name"), p.attribute("Type")) else {
                    continue;
                };
                if tag == "Property" {
                    props.insert(pn.to_string(), self.normalize(pt));
                } else {
                    navs.insert(pn.to_string());
                }
                members.push((pn.to_string(), self.value(pt)));
            }
        }
        CsdlType {
            base: node.attribute("BaseType").map(|b| self.normalize(b)),
            entity,
            props,
            navs,
            members,
        }
    }

    /// An action or function with `IsBound="true"` and a binding parameter.
    fn read_bound(
        &self,
        node: roxmltree::Node,
        ns: &str,
        function: bool,
    ) -> Option<BoundOperation> {
        let name = node.attribute("Name")?;
        if node.attribute("IsBound") != Some("true") {
            return None;
        }
        let params: Vec<_> = node
            .children()
            .filter(|n| n.has_tag_name("Parameter"))
            .collect();
        let binding = self.value(params.first()?.attribute("Type")?);
        Some(BoundOperation {
            name: name.to_string(),
            qualified: format!("{ns}.{name}"),
            function,
            binding,
            params: params[1..]
                .iter()
                .filter_map(|p| p.attribute("Name").map(str::to_string))
                .collect(),
            returns: node
                .children()
                .find(|n| n.has_tag_name("ReturnType"))
                .and_then(|r| r.attribute("Type"))
                .map(|t| self.value(t)),
            composable: node.attribute("IsComposable") == Some("true"),
        })
    }

    /// `graph.x` → `microsoft.graph.x` (the namespace behind a schema alias).
    fn unalias(&self, name: &str) -> String {
        let (ns, rest) = name.split_once('.').unwrap_or((name, ""));
        match self.aliases.get(ns) {
            Some(full) => format!("{full}.{rest}"),
            None => name.to_string(),
        }
    }

    /// `Collection(graph.x)` → `microsoft.graph.x`, a collection.
    fn value(&self, t: &str) -> CsdlValue {
        match t
            .strip_prefix("Collection(")
            .and_then(|s| s.strip_suffix(')'))
        {
            Some(inner) => CsdlValue {
                name: self.unalias(inner),
                collection: true,
            },
            None => CsdlValue {
                name: self.unalias(t),
                collection: false,
            },
        }
    }

    /// Unaliased, as `Collection(x)` for a collection; `Edm.Stream` counts as `Edm.Binary`.
    fn normalize(&self, t: &str) -> String {
        let v = self.value(t);
        let name = if v.name == "Edm.Stream" {
            "Edm.Binary"
        } else {
            &v.name
        };
        if v.collection {
            format!("Collection({name})")
        } else {
            name.to_string()
        }
    }
}

fn model_type(t: &TypeRef) -> String {
    match t {
        TypeRef::Primitive(Edm::Stream) => "Edm.Binary".to_string(),
        TypeRef::Primitive(e) => format!("Edm.{e:?}"),
        TypeRef::Named(n) => n.clone(),
        TypeRef::Collection(inner) => format!("Collection({})", model_type(inner)),
        TypeRef::Untyped => "any".to_string(),
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Figures {
    pub documented_types: usize,
    pub type_recall: f64,
    pub prop_recall: f64,
    pub prop_type_agreement: f64,
    pub nav_recall: f64,
    pub enum_recall: f64,
    pub enums_used: usize,
    pub path_recall: f64,
    pub extra_props: usize,
    /// Examples of each kind of miss, for the report.
    pub misses: BTreeMap<&'static str, Vec<String>>,
    /// Missed enums by cause; see `enum_miss_causes`.
    pub enum_miss_causes: BTreeMap<&'static str, Vec<String>>,
    /// The enum recall if every enum whose name and members the docs contain were found.
    pub enum_recall_reachable: f64,
    /// The typing of each operation; see `operations`.
    pub operations: operations::OperationFigures,
}

pub const NAMED_ON_NO_PAGE: &str = "named as a type on no page";
pub const MEMBERS_ON_NO_PAGE: &str = "members the docs do not list";
pub const IN_THE_DOCS: &str = "name and members in the docs";

/// Why each missed enum is missed, judged from the pages (letter case ignored). The
/// enum is named as a type where a table row's Type cell, a section title or a
/// `microsoft.graph.<name>` string in a code block names it; its members are listed in
/// the first column of tables in sections titled with its name (or on a page whose title
/// names it), and in the "possible values" sentence of rows typed with it. An enum named
/// nowhere, or with members listed nowhere, is a gap in the docs; one with its name and
/// all its members in them is the generator's miss.
fn enum_miss_causes(pages: &[Page], csdl: &Csdl, figures: &mut Figures) {
    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect()
    }
    /// What the pages say of one missed enum.
    struct Evidence {
        short: String,
        qualified: String,
        named: bool,
        listed: BTreeSet<String>,
    }
    let missed: Vec<String> = figures.misses.get("enum").cloned().unwrap_or_default();
    let mut evidence: Vec<Evidence> = missed
        .iter()
        .map(|e| {
            let short = e.rsplit('.').next().unwrap_or(e).to_ascii_lowercase();
            Evidence {
                qualified: format!("microsoft.graph.{short}"),
                short,
                named: false,
                listed: BTreeSet::new(),
            }
        })
        .collect();
    // One pass over the pages for all missed enums.
    for page in pages {
        // An enum page: its H1 names the enum, its sections list the members.
        let page_title = page
            .title
            .as_ref()
            .map_or_else(Vec::new, |t| words(&t.value));
        for section in &page.sections {
            let section_title = words(&section.title);
            let titled: Vec<bool> = evidence
                .iter()
                .map(|ev| page_title.contains(&ev.short) || section_title.contains(&ev.short))
                .collect();
            for (ev, titled) in evidence.iter_mut().zip(&titled) {
                ev.named |= titled;
            }
            for item in &section.items {
                match item {
                    Item::Table(t) => {
                        for row in &t.rows {
                            let type_words =
                                row.cells.get(1).map_or_else(Vec::new, |c| words(&c.text));
                            let member =
                                row.cells.first().map_or_else(Vec::new, |c| words(&c.text));
                            for (ev, titled) in evidence.iter_mut().zip(&titled) {
                                let typed = type_words.contains(&ev.short);
                                ev.named |= typed;
                                if *titled {
                                    ev.listed.extend(member.iter().cloned());
                                }
                                if typed && let Some(description) = row.cells.get(2) {
                                    ev.listed
                                        .extend(words(possible_values_clause(&description.text)));
                                }
                            }
                        }
                    }
                    Item::Code(c) => {
                        let text = c.text.to_ascii_lowercase();
                        for ev in &mut evidence {
                            ev.named |= mentions(&text, &ev.qualified);
                        }
                    }
                    Item::Prose(_) => {}
                }
            }
        }
    }
    let mut causes: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for (e, ev) in missed.iter().zip(&evidence) {
        let absent: Vec<&str> = csdl
            .enums
            .get(e)
            .into_iter()
            .flatten()
            .map(String::as_str)
            .filter(|m| *m != "unknownFutureValue" && !ev.listed.contains(&m.to_ascii_lowercase()))
            .collect();
        let (cause, what) = if !ev.named {
            (NAMED_ON_NO_PAGE, e.clone())
        } else if !absent.is_empty() {
            (
                MEMBERS_ON_NO_PAGE,
                format!("{e} (no {})", absent.join(", ")),
            )
        } else {
            (IN_THE_DOCS, e.clone())
        };
        causes.entry(cause).or_default().push(what);
    }
    let gaps = causes.get(NAMED_ON_NO_PAGE).map_or(0, Vec::len)
        + causes.get(MEMBERS_ON_NO_PAGE).map_or(0, Vec::len);
    figures.enum_recall_reachable =
        pct(figures.enums_used.saturating_sub(gaps), figures.enums_used);
    figures.enum_miss_causes = causes;
}

/// Whether `lower` (lower-case text) holds `name` not followed by more of a name.
fn mentions(lower: &str, name: &str) -> bool {
    lower.match_indices(name).any(|(at, _)| {
        !lower[at + name.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The sentence of `description` that lists possible (or supported) values, if any.
fn possible_values_clause(description: &str) -> &str {
    let lower = description.to_ascii_lowercase();
    let Some(at) = ["possible value", "supported value"]
        .iter()
        .filter_map(|k| lower.find(k))
        .min()
    else {
        return "";
    };
    let rest = &description[at..];
    &rest[..rest.find(". ").unwrap_or(rest.len())]
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        (10_000.0 * a as f64 / b as f64).round() / 100.0
    }
}

/// Compares the model built from `pages` with the CSDL.
pub fn measure(pages: &[Page], model: &Model, csdl: &Csdl) -> Figures {
    let mut f = Figures::default();
    let miss = |kind: &'static str, what: String, f: &mut Figures| {
        f.misses.entry(kind).or_default().push(what)
    };

    let documented: BTreeSet<String> = pages
        .iter()
        .filter(|p| p.path.starts_with("resources/"))
        .flat_map(|p| p.sections.iter().flat_map(|s| &s.items))
        .filter_map(|item| match item {
            Item::Code(c) => c.annotation.as_ref(),
            _ => None,
        })
        .filter(|a| {
            a.value
                .get("blockType")
                .and_then(|b| b.as_str())
                .is_some_and(|b| b.eq_ignore_ascii_case("resource"))
        })
        .filter_map(|a| a.value.get("@odata.type").and_then(|t| t.as_str()))
        .map(|t| t.trim_start_matches('#').to_string())
        .filter(|t| csdl.types.contains_key(t))
        .collect();
    f.documented_types = documented.len();

    let (mut found, mut props, mut props_found, mut typed, mut navs, mut navs_found) =
        (0, 0, 0, 0, 0, 0);
    let mut used_enums = BTreeSet::new();
    for name in &documented {
        let ct = &csdl.types[name];
        for t in ct.props.values() {
            let base = t.trim_start_matches("Collection(").trim_end_matches(')');
            if csdl.enums.contains_key(base) {
                used_enums.insert(base.to_string());
            }
        }
        if !model.types.contains_key(name) {
            miss("type", name.clone(), &mut f);
            props += ct.props.len();
            navs += ct.navs.len();
            continue;
        }
        found += 1;
        let ours: BTreeMap<&str, String> = model
            .all_properties(name)
            .into_iter()
            .map(|p| (p.name.as_str(), model_type(&p.ty)))
            .collect();
        let mut all_csdl: BTreeSet<&str> = BTreeSet::new();
        let mut cur = Some(name.as_str());
        let mut guard = 0;
        while let Some(c) = cur.and_then(|c| csdl.types.get(c)) {
            all_csdl.extend(c.props.keys().map(String::as_str));
            all_csdl.extend(c.navs.iter().map(String::as_str));
            cur = c.base.as_deref();
            guard += 1;
            if guard > 64 {
                break;
            }
        }
        f.extra_props += ours
            .keys()
            .filter(|p| !all_csdl.contains(*p) && !p.starts_with('@'))
            .count();
        for (p, want) in &ct.props {
            props += 1;
            match ours.get(p.as_str()) {
                None => miss("prop", format!("{name}.{p}"), &mut f),
                Some(got) => {
                    props_found += 1;
                    if got == want {
                        typed += 1;
                    } else {
                        miss(
                            "ptype",
                            format!("{name}.{p}: want {want} got {got}"),
                            &mut f,
                        );
                    }
                }
            }
        }
        for n in &ct.navs {
            navs += 1;
            if ours.contains_key(n.as_str()) {
                navs_found += 1;
            } else {
                miss("nav", format!("{name}.{n}"), &mut f);
            }
        }
    }
    f.type_recall = pct(found, documented.len());
    f.prop_recall = pct(props_found, props);
    f.prop_type_agreement = pct(typed, props_found.max(1));
    f.nav_recall = pct(navs_found, navs);

    let mut enums_ok = 0;
    for e in &used_enums {
        let want: BTreeSet<&str> = csdl.enums[e]
            .iter()
            .map(String::as_str)
            .filter(|m| *m != "unknownFutureValue")
            .collect();
        let ok = model.enums.get(e).is_some_and(|def| {
            want.iter()
                .all(|w| def.members.iter().any(|m| m.name == *w))
        });
        if ok {
            enums_ok += 1;
        } else {
            miss("enum", e.clone(), &mut f);
        }
    }
    f.enum_recall = pct(enums_ok, used_enums.len());
    f.enums_used = used_enums.len();

    let ops: BTreeSet<(HttpMethod, String)> = model
        .operations
        .iter()
        .map(|o| (o.method, normalize_path(&o.path.openapi_path())))
        .collect();
    let mut lines = BTreeSet::new();
    for page in pages.iter().filter(|p| p.path.starts_with("api/")) {
        let Some(i) = page
            .sections
            .iter()
            .position(|s| s.level == 2 && s.title.eq_ignore_ascii_case("http request"))
        else {
            continue;
        };
        for item in &page.sections[i].items {
            if let Item::Code(c) = item {
                for l in c.text.lines() {
                    if let Some(r) = request_line(l.trim(), 0) {
                        lines.insert((r.method, normalize_path(&r.target), page.path.clone()));
                    }
                }
            }
        }
    }
    let mut hit = 0;
    for (m, p, page) in &lines {
        if ops.contains(&(*m, p.clone())) {
            hit += 1;
        } else {
            miss("path", format!("{m} {p} ({page})"), &mut f);
        }
    }
    f.path_recall = pct(hit, lines.len());
    enum_miss_causes(pages, csdl, &mut f);
    f.operations = operations::measure(model, csdl);
    f
}

/// Lower case, no query, no trailing `/`, every parameter `{}`.
fn normalize_path(p: &str) -> String {
    let p = p
        .split('?')
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches('/');
    let mut out = String::new();
    let mut depth: usize = 0;
    for c in p.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push_str("{}");
                }
                depth += 1;
            }
            '}' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c => out.push(c),
        }
    }
    out.replace("'{}'", "{}").to_lowercase()
}

/// Floors under which the corpus test fails: the fidelity goals, except `enum_recall`,
/// whose goal (93) the docs cannot reach here: every enum they miss is named on no page
/// (the docs type those properties as `String`) or has members no page mentions; see
/// `enum_miss_causes`, and the corpus test, which fails on any other enum miss.
pub const FLOORS: [(&str, f64); 6] = [
    ("type_recall", 99.0),
    ("prop_recall", 98.0),
    ("prop_type_agreement", 97.5),
    ("nav_recall", 88.0),
    ("enum_recall", 90.0),
    ("path_recall", 98.0),
];

impl Figures {
    pub fn get(&self, name: &str) -> f64 {
        match name {
            "type_recall" => self.type_recall,
            "prop_recall" => self.prop_recall,
            "prop_type_agreement" => self.prop_type_agreement,
            "nav_recall" => self.nav_recall,
            "enum_recall" => self.enum_recall,
            "path_recall" => self.path_recall,
            name => self.operations.get(name).unwrap_or(f64::NAN),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use graphdoc::parse::parse_page;

    #[test]
    fn enum_misses_are_told_apart_by_what_the_pages_say() {
        let shapes = "---\ndoc_type: enumPageType\n---\n# shape enum type\n\n## Members\n|Member|Value|Description|\n|:---|:---|:---|\n|round|0|Round.|\n|square|1|Square.|\n";
        let widget = "---\ndoc_type: resourcePageType\n---\n# widget resource type\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|shape|[shape](shape.md)|Form.|\n|color|[color](color.md)|Possible values are: `red`, `blue`.|\n|mood|String|How it feels.|\n";
        let pages: Vec<Page> = [
            ("resources/shape.md", shapes),
            ("resources/widget.md", widget),
        ]
        .iter()
        .map(|(path, text)| parse_page(path, text.as_bytes()).0)
        .collect();
        let enums = [
            ("microsoft.graph.shape", &["round", "square"][..]),
            ("microsoft.graph.color", &["red", "blue", "green"]),
            ("microsoft.graph.mood", &["happy"]),
        ];
        let csdl = Csdl {
            enums: enums
                .iter()
                .map(|(e, m)| (e.to_string(), m.iter().map(|m| m.to_string()).collect()))
                .collect(),
            ..Csdl::default()
        };
        // The three misses, and one enum that was found.
        let mut figures = Figures {
            enums_used: 4,
            ..Figures::default()
        };
        figures
            .misses
            .insert("enum", enums.iter().map(|(e, _)| e.to_string()).collect());
        enum_miss_causes(&pages, &csdl, &mut figures);
        let causes: Vec<(&str, &[String])> = figures
            .enum_miss_causes
            .iter()
            .map(|(k, v)| (*k, v.as_slice()))
            .collect();
        assert_eq!(
            causes,
            [
                (
                    MEMBERS_ON_NO_PAGE,
                    &["microsoft.graph.color (no green)".to_string()][..]
                ),
                (IN_THE_DOCS, &["microsoft.graph.shape".to_string()]),
                (NAMED_ON_NO_PAGE, &["microsoft.graph.mood".to_string()]),
            ]
        );
        assert_eq!(figures.enum_recall_reachable, 50.0);
    }
}
