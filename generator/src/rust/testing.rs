//! The crate's `testing` module (its `testing` feature): the documented operations,
//! types and enums as `runtime::testing` data, which a `runtime::testing::FakeGraph`
//! serves and checks request bodies against.
//!
//! One `static` of each per doc area, compiled with the area's feature; `api()` gathers
//! those compiled in.

use super::RustCode;
use super::TypeNames;
use super::layout::string_literal;
use super::names::{Scope, snake};
use super::operations::{allows_advanced_queries, collection_item};
use crate::model::{
    Area, Edm, EnumDef, ExampleResponse, Model, Operation, Property, RequestBody, TypeDef, TypeRef,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What one doc area documents, and the names of its `static`s.
pub struct AreaTable<'a> {
    area: &'a Area,
    operations: Vec<&'a Operation>,
    types: Vec<&'a TypeDef>,
    enums: Vec<&'a EnumDef>,
    /// `AREA_OPERATIONS`, `AREA_TYPES`, `AREA_ENUMS`.
    names: [String; 3],
}

/// The areas in name order; in each, the operations in the model's order (that of
/// `operations.rs`), the types and enums by name.
pub fn areas(model: &Model) -> Vec<AreaTable<'_>> {
    fn at<'m, 'a>(
        by_area: &'m mut BTreeMap<&'a Area, AreaTable<'a>>,
        area: &'a Area,
    ) -> &'m mut AreaTable<'a> {
        by_area.entry(area).or_insert_with(|| AreaTable {
            area,
            operations: Vec::new(),
            types: Vec::new(),
            enums: Vec::new(),
            names: Default::default(),
        })
    }
    let mut by_area: BTreeMap<&Area, AreaTable> = BTreeMap::new();
    for op in &model.operations {
        at(&mut by_area, &op.area).operations.push(op);
    }
    for t in model.types.values() {
        at(&mut by_area, &t.area).types.push(t);
    }
    for e in model.enums.values() {
        at(&mut by_area, &e.area).enums.push(e);
    }
    // Areas whose names differ only in punctuation would share names.
    let mut scope = Scope::default();
    by_area
        .into_values()
        .map(|mut table| {
            let base = snake(table.area.as_str()).to_ascii_uppercase();
            table.names =
                ["OPERATIONS", "TYPES", "ENUMS"].map(|s| scope.claim(&format!("{base}_{s}")));
            table
        })
        .collect()
}

/// Module docs and imports.
pub fn head() -> TokenStream {
    quote! {
        //! The documented operations, types and enums as data, for tests: [`api`] holds,
        //! for each request line of the docs (of the areas compiled in), its method,
        //! path, status, permissions, request body and example answers, and the types
        //! and enums that bodies are checked against; [`fake`] starts a [`FakeGraph`]
        //! that serves them on loopback, so that code written against this crate is
        //! tested without the network. The runtime's testing items are re-exported here.

        pub use crate::runtime::testing::*;
    }
}

/// The area's `static`s (`static AREA_OPERATIONS: &[Operation] = &[...];`), printed by
/// prettyplease: the literals are long and many, and their layout is prettyplease's.
pub fn area_statics(names: &TypeNames, model: &Model, table: &AreaTable) -> RustCode {
    let cfg = names.features.cfg_line(table.area);
    let mut text = String::new();
    let open = |text: &mut String, name: &str, ty: &str| {
        let _ = write!(text, "{cfg}static {name}: &[{ty}] = &[");
    };
    if !table.operations.is_empty() {
        open(&mut text, &table.names[0], "Operation");
        for op in &table.operations {
            operation(&mut text, model, op);
        }
        text.push_str("];\n");
    }
    if !table.types.is_empty() {
        open(&mut text, &table.names[1], "Type");
        for t in &table.types {
            let _ = write!(
                text,
                "Type {{ name: {}, base: {}, is_abstract: {}, is_open: {}, properties: {} }},",
                literal(t.name.as_str()),
                t.base.as_ref().map_or_else(
                    || "None".to_string(),
                    |b| format!("Some({})", literal(b.as_str()))
                ),
                t.is_abstract,
                t.is_open,
                properties(model, &t.properties),
            );
        }
        text.push_str("];\n");
    }
    if !table.enums.is_empty() {
        open(&mut text, &table.names[2], "Enum");
        for e in &table.enums {
            let members: Vec<&str> = e.members.iter().map(|m| m.name.as_str()).collect();
            let _ = write!(
                text,
                "Enum {{ name: {}, members: {}, flags: {} }},",
                literal(e.name.as_str()),
                list(&members),
                e.flags,
            );
        }
        text.push_str("];\n");
    }
    RustCode::default().reprinted(text)
}

