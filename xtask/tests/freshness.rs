//! `cargo test` fails when the committed output is stale, as `cargo xtask check` does.

#[test]
fn committed_output_matches_the_docs() {
    let root = xtask::repo_root();
    let rendered = xtask::render_repo(&root).expect("the specs render");
    let errors: Vec<String> = xtask::errors(&rendered.output.diagnostics)
        .map(ToString::to_string)
        .collect();
    assert!(
        errors.is_empty(),
        "the specs have errors:\n{}",
        errors.join("\n")
    );
    let stale = xtask::stale_files(&root, &rendered).expect("the committed output is readable");
    let report: Vec<String> = stale
        .iter()
        .map(|s| format!("{}\n{}", s.path, s.detail))
        .collect();
    assert!(
        stale.is_empty(),
        "generated files are out of date; run `cargo xtask regen`:\n{}",
        report.join("\n\n")
    );
}
