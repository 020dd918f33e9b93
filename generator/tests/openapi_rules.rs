//! What the OpenAPI document and the rustdoc say about an operation beyond its shapes:
//! who may call it (security), where it is published (links), how it fails, which doc
//! area it belongs to, and how its collections page.

use graphdoc::diag::Code;
use graphdoc::pipeline::{self, Output, SourceFile};
use graphdoc::rust::CrateOptions;
use graphdoc::site::ApiVersion;
use serde_json::{Value, json};

const WIDGET: &str = "---\ndoc_type: resourcePageType\nms.prod: \"gadgets\"\n---\n# widget resource type\n\nNamespace: microsoft.graph\n\nA small thing.\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|id|String|Key.|\n|size|Int32|How big.|\n\n## JSON representation\n<!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.widget\", \"keyProperty\": \"id\"} -->\n```json\n{\"id\": \"String\", \"size\": 1}\n```\n";

/// An API page: `permissions` is the whole Permissions section (heading included), or
/// nothing; `request` the request line; `response` the Response section's prose.
fn api_page(permissions: &str, request: &str, response: &str) -> String {
    format!(
        "---\ndoc_type: apiPageType\nms.prod: \"gadgets\"\n---\n# Widget call\n\nNamespace: microsoft.graph\n\nDoes something with widgets.\n\n{permissions}\n## HTTP request\n<!-- {{ \"blockType\": \"ignored\" }} -->\n```http\n{request}\n```\n\n## Response\n{response}\n"
    )
}

const RANKED: &str = "## Permissions\n|Permission type|Permissions (from least to most privileged)|\n|:---|:---|\n|Delegated (work or school account)|Widget.Read, Widget.ReadWrite|\n|Delegated (personal Microsoft account)|Not supported.|\n|Application|Widget.Read.All, Widget.ReadWrite.All|\n";

const ONE_WIDGET: &str = "Returns `200 OK` and a [widget](../resources/widget.md) object.";
const WIDGETS: &str =
    "Returns `200 OK` and a collection of [widget](../resources/widget.md) objects.";

fn run_with(pages: &[(&str, &str)], version: ApiVersion) -> Output {
    let mut files = vec![SourceFile {
        path: "resources/widget.md".to_string(),
        bytes: WIDGET.as_bytes().to_vec(),
    }];
    files.extend(pages.iter().map(|(path, text)| SourceFile {
        path: path.to_string(),
        bytes: text.as_bytes().to_vec(),
    }));
    let options = CrateOptions::new("test", "fixtures").with_api_version(version);
    pipeline::run(&files, &options)
}

fn run(pages: &[(&str, &str)]) -> Output {
    run_with(pages, ApiVersion::V1)
}

fn document(out: &Output) -> Value {
    serde_yaml::from_str(&out.openapi).expect("the document reads as YAML")
}

/// The one operation of `method` on `path`.
fn operation<'a>(doc: &'a Value, path: &str, method: &str) -> &'a Value {
    let op = &doc["paths"][path][method];
    assert!(op.is_object(), "no {method} {path} in {doc:#}");
    op
}

fn function_docs(out: &Output) -> &str {
    &out.crate_files["src/operations.rs"]
}

#[test]
fn each_permission_is_an_alternative() {
    let out = run(&[(
        "api/widget-get.md",
        &api_page(RANKED, "GET /widgets/{id}", ONE_WIDGET),
    )]);
    let doc = document(&out);
    assert_eq!(
        operation(&doc, "/widgets/{id}", "get")["security"],
        json!([
            {"azureaadv2": ["Widget.Read"]},
            {"azureaadv2": ["Widget.ReadWrite"]},
            {"azureaadv2": ["Widget.Read.All"]},
            {"azureaadv2": ["Widget.ReadWrite.All"]},
        ])
    );
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
}

#[test]
fn a_permission_of_several_scopes_needs_them_together() {
    let table = "## Permissions\n|Permission type|Permissions (from least to most privileged)|\n|:---|:---|\n|Delegated (work or school account)|Widget.Read and User.Read, Widget.ReadWrite.All|\n|Application|Widget.Read.All and Directory.Read.All|\n";
    let out = run(&[(
        "api/widget-get.md",
        &api_page(table, "GET /widgets/{id}", ONE_WIDGET),
    )]);
    let doc = document(&out);
    assert_eq!(
        operation(&doc, "/widgets/{id}", "get")["security"],
        json!([
            {"azureaadv2": ["Widget.Read", "User.Read"]},
            {"azureaadv2": ["Widget.ReadWrite.All"]},
            {"azureaadv2": ["Widget.Read.All", "Directory.Read.All"]},
        ])
    );
    let op = &out.model.operations[0];
    assert_eq!(
        op.permissions.delegated_work.least,
        ["Widget.Read and User.Read"]
    );
    assert!(
        function_docs(&out)
            .contains("least: `Widget.Read` and `User.Read`; higher: `Widget.ReadWrite.All`"),
        "{}",
        function_docs(&out)
    );
}