/// `api()`, `operations()` and `fake()`.
pub fn tail(names: &TypeNames, tables: &[AreaTable]) -> TokenStream {
    let extends = tables.iter().map(|t| {
        let cfg = names.features.cfg(t.area);
        let lists = [
            (!t.operations.is_empty(), "operations"),
            (!t.types.is_empty(), "types"),
            (!t.enums.is_empty(), "enums"),
        ];
        let extends = lists
            .iter()
            .zip(&t.names)
            .filter(|((some, _), _)| *some)
            .map(|((_, field), name)| {
                let field = format_ident!("{}", field);
                let name = format_ident!("{}", name);
                quote! { api.#field.extend(#name); }
            });
        // The cfg is on a block: array elements cannot have one.
        quote! { #cfg { #(#extends)* } }
    });
    quote! {
        /// Every documented operation, type and enum of the areas compiled in, area by
        /// area: what [`fake`] serves.
        pub fn api() -> Api {
            #[allow(unused_mut)]
            let mut api = Api::default();
            #(#extends)*
            api
        }

        /// Every documented operation of the areas compiled in, area by area.
        pub fn operations() -> Vec<&'static Operation> {
            api().operations
        }

        /// A [`FakeGraph`] on loopback that answers every operation of [`api`] as the
        /// docs say the service does, and checks request bodies against the documented
        /// types.
        pub async fn fake() -> FakeGraph {
            FakeGraph::serve(api()).await
        }
    }
}

/// The logic of `tests/fake_examples.rs`; the rows come before it.
const FAKE_EXAMPLES: &str = include_str!("../../templates/tests/fake_examples.rs");

/// `tests/fake_examples.rs`: every documented example request with a JSON body
/// (`POST`, `PATCH`, `PUT`), sent through the client to the fake Graph, whose strict
/// check must accept it, and again with one member made wrong, which it must refuse by
/// name. Laid out by prettyplease, as the crate's other files; `Err` only if the text
/// does not parse, which would be a bug here.
pub fn fake_examples(model: &Model, header: &str) -> Result<String, String> {
    let mut rows = String::new();
    for op in &model.operations {
        let path = op.path.openapi_path();
        for example in &op.examples {
            let request = &example.request;
            let Some(body @ serde_json::Value::Object(_)) = &request.body else {
                continue;
            };
            let method = request.method.as_str();
            if !matches!(method, "POST" | "PATCH" | "PUT") {
                continue;
            }
            let target = request
                .target
                .split_once('?')
                .map_or(request.target.as_str(), |(p, _)| p);
            let _ = write!(
                rows,
                "({}, {}, {}, {}, {}),",
                literal(&format!("{}:{}", example.file, request.line)),
                string_literal(method),
                literal(target),
                literal(&path),
                literal(&body.to_string()),
            );
        }
    }
    let text = format!(
        "//! Every documented example request with a JSON body, sent through the client to\n\
         //! the fake Graph, whose strict check must accept it; and each body again with one\n\
         //! member made wrong (a name no page documents, a value of the wrong JSON type, a\n\
         //! member no enum has), which it must refuse with a `400` naming the member.\n\
         //! `cargo test --features testing --test fake_examples -- --nocapture` prints the\n\
         //! figures.\n\
         #![cfg(all(feature = \"testing\", feature = \"client\", feature = \"full\"))]\n\
         /// The documented example requests with a JSON body: page and line, method, path as\n\
         /// the example writes it, the path template of its operation, and the body.\n\
         const EXAMPLES: &[(&str, &str, &str, &str, &str)] = &[{rows}];\n\
         {FAKE_EXAMPLES}"
    );
    let file = syn::parse_file(&text).map_err(|e| format!("tests/fake_examples.rs: {e}"))?;
    Ok(format!("{header}\n\n{}", prettyplease::unparse(&file)))
}

fn operation(out: &mut String, model: &Model, op: &Operation) {
    // The template `PathBuilder::new` starts from, which is `/` for an empty path.
    let path = op.path.openapi_path();
    let path = if path.is_empty() {
        "/".to_string()
    } else {
        path
    };
    let p = &op.permissions;
    let mut delegated = p.delegated_work.all();
    for d in p.delegated_personal.all() {
        if !delegated.contains(&d) {
            delegated.push(d);
        }
    }
    let body = match &op.request_body {
        None => "Body::None".to_string(),
        Some(RequestBody::Typed { types }) => {
            let types: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
            format!("Body::Types({})", list(&types))
        }
        Some(RequestBody::Parameters { parameters }) => {
            format!("Body::Parameters({})", properties(model, parameters))
        }
    };
    let _ = write!(
        out,
        "Operation {{ method: {}, path: {}, status: {}, collection: {}, \
         permissions: Permissions {{ delegated: {}, application: {} }}, \
         consistency_level: {}, examples: &[",
        string_literal(op.method.as_str()),
        literal(&path),
        op.response.status,
        collection_item(op).is_some(),
        list(&delegated),
        list(&p.application.all()),
        allows_advanced_queries(op),
    );
    for example in &op.examples {
        if let Some(response) = &example.response {
            let query = example
                .request
                .target
                .split_once('?')
                .map_or("", |(_, q)| q);
            example_literal(out, query, response);
        }
    }
    let _ = write!(out, "], body: {body} }},");
}

fn example_literal(out: &mut String, query: &str, response: &ExampleResponse) {
    let headers: Vec<String> = response
        .headers
        .iter()
        .map(|(name, value)| format!("({}, {})", literal(name), literal(value)))
        .collect();
    // `Value`'s Display is compact JSON, and cannot fail.
    let body = response
        .body
        .as_ref()
        .map_or_else(String::new, ToString::to_string);
    let _ = write!(
        out,
        "Example {{ query: {}, status: {}, headers: &[{}], body: {} }},",
        literal(query),
        response.status,
        headers.join(", "),
        literal(&body),
    );
}

/// `&[Property { name, kind, collection }, ...]`.
fn properties(model: &Model, properties: &[Property]) -> String {
    let items: Vec<String> = properties
        .iter()
        .map(|p| {
            let (kind, collection) = match &p.ty {
                TypeRef::Collection(inner) => (kind(model, inner), true),
                ty => (kind(model, ty), false),
            };
            format!(
                "Property {{ name: {}, kind: {kind}, collection: {collection} }}",
                literal(&p.name)
            )
        })
        .collect();
    format!("&[{}]", items.join(", "))
}

/// The JSON a value of `ty` takes, as `runtime::testing::Kind` says it.
fn kind(model: &Model, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Primitive(edm) => match edm {
            Edm::String | Edm::Binary | Edm::Duration => "Kind::Text",
            Edm::Byte | Edm::SByte | Edm::Int16 | Edm::Int32 | Edm::Int64 => "Kind::Int",
            Edm::Single | Edm::Double | Edm::Decimal => "Kind::Number",
            Edm::Boolean => "Kind::Bool",
            Edm::DateTimeOffset => "Kind::DateTime",
            Edm::Date => "Kind::Date",
            Edm::TimeOfDay => "Kind::TimeOfDay",
            Edm::Guid => "Kind::Guid",
            // A stream's content does not travel in JSON bodies: nothing to check.
            Edm::Stream => "Kind::Any",
        }
        .to_string(),
        TypeRef::Named(n) if model.enums.contains_key(n) => {
            format!("Kind::Enum({})", literal(n.as_str()))
        }
        // `Json` is any JSON value (Excel's cell values, formulas), whatever its page
        // lists as members.
        TypeRef::Named(n) if n.short().eq_ignore_ascii_case("json") => "Kind::Any".to_string(),
        TypeRef::Named(n) if model.types.contains_key(n) => {
            format!("Kind::Object({})", literal(n.as_str()))
        }
        // A name the docs do not define, a collection of collections, or untyped JSON.
        TypeRef::Named(_) | TypeRef::Collection(_) | TypeRef::Untyped => "Kind::Any".to_string(),
    }
}

