//! Operations are typed by what their path addresses; the page's words are evidence.

use graphdoc::diag::Diagnostic;
use graphdoc::model::{Edm, Model, Operation, QualifiedName, RequestBody, TypeRef, build_model};
use graphdoc::parse::parse_page;

fn build(pages: &[(&str, String)]) -> (Model, Vec<Diagnostic>) {
    let parsed: Vec<_> = pages
        .iter()
        .map(|(path, text)| parse_page(path, text.as_bytes()).0)
        .collect();
    build_model(&parsed)
}

/// A resource page with properties, relationships and an optional base type.
fn resource(name: &str, base: Option<&str>, rows: &str, relationships: &str) -> String {
    let inherits = base.map_or(String::new(), |b| format!("Inherits from [{b}]({b}.md)."));
    let base_key = base.map_or(String::new(), |b| {
        format!(", \"baseType\": \"microsoft.graph.{b}\"")
    });
    let relationships = if relationships.is_empty() {
        String::new()
    } else {
        format!(
            "## Relationships\n|Relationship|Type|Description|\n|:---|:---|:---|\n{relationships}\n\n"
        )
    };
    format!(
        "---\ndoc_type: resourcePageType\n---\n# {name} resource type\n\nNamespace: microsoft.graph\n\n{inherits}\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n{rows}\n\n{relationships}## JSON representation\n<!-- {{\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.{name}\"{base_key}}} -->\n```json\n{{}}\n```\n"
    )
}

/// An API page: request lines, a request-body section and a response sentence.
fn api(title: &str, lines: &str, body: &str, response: &str) -> String {
    format!(
        "---\ndoc_type: apiPageType\n---\n# {title}\n\n## HTTP request\n<!-- {{ \"blockType\": \"ignored\" }} -->\n```http\n{lines}\n```\n\n## Request body\n{body}\n\n## Response\n{response}\n"
    )
}

const NO_BODY: &str = "Do not supply a request body for this method.";

fn entity() -> String {
    resource("entity", None, "|id|String|The key.|", "")
}

/// A singleton `widgetManagement` with a collection of widgets (one derived type) and
/// a single settings object.
fn widget_pages() -> Vec<(&'static str, String)> {
    vec![
        ("resources/entity.md", entity()),
        (
            "resources/widgetmanagement.md",
            resource(
                "widgetManagement",
                Some("entity"),
                "|settings|[widgetSettings](widgetsettings.md)|How widgets behave.|",
                "|widgets|[widget](widget.md) collection|All widgets.|",
            ),
        ),
        (
            "resources/widget.md",
            resource(
                "widget",
                Some("entity"),
                "|displayName|String|A name.|\n|version|Int32|A version.|",
                "",
            ),
        ),
        (
            "resources/roundwidget.md",
            resource(
                "roundWidget",
                Some("widget"),
                "|radius|Double|How round.|",
                "",
            ),
        ),
        (
            "resources/widgetsettings.md",
            resource(
                "widgetSettings",
                None,
                "|timeZone|String|A zone.|\n|enabled|Boolean|On or off.|",
                "",
            ),
        ),
        (
            "api/widgetmanagement-get.md",
            api(
                "Get widgetManagement",
                "GET /widgetManagement",
                NO_BODY,
                "If successful, this method returns a `200 OK` response code and a [widgetManagement](../resources/widgetmanagement.md) object in the response body.",
            ),
        ),
    ]
}

fn op<'m>(model: &'m Model, method: &str, path: &str) -> &'m Operation {
    model
        .operations
        .iter()
        .find(|o| o.method.as_str() == method && o.path.openapi_path() == path)
        .unwrap_or_else(|| panic!("no operation {method} {path}"))
}

fn named(n: &str) -> TypeRef {
    TypeRef::Named(QualifiedName::qualify(n, "microsoft.graph"))
}

fn collection(n: &str) -> TypeRef {
    TypeRef::Collection(Box::new(named(n)))
}

fn codes<'d>(diags: &'d [Diagnostic], code: &str) -> Vec<&'d Diagnostic> {
    diags.iter().filter(|d| d.code.id() == code).collect()
}

