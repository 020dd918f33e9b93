//! The docs as the docs repository writes them today: permissions in include files,
//! `ms.subservice` instead of `ms.prod`, interactive request fences and language tabs.

use graphdoc::diag::Code;
use graphdoc::pipeline::{self, Output, SourceFile};
use graphdoc::rust::CrateOptions;
use std::path::PathBuf;

#[allow(dead_code)]
mod common;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

const SEED: &str = "api/intune-deviceconfig-deviceconfigurationdeviceoverview-update.md";
const SEED_FN: &str = "patch_device_management_device_configurations_device_status_overview";

/// `specs/docs` with the seed page replaced by its current-format twin and its include.
fn specs_with_current_seed() -> Vec<SourceFile> {
    let mut files = pipeline::read_docs(&common::specs_docs()).expect("specs/docs");
    let current = pipeline::read_docs(&fixtures().join("current-seed")).expect("fixture");
    files.retain(|f| f.path != SEED);
    files.extend(current);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn run(files: &[SourceFile]) -> Output {
    pipeline::run(files, &common::regen_options())
}

/// The generated function with its rustdoc and attributes, as text.
fn function_text<'a>(out: &'a Output, name: &str) -> &'a str {
    let ops = &out.crate_files["src/operations.rs"];
    let at = ops
        .find(&format!("pub fn {name}("))
        .unwrap_or_else(|| panic!("{name} is generated"));
    let start = ops[..at].rfind("\n}\n").map_or(0, |i| i + 3);
    let end = ops[at..].find("\n}\n").map_or(ops.len(), |i| at + i + 3);
    &ops[start..end]
}

#[test]
fn the_seed_page_in_the_current_format_generates_the_same_patch() {
    let files = specs_with_current_seed();
    assert!(
        files
            .iter()
            .any(|f| f.path.starts_with("includes/permissions/")),
        "the include file the page names is read with the pages"
    );
    let before = run(&pipeline::read_docs(&common::specs_docs()).expect("specs/docs"));
    let after = run(&files);
    let find = |out: &Output| {
        out.model
            .operations
            .iter()
            .find(|o| o.id == SEED_FN)
            .cloned()
            .expect("the PATCH operation")
    };
    let (old, new) = (find(&before), find(&after));
    assert_eq!(new.method, graphdoc::method::HttpMethod::Patch);
    assert_eq!(
        new.area, "intune-deviceconfig",
        "ms.subservice names the area"
    );
    assert_eq!(new.area, old.area);
    assert_eq!(new.permissions, old.permissions);
    assert_eq!(
        new.permissions.delegated_work.all(),
        ["DeviceManagementConfiguration.ReadWrite.All"]
    );
    assert_eq!(new.request_body, old.request_body);
    assert_eq!(new.response, old.response);
    assert_eq!(new.summary, old.summary);
    assert_eq!(
        new.examples.len(),
        old.examples.len(),
        "the tabbed example is read"
    );
    // Only the line the request line is on moves (the page is laid out differently).
    let same_line = |text: &str| text.replace("(line 35)", "(line 34)");
    assert_eq!(
        same_line(function_text(&after, SEED_FN)),
        function_text(&before, SEED_FN)
    );
    assert!(
        function_text(&before, SEED_FN).starts_with("/// Update deviceConfigurationDeviceOverview")
    );
    assert!(
        !after
            .diagnostics
            .iter()
            .any(|d| d.file == SEED && d.severity == graphdoc::diag::Severity::Error),
        "{:#?}",
        after.diagnostics
    );
    let seed_diags: Vec<_> = after
        .diagnostics
        .iter()
        .filter(|d| d.file == SEED)
        .collect();
    let old_diags: Vec<_> = before
        .diagnostics
        .iter()
        .filter(|d| d.file == SEED)
        .collect();
    assert_eq!(seed_diags.len(), old_diags.len(), "{seed_diags:#?}");
}

fn page(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.to_string(),
        bytes: text.as_bytes().to_vec(),
    }
}

fn options() -> CrateOptions {
    CrateOptions::new("test", "fixtures")
}