#[test]
fn none_means_a_token_with_no_particular_scope() {
    let table = "## Permissions\n|Permission type|Permissions (from least to most privileged)|\n|:---|:---|\n|Delegated (work or school account)|None.|\n|Delegated (personal Microsoft account)|None.|\n|Application|None.|\n";
    let out = run(&[(
        "api/widget-get.md",
        &api_page(table, "GET /widgets/{id}", ONE_WIDGET),
    )]);
    let doc = document(&out);
    let op = operation(&doc, "/widgets/{id}", "get");
    assert_eq!(op["security"], json!([{"azureaadv2": []}]));
    assert!(op.get("x-ms-permissions").is_none(), "{op:#}");
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert!(
        function_docs(&out).contains("/// A token with no particular permission."),
        "{}",
        function_docs(&out)
    );
}

#[test]
fn a_page_without_permissions_is_a_located_warning_and_still_needs_a_token() {
    let text = api_page("", "GET /widgets/{id}", ONE_WIDGET);
    let out = run(&[("api/widget-get.md", &text)]);
    let doc = document(&out);
    assert_eq!(
        operation(&doc, "/widgets/{id}", "get")["security"],
        json!([{"azureaadv2": []}])
    );
    let warnings: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::NoPermissions)
        .collect();
    assert_eq!(warnings.len(), 1, "{:#?}", out.diagnostics);
    let d = warnings[0];
    let line = text
        .lines()
        .position(|l| l == "## HTTP request")
        .expect("section")
        + 1;
    assert_eq!((d.file.as_str(), d.line), ("api/widget-get.md", line));
    assert_eq!(d.severity, graphdoc::diag::Severity::Warning);
    assert!(d.help.is_some());

    // A Permissions section the generator cannot read is not missing: no warning.
    let prose = "## Permissions\nOne of the delegated widget permissions is required.\n";
    let out = run(&[(
        "api/widget-get.md",
        &api_page(prose, "GET /widgets/{id}", ONE_WIDGET),
    )]);
    assert!(
        !out.diagnostics
            .iter()
            .any(|d| d.code == Code::NoPermissions),
        "{:#?}",
        out.diagnostics
    );
}

