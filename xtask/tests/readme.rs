//! The README's quickstart is the program `cargo test --workspace` builds, so that the
//! code a newcomer copies compiles.

const START: &str = "<!-- quickstart: generated/examples/quickstart.rs -->";
const END: &str = "<!-- end of quickstart -->";
const EXAMPLE: &str = "generated/examples/quickstart.rs";

/// The code of the README's block between the markers, without its fence.
fn readme_block(readme: &str) -> Result<String, String> {
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        return Err(format!(
            "README.md lacks the quickstart markers: put `{START}` and `{END}` around the block"
        ));
    };
    let block = readme
        .get(start + START.len()..end)
        .ok_or(format!("README.md: `{END}` comes before `{START}`"))?
        .trim();
    let code = block
        .strip_prefix("```rust\n")
        .and_then(|b| b.strip_suffix("```"))
        .ok_or("the quickstart markers must enclose one ```rust block")?;
    Ok(code.to_string())
}

/// The example's text without its leading comment line, if it has one.
fn example_code(example: &str) -> &str {
    match example.split_once('\n') {
        Some((first, rest)) if first.starts_with("//") => rest,
        _ => example,
    }
}

#[test]
fn readme_quickstart_is_the_example_program() {
    let root = xtask::repo_root();
    let readme = std::fs::read_to_string(root.join("README.md"))
        .unwrap()
        .replace("\r\n", "\n");
    let example = std::fs::read_to_string(root.join(EXAMPLE))
        .unwrap()
        .replace("\r\n", "\n");
    let block = readme_block(&readme).unwrap_or_else(|e| panic!("{e}"));
    let code = example_code(&example);
    if block != code {
        let diff = similar::TextDiff::from_lines(code, block.as_str())
            .unified_diff()
            .header(EXAMPLE, "README.md quickstart")
            .to_string();
        panic!("the README's quickstart differs from {EXAMPLE}; make them the same:\n{diff}");
    }
}

#[test]
fn a_changed_quickstart_is_told_apart() {
    let example = "// a note\nfn main() {}\n";
    let readme = format!("x\n{START}\n```rust\nfn main() {{}}\n```\n{END}\n");
    assert_eq!(readme_block(&readme).unwrap(), example_code(example));
    let edited = readme.replace("main", "start");
    assert_ne!(readme_block(&edited).unwrap(), example_code(example));
    assert!(readme_block("no markers").is_err());
}
