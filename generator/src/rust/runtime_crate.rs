//! The runtime (`generator/runtime`, the crate `graph-runtime`) as a generated crate
//! gets it: a copy of its files under `src/runtime/` (the default, so that the crate
//! builds wherever it is moved), or a dependency on the crate by path or version.
//!
//! The files are the crate's own, embedded here with `include_str!`: one source, whose
//! unit tests (the `#[cfg(test)]` items) are left out of the copies.

use std::fmt;
use std::str::FromStr;

/// The package name of the runtime crate.
pub const PACKAGE: &str = "graph-runtime";

/// The runtime crate's root: its docs, `mod` declarations and re-exports.
const LIB: &str = include_str!("../../runtime/src/lib.rs");

/// The runtime crate's manifest: its version, dependencies and features.
const MANIFEST: &str = include_str!("../../runtime/Cargo.toml");

/// The runtime's modules, as the `mod` declarations of its `lib.rs` name them (a test
/// checks the two agree), with the text of each.
pub const MODULES: [(&str, &str); 19] = [
    ("error", include_str!("../../runtime/src/error.rs")),
    ("json", include_str!("../../runtime/src/json.rs")),
    ("members", include_str!("../../runtime/src/members.rs")),
    ("object", include_str!("../../runtime/src/object.rs")),
    ("path", include_str!("../../runtime/src/path.rs")),
    ("query", include_str!("../../runtime/src/query.rs")),
    ("request", include_str!("../../runtime/src/request.rs")),
    ("retry", include_str!("../../runtime/src/retry.rs")),
    ("view", include_str!("../../runtime/src/view.rs")),
    ("auth", include_str!("../../runtime/src/auth.rs")),
    ("batch", include_str!("../../runtime/src/batch.rs")),
    ("client", include_str!("../../runtime/src/client.rs")),
    ("delta", include_str!("../../runtime/src/delta.rs")),
    (
        "notifications",
        include_str!("../../runtime/src/notifications.rs"),
    ),
    (
        "notifications/resource_data",
        include_str!("../../runtime/src/notifications/resource_data.rs"),
    ),
    ("odata", include_str!("../../runtime/src/odata.rs")),
    ("testing", include_str!("../../runtime/src/testing.rs")),
    (
        "testing/webhooks",
        include_str!("../../runtime/src/testing/webhooks.rs"),
    ),
    ("upload", include_str!("../../runtime/src/upload.rs")),
];

/// The module a generated crate compiles as its own whatever the source: the models add
/// methods to `Object`, which only the crate that defines it may.
const OWN_MODULE: &str = "object";

/// The runtime's dependencies that the examples name: streams, and the webhook
/// example's HTTP server.
const EXAMPLES_USE: [&str; 4] = ["futures-util", "hyper", "hyper-util", "http-body-util"];

/// The dependencies that generated code names itself (dates, ids, JSON, and serde in
/// `string_enum!`), which a crate that depends on the runtime needs beside it.
const NAMED_BY_GENERATED_CODE: [&str; 4] = ["chrono", "serde", "serde_json", "uuid"];

/// The runtime's own text: its `lib.rs` and the file of each module.
pub fn lib_source() -> &'static str {
    LIB
}

/// How a generated crate gets the runtime.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum RuntimeSource {
    /// A copy of the runtime's files under `src/runtime/`.
    #[default]
    Vendored,
    /// A dependency on the runtime crate in this folder (relative to the generated
    /// crate's folder, or absolute).
    Path(String),
    /// A dependency on a published version of the runtime (a Cargo version requirement).
    Version(String),
}

impl FromStr for RuntimeSource {
    type Err = String;

    /// `vendored`, `path=DIR` or `version=REQ`.
    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once('=') {
            None if s == "vendored" => Ok(Self::Vendored),
            Some(("path", dir)) if !dir.is_empty() => Ok(Self::Path(dir.replace('\\', "/"))),
            Some(("version", req)) if !req.is_empty() => Ok(Self::Version(req.to_string())),
            _ => Err(format!(
                "`{s}`: expected `vendored`, `path=DIR` or `version=REQ`"
            )),
        }
    }
}

