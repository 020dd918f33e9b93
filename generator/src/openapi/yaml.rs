//! The OpenAPI document as YAML: what `serde_yaml` writes, quoted for YAML 1.1 readers,
//! with the large maps serialized in parallel.

use indexmap::IndexMap;
use openapiv3::{OpenAPI, PathItem, ReferenceOr, Schema, SchemaData, SchemaKind};

/// The YAML of `doc`, as `serde_yaml::to_string` writes it with the strings YAML 1.1
/// readers would misread quoted ([`crate::yaml11`]), with the paths and schemas (nearly
/// all of it) serialized in parallel chunks: a YAML serializer is sequential.
pub(super) fn to_string(mut doc: OpenAPI) -> Result<String, serde_yaml::Error> {
    match split_yaml(&mut doc)? {
        Some(yaml) => Ok(yaml),
        None => yaml11_safe(&doc),
    }
}

/// `serde_yaml::to_string`, then quoted for YAML 1.1 readers.
fn yaml11_safe<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, serde_yaml::Error> {
    let yaml = serde_yaml::to_string(value)?;
    Ok(match crate::yaml11::quote_for_yaml11(&yaml) {
        std::borrow::Cow::Borrowed(_) => yaml,
        std::borrow::Cow::Owned(quoted) => quoted,
    })
}

/// Map keys no path (they start with `/`) or schema (a qualified name) has, standing
/// for the chunks in the document's own serialization.
const PATHS_HOLE: &str = "<paths>";
const SCHEMAS_HOLE: &str = "<schemas>";

/// The chunked serialization; `None`, with `doc` as it was, when there is nothing to
/// split or a placeholder is not found as expected.
fn split_yaml(doc: &mut OpenAPI) -> Result<Option<String>, serde_yaml::Error> {
    let Some(components) = doc.components.as_mut() else {
        return Ok(None);
    };
    // An empty map reads `{}` on its key's line; it has no entries to split anyway.
    if doc.paths.paths.is_empty() || components.schemas.is_empty() {
        return Ok(None);
    }
    let hole_schema = || {
        ReferenceOr::Item(Schema {
            schema_data: SchemaData::default(),
            schema_kind: SchemaKind::Any(Default::default()),
        })
    };
    let schemas = std::mem::replace(
        &mut components.schemas,
        IndexMap::from([(SCHEMAS_HOLE.to_string(), hole_schema())]),
    );
    let paths = std::mem::replace(
        &mut doc.paths.paths,
        IndexMap::from([(
            PATHS_HOLE.to_string(),
            ReferenceOr::Item(PathItem::default()),
        )]),
    );
    let (skeleton, (paths_yaml, schemas_yaml)) = rayon::join(
        || yaml11_safe(&*doc),
        || {
            rayon::join(
                || section_yaml(&paths, &["paths"]),
                || section_yaml(&schemas, &["components", "schemas"]),
            )
        },
    );
    doc.paths.paths = paths;
    if let Some(c) = doc.components.as_mut() {
        c.schemas = schemas;
    }
    let (skeleton, paths_yaml, schemas_yaml) = (skeleton?, paths_yaml?, schemas_yaml?);
    Ok(fill_holes(
        &skeleton,
        &[
            (&format!("  {PATHS_HOLE}: {{}}\n"), &paths_yaml),
            (&format!("    {SCHEMAS_HOLE}: {{}}\n"), &schemas_yaml),
        ],
    ))
}

/// `skeleton` with each `(hole, entries)`'s one line `hole` replaced by `entries`; the
/// holes come in this order. Built in one pass: the entries are megabytes.
fn fill_holes(skeleton: &str, holes: &[(&str, &str)]) -> Option<String> {
    let size = skeleton.len() + holes.iter().map(|(_, e)| e.len()).sum::<usize>();
    let mut out = String::with_capacity(size);
    let mut rest = 0;
    for (hole, entries) in holes {
        let mut found = skeleton
            .match_indices(hole)
            .map(|(i, _)| i)
            .filter(|&i| i > 0 && skeleton.as_bytes()[i - 1] == b'\n');
        let at = found.next().filter(|&at| at >= rest)?;
        if found.next().is_some() {
            return None;
        }
        out.push_str(&skeleton[rest..at]);
        out.push_str(entries);
        rest = at + hole.len();
    }
    out.push_str(&skeleton[rest..]);
    Some(out)
}

