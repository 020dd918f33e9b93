//! Fidelity of the model against the official CSDL metadata, computed by this project.
//!
//! The CSDL is a yardstick only: nothing here feeds back into generation. The figures
//! follow `eval_openapi.py` (type, property, type agreement, navigation, enum and path
//! recall), computed on the model instead of the emitted YAML.

use anyhow::{Context, Result};
use graphdoc::model::{Edm, Model, TypeRef};
use graphdoc::parse::{Item, Page, request_line};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One CSDL entity or complex type.
struct CsdlType {
    base: Option<String>,
    props: BTreeMap<String, String>,
    navs: BTreeSet<String>,
}

pub struct Csdl {
    types: BTreeMap<String, CsdlType>,
    enums: BTreeMap<String, Vec<String>>,
}

impl Csdl {
    pub fn read(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let doc = roxmltree::Document::parse(&text)
            .with_context(|| format!("parsing {}", path.display()))?;
        let mut types = BTreeMap::new();
        let mut enums = BTreeMap::new();
        for schema in doc.descendants().filter(|n| n.has_tag_name("Schema")) {
            let ns = schema.attribute("Namespace").unwrap_or_default();
            for node in schema.children().filter(|n| n.is_element()) {
                let Some(name) = node.attribute("Name") else {
                    continue;
                };
                let fq = format!("{ns}.{name}");
                match node.tag_name().name() {
                    "EntityType" | "ComplexType" => {
                        let mut props = BTreeMap::new();
                        let mut navs = BTreeSet::new();
                        for p in node.children().filter(|n| n.is_element()) {
                            let (Some(pn), Some(pt)) = (p.attribute("Name"), p.attribute("Type"))
                            else {
                                continue;
                            };
                            match p.tag_name().name() {
                                "Property" => {
                                    props.insert(pn.to_string(), normalize(pt));
                                }
                                "NavigationProperty" => {
                                    navs.insert(pn.to_string());
                                }
                                _ => {}
                            }
                        }
                        types.insert(
                            fq,
                            CsdlType {
                                base: node.attribute("BaseType").map(normalize),
                                props,
                                navs,
                            },
                        );
                    }
                    "EnumType" => {
                        let members = node
                            .children()
                            .filter(|n| n.has_tag_name("Member"))
                            .filter_map(|m| m.attribute("Name").map(str::to_string))
                            .collect();
                        enums.insert(fq, members);
                    }
                    _ => {}
                }
            }
        }
        Ok(Self { types, enums })
    }
}

/// `graph.x` → `microsoft.graph.x`; `Edm.Stream` counts as `Edm.Binary`.
fn normalize(t: &str) -> String {
    if let Some(inner) = t
        .strip_prefix("Collection(")
        .and_then(|s| s.strip_suffix(')'))
    {
        return format!("Collection({})", normalize(inner));
    }
    if let Some(rest) = t.strip_prefix("graph.") {
        return format!("microsoft.graph.{rest}");
    }
    if t == "Edm.Stream" {
        return "Edm.Binary".to_string();
    }
    t.to_string()
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

    let ops: BTreeSet<(String, String)> = model
        .operations
        .iter()
        .map(|o| (o.method.clone(), normalize_path(&o.path.openapi_path())))
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
        if ops.contains(&(m.clone(), p.clone())) {
            hit += 1;
        } else {
            miss("path", format!("{m} {p} ({page})"), &mut f);
        }
    }
    f.path_recall = pct(hit, lines.len());
    enum_miss_causes(pages, csdl, &mut f);
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
            _ => f64::NAN,
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
            types: BTreeMap::new(),
            enums: enums
                .iter()
                .map(|(e, m)| (e.to_string(), m.iter().map(|m| m.to_string()).collect()))
                .collect(),
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
