//! Types each operation from its path, the way the service resolves a request URL:
//! roots (entity sets and singletons), keys, navigation and structural properties,
//! casts and path-based addressing. The page's own words (response prose, request-body
//! tables, example annotations) are evidence; where they disagree with the path, the
//! path wins for what it addresses, and a located diagnostic names both.
//!
//! The rules, in order:
//! - `GET` of a path that resolves answers the path's type, collection or single.
//! - `POST` to a collection of `T` takes a `T` (a view of `T` accepts every derived type
//!   through `@odata.type`) and answers the created `T`.
//! - `PATCH` and `PUT` of a single `T` take a `T`, and answer a `T` when they answer.
//! - Actions, functions and anything the path cannot type keep what their page says.
//! - A page that documents a derived type of what the path addresses (one create or
//!   list page per derived type) never narrows the operation, and is not a conflict.

use crate::diag::{Code, Diagnostic};
use crate::method::HttpMethod;
use crate::model::PathPart;
use crate::model::resolve::collections;
use crate::model::{Model, Operation, Property, QualifiedName, RequestBody, Source, TypeRef};
use std::collections::{BTreeMap, HashMap};

/// What the documented request lines say about addressing: the roots (entity sets
/// and singletons) and their types, the types the pages give `GET` of each path, and
/// which paths are collections (some documented path continues them with a key).
#[derive(Debug, Default)]
pub struct DocumentedPaths {
    /// Lower-case root name → the type it addresses (`Collection(T)` for entity sets).
    by_name: HashMap<String, TypeRef>,
    /// Path (see `prefix_key`) → what its own page says a `GET` of it answers.
    documented_gets: HashMap<String, TypeRef>,
    /// Paths that some documented path continues with a key: collections; with the
    /// first request line that does.
    keyed: HashMap<String, Source>,
}

impl DocumentedPaths {
    /// Reads the roots from what the pages say about `/x`, `/x/{key}` and `/x('{key}')`;
    /// `split` holds each operation's segments, in order.
    fn infer(model: &Model, split: &[Vec<Segment>]) -> Self {
        // Root → what each operation that speaks of it says it addresses.
        let mut evidence: BTreeMap<String, Vec<RootEvidence>> = BTreeMap::new();
        for (op, segments) in model.operations.iter().zip(split) {
            let Some(first) = segments.first() else {
                continue;
            };
            if first.param || first.name.is_empty() || first.name.starts_with('$') {
                continue;
            }
            let keyed_first = first.args.is_some();
            let keyed = match segments.len() {
                1 => keyed_first,
                2 if !keyed_first && segments[1].param => true,
                _ => continue,
            };
            let named = |t: &Option<TypeRef>| match t {
                Some(TypeRef::Named(n)) if model.types.contains_key(n) => Some(n.clone()),
                _ => None,
            };
            let body_type = match &op.request_body {
                Some(RequestBody::Typed { types }) => model.common_base(types),
                _ => None,
            };
            let set = |ty| RootEvidence { set: true, ty };
            let single = |ty| RootEvidence { set: false, ty };
            let found = if keyed {
                named(&op.response.body).or(body_type).map(set)
            } else {
                match (op.method, &op.response.body) {
                    (HttpMethod::Get, Some(TypeRef::Collection(inner))) => match inner.as_ref() {
                        TypeRef::Named(n) if model.types.contains_key(n) => Some(set(n.clone())),
                        _ => None,
                    },
                    (HttpMethod::Get, body) => named(body).map(single),
                    (HttpMethod::Post, body) => body_type.or_else(|| named(body)).map(set),
                    (HttpMethod::Patch | HttpMethod::Put, body) => {
                        body_type.or_else(|| named(body)).map(single)
                    }
                    _ => None,
                }
            };
            if let Some(found) = found {
                evidence
                    .entry(first.name.to_ascii_lowercase())
                    .or_default()
                    .push(found);
            }
        }
        let by_name = evidence
            .into_iter()
            .filter_map(|(root, evidence)| {
                let ty = most_supported(model, &root, evidence.iter().map(|e| &e.ty))?;
                let related =
                    |t: &str| t == ty.as_str() || model.ancestry(t).any(|a| a.name == *ty);
                let sets = evidence.iter().filter(|e| e.set && related(&e.ty)).count();
                let singles = evidence.iter().filter(|e| !e.set && related(&e.ty)).count();
                let ty = TypeRef::Named(ty.clone());
                Some((
                    root,
                    if sets >= singles {
                        TypeRef::Collection(Box::new(ty))
                    } else {
                        ty
                    },
                ))
            })
            .collect();
        let mut documented_gets = HashMap::new();
        let mut keyed: HashMap<String, Source> = HashMap::new();
        for (op, segments) in model.operations.iter().zip(split) {
            if op.method == HttpMethod::Get
                && let Some(body) = &op.response.body
                && matches!(body, TypeRef::Named(_) | TypeRef::Collection(_))
            {
                documented_gets.insert(prefix_key(segments), body.clone());
            }
            for i in 1..segments.len() {
                if segments[i].param
                    && !segments[i - 1].addressing
                    && segments[i - 1].args.is_none()
                {
                    keyed
                        .entry(prefix_key(&segments[..i]))
                        .or_insert_with(|| op.source.clone());
                }
            }
        }
        let mut paths = Self {
            by_name,
            documented_gets,
            keyed,
        };
        paths.infer_from_members(model, split);
        paths
    }