#[test]
fn a_list_documented_only_on_a_derived_page_answers_the_base_collection() {
    let mut pages = widget_pages();
    pages.push((
        "api/roundwidget-list.md",
        api(
            "List roundWidgets",
            "GET /widgetManagement/widgets",
            NO_BODY,
            "If successful, this method returns a `200 OK` response code and a collection of [roundWidget](../resources/roundwidget.md) objects in the response body.",
        ),
    ));
    let (model, diags) = build(&pages);
    let list = op(&model, "GET", "/widgetManagement/widgets");
    assert_eq!(list.response.body, Some(collection("widget")));
    // A derived page of a shared request line is not a conflict.
    assert!(
        codes(&diags, "response-type-conflict").is_empty(),
        "{diags:#?}"
    );
}

#[test]
fn a_collection_the_page_calls_a_single_object_is_a_collection_with_a_warning() {
    let mut pages = widget_pages();
    pages.push((
        "api/widget-list.md",
        api(
            "List widgets",
            "GET /widgetManagement/widgets",
            NO_BODY,
            "If successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object in the response body.",
        ),
    ));
    let (model, diags) = build(&pages);
    assert_eq!(
        op(&model, "GET", "/widgetManagement/widgets").response.body,
        Some(collection("widget"))
    );
    let conflicts = codes(&diags, "response-type-conflict");
    assert_eq!(conflicts.len(), 1, "{diags:#?}");
    assert_eq!(conflicts[0].file, "api/widget-list.md");
    // It names the relationship the path goes through, with its page and line.
    assert!(
        conflicts[0]
            .message
            .contains("resources/widgetmanagement.md"),
        "{}",
        conflicts[0].message
    );
}

#[test]
fn create_and_update_take_the_entity_and_a_contradicting_table_is_reported() {
    let mut pages = widget_pages();
    pages.push((
        "api/roundwidget-create.md",
        api(
            "Create roundWidget",
            "POST /widgetManagement/widgets",
            "Provide a JSON representation of a [roundWidget](../resources/roundwidget.md) object.",
            "If successful, this method returns a `201 Created` response code and a [roundWidget](../resources/roundwidget.md) object in the response body.",
        ),
    ));
    pages.push((
        "api/widget-update.md",
        api(
            "Update widget",
            "PATCH /widgetManagement/widgets/{widgetId}",
            "|Property|Type|Description|\n|:---|:---|:---|\n|displayName|String|A name.|\n|version|Int64|A version.|",
            "If successful, this method returns a `200 OK` response code and an updated [widget](../resources/widget.md) object in the response body.",
        ),
    ));
    let (model, diags) = build(&pages);
    let create = op(&model, "POST", "/widgetManagement/widgets");
    // One derived page does not stop callers from creating the other kinds.
    assert_eq!(
        create.request_body,
        Some(RequestBody::Typed {
            types: vec![QualifiedName::from_qualified("microsoft.graph.widget")]
        })
    );
    assert_eq!(create.response.body, Some(named("widget")));
    let update = op(&model, "PATCH", "/widgetManagement/widgets/{widgetId}");
    assert_eq!(
        update.request_body,
        Some(RequestBody::Typed {
            types: vec![QualifiedName::from_qualified("microsoft.graph.widget")]
        })
    );
    let conflicts = codes(&diags, "request-body-conflict");
    assert_eq!(conflicts.len(), 1, "{diags:#?}");
    assert_eq!(conflicts[0].file, "api/widget-update.md");
    assert!(conflicts[0].message.contains("`version`"));
    assert!(conflicts[0].message.contains("Int64"));
    assert!(conflicts[0].message.contains("resources/widget.md"));
}

#[test]
fn actions_keep_their_parameters_and_structural_paths_are_typed() {
    let mut pages = widget_pages();
    pages.push((
        "api/widget-reset.md",
        api(
            "widget: reset",
            "POST /widgetManagement/widgets/{widgetId}/reset",
            "|Parameter|Type|Description|\n|:---|:---|:---|\n|force|Boolean|Even when busy.|",
            "If successful, this action returns a `204 No Content` response code.",
        ),
    ));
    pages.push((
        "api/widgetsettings-get-timezone.md",
        api(
            "Get the time zone",
            "GET /widgetManagement/settings/timeZone",
            NO_BODY,
            "If successful, this method returns a `200 OK` response code and a [widgetSettings](../resources/widgetsettings.md) object in the response body.",
        ),
    ));
    let (model, _) = build(&pages);
    let reset = op(&model, "POST", "/widgetManagement/widgets/{widgetId}/reset");
    assert!(matches!(
        reset.request_body,
        Some(RequestBody::Parameters { .. })
    ));
    assert_eq!(reset.response.body, None);
    assert_eq!(
        op(&model, "GET", "/widgetManagement/settings/timeZone")
            .response
            .body,
        Some(TypeRef::Primitive(Edm::String))
    );
}

