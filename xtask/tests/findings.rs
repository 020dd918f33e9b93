//! The findings for doc writers: the SARIF log of the diagnostics (valid against the
//! SARIF 2.1.0 schema, one result per diagnostic at its page and line) and the drift
//! report (the same misses as `fidelity`).

mod common;
use common::corpus;

use graphdoc::diag::{Code, Diagnostic};
use graphdoc::pipeline;
use graphdoc::rust::CrateOptions;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const BASE: &str = "api-reference/v1.0";

const LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";

/// Removes every `"pattern": pattern` from the schema; how many there were.
fn drop_pattern(schema: &mut Value, pattern: &str) -> usize {
    match schema {
        Value::Object(map) => {
            let here = usize::from(map.get("pattern").and_then(Value::as_str) == Some(pattern));
            if here == 1 {
                map.remove("pattern");
            }
            here + map
                .values_mut()
                .map(|v| drop_pattern(v, pattern))
                .sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(|v| drop_pattern(v, pattern)).sum(),
        _ => 0,
    }
}

fn schema() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("the SARIF schema fixture is readable");
    let mut schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    // The schema's pattern for `language` members (`...-[a-zA-Z]{2}]?$`, a stray `]`)
    // fails the validator's draft-07 meta-schema check, which cannot be turned off; the
    // logs here have no `language`, so those patterns are dropped and nothing else changes.
    let dropped = drop_pattern(&mut schema, LANGUAGE_PATTERN);
    assert!(
        dropped > 0,
        "the fixture no longer has the `language` pattern: remove this step"
    );
    jsonschema::draft7::new(&schema).expect("the SARIF schema compiles")
}

/// The log, parsed, after checking it against the schema.
fn valid_log(diags: &[Diagnostic]) -> Value {
    let log = xtask::sarif::sarif_log(diags, BASE).expect("SARIF is written");
    let value: Value = serde_json::from_str(&log.json).expect("SARIF is JSON");
    let errors: Vec<String> = schema()
        .iter_errors(&value)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
    value
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"]
        .as_array()
        .expect("a run with results")
}

/// The page path and line of a result, the base taken off.
fn location(result: &Value) -> (String, usize) {
    let physical = &result["locations"][0]["physicalLocation"];
    let uri = physical["artifactLocation"]["uri"].as_str().unwrap_or("");
    let page = uri
        .strip_prefix(&format!("{BASE}/"))
        .unwrap_or_else(|| panic!("{uri} is not under {BASE}"));
    let line = physical["region"]["startLine"].as_u64().unwrap_or(0) as usize;
    (page.to_string(), line)
}

/// Every diagnostic is exactly one result, with its rule, level, page and line.
fn assert_one_result_each(diags: &[Diagnostic], log: &Value) {
    let mut want: BTreeMap<(String, usize, String, String), usize> = BTreeMap::new();
    for d in diags {
        *want
            .entry((
                d.file.clone(),
                d.line,
                d.code.id().to_string(),
                d.message.clone(),
            ))
            .or_default() += 1;
    }
    let mut got: BTreeMap<(String, usize, String, String), usize> = BTreeMap::new();
    for r in results(log) {
        let (page, line) = location(r);
        let text = r["message"]["text"].as_str().unwrap_or("");
        let message = text.split("\nhelp: ").next().unwrap_or("").to_string();
        let rule = r["ruleId"].as_str().unwrap_or("").to_string();
        *got.entry((page, line, rule, message)).or_default() += 1;
    }
    assert_eq!(got, want);
    let prints: std::collections::BTreeSet<&str> = results(log)
        .iter()
        .filter_map(|r| r["partialFingerprints"][xtask::sarif::FINGERPRINT_KEY].as_str())
        .collect();
    assert_eq!(prints.len(), diags.len(), "fingerprints are not unique");
}

const WIDGET: &str = "---\ntitle: widget\ndoc_type: resourcePageType\n---\n# widget resource type\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|id|String|Id.|\n|part|[gizmo](gizmo.md)|No such type.|\n|size||No type.|\n\n## JSON representation\n<!-- {\n  \"blockType\": \"resource\",\n  \"@odata.type\": \"microsoft.graph.widget\"\n} -->\n```json\n{\"id\": \"s\", \"colour\": \"s\"}\n```\n";

#[test]
fn a_docs_tree_with_problems_gives_valid_sarif_with_one_result_per_diagnostic() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(docs.join("resources")).expect("docs folder");
    std::fs::write(docs.join("resources/widget.md"), WIDGET).expect("page written");
    let out = xtask::gen_into(
        &docs,
        &dir.path().join("out"),
        Default::default(),
        Default::default(),
    )
    .expect("gen runs");
    let diags = &out.output.diagnostics;
    let codes: Vec<&str> = diags.iter().map(|d| d.code.id()).collect();
    assert!(codes.len() >= 3, "{codes:?}");
    let log = valid_log(diags);
    assert_one_result_each(diags, &log);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert_eq!(rules.len(), Code::ALL.len());
    for r in results(&log) {
        let index = r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let code = Code::from_id(r["ruleId"].as_str().unwrap_or("")).expect("a known code");
        assert_eq!(rules[index]["help"]["text"], code.help());
    }
    // Written twice, byte for byte the same.
    let again = xtask::sarif::sarif_log(diags, BASE).expect("SARIF");
    assert_eq!(
        serde_json::to_string_pretty(&log).unwrap_or_default() + "\n",
        again.json
    );
}

