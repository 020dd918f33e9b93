//! The request builders reach every documented request line: for each operation, the
//! chain of method names from `Graph` leads, name by name, to a method that returns its
//! request, and no two methods of one builder (nor two builder types) share a name.

use graphdoc::diag::Code;
use graphdoc::model::Model;
use graphdoc::pipeline::{self, SourceFile};
use graphdoc::rust::CrateOptions;
use graphdoc::rust::builders::Tree;
use graphdoc::rust::names::ident;
use std::collections::HashSet;

mod common;

/// Checks the tree of `model` and returns how many operations it reaches.
fn check(model: &Model, what: &str) -> usize {
    let tree = Tree::new(model);
    let mut types = HashSet::new();
    for (n, node) in tree.nodes.iter().enumerate() {
        let mut methods = HashSet::new();
        let names = node
            .op_methods
            .iter()
            .chain(node.children.iter().flat_map(|&c| &tree.nodes[c].methods));
        for name in names {
            assert!(methods.insert(name), "{what}: node {n} has `{name}` twice");
            let printed = ident(name).to_string();
            assert!(
                syn::parse_str::<syn::Ident>(&printed).is_ok(),
                "{what}: `{printed}` is not an identifier"
            );
        }
        if !node.collapsed {
            assert!(
                types.insert(node.type_name.as_str()),
                "{what}: two builders are named `{}`",
                node.type_name
            );
        }
    }
    let mut reached = 0;
    for (i, op) in model.operations.iter().enumerate() {
        let chain = tree.chain(i);
        let (last, steps) = chain.split_last().expect("every chain ends in a call");
        assert!(
            last.last,
            "{what}: {} {}",
            op.method,
            op.path.openapi_path()
        );
        let mut at = 0;
        let mut values = 0;
        for call in steps {
            let node = &tree.nodes[at];
            at = *node
                .children
                .iter()
                .find(|&&c| tree.nodes[c].methods.contains(&call.method))
                .unwrap_or_else(|| panic!("{what}: no step `{}` at node {at}", call.method));
            values += call.args;
            assert_eq!(
                tree.nodes[at].params, values,
                "{what}: values at `{}`",
                call.method
            );
        }
        let node = &tree.nodes[at];
        let by_step = node.children.iter().any(|&c| {
            let child = &tree.nodes[c];
            child.collapsed && child.methods == [last.method.clone()] && child.ops == [i]
        });
        let by_method = node
            .op_methods
            .iter()
            .zip(&node.ops)
            .any(|(m, &o)| *m == last.method && o == i);
        assert!(
            by_step || by_method,
            "{what}: `{}` at node {at} is not {} {}",
            last.method,
            op.method,
            op.path.openapi_path()
        );
        assert_eq!(
            values + last.args,
            op.path.params.len(),
            "{what}: path values of {}",
            op.path.openapi_path()
        );
        reached += 1;
    }
    assert_eq!(tree.attached.len(), model.operations.len());
    reached
}

fn model_of(docs: &std::path::Path) -> Model {
    let sources = pipeline::read_docs(docs).expect("docs");
    pipeline::run(&sources, &common::regen_options()).model
}

#[test]
fn specs_requests_are_all_reachable() {
    let model = model_of(&common::specs_docs());
    assert_eq!(check(&model, "specs"), model.operations.len());
    assert!(!model.operations.is_empty());
}

#[test]
fn corpus_requests_are_all_reachable() {
    let Some(docs) = common::corpus::docs_2021() else {
        return;
    };
    let model = model_of(&docs);
    let reached = check(&model, "v1.0");
    println!(
        "v1.0: {reached} of {} request lines reachable",
        model.operations.len()
    );
    assert_eq!(reached, model.operations.len());
}