const WIDGET: &str = "---\ntitle: widget resource type\ndoc_type: resourcePageType\nms.subservice: \"gadgets\"\nms.date: 03/04/2025\nms.localizationpriority: medium\n---\n# widget resource type\n\nNamespace: microsoft.graph\n\nA small thing on a desk.\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|id|String|Key.|\n|size|Int32|How big it is.|\n\n## JSON representation\n<!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.widget\", \"keyProperty\": \"id\"} -->\n```json\n{\"id\": \"String\", \"size\": 1}\n```\n";

fn widget_get(permissions_section: &str) -> String {
    format!(
        "---\ntitle: Get widget\ndoc_type: apiPageType\nms.subservice: \"gadgets\"\n---\n# Get widget\n\nNamespace: microsoft.graph\n\nReads one widget.\n\n[!INCLUDE [national-cloud-support](../../includes/all-clouds.md)]\n\n## Permissions\n\n{permissions_section}\n\n## HTTP request\n<!-- {{ \"blockType\": \"ignored\" }} -->\n```http\nGET /widgets/{{widget-id}}\n```\n\n## Response\nReturns `200 OK` and a [widget](../resources/widget.md) object.\n"
    )
}

const INCLUDE_LINE: &str = "<!-- { \"blockType\": \"permissions\", \"name\": \"widget_get\" } -->\n[!INCLUDE [permissions-table](../includes/permissions/widget-get-permissions.md)]";

const TABLE: &str = "|Permission type|Least privileged permissions|Higher privileged permissions|\n|:---|:---|:---|\n|Delegated (work or school account)|Widget.Read|Widget.ReadWrite, Widget.Read.All|\n|Delegated (personal Microsoft account)|Not supported.|Not supported.|\n|Application|Widget.Read.All|Widget.ReadWrite.All|\n";

#[test]
fn permissions_come_from_the_include_beside_the_pages() {
    for include in [
        TABLE.to_string(),
        format!(
            "---\ndescription: \"Generated from the permissions list\"\nms.topic: include\n---\n\n{TABLE}"
        ),
    ] {
        let files = [
            page("resources/widget.md", WIDGET),
            page("api/widget-get.md", &widget_get(INCLUDE_LINE)),
            page("includes/permissions/widget-get-permissions.md", &include),
        ];
        let out = pipeline::run(&files, &options());
        let op = &out.model.operations[0];
        assert_eq!(op.permissions.delegated_work.least, ["Widget.Read"]);
        assert_eq!(
            op.permissions.delegated_work.higher,
            ["Widget.ReadWrite", "Widget.Read.All"]
        );
        assert!(op.permissions.delegated_personal.is_empty());
        assert_eq!(op.permissions.application.least, ["Widget.Read.All"]);
        assert_eq!(op.permissions.application.higher, ["Widget.ReadWrite.All"]);
        assert!(out.openapi.contains("- Widget.ReadWrite.All"));
        assert!(
            out.diagnostics.is_empty(),
            "an include file without front matter and the national cloud note are fine: {:#?}",
            out.diagnostics
        );
        assert_eq!(
            out.stats.pages, 2,
            "the include file is not a page of its own"
        );
    }
}

#[test]
fn a_missing_include_is_a_located_warning() {
    let files = [
        page("resources/widget.md", WIDGET),
        page("api/widget-get.md", &widget_get(INCLUDE_LINE)),
    ];
    let out = pipeline::run(&files, &options());
    let d = out
        .diagnostics
        .iter()
        .find(|d| d.code == Code::MissingInclude)
        .expect("missing-include");
    assert_eq!(
        (d.file.as_str(), d.line),
        (
            "api/widget-get.md",
            line_of(&widget_get(INCLUDE_LINE), "[!INCLUDE [permissions-table]")
        )
    );
    assert!(
        d.message
            .contains("includes/permissions/widget-get-permissions.md"),
        "{d}"
    );
    assert!(out.model.operations[0].permissions.all_scopes().is_empty());
}

