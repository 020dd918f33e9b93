//! Mutated real pages never panic the pipeline, and every diagnostic points at a real
//! file and line. Seeds are fixed so that a failure reproduces; the fuzz target in
//! `generator/fuzz` explores further.

use graphdoc::diag::Code;
use graphdoc::pipeline::{self, SourceFile};
use graphdoc::rust::CrateOptions;

#[allow(dead_code)]
mod common;
mod parses;

/// The spec pages, plus a sample of the corpus when it is beside the repository.
fn seeds() -> Vec<SourceFile> {
    let mut files = pipeline::read_docs(&common::specs_docs()).expect("specs");
    if let Some(docs) = common::corpus::docs_2021() {
        let corpus = pipeline::read_docs(&docs).expect("the corpus reads");
        files.extend(corpus.into_iter().step_by(97));
    }
    files
}

fn mutate(rng: &mut fastrand::Rng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if out.is_empty() {
        return out;
    }
    let text = String::from_utf8_lossy(bytes).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    match rng.u8(0..8) {
        // Truncate anywhere, even inside a UTF-8 sequence.
        0 => out.truncate(rng.usize(0..out.len())),
        // Random bytes at random places.
        1 => {
            for _ in 0..rng.usize(1..20) {
                let at = rng.usize(0..out.len());
                out[at] = rng.u8(..);
            }
        }
        // Cut table rows short.
        2 => {
            return lines
                .iter()
                .map(|l| {
                    if l.starts_with('|') && rng.bool() {
                        &l[..rng.usize(0..=l.len()).min(l.len())]
                    } else {
                        l
                    }
                })
                .map(|l| l.as_bytes())
                .collect::<Vec<_>>()
                .join(&b'\n')
                .into_iter()
                .collect();
        }
        // Break JSON: drop braces, quotes and commas.
        3 => out.retain(|b| !(matches!(b, b'}' | b'"' | b',') && rng.u8(0..4) == 0)),
        // Duplicate a run of lines (sections, tables, annotations).
        4 => {
            let start = rng.usize(0..lines.len().max(1));
            let end = (start + rng.usize(1..40)).min(lines.len());
            let mut v: Vec<&str> = lines.clone();
            let dup: Vec<&str> = lines[start..end].to_vec();
            v.splice(end..end, dup);
            return v.join("\n").into_bytes();
        }
        // Swap two lines.
        5 if lines.len() > 1 => {
            let mut v = lines.clone();
            let (a, b) = (rng.usize(0..v.len()), rng.usize(0..v.len()));
            v.swap(a, b);
            return v.join("\n").into_bytes();
        }
        // Unbalanced braces and fences.
        6 => {
            let at = rng.usize(0..out.len());
            let junk: &[u8] = [
                &b"{"[..],
                b"}",
                b"```",
                b"<!-- {",
                b"|",
                b"\n## HTTP request\n",
                b"[x](",
                b"{id",
            ][rng.usize(0..8)];
            out.splice(at..at, junk.iter().copied());
        }
        _ => out.reverse(),
    }
    out
}

#[test]
fn mutated_pages_never_panic_and_diagnostics_are_located() {
    let seeds = seeds();
    let options = CrateOptions::new("test", "mutations");
    for round in 0..24u64 {
        let mut rng = fastrand::Rng::with_seed(round);
        let files: Vec<SourceFile> = seeds
            .iter()
            .map(|f| SourceFile {
                path: f.path.clone(),
                bytes: if rng.u8(0..3) == 0 {
                    mutate(&mut rng, &f.bytes)
                } else {
                    f.bytes.clone()
                },
            })
            .collect();
        let out = pipeline::run(&files, &options);
        parses::assert_crate_parses(&out.crate_files, &format!("round {round}"));
        for d in &out.diagnostics {
            assert_ne!(
                d.code,
                Code::Internal,
                "round {round}: generated Rust does not parse: {d}"
            );
            let file = files
                .iter()
                .find(|f| f.path == d.file)
                .unwrap_or_else(|| panic!("round {round}: diagnostic for an unknown file: {d}"));
            let lines = file.bytes.split(|&b| b == b'\n').count();
            assert!(
                d.line >= 1 && d.line <= lines,
                "round {round}: line out of range ({lines} lines): {d}"
            );
        }
    }
}
