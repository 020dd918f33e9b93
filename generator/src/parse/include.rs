//! `[!INCLUDE [label](target)]` lines: how the docs pull shared text into a page. Pages
//! written since 2024 keep their permissions table in such a file
//! (`../includes/permissions/<name>-permissions.md`); the other includes (SDK snippets,
//! national cloud notes) carry nothing the model uses and are left alone.

use serde::Serialize;

/// One include directive of a page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Include {
    /// 1-based line of the directive in the page.
    pub line: usize,
    /// The text in the inner brackets (`permissions-table`).
    pub label: String,
    /// The link target as written (`../includes/permissions/user-get-permissions.md`).
    pub target: String,
}

impl Include {
    /// The included file holds the page's permissions table.
    pub fn is_permissions(&self) -> bool {
        let file = self.target.rsplit(['/', '\\']).next().unwrap_or("");
        self.label.trim().eq_ignore_ascii_case("permissions-table")
            || file.to_ascii_lowercase().ends_with("-permissions.md")
    }
}

/// Every include directive of a page's text, outside fenced code blocks.
pub fn scan_includes(text: &str) -> Vec<Include> {
    let mut out = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(c) = marker {
            let run = trimmed.chars().take_while(|x| *x == c).count();
            if run >= 3 {
                match fence {
                    None => fence = Some((c, run)),
                    Some((open, len)) if open == c && run >= len => fence = None,
                    Some(_) => {}
                }
                continue;
            }
        }
        if fence.is_some() {
            continue;
        }
        let mut rest = line;
        while let Some(at) = find_ignore_case(rest, "[!INCLUDE") {
            rest = &rest[at + "[!INCLUDE".len()..];
            if let Some((label, target)) = directive_link(rest) {
                out.push(Include {
                    line: index + 1,
                    label,
                    target,
                });
            }
        }
    }
    out
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack.char_indices().map(|(i, _)| i).find(|&i| {
        haystack
            .get(i..i + needle.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(needle))
    })
}

/// ` [label](target)` right after `[!INCLUDE`.
fn directive_link(rest: &str) -> Option<(String, String)> {
    let rest = rest.trim_start().strip_prefix('[')?;
    let (label, rest) = rest.split_once(']')?;
    let rest = rest.trim_start().strip_prefix('(')?;
    let (target, _) = rest.split_once(')')?;
    let target = target.trim();
    // `[x](<path> "title")`: the path is the first word.
    let target = target.split_whitespace().next().unwrap_or("");
    let target = target.trim_start_matches('<').trim_end_matches('>');
    if target.is_empty() {
        return None;
    }
    Some((label.trim().to_string(), target.to_string()))
}

/// Why an include target is not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IncludeRefusal {
    /// A URL or an absolute path: not a file of the docs tree.
    NotRelative,
    /// `..` climbs above the root of the docs tree.
    LeavesTree,
}

/// The docs-relative path (`includes/permissions/x.md`) of `target` included from the page
/// at `page_path` (`api/x.md`), resolved by its words alone: nothing is read, and a path
/// that would leave the docs tree is refused.
pub fn resolve_include(page_path: &str, target: &str) -> Result<String, IncludeRefusal> {
    let target = target
        .split(['#', '?'])
        .next()
        .unwrap_or("")
        .replace('\\', "/");
    if target.starts_with('/') || target.contains(':') || target.is_empty() {
        return Err(IncludeRefusal::NotRelative);
    }
    let mut parts: Vec<&str> = page_path.split('/').collect();
    parts.pop(); // the page's own file name
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(IncludeRefusal::LeavesTree);
                }
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        return Err(IncludeRefusal::NotRelative);
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_directives_with_their_lines_and_skips_code() {
        let text = "intro\n\n<!-- { \"blockType\": \"permissions\", \"name\": \"w\" } -->\n[!INCLUDE [permissions-table](../includes/permissions/widget-get-permissions.md)]\n\n```md\n[!INCLUDE [permissions-table](../includes/inside-code.md)]\n```\n> [!include [national-cloud-support](../../includes/all-clouds.md)]\n|a|b [!INCLUDE [note](x.md)]|\n";
        let found = scan_includes(text);
        let lines: Vec<(usize, &str, &str)> = found
            .iter()
            .map(|i| (i.line, i.label.as_str(), i.target.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (
                    4,
                    "permissions-table",
                    "../includes/permissions/widget-get-permissions.md"
                ),
                (9, "national-cloud-support", "../../includes/all-clouds.md"),
                (10, "note", "x.md"),
            ]
        );
        assert!(found[0].is_permissions());
        assert!(!found[1].is_permissions());
    }

    #[test]
    fn a_permissions_file_is_known_by_its_name_too() {
        let include = Include {
            line: 1,
            label: "table".into(),
            target: "../includes/permissions/widget-update-permissions.md".into(),
        };
        assert!(include.is_permissions());
    }

    #[test]
    fn resolves_relative_to_the_page_and_refuses_to_leave_the_tree() {
        assert_eq!(
            resolve_include("api/widget-get.md", "../includes/permissions/w.md"),
            Ok("includes/permissions/w.md".to_string())
        );
        assert_eq!(
            resolve_include("api/widget-get.md", "./snippets/w.md#part"),
            Ok("api/snippets/w.md".to_string())
        );
        assert_eq!(
            resolve_include("api/widget-get.md", "../../../etc/passwd"),
            Err(IncludeRefusal::LeavesTree)
        );
        assert_eq!(
            resolve_include("api/widget-get.md", "../../includes/all-clouds.md"),
            Err(IncludeRefusal::LeavesTree)
        );
        assert_eq!(
            resolve_include("api/widget-get.md", "..\\..\\secret.md"),
            Err(IncludeRefusal::LeavesTree)
        );
        assert_eq!(
            resolve_include("api/widget-get.md", "/etc/passwd"),
            Err(IncludeRefusal::NotRelative)
        );
        assert_eq!(
            resolve_include("api/widget-get.md", "https://example.com/x.md"),
            Err(IncludeRefusal::NotRelative)
        );
    }
}
