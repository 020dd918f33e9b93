//! Broken and hostile pages: each yields a specific diagnostic at the right line, and the
//! good page beside it still generates.

use graphdoc::diag::{Code, Diagnostic, Severity};
use graphdoc::pipeline::{self, Output, SourceFile};
use graphdoc::rust::CrateOptions;

mod parses;

const GOOD: &str = "---\ntitle: widget\ndoc_type: resourcePageType\n---\n# widget resource type\n\nNamespace: microsoft.graph\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|id|String|Key.|\n|size|Int32|Size.|\n\n## JSON representation\n<!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.widget\", \"keyProperty\": \"id\"} -->\n```json\n{\"id\": \"String\", \"size\": 1}\n```\n";

fn run(bad: &[(&str, &[u8])]) -> Output {
    let mut sources = vec![SourceFile {
        path: "resources/widget.md".into(),
        bytes: GOOD.as_bytes().to_vec(),
    }];
    sources.extend(bad.iter().map(|(path, bytes)| SourceFile {
        path: path.to_string(),
        bytes: bytes.to_vec(),
    }));
    let options = CrateOptions::new("test", "fixtures");
    let out = pipeline::run(&sources, &options);
    assert!(
        out.model.types.contains_key("microsoft.graph.widget"),
        "the good page still generates"
    );
    assert!(
        out.crate_files["src/models.rs"]
            .contains("pub type Widget = runtime::Object<tags::Widget>;")
    );
    assert!(
        !out.diagnostics.iter().any(|d| d.code == Code::Internal),
        "the emitted Rust parses: {:#?}",
        out.diagnostics
    );
    parses::assert_crate_parses(&out.crate_files, "bad input");
    for d in &out.diagnostics {
        assert!(sources.iter().any(|s| s.path == d.file), "{d}");
        let lines = sources
            .iter()
            .find(|s| s.path == d.file)
            .map_or(0, |s| s.bytes.split(|&b| b == b'\n').count());
        assert!(d.line >= 1 && d.line <= lines, "line out of range: {d}");
    }
    out
}

fn find<'a>(out: &'a Output, code: &str) -> &'a Diagnostic {
    out.diagnostics
        .iter()
        .find(|d| d.code.id() == code)
        .unwrap_or_else(|| panic!("no `{code}` diagnostic in {:#?}", out.diagnostics))
}

fn resource(name: &str, rows: &str) -> String {
    format!(
        "---\ndoc_type: resourcePageType\n---\n# {name} resource type\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n{rows}\n\n## JSON representation\n<!-- {{\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.{name}\"}} -->\n```json\n{{}}\n```\n"
    )
}

#[test]
fn empty_file() {
    let out = run(&[("resources/empty.md", b"")]);
    assert_eq!(find(&out, "no-front-matter").file, "resources/empty.md");
}

#[test]
fn non_utf8_bytes() {
    let mut page = resource("latin", "|name|String|Caf\u{e9}.|").into_bytes();
    page.extend_from_slice(b"\n\xff\xfe trailing\n");
    let out = run(&[("resources/latin.md", &page)]);
    let d = find(&out, "not-utf8");
    assert_eq!(d.line, 17);
    assert!(out.model.types.contains_key("microsoft.graph.latin"));
}

#[test]
fn missing_and_broken_front_matter() {
    let out = run(&[
        ("resources/none.md", b"# none resource type\n"),
        ("resources/broken.md", b"---\ntitle: [oops\n---\n# broken\n"),
        ("resources/unclosed.md", b"---\ntitle: x\n# unclosed\n"),
    ]);
    let files: Vec<&str> = out
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code, Code::FrontMatter | Code::NoFrontMatter))
        .map(|d| d.file.as_str())
        .collect();
    assert_eq!(
        files,
        [
            "resources/broken.md",
            "resources/none.md",
            "resources/unclosed.md"
        ]
    );
}

#[test]
fn rows_with_missing_or_extra_cells() {
    let page = resource(
        "rows",
        "|a|String|\n|b|\n|c|Int32|C.|extra|\n|**Divider**| | |",
    );
    let out = run(&[("resources/rows.md", page.as_bytes())]);
    let lines: Vec<usize> = out
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::TableShape)
        .map(|d| d.line)
        .collect();
    assert_eq!(
        lines,
        [10, 11],
        "the row without a type, the row with an extra cell"
    );
    let names: Vec<&str> = out.model.types["microsoft.graph.rows"]
        .properties
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["a", "c"]);
}

#[test]
fn invalid_annotation_json() {
    let page = "---\ndoc_type: apiPageType\n---\n# Get widget\n\n## HTTP request\n<!-- { \"blockType\": ignored } -->\n```http\nGET /widgets/{id}\n```\n";
    let out = run(&[("api/widget-get.md", page.as_bytes())]);
    assert_eq!(find(&out, "invalid-annotation").line, 7);
    assert_eq!(
        out.model.operations.len(),
        1,
        "the request line still counts"
    );
}

#[test]
fn unknown_method_and_missing_path() {
    let page = "---\ndoc_type: apiPageType\n---\n# Fetch widget\n\n## HTTP request\n```http\nFETCH /widgets/{id}\nGET\nGET /widgets\n```\n";
    let out = run(&[("api/widget-fetch.md", page.as_bytes())]);
    let bad: Vec<usize> = out
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::BadRequestLine)
        .map(|d| d.line)
        .collect();
    assert_eq!(bad, [8, 9]);
    assert_eq!(out.model.operations.len(), 1);
}