#[test]
fn a_root_no_page_types_is_read_from_the_segments_after_it() {
    let mut pages: Vec<(&str, String)> = widget_pages()
        .into_iter()
        .filter(|(p, _)| *p != "api/widgetmanagement-get.md")
        .collect();
    pages.push((
        "resources/widgetmanagement.md",
        resource(
            "widgetManagement",
            Some("entity"),
            "|settings|[widgetSettings](widgetsettings.md)|How widgets behave.|",
            "|widgets|[widget](widget.md) collection|All widgets.|",
        ),
    ));
    pages.push((
        "api/widget-get.md",
        api(
            "Get widget",
            "GET /widgetManagement/widgets/{widgetId}",
            NO_BODY,
            "If successful, this method returns a `200 OK` response code and a [roundWidget](../resources/roundwidget.md) object in the response body.",
        ),
    ));
    pages.push((
        "api/widgetsettings-update.md",
        api(
            "Update widgetSettings",
            "PATCH /widgetManagement/settings",
            "|Property|Type|Description|\n|:---|:---|:---|\n|enabled|Boolean|On or off.|",
            "If successful, this method returns a `204 No Content` response code.",
        ),
    ));
    let (model, _) = build(&pages);
    assert_eq!(
        op(&model, "GET", "/widgetManagement/widgets/{widgetId}")
            .response
            .body,
        Some(named("widget"))
    );
    let update = op(&model, "PATCH", "/widgetManagement/settings");
    assert_eq!(
        update.request_body,
        Some(RequestBody::Typed {
            types: vec![QualifiedName::from_qualified(
                "microsoft.graph.widgetSettings"
            )]
        })
    );
    assert_eq!(update.response.body, None, "204 stays no content");
}

#[test]
fn a_function_segment_is_typed_by_its_own_documented_get() {
    let mut pages = widget_pages();
    pages.push((
        "api/widget-preview.md",
        api(
            "widget: preview",
            "GET /widgetManagement/widgets/{widgetId}/preview(size='{size}')",
            NO_BODY,
            "If successful, this function returns a `200 OK` response code and a [widgetSettings](../resources/widgetsettings.md) object in the response body.",
        ),
    ));
    pages.push((
        "api/widget-preview-update.md",
        api(
            "Update the preview settings",
            "PATCH /widgetManagement/widgets/{widgetId}/preview(size='{size}')",
            "|Property|Type|Description|\n|:---|:---|:---|\n|enabled|Boolean|On or off.|",
            "If successful, this method returns a `204 No Content` response code.",
        ),
    ));
    let (model, _) = build(&pages);
    let update = op(
        &model,
        "PATCH",
        "/widgetManagement/widgets/{widgetId}/preview(size='{size}')",
    );
    assert_eq!(
        update.request_body,
        Some(RequestBody::Typed {
            types: vec![QualifiedName::from_qualified(
                "microsoft.graph.widgetSettings"
            )]
        })
    );
}

#[test]
fn a_request_on_two_pages_takes_the_headers_of_both() {
    let with_headers = |title: &str, rows: &str| {
        api(title, "GET /widgetManagement/widgets", NO_BODY, "A collection of [widget](../resources/widget.md) objects.")
            .replace(
                "## Request body",
                &format!("## Request headers\n|Name|Description|\n|:---|:---|\n|Authorization|Bearer {{token}}.|\n{rows}\n\n## Request body"),
            )
    };
    let mut pages = widget_pages();
    pages.push((
        "api/a-widget-list.md",
        with_headers("List widgets", "|Accept|application/json.|"),
    ));
    pages.push((
        "api/b-widget-list.md",
        with_headers(
            "List widgets",
            "|ConsistencyLevel|eventual.|\n|accept|application/json.|",
        ),
    ));
    let (model, _) = build(&pages);
    assert_eq!(
        op(&model, "GET", "/widgetManagement/widgets").headers,
        ["Accept", "ConsistencyLevel"]
    );
}
