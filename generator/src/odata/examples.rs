//! Every example request of a model, read and checked: its query options, whether the
//! typed API rebuilds them, and whether Graph's advanced-query rules predict the
//! `ConsistencyLevel` header the example carries.

use super::advanced::{self, Feature};
use super::emit;
use super::query::{Query, parse_target};
use super::resolve::{Problem, Reason, Resolver, RustNames, problem};
use crate::method::HttpMethod;
use crate::model::{Example, Model, PathIndex, QualifiedName, TypeRef, request_path};
use serde::Serialize;
use std::collections::HashSet;

/// One example request.
#[derive(Clone, Debug, Serialize)]
pub struct ExampleQuery {
    pub file: String,
    pub line: usize,
    pub method: HttpMethod,
    pub target: String,
    pub query: Query,
    /// The operation the example's method and path match: its id.
    pub operation: Option<String>,
    /// The generated crate's function for that operation, which the chain follows.
    pub function: Option<String>,
    /// The type of the items the request addresses.
    pub item_type: Option<QualifiedName>,
    /// The path narrows the operation's items with a cast segment of its own
    /// (`/memberOf/microsoft.graph.group`): the request's items are of the cast's type,
    /// and the chain starts with the cast (`.cast::<models::Group>()`).
    pub path_cast: bool,
    /// The typed call chain, or why there is none; `None` without query options.
    pub rebuilt: Option<Result<String, Vec<Problem>>>,
    pub consistency: Consistency,
}

/// The `ConsistencyLevel` header: what the example does and what the rules say.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Consistency {
    /// The example sends `ConsistencyLevel: eventual`.
    pub carried: bool,
    /// The operation's page documents the `ConsistencyLevel` request header.
    pub documented: bool,
    /// The advanced-query features the query uses.
    pub features: Vec<Feature>,
    /// The rules give the header: documented, and some feature used.
    pub predicted: bool,
    /// The rules also want `$count=true`, which the query does not have.
    pub count_missing: bool,
}

impl ExampleQuery {
    pub fn has_options(&self) -> bool {
        !self.query.options.is_empty()
    }

    /// The first reason the typed API cannot rebuild the query.
    pub fn reason(&self) -> Option<Reason> {
        match &self.rebuilt {
            Some(Err(problems)) => problems.first().map(|p| p.reason),
            _ => None,
        }
    }
}

/// Reads every example request of `model` (each page line once), in operation order.
pub fn survey(model: &Model) -> Vec<ExampleQuery> {
    let names = RustNames::new(model);
    let resolver = Resolver::new(model, &names);
    let index = PathIndex::new(model.operations.iter().map(|op| &op.path));
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for op in &model.operations {
        for ex in &op.examples {
            if seen.insert((ex.file.as_str(), ex.request.line)) {
                out.push(read(model, &names, &resolver, &index, ex));
            }
        }
    }
    out
}

fn read(
    model: &Model,
    names: &RustNames,
    resolver: &Resolver<'_>,
    index: &PathIndex,
    ex: &Example,
) -> ExampleQuery {
    let query = parse_target(&ex.request.target);
    let addressed = addressed(model, index, ex);
    let op = addressed.as_ref().ok().and_then(|a| a.op);
    let carried = ex.request.headers.iter().any(|(name, value)| {
        name.trim().eq_ignore_ascii_case("ConsistencyLevel")
            && value.trim().eq_ignore_ascii_case("eventual")
    });
    let documented = op.is_some_and(|i| {
        model.operations[i]
            .headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case("ConsistencyLevel"))
    });
    let features = advanced::features(&query);
    let predicted = documented && !features.is_empty();
    let has_count = features.contains(&Feature::CountOption);
    let count_added = predicted && advanced::needs_count(&features);
    let count_missing = count_added && !has_count;
    let rebuilt = (!query.options.is_empty()).then(|| match (&addressed, ref_id(ex, &query)) {
        // `DELETE …/$ref?$id=…` names the reference to remove: no item type is needed.
        (Ok(Addressed { op: Some(_), .. }), Some(chain)) => Ok(chain),
        _ => typed_chain(names, resolver, ex, &query, &addressed, count_added),
    });
    ExampleQuery {
        file: ex.file.clone(),
        line: ex.request.line,
        method: ex.request.method,
        target: ex.request.target.clone(),
        query,
        operation: op.map(|i| model.operations[i].id.clone()),
        function: op.map(|i| crate::rust::function_name(&model.operations[i])),
        path_cast: addressed.as_ref().is_ok_and(|a| a.cast),
        item_type: addressed.ok().and_then(|a| a.item.ok()),
        rebuilt,
        consistency: Consistency {
            carried,
            documented,
            features,
            predicted,
            count_missing,
        },
    }
}

/// The typed call chain that rebuilds the example's query options on the items it
/// addresses, or why there is none.
fn typed_chain(
    names: &RustNames,
    resolver: &Resolver<'_>,
    ex: &Example,
    query: &Query,
    addressed: &Result<Addressed, Problem>,
    count_added: bool,
) -> Result<String, Vec<Problem>> {
    match addressed {
        Ok(Addressed {
            item: Ok(item),
            collection,
            cast,
            ..
        }) => {
            let cast = match (*cast, *collection) {
                (false, _) => None,
                (true, true) => Some(names.type_name(item).ok_or_else(|| {
                    vec![problem(
                        Reason::ResponseTypeUnknown,
                        format!("the path's cast `{item}` has no Rust name"),
                    )]
                })?),
                (true, false) => {
                    return Err(vec![problem(
                        Reason::UnsupportedShape,
                        format!(
                            "`{}`: a cast segment on a request for one item; the typed API casts collections",
                            request_path(&ex.request.target)
                        ),
                    )]);
                }
            };
            resolver
                .query(item, *collection, count_added, query)
                .map(|options| emit::chain(cast, &options))
        }
        Ok(Addressed { item: Err(p), .. }) | Err(p) => Err(vec![p.clone()]),
    }
}