impl fmt::Display for RuntimeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Vendored => f.write_str("vendored"),
            Self::Path(dir) => write!(f, "path={dir}"),
            Self::Version(req) => write!(f, "version={req}"),
        }
    }
}

/// The runtime's package version, from its manifest.
pub fn version() -> Result<String, String> {
    let package = table(MANIFEST, "package").ok_or("the runtime's manifest has no [package]")?;
    entry(&package, "version")
        .and_then(|line| line.split('"').nth(1).map(str::to_string))
        .ok_or_else(|| "the runtime's manifest has no version".to_string())
}

/// The runtime's `COMPATIBILITY` constant, which a generated crate that depends on the
/// runtime checks.
pub fn compatibility() -> Result<u32, String> {
    let file = syn::parse_file(LIB).map_err(|e| format!("the runtime's lib.rs: {e}"))?;
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Const(c) if c.ident == "COMPATIBILITY" => match &*c.expr {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(n),
                    ..
                }) => n.base10_parse().ok(),
                _ => None,
            },
            _ => None,
        })
        .ok_or_else(|| "the runtime's lib.rs has no integer COMPATIBILITY".to_string())
}

/// The runtime's files as `source` gives them to a generated crate, by path relative to
/// the crate's root. `header` is the crate's "Generated by" line, which the copies
/// extend with what they are a copy of; `mod_rs` is the runtime module the crate writes
/// itself when it depends on the runtime.
pub fn files(
    source: &RuntimeSource,
    command: &str,
    mod_rs: impl FnOnce() -> String,
) -> Result<Vec<(String, String)>, String> {
    let version = version()?;
    let copy = |file: &str, text: &str| -> Result<String, String> {
        let body = without_tests(text).map_err(|e| format!("{file}: {e}"))?;
        Ok(format!(
            "// Generated by `{command}` as a copy of {PACKAGE} {version} ({file}). Do not edit.\n\n{body}"
        ))
    };
    let mut out = Vec::new();
    match source {
        RuntimeSource::Vendored => {
            out.push(("src/runtime/mod.rs".to_string(), copy("src/lib.rs", LIB)?));
            for (name, text) in MODULES {
                let file = format!("src/{name}.rs");
                out.push((format!("src/runtime/{name}.rs"), copy(&file, text)?));
            }
        }
        RuntimeSource::Path(_) | RuntimeSource::Version(_) => {
            out.push(("src/runtime/mod.rs".to_string(), mod_rs()));
            let text = MODULES
                .iter()
                .find(|(name, _)| *name == OWN_MODULE)
                .map(|(_, text)| *text)
                .ok_or("no object module")?;
            let file = format!("src/{OWN_MODULE}.rs");
            out.push((format!("src/runtime/{OWN_MODULE}.rs"), copy(&file, text)?));
        }
    }
    Ok(out)
}

/// The name of the module a crate that depends on the runtime compiles as its own.
pub fn own_module() -> &'static str {
    OWN_MODULE
}

