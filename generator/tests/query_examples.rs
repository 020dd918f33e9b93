//! The example queries of `specs/docs`, one of them on a path that ends in a cast:
//! every one has a typed call chain, the cast's starting with the cast, and the advanced-query rules give the
//! `ConsistencyLevel` header to exactly the examples that carry it.

use graphdoc::odata::examples::survey;
use graphdoc::pipeline::{self, SourceFile, parse_and_build, read_docs};

#[allow(dead_code)]
mod common;

#[test]
fn the_seed_examples_rebuild_and_agree_on_the_header() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = read_docs(&root.join("../specs/docs")).expect("specs/docs reads");
    let (_, model, _, _) = parse_and_build(&sources);
    let examples = survey(&model);
    let with_options: Vec<_> = examples.iter().filter(|e| e.has_options()).collect();
    assert!(
        with_options.len() >= 5,
        "{} examples with options",
        with_options.len()
    );
    for e in &with_options {
        assert!(
            matches!(e.rebuilt, Some(Ok(_))),
            "{}:{} {}: {:?}",
            e.file,
            e.line,
            e.target,
            e.rebuilt
        );
    }
    for e in &examples {
        assert_eq!(
            e.consistency.carried, e.consistency.predicted,
            "{}:{} {}: {:?}",
            e.file, e.line, e.target, e.consistency
        );
        assert!(!e.consistency.count_missing, "{}:{}", e.file, e.line);
    }
    assert!(examples.iter().any(|e| e.consistency.carried));
    let chain = examples
        .iter()
        .find(|e| e.target.contains("assignedLicenses/any"))
        .and_then(|e| e.rebuilt.clone())
        .and_then(Result::ok);
    assert_eq!(
        chain.as_deref(),
        Some(
            r#".filter(models::User::ASSIGNED_LICENSES.any(models::AssignedLicense::SKU_ID.eq(uuid::uuid!("184efa21-98c3-4e5d-95ab-d07053a96e67")))).select((models::Entity::ID, models::User::DISPLAY_NAME))"#
        )
    );
    // A path that ends in a cast: the request is cast first, and the options are the
    // cast type's.
    let cast = examples
        .iter()
        .find(|e| e.path_cast)
        .expect("an example whose path ends in a cast");
    assert_eq!(cast.function.as_deref(), Some("get_users_member_of"));
    assert_eq!(
        cast.rebuilt.clone().and_then(Result::ok).as_deref(),
        Some(
            r#".cast::<models::Group>().count().orderby(models::Group::DISPLAY_NAME).filter(models::Group::DISPLAY_NAME.starts_with("a"))"#
        )
    );
}

// The generated doc-example tests rebuild an example's query through the typed API
// and compare it with the example's; a query that cannot be rebuilt is named with its
// reason.

const WIDGET: &str = "---\ndoc_type: resourcePageType\n---\n# widget resource type\n\n\
    Namespace: microsoft.graph\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n\
    |id|String|The id.|\n|name|String|The name.|\n|size|Int32|The size.|\n\n## JSON representation\n\
    <!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.widget\"} -->\n\
    ```json\n{}\n```\n";

fn example(name: &str, target: &str) -> String {
    format!(
        "### Request\n<!-- {{ \"blockType\": \"request\", \"name\": \"{name}\" }} -->\n\
         ```http\nGET https://graph.microsoft.com/v1.0{target}\n```\n\n\
         ### Response\n<!-- {{ \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.widget\", \"isCollection\": true }} -->\n\
         ```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{{\"value\": []}}\n```\n\n"
    )
}

#[test]
fn a_rebuilt_query_is_compared_and_another_is_named_with_its_reason() {
    let list = format!(
        "---\ndoc_type: apiPageType\nms.prod: widgets\n---\n# List widgets\n\n\
         ## HTTP request\n<!-- {{ \"blockType\": \"ignored\" }} -->\n```http\nGET /widgets\n```\n\n\
         ## Response\nIf successful, this method returns a `200 OK` response code and a collection of [widget](../resources/widget.md) objects in the response body.\n\n\
         ## Examples\n\n{}{}",
        example(
            "list_widgets_small",
            "/widgets?$filter=size lt 3&$select=name"
        ),
        example("list_widgets_colour", "/widgets?$select=colour"),
    );
    let sources = [
        SourceFile {
            path: "resources/widget.md".to_string(),
            bytes: WIDGET.as_bytes().to_vec(),
        },
        SourceFile {
            path: "api/widget-list.md".to_string(),
            bytes: list.into_bytes(),
        },
    ];
    let out = pipeline::run(&sources, &common::regen_options());
    let tests = &out.crate_files["tests/doc_examples.rs"];
    assert!(
        tests.contains(
            ".filter(models::Widget::SIZE.lt(3))\n        .select(models::Widget::NAME);"
        ),
        "{tests}"
    );
    assert!(
        tests.contains("NormalizedQuery::parse(\"$filter=size lt 3&$select=name\")"),
        "{tests}"
    );
    assert!(
        tests.contains("assert_eq!(request.header_value(\"ConsistencyLevel\"), None);"),
        "{tests}"
    );
    assert!(
        tests.contains(
            "// the query options are not rebuilt through the typed API (unknown-property)"
        ),
        "{tests}"
    );
}

