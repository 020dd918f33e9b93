//! An action's body parameters, wherever its page puts them: a `Value` column, a
//! `Parameters` section after the request headers, the example request's JSON when no
//! table lists them; `number` and a choice of types; an optional body.

use graphdoc::diag::Diagnostic;
use graphdoc::model::{Edm, Model, Operation, QualifiedName, RequestBody, TypeRef, build_model};
use graphdoc::parse::parse_page;
use graphdoc::pipeline::{self, SourceFile};

#[allow(dead_code)]
mod common;
mod parses;

fn build(pages: &[(&str, String)]) -> (Model, Vec<Diagnostic>) {
    let parsed: Vec<_> = pages
        .iter()
        .map(|(path, text)| parse_page(path, text.as_bytes()).0)
        .collect();
    build_model(&parsed)
}

/// An action page: its request line, then `rest` (the sections after it).
fn action(request_line: &str, rest: &str) -> String {
    format!(
        "---\ndoc_type: apiPageType\nms.prod: widgets\n---\n# widget: act\n\n\
         ## HTTP request\n<!-- {{ \"blockType\": \"ignored\" }} -->\n```http\n{request_line}\n```\n\n\
         {rest}\n\n## Response\nIf successful, this action returns a `204 No Content` response code.\n"
    )
}

const WIDGET: &str = "---\ndoc_type: resourcePageType\n---\n# widget resource type\n\n\
    Namespace: microsoft.graph\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n\
    |id|String|The id.|\n|name|String|The name.|\n\n## JSON representation\n\
    <!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.widget\"} -->\n\
    ```json\n{}\n```\n";

fn widget_page() -> (&'static str, String) {
    ("resources/widget.md", WIDGET.to_string())
}

fn op<'m>(model: &'m Model, path: &str) -> &'m Operation {
    model
        .operations
        .iter()
        .find(|o| o.path.openapi_path() == path)
        .unwrap_or_else(|| panic!("no operation {path}"))
}

/// The body's parameters as (name, type).
fn parameters(op: &Operation) -> Vec<(String, TypeRef)> {
    match &op.request_body {
        Some(RequestBody::Parameters { parameters }) => parameters
            .iter()
            .map(|p| (p.name.clone(), p.ty.clone()))
            .collect(),
        other => panic!("{} has no parameters: {other:?}", op.id),
    }
}

fn codes(diags: &[Diagnostic]) -> Vec<&str> {
    diags.iter().map(|d| d.code.id()).collect()
}

fn string() -> TypeRef {
    TypeRef::Primitive(Edm::String)
}

#[test]
fn a_value_column_beside_a_description_gives_the_types() {
    let page = action(
        "POST /widgets/{id}/checkin",
        "## Request body\n\n| Name | Value | Description |\n|:--|:--|:--|\n\
         | comment | string | A check-in comment. |\n\
         | parent | [widget](../resources/widget.md) | Where it goes. |",
    );
    let (model, diags) = build(&[("api/widget-checkin.md", page), widget_page()]);
    assert_eq!(
        parameters(op(&model, "/widgets/{id}/checkin")),
        [
            ("comment".to_string(), string()),
            (
                "parent".to_string(),
                TypeRef::Named(QualifiedName::from_qualified("microsoft.graph.widget"))
            ),
        ],
        "{diags:#?}"
    );
}

#[test]
fn a_two_column_name_value_table_is_no_parameter_table() {
    // Literal values (`@odata.type`), as the open extension pages write them.
    let page = action(
        "POST /widgets/{id}/tag",
        "## Request body\n\n| Name | Value |\n|:--|:--|\n| @odata.type | microsoft.graph.x |",
    );
    let (model, _) = build(&[("api/widget-tag.md", page), widget_page()]);
    assert!(op(&model, "/widgets/{id}/tag").request_body.is_none());
}