    /// The type the documented `GET` of `segments` answers; a single type where the
    /// docs address the path's items by key is read as a collection of it.
    fn documented(&self, segments: &[Segment]) -> Option<TypeRef> {
        let key = prefix_key(segments);
        let ty = self.documented_gets.get(&key)?.clone();
        Some(match ty {
            TypeRef::Named(_) if self.keyed.contains_key(&key) => TypeRef::Collection(Box::new(ty)),
            other => other,
        })
    }

    /// A root no page types by itself (`/planner`, `/policies`) is the type whose
    /// properties are the segments documented after it: `/planner/tasks` and
    /// `/planner/plans` name a type with `tasks` and `plans`.
    fn infer_from_members(&mut self, model: &Model, split: &[Vec<Segment>]) {
        let mut follows: BTreeMap<String, Members> = BTreeMap::new();
        for segments in split {
            let Some(first) = segments.first() else {
                continue;
            };
            let root = first.name.to_ascii_lowercase();
            if first.param
                || root.is_empty()
                || root.starts_with('$')
                || self.by_name.contains_key(&root)
            {
                continue;
            }
            let Members { direct, keyed } = follows.entry(root).or_default();
            let member_name = |s: &Segment| {
                (!s.param
                    && !s.name.starts_with('$')
                    && !s.name.contains('.')
                    && !s.name.is_empty())
                .then(|| s.name.clone())
            };
            let (list, next) = if first.args.is_some() {
                (keyed, segments.get(1))
            } else if segments.get(1).is_some_and(|s| s.param) {
                (keyed, segments.get(2))
            } else {
                (direct, segments.get(1))
            };
            if let Some(name) = next.and_then(member_name)
                && !list.contains(&name)
            {
                list.push(name);
            }
        }
        for (root, Members { direct, keyed }) in follows {
            let (names, set) = if keyed.is_empty() {
                (direct, false)
            } else {
                (keyed, true)
            };
            if names.is_empty() {
                continue;
            }
            let mut best: Vec<(usize, &QualifiedName)> = Vec::new();
            for (type_name, def) in &model.types {
                if set && def.kind != crate::model::TypeKind::Entity {
                    continue;
                }
                let properties = model.all_properties(type_name);
                let matched = names
                    .iter()
                    .filter(|n| properties.iter().any(|p| p.name.eq_ignore_ascii_case(n)))
                    .count();
                let named = names_root(&root, type_name.short());
                if matched == 0 || (matched < 2 && !named) {
                    continue;
                }
                // Named like the root breaks ties.
                let score = matched * 2 + usize::from(named);
                match best.first() {
                    Some((top, _)) if *top > score => {}
                    Some((top, _)) if *top == score => best.push((score, type_name)),
                    _ => best = vec![(score, type_name)],
                }
            }
            if let [(_, type_name)] = best.as_slice() {
                let ty = TypeRef::Named((*type_name).clone());
                self.by_name.insert(
                    root,
                    if set {
                        TypeRef::Collection(Box::new(ty))
                    } else {
                        ty
                    },
                );
            }
        }
    }

