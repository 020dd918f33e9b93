//! The model builder on small page sets: inheritance, enums, unions, conflicts.

use graphdoc::diag::{Code, Diagnostic};
use graphdoc::model::{Edm, Model, QualifiedName, RequestBody, TypeKind, TypeRef, build_model};
use graphdoc::parse::parse_page;

/// The model and diagnostics of `pages`, but for `no-permissions`: the API pages here
/// are cut down to what each test is about, without a Permissions section.
fn build(pages: &[(&str, &str)]) -> (Model, Vec<Diagnostic>) {
    let parsed: Vec<_> = pages
        .iter()
        .map(|(path, text)| parse_page(path, text.as_bytes()).0)
        .collect();
    let (model, mut diags) = build_model(&parsed);
    diags.retain(|d| d.code != Code::NoPermissions);
    (model, diags)
}

fn resource(name: &str, extra: &str, rows: &str) -> String {
    format!(
        "---\ndoc_type: resourcePageType\n---\n# {name} resource type\n\nNamespace: microsoft.graph\n\n{extra}\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n{rows}\n\n## JSON representation\n<!-- {{\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.{name}\"}} -->\n```json\n{{}}\n```\n"
    )
}

const ENTITY: &str = "---\ndoc_type: resourcePageType\n---\n# entity resource type\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|id|String|Key.|\n\n## JSON representation\n<!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.entity\", \"keyProperty\": \"id\"} -->\n```json\n{}\n```\n";

#[test]
fn inheritance_from_prose_and_inherited_rows() {
    let widget = resource(
        "widget",
        "Inherits from [entity](entity.md).",
        "|id|String|Inherited from [entity](entity.md).|\n|size|Int32|How big.|\n|shape|[shape](shape.md)|Form.|",
    );
    let shape = "---\ndoc_type: enumPageType\n---\n# shape enum type\n\n## Members\n|Member|Value|Description|\n|:---|:---|:---|\n|round|0|Round.|\n|square|1|Square.|\n";
    let (model, diags) = build(&[
        ("resources/entity.md", ENTITY),
        ("resources/widget.md", &widget),
        ("resources/shape.md", shape),
    ]);
    assert!(diags.is_empty(), "{diags:#?}");
    let w = &model.types["microsoft.graph.widget"];
    assert_eq!(w.base.as_deref(), Some("microsoft.graph.entity"));
    assert_eq!(w.kind, TypeKind::Entity);
    let own: Vec<&str> = w.properties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(own, ["size", "shape"], "inherited rows live on the base");
    assert_eq!(w.properties[0].ty, TypeRef::Primitive(Edm::Int32));
    assert_eq!(
        w.properties[1].ty,
        TypeRef::Named(QualifiedName::from_qualified("microsoft.graph.shape"))
    );
    assert_eq!(
        model.types["microsoft.graph.entity"].derived,
        ["microsoft.graph.widget"]
    );
    let all: Vec<&str> = model
        .all_properties("microsoft.graph.widget")
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(all, ["id", "size", "shape"]);
    let members: Vec<&str> = model.enums["microsoft.graph.shape"]
        .members
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(members, ["round", "square"]);
}

#[test]
fn a_type_on_several_pages_is_their_union_and_conflicts_are_reported() {
    let a = resource("deviceManagement", "", "|id|String|Key.|\n|count|Int32|N.|");
    let b = resource(
        "deviceManagement",
        "",
        "|count|String|N.|\n|settings|String|S.|",
    );
    let (model, diags) = build(&[("resources/a.md", &a), ("resources/b.md", &b)]);
    let names: Vec<&str> = model.types["microsoft.graph.deviceManagement"]
        .properties
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["id", "count", "settings"]);
    let conflict = diags
        .iter()
        .find(|d| d.code == Code::ConflictingDefinition)
        .expect("a conflict");
    assert_eq!(
        (conflict.file.as_str(), conflict.line),
        ("resources/b.md", 13)
    );
}

#[test]
fn base_type_cycles_are_broken_with_an_error() {
    let a = resource("a", "Inherits from [b](b.md).", "|x|String|X.|");
    let b = resource("b", "Inherits from [a](a.md).", "|y|String|Y.|");
    let (model, diags) = build(&[("resources/a.md", &a), ("resources/b.md", &b)]);
    assert!(
        diags.iter().any(|d| d.code == Code::BaseTypeCycle),
        "{diags:#?}"
    );
    // Whatever was dropped, walking the ancestry terminates.
    assert!(model.ancestry("microsoft.graph.a").count() <= 2);
}