#[test]
fn a_parameters_section_after_the_headers_is_read_and_the_body_is_optional() {
    let page = action(
        "POST /widgets/{id}/createUploadSession",
        "### Request body\n\nNo request body is required.\nHowever, you can specify properties \
         in the request body.\n\n### Optional request headers\n\n| Name | Value | Description |\n\
         |:--|:--|:--|\n| *if-match* | etag | If it matches. |\n\n## Parameters\n\n\
         | Parameter | Type | Description |\n|:--|:--|:--|\n\
         | item | [widget](../resources/widget.md) | The file. |\n\
         | deferCommit | Boolean | Wait for a request to commit. |",
    );
    let (model, diags) = build(&[("api/widget-upload.md", page), widget_page()]);
    let op = op(&model, "/widgets/{id}/createUploadSession");
    assert_eq!(
        parameters(op),
        [
            (
                "item".to_string(),
                TypeRef::Named(QualifiedName::from_qualified("microsoft.graph.widget"))
            ),
            ("deferCommit".to_string(), TypeRef::Primitive(Edm::Boolean)),
        ],
        "{diags:#?}"
    );
    assert!(op.body_optional);
}

#[test]
fn no_request_body_stays_no_body() {
    let page = action(
        "POST /widgets/{id}/restore",
        "## Request body\n\nDo not supply a request body for this method.\n\n## Parameters\n\n\
         | Parameter | Type | Description |\n|:--|:--|:--|\n| note | String | Ignored. |",
    );
    let (model, _) = build(&[("api/widget-restore.md", page)]);
    let op = op(&model, "/widgets/{id}/restore");
    assert!(op.request_body.is_none());
    assert!(!op.body_optional);
}

#[test]
fn function_parameters_in_the_url_are_not_body_parameters() {
    let page = action(
        "POST /widgets/{id}/resized(deltaRows={n})",
        "## Function parameters\n\n| Parameter | Type | Description |\n|:--|:--|:--|\n\
         | deltaRows | Int32 | Rows to add. |",
    );
    let (model, _) = build(&[("api/widget-resized.md", page)]);
    assert!(model.operations.iter().all(|o| o.request_body.is_none()));
}

#[test]
fn without_a_table_the_example_request_gives_the_parameters() {
    let page = action(
        "POST /widgets/{id}/archive",
        "## Request body\n\nIn the request, you may _optionally_ include parameters in a JSON body.\n\n\
         ## Example\n\n<!-- { \"blockType\": \"request\", \"name\": \"archive\" } -->\n```http\n\
         POST https://graph.microsoft.com/v1.0/widgets/1/archive\nContent-Type: application/json\n\n\
         {\n  \"readOnly\": true,\n  \"note\": \"n\",\n  \"count\": 3,\n  \"big\": 5000000000,\n  \
         \"ratio\": 0.5,\n  \"tags\": [\"a\"],\n  \"target\": {\"@odata.type\": \"#microsoft.graph.widget\", \"id\": \"1\"},\n  \
         \"extra\": {\"x\": 1},\n  \"@odata.type\": \"#microsoft.graph.archiveRequest\"\n}\n```\n",
    );
    let (model, diags) = build(&[("api/widget-archive.md", page), widget_page()]);
    let op = op(&model, "/widgets/{id}/archive");
    let p = |t| TypeRef::Primitive(t);
    assert_eq!(
        parameters(op),
        [
            ("readOnly".to_string(), p(Edm::Boolean)),
            ("note".to_string(), string()),
            ("count".to_string(), p(Edm::Int32)),
            ("big".to_string(), p(Edm::Int64)),
            ("ratio".to_string(), p(Edm::Double)),
            ("tags".to_string(), TypeRef::Collection(Box::new(string()))),
            (
                "target".to_string(),
                TypeRef::Named(QualifiedName::from_qualified("microsoft.graph.widget"))
            ),
            ("extra".to_string(), TypeRef::Untyped),
        ]
    );
    assert!(op.body_optional);
    let reported: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.code.id() == "parameters-from-example")
        .collect();
    assert_eq!(reported.len(), 1, "{diags:#?}");
    assert_eq!(reported[0].file, "api/widget-archive.md");
    assert!(reported[0].message.contains("`readOnly` (`Edm.Boolean`)"));
    assert!(reported[0].help.is_some());
}

