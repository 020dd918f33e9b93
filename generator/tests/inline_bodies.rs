//! Actions whose parameter tables read the same share one body type in the Rust crate;
//! any difference (a description, the doc area) keeps them apart.

use graphdoc::pipeline::{self, SourceFile};

#[allow(dead_code)]
mod common;
mod parses;

const ROWS: &str = "|comment|String|A note for the owner.|\n|notify|Boolean|Whether to send mail.|";

fn action(file: &str, prod: &str, request_line: &str, rows: &str) -> SourceFile {
    let page = format!(
        "---\ntitle: \"{file}\"\nms.prod: \"{prod}\"\ndoc_type: apiPageType\n---\n# {file}\n\n\
         ## HTTP request\n```http\n{request_line}\n```\n\n\
         ## Request body\n|Parameter|Type|Description|\n|:---|:---|:---|\n{rows}\n\n\
         ## Response\nIf successful, this action returns a `204 No Content` response code.\n"
    );
    SourceFile {
        path: format!("api/{file}.md"),
        bytes: page.into_bytes(),
    }
}

fn body_types(operations: &str) -> Vec<&str> {
    operations
        .lines()
        .filter_map(|l| l.strip_prefix("pub type "))
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

#[test]
fn same_parameters_in_one_area_share_a_body_type() {
    let other_description = ROWS.replace("A note for the owner.", "A note for the reviewer.");
    let sources = [
        action(
            "widget-archive",
            "widgets",
            "POST /widgets/{id}/archive",
            ROWS,
        ),
        action(
            "gadget-archive",
            "widgets",
            "POST /gadgets/{id}/archive",
            ROWS,
        ),
        action(
            "widget-restore",
            "widgets",
            "POST /widgets/{id}/restore",
            &other_description,
        ),
        action(
            "sprocket-archive",
            "sprockets",
            "POST /sprockets/{id}/archive",
            ROWS,
        ),
    ];
    let out = pipeline::run(&sources, &common::regen_options());
    let operations = &out.crate_files["src/operations.rs"];
    parses::assert_crate_parses(&out.crate_files, "shared bodies");

    // Operations are in path order: gadgets, sprockets, widgets.
    assert_eq!(
        body_types(operations),
        [
            "PostGadgetsArchiveBody",
            "PostSprocketsArchiveBody",
            "PostWidgetsRestoreBody",
        ]
    );
    assert!(operations.contains(
        "/// The request body of [`post_gadgets_archive`] and [`post_widgets_archive`], \
         whose documented parameters are the same.\n"
    ));
    let signature = |f: &str, body: &str| {
        format!("pub fn {f}(\n    id: &str,\n    body: &{body},\n) -> Request<runtime::NoContent>")
    };
    for (function, body) in [
        ("post_gadgets_archive", "PostGadgetsArchiveBody"),
        ("post_widgets_archive", "PostGadgetsArchiveBody"),
        ("post_widgets_restore", "PostWidgetsRestoreBody"),
        ("post_sprockets_archive", "PostSprocketsArchiveBody"),
    ] {
        assert!(
            operations.contains(&signature(function, body)),
            "{function} takes {body}:\n{operations}"
        );
    }
    // One marker type per body type.
    assert_eq!(operations.matches("pub enum Post").count(), 3);
    // The OpenAPI document keeps each operation's body as documented.
    assert_eq!(out.openapi.matches("notify:").count(), 4);
}
