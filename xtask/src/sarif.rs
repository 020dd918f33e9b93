//! Diagnostics as a SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers.
//!
//! One rule per diagnostic code (its texts come from `graphdoc::diag::Code`), one result
//! per diagnostic. Result URIs are the page paths under a base folder (the docs tree's
//! place in its repository), so that a viewer opens the right file. Each result has a
//! `partialFingerprints` entry that survives edits which only move lines: the code, the
//! file and the message with its numbers and GUIDs blanked, hashed, and numbered among
//! the results that share them.

use anyhow::{Context, Result};
use graphdoc::diag::{Code, Diagnostic, Severity};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent, Version,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Results GitHub code scanning accepts in one run; past it, the upload is rejected.
pub const MAX_RESULTS: usize = 25_000;

/// The `partialFingerprints` key; its version changes if the fingerprint recipe does.
pub const FINGERPRINT_KEY: &str = "graphdocFinding/v1";

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A SARIF log and what had to be left out of it.
pub struct SarifLog {
    pub json: String,
    pub results: usize,
    /// Diagnostics past [`MAX_RESULTS`], the least severe first to go.
    pub omitted: usize,
}

/// Characters kept as they are in a result URI: unreserved ones and `/`.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// `base` and `file` joined with `/`, percent-encoded as a relative URI reference.
pub fn result_uri(base: &str, file: &str) -> String {
    let base = base.replace('\\', "/");
    let base = base.trim_matches('/');
    let file = file.replace('\\', "/");
    let path = if base.is_empty() || base == "." {
        file
    } else {
        format!("{base}/{file}")
    };
    utf8_percent_encode(&path, PATH).to_string()
}

/// The message with what changes between runs without changing the finding (line
/// numbers of other pages, counts, GUIDs) blanked.
pub fn normalized_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(c) = rest.chars().next() {
        if let Some(len) = guid_len(rest) {
            out.push_str("<guid>");
            rest = &rest[len..];
        } else if c.is_ascii_digit() {
            out.push('#');
            rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The length of a GUID (`8-4-4-4-12` hex digits) at the start of `text`.
fn guid_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = 0;
    for (i, group) in [8, 4, 4, 4, 12].into_iter().enumerate() {
        if i > 0 {
            (bytes.get(at) == Some(&b'-')).then_some(())?;
            at += 1;
        }
        let hex = bytes.get(at..at + group)?;
        hex.iter().all(u8::is_ascii_hexdigit).then_some(())?;
        at += group;
    }
    Some(at)
}

/// The fingerprint of each diagnostic, in the order given: a hash of the code, file and
/// normalised message, then `:n` for the n-th diagnostic (by line) sharing that hash,
/// so that two equal findings on one page stay two alerts.
pub fn fingerprints(diags: &[&Diagnostic]) -> Vec<String> {
    let hashes: Vec<String> = diags
        .iter()
        .map(|d| {
            let mut h = Sha256::new();
            for part in [d.code.id(), &d.file, &normalized_message(&d.message)] {
                h.update(part.as_bytes());
                h.update([0]);
            }
            h.finalize()
                .iter()
                .take(16)
                .map(|b| format!("{b:02x}"))
                .collect()
        })
        .collect();
    let mut order: Vec<usize> = (0..diags.len()).collect();
    order.sort_by(|&a, &b| {
        (&hashes[a], diags[a].line, &diags[a].message, a).cmp(&(
            &hashes[b],
            diags[b].line,
            &diags[b].message,
            b,
        ))
    });
    let mut out = vec![String::new(); diags.len()];
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for i in order {
        let n = seen.entry(&hashes[i]).or_insert(0);
        *n += 1;
        out[i] = format!("{}:{n}", hashes[i]);
    }
    out
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
    }
}

/// SARIF's name of a level: `error` or `warning`, the words of our severities.
fn level_name(severity: Severity) -> &'static str {
    severity.as_str()
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