#[test]
fn a_create_typed_by_its_path_is_not_reported_as_example_parameters() {
    let create = action(
        "POST /widgets",
        "## Example\n\n<!-- { \"blockType\": \"request\", \"name\": \"create\" } -->\n```http\n\
         POST https://graph.microsoft.com/v1.0/widgets\nContent-Type: application/json\n\n\
         {\"name\": \"w\"}\n```\n",
    );
    let list = "---\ndoc_type: apiPageType\n---\n# List widgets\n\n## HTTP request\n```http\n\
        GET /widgets\n```\n\n## Response\nIf successful, this method returns a `200 OK` response \
        code and a collection of [widget](../resources/widget.md) objects in the response body.\n";
    let (model, diags) = build(&[
        ("api/widget-create.md", create),
        ("api/widget-list.md", list.to_string()),
        widget_page(),
    ]);
    let op = model
        .operations
        .iter()
        .find(|o| o.id == "post_widgets")
        .expect("the create");
    assert_eq!(
        op.request_body,
        Some(RequestBody::Typed {
            types: vec![QualifiedName::from_qualified("microsoft.graph.widget")]
        })
    );
    assert!(op.body_from_example.is_none());
    assert!(!codes(&diags).contains(&"parameters-from-example"));
}

#[test]
fn number_is_a_double_and_a_choice_of_types_is_any_json() {
    let page = action(
        "POST /widgets/{id}/preview",
        "## Request body\n\n| Name | Type | Description |\n|:--|:--|:--|\n\
         | page | string/number | Page to start at. |\n| zoom | number | Zoom level. |",
    );
    let (model, diags) = build(&[("api/widget-preview.md", page)]);
    assert_eq!(
        parameters(op(&model, "/widgets/{id}/preview")),
        [
            ("page".to_string(), TypeRef::Untyped),
            ("zoom".to_string(), TypeRef::Primitive(Edm::Double)),
        ]
    );
    let choice = diags
        .iter()
        .find(|d| d.code.id() == "alternative-types")
        .expect("a diagnostic for `string/number`");
    assert!(
        choice.message.contains("(`string` or `number`)"),
        "{choice}"
    );
    assert!(!codes(&diags).contains(&"unknown-type"), "{diags:#?}");
}

/// A resource page of `name` deriving from `base` (none for a root type).
fn derived_page(name: &str, base: Option<&str>) -> (String, String) {
    let base_line = base.map_or(String::new(), |b| {
        format!("Inherits from [{b}]({b}.md).\n\n")
    });
    (
        format!("resources/{}.md", name.to_ascii_lowercase()),
        format!(
            "---\ndoc_type: resourcePageType\n---\n# {name} resource type\n\n\
             Namespace: microsoft.graph\n\n{base_line}## Properties\n|Property|Type|Description|\n\
             |:---|:---|:---|\n|note|String|A note.|\n\n## JSON representation\n\
             <!-- {{\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.{name}\"}} -->\n\
             ```json\n{{}}\n```\n"
        ),
    )
}

#[test]
fn a_choice_of_derived_types_is_their_base() {
    let page = action(
        "POST /widgets/{id}/answer",
        "## Request body\n\n| Name | Type | Description |\n|:--|:--|:--|\n\
         | config | [hostedConfig](../resources/hostedconfig.md) or [servedConfig](../resources/servedconfig.md) | How. |\n\
         | other | [hostedConfig](../resources/hostedconfig.md) or [widget](../resources/widget.md) | What. |",
    );
    let pages: Vec<(String, String)> = vec![
        ("api/widget-answer.md".to_string(), page),
        derived_page("mediaSetting", None),
        derived_page("hostedConfig", Some("mediaSetting")),
        derived_page("servedConfig", Some("mediaSetting")),
        (widget_page().0.to_string(), widget_page().1),
    ];
    let borrowed: Vec<(&str, String)> =
        pages.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let (model, diags) = build(&borrowed);
    assert_eq!(
        parameters(op(&model, "/widgets/{id}/answer")),
        [
            (
                "config".to_string(),
                TypeRef::Named(QualifiedName::from_qualified(
                    "microsoft.graph.mediaSetting"
                ))
            ),
            // Unrelated types share no base: any JSON, as before.
            ("other".to_string(), TypeRef::Untyped),
        ]
    );
    let based = diags
        .iter()
        .filter(|d| d.code.id() == "alternative-types")
        .map(|d| d.message.as_str())
        .collect::<Vec<_>>();
    assert_eq!(based.len(), 2, "{based:#?}");
    assert!(
        based[0].contains("typed as their base `microsoft.graph.mediaSetting`"),
        "{based:#?}"
    );
}