#[test]
fn delegated_scopes_are_the_authorization_codes_and_application_ones_the_client_credentials() {
    let out = run(&[(
        "api/widget-get.md",
        &api_page(RANKED, "GET /widgets/{id}", ONE_WIDGET),
    )]);
    let doc = document(&out);
    let flows = &doc["components"]["securitySchemes"]["azureaadv2"]["flows"];
    let scopes = |flow: &str| -> Vec<String> {
        flows[flow]["scopes"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(
        scopes("authorizationCode"),
        ["Widget.Read", "Widget.ReadWrite"]
    );
    assert_eq!(
        scopes("clientCredentials"),
        ["Widget.Read.All", "Widget.ReadWrite.All"]
    );
    assert!(
        flows["clientCredentials"]["tokenUrl"]
            .as_str()
            .is_some_and(|u| u.ends_with("/oauth2/v2.0/token"))
    );
    assert!(flows["clientCredentials"].get("authorizationUrl").is_none());
}

#[test]
fn least_and_higher_privileged_permissions_are_kept_apart() {
    let table = "## Permissions\n|Permission type|Least privileged permissions|Higher privileged permissions|\n|:---|:---|:---|\n|Delegated (work or school account)|Widget.Read|Widget.ReadWrite, Widget.Read.All|\n|Delegated (personal Microsoft account)|Not supported.|Not supported.|\n|Application|Widget.Read.All|Not available.|\n";
    let out = run(&[(
        "api/widget-get.md",
        &api_page(table, "GET /widgets/{id}", ONE_WIDGET),
    )]);
    let p = &out.model.operations[0].permissions;
    assert_eq!(p.delegated_work.least, ["Widget.Read"]);
    assert_eq!(
        p.delegated_work.higher,
        ["Widget.ReadWrite", "Widget.Read.All"]
    );
    assert!(p.delegated_personal.is_empty());
    assert_eq!(p.application.least, ["Widget.Read.All"]);
    assert!(p.application.higher.is_empty());

    let doc = document(&out);
    assert_eq!(
        operation(&doc, "/widgets/{id}", "get")["x-ms-permissions"],
        json!({
            "delegatedWork": {
                "leastPrivileged": ["Widget.Read"],
                "higherPrivileged": ["Widget.ReadWrite", "Widget.Read.All"],
            },
            "application": {"leastPrivileged": ["Widget.Read.All"]},
        })
    );
    let docs = function_docs(&out);
    for line in [
        "/// - Delegated (work or school account): least: `Widget.Read`; higher: `Widget.ReadWrite`, `Widget.Read.All`",
        "/// - Delegated (personal Microsoft account): not supported",
        "/// - Application: least: `Widget.Read.All`",
    ] {
        assert!(docs.contains(&format!("{line}\n")), "{line}\n{docs}");
    }

    // One list ranked "from least to most privileged": the first is the least.
    let out = run(&[(
        "api/widget-get.md",
        &api_page(RANKED, "GET /widgets/{id}", ONE_WIDGET),
    )]);
    let p = &out.model.operations[0].permissions;
    assert_eq!(p.application.least, ["Widget.Read.All"]);
    assert_eq!(p.application.higher, ["Widget.ReadWrite.All"]);
}

#[test]
fn operations_and_types_link_to_their_published_pages() {
    let pages = [(
        "api/widget-get.md",
        api_page(RANKED, "GET /widgets/{id}", ONE_WIDGET),
    )];
    let pages: Vec<(&str, &str)> = pages.iter().map(|(p, t)| (*p, t.as_str())).collect();
    for (version, view) in [
        (ApiVersion::V1, "graph-rest-1.0"),
        (ApiVersion::Beta, "graph-rest-beta"),
    ] {
        let out = run_with(&pages, version);
        let doc = document(&out);
        let api = format!("https://learn.microsoft.com/graph/api/widget-get?view={view}");
        let resource =
            format!("https://learn.microsoft.com/graph/api/resources/widget?view={view}");
        assert_eq!(
            operation(&doc, "/widgets/{id}", "get")["externalDocs"]["url"],
            json!(api)
        );
        assert_eq!(
            doc["components"]["schemas"]["microsoft.graph.widget"]["externalDocs"]["url"],
            json!(resource)
        );
        assert_eq!(
            doc["servers"][0]["url"],
            json!(version.service_root()),
            "the service root follows the version"
        );
        assert_eq!(doc["info"]["version"], json!(version.as_str()));
        assert!(
            function_docs(&out).contains(&format!(
                "/// Documented in `api/widget-get.md` (line 21); published at <{api}>.\n"
            )),
            "{}",
            function_docs(&out)
        );
        assert!(
            out.crate_files["src/models.rs"].contains(&format!(
                "documented in `resources/widget.md`; published at <{resource}>."
            )),
            "{}",
            out.crate_files["src/models.rs"]
        );
    }
}

#[test]
fn failures_are_4xx_and_5xx_graph_errors() {
    let out = run(&[(
        "api/widget-get.md",
        &api_page(RANKED, "GET /widgets/{id}", ONE_WIDGET),
    )]);
    let doc = document(&out);
    let responses = &operation(&doc, "/widgets/{id}", "get")["responses"];
    let error = json!({"$ref": "#/components/responses/error"});
    assert_eq!(responses["4XX"], error);
    assert_eq!(responses["5XX"], error);
    assert!(responses.get("default").is_none(), "{responses:#}");
    assert_eq!(
        doc["components"]["responses"]["error"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/odata.error"})
    );
}

#[test]
fn operations_are_tagged_with_their_doc_area_and_the_tags_declared() {
    let other = api_page(RANKED, "GET /widgets/{id}/parts", ONE_WIDGET)
        .replace("ms.prod: \"gadgets\"", "ms.prod: \"assembly\"");
    let out = run(&[
        (
            "api/widget-get.md",
            &api_page(RANKED, "GET /widgets/{id}", ONE_WIDGET),
        ),
        ("api/widget-parts.md", &other),
    ]);
    let doc = document(&out);
    assert_eq!(
        operation(&doc, "/widgets/{id}", "get")["tags"],
        json!(["gadgets"])
    );
    assert_eq!(
        operation(&doc, "/widgets/{id}/parts", "get")["tags"],
        json!(["assembly"])
    );
    let declared: Vec<&str> = doc["tags"]
        .as_array()
        .expect("top-level tags")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(declared, ["assembly", "gadgets"], "sorted, each once");
}

#[test]
fn collections_page_and_count() {
    let out = run(&[
        (
            "api/widget-list.md",
            &api_page(RANKED, "GET /widgets", WIDGETS),
        ),
        (
            "api/widget-get.md",
            &api_page(RANKED, "GET /widgets/{id}", ONE_WIDGET),
        ),
    ]);
    let doc = document(&out);
    let list = operation(&doc, "/widgets", "get");
    assert_eq!(
        list["x-ms-pageable"],
        json!({"nextLinkName": "@odata.nextLink"})
    );
    let page = &list["responses"]["200"]["content"]["application/json"]["schema"]["properties"];
    assert_eq!(
        page["@odata.count"],
        json!({"type": "integer", "format": "int64", "nullable": true})
    );
    assert!(page["@odata.nextLink"].is_object());
    assert!(
        page.get("@odata.deltaLink").is_none(),
        "not a delta function"
    );
    let one = operation(&doc, "/widgets/{id}", "get");
    assert!(one.get("x-ms-pageable").is_none(), "{one:#}");
}

#[test]
fn delta_functions_end_with_a_delta_link() {
    for request in [
        "GET /widgets/delta",
        "GET /widgets/delta()",
        "GET /widgets/microsoft.graph.delta(token='{token}')",
    ] {
        let out = run(&[("api/widget-delta.md", &api_page(RANKED, request, WIDGETS))]);
        let doc = document(&out);
        let (path, op) = doc["paths"]
            .as_object()
            .and_then(|paths| paths.iter().next())
            .expect("one path");
        let page =
            &op["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"];
        assert_eq!(
            page["@odata.deltaLink"],
            json!({"type": "string", "nullable": true}),
            "{path}"
        );
        assert!(op["get"]["x-ms-pageable"].is_object(), "{path}");
    }
}