    fn get(&self, name: &str) -> Option<&TypeRef> {
        self.by_name.get(&name.to_ascii_lowercase())
    }

    /// The request line that continues `segments` with a key, if one does.
    fn keyed_by(&self, segments: &[Segment]) -> Option<&Source> {
        self.keyed.get(&prefix_key(segments))
    }
}

/// What one operation says a root addresses.
struct RootEvidence {
    /// A collection (an entity set) rather than a single value (a singleton).
    set: bool,
    ty: QualifiedName,
}

/// The member names documented after a root that no page types by itself.
#[derive(Default)]
struct Members {
    /// Right after the root: `tasks` of `/planner/tasks`.
    direct: Vec<String>,
    /// After the root's key: `lists` of `/sites/{id}/lists`.
    keyed: Vec<String>,
}

/// The evidence type that the most evidence supports: itself counts twice, each
/// derived type once, so a base type documented beside its derived types wins, and a
/// lone stray page naming a distant base does not. A type named like the root
/// (`users` → `user`) counts four times over: pages that document a root's own type
/// outnumber those that mention it in passing.
fn most_supported<'a>(
    model: &Model,
    root: &str,
    evidence: impl Iterator<Item = &'a QualifiedName> + Clone,
) -> Option<&'a QualifiedName> {
    let mut best: Option<(usize, &QualifiedName)> = None;
    let mut candidates: Vec<&QualifiedName> = evidence.clone().collect();
    candidates.sort_unstable();
    candidates.dedup();
    for candidate in candidates {
        let weight = if names_root(root, candidate.short()) {
            4
        } else {
            1
        };
        let score: usize = evidence
            .clone()
            .map(|e| {
                if e == candidate {
                    2 * weight
                } else if model.ancestry(e).any(|a| a.name == *candidate) {
                    weight
                } else {
                    0
                }
            })
            .sum();
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, t)| t)
}

/// `users` or `user` for `user`, `policies` for `policy` (letter case ignored).
fn names_root(root: &str, type_name: &str) -> bool {
    let root = root.to_ascii_lowercase();
    let name = type_name.to_ascii_lowercase();
    root == name
        || root.strip_suffix('s') == Some(&name)
        || root.strip_suffix("es") == Some(&name)
        || (root
            .strip_suffix("ies")
            .is_some_and(|stem| name.strip_suffix('y') == Some(stem)))
}

/// One `/`-separated segment of a path template.
#[derive(Debug)]
struct Segment {
    /// The segment as written, parameters as `{}`, letter case folded.
    key: String,
    /// The segment without its key or argument list (`lists` of `lists('{id}')`).
    name: String,
    /// What stood in parentheses, parameters written `{}`.
    args: Option<String>,
    /// The whole segment is one parameter (`{id}`), or `name={id}` (an alternate key).
    param: bool,
    /// Ends in `:`: path-based addressing (`root:/{item-path}:`) starts or ends here.
    addressing: bool,
}

/// `/`-joined segment keys: one spelling for a path whatever its parameter names.
fn prefix_key(segments: &[Segment]) -> String {
    let mut key = String::new();
    for s in segments {
        key.push('/');
        key.push_str(&s.key);
    }
    key
}