fn rule(code: Code) -> ReportingDescriptor {
    let level = level_name(code.default_severity());
    ReportingDescriptor::builder()
        .id(code.id())
        .name(code.id())
        .short_description(text(code.summary()))
        .full_description(text(code.description()))
        .help(text(code.help()))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(serde_json::Value::from(level))
                .build(),
        )
        .build()
}

fn result(d: &Diagnostic, base: &str, fingerprint: String) -> SarifResult {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let rule_index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
    let builder = SarifResult::builder()
        .rule_id(d.code.id())
        .rule_index(rule_index as i64)
        .level(level(d.severity))
        .message(Message::builder().text(message).build())
        .partial_fingerprints(BTreeMap::from([(FINGERPRINT_KEY.to_string(), fingerprint)]));
    let physical = PhysicalLocation::builder()
        .artifact_location(
            ArtifactLocation::builder()
                .uri(result_uri(base, &d.file))
                .uri_base_id("%SRCROOT%")
                .build(),
        )
        .region(Region::builder().start_line(d.line as i64).build())
        .build();
    builder
        .locations(vec![
            Location::builder().physical_location(physical).build(),
        ])
        .build()
}

/// The diagnostics as a SARIF log whose result URIs are the page paths under `base`.
/// At most [`MAX_RESULTS`] results: errors are kept before warnings, and a run with
/// fewer says so in a notification and in its properties.
pub fn sarif_log(diags: &[Diagnostic], base: &str) -> Result<SarifLog> {
    // A finding at no page (a generator bug, `<generator>` line 0) is about the run,
    // not the docs: a tool notification, since code scanning wants a place per result.
    let (placed, unplaced): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        diags.iter().partition(|d| has_place(d));
    let mut kept = placed;
    // Deterministic whatever order the diagnostics came in.
    kept.sort();
    let total = kept.len();
    let mut omitted = 0;
    if kept.len() > MAX_RESULTS {
        // Stable: within one severity, the first in file order are kept.
        kept.sort_by_key(|d| d.severity);
        omitted = kept.len() - MAX_RESULTS;
        kept.truncate(MAX_RESULTS);
        kept.sort();
    }
    let prints = fingerprints(&kept);
    let results: Vec<SarifResult> = kept
        .iter()
        .zip(prints)
        .map(|(d, print)| result(d, base, print))
        .collect();
    let failed = unplaced.iter().any(|d| d.severity == Severity::Error);
    let mut invocation = Invocation::builder().execution_successful(!failed).build();
    let mut properties = BTreeMap::new();
    let mut unplaced = unplaced;
    unplaced.sort();
    let mut notifications: Vec<Notification> = unplaced
        .iter()
        .map(|d| {
            Notification::builder()
                .level(serde_json::Value::from(level_name(d.severity)))
                .message(
                    Message::builder()
                        .text(format!("{}: {}", d.code.id(), d.message))
                        .build(),
                )
                .build()
        })
        .collect();
    if omitted > 0 {
        let note = format!(
            "{omitted} of {total} diagnostics were left out: code scanning accepts at most {MAX_RESULTS} results per run; errors were kept first, then warnings in file order"
        );
        properties.insert("omittedResults".to_string(), omitted.into());
        properties.insert("totalDiagnostics".to_string(), total.into());
        notifications.push(
            Notification::builder()
                .level(serde_json::Value::from("warning"))
                .message(Message::builder().text(note).build())
                .build(),
        );
    }
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }
    let driver = ToolComponent::builder()
        .name("graphdoc")
        .full_name("graphdoc: Microsoft Graph docs checker and client generator")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(Code::ALL.into_iter().map(rule).collect::<Vec<_>>())
        .build();
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        .results(results)
        .build();
    if !properties.is_empty() {
        run.properties = Some(
            PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        );
    }
    let log = Sarif::builder()
        .schema(SCHEMA_URI)
        .version(serde_json::to_value(Version::V2_1_0).context("the SARIF version")?)
        .runs(vec![run])
        .build();
    let json = serde_json::to_string_pretty(&log).context("writing SARIF")? + "\n";
    Ok(SarifLog {
        json,
        results: kept.len(),
        omitted,
    })
}