#[test]
fn unknown_types_and_free_text_types_are_diagnostics() {
    let w = resource(
        "widget",
        "",
        "|a|[gizmo](gizmo.md)|A.|\n|b|a list of them|B.|\n|c|String or Int32|C.|",
    );
    let (model, diags) = build(&[("resources/widget.md", &w)]);
    let codes: Vec<&str> = diags.iter().map(|d| d.code.id()).collect();
    let unknown = diags
        .iter()
        .find(|d| d.code == Code::UnknownType)
        .expect("unknown type");
    assert!(unknown.message.contains("gizmo.md"), "{}", unknown.message);
    assert!(codes.contains(&"unmapped-type"), "{codes:?}");
    assert!(codes.contains(&"alternative-types"), "{codes:?}");
    let props = &model.types["microsoft.graph.widget"].properties;
    assert_eq!(props[0].ty, TypeRef::Untyped);
    assert_eq!(props[1].ty, TypeRef::Untyped);
    assert_eq!(props[2].ty, TypeRef::Untyped);
}

#[test]
fn operations_merge_one_path_documented_on_several_pages() {
    let base = resource("shapeBase", "", "|id|String|Key.|");
    let circle = resource(
        "circle",
        "Inherits from [shapeBase](shapebase.md).",
        "|radius|Int32|R.|",
    );
    let square = resource(
        "square",
        "Inherits from [shapeBase](shapebase.md).",
        "|side|Int32|S.|",
    );
    let create = |ty: &str| {
        format!(
            "---\ndoc_type: apiPageType\n---\n# Create {ty}\n\n## HTTP request\n```http\nPOST /shapes\n```\n\n## Request body\nIn the request body, supply a JSON representation of a [{ty}](../resources/{ty}.md) object.\n\n## Response\nIf successful, this method returns a `201 Created` response code and a [{ty}](../resources/{ty}.md) object in the response body.\n"
        )
    };
    let (model, diags) = build(&[
        ("resources/shapebase.md", &base),
        ("resources/circle.md", &circle),
        ("resources/square.md", &square),
        ("api/circle-create.md", &create("circle")),
        ("api/square-create.md", &create("square")),
    ]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(model.operations.len(), 1);
    let op = &model.operations[0];
    assert_eq!(op.id, "post_shapes");
    assert_eq!(op.response.status, 201);
    // The pages make `/shapes` a collection of their common base, which the create
    // takes: a view of it accepts either kind through `@odata.type`.
    assert_eq!(
        op.request_body,
        Some(RequestBody::Typed {
            types: vec![QualifiedName::from_qualified("microsoft.graph.shapeBase")]
        })
    );
    assert_eq!(
        op.response.body,
        Some(TypeRef::Named(QualifiedName::from_qualified(
            "microsoft.graph.shapeBase"
        )))
    );
}

#[test]
fn page_order_does_not_change_the_model() {
    let widget = resource(
        "widget",
        "Inherits from [entity](entity.md).",
        "|size|Int32|How big.|",
    );
    let pages = [
        ("resources/entity.md", ENTITY),
        ("resources/widget.md", widget.as_str()),
    ];
    let (a, da) = build(&pages);
    let (b, db) = build(&[pages[1], pages[0]]);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    assert_eq!(da, db);
}

/// The newer page format: a permissions annotation over a `Least privileged | Higher
/// privileged` table, `Name | Description` headers, fully qualified type names.
#[test]
fn newer_format_reads_like_the_older_one() {
    let vendor = "---\ndoc_type: resourcePageType\n---\n# deviceVendor resource type\n\nNamespace: microsoft.graph.networkaccess\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|name|String|Vendor.|\n|kind|microsoft.graph.networkaccess.vendorKind|Kind.|\n\n## JSON representation\n<!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.networkaccess.deviceVendor\", \"keyProperty\": \"name\"} -->\n```json\n{\"name\": \"String\", \"kind\": \"String\"}\n```\n";
    let kind = "---\ndoc_type: enumPageType\n---\n# vendorKind enum type\n\nNamespace: microsoft.graph.networkaccess\n\n## Members\n|Member|Value|Description|\n|:---|:---|:---|\n|hardware|0|H.|\n|software|1|S.|\n";
    let get = r#"---
doc_type: apiPageType
---
# Get deviceVendor

Namespace: microsoft.graph.networkaccess

## Permissions
<!-- { "blockType": "permissions", "name": "networkaccess_devicevendor_get" } -->
|Permission type|Least privileged permissions|Higher privileged permissions|
|:---|:---|:---|
|Delegated (work or school account)|NetworkAccess.Read.All|NetworkAccess.ReadWrite.All|
|Delegated (personal Microsoft account)|Not supported.|Not supported.|
|Application|NetworkAccess.Read.All|NetworkAccess.ReadWrite.All|

## HTTP request
<!-- { "blockType": "ignored" } -->
``` http
GET /networkAccess/vendors/{vendorName}
```

## Request headers
|Name|Description|
|:---|:---|
|Authorization|Bearer {token}. Required.|
|Prefer|odata.maxpagesize={x}. Optional.|

## Response
If successful, this method returns a `200 OK` response code and a [microsoft.graph.networkaccess.deviceVendor](../resources/networkaccess-devicevendor.md) object in the response body.
"#;
    let (model, diags) = build(&[
        ("resources/networkaccess-devicevendor.md", vendor),
        ("resources/networkaccess-vendorkind.md", kind),
        ("api/networkaccess-devicevendor-get.md", get),
    ]);
    assert!(diags.is_empty(), "{diags:#?}");
    let vendor = &model.types["microsoft.graph.networkaccess.deviceVendor"];
    assert_eq!(vendor.namespace, "microsoft.graph.networkaccess");
    assert_eq!(
        vendor.properties[1].ty,
        TypeRef::Named(QualifiedName::from_qualified(
            "microsoft.graph.networkaccess.vendorKind"
        ))
    );
    let op = &model.operations[0];
    for privileges in [&op.permissions.delegated_work, &op.permissions.application] {
        assert_eq!(privileges.least, ["NetworkAccess.Read.All"]);
        assert_eq!(privileges.higher, ["NetworkAccess.ReadWrite.All"]);
    }
    assert!(op.permissions.delegated_personal.is_empty());
    assert_eq!(op.headers, ["Prefer"]);
    assert_eq!(
        op.response.body,
        Some(TypeRef::Named(QualifiedName::from_qualified(
            "microsoft.graph.networkaccess.deviceVendor"
        )))
    );
}

#[test]
fn possible_values_and_representation_hints_add_enum_members() {
    let widget = "---\ndoc_type: resourcePageType\n---\n# widget resource type\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|state|[widgetState](widgetstate.md)|Possible values are: `on`, `off`, `broken`.|\n|mode|[widgetState](widgetstate.md)|Mode.|\n\n## JSON representation\n<!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.widget\"} -->\n```json\n{\"state\": \"on | off\", \"mode\": \"on | standby\", \"color\": \"String\"}\n```\n";
    let state = "---\ndoc_type: enumPageType\n---\n# widgetState enum type\n\n## Members\n|Member|Value|Description|\n|:---|:---|:---|\n|on|0|On.|\n|off|1|Off.|\n";
    let (model, diags) = build(&[
        ("resources/widget.md", widget),
        ("resources/widgetstate.md", state),
    ]);
    let members: Vec<&str> = model.enums["microsoft.graph.widgetState"]
        .members
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(members, ["on", "off", "broken", "standby"]);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].code, Code::RepresentationPropertyNotInTable);
    assert!(diags[0].message.contains("`color`"));
}

