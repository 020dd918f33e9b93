//! Block and table shapes of both page styles, on small pages written for the test.

use super::*;

fn parse(text: &str) -> (Page, Vec<Diagnostic>) {
    parse_page("api/sample.md", text.as_bytes())
}

fn tables(page: &Page) -> Vec<&Table> {
    page.sections
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|i| match i {
            Item::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn code_blocks(page: &Page) -> Vec<&CodeBlock> {
    page.sections
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|i| match i {
            Item::Code(c) => Some(c),
            _ => None,
        })
        .collect()
}

/// The older (Intune) style: inline permissions under Prerequisites, an ignored
/// request-line block, plain example blocks without annotations.
const OLDER: &str = r##"---
title: "Update widgetOverview"
description: "Update a widgetOverview."
doc_type: apiPageType
---

# Update widgetOverview

Namespace: microsoft.graph

Changes a [widgetOverview](../resources/widgetoverview.md).

## Prerequisites
|Permission type|Permissions (from least to most privileged)|
|:---|:---|
|Delegated (work or school account)|Widget.ReadWrite.All|
|Delegated (personal Microsoft account)|Not supported.|
|Application|Widget.ReadWrite.All|

## HTTP Request
<!-- {
  "blockType": "ignored"
}
-->
``` http
PATCH /widgets/{widgetId}/overview
```

## Request body
|Property|Type|Description|
|:---|:---|:---|
|id|String|Key.|
|pendingCount|Int32|How many.|

## Example

### Request
``` http
PATCH https://graph.microsoft.com/v1.0/widgets/{widgetId}/overview
Content-type: application/json

{
  "pendingCount": 12
}
```

### Response
``` http
HTTP/1.1 200 OK
Content-Type: application/json

{
  "id": "1",
  "pendingCount": 12
}
```
"##;

/// The newer style: Permissions section, tab groups with include lines, annotated
/// request and response blocks, a page trailer.
const NEWER: &str = r##"---
title: "Get widget"
doc_type: apiPageType
---

# Get widget
Namespace: microsoft.graph

Reads a widget.

## Permissions
|Permission type|Permissions (from least to most privileged)|
|:---|:---|
|Delegated (work or school account)|Widget.Read.All, Widget.ReadWrite.All|
|Delegated (personal Microsoft account)|Not supported.|
|Application|Widget.Read.All|

## HTTP request
<!-- { "blockType": "ignored" } -->
```http
GET /widgets/{id}
GET /users/{id | userPrincipalName}/widgets/{id}
```

## Optional query parameters
This method supports the `$select` [OData query parameter](/graph/query-parameters).

## Request headers
|Name|Description|
|:---|:---|
|Authorization|Bearer {token}. Required.|
|ConsistencyLevel|eventual.|

## Examples
### Request

# [HTTP](#tab/http)
<!-- {
  "blockType": "request",
  "name": "get_widget"
}-->
```msgraph-interactive
GET https://graph.microsoft.com/v1.0/widgets/42
```
# [C#](#tab/csharp)
[!INCLUDE [sample-code](../includes/snippets/csharp/get-widget-csharp-snippets.md)]
[!INCLUDE [sdk-documentation](../includes/snippets/snippets-sdk-documentation-link.md)]
---

### Response
<!-- {
  "blockType": "response",
  "truncated": true,
  "@odata.type": "microsoft.graph.widget",
} -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{"id": "42"}
```

<!--
{
  "type": "#page.annotation",
  "description": "Get widget",
  "section": "documentation"
}
-->
"##;

#[test]
fn a_sentence_run_on_after_the_namespace_is_prose() {
    let (page, _) = parse(
        "# Contract resource type\n\nNamespace: microsoft.graph\nRepresents a partnership.\n",
    );
    assert_eq!(page.namespace.as_deref(), Some("microsoft.graph"));
    let Item::Prose(intro) = &page.intro[0] else {
        panic!("intro prose expected, got {:?}", page.intro)
    };
    assert_eq!(intro.text, "Represents a partnership.");
}

#[test]
fn front_matter_title_and_namespace() {
    let (page, diags) = parse(OLDER);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(page.front_matter["title"], "Update widgetOverview");
    assert_eq!(page.doc_type(), Some("apiPageType"));
    let title = page.title.as_ref().unwrap();
    assert_eq!(
        (title.value.as_str(), title.line),
        ("Update widgetOverview", 7)
    );
    assert_eq!(page.namespace.as_deref(), Some("microsoft.graph"));
    let Item::Prose(intro) = &page.intro[0] else {
        panic!("intro prose expected")
    };
    assert_eq!(intro.links[0].target, "../resources/widgetoverview.md");
}

#[test]
fn older_style_inline_permissions_and_unannotated_examples() {
    let (page, _) = parse(OLDER);
    let titles: Vec<&str> = page.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Prerequisites",
            "HTTP Request",
            "Request body",
            "Example",
            "Request",
            "Response"
        ]
    );
    let t = tables(&page);
    assert_eq!(
        t[0].header_key(),
        [
            "permission type",
            "permissions (from least to most privileged)"
        ]
    );
    assert_eq!(t[0].rows[1].cells[1].text, "Not supported.");
    assert_eq!(t[0].rows[0].line, 16);
    assert_eq!(t[1].header, ["Property", "Type", "Description"]);
    assert_eq!(t[1].rows[1].cells[0].text, "pendingCount");

    let blocks = code_blocks(&page);
    assert_eq!(blocks.len(), 3);
    assert_eq!(
        blocks[0].annotation.as_ref().unwrap().value["blockType"],
        "ignored"
    );
    assert!(blocks[1].annotation.is_none());
    let HttpBlock::Request(req) = parse_http_block(&blocks[1].text, blocks[1].line + 1) else {
        panic!("request expected")
    };
    assert_eq!(req.request_line.target, "/widgets/{widgetId}/overview");
    let HttpBlock::Response(resp) = parse_http_block(&blocks[2].text, blocks[2].line + 1) else {
        panic!("response expected")
    };
    assert_eq!(resp.status, 200);
}

#[test]
fn newer_style_tabs_annotations_and_trailer() {
    let (page, diags) = parse(NEWER);
    // The response annotation has a trailing comma: read, with a diagnostic.
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, Code::InvalidAnnotation);
    // Tab headings and include lines are not sections.
    let titles: Vec<&str> = page.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Permissions",
            "HTTP request",
            "Optional query parameters",
            "Request headers",
            "Examples",
            "Request",
            "Response"
        ]
    );
    let blocks = code_blocks(&page);
    let request = blocks
        .iter()
        .find(|b| b.lang == "msgraph-interactive")
        .unwrap();
    let annotation = request.annotation.as_ref().unwrap();
    assert_eq!(annotation.value["name"], "get_widget");
    let response = blocks.last().unwrap();
    assert_eq!(
        response.annotation.as_ref().unwrap().value["@odata.type"],
        "microsoft.graph.widget"
    );
    assert_eq!(page.loose_annotations.len(), 1);
    assert_eq!(page.loose_annotations[0].value["type"], "#page.annotation");
    let headers = tables(&page)[1];
    assert_eq!(headers.header, ["Name", "Description"]);
    assert_eq!(headers.rows[1].cells[0].text, "ConsistencyLevel");
}

#[test]
fn several_request_lines_in_one_block() {
    let (page, _) = parse(NEWER);
    let block = code_blocks(&page)[0];
    let lines = scan_request_lines(&block.text, block.line + 1);
    let targets: Vec<&str> = lines.iter().map(|l| l.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/widgets/{id}",
            "/users/{id | userPrincipalName}/widgets/{id}"
        ]
    );
}

#[test]
fn resource_page_tables_links_and_json_representation() {
    let text = r##"---
doc_type: resourcePageType
---
# widget resource type

Namespace: microsoft.graph

Inherits from [entity](entity.md).

## Properties
|Property|Type|Description|
|:---|:---|:---|
|**Basics**| | |
|id|String|Key. Inherited from [entity](entity.md).|
|owner|[identitySet](identityset.md)|Who.|
|tags|String collection|Labels.|
|shape|[widgetShape][]|Form.|

### widgetShape values
|Member|Value|Description|
|:---|:---|:---|
|round|0|Round.|
|square|1|Square.|

## JSON representation
<!-- {
  "blockType": "resource",
  "@odata.type": "microsoft.graph.widget",
  "baseType": "microsoft.graph.entity"
} -->
```json
{"id": "String (identifier)", "owner": {"@odata.type": "microsoft.graph.identitySet"}}
```
"##;
    let (page, diags) = parse_page("resources/widget.md", text.as_bytes());
    assert!(diags.is_empty(), "{diags:?}");
    let t = tables(&page);
    let props = t[0];
    assert_eq!(props.rows.len(), 5, "the divider row is kept by the parser");
    assert_eq!(props.rows[2].cells[1].links[0].target, "identityset.md");
    // A reference link without a definition keeps its text and an empty target.
    assert_eq!(props.rows[4].cells[1].links[0].text, "widgetShape");
    assert_eq!(props.rows[4].cells[1].links[0].target, "");
    assert_eq!(t[1].header_key(), ["member", "value", "description"]);
    let json = code_blocks(&page)[0];
    assert_eq!(json.lang, "json");
    assert_eq!(
        json.annotation.as_ref().unwrap().value["baseType"],
        "microsoft.graph.entity"
    );
    let inherits = page
        .intro
        .iter()
        .any(|i| matches!(i, Item::Prose(p) if p.text.starts_with("Inherits from")));
    assert!(inherits);
}

#[test]
fn broken_input_yields_diagnostics_not_panics() {
    let (page, diags) = parse_page(
        "api/bad.md",
        b"no front matter\n\n| a | b |\n|---|---|\n| 1 |\n",
    );
    assert_eq!(diags[0].code, Code::NoFrontMatter);
    assert_eq!(
        tables(&page).len(),
        0,
        "a table before any heading sits in the intro"
    );
    let (_, diags) = parse_page("api/bad.md", b"---\ntitle: [unclosed\n---\n# T\n");
    assert_eq!(diags[0].code, Code::FrontMatter);
    let (page, diags) = parse_page("api/bad.md", b"---\ntitle: x\n---\n# T\xff\xfe\n");
    assert_eq!(diags[0].code, Code::NotUtf8);
    assert!(page.title.unwrap().value.starts_with('T'));
    let (_, diags) = parse_page(
        "api/bad.md",
        b"---\ntitle: x\n---\n# T\n<!-- {\"blockType\": } -->\n```http\nGET /x\n```\n",
    );
    assert_eq!(diags[0].code, Code::InvalidAnnotation);
    let (page, _) = parse_page("api/empty.md", b"");
    assert!(page.sections.is_empty());
}

#[test]
fn setext_include_lines_are_not_sections() {
    let text =
        "---\ntitle: x\n---\n# X\n## Examples\n[!INCLUDE [sample-code](x.md)]\n---\n### Response\n";
    let (page, _) = parse(text);
    let titles: Vec<&str> = page.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Examples", "Response"]);
}