fn segments(op: &Operation) -> Vec<Segment> {
    let mut skeleton = String::new();
    for part in &op.path.parts {
        match part {
            PathPart::Literal(l) => skeleton.push_str(l),
            PathPart::Param(_) => skeleton.push_str("{}"),
        }
    }
    skeleton
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|raw| {
            let addressing = raw.ends_with(':');
            let text = raw.trim_end_matches(':');
            let (name, args) = match text.split_once('(') {
                Some((name, rest)) if rest.ends_with(')') => {
                    (name, Some(rest[..rest.len() - 1].to_string()))
                }
                _ => (text, None),
            };
            let alternate_key = name
                .split_once('=')
                .is_some_and(|(k, v)| !k.is_empty() && (v == "{}" || v.starts_with('\'')));
            Segment {
                key: raw.to_ascii_lowercase(),
                name: name.to_string(),
                args,
                param: name == "{}" || alternate_key,
                addressing,
            }
        })
        .collect()
}

/// How a path's last typed segment was reached.
#[derive(Debug)]
pub enum Step<'m> {
    Root,
    Key,
    /// A segment the model has no member for, typed by the documented `GET` of the
    /// path up to it (a function such as `range`, a relationship no table lists).
    Documented,
    /// A property of the type before it (`via` its declaration).
    Member(&'m Property),
    Cast,
}

/// What a request path addresses.
#[derive(Debug)]
pub enum Target<'m> {
    /// The path names a value of this type.
    Typed { ty: TypeRef, step: Step<'m> },
    /// `$ref`, `$value`, `$count` or a stream property: not a JSON value of a type.
    Special,
    /// A segment the model cannot type (an action, a function, an undocumented
    /// member or root).
    Unresolved,
}

/// Walks a request path, split into its segments, through the roots and the model.
fn resolve<'m>(model: &'m Model, paths: &DocumentedPaths, segments: &[Segment]) -> Target<'m> {
    let mut current: Option<TypeRef> = None;
    let mut step = Step::Root;
    let mut i = 0;
    while i < segments.len() {
        let segment = &segments[i];
        if segment.name.starts_with('$') {
            return if current.is_some() {
                Target::Special
            } else {
                Target::Unresolved
            };
        }
        match advance(model, paths, segments, i, current.take()) {
            Advance::To {
                ty,
                step: how,
                next,
            } => {
                current = Some(ty);
                step = how;
                i = next;
            }
            Advance::Special => return Target::Special,
            Advance::Stuck => {
                // What the model cannot walk, a documented `GET` further on may type.
                let Some((ty, next)) = (i..segments.len())
                    .find_map(|j| paths.documented(&segments[..=j]).map(|t| (t, j + 1)))
                else {
                    return Target::Unresolved;
                };
                current = Some(ty);
                step = Step::Documented;
                i = next;
            }
        }
    }
    match current {
        Some(ty) => Target::Typed { ty, step },
        None => Target::Unresolved,
    }
}

enum Advance<'m> {
    /// On to the value after the segment.
    To {
        ty: TypeRef,
        /// How it was reached.
        step: Step<'m>,
        /// The index of the segment after it.
        next: usize,
    },
    Special,
    Stuck,
}