#[test]
fn example_requests_off_the_documented_paths_are_reported() {
    let page = "---\ndoc_type: apiPageType\n---\n# Get widget\n\n## HTTP request\n```http\nGET /widgets/{id}\n```\n\n## Example\n### Request\n```http\nGET https://graph.microsoft.com/v1.0/widgets/42\n```\n### Request\n```http\nGET https://graph.microsoft.com/v1.0/Widgets/42\n```\n### Request\n```http\nGET https://graph.microsoft.com/v1.0/me/widget\n```\n";
    let (_, diags) = build(&[("api/widget-get.md", page)]);
    let found: Vec<(&str, usize)> = diags.iter().map(|d| (d.code.id(), d.line)).collect();
    assert_eq!(
        found,
        [("example-path-case", 18), ("example-request-mismatch", 22)]
    );
}

#[test]
fn an_example_path_ending_in_a_cast_to_a_derived_type_is_no_mismatch() {
    let resource = |name: &str, base: &str| {
        format!(
            "---\ndoc_type: resourcePageType\n---\n# {name} resource type\n\nNamespace: microsoft.graph\n\n{base}## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|id|String|The id.|\n\n## JSON representation\n<!-- {{\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.{name}\"}} -->\n```json\n{{}}\n```\n"
        )
    };
    let widget = resource("widget", "");
    let gadget = resource("gadget", "");
    let big = resource("bigWidget", "Inherits from [widget](widget.md).\n\n");
    let list = "---\ndoc_type: apiPageType\n---\n# List widgets\n\n## HTTP request\n```http\nGET /widgets\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a collection of [widget](../resources/widget.md) objects in the response body.\n\n## Example\n### Request\n```http\nGET https://graph.microsoft.com/v1.0/widgets/microsoft.graph.bigWidget\n```\n### Request\n```http\nGET https://graph.microsoft.com/v1.0/widgets/microsoft.graph.gadget\n```\n";
    let (model, diags) = build(&[
        ("resources/widget.md", widget.as_str()),
        ("resources/gadget.md", gadget.as_str()),
        ("resources/bigwidget.md", big.as_str()),
        ("api/widget-list.md", list),
    ]);
    assert_eq!(
        model.types["microsoft.graph.bigWidget"].base.as_deref(),
        Some("microsoft.graph.widget")
    );
    let found: Vec<(&str, usize)> = diags
        .iter()
        .filter(|d| d.code.id().starts_with("example-"))
        .map(|d| (d.code.id(), d.line))
        .collect();
    // The cast to a type deriving from the items is OData; one to another type is not.
    assert_eq!(found, [("example-request-mismatch", 21)], "{diags:#?}");
}