#[test]
fn an_action_on_two_pages_takes_both_pages_parameters_and_the_narrower_type() {
    let line = "POST /widgets/{id}/rows/add";
    let vague = action(
        line,
        "## Request body\n\n| Name | Type | Description |\n|:--|:--|:--|\n\
         | index | number | Where. |\n| values | Json | What. |",
    );
    let precise = action(
        line,
        "## Request body\n\n| Name | Type | Description |\n|:--|:--|:--|\n\
         | index | Int32 | Where. |\n| label | String | Named. |",
    );
    for order in [[&vague, &precise], [&precise, &vague]] {
        let (model, _) = build(&[
            ("api/widget-rows-add.md", order[0].clone()),
            ("api/widgetrows-add.md", order[1].clone()),
        ]);
        let mut got = parameters(op(&model, "/widgets/{id}/rows/add"));
        got.sort();
        assert_eq!(
            got,
            [
                ("index".to_string(), TypeRef::Primitive(Edm::Int32)),
                ("label".to_string(), string()),
                ("values".to_string(), TypeRef::Untyped),
            ]
        );
    }
}

fn source(path: &str, text: String) -> SourceFile {
    SourceFile {
        path: path.to_string(),
        bytes: text.into_bytes(),
    }
}

/// The `requestBody` of the one operation of `openapi`, as text.
fn body_yaml(openapi: &str) -> &str {
    let start = openapi.find("requestBody:").expect("a request body");
    let end = openapi[start..]
        .find("responses:")
        .map_or(openapi.len(), |e| start + e);
    &openapi[start..end]
}

#[test]
fn an_optional_body_is_not_required_and_has_a_second_rust_form() {
    let request = |name: &str, body: &str| {
        format!(
            "<!-- {{ \"blockType\": \"request\", \"name\": \"{name}\" }} -->\n```http\n\
             POST https://graph.microsoft.com/v1.0/widgets/1/checkin\n{body}```\n\n"
        )
    };
    let page = action(
        "POST /widgets/{id}/checkin",
        &format!(
            "## Request body\n\nNo request body is required. However, you can specify these.\n\n\
             | Parameter | Type | Description |\n|:--|:--|:--|\n| comment | String | A note. |\n\n\
             ## Examples\n\n{}{}",
            request("bare", ""),
            request(
                "noted",
                "Content-Type: application/json\n\n{\"comment\": \"c\"}\n"
            ),
        ),
    );
    let out = pipeline::run(
        &[source("api/widget-checkin.md", page)],
        &common::regen_options(),
    );
    parses::assert_crate_parses(&out.crate_files, "optional body");
    // OpenAPI's default for a request body is not required.
    assert!(
        !body_yaml(&out.openapi).contains("required:"),
        "{}",
        out.openapi
    );
    let operations = &out.crate_files["src/operations.rs"];
    assert!(
        operations
            .contains("pub fn post_widgets_checkin(id: &str) -> Request<runtime::NoContent> {"),
        "{operations}"
    );
    assert!(
        operations.contains(
            "pub fn post_widgets_checkin_with_body(\n    id: &str,\n    body: &PostWidgetsCheckinBody,\n) -> Request<runtime::NoContent> {"
        ),
        "{operations}"
    );
    assert!(operations.contains("[`post_widgets_checkin_with_body`] sends one."));
    let builders = &out.crate_files["src/builders.rs"];
    assert!(
        builders.contains("pub fn checkin(&self) -> Request<runtime::NoContent>"),
        "{builders}"
    );
    assert!(
        builders.contains("crate::operations::post_widgets_checkin_with_body(self.0[0], body)"),
        "{builders}"
    );
    // Each example calls the form that matches it.
    let tests = &out.crate_files["tests/doc_examples.rs"];
    assert!(!tests.contains("skipped"), "{tests}");
    assert!(
        tests.contains("operations::post_widgets_checkin(\"1\");"),
        "{tests}"
    );
    assert!(tests.contains(".checkin();"), "{tests}");
    assert!(
        tests.contains("operations::post_widgets_checkin_with_body("),
        "{tests}"
    );
    assert!(tests.contains(".checkin_with_body("), "{tests}");
}

#[test]
fn a_required_body_has_one_form() {
    let page = action(
        "POST /widgets/{id}/checkin",
        "## Request body\n\n| Parameter | Type | Description |\n|:--|:--|:--|\n\
         | comment | String | A note. |",
    );
    let out = pipeline::run(
        &[source("api/widget-checkin.md", page)],
        &common::regen_options(),
    );
    assert!(body_yaml(&out.openapi).contains("required: true"));
    assert!(!out.crate_files["src/operations.rs"].contains("_with_body"));
}
