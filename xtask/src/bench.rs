//! `cargo xtask bench`: timings of each phase of `gen` run one after another, and of a
//! whole `gen` (which emits OpenAPI and Rust concurrently), beside a floor measured in
//! the same run (reading every page and running pulldown-cmark over it, nothing else).

use anyhow::{Context, Result};
use graphdoc::model::build_model;
use graphdoc::parse::{Page, parse_page};
use graphdoc::pipeline::{self, SourceFile};
use graphdoc::rust::CrateOptions;
use rayon::prelude::*;
use std::path::Path;
use std::time::{Duration, Instant};

pub struct Row {
    pub phase: &'static str,
    pub median: Duration,
}

/// Runs every phase `runs` times and keeps the median of each.
/// With `csdl`, the drift report against it is timed too.
pub fn run(docs: &Path, csdl: Option<&Path>, runs: usize) -> Result<Vec<Row>> {
    let runs = runs.max(1);
    let mut samples: Vec<(&'static str, Vec<Duration>)> = [
        "floor: read + pulldown-cmark",
        "read",
        "parse (parallel)",
        "build model",
        "emit OpenAPI",
        "  of which the document, no YAML",
        "  YAML 1.1 quoting of the whole YAML, one thread",
        "emit Rust (with formatting)",
        "write",
        "total gen (OpenAPI beside Rust)",
        "gen --sarif: the SARIF log (build + write)",
        "drift: read CSDL, compare, write Markdown + JSON",
    ]
    .into_iter()
    .filter(|p| csdl.is_some() || !p.starts_with("drift"))
    .map(|p| (p, Vec::new()))
    .collect();
    let version = crate::docs_version(docs, None).unwrap_or_default();
    let options =
        CrateOptions::new("cargo xtask bench", crate::docs_name(docs)).with_api_version(version);
    let out_dir = tempfile_dir()?;
    for _ in 0..runs {
        let t = Instant::now();
        let sources = pipeline::read_docs(docs)?;
        floor(&sources);
        samples[0].1.push(t.elapsed());

        let t = Instant::now();
        let sources = pipeline::read_docs(docs)?;
        samples[1].1.push(t.elapsed());
        let t = Instant::now();
        let pages: Vec<Page> = sources
            .par_iter()
            .map(|s| parse_page(&s.path, &s.bytes).0)
            .collect();
        samples[2].1.push(t.elapsed());
        let t = Instant::now();
        let (model, _) = build_model(&pages);
        samples[3].1.push(t.elapsed());
        let t = Instant::now();
        let openapi = graphdoc::openapi::emit_yaml(&model, "bench", options.api_version)?;
        samples[4].1.push(t.elapsed());
        // The rest of the phase is serde_yaml's.
        let t = Instant::now();
        std::hint::black_box(graphdoc::openapi::emit(&model, options.api_version));
        samples[5].1.push(t.elapsed());
        // Already quoted, so this is the scan alone; `emit_yaml` runs it on its chunks
        // in parallel.
        let t = Instant::now();
        std::hint::black_box(graphdoc::yaml11::quote_for_yaml11(&openapi).len());
        samples[6].1.push(t.elapsed());
        let t = Instant::now();
        let (files, _) = graphdoc::rust::emit_crate(&model, &options);
        samples[7].1.push(t.elapsed());
        let t = Instant::now();
        std::fs::write(out_dir.join("openapi.yaml"), &openapi)?;
        for (rel, text) in &files {
            let path = crate::safe_join(&out_dir.join("crate"), rel)?;
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        }
        samples[8].1.push(t.elapsed());

        // What `gen` does, end to end: the phases above, OpenAPI and Rust concurrently.
        let t = Instant::now();
        let gen_out = crate::gen_into(docs, &out_dir.join("gen"), version, Default::default())?;
        samples[9].1.push(t.elapsed());

        let t = Instant::now();
        let diags = &gen_out.output.diagnostics;
        crate::sarif::write(diags, "api-reference/v1.0", &out_dir.join("report.sarif"))?;
        samples[10].1.push(t.elapsed());

        if let Some(csdl) = csdl {
            let t = Instant::now();
            let metadata = crate::fidelity::Csdl::read(csdl)?;
            let (_, drift) = crate::drift::run(&pages, &model, &metadata);
            let text = crate::drift::markdown(&drift, "docs", "csdl");
            std::fs::write(out_dir.join("drift.md"), text)?;
            std::fs::write(
                out_dir.join("drift.json"),
                serde_json::to_string_pretty(&drift)?,
            )?;
            samples[11].1.push(t.elapsed());
        }
    }
    let _ = std::fs::remove_dir_all(&out_dir);
    Ok(samples
        .into_iter()
        .map(|(phase, mut v)| {
            v.sort();
            Row {
                phase,
                median: v[v.len() / 2],
            }
        })
        .collect())
}

/// Reading is done by the caller; this runs the Markdown parser over every page.
fn floor(sources: &[SourceFile]) {
    let events: usize = sources
        .par_iter()
        .map(|s| {
            let text = String::from_utf8_lossy(&s.bytes);
            pulldown_cmark::Parser::new_ext(&text, pulldown_cmark::Options::ENABLE_TABLES).count()
        })
        .sum();
    std::hint::black_box(events);
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("graphdoc-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The table, with each phase's ratio to the floor.
pub fn table(rows: &[Row]) -> String {
    let floor = rows.first().map_or(Duration::ZERO, |r| r.median);
    let mut out = format!("{:<32} {:>12} {:>10}\n", "phase", "median", "× floor");
    for r in rows {
        let ratio = if floor.is_zero() {
            f64::NAN
        } else {
            r.median.as_secs_f64() / floor.as_secs_f64()
        };
        out.push_str(&format!(
            "{:<32} {:>12.2?} {:>10.2}\n",
            r.phase, r.median, ratio
        ));
    }
    out
}

/// Peak resident memory of this process so far, from `/proc` (Linux only).
pub fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
}