/// One step of the walk: segment `i` applied to `current`.
fn advance<'m>(
    model: &'m Model,
    paths: &DocumentedPaths,
    segments: &[Segment],
    i: usize,
    current: Option<TypeRef>,
) -> Advance<'m> {
    let segment = &segments[i];
    let mut next = i + 1;
    let Some(ty) = current else {
        if i > 0 || segment.param {
            return Advance::Stuck;
        }
        let Some(root) = paths.get(&segment.name) else {
            return Advance::Stuck;
        };
        let mut current = Some(root.clone());
        let mut step = Step::Root;
        if !apply_key(model, segment, &mut current, &mut step) {
            return Advance::Stuck;
        }
        skip_addressed(segments, segment, &mut next);
        return match current {
            Some(ty) => Advance::To { ty, step, next },
            None => Advance::Stuck,
        };
    };
    if segment.param {
        return match ty {
            TypeRef::Collection(inner) if is_entity(model, &inner) => Advance::To {
                ty: *inner,
                step: Step::Key,
                next,
            },
            _ => Advance::Stuck,
        };
    }
    let (element, collection) = match &ty {
        TypeRef::Named(n) => (n.as_str(), false),
        TypeRef::Collection(inner) => match inner.as_ref() {
            TypeRef::Named(n) => (n.as_str(), true),
            _ => return Advance::Stuck,
        },
        _ => return Advance::Stuck,
    };
    if !model.types.contains_key(element) {
        return Advance::Stuck;
    }
    if let Some(cast) = cast_target(model, element, &segment.name) {
        let named = TypeRef::Named(cast);
        let ty = if collection {
            TypeRef::Collection(Box::new(named))
        } else {
            named
        };
        return Advance::To {
            ty,
            step: Step::Cast,
            next,
        };
    }
    if collection {
        return Advance::Stuck;
    }
    let Some(property) = member(model, element, &segment.name) else {
        return Advance::Stuck;
    };
    if property.ty == TypeRef::Primitive(crate::model::Edm::Stream) {
        return Advance::Special;
    }
    let mut current = Some(property.ty.clone());
    let mut step = Step::Member(property);
    if !apply_key(model, segment, &mut current, &mut step) {
        return Advance::Stuck;
    }
    skip_addressed(segments, segment, &mut next);
    match current {
        Some(ty) => Advance::To { ty, step, next },
        None => Advance::Stuck,
    }
}

/// `x('{id}')` or `x({id})` keys a collection of entities; other argument lists are
/// function calls, which the model cannot type.
fn apply_key(
    model: &Model,
    segment: &Segment,
    current: &mut Option<TypeRef>,
    step: &mut Step<'_>,
) -> bool {
    let Some(args) = &segment.args else {
        return true;
    };
    let is_key = args == "{}" || args == "'{}'" || !args.contains('=') || args.starts_with("id=");
    match current.take() {
        Some(TypeRef::Collection(inner)) if is_key && is_entity(model, &inner) => {
            *current = Some(*inner);
            *step = Step::Key;
            true
        }
        _ => false,
    }
}

/// Path-based addressing (`root:/{item-path}:`) keeps the type of its base: the
/// segments up to the closing `:` are the item's path.
fn skip_addressed(segments: &[Segment], segment: &Segment, i: &mut usize) {
    if !segment.addressing {
        return;
    }
    while *i < segments.len() && !segments[*i].addressing {
        *i += 1;
    }
    *i += 1;
}

fn is_entity(model: &Model, ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Named(n) if model.types.get(n).is_some_and(|t| t.kind == crate::model::TypeKind::Entity))
}

/// A cast segment spelled in another case than its type's definition: read as the
/// type (Graph's segments are not case-sensitive), with a warning.
fn cast_case(model: &Model, op: &Operation, segments: &[Segment]) -> Option<Diagnostic> {
    let (written, defined) = segments.iter().find_map(|s| {
        if !s.name.contains('.') || model.types.contains_key(s.name.as_str()) {
            return None;
        }
        let defined = model
            .types
            .keys()
            .find(|k| k.eq_ignore_ascii_case(&s.name))?;
        Some((s.name.as_str(), defined.as_str()))
    })?;
    Some(
        Diagnostic::warning(
            &op.source.file,
            op.source.line,
            Code::TypeNameCase,
            format!("the cast `{written}` is spelled `{defined}` where the type is defined; read as `{defined}`"),
        )
        .with_help(format!("write `/{defined}`")),
    )
}

/// `microsoft.graph.x` after a value of a base of `x`.
fn cast_target(model: &Model, current: &str, segment: &str) -> Option<QualifiedName> {
    if !segment.contains('.') {
        return None;
    }
    let name = model
        .types
        .keys()
        .find(|k| k.as_str() == segment)
        .or_else(|| model.types.keys().find(|k| k.eq_ignore_ascii_case(segment)))?;
    model
        .ancestry(name)
        .any(|a| a.name == current)
        .then(|| name.clone())
}