#[test]
fn an_include_that_leaves_the_tree_is_refused_and_not_read() {
    let dir = std::env::temp_dir().join(format!("graphdoc-include-{}", std::process::id()));
    let docs = dir.join("docs");
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["api", "resources", "includes/permissions"] {
        std::fs::create_dir_all(docs.join(sub)).expect("temp dir");
    }
    // A permissions table outside the docs tree, reachable by `..` and by a link.
    std::fs::write(dir.join("outside-permissions.md"), TABLE).expect("write");
    let escape = "[!INCLUDE [permissions-table](../../outside-permissions.md)]";
    std::fs::write(docs.join("resources/widget.md"), WIDGET).expect("write");
    std::fs::write(docs.join("api/widget-get.md"), widget_get(escape)).expect("write");
    let linked = widget_get(INCLUDE_LINE).replace("widget/", "w/");
    std::fs::write(
        docs.join("api/widget-list.md"),
        linked.replace("GET /widgets/{widget-id}", "GET /widgets"),
    )
    .expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.join("outside-permissions.md"),
        docs.join("includes/permissions/widget-get-permissions.md"),
    )
    .expect("symlink");
    let files = pipeline::read_docs(&docs).expect("read");
    assert!(
        files.iter().all(|f| !f.path.contains("permissions")),
        "nothing outside the tree is read: {:?}",
        files.iter().map(|f| &f.path).collect::<Vec<_>>()
    );
    let out = pipeline::run(&files, &options());
    let refused = out
        .diagnostics
        .iter()
        .find(|d| d.code == Code::IncludeOutsideDocs)
        .expect("include-outside-docs");
    assert_eq!(
        (refused.file.as_str(), refused.line),
        (
            "api/widget-get.md",
            line_of(&widget_get(escape), "[!INCLUDE [permissions-table]")
        )
    );
    assert!(
        out.model
            .operations
            .iter()
            .all(|o| o.permissions.all_scopes().is_empty()),
        "no permissions come from outside the tree"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The 1-based line of `text` that holds `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}

/// On the sample of current pages: every operation whose page has a permissions table,
/// or a permissions include that is in the tree, has its permissions; the others are
/// named by `missing-include`. No error but `unknown-type` (types whose pages are not in
/// the sample), and no area feature is named after a front matter key.
#[test]
fn the_current_sample_keeps_every_permission() {
    let Some(docs) = common::corpus::current_sample() else {
        return;
    };
    let files = pipeline::read_docs(&docs).expect("sample");
    let out = pipeline::run(&files, &options());
    let text_of = |path: &str| {
        files
            .iter()
            .find(|f| f.path == path)
            .map(|f| String::from_utf8_lossy(&f.bytes).to_ascii_lowercase())
            .unwrap_or_default()
    };
    let missing: Vec<&str> = out
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::MissingInclude)
        .map(|d| d.file.as_str())
        .collect();
    let (mut documented, mut kept, mut by_include) = (0, 0, 0);
    for op in &out.model.operations {
        let text = text_of(&op.source.file);
        let table = text.contains("|permission type");
        let include = text.contains("[!include [permissions-table]");
        if !(table || include) || missing.contains(&op.source.file.as_str()) {
            continue;
        }
        documented += 1;
        by_include += usize::from(include);
        if op.permissions.all_scopes().is_empty() {
            eprintln!("no permissions: {} {}", op.method, op.source.file);
        } else {
            kept += 1;
        }
    }
    eprintln!(
        "permissions: {kept} of {documented} operations ({by_include} by include); {} pages name an include that is not in the sample",
        missing.len()
    );
    assert!(
        by_include > 0,
        "the sample has pages with permissions includes"
    );
    assert_eq!(kept, documented);

    let errors: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.severity == graphdoc::diag::Severity::Error && d.code != Code::UnknownType)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // Every annotated example request (in `http` or `msgraph-interactive` fences, inside
    // language tabs or not) whose method the page documents is an example of its
    // operation. (One page shows a `PUT` of another operation as a follow-up step.)
    let (mut lost, mut checked) = (Vec::new(), 0);
    for f in files.iter().filter(|f| f.path.starts_with("api/")) {
        let text = String::from_utf8_lossy(&f.bytes).to_string();
        let methods: Vec<&str> = out
            .model
            .operations
            .iter()
            .filter(|o| o.source.file == f.path)
            .map(|o| o.method.as_str())
            .collect();
        let annotated = text
            .split("\"blockType\": \"request\"")
            .skip(1)
            .filter(|after| {
                // The first line of the fence after the annotation.
                let fence = after.split("```").nth(1).unwrap_or("");
                let first = fence.lines().nth(1).unwrap_or("");
                methods.iter().any(|m| first.starts_with(m))
            })
            .count();
        checked += annotated;
        let mut names: Vec<Option<&String>> = out
            .model
            .operations
            .iter()
            .flat_map(|o| &o.examples)
            .filter(|e| e.file == f.path)
            .map(|e| e.name.as_ref())
            .collect();
        names.sort();
        names.dedup();
        if names.len() < annotated {
            lost.push(format!(
                "{}: {annotated} annotated, {} read",
                f.path,
                names.len()
            ));
        }
    }
    assert!(lost.is_empty(), "{lost:#?}");
    eprintln!("annotated example requests read: {checked}");
    assert!(checked > 50, "the sample's annotated requests were found");

    let manifest = &out.crate_files["Cargo.toml"];
    let features: Vec<&str> = manifest
        .split("[features]")
        .nth(1)
        .unwrap_or("")
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split(" = ").next())
        .collect();
    assert!(
        features.contains(&"entra-users"),
        "ms.subservice names areas: {features:?}"
    );
    for feature in &features {
        assert!(
            !feature.starts_with("ms-")
                && !feature.contains("subservice")
                && !feature.contains("prod"),
            "a feature is named after a front matter key: {feature}"
        );
    }
}