#[test]
fn a_body_documented_for_get_is_reported_and_dropped() {
    let page = "---\ndoc_type: apiPageType\n---\n# widget: getValue\n\n## HTTP request\n```http\nGET /widgets/getValue\nPOST /widgets/setValue\n```\n\n## Request body\n|Parameter|Type|Description|\n|:---|:---|:---|\n|name|String|Which value.|\n";
    let (model, diags) = build(&[("api/widget-getvalue.md", page)]);
    let found: Vec<(&str, usize)> = diags.iter().map(|d| (d.code.id(), d.line)).collect();
    assert_eq!(found, [("request-body-ignored", 8)]);
    assert!(diags[0].message.contains("`name`"), "{}", diags[0].message);
    let bodies: Vec<(&str, bool)> = model
        .operations
        .iter()
        .map(|op| (op.method.as_str(), op.request_body.is_some()))
        .collect();
    assert_eq!(bodies, [("GET", false), ("POST", true)]);
}

#[test]
fn tables_describing_a_held_structure_are_not_properties() {
    let page = resource(
        "widgetPolicy",
        "",
        "|definition|String collection|JSON text, described below.|\n\n### Properties of a widget policy definition\n|Property|Type|Description|\n|:---|:---|:---|\n|Version|Int32|Always 1.|\n\n### Properties of a widgetPolicy\n|Property|Type|Description|\n|:---|:---|:---|\n|enabled|Boolean|On or off.|",
    );
    let (model, diags) = build(&[("resources/widgetpolicy.md", &page)]);
    assert!(diags.is_empty(), "{diags:#?}");
    let names: Vec<&str> = model.types["microsoft.graph.widgetPolicy"]
        .properties
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["definition", "enabled"]);
}

#[test]
fn a_literal_id_in_a_request_line_becomes_a_parameter() {
    let page = "---\ndoc_type: apiPageType\n---\n# Get widget settings\n\n## HTTP request\n```http\nGET /widgets/acdefc6b-2dc6-4e71-b1e9-6d9810ab1793/settings\nGET /widgets/{id}/parts/not-a-guid-at-all\n```\n";
    let (model, diags) = build(&[("api/widget-get-settings.md", page)]);
    let found: Vec<(&str, usize)> = diags.iter().map(|d| (d.code.id(), d.line)).collect();
    assert_eq!(found, [("literal-id-in-path", 8)]);
    assert!(
        diags[0].message.contains("`{widgets-id}`"),
        "{}",
        diags[0].message
    );
    let paths: Vec<String> = model
        .operations
        .iter()
        .map(|op| op.path.openapi_path())
        .collect();
    // `{widgets-id}` and `{id}` key the same segment; one spelling each, the
    // first in sorted order names both.
    assert_eq!(
        paths,
        [
            "/widgets/{id}/parts/not-a-guid-at-all",
            "/widgets/{id}/settings"
        ]
    );
}

