//! The guides' code blocks marked `<!-- compiled: FILE -->` are code that `cargo test
//! --workspace` builds and runs: each block's lines stand, in order and together, in FILE.

/// The guides whose marked blocks are checked.
const GUIDES: [&str; 1] = ["docs/queries.md"];
const MARK: &str = "<!-- compiled: ";

/// `(file, block lines)` for each marked block of `guide`, lines trimmed.
fn marked_blocks(guide: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let mut out = Vec::new();
    let mut lines = guide.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(file) = line.strip_prefix(MARK).and_then(|r| r.strip_suffix(" -->")) else {
            continue;
        };
        if lines.next() != Some("```rust") {
            return Err(format!("`{line}` must stand right above a ```rust block"));
        }
        let block: Vec<String> = lines
            .by_ref()
            .take_while(|l| *l != "```")
            .map(str::to_string)
            .collect();
        out.push((file.to_string(), block));
    }
    Ok(out)
}

/// Whether `block` stands in `code`, line after line, leading blanks aside.
fn stands_in(block: &[String], code: &str) -> bool {
    let code: Vec<&str> = code.lines().map(str::trim).collect();
    !block.is_empty() && code.windows(block.len()).any(|w| w == block)
}

#[test]
fn the_guides_marked_blocks_are_compiled_code() {
    let root = xtask::repo_root();
    let mut checked = 0;
    for guide in GUIDES {
        let text = std::fs::read_to_string(root.join(guide)).unwrap();
        for (file, block) in marked_blocks(&text).unwrap_or_else(|e| panic!("{guide}: {e}")) {
            let code = std::fs::read_to_string(root.join(&file))
                .unwrap_or_else(|e| panic!("{guide}: {file}: {e}"));
            assert!(
                stands_in(&block, &code),
                "{guide}: a block marked as compiled in {file} is not in it word for word:\n{}",
                block.join("\n")
            );
            checked += 1;
        }
    }
    assert!(checked >= 1, "no marked block found");
}

#[test]
fn a_changed_block_is_told_apart() {
    let guide = "x\n<!-- compiled: f.rs -->\n```rust\nlet a = 1;\n```\n";
    let blocks = marked_blocks(guide).unwrap();
    assert_eq!(
        blocks,
        [("f.rs".to_string(), vec!["let a = 1;".to_string()])]
    );
    assert!(stands_in(&blocks[0].1, "fn t() {\n    let a = 1;\n}\n"));
    assert!(!stands_in(&blocks[0].1, "fn t() {\n    let a = 2;\n}\n"));
    assert!(marked_blocks("<!-- compiled: f.rs -->\ntext\n").is_err());
}