/// A function parameter named `on` (as in `filterByCurrentUser(on='{on}')`) and enum
/// members that YAML 1.1 reads as booleans are written quoted, and read back as the
/// strings they are.
#[test]
fn names_yaml_1_1_would_misread_are_quoted() {
    let enum_page = "---\ntitle: widgetMood enum type\ndoc_type: enumPageType\nms.subservice: gadgets\n---\n# widgetMood enum type\n\nNamespace: microsoft.graph\n\nHow a widget feels.\n\n## Members\n|Member|Value|Description|\n|:---|:---|:---|\n|on|0|Switched on.|\n|off|1|Switched off.|\n|yes|2|Agrees.|\n|unknownFutureValue|3|Evolvable enumeration sentinel value. Do not use.|\n";
    let widget = WIDGET.replace(
        "|size|Int32|How big it is.|",
        "|size|Int32|How big it is.|\n|mood|[widgetMood](widgetmood.md)|How it feels.|",
    );
    let filter = "---\ntitle: \"widget: filterByMood\"\ndoc_type: apiPageType\nms.subservice: gadgets\n---\n# widget: filterByMood\n\nNamespace: microsoft.graph\n\nLists the widgets in one mood.\n\n## HTTP request\n<!-- { \"blockType\": \"ignored\" } -->\n```http\nGET /widgets/filterByMood(on='{on}')\n```\n\n## Response\nReturns `200 OK` and a collection of [widget](../resources/widget.md) objects.\n\n## Example\n### Request\n<!-- { \"blockType\": \"request\", \"name\": \"widget_filter\" } -->\n```http\nGET https://graph.microsoft.com/v1.0/widgets/filterByMood(on='yes')\n```\n### Response\n<!-- { \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.widget\", \"isCollection\": true } -->\n```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"value\": [{\"id\": \"2024-01-01\", \"size\": 1, \"mood\": \"on\"}]}\n```\n";
    let files = [
        page("resources/widget.md", &widget),
        page("resources/widgetmood.md", enum_page),
        page("api/widget-filterbymood.md", filter),
    ];
    let out = pipeline::run(&files, &options());
    let yaml = &out.openapi;
    assert!(yaml.contains("name: 'on'"), "{yaml}");
    assert!(yaml.contains("- 'off'"), "{yaml}");
    let doc: serde_yaml::Value = serde_yaml::from_str(yaml).expect("reads");
    let path = &doc["paths"]["/widgets/filterByMood(on='{on}')"];
    let names: Vec<&str> = ["parameters"]
        .iter()
        .flat_map(|_| {
            path["get"]["parameters"]
                .as_sequence()
                .into_iter()
                .flatten()
                .chain(path["parameters"].as_sequence().into_iter().flatten())
        })
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(names.contains(&"on"), "{names:?}");
    let members: Vec<&str> = doc["components"]["schemas"]["microsoft.graph.widgetMood"]["enum"]
        .as_sequence()
        .expect("enum")
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    assert_eq!(members, ["on", "off", "yes", "unknownFutureValue"]);
}

