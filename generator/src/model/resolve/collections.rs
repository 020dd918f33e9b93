//! Collection or single value: one precedence rule over every signal the docs give.
//!
//! The signals, strongest first:
//! 0. **A key at the end of the path** (`/x/{id}`, `/x('{id}')`) addresses one item.
//! 1. **Keyed or queried paths.** Some documented request line continues the path
//!    with a key (`/x/{id}`), or queries it with `$filter`, `$orderby`, `$top`,
//!    `$skip` or `$search`: the service takes these only on collections.
//! 2. **The example response** of a request to this very path: an object of only
//!    `value` (an array) and `@odata.*` control members is a collection; an object
//!    with members of its own is one value. It is what the service sent.
//! 3. **The path's type**: the root or the property the request walks through, as
//!    its resource page's table types it.
//! 4. **The response annotation** of that example (`isCollection`, `Collection(x)`).
//! 5. **The Response section's words** ("a collection of x objects").
//!
//! The strongest signal present decides. On the 2021 v1.0 docs the property tables
//! and the annotations are the signals that most often leave out "collection"; the
//! examples and keyed paths almost never contradict the service. Where signals
//! disagree, a `collection-or-single` warning names each with its page and line.

use crate::diag::{Code, Diagnostic};
use crate::model::{Operation, Source, TypeRef, request_path};

/// Where a signal comes from, in order of precedence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Signal {
    Item,
    Keyed,
    Queried,
    Example,
    Path,
    Annotation,
    Prose,
}

impl Signal {
    fn describe(self) -> &'static str {
        match self {
            Signal::Item => "the key that ends the path",
            Signal::Keyed => "a documented request line keys it",
            Signal::Queried => "a documented request line queries it as a collection",
            Signal::Example => "the example response",
            Signal::Path => "the property or root the path walks through",
            Signal::Annotation => "the response annotation",
            Signal::Prose => "the Response section",
        }
    }
}

/// One signal: whether it says collection, and where.
#[derive(Clone, Debug)]
pub(super) struct Evidence {
    pub(super) signal: Signal,
    pub(super) collection: bool,
    pub(super) source: Source,
}

/// What the walk of a request path through the model says.
#[derive(Clone, Debug)]
pub(super) struct WalkedKind {
    pub(super) collection: bool,
    /// The property or root that typed it, or the request line.
    pub(super) source: Source,
    /// The path ends in a key: one item of a collection, whatever the walk found.
    pub(super) by_key: bool,
}

/// Every signal about `op`'s response, strongest first. `keyed` is the request line
/// that keys the path, if any; `path` what the walk through the model says.
pub(super) fn evidence(
    op: &Operation,
    keyed: Option<&Source>,
    path: Option<WalkedKind>,
) -> Vec<Evidence> {
    let mut out = Vec::new();
    let (item, path): (Option<WalkedKind>, Option<WalkedKind>) = match path {
        Some(p) if p.by_key => (Some(p), None),
        other => (None, other),
    };
    if let Some(p) = item {
        out.push(Evidence {
            signal: Signal::Item,
            collection: false,
            source: p.source,
        });
    }
    if let Some(source) = keyed {
        out.push(Evidence {
            signal: Signal::Keyed,
            collection: true,
            source: source.clone(),
        });
    }
    if let Some(source) = op
        .queried_as_collection
        .as_ref()
        .filter(|_| op.method == crate::method::HttpMethod::Get)
    {
        out.push(Evidence {
            signal: Signal::Queried,
            collection: true,
            source: source.clone(),
        });
    }
    // Only examples of a request to this very path speak for it: a page documents
    // `/x` and `/x/{id}` with one example.
    let examples = op.examples.iter().filter(|e| {
        e.request.method == op.method
            && op
                .path
                .match_path(request_path(&e.request.target), false)
                .is_some()
    });
    let mut example = None;
    let mut annotation = None;
    for e in examples {
        let Some(response) = &e.response else {
            continue;
        };
        let source = Source {
            file: e.file.clone(),
            line: response.line,
        };
        if example.is_none()
            && let Some(collection) = response.body.as_ref().and_then(body_shape)
        {
            example = Some(Evidence {
                signal: Signal::Example,
                collection,
                source: source.clone(),
            });
        }
        if annotation.is_none()
            && let Some(t) = &response.odata_type
        {
            annotation = Some(Evidence {
                signal: Signal::Annotation,
                collection: response.is_collection
                    || t.to_ascii_lowercase().starts_with("collection("),
                source,
            });
        }
    }
    out.extend(example);
    if let Some(p) = path {
        out.push(Evidence {
            signal: Signal::Path,
            collection: p.collection,
            source: p.source,
        });
    }
    out.extend(annotation);
    if let Some((collection, line)) = op.response.prose_collection {
        out.push(Evidence {
            signal: Signal::Prose,
            collection,
            source: Source {
                file: op.source.file.clone(),
                line,
            },
        });
    }
    out
}

