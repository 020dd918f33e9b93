//! Permissions tables kept in include files (`[!INCLUDE [permissions-table](...)]`),
//! spliced into the page that includes them before the model is built, so that the page
//! reads as if the table stood where the directive is.
//!
//! Targets are resolved by their words, relative to the including page, and looked up
//! among the files of the docs tree that were read; a target that would leave the tree
//! is refused and never looked up.

use crate::diag::{Code, Diagnostic};
use crate::parse::{Include, IncludeRefusal, Item, Page, Table, resolve_include};
use std::collections::BTreeMap;

/// Splices the tables of every permissions include into the section holding its
/// directive. `files` are the other files of the tree by path (include files and pages).
/// The tables keep the directive's line, so that anything said about them points at
/// the page.
pub fn splice_permission_includes(
    pages: &mut [Page],
    files: &BTreeMap<&str, &Page>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for page in pages.iter_mut() {
        let directives: Vec<Include> = page
            .includes
            .iter()
            .filter(|i| i.is_permissions())
            .cloned()
            .collect();
        for include in directives {
            match resolve_include(&page.path, &include.target) {
                Err(refusal) => {
                    let why = match refusal {
                        IncludeRefusal::LeavesTree => "leaves the docs tree",
                        IncludeRefusal::NotRelative => "is not a path inside the docs tree",
                    };
                    diags.push(
                        Diagnostic::warning(
                            &page.path,
                            include.line,
                            Code::IncludeOutsideDocs,
                            format!(
                                "the include `{}` {why}; it was not read, and the operation has no permissions from it",
                                include.target
                            ),
                        )
                        .with_help("include files by a path relative to the page that stays inside the docs tree, such as `../includes/permissions/<name>-permissions.md`"),
                    );
                }
                Ok(path) => match files.get(path.as_str()) {
                    None => diags.push(
                        Diagnostic::warning(
                            &page.path,
                            include.line,
                            Code::MissingInclude,
                            format!(
                                "expected the permissions include `{}` at `{path}` in the docs tree, found no such file; the operation has no permissions",
                                include.target
                            ),
                        )
                        .with_help("point `--docs` at a tree whose `includes/` folder sits beside `api/`, or fix the path"),
                    ),
                    Some(included) => {
                        let tables: Vec<Table> = included
                            .intro
                            .iter()
                            .chain(included.sections.iter().flat_map(|s| &s.items))
                            .filter_map(|item| match item {
                                Item::Table(t) if t.column(&["permission type"]).is_some() => {
                                    Some(at_line(t, include.line))
                                }
                                _ => None,
                            })
                            .collect();
                        if tables.is_empty() {
                            diags.push(Diagnostic::warning(
                                &page.path,
                                include.line,
                                Code::MissingInclude,
                                format!(
                                    "expected a `Permission type` table in the include `{path}`, found none; the operation has no permissions"
                                ),
                            ));
                        }
                        let items = match page
                            .sections
                            .iter_mut()
                            .rev()
                            .find(|s| s.line <= include.line)
                        {
                            Some(section) => &mut section.items,
                            None => &mut page.intro,
                        };
                        items.extend(tables.into_iter().map(Item::Table));
                    }
                },
            }
        }
    }
    diags
}

fn at_line(table: &Table, line: usize) -> Table {
    let mut table = table.clone();
    table.line = line;
    for row in &mut table.rows {
        row.line = line;
        for cell in &mut row.cells {
            cell.line = line;
        }
    }
    table
}