/// "Returned only on `$select`" and "Supports `$filter` (...)" in a description become a
/// note on the accessor, which says how to ask for the property.
#[test]
fn query_option_sentences_become_accessor_notes() {
    let widget = WIDGET.replace(
        "|size|Int32|How big it is.|",
        "|size|Int32|How big it is.|\n|label|String|Text printed on its side. Returned only on `$select`. Supports `$filter` (`eq`, `ne`, and `startsWith`) and `$orderby`.|",
    );
    let out = pipeline::run(&[page("resources/widget.md", &widget)], &options());
    let label = out.model.types["microsoft.graph.widget"]
        .properties
        .iter()
        .find(|p| p.name == "label")
        .expect("label");
    assert!(label.query.select_only);
    assert_eq!(label.query.supports.len(), 2);
    let models = &out.crate_files["src/models.rs"];
    let at = models.find("pub fn label(").expect("getter");
    let doc = &models[models[..at].rfind("/// Text printed").expect("doc")..at];
    assert!(
        doc.contains("the service returns it only when `$select` names it (`ODataQuery::new().select([\"label\"])`)"),
        "{doc}"
    );
    assert!(
        doc.contains("`$filter` works on it with `eq`, `ne`, `startsWith`"),
        "{doc}"
    );
    assert!(doc.contains("`$orderby` works on it"), "{doc}");
    let size_at = models.find("pub fn size(").expect("getter");
    assert!(
        !models[size_at.saturating_sub(200)..size_at].contains("Query options"),
        "no note where the description says nothing about options"
    );
}

/// Page trailers whose strings run over several lines (the docs build's suppression
/// notes) carry nothing the model reads: no `invalid-annotation` for them, while a broken
/// example annotation is still reported.
#[test]
fn broken_page_trailers_are_ignored_quietly() {
    let trailer = "\n<!--\n{\n  \"type\": \"#page.annotation\",\n  \"suppressions\": [\n    \"Error: widget.md:\n    could not read the table\"\n  ]\n}\n-->\n";
    let broken = "\n<!-- { \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.widget\n\" } -->\n```http\nHTTP/1.1 200 OK\n```\n";
    let files = [page("resources/widget.md", &format!("{WIDGET}{trailer}"))];
    let out = pipeline::run(&files, &options());
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    let files = [page("resources/widget.md", &format!("{WIDGET}{broken}"))];
    let out = pipeline::run(&files, &options());
    assert!(
        out.diagnostics
            .iter()
            .any(|d| d.code == Code::InvalidAnnotation),
        "{:#?}",
        out.diagnostics
    );
}

