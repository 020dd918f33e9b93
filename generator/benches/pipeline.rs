//! `cargo bench -p graphdoc`: each stage on `specs/docs`, and on the v1.0 corpus when it
//! is beside the repository, beside a floor that only runs pulldown-cmark.

use graphdoc::model::build_model;
use graphdoc::parse::parse_page;
use graphdoc::pipeline::{self, SourceFile};
use graphdoc::rust::CrateOptions;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn main() {
    divan::main();
}

fn docs_trees() -> &'static [(&'static str, Vec<SourceFile>)] {
    static TREES: OnceLock<Vec<(&'static str, Vec<SourceFile>)>> = OnceLock::new();
    TREES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut trees = Vec::new();
        let candidates: [(&str, PathBuf); 2] = [
            ("specs", root.join("../specs/docs")),
            (
                "v1.0",
                root.join("../../shared/corpus/graph-docs-2021/v1.0"),
            ),
        ];
        for (name, dir) in candidates {
            if let Ok(files) = pipeline::read_docs(&dir) {
                trees.push((name, files));
            }
        }
        trees
    })
}

fn tree(name: &str) -> Option<&'static [SourceFile]> {
    docs_trees()
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| f.as_slice())
}

const TREES: [&str; 2] = ["specs", "v1.0"];

#[divan::bench(args = TREES)]
fn floor_pulldown_cmark(bencher: divan::Bencher, name: &str) {
    let Some(files) = tree(name) else { return };
    bencher.bench(|| {
        files
            .iter()
            .map(|f| {
                let text = String::from_utf8_lossy(&f.bytes);
                pulldown_cmark::Parser::new_ext(&text, pulldown_cmark::Options::ENABLE_TABLES)
                    .count()
            })
            .sum::<usize>()
    });
}

#[divan::bench(args = TREES)]
fn parse_pages(bencher: divan::Bencher, name: &str) {
    let Some(files) = tree(name) else { return };
    bencher.bench(|| {
        files
            .iter()
            .map(|f| parse_page(&f.path, &f.bytes).0)
            .collect::<Vec<_>>()
    });
}

#[divan::bench(args = TREES)]
fn build_model_from_pages(bencher: divan::Bencher, name: &str) {
    let Some(files) = tree(name) else { return };
    let pages: Vec<_> = files
        .iter()
        .map(|f| parse_page(&f.path, &f.bytes).0)
        .collect();
    bencher.bench(|| build_model(&pages));
}

#[divan::bench(args = TREES)]
fn whole_pipeline(bencher: divan::Bencher, name: &str) {
    let Some(files) = tree(name) else { return };
    let options = CrateOptions::new("bench", name);
    bencher.bench(|| pipeline::run(files, &options));
}