/// Entries per chunk of a parallel section.
const YAML_CHUNK: usize = 64;

/// The entries of `map` as they read nested under `keys` in the whole document: each
/// chunk is serialized under the same keys, so that it is indented as in the whole,
/// and the key lines are cut off.
fn section_yaml<T: serde::Serialize + Sync>(
    map: &IndexMap<String, T>,
    keys: &[&str],
) -> Result<String, serde_yaml::Error> {
    use rayon::prelude::*;
    let entries: Vec<(&String, &T)> = map.iter().collect();
    let chunks: Vec<String> = entries
        .par_chunks(YAML_CHUNK)
        .map(|chunk| {
            let chunk: IndexMap<&String, &T> = chunk.iter().copied().collect();
            let text = yaml11_safe(&Nested {
                keys,
                inner: &chunk,
            })?;
            let mut rest = text.as_str();
            for _ in keys {
                rest = rest.split_once('\n').map_or("", |(_, r)| r);
            }
            Ok(rest.to_string())
        })
        .collect::<Result<_, serde_yaml::Error>>()?;
    Ok(chunks.concat())
}

/// `inner` under one single-entry map per key: `{keys[0]: {keys[1]: inner}}`.
struct Nested<'a, T> {
    keys: &'a [&'a str],
    inner: &'a T,
}

impl<T: serde::Serialize> serde::Serialize for Nested<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self.keys.split_first() {
            None => self.inner.serialize(serializer),
            Some((key, rest)) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(
                    key,
                    &Nested {
                        keys: rest,
                        inner: self.inner,
                    },
                )?;
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openapiv3::{Components, StringType, Type};

    /// Several chunks of paths and of schemas, with long descriptions.
    fn large_document() -> OpenAPI {
        let mut doc = OpenAPI {
            openapi: "3.0.4".to_string(),
            components: Some(Components::default()),
            ..OpenAPI::default()
        };
        let long = "A description long enough that the YAML emitter folds it over several lines, at a column that depends on how deep it is nested.";
        for i in 0..3 * YAML_CHUNK + 5 {
            let operation = openapiv3::Operation {
                description: Some(format!("{i}: {long}")),
                ..Default::default()
            };
            let item = PathItem {
                get: Some(operation),
                ..PathItem::default()
            };
            doc.paths
                .paths
                .insert(format!("/items{i}"), ReferenceOr::Item(item));
            let schema = Schema {
                schema_data: SchemaData {
                    description: Some(format!("{long} ({i})")),
                    ..SchemaData::default()
                },
                schema_kind: SchemaKind::Type(Type::String(StringType::default())),
            };
            if let Some(c) = doc.components.as_mut() {
                c.schemas
                    .insert(format!("ns.type{i}"), ReferenceOr::Item(schema));
            }
        }
        doc
    }

    #[test]
    fn chunked_yaml_is_the_whole_documents_yaml() {
        let doc = large_document();
        let whole = yaml11_safe(&doc).expect("serializes");
        let mut split = doc;
        let yaml = split_yaml(&mut split).expect("serializes");
        assert_eq!(yaml.as_deref(), Some(whole.as_str()));
        assert_eq!(yaml11_safe(&split).expect("serializes"), whole);
    }

    #[test]
    fn holes_are_filled_only_when_each_is_one_line_in_order() {
        let holes = [("  a: {}\n", "  x: 1\n"), ("  b: {}\n", "  y: 2\n")];
        let skeleton = "p:\n  a: {}\nq:\n  b: {}\nr: 0\n";
        assert_eq!(
            fill_holes(skeleton, &holes).as_deref(),
            Some("p:\n  x: 1\nq:\n  y: 2\nr: 0\n")
        );
        assert_eq!(fill_holes("q:\n  b: {}\np:\n  a: {}\n", &holes), None);
        assert_eq!(
            fill_holes("p:\n  a: {}\n  a: {}\nq:\n  b: {}\n", &holes),
            None
        );
        assert_eq!(fill_holes("p:\n  a: {}\n", &holes), None);
    }

    #[test]
    fn an_empty_document_keeps_its_empty_maps() {
        let doc = OpenAPI {
            components: Some(Components::default()),
            ..OpenAPI::default()
        };
        let whole = serde_yaml::to_string(&doc).expect("serializes");
        assert_eq!(to_string(doc).expect("serializes"), whole);
    }
}
