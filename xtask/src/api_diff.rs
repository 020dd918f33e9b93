//! What a regeneration changes in the generated crate's API, by name: functions,
//! types, enums and their members, methods (accessors) and traits added and removed.

use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};

/// The API items of the generated crate's sources, before and after.
#[derive(Debug, Default, PartialEq)]
pub struct ApiChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Removed items whose request or member lives on under another spelling: a
    /// `_2` merged into its base name, `contactfolders` now `contact_folders`.
    pub renamed: Vec<(String, String)>,
}

impl ApiChanges {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }

    /// A few lines for a person: counts, then the names (at most `limit` of each).
    pub fn summary(&self, limit: usize) -> String {
        let mut out = format!(
            "API: {} added, {} removed ({} of them renamed)\n",
            self.added.len(),
            self.removed.len(),
            self.renamed.len()
        );
        for (old, new) in self.renamed.iter().take(limit) {
            out.push_str(&format!("  ~ {old} -> {new}\n"));
        }
        if self.renamed.len() > limit {
            out.push_str(&format!(
                "  ~ ... and {} more\n",
                self.renamed.len() - limit
            ));
        }
        for (sign, names) in [("+", &self.added), ("-", &self.removed)] {
            for name in names.iter().take(limit) {
                out.push_str(&format!("  {sign} {name}\n"));
            }
            if names.len() > limit {
                out.push_str(&format!("  {sign} ... and {} more\n", names.len() - limit));
            }
        }
        out
    }
}

/// Compares the Rust sources of `old` and `new` (path → text; other files are left
/// out). A file that does not parse is an error: the API could not be read.
pub fn api_changes(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Result<ApiChanges> {
    let before = items_of(old)?;
    let after = items_of(new)?;
    let removed: Vec<String> = before.difference(&after).cloned().collect();
    Ok(ApiChanges {
        added: after.difference(&before).cloned().collect(),
        renamed: renames(&removed, &after),
        removed,
    })
}

/// Each removed item paired with the item now spelled the same way but for `_`,
/// letter case and a numeric `_N` suffix.
fn renames(removed: &[String], after: &BTreeSet<String>) -> Vec<(String, String)> {
    let mut by_key: BTreeMap<String, &String> = BTreeMap::new();
    for item in after {
        by_key.entry(rename_key(item)).or_insert(item);
    }
    removed
        .iter()
        .filter_map(|old| Some((old.clone(), (*by_key.get(&rename_key(old))?).clone())))
        .collect()
}

/// `fn get_me_contactfolders_2` → `fn getmecontactfolders`.
fn rename_key(item: &str) -> String {
    let base = match item.rsplit_once('_') {
        Some((head, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => item,
    };
    base.chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

fn items_of(files: &BTreeMap<String, String>) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".rs")) {
        let file = syn::parse_file(text).with_context(|| format!("reading the API of {path}"))?;
        collect(&file.items, &mut out);
    }
    Ok(out)
}

fn collect(items: &[syn::Item], out: &mut BTreeSet<String>) {
    for item in items {
        match item {
            syn::Item::Fn(f) if is_pub(&f.vis) => {
                out.insert(format!("fn {}", f.sig.ident));
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                out.insert(format!("type {}", t.ident));
            }
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                out.insert(format!("struct {}", s.ident));
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                out.insert(format!("enum {}", e.ident));
                for v in &e.variants {
                    out.insert(format!("enum {}::{}", e.ident, v.ident));
                }
            }
            syn::Item::Trait(t) if is_pub(&t.vis) => {
                out.insert(format!("trait {}", t.ident));
                for i in &t.items {
                    if let syn::TraitItem::Fn(f) = i {
                        out.insert(format!("trait {}::{}", t.ident, f.sig.ident));
                    }
                }
            }
            syn::Item::Impl(i) if i.trait_.is_none() => {
                let syn::Type::Path(owner) = i.self_ty.as_ref() else {
                    continue;
                };
                let Some(owner) = owner.path.segments.last() else {
                    continue;
                };
                for member in &i.items {
                    if let syn::ImplItem::Fn(f) = member
                        && is_pub(&f.vis)
                    {
                        out.insert(format!("{}::{}", owner.ident, f.sig.ident));
                    }
                }
            }
            syn::Item::Mod(m) if is_pub(&m.vis) => {
                if let Some((_, inner)) = &m.content {
                    collect(inner, out);
                }
            }
            _ => {}
        }
    }
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(text: &str) -> BTreeMap<String, String> {
        BTreeMap::from([("generated/src/models.rs".to_string(), text.to_string())])
    }

    #[test]
    fn accessors_types_and_members_are_told_apart() {
        let old = files(
            "pub type Overview = Object<tags::Overview>;\nimpl Overview { pub fn pending_count(&self) {} pub fn set_pending_count(&mut self) {} }\npub enum Status { On, Off }\nfn private() {}",
        );
        let new = files(
            "pub type Overview = Object<tags::Overview>;\nimpl Overview { pub fn failed_count(&self) {} }\npub enum Status { On, Off, Unknown }\npub fn get_overview() {}",
        );
        let changes = api_changes(&old, &new).unwrap();
        assert_eq!(
            changes.added,
            [
                "Overview::failed_count",
                "enum Status::Unknown",
                "fn get_overview"
            ]
        );
        assert_eq!(
            changes.removed,
            ["Overview::pending_count", "Overview::set_pending_count"]
        );
        assert!(changes.summary(1).contains("... and 1 more"));
    }

    #[test]
    fn merged_and_respelled_functions_are_named_as_renames() {
        let old = files(
            "pub fn get_users_item() {}\npub fn get_users_item_2() {}\npub fn get_me_contactfolders() {}\npub fn gone() {}",
        );
        let new = files("pub fn get_users_item() {}\npub fn get_me_contact_folders() {}");
        let changes = api_changes(&old, &new).unwrap();
        assert_eq!(
            changes.renamed,
            [
                (
                    "fn get_me_contactfolders".to_string(),
                    "fn get_me_contact_folders".to_string()
                ),
                (
                    "fn get_users_item_2".to_string(),
                    "fn get_users_item".to_string()
                ),
            ]
        );
        assert_eq!(changes.removed.len(), 3);
        assert!(
            changes
                .summary(5)
                .contains("~ fn get_users_item_2 -> fn get_users_item")
        );
    }

    #[test]
    fn a_file_that_does_not_parse_is_an_error() {
        assert!(api_changes(&files("pub fn ("), &files("")).is_err());
    }
}