/// Request lines chosen to collide: a segment spelled with and without its namespace,
/// segments named like the operations, keywords, keys in several forms, key syntax,
/// functions with parameters, path-based addressing, punctuation only.
#[test]
fn hostile_request_lines_get_distinct_names() {
    let lines = [
        "GET /widgets",
        "POST /widgets",
        "GET /widgets/{id}",
        "GET /widgets/{widget-id}/parts",
        "GET /widgets/{id | name}/parts",
        "GET /widgets/{id | Name}/more",
        "PATCH /widgets/{id}",
        "GET /widgets/get",
        "GET /widgets/list",
        "POST /widgets/microsoft.graph.assign",
        "POST /widgets/assign",
        "GET /widgets/$count",
        "DELETE /widgets/{id}/$ref",
        "GET /widgets/{id}/self",
        "GET /widgets/{id}/type",
        "GET /widgets('{id}')",
        "GET /widgets('{id}')/parts",
        "GET /widgets/getCounts(period='{period}')",
        "GET /widgets/getCounts(period='{period}')/more",
        "GET /drive/root:/{item-path}:/content",
        "GET /drive/root:/{item-path}",
        "GET /drive/root",
        "GET /drive/root/{id}",
        "GET /%%/---/{id}",
        "GET /",
        "GET /{id}",
        "GET /drive/root:/{a}:/{b}:/x",
        "GET /Widgets",
        "GET /widgets/Get",
    ];
    let page = format!(
        "---\ndoc_type: apiPageType\n---\n# Many widgets\n\n## HTTP request\n```http\n{}\n```\n",
        lines.join("\n")
    );
    let sources = vec![SourceFile {
        path: "api/widgets.md".into(),
        bytes: page.into_bytes(),
    }];
    let options = CrateOptions::new("test", "fixtures");
    let out = pipeline::run(&sources, &options);
    // Three pairs are one request each, spelled twice: `{widget-id}/parts` and
    // `{id | name}/parts`, `/Widgets` and `/widgets`, `/widgets/get` and `/Get`.
    assert_eq!(
        out.model.operations.len(),
        lines.len() - 3,
        "{:?}",
        out.model
            .operations
            .iter()
            .map(|o| o.path.openapi_path())
            .collect::<Vec<_>>()
    );
    assert_eq!(check(&out.model, "hostile"), out.model.operations.len());
    let builders = &out.crate_files["src/builders.rs"];
    // One key, four spellings: the most used one (`{id}`) names it everywhere.
    assert!(!builders.contains("pub fn by_id_or_name"));
    assert!(!builders.contains("pub fn by_widget_id"));
    // Keys under `/`, `/widgets`, `/drive/root` and `/%%/---`: one `by_id` each.
    assert_eq!(builders.matches("pub fn by_id<'a>(").count(), 4);
    syn::parse_file(builders.split_once("\n\n").map_or("", |(_, b)| b))
        .expect("the builders parse");
    assert!(!out.diagnostics.iter().any(|d| d.code == Code::Internal));
    // The same page twice gives the same names.
    let again = pipeline::run(&sources, &options);
    assert_eq!(&again.crate_files["src/builders.rs"], builders);
}

/// A function's own query parameters (`?startDateTime={start}`) and its arguments
/// written as values (`range(address='<address>')`) are parameters of the generated
/// function and of the builder step that returns the request; the OpenAPI document
/// declares the query parameters and keeps the written values in its paths.
#[test]
fn query_parameters_and_written_arguments_are_function_parameters() {
    let page = "---\ndoc_type: apiPageType\n---\n# Widget views\n\n## HTTP request\n```http\nGET /widgets/{id}/view?startDateTime={start_datetime}&endDateTime={end_datetime}&$top=5\nGET /widgets/{id}/range(address='<address>')\n```\n";
    let sources = vec![SourceFile {
        path: "api/widget-view.md".into(),
        bytes: page.as_bytes().to_vec(),
    }];
    let options = CrateOptions::new("test", "fixtures");
    let out = pipeline::run(&sources, &options);
    let view = out
        .model
        .operations
        .iter()
        .find(|o| o.path.openapi_path() == "/widgets/{id}/view")
        .expect("the view operation");
    let names: Vec<&str> = view
        .query_parameters
        .iter()
        .map(|q| q.name.as_str())
        .collect();
    assert_eq!(names, ["startDateTime", "endDateTime"]);

    let operations = &out.crate_files["src/operations.rs"];
    let squeezed: String = operations.split_whitespace().collect();
    assert!(
        squeezed
            .contains("pubfnget_widgets_view(id:&str,start_date_time:&str,end_date_time:&str,)"),
        "{operations}"
    );
    assert!(squeezed.contains(
        r#".query_pair("startDateTime",start_date_time).query_pair("endDateTime",end_date_time)"#
    ));
    assert!(squeezed.contains(r#"PathBuilder::new("/widgets/").segment(id).literal("/range(address='").quoted(address).literal("')")"#), "{operations}");

    let builders = &out.crate_files["src/builders.rs"];
    let squeezed: String = builders.split_whitespace().collect();
    assert!(
        squeezed.contains("start_date_time:&str,end_date_time:&str,)->Request<"),
        "{builders}"
    );
    syn::parse_file(operations.split_once("\n\n").map_or("", |(_, b)| b))
        .expect("the operations parse");

    let openapi = &out.openapi;
    assert!(
        openapi.contains("/widgets/{id}/range(address='<address>'):"),
        "{openapi}"
    );
    assert!(openapi.contains("name: startDateTime"));
    assert!(!openapi.contains("name: address"));
}
