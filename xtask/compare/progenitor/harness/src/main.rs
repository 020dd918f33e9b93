//! `compare-progenitor-harness SPEC.yaml OUT.rs [--fix-enums] [--default-to-4xx-5xx] [--plain-refs]`
//!
//! Reads an OpenAPI document, applies the requested edits (progenitor 0.15.1 cannot take
//! the document as it is; each flag removes one cause), generates a client with
//! progenitor, formats it with prettyplease and writes it to OUT.rs, printing the time of
//! each step on stderr.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(input), Some(output)) = (args.first(), args.get(1)) else {
        eprintln!(
            "usage: compare-progenitor-harness SPEC.yaml OUT.rs [--fix-enums] [--default-to-4xx-5xx] [--plain-refs]"
        );
        return ExitCode::from(2);
    };
    match run(input, output, &args[2..]) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(input: &str, output: &str, flags: &[String]) -> Result<(), String> {
    let t = Instant::now();
    let text = std::fs::read_to_string(input).map_err(|e| format!("reading {input}: {e}"))?;
    let mut value: serde_json::Value =
        serde_yaml::from_str(&text).map_err(|e| format!("{input} is not YAML: {e}"))?;
    for flag in flags {
        let note = match flag.as_str() {
            "--fix-enums" => fix_enums(&mut value),
            "--default-to-4xx-5xx" => default_to_4xx_5xx(&mut value),
            "--plain-refs" => plain_refs(&mut value),
            other => return Err(format!("unknown flag {other}")),
        };
        eprintln!("edit: {note}");
    }
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(value).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    eprintln!("read: {:.2?}", t.elapsed());

    let t = Instant::now();
    let tokens = progenitor::Generator::default()
        .generate_tokens(&spec)
        .map_err(|e| format!("progenitor failed after {:.2?}: {e}", t.elapsed()))?;
    let generate = t.elapsed();
    let t = Instant::now();
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor's output does not parse: {e}"))?;
    let content = prettyplease::unparse(&file);
    let format = t.elapsed();
    std::fs::write(output, &content).map_err(|e| format!("writing {output}: {e}"))?;
    eprintln!(
        "generate: {generate:.2?}; format: {format:.2?}; total: {:.2?}; {} lines",
        generate + format,
        content.lines().count()
    );
    Ok(())
}

/// typify panics on enum values whose variant names collide once case and punctuation
/// are folded (`Private`, `private`): keep the first of each.
fn fix_enums(spec: &mut serde_json::Value) -> String {
    fn walk(v: &mut serde_json::Value, dropped: &mut usize) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Array(values)) = map.get_mut("enum") {
                    let mut seen = std::collections::HashSet::new();
                    let before = values.len();
                    values.retain(|x| {
                        let key: String = x.as_str().map_or_else(
                            || x.to_string(),
                            |s| {
                                s.chars()
                                    .filter(|c| c.is_alphanumeric())
                                    .flat_map(char::to_lowercase)
                                    .collect()
                            },
                        );
                        seen.insert(key)
                    });
                    *dropped += before - values.len();
                }
                map.values_mut().for_each(|x| walk(x, dropped));
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|x| walk(x, dropped)),
            _ => {}
        }
    }
    let mut dropped = 0;
    walk(spec, &mut dropped);
    format!("dropped {dropped} enum values whose Rust names collide")
}

/// progenitor asserts when `default` responses sit beside success responses: say `4XX`
/// and `5XX` instead.
fn default_to_4xx_5xx(spec: &mut serde_json::Value) -> String {
    let mut n = 0;
    let paths = spec.get_mut("paths").and_then(|p| p.as_object_mut());
    for item in paths.into_iter().flat_map(|p| p.values_mut()) {
        let ops = item
            .as_object_mut()
            .into_iter()
            .flat_map(|o| o.values_mut());
        for op in ops {
            let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else {
                continue;
            };
            if let Some(d) = responses.shift_remove("default") {
                responses.insert("4XX".into(), d.clone());
                responses.insert("5XX".into(), d);
                n += 1;
            }
        }
    }
    format!("replaced `default` by `4XX` and `5XX` in {n} operations")
}

/// typify turns `anyOf: [$ref, {nullable: true, type: object}]` into an inline type
/// named after its parent and property, which can collide with a component: use the
/// bare `$ref`.
fn plain_refs(spec: &mut serde_json::Value) -> String {
    fn walk(v: &mut serde_json::Value, n: &mut usize) {
        match v {
            serde_json::Value::Object(map) => {
                let bare = map.get("anyOf").and_then(|a| a.as_array()).and_then(|a| {
                    let [r, other] = a.as_slice() else {
                        return None;
                    };
                    let other = other.as_object()?;
                    let nullable_object = other.len() == 2
                        && other.get("nullable") == Some(&serde_json::Value::Bool(true))
                        && other.get("type").and_then(|t| t.as_str()) == Some("object");
                    nullable_object.then(|| r.get("$ref").cloned()).flatten()
                });
                if let Some(r) = bare {
                    map.clear();
                    map.insert("$ref".into(), r);
                    *n += 1;
                    return;
                }
                map.values_mut().for_each(|x| walk(x, n));
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|x| walk(x, n)),
            _ => {}
        }
    }
    let mut n = 0;
    walk(spec, &mut n);
    format!("replaced {n} nullable `anyOf` references by the bare `$ref`")
}