/// A property of `type_name` or its bases, letter case ignored when there is no exact
/// match; then one of a derived type (the docs often leave out the cast).
fn member<'m>(model: &'m Model, type_name: &str, name: &str) -> Option<&'m Property> {
    let own = model.all_properties(type_name);
    let found = own
        .iter()
        .find(|p| p.name == name)
        .or_else(|| own.iter().find(|p| p.name.eq_ignore_ascii_case(name)))
        .copied();
    found.or_else(|| {
        model
            .descendants(type_name)
            .into_iter()
            .filter_map(|d| model.types.get(d))
            .flat_map(|t| &t.properties)
            .find(|p| p.name == name)
    })
}

/// Types every operation whose path resolves, and reports where its page disagrees.
pub(in crate::model) fn type_operations(model: &mut Model, diags: &mut Vec<Diagnostic>) {
    // Each path is split once, for reading the roots and for its own walk.
    let split: Vec<Vec<Segment>> = model.operations.iter().map(segments).collect();
    let paths = DocumentedPaths::infer(model, &split);
    let mut updates = Vec::new();
    for (index, (op, segments)) in model.operations.iter().zip(&split).enumerate() {
        diags.extend(cast_case(model, op, segments));
        let target = resolve(model, &paths, segments);
        // A key after the path makes what a `GET` of it answers a collection; other
        // methods answer one item of it, or what their action returns.
        let keyed = paths
            .keyed_by(segments)
            .filter(|_| op.method == HttpMethod::Get);
        let Target::Typed { ty, step } = target else {
            // What the page says, in the kind the strongest signal gives.
            if let Some(body) = &op.response.body
                && let Some(collection) = weigh(op, keyed, None, diags)
            {
                let kind = collections::with_kind(body.clone(), collection);
                if &kind != body {
                    let response = TypedResponse {
                        status: op.response.status,
                        body: Some(kind),
                    };
                    updates.push((index, Update::response(response)));
                }
            }
            continue;
        };
        let via = match &step {
            Step::Member(p) => Some(format!(
                "`{}` ({}:{})",
                p.name, p.source.file, p.source.line
            )),
            _ => None,
        };
        let ty = if op.method == HttpMethod::Get {
            let walked = match &step {
                Step::Member(p) => p.source.clone(),
                _ => op.source.clone(),
            };
            let path = collections::WalkedKind {
                collection: matches!(ty, TypeRef::Collection(_)),
                source: walked,
                by_key: matches!(step, Step::Key) || ends_in_key(segments),
            };
            match weigh(op, keyed, Some(path), diags) {
                Some(collection) => collections::with_kind(ty, collection),
                None => ty,
            }
        } else {
            ty
        };
        let typed = typed_operation(model, op, &ty, via.as_deref(), diags);
        if let Some(typed) = typed {
            updates.push((index, typed));
        }
    }
    for (index, Update { body, response }) in updates {
        let op = &mut model.operations[index];
        // A create or update takes the resource, whatever the page's wording.
        if op.method != HttpMethod::Get {
            op.body_optional = false;
            op.body_from_example = None;
        }
        if let Some(body) = body {
            op.request_body = Some(body);
        }
        if let Some(response) = response {
            op.response.status = response.status;
            op.response.body = response.body;
        }
    }
    report_example_parameters(model, diags);
}

/// Once the paths have typed the creates and updates, the bodies still read from an
/// example (actions, mostly) are reported at the example, once per page.
fn report_example_parameters(model: &Model, diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    for op in &model.operations {
        let (Some(from), Some(RequestBody::Parameters { parameters })) =
            (&op.body_from_example, &op.request_body)
        else {
            continue;
        };
        if !seen.insert((from.file.as_str(), from.line)) {
            continue;
        }
        let names: Vec<String> = parameters
            .iter()
            .map(|p| {
                format!(
                    "`{}` ({})",
                    p.name,
                    crate::model::resolve::types::describe(&p.ty)
                )
            })
            .collect();
        diags.push(
            Diagnostic::warning(
                &from.file,
                from.line,
                Code::ParametersFromExample,
                format!(
                    "`{} {}` has no parameter table; its parameters are read from this JSON body: {}",
                    op.method,
                    op.path.openapi_path(),
                    names.join(", ")
                ),
            )
            .with_help("add a parameter table (Parameter, Type and Description columns) under `## Request body`"),
        );
    }
}