/// Whether an example body is a collection: `Some(true)` for an object of `value`
/// (an array) and `@`-prefixed control members only, `Some(false)` for an object
/// with members of its own, `None` for anything else (no body, a bare primitive).
fn body_shape(body: &serde_json::Value) -> Option<bool> {
    let members = body.as_object()?;
    let own = members.keys().any(|k| k != "value" && !k.starts_with('@'));
    match members.get("value") {
        Some(serde_json::Value::Array(_)) if !own => Some(true),
        // `{"value": "x"}` is a primitive property's value, not a collection.
        Some(_) if !own => None,
        _ => own.then_some(false),
    }
}

/// What the strongest signal says, and a warning when some other signal disagrees.
pub(super) fn decide(op: &Operation, evidence: &[Evidence]) -> Option<(bool, Option<Diagnostic>)> {
    let decided = evidence.first()?.collection;
    if evidence.iter().all(|e| e.collection == decided) {
        return Some((decided, None));
    }
    let list = |collection: bool| {
        evidence
            .iter()
            .filter(|e| e.collection == collection)
            .map(|e| {
                format!(
                    "{} ({}:{})",
                    e.signal.describe(),
                    e.source.file,
                    e.source.line
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let diagnostic = Diagnostic::warning(
        &op.source.file,
        op.source.line,
        Code::CollectionOrSingle,
        format!(
            "`{} {}`: a collection says {}; a single value says {}; read as {}",
            op.method,
            op.documented_path,
            list(true),
            list(false),
            if decided {
                "a collection"
            } else {
                "a single value"
            },
        ),
    )
    .with_help(
        "make the annotation (`\"isCollection\": true`), the Response section and the resource page's Type cell (`x collection`) say the same",
    );
    Some((decided, Some(diagnostic)))
}

/// `ty` as a collection or as one value of its element type.
pub(super) fn with_kind(ty: TypeRef, collection: bool) -> TypeRef {
    match (ty, collection) {
        (TypeRef::Collection(inner), false) => *inner,
        (single @ TypeRef::Named(_) | single @ TypeRef::Primitive(_), true) => {
            TypeRef::Collection(Box::new(single))
        }
        (other, _) => other,
    }
}

#[cfg(test)]
mod tests {
    use super::body_shape;
    use serde_json::json;

    #[test]
    fn example_bodies_tell_collections_from_single_values() {
        let list = json!({"@odata.context": "x", "@odata.nextLink": "y", "value": [{"id": "1"}]});
        assert_eq!(body_shape(&list), Some(true));
        assert_eq!(body_shape(&json!({"value": []})), Some(true));
        assert_eq!(body_shape(&json!({"id": "1", "value": [1]})), Some(false));
        assert_eq!(
            body_shape(&json!({"@odata.context": "x", "id": "1"})),
            Some(false)
        );
        assert_eq!(
            body_shape(&json!({"@odata.context": "x", "value": "aGk="})),
            None
        );
        assert_eq!(body_shape(&json!([1, 2])), None);
        assert_eq!(body_shape(&json!({"@odata.context": "x"})), None);
    }
}