#[test]
fn a_type_that_resolves_nowhere() {
    let page = resource("holder", "|thing|[gizmo](gizmo.md)|A gizmo.|");
    let out = run(&[("resources/holder.md", page.as_bytes())]);
    let d = find(&out, "unknown-type");
    assert_eq!((d.severity, d.line), (Severity::Error, 9));
}

#[test]
fn a_cycle_in_base_types() {
    let a = resource("a", "|x|String|X.|")
        .replace("## Properties", "Inherits from [b](b.md).\n\n## Properties");
    let b = resource("b", "|y|String|Y.|")
        .replace("## Properties", "Inherits from [a](a.md).\n\n## Properties");
    let out = run(&[
        ("resources/a.md", a.as_bytes()),
        ("resources/b.md", b.as_bytes()),
    ]);
    assert_eq!(find(&out, "base-type-cycle").severity, Severity::Error);
}

#[test]
fn two_pages_define_one_type_differently() {
    let a = resource("dup", "|x|String|X.|");
    let b = resource("dup", "|x|Int32|X.|\n|y|String|Y.|");
    let out = run(&[
        ("resources/dup-a.md", a.as_bytes()),
        ("resources/dup-b.md", b.as_bytes()),
    ]);
    let d = find(&out, "conflicting-definition");
    assert_eq!((d.file.as_str(), d.line), ("resources/dup-b.md", 9));
    assert_eq!(out.model.types["microsoft.graph.dup"].properties.len(), 2);
}

#[test]
fn property_names_that_are_not_rust_names() {
    let page = resource(
        "awkward",
        "|type|String|T.|\n|self|String|S.|\n|match|String|M.|\n|1stPlace|Int32|F.|\n|@odata.etag|String|E.|\n|displayName|String|D.|\n|DisplayName|String|D2.|",
    );
    let out = run(&[("resources/awkward.md", page.as_bytes())]);
    let models = &out.crate_files["src/models.rs"];
    for getter in [
        "fn r#type(",
        "fn self_(",
        "fn r#match(",
        "fn _1st_place(",
        "fn odata_etag(",
        "fn display_name(",
        "fn display_name_2(",
    ] {
        assert!(models.contains(getter), "{getter} missing");
    }
    // Each accessor still names its exact JSON member.
    for key in [
        "\"type\"",
        "\"self\"",
        "\"1stPlace\"",
        "\"@odata.etag\"",
        "\"DisplayName\"",
    ] {
        assert!(models.contains(key), "{key} missing");
    }
}

#[test]
fn a_ten_megabyte_page() {
    let mut rows = String::new();
    let mut i = 0;
    while rows.len() < 10 * 1024 * 1024 {
        rows.push_str(&format!(
            "|p{i}|String|Property number {i}, described at some length to fill the page.|\n"
        ));
        i += 1;
    }
    let page = resource("huge", &rows);
    // Parsing and the model are what a huge page stresses; emitting 100,000 accessors
    // is linear and slow in debug builds, so it is left to the corpus runs.
    let source = SourceFile {
        path: "resources/huge.md".into(),
        bytes: page.into_bytes(),
    };
    let (_, model, diags, _) = pipeline::parse_and_build(&[source]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(model.types["microsoft.graph.huge"].properties.len(), i);
}

#[test]
fn type_names_with_path_characters() {
    let page =
        resource("evil", "|x|String|X.|").replace("microsoft.graph.evil", "../../etc/passwd");
    let slash = resource("slashy", "|x|String|X.|").replace("microsoft.graph.slashy", "a/b.c");
    let out = run(&[
        ("resources/evil.md", page.as_bytes()),
        ("resources/slashy.md", slash.as_bytes()),
    ]);
    // Type names never become paths: the crate's files are the same fixed set.
    let clean = run(&[]);
    assert_eq!(
        out.crate_files.keys().collect::<Vec<_>>(),
        clean.crate_files.keys().collect::<Vec<_>>()
    );
    assert!(out.crate_files.keys().all(|p| !p.contains("..")));
}

#[test]
fn quotes_backslashes_and_raw_string_breakers_stay_inside_literals() {
    let long = "aMemberNameSoLongThatItsMatchArmCannotStayOnOneLineInTheGeneratedCode";
    let enum_page = format!(
        "---\ndoc_type: enumPageType\n---\n# oddity enum type\n\nNamespace: microsoft.graph\n\n## Members\n|Member|Value|Description|\n|:---|:---|:---|\n|plain|0|Plain.|\n|{long}|1|Long.|\n"
    );
    let api_page = "---\ndoc_type: apiPageType\n---\n# Get widget\n\n## HTTP request\n<!-- { \"blockType\": \"ignored\" } -->\n```http\nGET /widgets/{id}/quo\"te\\x/it's\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object in the response body.\n\n## Example\n### Request\n<!-- {\"blockType\": \"request\", \"name\": \"get_widget\"} -->\n```http\nGET https://graph.microsoft.com/v1.0/widgets/a\"b/quo\"te\\x/it's\n```\n### Response\n<!-- {\"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.widget\"} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\"id\": \"x\\\"#y\", \"size\": 1}\n```\n";
    // `run` checks that every generated Rust file parses.
    let out = run(&[
        ("resources/oddity.md", enum_page.as_bytes()),
        ("api/widget-get.md", api_page.as_bytes()),
    ]);
    let enums = &out.crate_files["src/enums.rs"];
    assert!(enums.contains(&format!("\"{long}\"")), "{enums}");
    let operations = &out.crate_files["src/operations.rs"];
    assert!(operations.contains(r#""/quo\"te\\x/it's""#), "{operations}");
    let tests = &out.crate_files["tests/doc_examples.rs"];
    assert!(
        tests.contains(r###"r##"{"###),
        "the example JSON holds `\"#`: {tests}"
    );
}