#[test]
fn members_no_page_documents_are_selected_on_open_types_only() {
    let list = |targets: &[&str]| {
        let examples: String = targets
            .iter()
            .enumerate()
            .map(|(i, t)| example(&format!("list_widgets_{i}"), t))
            .collect();
        format!(
            "---\ndoc_type: apiPageType\nms.prod: widgets\n---\n# List widgets\n\n\
             ## HTTP request\n<!-- {{ \"blockType\": \"ignored\" }} -->\n```http\nGET /widgets\n```\n\n\
             ## Response\nIf successful, this method returns a `200 OK` response code and a collection of [widget](../resources/widget.md) objects in the response body.\n\n\
             ## Examples\n\n{examples}"
        )
    };
    let run = |resource: &str| {
        let sources = [
            SourceFile {
                path: "resources/widget.md".to_string(),
                bytes: resource.as_bytes().to_vec(),
            },
            SourceFile {
                path: "api/widget-list.md".to_string(),
                bytes: list(&["/widgets?$select=name,colour"]).into_bytes(),
            },
        ];
        pipeline::run(&sources, &common::regen_options()).crate_files["tests/doc_examples.rs"]
            .clone()
    };
    // A closed type: `colour` is not documented, and not rebuilt.
    assert!(run(WIDGET).contains("(unknown-property)"));
    // An open type: any member, beside the handles, in order.
    let open = WIDGET.replace(
        "\"@odata.type\": \"microsoft.graph.widget\"}",
        "\"@odata.type\": \"microsoft.graph.widget\", \"openType\": true}",
    );
    let tests = run(&open);
    let flat: String = tests.split_whitespace().collect();
    assert!(
        flat.contains(
            r#".select((models::Widget::NAME,Dynamic::<models::Widget>::new("colour").unwrap(),))"#
        ),
        "{tests}"
    );
    assert!(
        tests.contains("use graph_client::runtime::odata::Dynamic;"),
        "{tests}"
    );
}

#[test]
fn an_inherited_property_behind_a_cast_reads_through_the_derived_type() {
    let big = "---\ndoc_type: resourcePageType\n---\n# bigWidget resource type\n\n\
        Namespace: microsoft.graph\n\nInherits from [widget](widget.md).\n\n## Properties\n\
        |Property|Type|Description|\n|:---|:---|:---|\n|weight|Int32|The weight.|\n\n\
        ## JSON representation\n<!-- {\"blockType\": \"resource\", \"baseType\": \"microsoft.graph.widget\", \
        \"@odata.type\": \"microsoft.graph.bigWidget\"} -->\n```json\n{}\n```\n";
    let list = format!(
        "---\ndoc_type: apiPageType\nms.prod: widgets\n---\n# List widgets\n\n\
         ## HTTP request\n<!-- {{ \"blockType\": \"ignored\" }} -->\n```http\nGET /widgets\n```\n\n\
         ## Response\nIf successful, this method returns a `200 OK` response code and a collection of [widget](../resources/widget.md) objects in the response body.\n\n\
         ## Examples\n\n{}",
        example(
            "list_big_widgets_by_name",
            "/widgets?$filter=microsoft.graph.bigWidget/name eq 'a' or microsoft.graph.bigWidget/weight gt 2"
        ),
    );
    let sources = [
        SourceFile {
            path: "resources/widget.md".to_string(),
            bytes: WIDGET.as_bytes().to_vec(),
        },
        SourceFile {
            path: "resources/bigwidget.md".to_string(),
            bytes: big.as_bytes().to_vec(),
        },
        SourceFile {
            path: "api/widget-list.md".to_string(),
            bytes: list.into_bytes(),
        },
    ];
    let out = pipeline::run(&sources, &common::regen_options());
    let flat: String = out.crate_files["tests/doc_examples.rs"]
        .split_whitespace()
        .collect();
    // `name` is the base's, read on big widgets; `weight` is the derived type's own.
    assert!(
        flat.contains(
            r#"models::Widget::NAME.via::<models::BigWidget>().eq("a").or(models::BigWidget::WEIGHT.cast::<models::Widget>().gt(2))"#
        ),
        "{flat}"
    );
}

#[test]
fn the_reference_a_delete_removes_is_named_with_ref_id() {
    let page = "---\ndoc_type: apiPageType\nms.prod: widgets\n---\n# Remove widget owner\n\n\
        ## HTTP request\n<!-- { \"blockType\": \"ignored\" } -->\n```http\nDELETE /widgets/{id}/owners/$ref\n```\n\n\
        ## Response\nIf successful, this method returns a `204 No Content` response code.\n\n\
        ## Example\n### Request\n<!-- { \"blockType\": \"request\", \"name\": \"remove_widget_owner\" } -->\n\
        ```http\nDELETE https://graph.microsoft.com/v1.0/widgets/w1/owners/$ref?$id=https://graph.microsoft.com/v1.0/users/u1\n```\n\n\
        ### Response\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 204 No Content\n```\n";
    let sources = [
        SourceFile {
            path: "resources/widget.md".to_string(),
            bytes: WIDGET.as_bytes().to_vec(),
        },
        SourceFile {
            path: "api/widget-delete-owners.md".to_string(),
            bytes: page.as_bytes().to_vec(),
        },
    ];
    let out = pipeline::run(&sources, &common::regen_options());
    let flat: String = out.crate_files["tests/doc_examples.rs"]
        .split_whitespace()
        .collect();
    assert!(
        flat.contains(r#".ref_id("https://graph.microsoft.com/v1.0/users/u1");"#),
        "{flat}"
    );
}