/// A resource page and a list page written as current pages are: a tab in the table
/// header, rows without a trailing pipe, a reference link `[gadgetFolder][]`, an
/// interactive request fence with a relative URL inside eight language tabs closed by
/// `---`, "Don't supply a request body", the `Bearer {token}` header row and
/// `isCollection` on the response annotation.
#[test]
fn a_current_list_page_reads_whole() {
    let folder = "---\ntitle: gadgetFolder resource type\ndoc_type: resourcePageType\nms.subservice: gadgets\n---\n# gadgetFolder resource type\n\nNamespace: microsoft.graph\n\nWhere gadgets are kept.\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|childCount|Int32|How many gadgets it holds.|\n\n## JSON representation\n<!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.gadgetFolder\"} -->\n```json\n{\"childCount\": 1}\n```\n";
    let gadget = "---\ntitle: gadget resource type\ndoc_type: resourcePageType\nms.subservice: gadgets\n---\n# gadget resource type\n\nNamespace: microsoft.graph\n\nA tool with many uses.\n\n## Properties\n| Property\t| Type\t|Description|\n|:---|:---|:---|\n|id|String|Key.\n|folder|[gadgetFolder][]|The folder it sits in.\n|weight|Double|Weight in grams.|\n\n## JSON representation\n<!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.gadget\", \"keyProperty\": \"id\"} -->\n```json\n{\"id\": \"String\", \"folder\": {\"@odata.type\": \"microsoft.graph.gadgetFolder\"}, \"weight\": 1.5}\n```\n\n[gadgetFolder]: gadgetfolder.md\n";
    let mut tabs = String::new();
    for (label, tab) in [
        ("C#", "csharp"),
        ("CLI", "cli"),
        ("Go", "go"),
        ("Java", "java"),
        ("JavaScript", "javascript"),
        ("PHP", "php"),
        ("PowerShell", "powershell"),
        ("Python", "python"),
    ] {
        tabs.push_str(&format!(
            "# [{label}](#tab/{tab})\n[!INCLUDE [sample-code](../includes/snippets/{tab}/list-gadgets-{tab}-snippets.md)]\n[!INCLUDE [sdk-documentation](../includes/snippets/snippets-sdk-documentation-link.md)]\n\n"
        ));
    }
    let list = format!(
        "---\ntitle: List gadgets\ndoc_type: apiPageType\nms.subservice: gadgets\nms.date: 05/06/2025\n---\n# List gadgets\n\nNamespace: microsoft.graph\n\nLists the gadgets of the signed-in user.\n\n[!INCLUDE [national-cloud-support](../../includes/all-clouds.md)]\n\n## Permissions\n\n<!-- {{ \"blockType\": \"permissions\", \"name\": \"gadget_list\" }} -->\n[!INCLUDE [permissions-table](../includes/permissions/gadget-list-permissions.md)]\n\n## HTTP request\n\n<!-- {{ \"blockType\": \"ignored\" }} -->\n```http\nGET /me/gadgets\n```\n\n## Request headers\n|Name|Description|\n|:---|:---|\n|Authorization|Bearer {{token}}. Required. Learn more about [authentication and authorization](/graph/auth/auth-concepts).|\n\n## Request body\nDon't supply a request body for this method.\n\n## Response\nIf successful, this method returns a `200 OK` response code and a collection of gadget objects in the response body.\n\n## Example\n\n### Request\n\n# [HTTP](#tab/http)\n<!-- {{ \"blockType\": \"request\", \"name\": \"list_gadgets\" }} -->\n```msgraph-interactive\nGET /me/gadgets\n```\n\n{tabs}---\n\n### Response\n\n<!-- {{ \"blockType\": \"response\", \"truncated\": true, \"@odata.type\": \"microsoft.graph.gadget\", \"isCollection\": true }} -->\n```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{{\"value\": [{{\"id\": \"g1\", \"weight\": 2.5, \"folder\": {{\"childCount\": 3}}}}]}}\n```\n"
    );
    let files = [
        page("resources/gadgetfolder.md", folder),
        page("resources/gadget.md", gadget),
        page("api/gadget-list.md", &list),
        page("includes/permissions/gadget-list-permissions.md", TABLE),
    ];
    let out = pipeline::run(&files, &options());
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    let gadget = &out.model.types["microsoft.graph.gadget"];
    let props: Vec<(&str, String)> = gadget
        .properties
        .iter()
        .map(|p| (p.name.as_str(), format!("{:?}", p.ty)))
        .collect();
    assert_eq!(
        props,
        [
            ("id", "Primitive(String)".to_string()),
            (
                "folder",
                "Named(\"microsoft.graph.gadgetFolder\")".to_string()
            ),
            ("weight", "Primitive(Double)".to_string()),
        ]
    );
    let op = &out.model.operations[0];
    assert_eq!(
        (op.method.as_str(), op.id.as_str()),
        ("GET", "get_me_gadgets")
    );
    assert!(op.request_body.is_none());
    assert_eq!(
        format!("{:?}", op.response.body),
        "Some(Collection(Named(\"microsoft.graph.gadget\")))"
    );
    assert_eq!(op.examples.len(), 1);
    let example = &op.examples[0];
    assert_eq!(example.request.target, "/me/gadgets");
    let response = example.response.as_ref().expect("response");
    assert!(response.is_collection);
    assert_eq!(
        response.odata_type.as_deref(),
        Some("microsoft.graph.gadget")
    );
    assert_eq!(op.permissions.delegated_work.least, ["Widget.Read"]);
    assert_eq!(op.description, "Lists the gadgets of the signed-in user.");
    assert!(
        op.headers.is_empty(),
        "Authorization is not a documented extra header"
    );
}