#[test]
fn the_specs_give_valid_sarif() {
    let rendered = xtask::render_repo(&xtask::repo_root()).expect("the specs render");
    let mut log = valid_log(&rendered.output.diagnostics);
    assert_eq!(results(&log).len(), rendered.output.diagnostics.len());
    // The schema does reject a log that breaks it.
    log["runs"][0]["tool"]["driver"]["rules"][0]["id"] = Value::from(7);
    assert!(!schema().is_valid(&log));
}

/// The names a message quotes (`x`), reduced to their last path or dotted segment,
/// lower case and without spaces: what the lines at the finding should mention.
fn quoted_names(message: &str) -> Vec<String> {
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|q| {
            let last = q.trim_end_matches('/').rsplit('/').next().unwrap_or(q);
            let last = last.rsplit('.').next().unwrap_or(last);
            last.to_lowercase().split_whitespace().collect::<String>()
        })
        .filter(|n| n.len() > 1)
        .collect()
}

/// The lines from `line` to the end of the code block it starts or sits before, or to
/// the next heading.
fn block_at(lines: &[&str], line: usize) -> String {
    let mut out = String::new();
    let mut fences = 0;
    let first = lines.get(line - 1).map_or("", |l| l.trim_start());
    let opens_block = first.starts_with("```") || first.starts_with("<!--");
    for (i, l) in lines.iter().enumerate().skip(line - 1) {
        if l.starts_with('#') && i >= line {
            break;
        }
        out.push_str(l);
        out.push('\n');
        if l.trim_start().starts_with("```") {
            fences += 1;
            if fences == 2 || (!opens_block && i >= line) {
                break;
            }
        }
    }
    out.to_lowercase().split_whitespace().collect()
}

#[test]
fn every_corpus_diagnostic_is_one_sarif_result_at_its_line() {
    let Some(docs) = corpus::docs_2021() else {
        return;
    };
    let sources = pipeline::read_docs(&docs).expect("the corpus reads");
    let options = CrateOptions::new("cargo xtask gen", "v1.0");
    let out = pipeline::run(&sources, &options);
    assert!(out.diagnostics.len() > 1000, "{}", out.diagnostics.len());
    let log = valid_log(&out.diagnostics);
    assert_one_result_each(&out.diagnostics, &log);
    let texts: BTreeMap<&str, String> = sources
        .iter()
        .map(|s| {
            (
                s.path.as_str(),
                String::from_utf8_lossy(&s.bytes).into_owned(),
            )
        })
        .collect();
    let mut unrelated = Vec::new();
    for r in results(&log) {
        let (page, line) = location(r);
        let text = texts
            .get(page.as_str())
            .unwrap_or_else(|| panic!("{page} is no page"));
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            (1..=lines.len()).contains(&line),
            "{page}:{line} is past the end"
        );
        let message = r["message"]["text"].as_str().unwrap_or("");
        let message = message.split("\nhelp: ").next().unwrap_or("");
        let names = quoted_names(message);
        let block = block_at(&lines, line);
        if !names.is_empty() && !names.iter().any(|n| block.contains(n.as_str())) {
            unrelated.push(format!("{page}:{line}: {message}"));
        }
    }
    assert!(unrelated.is_empty(), "{unrelated:#?}");
}

#[test]
fn drift_counts_are_the_fidelity_misses() {
    let Some(docs) = corpus::docs_2021() else {
        return;
    };
    let Some(csdl) = corpus::csdl_2021() else {
        return;
    };
    let sources = pipeline::read_docs(&docs).expect("the corpus reads");
    let (pages, model, _, _) = pipeline::parse_and_build(&sources);
    let csdl = xtask::fidelity::Csdl::read(&csdl).expect("the CSDL reads");
    let (comparison, drift) = xtask::drift::run(&pages, &model, &csdl);
    let f = &comparison.figures;
    let total = |kind: xtask::fidelity::MissKind| -> usize {
        drift
            .areas
            .iter()
            .flat_map(|a| &a.misses)
            .filter(|m| m.kind == kind)
            .count()
    };
    use xtask::fidelity::MissKind::*;
    for (kind, key) in [
        (Type, "type"),
        (Property, "prop"),
        (Navigation, "nav"),
        (Enum, "enum"),
        (PropertyType, "ptype"),
    ] {
        let listed = f.misses.get(key).map_or(0, Vec::len);
        assert_eq!(total(kind), listed, "{key}");
    }
    assert_eq!(total(ExtraProperty), f.extra_props);
    assert_eq!(total(UnresolvedOperation), f.operations.ops_unresolved);
    assert_eq!(total(OperationType), f.operations.mismatches.len());
    // Every miss that concerns a page is filed under that page's area.
    for area in &drift.areas {
        for m in &area.misses {
            assert_eq!(
                m.page.is_none(),
                area.area == xtask::drift::NO_PAGE,
                "{m:?} in {}",
                area.area
            );
        }
    }
}
