//! The fake Graph of the `testing` feature, driven through the client as a user's test
//! drives it, over a table of operations written here in the form a generated crate's
//! `testing::operations()` has.

use futures_util::TryStreamExt;
use graph_runtime::batch::Batch;
use graph_runtime::client::{Client, ClientCredentials, DeltaEvent, StaticToken, Uploaded};
use graph_runtime::delta::Change;
use graph_runtime::testing::{
    Api, Body, Enum, Example, FakeGraph, Kind, Operation, Permissions, Property, Type,
};
use graph_runtime::upload::UploadSession;
use graph_runtime::{parse_empty, parse_json, Collection, Error, Method, PathBuilder, Request};
use serde_json::{json, Value};
use std::ops::ControlFlow;

const USER_READ: Permissions = Permissions {
    delegated: &["User.Read.All", "Directory.Read.All"],
    application: &["User.Read.All"],
};

static OPERATIONS: [Operation; 10] = [
    Operation {
        method: "GET",
        path: "/users/{user-id}/mailFolders",
        status: 200,
        collection: true,
        permissions: Permissions::EMPTY,
        consistency_level: false,
        body: Body::None,
        examples: &[Example {
            query: "",
            status: 200,
            headers: &[],
            body: r#"{"value":[{"id":"inbox","displayName":"Inbox"}]}"#,
        }],
    },
    Operation {
        method: "POST",
        path: "/me/drive/items/{parent-id}:/{filename}:/createUploadSession",
        status: 200,
        collection: false,
        permissions: Permissions::EMPTY,
        consistency_level: false,
        body: Body::None,
        examples: &[],
    },
    Operation {
        method: "GET",
        path: "/users",
        status: 200,
        collection: true,
        permissions: USER_READ,
        consistency_level: true,
        body: Body::None,
        examples: &[
            Example {
                query: "",
                status: 200,
                headers: &[("Content-Type", "application/json")],
                body: r#"{"value":[{"id":"87d349ed","displayName":"Adele Vance"}]}"#,
            },
            Example {
                query: "$select=displayName",
                status: 200,
                headers: &[("Content-Type", "application/json")],
                body: r#"{"value":[{"displayName":"Adele Vance"}]}"#,
            },
        ],
    },
    Operation {
        method: "POST",
        path: "/users",
        status: 201,
        collection: false,
        permissions: Permissions {
            delegated: &["User.ReadWrite.All"],
            application: &["User.ReadWrite.All"],
        },
        consistency_level: false,
        body: Body::None,
        examples: &[],
    },
    Operation {
        method: "GET",
        path: "/users/{user-id}",
        status: 200,
        collection: false,
        permissions: USER_READ,
        consistency_level: false,
        body: Body::None,
        examples: &[Example {
            query: "",
            status: 200,
            headers: &[("Content-Type", "application/json")],
            body: r#"{"id":"87d349ed","displayName":"Adele Vance","jobTitle":"Retail Manager"}"#,
        }],
    },
    Operation {
        method: "PATCH",
        path: "/users/{user-id}",
        status: 204,
        collection: false,
        permissions: Permissions {
            delegated: &["User.ReadWrite.All"],
            application: &["User.ReadWrite.All"],
        },
        consistency_level: false,
        body: Body::None,
        examples: &[],
    },
    Operation {
        method: "DELETE",
        path: "/users/{user-id}",
        status: 204,
        collection: false,
        permissions: Permissions {
            delegated: &["User.ReadWrite.All"],
            application: &["User.ReadWrite.All"],
        },
        consistency_level: false,
        body: Body::None,
        examples: &[],
    },
    Operation {
        method: "GET",
        path: "/users/delta",
        status: 200,
        collection: true,
        permissions: USER_READ,
        consistency_level: false,
        body: Body::None,
        examples: &[],
    },
    Operation {
        method: "GET",
        path: "/me",
        status: 200,
        collection: false,
        permissions: Permissions {
            delegated: &["User.Read"],
            application: &[],
        },
        consistency_level: false,
        body: Body::None,
        examples: &[Example {
            query: "",
            status: 200,
            headers: &[("Content-Type", "application/json")],
            body: r#"{"id":"me-1","displayName":"Megan Bowen"}"#,
        }],
    },
    Operation {
        method: "GET",
        path: "/reports/getMailboxUsage(period='{period}')",
        status: 302,
        collection: false,
        permissions: Permissions::EMPTY,
        consistency_level: false,
        body: Body::None,
        examples: &[],
    },
];