fn list(items: &[&str]) -> String {
    let items: Vec<String> = items.iter().map(|s| literal(s)).collect();
    format!("&[{}]", items.join(", "))
}

/// A string literal: raw where the text has quotes or backslashes (JSON), so that it
/// reads as the docs wrote it; escaped where it has characters a raw string would show
/// as they are (controls, and the text-direction marks rustc refuses).
fn literal(text: &str) -> String {
    let hidden =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.contains(['"', '\\']) || text.contains(hidden) {
        return string_literal(text);
    }
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
}

#[cfg(test)]
mod tests {
    use crate::diag::Code;
    use crate::model::{Model, build_model};
    use crate::parse::parse_page;
    use crate::rust::{CrateOptions, emit_crate};

    fn page(front: &str, body: &str) -> String {
        format!("---\n{front}\n---\n{body}")
    }

    fn pages() -> Vec<(&'static str, String)> {
        let widget = page(
            "doc_type: resourcePageType\nms.prod: \"widgets\"",
            "# widget resource type\n\nNamespace: microsoft.graph\n\n\
             ## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n\
             |id|String|The key.|\n|size|Int32|How big.|\n\
             |color|[widgetColor](widgetcolor.md)|The paint.|\n|tags|String collection|Labels.|\n\n\
             ## JSON representation\n\
             <!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.widget\", \"keyProperty\": \"id\"} -->\n\
             ```json\n{}\n```\n",
        );
        let color = page(
            "doc_type: enumPageType\nms.prod: \"widgets\"",
            "# widgetColor enum type\n\nNamespace: microsoft.graph\n\n\
             ## Members\n|Member|Value|Description|\n|:---|:---|:---|\n\
             |red|0|Red.|\n|blue|1|Blue.|\n",
        );
        // Two request lines, the `ConsistencyLevel` header, permissions of every kind,
        // an example with a response and one without.
        let list = page(
            "title: \"List widgets\"\nms.prod: \"widgets\"\ndoc_type: apiPageType",
            "# List widgets\n\nNamespace: microsoft.graph\n\nLists the widgets.\n\n\
             ## Permissions\n|Permission type|Permissions (from least to most privileged)|\n|:---|:---|\n\
             |Delegated (work or school account)|Widget.Read.All, Widget.ReadWrite.All|\n\
             |Delegated (personal Microsoft account)|Widget.Read, Widget.Read.All|\n\
             |Application|Widget.Read.All and Gadget.Read.All|\n\n\
             ## HTTP request\n```http\nGET /widgets\nGET /gadgets/{gadget-id}/widgets\n```\n\n\
             ## Request headers\n|Name|Description|\n|:---|:---|\n\
             |Authorization|Bearer {token}. Required.|\n|consistencylevel|eventual.|\n\n\
             ## Response\nIf successful, this method returns a `200 OK` response code and a \
             collection of [widget](../resources/widget.md) objects in the response body.\n\n\
             ## Examples\n### Request\n\
             <!-- {\"blockType\": \"request\", \"name\": \"search_widgets\"} -->\n\
             ```http\nGET https://graph.microsoft.com/v1.0/widgets?$search=\"name:a\"&$count=true\n\
             ConsistencyLevel: eventual\n```\n\n\
             ### Response\n\
             <!-- {\"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.widget\", \"isCollection\": true} -->\n\
             ```http\nHTTP/1.1 200 OK\nContent-Type: application/json\nx-note: \"a\"\n\n\
             {\n  \"value\": [\n    {\"id\": \"1\", \"tags\": [\"a \\\"b\\\"\"]}\n  ]\n}\n```\n\n\
             ### Request\n\
             <!-- {\"blockType\": \"request\", \"name\": \"list_widgets\"} -->\n\
             ```http\nGET https://graph.microsoft.com/v1.0/widgets\n```\n",
        );
        // Another area; an action, whose body is its parameters.
        let paint = page(
            "title: \"widget: paint\"\nms.prod: \"gadgets\"\ndoc_type: apiPageType",
            "# widget: paint\n\nNamespace: microsoft.graph\n\nPaints a widget.\n\n\
             ## HTTP request\n```http\nPOST /widgets/{widget-id}/paint\n```\n\n\
             ## Request body\n|Parameter|Type|Description|\n|:---|:---|:---|\n\
             |color|[widgetColor](../resources/widgetcolor.md)|The paint.|\n\
             |coats|Int32 collection|Coats, one a layer.|\n|note|Json|Anything.|\n\n\
             ## Response\nIf successful, this action returns a `204 No Content` response code.\n",
        );
        // A create, whose body is a widget.
        let create = page(
            "title: \"Create widget\"\nms.prod: \"widgets\"\ndoc_type: apiPageType",
            "# Create widget\n\nNamespace: microsoft.graph\n\nCreates a widget.\n\n\
             ## HTTP request\n```http\nPOST /widgets\n```\n\n\
             ## Request body\nPut a JSON representation of a [widget](../resources/widget.md) \
             in the request body.\n\n\
             ## Response\nIf successful, this method returns a `201 Created` response code and a \
             [widget](../resources/widget.md) object in the response body.\n",
        );
        vec![
            ("resources/widget.md", widget),
            ("resources/widgetcolor.md", color),
            ("api/widget-list.md", list),
            ("api/widget-paint.md", paint),
            ("api/widget-post.md", create),
        ]
    }