/// A function's argument written as a value in a request line is a parameter of the
/// crate's function; the OpenAPI document keeps the line as the page writes it.
#[test]
fn a_functions_argument_written_as_a_value_becomes_a_parameter() {
    let page = "---\ndoc_type: apiPageType\n---\n# Widget range\n\n## HTTP request\n```http\nGET /widgets/{id}/range(address='<address>')\nGET /widgets/{id}/rowsAbove(count=n)\nGET /widgets/{id}/items(expand=parts)\nGET /widgets/{id}/parts(count=true)\nGET /widgets/{id}/usedRange(valuesOnly={valuesOnly})\n```\n";
    let (model, diags) = build(&[("api/widget-range.md", page)]);
    let found: Vec<(&str, usize, &str)> = diags
        .iter()
        .map(|d| (d.code.id(), d.line, d.message.as_str()))
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().all(|f| f.0 == "literal-function-argument"));
    assert!(
        diags[0].message.contains("`address='{address}'`"),
        "{}",
        diags[0].message
    );
    let mut paths: Vec<(String, String)> = model
        .operations
        .iter()
        .map(|op| (op.path.openapi_path(), op.path.published_path()))
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            (
                "/widgets/{id}/items(expand=parts)".to_string(),
                "/widgets/{id}/items(expand=parts)".to_string()
            ),
            (
                "/widgets/{id}/parts(count=true)".to_string(),
                "/widgets/{id}/parts(count=true)".to_string()
            ),
            (
                "/widgets/{id}/range(address='{address}')".to_string(),
                "/widgets/{id}/range(address='<address>')".to_string()
            ),
            (
                "/widgets/{id}/rowsAbove(count={count})".to_string(),
                "/widgets/{id}/rowsAbove(count=n)".to_string()
            ),
            (
                "/widgets/{id}/usedRange(valuesOnly={valuesOnly})".to_string(),
                "/widgets/{id}/usedRange(valuesOnly={valuesOnly})".to_string()
            ),
        ]
    );
}

/// Request lines that differ only in parameter names or in the case of a segment
/// are one request: one operation, one function, one path in the OpenAPI document.
#[test]
fn one_request_spelled_several_ways_is_one_operation() {
    let widget = resource(
        "widget",
        "Inherits from [entity](entity.md).",
        "|size|Int32|How big.|",
    );
    let page = |title: &str, lines: &str, response: &str| {
        format!(
            "---\ndoc_type: apiPageType\n---\n# {title}\n\n## HTTP request\n```http\n{lines}\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and {response} in the response body.\n"
        )
    };
    let get = page(
        "Get widget",
        "GET /widgets/{widget-id}\nGET /me/Widgets/{id}",
        "a [widget](../resources/widget.md) object",
    );
    let list = page(
        "List widgets",
        "GET /widgets\nGET /me/widgets",
        "a collection of [widget](../resources/widget.md) objects",
    );
    let delete = "---\ndoc_type: apiPageType\n---\n# Delete widget\n\n## HTTP request\n```http\nDELETE /widgets/{id}\nDELETE /me/widgets/{id}\n```\n\n## Response\nIf successful, this method returns a `204 No Content` response code.\n";
    // A page that documents the list's path as one widget: a contradiction to report.
    let stray = page(
        "Get one widget",
        "GET /widgets",
        "a [widget](../resources/widget.md) object",
    );
    let pages = [
        ("resources/entity.md", ENTITY),
        ("resources/widget.md", widget.as_str()),
        ("api/widget-get.md", get.as_str()),
        ("api/widget-list.md", list.as_str()),
        ("api/widget-delete.md", delete),
        ("api/widget-stray.md", stray.as_str()),
    ];
    let (model, diags) = build(&pages);
    let paths: Vec<(String, String)> = model
        .operations
        .iter()
        .map(|o| (o.method.to_string(), o.path.openapi_path()))
        .collect();
    let expected = [
        ("GET", "/me/widgets"),
        ("DELETE", "/me/widgets/{id}"),
        ("GET", "/me/widgets/{id}"),
        ("GET", "/widgets"),
        ("DELETE", "/widgets/{id}"),
        ("GET", "/widgets/{id}"),
    ];
    assert_eq!(
        paths,
        expected.map(|(m, p)| (m.to_string(), p.to_string())),
        "{paths:?}"
    );
    let ids: Vec<&str> = model.operations.iter().map(|o| o.id.as_str()).collect();
    assert!(ids.iter().all(|id| !id.ends_with("_2")), "{ids:?}");
    let conflicts: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.code.id() == "duplicate-operation")
        .collect();
    assert_eq!(conflicts.len(), 1, "{diags:#?}");
    assert_eq!(conflicts[0].file, "api/widget-stray.md");
    assert!(
        conflicts[0].message.contains("api/widget-list.md:"),
        "{}",
        conflicts[0].message
    );
    // The same choice whatever order the pages come in.
    let mut reversed = pages;
    reversed.reverse();
    let (again, _) = build(&reversed);
    assert_eq!(
        serde_json::to_string(&model.operations).unwrap(),
        serde_json::to_string(&again.operations).unwrap()
    );
}