/// `text` without its `#[cfg(test)]` items (unit tests, and the alias the runtime's macros
/// need only at the crate's root), each removed with its whole lines and the blank line
/// before it. Located with the syntax tree, so that comments and layout stay as written.
pub fn without_tests(text: &str) -> Result<String, String> {
    let file = syn::parse_file(text).map_err(|e| e.to_string())?;
    let mut drop: Vec<(usize, usize)> = Vec::new();
    for item in &file.items {
        if !crate_only(item) {
            continue;
        }
        let tokens = quote::ToTokens::to_token_stream(item);
        let mut spans = tokens.into_iter().map(|t| t.span());
        let (Some(first), Some(last)) = (spans.next(), spans.last()) else {
            continue;
        };
        drop.push((first.start().line, last.end().line));
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut keep = vec![true; lines.len()];
    for (start, end) in drop {
        // Lines are counted from 1.
        if start == 0 || end > lines.len() || start > end {
            return Err(format!("an item at lines {start}-{end} is out of the file"));
        }
        for k in &mut keep[start - 1..end] {
            *k = false;
        }
        if start >= 2 && lines[start - 2].trim().is_empty() {
            keep[start - 2] = false;
        }
    }
    Ok(lines
        .iter()
        .zip(keep)
        .filter_map(|(line, keep)| keep.then_some(*line))
        .collect())
}

/// What a copy leaves out: `#[cfg(test)]` items, and the root's `pub use crate as
/// runtime`, which in a copy would name the crate that holds it.
fn crate_only(item: &syn::Item) -> bool {
    let attrs: &[syn::Attribute] = match item {
        syn::Item::Mod(m) => &m.attrs,
        syn::Item::Use(u) => {
            if let syn::UseTree::Rename(r) = &u.tree
                && r.ident == "crate"
                && r.rename == "runtime"
            {
                return true;
            }
            &u.attrs
        }
        syn::Item::Fn(f) => &f.attrs,
        _ => return false,
    };
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|arg| arg == "test")
    })
}

/// The names of the runtime's features (`default` aside), which a generated crate has
/// too, so that no doc area may take them.
pub fn feature_names() -> Vec<String> {
    table(MANIFEST, "features")
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = ").map(|(name, _)| name.trim().to_string()))
        .filter(|name| name != "default")
        .collect()
}

/// The `[dependencies]` and features a generated crate carries for the runtime, for its
/// `Cargo.toml`: `(dependencies, features, dev_dependencies)`.
pub fn manifest_parts(source: &RuntimeSource) -> Result<ManifestParts, String> {
    let dependencies =
        table(MANIFEST, "dependencies").ok_or("the runtime's manifest has no [dependencies]")?;
    let features = table(MANIFEST, "features").ok_or("the runtime's manifest has no [features]")?;
    let feature_lines: Vec<&str> = features
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("default "))
        .collect();
    match source {
        RuntimeSource::Vendored => Ok(ManifestParts {
            dependencies: dependencies.trim_end().to_string(),
            features: feature_lines.join("\n"),
            dev_dependencies: String::new(),
        }),
        RuntimeSource::Path(dir) => {
            dependency_parts(&format!("path = {dir:?}"), &dependencies, &feature_lines)
        }
        RuntimeSource::Version(req) => {
            dependency_parts(&format!("version = {req:?}"), &dependencies, &feature_lines)
        }
    }
}

/// [`manifest_parts`] for a crate that depends on the runtime (`at` says where from).
fn dependency_parts(
    at: &str,
    dependencies: &str,
    feature_lines: &[&str],
) -> Result<ManifestParts, String> {
    let mut deps = vec![format!(
        "{PACKAGE} = {{ {at}, default-features = false }}\n\
                 # What the models and operations name themselves: dates, ids, JSON, and\n\
                 # serde for the enums' impls."
    )];
    for name in NAMED_BY_GENERATED_CODE {
        deps.push(
            entry(dependencies, name)
                .ok_or_else(|| format!("the runtime does not depend on {name}"))?
                .to_string(),
        );
    }
    // Each feature turns on the runtime's feature of the same name, and the
    // crate's own features that the runtime's turns on.
    let mut forwarded = Vec::new();
    for line in feature_lines {
        let (name, list) = line
            .split_once(" = ")
            .ok_or_else(|| format!("the runtime's feature line `{line}`"))?;
        let mut enables: Vec<String> = list
            .trim_matches(|c| c == '[' || c == ']')
            .split(',')
            .map(|f| f.trim().trim_matches('"'))
            .filter(|f| !f.is_empty() && !f.contains(':') && !f.contains('/'))
            .map(|f| format!("{f:?}"))
            .collect();
        enables.push(format!("\"{PACKAGE}/{name}\""));
        forwarded.push(format!("{name} = [{}]", enables.join(", ")));
    }
    Ok(ManifestParts {
        dependencies: deps.join("\n"),
        features: forwarded.join("\n"),
        dev_dependencies: EXAMPLES_USE
            .iter()
            .map(|name| {
                entry(dependencies, name)
                    .map(|l| l.replace(", optional = true", ""))
                    .ok_or_else(|| format!("the runtime does not depend on {name}"))
            })
            .collect::<Result<Vec<_>, _>>()?
            .join("\n"),
    })
}