/// What the path changes of an operation as its page documents it.
struct Update {
    body: Option<RequestBody>,
    response: Option<TypedResponse>,
}

struct TypedResponse {
    status: u16,
    body: Option<TypeRef>,
}

impl Update {
    fn response(response: TypedResponse) -> Self {
        Self {
            body: None,
            response: Some(response),
        }
    }
}

/// `/x/{id}` or `/x('{id}')`: the last segment keys a collection. Path-based
/// addressing (`root:/{path}:`) and function arguments are not keys.
fn ends_in_key(segments: &[Segment]) -> bool {
    let Some(last) = segments.last() else {
        return false;
    };
    let key_args = matches!(last.args.as_deref(), Some("{}" | "'{}'"));
    (last.param || key_args) && !last.addressing && segments.len() > 1
}

/// Collection or single by the strongest signal ([`collections`]), with a warning
/// where the signals disagree.
fn weigh(
    op: &Operation,
    keyed: Option<&Source>,
    path: Option<collections::WalkedKind>,
    diags: &mut Vec<Diagnostic>,
) -> Option<bool> {
    let evidence = collections::evidence(op, keyed, path);
    let (collection, disagreement) = collections::decide(op, &evidence)?;
    diags.extend(disagreement);
    Some(collection)
}

/// The request body and response the path gives `op`, where they differ from the page's.
fn typed_operation(
    model: &Model,
    op: &Operation,
    ty: &TypeRef,
    via: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Update> {
    let element = match ty {
        TypeRef::Collection(inner) => Some(inner.as_ref()),
        _ => None,
    };
    match op.method {
        HttpMethod::Get => {
            if op.response.body.as_ref() == Some(ty) {
                return None;
            }
            if let Some(page) = &op.response.body
                && !narrows(model, page, ty)
            {
                diags.push(response_conflict(op, page, ty, via));
            }
            let status = if op.response.status == 204 {
                200
            } else {
                op.response.status
            };
            Some(Update::response(TypedResponse {
                status,
                body: Some(ty.clone()),
            }))
        }
        HttpMethod::Post => {
            let element @ TypeRef::Named(name) = element? else {
                return None;
            };
            if !model.types.contains_key(name) {
                return None;
            }
            let body = entity_body(model, op, name, diags);
            let created = || TypedResponse {
                status: op.response.status,
                body: Some(element.clone()),
            };
            let response = match &op.response.body {
                Some(page) if page == element => None,
                Some(page) => {
                    if !narrows(model, page, element) {
                        diags.push(response_conflict(op, page, element, via));
                    }
                    Some(created())
                }
                // The page names no type but a status with content: the created entity.
                None if op.response.status != 204 => Some(created()),
                None => None,
            };
            Some(Update { body, response })
        }
        HttpMethod::Patch | HttpMethod::Put => {
            let TypeRef::Named(name) = ty else {
                return None;
            };
            if !model.types.contains_key(name) {
                return None;
            }
            let body = entity_body(model, op, name, diags);
            let response = match &op.response.body {
                Some(page) if page != ty => {
                    if !narrows(model, page, ty) {
                        diags.push(response_conflict(op, page, ty, via));
                    }
                    Some(TypedResponse {
                        status: op.response.status,
                        body: Some(ty.clone()),
                    })
                }
                _ => None,
            };
            Some(Update { body, response })
        }
        _ => None,
    }
}

/// The body of a create or update: the entity itself. A parameter table whose types
/// contradict the entity's properties is reported; the entity's types win.
fn entity_body(
    model: &Model,
    op: &Operation,
    name: &QualifiedName,
    diags: &mut Vec<Diagnostic>,
) -> Option<RequestBody> {
    match &op.request_body {
        Some(RequestBody::Typed { types }) if types.len() == 1 && types[0] == *name => None,
        Some(RequestBody::Typed { types }) => {
            for t in types {
                if t != name && !model.ancestry(t).any(|a| a.name == *name) {
                    diags.push(
                        Diagnostic::warning(
                            &op.source.file,
                            op.source.line,
                            Code::RequestBodyConflict,
                            format!(
                                "`{} {}` addresses `{name}`, but a page documenting this request line gives its body as `{t}`, which does not derive from it; the body takes a `{name}`",
                                op.method,
                                op.documented_path
                            ),
                        )
                        .with_help("name the resource type the path addresses (or one derived from it) in the Request body section"),
                    );
                }
            }
            Some(RequestBody::Typed {
                types: vec![name.clone()],
            })
        }
        Some(RequestBody::Parameters { parameters }) => {
            // Types guessed from an example's values are no table to check.
            if op.body_from_example.is_none() {
                check_table(model, name, parameters, diags);
            }
            Some(RequestBody::Typed {
                types: vec![name.clone()],
            })
        }
        None if op.method.has_body() => Some(RequestBody::Typed {
            types: vec![name.clone()],
        }),
        None => None,
    }
}

/// Reports request-body table rows whose type contradicts the property of the same
/// name on the entity (or a type derived from it), with both locations.
fn check_table(model: &Model, name: &str, parameters: &[Property], diags: &mut Vec<Diagnostic>) {
    let mut declared: Vec<&Property> = model.all_properties(name);
    for d in model.descendants(name) {
        if let Some(t) = model.types.get(d) {
            declared.extend(&t.properties);
        }
    }
    for parameter in parameters {
        if parameter.ty == TypeRef::Untyped {
            continue;
        }
        let same_name: Vec<&&Property> = declared
            .iter()
            .filter(|p| p.name == parameter.name)
            .collect();
        let Some(property) = same_name.first() else {
            continue;
        };
        if same_name
            .iter()
            .any(|p| p.ty == parameter.ty || p.ty == TypeRef::Untyped)
        {
            continue;
        }
        diags.push(
            Diagnostic::warning(
                &parameter.source.file,
                parameter.source.line,
                Code::RequestBodyConflict,
                format!(
                    "the request body table gives `{}` as {}, but `{name}` declares it {} ({}:{}); the body takes the resource's type",
                    parameter.name,
                    crate::model::resolve::types::describe(&parameter.ty),
                    crate::model::resolve::types::describe(&property.ty),
                    property.source.file,
                    property.source.line,
                ),
            )
            .with_help("make the table's Type cell match the resource page, or fix the resource page"),
        );
    }
}

/// `page` is `path` or a type derived from it, in the same shape: a page of one derived
/// type documenting a shared request line.
fn narrows(model: &Model, page: &TypeRef, path: &TypeRef) -> bool {
    match (page, path) {
        (TypeRef::Collection(a), TypeRef::Collection(b)) => narrows(model, a, b),
        (TypeRef::Named(a), TypeRef::Named(b)) => a == b || model.ancestry(a).any(|t| t.name == *b),
        (a, b) => a == b,
    }
}

fn response_conflict(
    op: &Operation,
    page: &TypeRef,
    path: &TypeRef,
    via: Option<&str>,
) -> Diagnostic {
    let how = via.map_or(String::new(), |v| format!(" through {v}"));
    Diagnostic::warning(
        &op.source.file,
        op.source.line,
        Code::ResponseTypeConflict,
        format!(
            "`{} {}` addresses {}{how}, but the page says it answers {}; the path's type is used",
            op.method,
            op.documented_path,
            crate::model::resolve::types::describe(path),
            crate::model::resolve::types::describe(page),
        ),
    )
    .with_help("make the Response section name the type the path addresses (a collection for a collection)")
}
