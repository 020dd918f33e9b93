//! Type references resolved against every page's definitions.

use crate::diag::{Code, Diagnostic, Severity};
use crate::model::extract::types::{NameRef, RawEnum, RawType};
use crate::model::typeref::CellType;
use crate::model::{QualifiedName, TypeRef};
use crate::parse::Page;
use std::collections::{BTreeSet, HashMap};

/// Resolves type references by link target first, then by name.
pub(in crate::model) struct Resolver {
    /// Page path (lower case) → names defined on it.
    by_page: HashMap<String, Vec<QualifiedName>>,
    /// Lower-case short name → qualified names.
    by_short: HashMap<String, Vec<QualifiedName>>,
    known: BTreeSet<QualifiedName>,
    /// Entity and complex types only (no enums).
    type_names: BTreeSet<QualifiedName>,
    pages: BTreeSet<String>,
    /// Each type's base as written on its page, and the page.
    bases: HashMap<QualifiedName, (NameRef, String)>,
}

impl Resolver {
    pub(in crate::model) fn new(pages: &[&Page], types: &[RawType], enums: &[RawEnum]) -> Self {
        let mut by_page: HashMap<String, Vec<QualifiedName>> = HashMap::new();
        let mut by_short: HashMap<String, Vec<QualifiedName>> = HashMap::new();
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
                    .entry(name.short().to_ascii_lowercase())
                    .or_default()
                    .push(name.clone());
            }
        }
        let pages = pages.iter().map(|p| p.path.to_ascii_lowercase()).collect();
        let type_names = types.iter().map(|t| t.name.clone()).collect();
        let bases = types
            .iter()
            .filter_map(|t| Some((t.name.clone(), (t.base.clone()?, t.page.clone()))))
            .collect();
        Self {
            by_page,
            by_short,
            known,
            type_names,
            pages,
            bases,
        }
    }

    /// An entity or complex type by its exact short or qualified name.
    pub fn type_by_exact_name(&self, name: &str) -> Option<QualifiedName> {
        if let Some(known) = self.type_names.get(name) {
            return Some(known.clone());
        }
        let candidates = self.by_short.get(&name.to_ascii_lowercase())?;
        candidates
            .iter()
            .find(|c| c.short() == name && self.type_names.contains(c.as_str()))
            .cloned()
    }

    /// `name` and the types it derives from, nearest first; stops at a base that does
    /// not resolve or at a cycle.
    fn ancestry(&self, name: &QualifiedName) -> Vec<QualifiedName> {
        let mut chain = vec![name.clone()];
        while let Some((base, page)) = chain.last().and_then(|n| self.bases.get(n)) {
            match self.resolve_name(page, base) {
                Ok(b) if !chain.contains(&b) => chain.push(b),
                _ => break,
            }
        }
        chain
    }

    /// The nearest type every one of `names` is or derives from: a Type cell that
    /// offers a choice of derived types takes their base, with `@odata.type` telling
    /// which one a value is.
    fn common_base(&self, names: &[QualifiedName]) -> Option<QualifiedName> {
        let (first, rest) = names.split_first()?;
        let others: Vec<Vec<QualifiedName>> = rest.iter().map(|n| self.ancestry(n)).collect();
        self.ancestry(first)
            .into_iter()
            .find(|candidate| others.iter().all(|chain| chain.contains(candidate)))
    }

    /// Resolves `name` (link text or a qualified name) linked to `target` from `page`.
    /// `Err` carries the diagnostic to report.
    pub fn resolve_name(&self, page: &str, r: &NameRef) -> Result<QualifiedName, Diagnostic> {
        let mut broken = None;
        if r.target.contains(".md") {
            let path = join_link(page, &r.target);
            match self.by_page.get(&path) {
                Some(names) => {
                    let wanted = crate::model::short_name(&r.name).to_ascii_lowercase();
                    if let Some(n) = names
                        .iter()
                        .find(|n| n.short().to_ascii_lowercase() == wanted)
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
                            Code::BrokenLink,
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
                    .get(&crate::model::short_name(&r.name).to_ascii_lowercase())
                    .and_then(|c| pick(c, crate::model::short_name(&r.name)))
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
                Code::UnknownType,
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

    /// [`Self::resolve_name`] for a name written as an identifier (an annotation's
    /// `@odata.type`, a base type): a warning where it differs from the definition
    /// only in letter case.
    pub fn resolve_identifier(
        &self,
        page: &str,
        r: &NameRef,
        diags: &mut Vec<Diagnostic>,
    ) -> Result<QualifiedName, Diagnostic> {
        let resolved = self.resolve_name(page, r)?;
        let written = crate::model::short_name(&r.name);
        let defined = resolved.short();
        if written != defined && written.eq_ignore_ascii_case(defined) {
            diags.push(
                Diagnostic::warning(
                    page,
                    r.line,
                    Code::TypeNameCase,
                    format!(
                        "`{}` is spelled `{defined}` where it is defined; read as `{resolved}`",
                        r.name
                    ),
                )
                .with_help(format!("write `{resolved}`")),
            );
        }
        Ok(resolved)
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
            CellType::Alternatives(text) => {
                let choices = crate::model::typeref::alternatives(text);
                let named: Option<Vec<QualifiedName>> =
                    choices.iter().map(|c| self.type_by_exact_name(c)).collect();
                if let Some(base) = named
                    .filter(|n| n.len() > 1)
                    .and_then(|n| self.common_base(&n))
                {
                    diags.push(
                        Diagnostic::warning(
                            page,
                            line,
                            Code::AlternativeTypes,
                            format!(
                                "the Type cell gives a choice of types ({}); typed as their base `{base}`",
                                choices
                                    .iter()
                                    .map(|p| format!("`{p}`"))
                                    .collect::<Vec<_>>()
                                    .join(" or ")
                            ),
                        )
                        .with_help(format!("give `{base}` in the Type cell and name the derived types in the description")),
                    );
                    return TypeRef::Named(base);
                }
                diags.push(
                    Diagnostic::warning(
                        page,
                        line,
                        Code::AlternativeTypes,
                        format!(
                            "the Type cell gives a choice of types ({}); typed as any JSON",
                            crate::model::typeref::alternatives(text)
                                .iter()
                                .map(|p| format!("`{p}`"))
                                .collect::<Vec<_>>()
                                .join(" or ")
                        ),
                    )
                    .with_help("give one type in the Type cell and describe the other accepted forms in the description"),
                );
                TypeRef::Untyped
            }
            CellType::Unmapped(text) => {
                diags.push(
                    Diagnostic::warning(
                        page,
                        line,
                        Code::UnmappedType,
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
fn pick(candidates: &[QualifiedName], wanted: &str) -> Option<QualifiedName> {
    let exact: Vec<&QualifiedName> = candidates.iter().filter(|c| c.short() == wanted).collect();
    let pool: Vec<&QualifiedName> = if exact.is_empty() {
        candidates.iter().collect()
    } else {
        exact
    };
    pool.iter()
        .find(|c| c.namespace() == "microsoft.graph")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_relative_to_the_page() {
        assert_eq!(join_link("api/x.md", "../resources/Y.md"), "resources/y.md");
        assert_eq!(join_link("resources/x.md", "y.md#props"), "resources/y.md");
    }
}