/// What a generated crate's `Cargo.toml` carries for the runtime.
pub struct ManifestParts {
    /// Lines of `[dependencies]`.
    pub dependencies: String,
    /// Lines of `[features]`: the runtime's, or features that turn them on.
    pub features: String,
    /// Lines of `[dev-dependencies]` that the examples need beside the runtime.
    pub dev_dependencies: String,
}

/// The text of a table of a Cargo manifest, from the line after its header to the next
/// header. The runtime's manifest keeps to one entry a line, which this relies on.
fn table(manifest: &str, name: &str) -> Option<String> {
    let header = format!("[{name}]");
    let mut lines = manifest.lines().skip_while(|l| l.trim() != header);
    lines.next()?;
    let body: Vec<&str> = lines.take_while(|l| !l.starts_with('[')).collect();
    // Comments before the next header belong to it.
    let end = body
        .iter()
        .rposition(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map_or(0, |i| i + 1);
    Some(body[..end].iter().map(|l| format!("{l}\n")).collect())
}

/// The line of `key` in a table's text.
fn entry<'a>(table: &'a str, key: &str) -> Option<&'a str> {
    table
        .lines()
        .find(|l| l.split_once('=').is_some_and(|(k, _)| k.trim() == key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_leave_the_unit_tests_out_and_keep_the_rest_as_written() {
        let text = "//! Docs.\n\nuse a::b; // why\n\n/// Alias.\n#[doc(hidden)]\npub use crate as runtime;\n\npub fn f() {}\n\n#[cfg(test)]\nmod tests;\n";
        assert_eq!(
            without_tests(text).unwrap(),
            "//! Docs.\n\nuse a::b; // why\n\npub fn f() {}\n"
        );
        let inline =
            "fn g() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {}\n}\n\nfn h() {}\n";
        assert_eq!(without_tests(inline).unwrap(), "fn g() {}\n\nfn h() {}\n");
        for (name, text) in MODULES {
            let copy = without_tests(text).unwrap();
            assert!(!copy.contains("#[cfg(test)]"), "{name}");
            assert!(syn::parse_file(&copy).is_ok(), "{name}");
        }
    }

    #[test]
    fn the_manifest_gives_version_tables_and_entries() {
        assert!(version().unwrap().split('.').count() == 3);
        assert!(compatibility().unwrap() >= 1);
        let deps = table(MANIFEST, "dependencies").unwrap();
        assert!(
            entry(&deps, "serde_json")
                .unwrap()
                .contains("preserve_order")
        );
        assert!(!deps.contains("[features]") && !deps.ends_with("#\n"));
        let Ok(parts) = manifest_parts(&RuntimeSource::Path("../runtime".into())) else {
            panic!("parts");
        };
        assert!(
            parts
                .dependencies
                .starts_with("graph-runtime = { path = \"../runtime\"")
        );
        assert!(
            parts
                .features
                .contains("client = [\"client-no-provider\", \"graph-runtime/client\"]")
        );
    }

    #[test]
    fn sources_read_as_the_option_spells_them() {
        for s in ["vendored", "path=../graph/generator/runtime", "version=0.1"] {
            assert_eq!(s.parse::<RuntimeSource>().unwrap().to_string(), s);
        }
        assert!("path=".parse::<RuntimeSource>().is_err());
        assert!("crates".parse::<RuntimeSource>().is_err());
    }
}