async fn fake() -> (FakeGraph, Client) {
    let fake = FakeGraph::start(&OPERATIONS).await;
    let client =
        Client::new(&fake.base_url(), StaticToken::new("secret-token")).expect("a loopback URL");
    (fake, client)
}

fn get(path: &str) -> Request<Value> {
    Request::new(Method::GET, PathBuilder::new(path), parse_json)
}

fn list(path: &str) -> Request<Collection<Value>> {
    Request::new(Method::GET, PathBuilder::new(path), parse_json)
}

fn service(error: Error) -> (u16, String, String) {
    match error {
        Error::Service(e) => {
            let code = e.code().unwrap_or_default().to_string();
            let message = e
                .error
                .as_ref()
                .map(|g| g.message.clone())
                .unwrap_or_default();
            (e.status, code, message)
        }
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[tokio::test]
async fn documented_answers_follow_the_example_with_the_same_query() {
    let (_fake, client) = fake().await;
    let adele = client.send(get("/users/42")).await.expect("documented");
    assert_eq!(adele["jobTitle"], "Retail Manager");
    let all = client.send(list("/users")).await.expect("documented");
    assert_eq!(all.value[0]["id"], "87d349ed");
    let selected = client
        .send(list("/users").query_pair("$select", "displayName"))
        .await
        .expect("documented");
    assert_eq!(selected.value, vec![json!({"displayName": "Adele Vance"})]);
    // A literal segment wins over a parameter: `/users/delta` is not `/users/{id}`.
    let delta = client.send(list("/users/delta")).await.expect("documented");
    assert!(delta.value.is_empty());
    // `/me` is the signed-in user: a path documented under `/users/{id}` only.
    let folders = client
        .send(list("/me/mailFolders"))
        .await
        .expect("documented");
    assert_eq!(folders.value[0]["displayName"], "Inbox");
    // A parameter inside a function's parentheses.
    let report: Request<graph_runtime::NoContent> = Request::new(
        Method::GET,
        PathBuilder::new("/reports/getMailboxUsage(period='D7')"),
        parse_empty,
    );
    let status = client.send(report).await;
    assert!(status.is_ok(), "{status:?}");
}

#[tokio::test]
async fn undocumented_paths_and_methods_are_refused_as_graph_refuses_them() {
    let (_fake, client) = fake().await;
    let (status, code, message) = service(client.send(get("/users/42/widgets")).await.unwrap_err());
    assert_eq!((status, code.as_str()), (400, "BadRequest"));
    assert!(message.contains("'widgets'"), "{message}");
    let put = Request::<Value>::new(Method::PUT, PathBuilder::new("/me"), parse_json);
    let (status, _, message) = service(client.send(put).await.unwrap_err());
    assert_eq!(status, 405);
    assert!(message.contains("PUT /me"), "{message}");
}

#[tokio::test]
async fn overrides_answer_first_in_order_and_for_as_many_times_as_set() {
    let (fake, client) = fake().await;
    let request = get("/users/7");
    fake.on(&request)
        .times(1)
        .respond(&json!({"id": "7", "displayName": "Once"}));
    fake.on(&get("/users/8"))
        .respond_error(404, "Request_ResourceNotFound", "gone");
    let first = client.send(get("/users/7")).await.expect("override");
    assert_eq!(first["displayName"], "Once");
    // Used up: the documented answer again.
    let second = client.send(get("/users/7")).await.expect("documented");
    assert_eq!(second["displayName"], "Adele Vance");
    let (status, code, _) = service(client.send(get("/users/8")).await.unwrap_err());
    assert_eq!((status, code.as_str()), (404, "Request_ResourceNotFound"));
    // An override with query options matches those options only.
    fake.on(&list("/users").query_pair("$top", "1"))
        .respond_json(200, json!({"value": [{"id": "top"}]}));
    let top = client
        .send(list("/users").query_pair("$top", "1"))
        .await
        .expect("override");
    assert_eq!(top.value[0]["id"], "top");
    let plain = client.send(list("/users")).await.expect("documented");
    assert_eq!(plain.value[0]["id"], "87d349ed");
}

#[tokio::test]
async fn state_creates_reads_updates_and_deletes() {
    let (fake, client) = fake().await;
    let create = Request::<Value>::new(Method::POST, PathBuilder::new("/users"), parse_json)
        .json(&json!({"displayName": "Alex Wilber", "jobTitle": "Designer", "city": "Oslo"}));
    let created = client.send(create).await.expect("created");
    let id = created["id"].as_str().expect("an id").to_string();
    let read = client
        .send(get(&format!("/users/{id}")))
        .await
        .expect("read");
    assert_eq!(read["displayName"], "Alex Wilber");

    // Absent members stay, `null` clears, a value replaces.
    let patch = Request::new(
        Method::PATCH,
        PathBuilder::new(&format!("/users/{id}")),
        parse_empty,
    )
    .json(&json!({"jobTitle": "Lead", "city": null}));
    client.send(patch).await.expect("updated");
    let read = client
        .send(get(&format!("/users/{id}")))
        .await
        .expect("read");
    assert_eq!(
        read,
        json!({"displayName": "Alex Wilber", "jobTitle": "Lead", "city": null, "id": id})
    );
    let journal = fake.requests();
    let sent = journal
        .iter()
        .find(|r| r.method == "PATCH")
        .expect("the PATCH is in the journal");
    assert_eq!(sent.body, Some(json!({"jobTitle": "Lead", "city": null})));
    assert_eq!(sent.header("authorization"), Some("Bearer ***"));

    let delete = Request::new(
        Method::DELETE,
        PathBuilder::new(&format!("/users/{id}")),
        parse_empty,
    );
    client.send(delete).await.expect("deleted");
    let (status, _, _) = service(client.send(get(&format!("/users/{id}"))).await.unwrap_err());
    assert_eq!(status, 404);
    assert!(fake.items("/users").is_empty());
}

#[tokio::test]
async fn lists_page_filter_order_select_and_count() {
    let (fake, client) = fake().await;
    for (i, name) in ["Adele", "Alex", "Ben", "Bianca", "Cara", "Adam", "Diego"]
        .iter()
        .enumerate()
    {
        fake.insert(
            "/users",
            &json!({
                "id": format!("u{i}"),
                "displayName": name,
                "age": 20 + i,
                "proxyAddresses": [format!("smtp:{name}@contoso.com")],
                "assignedLicenses": [{"skuId": if i % 2 == 0 { "a" } else { "b" }}],
            }),
        );
    }
    fake.page_size(3);
    let ids: Vec<String> = client
        .items(list("/users"))
        .map_ok(|u| u["id"].as_str().unwrap_or_default().to_string())
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(ids, ["u0", "u1", "u2", "u3", "u4", "u5", "u6"]);
    let pages = fake
        .requests()
        .iter()
        .filter(|r| r.path == "/users" && r.method == "GET")
        .count();
    assert_eq!(pages, 3);

    let names = |page: &Collection<Value>| -> Vec<String> {
        page.value
            .iter()
            .map(|u| u["displayName"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let filtered = client
        .send(
            list("/users")
                .query_pair("$filter", "startswith(displayName,'a') and age ge 21")
                .query_pair("$orderby", "displayName desc")
                .query_pair("$select", "displayName")
                .query_pair("$top", "2")
                .query_pair("$count", "true")
                .consistency_level_eventual(),
        )
        .await
        .expect("a page");
    assert_eq!(names(&filtered), ["Alex", "Adam"]);
    assert_eq!(filtered.count, Some(2));
    assert_eq!(filtered.value[0], json!({"displayName": "Alex"}));
    assert!(filtered.next_link.is_none());

    let any = client
        .send(
            list("/users")
                .query_pair(
                    "$filter",
                    "assignedLicenses/any(x:x/skuId eq 'b') or proxyAddresses/any(p:startswith(p,'smtp:diego'))",
                )
                .query_pair("$top", "10"),
        )
        .await
        .expect("a page");
    assert_eq!(names(&any), ["Alex", "Bianca", "Adam", "Diego"]);

    let (status, _, message) = service(
        client
            .send(list("/users").query_pair("$filter", "length(displayName) eq 4"))
            .await
            .unwrap_err(),
    );
    assert_eq!(status, 400);
    assert!(message.contains("length"), "{message}");
}

#[tokio::test]
async fn permissions_the_token_lacks_answer_403() {
    let (fake, client) = fake().await;
    fake.with_scopes(["User.Read"]);
    let me = client.send(get("/me")).await.expect("User.Read is enough");
    assert_eq!(me["displayName"], "Megan Bowen");
    let (status, code, message) = service(client.send(get("/users/42")).await.unwrap_err());
    assert_eq!(
        (status, code.as_str()),
        (403, "Authorization_RequestDenied")
    );
    assert!(message.contains("User.Read.All"), "{message}");
    fake.with_scopes(["Directory.Read.All"]);
    assert!(client.send(get("/users/42")).await.is_ok());
}

#[tokio::test]
async fn advanced_queries_without_the_header_get_the_services_400() {
    let (_fake, client) = fake().await;
    let counted = || list("/users").query_pair("$count", "true");
    let (status, code, _) = service(client.send(counted()).await.unwrap_err());
    assert_eq!((status, code.as_str()), (400, "Request_UnsupportedQuery"));
    assert!(client
        .send(counted().consistency_level_eventual())
        .await
        .is_ok());
    let ends = list("/users").query_pair("$filter", "endswith(mail,'@contoso.com')");
    assert_eq!(service(client.send(ends).await.unwrap_err()).0, 400);
    // `ne` inside a string is no operator.
    let plain = list("/users").query_pair("$filter", "displayName eq 'ne not null'");
    assert!(client.send(plain).await.is_ok());
}

#[tokio::test]
async fn batches_run_each_item_and_fail_the_dependents_of_a_failed_one() {
    let (fake, client) = fake().await;
    fake.insert("/users", &json!({"id": "1", "displayName": "Adele"}));
    let mut batch = Batch::new();
    let adele = batch.add(get("/users/1"));
    let missing = batch.add(get("/users/404"));
    let after = batch.add_after(get("/me"), [missing.id()]);
    let results = client.batch(batch).await.expect("the batch");
    assert_eq!(results.get(&adele).expect("ok")["displayName"], "Adele");
    assert_eq!(service(results.get(&missing).unwrap_err()).0, 404);
    assert_eq!(service(results.get(&after).unwrap_err()).0, 424);
    let paths: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/$batch", "/users/1", "/users/404"]);
}

#[tokio::test]
async fn client_credentials_sign_in_end_to_end() {
    let fake = FakeGraph::start(&OPERATIONS).await;
    let credentials = ClientCredentials::with_token_url(
        &fake.token_url("contoso.onmicrosoft.com"),
        "app-id",
        "https://graph.microsoft.com/.default",
        "app-secret",
    )
    .expect("a loopback token URL");
    let client = Client::new(&fake.base_url(), credentials).expect("a loopback URL");
    let me = client.send(get("/me")).await.expect("signed in");
    assert_eq!(me["id"], "me-1");
    let sent = fake.requests();
    assert_eq!(sent.len(), 1, "the token request is not in Graph's journal");
    assert_eq!(sent[0].header("authorization"), Some("Bearer ***"));
}

#[tokio::test]
async fn requests_without_a_token_are_refused() {
    let fake = FakeGraph::start(&OPERATIONS).await;
    let http = reqwest::Client::new();
    let response = http
        .get(format!("{}/me", fake.base_url()))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 401);
    let body: Value =
        serde_json::from_slice(&response.bytes().await.expect("a body")).expect("JSON");
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
}

/// The events of one delta round: `(id, removed)` per change, then the link.
async fn round(client: &Client, link: Option<&str>) -> (Vec<(String, bool)>, String) {
    let stream = match link {
        None => client.delta::<Value>(list("/users/delta")),
        Some(link) => client.delta_from::<Value>(link),
    };
    let events: Vec<DeltaEvent<Value>> = stream.try_collect().await.expect("a delta round");
    let mut changes = Vec::new();
    let mut next = String::new();
    for event in events {
        match event {
            DeltaEvent::Change(Change::Updated(item)) => {
                changes.push((item["id"].as_str().unwrap_or_default().to_string(), false));
            }
            DeltaEvent::Change(Change::Removed(removed)) => {
                changes.push((removed.id.unwrap_or_default(), true));
            }
            DeltaEvent::Resync => changes.push(("(resync)".to_string(), false)),
            DeltaEvent::Done(link) => next = link.0,
        }
    }
    (changes, next)
}

#[tokio::test]
async fn delta_rounds_report_what_changed_since_their_link() {
    let (fake, client) = fake().await;
    for i in 0..5 {
        fake.insert(
            "/users",
            &json!({"id": format!("u{i}"), "displayName": format!("User {i}")}),
        );
    }
    fake.page_size(2);
    let (first, link) = round(&client, None).await;
    let ids: Vec<&str> = first.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["u0", "u1", "u2", "u3", "u4"]);

    // Round two: an update, a deletion and a creation; u1 changes twice, reported once.
    let patch = |id: &str, name: &str| {
        Request::new(
            Method::PATCH,
            PathBuilder::new(&format!("/users/{id}")),
            parse_empty,
        )
        .json(&json!({ "displayName": name }))
    };
    client.send(patch("u1", "One")).await.expect("updated");
    client
        .send(Request::new(
            Method::DELETE,
            PathBuilder::new("/users/u3"),
            parse_empty,
        ))
        .await
        .expect("deleted");
    fake.insert("/users", &json!({"id": "u5", "displayName": "User 5"}));
    client.send(patch("u1", "Uno")).await.expect("updated");
    let (second, link) = round(&client, Some(&link)).await;
    assert_eq!(
        second,
        [
            ("u3".to_string(), true),
            ("u5".to_string(), false),
            ("u1".to_string(), false),
        ]
    );
    // Round three: nothing changed.
    let (third, _) = round(&client, Some(&link)).await;
    assert!(third.is_empty());
}

#[tokio::test]
async fn upload_sessions_assemble_the_file_byte_for_byte() {
    let (fake, client) = fake().await;
    let create: Request<Value> = Request::new(
        Method::POST,
        PathBuilder::new("/me/drive/items/root:/report.bin:/createUploadSession"),
        parse_json,
    )
    .json(&json!({}));
    let session = client.send(create).await.expect("a session");
    let session = UploadSession::from_json(&serde_json::from_value(session).expect("an object"))
        .expect("a session");
    // 5 MiB of bytes that are not all alike.
    let bytes: Vec<u8> = (0..5 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let outcome = client
        .upload::<Value, _>(&session, &bytes, None, |_| ControlFlow::Continue(()))
        .await
        .expect("uploaded");
    let Uploaded::Done(item) = outcome else {
        panic!("the upload was not finished: {outcome:?}");
    };
    assert_eq!(item["name"], "report.bin");
    assert_eq!(item["size"], bytes.len());
    let uploads = fake.uploads();
    assert_eq!(uploads.len(), 1);
    assert!(uploads[0].complete);
    assert!(
        uploads[0].bytes == bytes,
        "the file differs from what was sent"
    );
    // Upload URLs are not Graph requests and take no token: the journal has Graph's.
    let methods: Vec<String> = fake.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["POST"]);
}

const fn property(name: &'static str, kind: Kind) -> Property {
    Property {
        name,
        kind,
        collection: false,
    }
}

static TYPES: [Type; 9] = [
    Type {
        name: "microsoft.graph.extension",
        base: Some("microsoft.graph.entity"),
        is_abstract: true,
        is_open: false,
        properties: &[],
    },
    Type {
        name: "microsoft.graph.openTypeExtension",
        base: Some("microsoft.graph.extension"),
        is_abstract: false,
        is_open: true,
        properties: &[property("extensionName", Kind::Text)],
    },
    Type {
        name: "microsoft.graph.entity",
        base: None,
        is_abstract: false,
        is_open: false,
        properties: &[property("id", Kind::Text)],
    },
    Type {
        name: "microsoft.graph.deviceConfigurationDeviceOverview",
        base: Some("microsoft.graph.entity"),
        is_abstract: false,
        is_open: false,
        properties: &[
            property("pendingCount", Kind::Int),
            property("lastUpdateDateTime", Kind::DateTime),
            property("configurationVersion", Kind::Int),
        ],
    },
    Type {
        name: "microsoft.graph.directoryObject",
        base: Some("microsoft.graph.entity"),
        is_abstract: false,
        is_open: true,
        properties: &[],
    },
    Type {
        name: "microsoft.graph.user",
        base: Some("microsoft.graph.directoryObject"),
        is_abstract: false,
        is_open: false,
        properties: &[
            property("displayName", Kind::Text),
            property("accountEnabled", Kind::Bool),
            property("riskLevel", Kind::Enum("microsoft.graph.riskLevel")),
            Property {
                name: "assignedLicenses",
                kind: Kind::Object("microsoft.graph.assignedLicense"),
                collection: true,
            },
        ],
    },
    Type {
        name: "microsoft.graph.assignedLicense",
        base: None,
        is_abstract: false,
        is_open: false,
        properties: &[property("skuId", Kind::Guid)],
    },
    Type {
        name: "microsoft.graph.deviceConfiguration",
        base: Some("microsoft.graph.entity"),
        is_abstract: true,
        is_open: false,
        properties: &[property("displayName", Kind::Text)],
    },
    Type {
        name: "microsoft.graph.windows10GeneralConfiguration",
        base: Some("microsoft.graph.deviceConfiguration"),
        is_abstract: false,
        is_open: false,
        properties: &[property("passwordRequired", Kind::Bool)],
    },
];

static ENUMS: [Enum; 1] = [Enum {
    name: "microsoft.graph.riskLevel",
    members: &["low", "medium", "high"],
    flags: false,
}];

static STRICT: [Operation; 5] = [
    Operation {
        method: "POST",
        path: "/users/{id}/extensions",
        status: 201,
        collection: false,
        permissions: Permissions::EMPTY,
        consistency_level: false,
        examples: &[],
        body: Body::Types(&["microsoft.graph.extension"]),
    },
    Operation {
        method: "PATCH",
        path: "/deviceManagement/deviceConfigurations/{id}/deviceStatusOverview",
        status: 200,
        collection: false,
        permissions: Permissions::EMPTY,
        consistency_level: false,
        examples: &[],
        body: Body::Types(&["microsoft.graph.deviceConfigurationDeviceOverview"]),
    },
    Operation {
        method: "POST",
        path: "/users",
        status: 201,
        collection: false,
        permissions: Permissions::EMPTY,
        consistency_level: false,
        examples: &[],
        body: Body::Types(&["microsoft.graph.user"]),
    },
    Operation {
        method: "POST",
        path: "/deviceManagement/deviceConfigurations",
        status: 201,
        collection: false,
        permissions: Permissions::EMPTY,
        consistency_level: false,
        examples: &[],
        body: Body::Types(&["microsoft.graph.deviceConfiguration"]),
    },
    Operation {
        method: "POST",
        path: "/users/{id}/assignLicense",
        status: 200,
        collection: false,
        permissions: Permissions::EMPTY,
        consistency_level: false,
        examples: &[],
        body: Body::Parameters(&[
            Property {
                name: "addLicenses",
                kind: Kind::Object("microsoft.graph.assignedLicense"),
                collection: true,
            },
            Property {
                name: "removeLicenses",
                kind: Kind::Guid,
                collection: true,
            },
        ]),
    },
];

async fn strict() -> (FakeGraph, Client) {
    let fake = FakeGraph::serve(Api {
        operations: STRICT.iter().collect(),
        types: TYPES.iter().collect(),
        enums: ENUMS.iter().collect(),
    })
    .await;
    let client =
        Client::new(&fake.base_url(), StaticToken::new("secret-token")).expect("a loopback URL");
    (fake, client)
}

/// The status and message of sending `body` to `method path`.
async fn send(client: &Client, method: Method, path: &str, body: Value) -> (u16, String) {
    let request =
        Request::<Value>::new(method, PathBuilder::new(path), |_, _| Ok(Value::Null)).json(&body);
    match client.send(request).await {
        Ok(_) => (200, String::new()),
        Err(e) => {
            let (status, _, message) = service(e);
            (status, message)
        }
    }
}

#[tokio::test]
async fn bodies_of_the_documented_types_pass() {
    let (fake, client) = strict().await;
    let overview = "/deviceManagement/deviceConfigurations/c1/deviceStatusOverview";
    let ok = [
        (
            Method::PATCH,
            overview,
            json!({"pendingCount": 12, "lastUpdateDateTime": "2021-07-13T10:00:00Z"}),
        ),
        (
            Method::POST,
            "/users",
            json!({"displayName": "Ann", "riskLevel": "HIGH", "assignedLicenses": [{"skuId": "184efa21-98c3-4e5d-95ab-d07053a96e67"}], "manager@odata.bind": "https://graph.microsoft.com/v1.0/users/1"}),
        ),
        (
            Method::POST,
            "/deviceManagement/deviceConfigurations",
            json!({"@odata.type": "#microsoft.graph.windows10GeneralConfiguration", "displayName": "Win", "passwordRequired": true}),
        ),
        (
            Method::POST,
            "/users/1/assignLicense",
            json!({"addLicenses": [], "removeLicenses": ["184efa21-98c3-4e5d-95ab-d07053a96e67"]}),
        ),
        // A directory object takes extension properties.
        (
            Method::POST,
            "/users",
            json!({"displayName": "Ann", "extension_b7d8e6a2_costCenter": "CC-1"}),
        ),
        // An open type takes members of its own; Outlook's namespace names Graph's type.
        (
            Method::POST,
            "/users/1/extensions",
            json!({"@odata.type": "Microsoft.OutlookServices.OpenTypeExtension", "extensionName": "Com.Contoso.Referral", "companyName": "Wingtip Toys"}),
        ),
    ];
    for (method, path, body) in ok {
        assert_eq!(
            send(&client, method, path, body.clone()).await.0,
            200,
            "{path} {body}"
        );
    }
    let patch = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .expect("the PATCH is in the journal");
    assert_eq!(
        patch
            .body_as::<serde_json::Map<String, Value>>()
            .map(|m| m.len()),
        Some(2)
    );
}

#[tokio::test]
async fn each_wrong_member_is_refused_with_its_name() {
    let (fake, client) = strict().await;
    let overview = "/deviceManagement/deviceConfigurations/c1/deviceStatusOverview";
    let cases = [
        (
            Method::PATCH,
            overview,
            json!({"pendingCnt": 12}),
            "'pendingCnt'",
        ),
        (
            Method::PATCH,
            overview,
            json!({"pendingCount": "twelve"}),
            "'pendingCount': expected an integer, found a string",
        ),
        (
            Method::PATCH,
            overview,
            json!({"lastUpdateDateTime": "yesterday"}),
            "'lastUpdateDateTime'",
        ),
        (
            Method::POST,
            "/users",
            json!({"riskLevel": "severe"}),
            "'severe' is not a member",
        ),
        (
            Method::POST,
            "/users",
            json!({"accountEnabled": "true"}),
            "'accountEnabled'",
        ),
        (
            Method::POST,
            "/users",
            json!({"assignedLicenses": [{"skuId": "not-a-guid"}]}),
            "'assignedLicenses[0].skuId'",
        ),
        (
            Method::POST,
            "/users",
            json!({"assignedLicenses": {"skuId": "184efa21-98c3-4e5d-95ab-d07053a96e67"}}),
            "expected a JSON array",
        ),
        (
            Method::POST,
            "/deviceManagement/deviceConfigurations",
            json!({"displayName": "no type"}),
            "abstract type",
        ),
        (
            Method::POST,
            "/deviceManagement/deviceConfigurations",
            json!({"@odata.type": "#microsoft.graph.user"}),
            "'@odata.type'",
        ),
        (
            Method::POST,
            "/users/1/assignLicense",
            json!({"addLicense": []}),
            "'addLicense'",
        ),
        (
            Method::POST,
            "/users/1/extensions",
            json!({"@odata.type": "microsoft.graph.openTypeExtension", "extensionName": 7}),
            "'extensionName'",
        ),
        (
            Method::POST,
            "/users/1/extensions",
            json!({"extensionName": "x"}),
            "abstract type",
        ),
        // Open for extensions, a directory object still refuses a misspelled property.
        (
            Method::POST,
            "/users",
            json!({"displayNme": "Ann"}),
            "'displayNme'",
        ),
    ];
    for (method, path, body, named) in cases {
        let (status, message) = send(&client, method, path, body.clone()).await;
        assert_eq!(status, 400, "{body} was accepted");
        assert!(message.contains(named), "{body}: {message}");
    }
    fake.lenient();
    let (status, _) = send(&client, Method::PATCH, overview, json!({"pendingCnt": 12})).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn overrides_with_a_body_match_that_body_only() {
    let (fake, client) = fake().await;
    let patch = |name: &str| {
        Request::new(Method::PATCH, PathBuilder::new("/users/42"), parse_empty)
            .json(&json!({ "displayName": name }))
    };
    fake.on(&patch("Forbidden"))
        .respond_error(403, "Authorization_RequestDenied", "not this name");
    assert_eq!(
        service(client.send(patch("Forbidden")).await.unwrap_err()).0,
        403
    );
    assert!(client.send(patch("Allowed")).await.is_ok());
}

#[tokio::test]
async fn the_server_stops_when_the_fake_is_dropped() {
    let fake = FakeGraph::start(&OPERATIONS).await;
    let address = fake.base_url().replace("http://", "").replace("/v1.0", "");
    assert!(tokio::net::TcpStream::connect(&address).await.is_ok());
    drop(fake);
    // The accept loop, aborted, ends (and closes the port) once the runtime polls it.
    let mut refused = false;
    for _ in 0..100 {
        tokio::task::yield_now().await;
        if tokio::net::TcpStream::connect(&address).await.is_err() {
            refused = true;
            break;
        }
    }
    assert!(refused, "the port still accepts connections");
}

#[tokio::test]
async fn hostile_input_is_refused_not_a_crash() {
    let (fake, client) = fake().await;
    fake.insert("/users", &json!({"id": "1", "displayName": "Ann"}));
    let deep = format!(
        "{}displayName eq 'Ann'{}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let (status, _, message) = service(
        client
            .send(list("/users").query_pair("$filter", &deep))
            .await
            .unwrap_err(),
    );
    assert_eq!(status, 400);
    assert!(message.contains("deeper"), "{message}");
    let unclosed = list("/users").query_pair("$filter", "displayName eq 'Ann");
    assert_eq!(service(client.send(unclosed).await.unwrap_err()).0, 400);

    let create: Request<Value> = Request::new(
        Method::POST,
        PathBuilder::new("/me/drive/items/root:/big.bin:/createUploadSession"),
        parse_json,
    )
    .json(&json!({}));
    let session = client.send(create).await.expect("a session");
    let url = session["uploadUrl"]
        .as_str()
        .expect("an upload URL")
        .to_string();
    let response = reqwest::Client::new()
        .put(&url)
        .header("Content-Range", "bytes 0-0/100000000000000")
        .body(vec![0u8])
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 413);
    let response = reqwest::Client::new()
        .put(&url)
        .header("Content-Range", "bytes 5-1/10")
        .body(vec![0u8])
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 416);
}

#[tokio::test]
async fn an_expired_delta_link_starts_the_sync_over() {
    let (fake, client) = fake().await;
    for i in 0..3 {
        fake.insert("/users", &json!({"id": format!("u{i}")}));
    }
    let (_, link) = round(&client, None).await;
    // A token the fake never gave: the service's 410 for a sync state it forgot.
    let expired = format!("{}/users/delta?$deltatoken=999", fake.base_url());
    assert_ne!(link, expired);
    let events: Vec<DeltaEvent<Value>> = client
        .resume_delta(list("/users/delta"), &expired)
        .try_collect()
        .await
        .expect("a resync");
    assert_eq!(events[0], DeltaEvent::Resync);
    let ids: Vec<&str> = events[1..]
        .iter()
        .filter_map(|e| match e {
            DeltaEvent::Change(Change::Updated(item)) => item["id"].as_str(),
            _ => None,
        })
        .collect();
    assert_eq!(
        ids,
        ["u0", "u1", "u2"],
        "the rebuilt set is the fake's state"
    );
    assert!(matches!(events.last(), Some(DeltaEvent::Done(_))));
    // Without the request to start over from, the 410 is the caller's.
    let gone: Result<Vec<DeltaEvent<Value>>, Error> =
        client.delta_from(&expired).try_collect().await;
    assert_eq!(service(gone.unwrap_err()).0, 410);
}

/// Tokens `t1`, `t2`, ...: a new one after each rejection.
#[derive(Default)]
struct Counting {
    issued: std::sync::atomic::AtomicUsize,
    rejected: std::sync::Mutex<Vec<String>>,
}

impl graph_runtime::client::TokenProvider for Counting {
    fn token(&self) -> graph_runtime::client::TokenFuture<'_> {
        let rejected = self.rejected.lock().map(|r| r.len()).unwrap_or(0);
        self.issued
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async move { Ok(format!("t{}", rejected + 1)) })
    }

    fn reject(&self, token: &str) {
        if let Ok(mut rejected) = self.rejected.lock() {
            rejected.push(token.to_string());
        }
    }
}