    fn model() -> Model {
        let parsed: Vec<_> = pages()
            .iter()
            .map(|(path, text)| parse_page(path, text.as_bytes()).0)
            .collect();
        build_model(&parsed).0
    }

    fn testing_rs(model: &Model) -> String {
        let (mut files, diags) = emit_crate(model, &CrateOptions::new("test", "pages"));
        assert!(diags.iter().all(|d| d.code != Code::Internal), "{diags:#?}");
        files.remove("src/testing.rs").expect("src/testing.rs")
    }

    #[test]
    fn each_request_line_is_an_operation_with_its_documented_answers() {
        let model = model();
        let list = model
            .operations
            .iter()
            .find(|o| o.path.openapi_path() == "/widgets" && o.method.as_str() == "GET");
        // The example without a response is in the model, and left out of the table.
        assert_eq!(list.map(|o| o.examples.len()), Some(2));
        let text = testing_rs(&model);
        // Personal permissions after work ones, without repeats; `A and B` as one; the
        // query as written; the body compact, raw where it has quotes.
        let get = r###"
    Operation {
        method: "GET",
        path: "/widgets",
        status: 200,
        collection: true,
        permissions: Permissions {
            delegated: &["Widget.Read.All", "Widget.ReadWrite.All", "Widget.Read"],
            application: &["Widget.Read.All and Gadget.Read.All"],
        },
        consistency_level: true,
        examples: &[
            Example {
                query: r#"$search="name:a"&$count=true"#,
                status: 200,
                headers: &[("Content-Type", "application/json"), ("x-note", r#""a""#)],
                body: r#"{"value":[{"id":"1","tags":["a \"b\""]}]}"#,
            },
        ],
        body: Body::None,
    },
"###;
        assert!(text.contains(get), "{text}");
        // The page's other request line, with the page's examples, before it: the
        // order of `operations.rs`, which is that of the paths.
        let other = text.find("path: \"/gadgets/{gadget-id}/widgets\"");
        assert!(other.is_some_and(|at| Some(at) < text.find(get)), "{text}");

        let create = r#"
    Operation {
        method: "POST",
        path: "/widgets",
        status: 201,
        collection: false,
        permissions: Permissions {
            delegated: &[],
            application: &[],
        },
        consistency_level: false,
        examples: &[],
        body: Body::Types(&["microsoft.graph.widget"]),
    },
"#;
        assert!(text.contains(create), "{text}");
    }

    #[test]
    fn bodies_types_and_enums_say_what_json_each_value_takes() {
        let text = testing_rs(&model());
        let paint = r#"#[cfg(feature = "gadgets")]
static GADGETS_OPERATIONS: &[Operation] = &[
    Operation {
        method: "POST",
        path: "/widgets/{widget-id}/paint",
        status: 204,
        collection: false,
        permissions: Permissions {
            delegated: &[],
            application: &[],
        },
        consistency_level: false,
        examples: &[],
        body: Body::Parameters(
            &[
                Property {
                    name: "color",
                    kind: Kind::Enum("microsoft.graph.widgetColor"),
                    collection: false,
                },
                Property {
                    name: "coats",
                    kind: Kind::Int,
                    collection: true,
                },
                Property {
                    name: "note",
                    kind: Kind::Any,
                    collection: false,
                },
            ],
        ),
    },
];
"#;
        assert!(text.contains(paint), "{text}");
        let types = r#"#[cfg(feature = "widgets")]
static WIDGETS_TYPES: &[Type] = &[
    Type {
        name: "microsoft.graph.widget",
        base: None,
        is_abstract: false,
        is_open: false,
        properties: &[
            Property {
                name: "id",
                kind: Kind::Text,
                collection: false,
            },
            Property {
                name: "size",
                kind: Kind::Int,
                collection: false,
            },
            Property {
                name: "color",
                kind: Kind::Enum("microsoft.graph.widgetColor"),
                collection: false,
            },
            Property {
                name: "tags",
                kind: Kind::Text,
                collection: true,
            },
        ],
    },
];
#[cfg(feature = "widgets")]
static WIDGETS_ENUMS: &[Enum] = &[
    Enum {
        name: "microsoft.graph.widgetColor",
        members: &["red", "blue"],
        flags: false,
    },
];
"#;
        assert!(text.contains(types), "{text}");
    }

    #[test]
    fn api_gathers_the_areas_compiled_in() {
        let text = testing_rs(&model());
        let gather = "    let mut api = Api::default();
    #[cfg(feature = \"gadgets\")]
    {
        api.operations.extend(GADGETS_OPERATIONS);
    }
    #[cfg(feature = \"widgets\")]
    {
        api.operations.extend(WIDGETS_OPERATIONS);
        api.types.extend(WIDGETS_TYPES);
        api.enums.extend(WIDGETS_ENUMS);
    }
    api
}
";
        assert!(text.contains(gather), "{text}");
        assert!(text.contains("pub use crate::runtime::testing::*;\n"));
        assert!(text.contains("    FakeGraph::serve(api()).await\n"));
    }

    #[test]
    fn literals_are_raw_only_where_that_reads_better() {
        assert_eq!(super::literal("$top=2"), "\"$top=2\"");
        assert_eq!(super::literal(r#"{"a":1}"#), r##"r#"{"a":1}"#"##);
        // `"#` inside takes one more `#`.
        assert_eq!(
            super::literal(r##"{"a":"#x"}"##),
            r###"r##"{"a":"#x"}"##"###
        );
        // A control character is escaped, not written as it is.
        assert_eq!(super::literal("\"\u{7f}\""), "\"\\\"\\u{7f}\\\"\"");
    }
}
