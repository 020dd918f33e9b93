//! Types and enums merged across pages, with inheritance resolved.

use crate::diag::{Code, Diagnostic};
use crate::model::extract::types::{RawEnum, RawType, Representation};
use crate::model::resolve::names::Resolver;
use crate::model::{
    EnumDef, EnumMember, Model, Property, QualifiedName, Source, TypeDef, TypeKind, TypeRef,
};
use std::collections::BTreeMap;

pub(in crate::model) fn merge_enums(
    raw: Vec<RawEnum>,
    model: &mut Model,
    diags: &mut Vec<Diagnostic>,
) {
    for e in raw {
        match model.enums.get_mut(&e.name) {
            Some(existing) => {
                for m in e.members {
                    match existing.members.iter().find(|x| x.name == m.name) {
                        Some(x) if x.value.is_some() && m.value.is_some() && x.value != m.value => {
                            diags.push(Diagnostic::warning(
                                &e.page,
                                e.line,
                                Code::ConflictingDefinition,
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
                let namespace = e.name.namespace().to_string();
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
pub(in crate::model) fn enrich_enums(
    model: &mut Model,
    representations: &[Representation],
    diags: &mut Vec<Diagnostic>,
) {
    let mut additions: Vec<(QualifiedName, String)> = Vec::new();
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
    for Representation {
        type_name,
        page,
        line,
        members,
    } in representations
    {
        let props = model.all_properties(type_name);
        for (key, value) in members {
            if key.starts_with('@') {
                continue;
            }
            match props.iter().find(|p| p.name == *key) {
                None => diags.push(
                    Diagnostic::warning(
                        page,
                        *line,
                        Code::RepresentationPropertyNotInTable,
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

/// Types merged across pages into the model: names resolved, inherited rows dropped,
/// entity or complex decided, derived-type lists filled in.
pub(in crate::model) fn resolve_types(
    raw: Vec<RawType>,
    resolver: &Resolver,
    model: &mut Model,
    diags: &mut Vec<Diagnostic>,
) {
    let merged = merge_pages(raw, resolver, diags);
    add_types(merged, model, diags);
}

/// The union of every page that documents a type, first page first.
fn merge_pages(raw: Vec<RawType>, resolver: &Resolver, diags: &mut Vec<Diagnostic>) -> Merged {
    let mut merged: Merged = BTreeMap::new();
    for t in raw {
        // A base named in the annotation is an identifier; one linked in prose is
        // link text, whose case says nothing.
        let base = t.base.as_ref().and_then(|b| {
            let resolved = if b.target.is_empty() {
                resolver.resolve_identifier(&t.page, b, diags)
            } else {
                resolver.resolve_name(&t.page, b)
            };
            match resolved {
                Ok(n) => Some(n),
                Err(d) => {
                    diags.push(d);
                    None
                }
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
                query: crate::model::query_notes(&p.description),
            });
        }
        match merged.get_mut(&t.name) {
            Some(MergedType { def: existing, key }) => {
                *key |= t.key;
                existing.is_abstract |= t.is_abstract;
                existing.is_open |= t.is_open;
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
                                Code::ConflictingDefinition,
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
                    namespace: t.name.namespace().to_string(),
                    area: t.area,
                    name: t.name.clone(),
                    kind: TypeKind::Complex,
                    base,
                    is_abstract: t.is_abstract,
                    is_open: t.is_open,
                    description: t.description,
                    properties,
                    derived: Vec::new(),
                    source: Source {
                        file: t.page,
                        line: t.line,
                    },
                };
                merged.insert(t.name, MergedType { def, key: t.key });
            }
        }
    }
    merged
}

/// Adds the merged types to the model, with inheritance resolved.
fn add_types(mut merged: Merged, model: &mut Model, diags: &mut Vec<Diagnostic>) {
    // A name defined as both a type and an enum keeps the type.
    for name in merged.keys() {
        if let Some(e) = model.enums.remove(name) {
            diags.push(Diagnostic::warning(
                &e.source.file,
                e.source.line,
                Code::ConflictingDefinition,
                format!("`{name}` is documented both as an enum and as a resource type; the resource type is kept"),
            ));
        }
    }

    break_base_cycles(&mut merged, diags);

    // Inherited rows: drop own properties that an ancestor already declares.
    let ancestor_props: BTreeMap<QualifiedName, Vec<Property>> = merged
        .keys()
        .map(|name| {
            let props = ancestors(&merged, name)
                .flat_map(|(_, base)| base.def.properties.iter().cloned())
                .collect();
            (name.clone(), props)
        })
        .collect();
    let has_key: BTreeMap<QualifiedName, bool> = merged
        .iter()
        .map(|(name, merged_type)| {
            let entity = merged_type.key
                || name == ENTITY
                || ancestors(&merged, name).any(|(b, base)| base.key || b == ENTITY);
            (name.clone(), entity)
        })
        .collect();

    for (name, MergedType { mut def, .. }) in merged {
        let inherited = &ancestor_props[&name];
        def.properties.retain(|p| match inherited.iter().find(|a| a.name == p.name) {
            None => true,
            Some(a) => {
                if a.ty != p.ty && p.ty != TypeRef::Untyped && a.ty != TypeRef::Untyped {
                    diags.push(Diagnostic::warning(
                        &p.source.file,
                        p.source.line,
                        Code::ConflictingDefinition,
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

    let pairs: Vec<(QualifiedName, QualifiedName)> = model
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
                Code::UnknownType,
                format!("the base type `{base}` of `{derived}` is not an entity or complex type"),
            ));
            t.base = None;
        }
    }
    for t in model.types.values_mut() {
        t.derived.sort();
    }
}

/// The root of entity types: what derives from it has a key.
const ENTITY: &str = "microsoft.graph.entity";

/// A type merged from every page that documents it.
struct MergedType {
    def: TypeDef,
    /// Some page gives it a key property.
    key: bool,
}

type Merged = BTreeMap<QualifiedName, MergedType>;

/// The bases of `name` that are merged types, nearest first. Cycles are broken before
/// this is used; the bound on the steps is a second guard.
fn ancestors<'m>(
    merged: &'m Merged,
    name: &str,
) -> impl Iterator<Item = (&'m QualifiedName, &'m MergedType)> + use<'m> {
    let mut next = merged.get(name).and_then(|t| t.def.base.as_deref());
    let mut steps = 0usize;
    std::iter::from_fn(move || {
        steps += 1;
        let entry = merged
            .get_key_value(next?)
            .filter(|_| steps <= merged.len())?;
        next = entry.1.def.base.as_deref();
        Some(entry)
    })
}

fn break_base_cycles(merged: &mut Merged, diags: &mut Vec<Diagnostic>) {
    let names: Vec<QualifiedName> = merged.keys().cloned().collect();
    for start in names {
        let mut seen = vec![start.clone()];
        let mut cur = merged.get(&start).and_then(|t| t.def.base.clone());
        while let Some(b) = cur {
            if b == start {
                if let Some(MergedType { def: t, .. }) = merged.get_mut(&start) {
                    diags.push(
                        Diagnostic::error(
                            &t.source.file,
                            t.source.line,
                            Code::BaseTypeCycle,
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
            cur = merged.get(&b).and_then(|t| t.def.base.clone());
        }
    }
}

pub(in crate::model) fn describe(t: &TypeRef) -> String {
    match t {
        TypeRef::Primitive(e) => format!("`Edm.{e:?}`"),
        TypeRef::Named(n) => format!("`{n}`"),
        TypeRef::Collection(inner) => format!("a collection of {}", describe(inner)),
        TypeRef::Untyped => "any JSON".to_string(),
    }
}