#[tokio::test]
async fn a_401_is_answered_once_with_a_fresh_token() {
    let fake = FakeGraph::start(&OPERATIONS).await;
    let tokens = std::sync::Arc::new(Counting::default());
    let client = Client::new(&fake.base_url(), SharedTokens(tokens.clone())).expect("a client");
    fake.on(&get("/me")).times(1).respond_error(
        401,
        "InvalidAuthenticationToken",
        "Access token has expired or is not yet valid.",
    );
    let me = client.send(get("/me")).await.expect("the second attempt");
    assert_eq!(me["id"], "me-1");
    assert_eq!(*tokens.rejected.lock().expect("a lock"), ["t1"]);
    assert_eq!(fake.requests().len(), 2);
    // Twice in a row: the service's answer, not a loop.
    fake.on(&get("/me"))
        .times(2)
        .respond_error(401, "InvalidAuthenticationToken", "no");
    assert_eq!(service(client.send(get("/me")).await.unwrap_err()).0, 401);
    assert_eq!(fake.requests().len(), 4);
}

/// A provider shared with the test, to read its counts.
struct SharedTokens(std::sync::Arc<Counting>);

impl graph_runtime::client::TokenProvider for SharedTokens {
    fn token(&self) -> graph_runtime::client::TokenFuture<'_> {
        self.0.token()
    }

    fn reject(&self, token: &str) {
        self.0.reject(token)
    }
}