/// Whether a diagnostic points at a page line (generator bugs point at none).
fn has_place(d: &Diagnostic) -> bool {
    d.line > 0 && !d.file.starts_with('<')
}

/// Writes the log to `path`; says on stderr when results had to be left out.
pub fn write(diags: &[Diagnostic], base: &str, path: &std::path::Path) -> Result<SarifLog> {
    let log = sarif_log(diags, base)?;
    std::fs::write(path, &log.json).with_context(|| format!("writing {}", path.display()))?;
    if log.omitted > 0 {
        eprintln!(
            "warning: {} left out {} of {} diagnostics: code scanning accepts at most {MAX_RESULTS} results per run (errors were kept first)",
            path.display(),
            log.omitted,
            log.omitted + log.results
        );
    }
    Ok(log)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(file: &str, line: usize, code: Code, message: &str) -> Diagnostic {
        Diagnostic::warning(file, line, code, message)
    }

    #[test]
    fn messages_lose_numbers_and_guids() {
        assert_eq!(
            normalized_message(
                "typed Int32 at api/x.md:120 for 6f1b7c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f"
            ),
            "typed Int# at api/x.md:# for <guid>"
        );
    }

    #[test]
    fn fingerprints_survive_moved_lines_and_keep_twins_apart() {
        let a = diag("api/a.md", 10, Code::BrokenLink, "link to `b.md` (line 3)");
        let moved = diag("api/a.md", 14, Code::BrokenLink, "link to `b.md` (line 7)");
        let twin = diag("api/a.md", 30, Code::BrokenLink, "link to `b.md` (line 3)");
        let other = diag("api/c.md", 10, Code::BrokenLink, "link to `b.md` (line 3)");
        let first = fingerprints(&[&a]);
        assert_eq!(first, fingerprints(&[&moved]));
        let both = fingerprints(&[&twin, &a, &other]);
        assert_eq!(both[1], first[0], "the earlier twin keeps its fingerprint");
        assert_ne!(both[0], both[1]);
        assert_ne!(both[2], both[1]);
    }

    #[test]
    fn uris_are_relative_paths_under_the_base() {
        assert_eq!(
            result_uri("api-reference/v1.0/", "api/user get.md"),
            "api-reference/v1.0/api/user%20get.md"
        );
        assert_eq!(result_uri("", "resources\\user.md"), "resources/user.md");
    }

    #[test]
    fn a_generator_bug_is_a_failed_run_notification_not_a_result() {
        let diags = vec![
            diag("api/a.md", 3, Code::UnknownType, "`x` is not defined"),
            Diagnostic::internal("generated Rust does not parse: expected `;`"),
        ];
        let log = sarif_log(&diags, "").unwrap();
        assert_eq!(log.results, 1);
        let json: serde_json::Value = serde_json::from_str(&log.json).unwrap();
        let run = &json["runs"][0];
        assert_eq!(run["results"].as_array().map(Vec::len), Some(1));
        let invocation = &run["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        let note = &invocation["toolExecutionNotifications"][0];
        assert_eq!(note["level"], "error");
        assert!(
            note["message"]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("internal: generated Rust does not parse"))
        );
    }

    #[test]
    fn a_run_past_the_limit_keeps_errors_and_says_so() {
        let mut diags: Vec<Diagnostic> = (0..MAX_RESULTS + 5)
            .map(|i| diag("api/a.md", i + 1, Code::TableShape, "row"))
            .collect();
        diags.push(Diagnostic::error(
            "api/z.md",
            9,
            Code::UnknownType,
            "no such type",
        ));
        let log = sarif_log(&diags, "").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((log.results, log.omitted), (MAX_RESULTS, 6));
        let v: serde_json::Value = serde_json::from_str(&log.json).unwrap_or_default();
        let run = &v["runs"][0];
        assert_eq!(run["results"].as_array().map(Vec::len), Some(MAX_RESULTS));
        assert!(
            run["results"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|r| r["ruleId"] == "unknown-type")
        );
        assert_eq!(run["properties"]["omittedResults"], 6);
        let note = &run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"];
        assert!(note.as_str().unwrap_or("").contains("6 of 25006"));
    }
}
