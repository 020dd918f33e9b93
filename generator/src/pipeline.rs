//! The whole pipeline in memory: read a docs tree, parse, build, emit.

use crate::diag::Code;
use crate::diag::{Diagnostic, Severity};
use crate::model::{Model, build_model, splice_permission_includes};
use crate::parse::{Include, Page, parse_page, resolve_include, scan_includes};
use crate::rust::CrateOptions;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

/// One input page: its path relative to the docs root (`api/x.md`) and its bytes.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Reads every `*.md` under `root/api` and `root/resources`, sorted by path, and the
/// permissions include files those pages name (`includes/permissions/x.md`): only files
/// inside `root` are read (a target that leaves it, by `..` or a link, is not).
pub fn read_docs(root: &Path) -> std::io::Result<Vec<SourceFile>> {
    let mut paths = Vec::new();
    let mut found_dir = false;
    for dir in ["api", "resources"] {
        let sub = root.join(dir);
        if sub.is_dir() {
            found_dir = true;
            collect_md(&sub, &mut paths)?;
        }
    }
    if !found_dir {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!(
                "{} has neither an `api/` nor a `resources/` folder; point it at a docs tree such as `graph-docs/v1.0`",
                root.display()
            ),
        ));
    }
    // Thousands of small files: reading them in parallel overlaps the system calls.
    let mut files = paths
        .par_iter()
        .map(|path| {
            Ok(SourceFile {
                path: slash_path(root, path),
                bytes: std::fs::read(path)?,
            })
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let includes = read_permission_includes(root, &files)?;
    files.extend(includes);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The permissions include files that `pages` name and that exist inside `root`.
fn read_permission_includes(root: &Path, pages: &[SourceFile]) -> std::io::Result<Vec<SourceFile>> {
    let known: BTreeSet<&str> = pages.iter().map(|f| f.path.as_str()).collect();
    let wanted: BTreeSet<String> = pages
        .par_iter()
        .filter(|f| {
            f.bytes
                .windows(9)
                .any(|w| w.eq_ignore_ascii_case(b"[!include"))
        })
        .flat_map_iter(|f| {
            scan_includes(&String::from_utf8_lossy(&f.bytes))
                .into_iter()
                .filter(Include::is_permissions)
                .filter_map(|i| resolve_include(&f.path, &i.target).ok())
                .collect::<Vec<_>>()
        })
        .collect();
    let root = root.canonicalize()?;
    let mut out = Vec::new();
    for rel in wanted {
        if known.contains(rel.as_str()) {
            continue;
        }
        // A missing file is the model's to report (`missing-include`); a file that is a
        // link out of the tree is treated as missing.
        let Ok(real) = root.join(&rel).canonicalize() else {
            continue;
        };
        if !real.starts_with(&root) || !real.is_file() {
            continue;
        }
        out.push(SourceFile {
            bytes: std::fs::read(&real)?,
            path: rel,
        });
    }
    Ok(out)
}

/// Files of the tree that pages include rather than pages of their own.
pub fn is_include_file(path: &str) -> bool {
    path.starts_with("includes/")
}

fn collect_md(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect_md(&path, out)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    Ok(())
}

/// `path` relative to `root`, with `/` separators whatever the platform.
pub fn slash_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    pub pages: usize,
    pub types: usize,
    pub enums: usize,
    pub operations: usize,
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Timings {
    pub parse: Duration,
    pub build: Duration,
    pub openapi: Duration,
    pub rust: Duration,
}

pub struct Output {
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
    pub openapi: String,
    /// Files of the generated crate, by path relative to the crate root.
    pub crate_files: BTreeMap<String, String>,
    pub stats: Stats,
    pub timings: Timings,
}

/// Parses every page (in parallel), splices the permissions tables of include files into
/// the pages that include them, then builds the model. Files under `includes/` are read
/// only as includes, not as pages.
pub fn parse_and_build(files: &[SourceFile]) -> (Vec<Page>, Model, Vec<Diagnostic>, Timings) {
    let mut timings = Timings::default();
    let t = Instant::now();
    let parsed: Vec<(Page, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|f| parse_page(&f.path, &f.bytes))
        .collect();
    timings.parse = t.elapsed();
    let t = Instant::now();
    let mut diagnostics = Vec::new();
    let mut pages = Vec::with_capacity(parsed.len());
    let mut included = Vec::new();
    for (page, d) in parsed {
        if is_include_file(&page.path) {
            // Include files may go without front matter.
            diagnostics.extend(d.into_iter().filter(|d| d.code != Code::NoFrontMatter));
            included.push(page);
        } else {
            pages.push(page);
            diagnostics.extend(d);
        }
    }
    // An include may name a page of the tree too: those are looked up in a copy.
    let targets: BTreeSet<String> = pages
        .iter()
        .flat_map(|p| {
            p.includes
                .iter()
                .filter(|i| i.is_permissions())
                .filter_map(|i| resolve_include(&p.path, &i.target).ok())
        })
        .collect();
    let included_pages: Vec<Page> = pages
        .iter()
        .filter(|p| targets.contains(&p.path))
        .cloned()
        .collect();
    let by_path: BTreeMap<&str, &Page> = included
        .iter()
        .chain(&included_pages)
        .map(|p| (p.path.as_str(), p))
        .collect();
    diagnostics.extend(splice_permission_includes(&mut pages, &by_path));
    let (model, d) = build_model(&pages);
    diagnostics.extend(d);
    diagnostics.sort();
    diagnostics.dedup();
    timings.build = t.elapsed();
    (pages, model, diagnostics, timings)
}

/// Runs every stage. Never fails: problems are diagnostics.
pub fn run(files: &[SourceFile], options: &CrateOptions) -> Output {
    let (pages, model, mut diagnostics, mut timings) = parse_and_build(files);
    // Freed before the emitters run, so that they reuse the pages' memory instead of
    // asking the kernel for fresh (zeroed) pages.
    let page_count = pages.len();
    drop(pages);
    let header = format!(
        "Generated by `{}` from {}. Do not edit.",
        options.command, options.docs_label
    );
    // YAML serialization is one thread's work: it runs beside the Rust emission, whose
    // parallel chunks fill the other threads.
    let ((openapi, openapi_time), ((crate_files, rust_diags), rust_time)) = rayon::join(
        || timed(|| crate::openapi::emit_yaml(&model, &header, options.api_version)),
        || timed(|| crate::rust::emit_crate(&model, options)),
    );
    timings.openapi = openapi_time;
    timings.rust = rust_time;
    diagnostics.extend(rust_diags);
    let openapi = openapi.unwrap_or_else(|e| {
        diagnostics.push(Diagnostic::internal(format!(
            "the OpenAPI document could not be serialized as YAML: {e}"
        )));
        format!("# {header}\n")
    });
    diagnostics.sort();
    diagnostics.dedup();
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let stats = Stats {
        pages: page_count,
        types: model.types.len(),
        enums: model.enums.len(),
        operations: model.operations.len(),
        errors,
        warnings: diagnostics.len() - errors,
    };
    Output {
        model,
        diagnostics,
        openapi,
        crate_files,
        stats,
        timings,
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

/// The machine-readable report: counts, diagnostics by code, and every diagnostic.
pub fn report_json(output: &Output) -> String {
    #[derive(Serialize)]
    struct Report<'a> {
        stats: &'a Stats,
        by_code: BTreeMap<&'static str, usize>,
        diagnostics: &'a [Diagnostic],
    }
    let report = Report {
        stats: &output.stats,
        by_code: count_by_code(&output.diagnostics),
        diagnostics: &output.diagnostics,
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        + "\n"
}

pub fn count_by_code(diags: &[Diagnostic]) -> BTreeMap<&'static str, usize> {
    let mut by_code = BTreeMap::new();
    for d in diags {
        *by_code.entry(d.code.id()).or_insert(0) += 1;
    }
    by_code
}