/// Collection or single: the example response and a keyed request line outweigh an
/// annotation without `isCollection`; a key at the end of the path outweighs a list
/// example; the disagreement is reported with each signal's place.
#[test]
fn collection_signals_are_weighed_in_order() {
    let widget = resource(
        "widget",
        "Inherits from [entity](entity.md).",
        "|size|Int32|How big.|",
    );
    let list = "---\ndoc_type: apiPageType\n---\n# List widgets\n\n## HTTP request\n```http\nGET /things/widgets\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object in the response body.\n\n## Example\n<!-- {\"blockType\": \"request\", \"name\": \"list\"} -->\n```http\nGET https://graph.microsoft.com/v1.0/things/widgets\n```\n\n<!-- {\"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.widget\"} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\n  \"@odata.context\": \"x\",\n  \"value\": [{\"id\": \"1\", \"size\": 2}]\n}\n```\n";
    // A get page whose example shows a list: the key still addresses one widget.
    let get = "---\ndoc_type: apiPageType\n---\n# Get widget\n\n## HTTP request\n```http\nGET /things/widgets/{id}\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object in the response body.\n\n## Example\n<!-- {\"blockType\": \"request\", \"name\": \"get\"} -->\n```http\nGET https://graph.microsoft.com/v1.0/things/widgets/1\n```\n\n<!-- {\"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.widget\", \"isCollection\": true} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\n  \"value\": [{\"id\": \"1\", \"size\": 2}]\n}\n```\n";
    let (model, diags) = build(&[
        ("resources/entity.md", ENTITY),
        ("resources/widget.md", &widget),
        ("api/widget-list.md", list),
        ("api/widget-get.md", get),
    ]);
    let widget = TypeRef::Named(QualifiedName::from_qualified("microsoft.graph.widget"));
    let response = |path: &str| {
        model
            .operations
            .iter()
            .find(|o| o.path.openapi_path() == path)
            .and_then(|o| o.response.body.clone())
    };
    assert_eq!(
        response("/things/widgets"),
        Some(TypeRef::Collection(Box::new(widget.clone())))
    );
    assert_eq!(response("/things/widgets/{id}"), Some(widget));
    let reports: Vec<(&str, &str)> = diags
        .iter()
        .filter(|d| d.code.id() == "collection-or-single")
        .map(|d| (d.file.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(reports.len(), 2, "{diags:#?}");
    let (file, message) = reports
        .iter()
        .find(|(f, _)| *f == "api/widget-list.md")
        .copied()
        .expect("the list page is reported");
    assert_eq!(file, "api/widget-list.md");
    assert!(
        message.contains("a collection says a documented request line keys it (api/widget-get.md:")
            && message.contains("the example response (api/widget-list.md:")
            && message.contains("a single value says")
            && message.contains("the response annotation (api/widget-list.md:"),
        "{message}"
    );
}

#[test]
fn query_options_are_read_from_the_prose_that_grants_or_denies_them() {
    let page = |prose: &str| {
        format!(
            "---\ndoc_type: apiPageType\n---\n# List widgets\n\n## HTTP request\n```http\nGET /widgets\n```\n\n## Optional query parameters\n{prose}\n"
        )
    };
    for (prose, takes) in [
        (
            "This method supports the `$select` and `$filter` [OData query parameters](/graph/query-parameters).",
            true,
        ),
        (
            "This method supports the [OData query parameters](/graph/query-parameters) to help customize the response, including `$search`. The `$count` and `$search` parameters are currently not available in Azure AD B2C tenants.",
            true,
        ),
        (
            "This method does **not** support the [OData query parameters](/graph/query-parameters).",
            false,
        ),
        (
            "No [OData query parameters](/graph/query-parameters) are available for shaping the response of this call.",
            false,
        ),
        (
            "The [OData Query Parameters](/graph/query-parameters) are not currently supported.",
            false,
        ),
        ("Not supported.", false),
        (
            "You can use the [$top](/graph/query-parameters#top-parameter) query parameter to control the page size. The other [OData query parameters](/graph/query-parameters) are not currently supported.",
            true,
        ),
    ] {
        let text = page(prose);
        let (model, _) = build(&[("api/widget-list.md", &text)]);
        assert_eq!(model.operations[0].query_options, takes, "{prose}");
    }
}

#[test]
fn an_action_page_owns_its_path_over_a_page_that_lists_it_for_another_resource() {
    let extension = resource("extension", "", "|name|String|The name.|");
    let note = resource("note", "", "|text|String|The text.|");
    // Lists `.../reply` among the places an extension is created, typing the body as one.
    let lists = "---\ndoc_type: apiPageType\n---\n# Create extension\n\n## HTTP request\n```http\nPOST /notes/{id}/extensions\nPOST /notes/{id}/reply\n```\n\n## Request body\nIn the request body, supply a JSON representation of an [extension](../resources/extension.md) object.\n\n## Response\nIf successful, this method returns a `201 Created` response code and an [extension](../resources/extension.md) object in the response body.\n";
    let action = "---\ndoc_type: apiPageType\n---\n# note: reply\n\n## HTTP request\n```http\nPOST /notes/{id}/reply\n```\n\n## Request body\n|Parameter|Type|Description|\n|:---|:---|:---|\n|note|[note](../resources/note.md)|The reply.|\n\n## Response\nIf successful, this method returns a `202 Accepted` response code.\n";
    // Another page with a table, not the action's: the typed body stays.
    let table = "---\ndoc_type: apiPageType\n---\n# Create extension in a note\n\n## HTTP request\n```http\nPOST /notes/{id}/extensions\n```\n\n## Request body\n|Parameter|Type|Description|\n|:---|:---|:---|\n|name|String|The name.|\n";
    // Pages arrive sorted by path: the page that lists the path comes first.
    let (model, _) = build(&[
        ("resources/extension.md", &extension),
        ("resources/note.md", &note),
        ("api/extension-post.md", lists),
        ("api/note-post-extensions.md", table),
        ("api/note-reply.md", action),
    ]);
    let op = |path: &str| {
        model
            .operations
            .iter()
            .find(|o| o.path.openapi_path() == path)
            .unwrap_or_else(|| panic!("{path}"))
    };
    let reply = op("/notes/{id}/reply");
    assert_eq!(reply.summary, "note: reply");
    assert!(
        matches!(&reply.request_body, Some(RequestBody::Parameters { parameters }) if parameters[0].name == "note"),
        "{:?}",
        reply.request_body
    );
    assert!(matches!(
        op("/notes/{id}/extensions").request_body,
        Some(RequestBody::Typed { .. })
    ));
}

/// A query parameter written with a placeholder is the function's only where every
/// request line of the operation has it.
#[test]
fn query_parameters_every_request_line_writes_are_the_functions() {
    let view = "---\ndoc_type: apiPageType\n---\n# List views\n\n## HTTP request\n```http\nGET /widgets/{id}/view?startDateTime={start}&endDateTime={end}&$top={n}\nGET /things/{id}/view?startDateTime={start}&format=pdf\n```\n";
    let again = "---\ndoc_type: apiPageType\n---\n# Get a view\n\n## HTTP request\n```http\nGET /things/{id}/view\n```\n";
    let (model, _) = build(&[("api/views.md", view), ("api/view-get.md", again)]);
    let params = |path: &str| -> Vec<String> {
        let op = model
            .operations
            .iter()
            .find(|o| o.path.openapi_path() == path)
            .expect(path);
        op.query_parameters.iter().map(|q| q.name.clone()).collect()
    };
    // `$top` is an OData option; `format=pdf` has a value, not a placeholder.
    assert_eq!(
        params("/widgets/{id}/view"),
        ["startDateTime", "endDateTime"]
    );
    assert!(params("/things/{id}/view").is_empty());
}