/// `.ref_id("…")` for a `DELETE …/$ref` whose one option is `$id`.
fn ref_id(ex: &Example, query: &Query) -> Option<String> {
    let [option] = query.options.as_slice() else {
        return None;
    };
    let bare = option.written.trim_start_matches('$');
    (ex.request.method == HttpMethod::Delete
        && request_path(&ex.request.target).ends_with("/$ref")
        && bare.eq_ignore_ascii_case("id"))
    .then(|| format!(".ref_id({:?})", option.value))
}

/// The operation an example calls and the type of the items it addresses.
struct Addressed {
    op: Option<usize>,
    item: Result<QualifiedName, Problem>,
    /// The path ends in a cast the request line does not have.
    cast: bool,
    /// The operation answers a collection.
    collection: bool,
}

/// Matches the example's method and path with the documented request lines, as the
/// doc-example tests do: exact literals first, then literals that differ in case only;
/// among several, one documented on the example's page, then the longest literal text.
/// A trailing `/$count` is a segment of its own, never a key; a trailing cast
/// (`/microsoft.graph.group`) narrows the items of the path before it; and a key in
/// parentheses (`events('AAMk')`) is read as a segment (`events/AAMk`).
fn addressed(model: &Model, index: &PathIndex, ex: &Example) -> Result<Addressed, Problem> {
    let written = request_path(&ex.request.target);
    let keyed = keys_as_segments(written);
    let mut tries: Vec<(&str, Option<&str>)> = Vec::new();
    for full in [keyed.as_str(), written] {
        let path = strip_last(full, |s| s.eq_ignore_ascii_case("$count")).unwrap_or(full);
        if let Some((rest, cast)) = model.trailing_cast(path) {
            tries.push((rest, Some(cast.as_str())));
        }
        tries.push((path, None));
    }
    for (path, cast) in tries {
        if let Some(op) = model.operation_for(index, &ex.file, ex.request.method, path) {
            let item = item_type(model, op, cast);
            let collection = matches!(
                model.operations[op].response.body,
                Some(TypeRef::Collection(_))
            );
            return Ok(Addressed {
                op: Some(op),
                item,
                cast: cast.is_some(),
                collection,
            });
        }
    }
    Err(problem(
        Reason::NoOperation,
        format!("{} {written}", ex.request.method),
    ))
}

/// `/me/events('AAMk')/x` → `/me/events/AAMk/x`: OData's key in parentheses as the
/// segment the request lines write.
fn keys_as_segments(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            let Some((name, key)) = segment.strip_suffix(')').and_then(|s| s.split_once('('))
            else {
                return segment.to_string();
            };
            // `f(on='x')` names a function's parameter; `x('a=b')` is a quoted key.
            let quoted = key
                .strip_prefix('\'')
                .and_then(|k| k.strip_suffix('\''))
                .filter(|k| !k.contains('\''));
            match quoted {
                Some(k) if !name.is_empty() && !k.is_empty() => format!("{name}/{k}"),
                None if !name.is_empty() && !key.is_empty() && !key.contains(['=', '\'']) => {
                    format!("{name}/{key}")
                }
                _ => segment.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `path` without its last segment, when `last` accepts that segment.
fn strip_last(path: &str, last: impl Fn(&str) -> bool) -> Option<&str> {
    let (rest, segment) = path.rsplit_once('/')?;
    (last(segment) && !rest.is_empty()).then_some(rest)
}

/// The type of the items operation `op` answers, or of the cast's type when the path
/// ends in one.
fn item_type(model: &Model, op: usize, cast: Option<&str>) -> Result<QualifiedName, Problem> {
    let operation = &model.operations[op];
    let named = operation.response.item_name();
    let Some(named) = named.filter(|n| model.types.contains_key(*n)) else {
        return Err(problem(
            Reason::ResponseTypeUnknown,
            format!(
                "`{} {}` answers {}",
                operation.method,
                operation.path.documented(),
                operation
                    .response
                    .body
                    .as_ref()
                    .map_or("no body".to_string(), |b| format!("{b:?}"))
            ),
        ));
    };
    let Some(cast) = cast else {
        return Ok(named.clone());
    };
    match model.types.get(cast) {
        Some(t) if t.name == *named || model.ancestry(&t.name).any(|a| a.name == *named) => {
            Ok(t.name.clone())
        }
        _ => Err(problem(
            Reason::UnknownCast,
            format!("the path's cast `{cast}` does not derive from `{named}`"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_parentheses_are_segments_and_function_parameters_are_not() {
        assert_eq!(
            keys_as_segments("/me/events('AAMk=')/x"),
            "/me/events/AAMk=/x"
        );
        assert_eq!(keys_as_segments("/groups(abc)"), "/groups/abc");
        assert_eq!(
            keys_as_segments("/a/filterByCurrentUser(on='reviewer')"),
            "/a/filterByCurrentUser(on='reviewer')"
        );
        assert_eq!(keys_as_segments("/users/delta()"), "/users/delta()");
        assert_eq!(
            strip_last("/users/$count", |s| s == "$count"),
            Some("/users")
        );
        assert_eq!(strip_last("/$count", |s| s == "$count"), None);
    }
}
