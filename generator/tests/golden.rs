//! Golden files for the seed pages (deviceStatusOverview get and update, and its
//! resource page): the parsed page, the model, the OpenAPI and the Rust output.
//! Review changes with `cargo insta review`.

use graphdoc::model::build_model;
use graphdoc::parse::parse_page;
use graphdoc::pipeline::{self, SourceFile};

#[allow(dead_code)]
mod common;

const SEED_PAGES: [&str; 3] = [
    "api/intune-deviceconfig-deviceconfigurationdeviceoverview-get.md",
    "api/intune-deviceconfig-deviceconfigurationdeviceoverview-update.md",
    "resources/intune-deviceconfig-deviceconfigurationdeviceoverview.md",
];

fn seed_sources() -> Vec<SourceFile> {
    let docs = common::specs_docs();
    SEED_PAGES
        .iter()
        .map(|p| SourceFile {
            path: p.to_string(),
            bytes: std::fs::read(docs.join(p)).expect("seed page exists"),
        })
        .collect()
}

#[test]
fn parsed_update_page() {
    let src = &seed_sources()[1];
    let (page, diags) = parse_page(&src.path, &src.bytes);
    assert!(diags.is_empty(), "{diags:#?}");
    insta::assert_yaml_snapshot!(page);
}

#[test]
fn model_of_the_seed_pages() {
    let pages: Vec<_> = seed_sources()
        .iter()
        .map(|s| parse_page(&s.path, &s.bytes).0)
        .collect();
    let (model, diags) = build_model(&pages);
    assert!(diags.is_empty(), "{diags:#?}");
    insta::assert_yaml_snapshot!(model);
}

#[test]
fn openapi_of_the_seed_pages() {
    let out = pipeline::run(&seed_sources(), &common::regen_options());
    insta::assert_snapshot!(out.openapi);
}

#[test]
fn rust_of_the_seed_pages() {
    let out = pipeline::run(&seed_sources(), &common::regen_options());
    insta::assert_snapshot!("models", out.crate_files["src/models.rs"]);
    insta::assert_snapshot!("operations", out.crate_files["src/operations.rs"]);
}
