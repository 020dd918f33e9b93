//! The Graph workflows of the generated client against local servers replaying the
//! documented behaviour, failures included: sign-in, `$batch`, delta query, large
//! uploads, and the settings every request carries.

mod common;

use common::get_device_management_device_configurations_item as get_item;
use common::DisplayName;
use futures_util::TryStreamExt;
use graph_runtime::auth::SignInError;
use graph_runtime::batch::Batch;
use graph_runtime::client::{
    Client, ClientCredentials, DeltaEvent, RetryPolicy, StaticToken, Uploaded, SDK_VERSION,
};
use graph_runtime::delta::Change;
use graph_runtime::upload::{UploadSession, SLICE_UNIT};
use graph_runtime::{parse_json, JsonObject, Method, PathBuilder};
use graph_runtime::{Collection, Error, Request, View};
use serde_json::{json, Value};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::new(&format!("{}/v1.0", server.uri()), StaticToken::new("t0k"))
        .expect("a loopback base URL")
}

fn header_of<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn body_json(request: &wiremock::Request) -> Value {
    serde_json::from_slice(&request.body).expect("a JSON body")
}

fn ids_of(batch_body: &Value) -> Vec<String> {
    batch_body["requests"]
        .as_array()
        .expect("a requests array")
        .iter()
        .map(|r| r["id"].as_str().expect("an id").to_string())
        .collect()
}

/// A `$batch` answer: every item `200` with a device configuration named after its id,
/// unless `status` says otherwise.
fn batch_answer(
    request: &wiremock::Request,
    status: impl Fn(&str) -> (u16, Option<&'static str>),
) -> ResponseTemplate {
    let responses: Vec<Value> = ids_of(&body_json(request))
        .iter()
        .map(|id| {
            let (code, retry_after) = status(id);
            let mut headers = json!({"Content-Type": "application/json"});
            if let Some(wait) = retry_after {
                headers["Retry-After"] = json!(wait);
            }
            let body = if code == 200 {
                json!({"@odata.type": "#microsoft.graph.deviceConfiguration", "id": id, "displayName": format!("config {id}")})
            } else {
                json!({"error": {"code": "tooManyRequests", "message": "slow down"}})
            };
            json!({"id": id, "status": code, "headers": headers, "body": body})
        })
        .collect();
    // Answers come in any order: reversed here.
    let responses: Vec<Value> = responses.into_iter().rev().collect();
    ResponseTemplate::new(200).set_body_json(json!({ "responses": responses }))
}

// ---------- $batch ----------

#[tokio::test]
async fn a_throttled_batch_item_is_sent_again_after_its_retry_after_with_its_dependent() {
    let server = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    Mock::given(method("POST"))
        .and(path("/v1.0/$batch"))
        .respond_with(move |request: &wiremock::Request| {
            let first = seen.fetch_add(1, Ordering::SeqCst) == 0;
            batch_answer(request, |id| match (first, id) {
                // Decimal seconds, as some services send them.
                (true, "2") => (429, Some("0.6")),
                (true, "3") => (424, None),
                _ => (200, None),
            })
        })
        .mount(&server)
        .await;

    let mut batch = Batch::new();
    let one = batch.add(get_item("c1"));
    let two = batch.add(get_item("c2"));
    let three = batch.add_after(get_item("c3"), [two.id()]);
    let started = Instant::now();
    let results = client(&server).batch(batch).await.expect("the batch");
    assert!(
        started.elapsed() >= Duration::from_millis(550),
        "{:?}",
        started.elapsed()
    );

    // Typed by id, each with its own request's parser.
    for (handle, name) in [(&one, "config 1"), (&two, "config 2"), (&three, "config 3")] {
        let configuration = results.get(handle).expect("a 200 in the end");
        assert_eq!(configuration.display_name(), Some(name));
    }
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 2);
    let first = body_json(&received[0]);
    assert_eq!(ids_of(&first), ["1", "2", "3"]);
    assert_eq!(
        first["requests"][0],
        json!({"id": "1", "method": "GET", "url": "/deviceManagement/deviceConfigurations/c1"})
    );
    assert_eq!(first["requests"][2]["dependsOn"], json!(["2"]));
    // Only the throttled item and the one that failed for it go again.
    let second = body_json(&received[1]);
    assert_eq!(ids_of(&second), ["2", "3"]);
    assert_eq!(second["requests"][1]["dependsOn"], json!(["2"]));
    assert_eq!(header_of(&received[1], "authorization"), Some("Bearer t0k"));
    assert_eq!(
        header_of(&received[1], "content-type"),
        Some("application/json")
    );
}

#[tokio::test]
async fn a_batch_of_45_goes_as_20_20_and_5_each_item_after_what_it_depends_on() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.0/$batch"))
        .respond_with(|request: &wiremock::Request| batch_answer(request, |_| (200, None)))
        .mount(&server)
        .await;
    let mut batch = Batch::new();
    // Added before the item it depends on, which is the last one.
    let early = batch.add_with_id("early", get_item("e"), ["last"]);
    let mut handles = Vec::new();
    for n in 0..43 {
        handles.push(batch.add(get_item(&format!("c{n}"))));
    }
    let last = batch.add_with_id("last", get_item("l"), None::<&str>);
    let results = client(&server).batch(batch).await.expect("the batch");

    let received = server.received_requests().await.expect("recording is on");
    let bodies: Vec<Vec<String>> = received.iter().map(|r| ids_of(&body_json(r))).collect();
    assert_eq!(bodies.iter().map(Vec::len).collect::<Vec<_>>(), [20, 20, 5]);
    // "early" waits for "last" and goes after it, in the same body, with dependsOn.
    let third = body_json(&received[2]);
    assert_eq!(&bodies[2][3..], ["last", "early"]);
    assert_eq!(third["requests"][4]["dependsOn"], json!(["last"]));
    assert_eq!(
        bodies
            .concat()
            .iter()
            .filter(|id| id.as_str() == "early")
            .count(),
        1
    );
    assert_eq!(results.len(), 45);
    assert!(results.get(&early).is_ok() && results.get(&last).is_ok());
    for handle in &handles {
        assert!(results.get(handle).is_ok(), "{handle:?}");
    }
}

#[tokio::test]
async fn a_batch_with_a_cycle_or_an_unknown_dependency_sends_nothing() {
    let server = MockServer::start().await;
    let mut cycle = Batch::new();
    cycle.add_with_id("a", get_item("1"), ["b"]);
    cycle.add_with_id("b", get_item("2"), ["a"]);
    match client(&server).batch(cycle).await {
        Err(Error::InvalidRequest(m)) => assert!(m.contains("cycle"), "{m}"),
        other => panic!("{other:?}"),
    }
    let mut unknown = Batch::new();
    unknown.add_after(get_item("1"), ["nope"]);
    match client(&server).batch(unknown).await {
        Err(Error::InvalidRequest(m)) => {
            assert!(m.contains("\"nope\", which is not in the batch"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    assert!(server
        .received_requests()
        .await
        .expect("recording is on")
        .is_empty());
}

#[tokio::test]
async fn a_failed_batch_item_is_its_own_typed_error_and_its_dependents_get_424() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.0/$batch"))
        .respond_with(|request: &wiremock::Request| {
            let responses: Vec<Value> = ids_of(&body_json(request))
                .iter()
                .map(|id| match id.as_str() {
                    "1" => json!({"id": "1", "status": 404, "headers": {"Content-Type": "application/json"},
                                  "body": {"error": {"code": "ResourceNotFound", "message": "no such configuration"}}}),
                    other => json!({"id": other, "status": 424, "body": {"error": {"code": "FailedDependency", "message": "dependency failed"}}}),
                })
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({ "responses": responses }))
        })
        .mount(&server)
        .await;
    let mut batch = Batch::new();
    let missing = batch.add(get_item("gone"));
    let after = batch.add_after(get_item("x"), [missing.id()]);
    let results = client(&server)
        .batch(batch)
        .await
        .expect("the batch itself succeeds");
    match results.get(&missing) {
        Err(Error::Service(e)) => {
            assert_eq!((e.status, e.code()), (404, Some("ResourceNotFound")));
            assert!(e.to_string().contains("no such configuration"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    match results.get(&after) {
        Err(Error::Service(e)) => assert_eq!(e.status, 424),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server
            .received_requests()
            .await
            .expect("recording is on")
            .len(),
        1
    );
}

// ---------- delta ----------

fn users_delta() -> Request<Collection<JsonObject>> {
    Request::new(Method::GET, PathBuilder::new("/users/delta"), parse_json)
}

#[tokio::test]
async fn delta_pages_surface_removed_items_end_with_the_delta_link_and_resume_from_it() {
    let server = MockServer::start().await;
    let base = format!("{}/v1.0", server.uri());
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta"))
        .and(query_param("$skiptoken", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [
                {"id": "u2", "@removed": {"reason": "deleted"}},
                {"id": "u3", "displayName": "Cy"}
            ],
            "@odata.deltaLink": format!("{base}/users/delta?$deltatoken=t1")
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta"))
        .and(query_param("$deltatoken", "t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "u1", "@removed": {"reason": "changed"}}],
            "@odata.deltaLink": format!("{base}/users/delta?$deltatoken=t2")
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "u1", "displayName": "Ann"}],
            "@odata.nextLink": format!("{base}/users/delta?$skiptoken=p2")
        })))
        .with_priority(10)
        .mount(&server)
        .await;

    let client = client(&server);
    let events: Vec<DeltaEvent<JsonObject>> = client
        .delta(users_delta().consistency_level_eventual())
        .try_collect()
        .await
        .expect("a full sync");
    assert_eq!(events.len(), 4);
    assert!(
        matches!(&events[0], DeltaEvent::Change(Change::Updated(u)) if u["displayName"] == "Ann")
    );
    match &events[1] {
        DeltaEvent::Change(Change::Removed(r)) => {
            assert_eq!(
                (r.id.as_deref(), r.reason.as_deref()),
                (Some("u2"), Some("deleted"))
            );
        }
        other => panic!("{other:?}"),
    }
    let DeltaEvent::Done(link) = &events[3] else {
        panic!("the last event is the delta link: {:?}", events[3]);
    };
    assert_eq!(link.token().as_deref(), Some("t1"));
    // The next page went with the first request's headers.
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(
        header_of(&received[1], "consistencylevel"),
        Some("eventual")
    );

    // The next sync, from the saved link: only what changed since.
    let saved = link.as_str().to_string();
    let events: Vec<DeltaEvent<JsonObject>> = client
        .delta_from(&saved)
        .try_collect()
        .await
        .expect("an incremental sync");
    assert!(
        matches!(&events[0], DeltaEvent::Change(Change::Removed(r)) if r.reason.as_deref() == Some("changed"))
    );
    assert!(matches!(&events[1], DeltaEvent::Done(l) if l.token().as_deref() == Some("t2")));
}

#[tokio::test]
async fn delta_links_to_another_origin_are_neither_followed_nor_resumed() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [],
            "@odata.nextLink": format!("{}/v1.0/users/delta?$skiptoken=x", elsewhere.uri())
        })))
        .mount(&server)
        .await;
    let client = client(&server);
    let outcome: Result<Vec<DeltaEvent<JsonObject>>, Error> =
        client.delta(users_delta()).try_collect().await;
    assert!(matches!(outcome, Err(Error::InvalidRequest(m)) if m.contains("not followed")));
    let resumed: Result<Vec<DeltaEvent<JsonObject>>, Error> = client
        .delta_from(&format!(
            "{}/v1.0/users/delta?$deltatoken=t",
            elsewhere.uri()
        ))
        .try_collect()
        .await;
    assert!(matches!(resumed, Err(Error::InvalidRequest(_))));
    assert!(elsewhere
        .received_requests()
        .await
        .expect("recording is on")
        .is_empty());
}

// ---------- large upload ----------

/// A storage host for the upload URL (another origin than Graph's), recording the
/// bytes it takes.
struct Storage {
    server: MockServer,
}

impl Storage {
    async fn start() -> Self {
        Self {
            server: MockServer::start().await,
        }
    }

    fn session(&self, ranges: &[&str]) -> UploadSession {
        UploadSession {
            upload_url: format!("{}/up/session1?sig=abc", self.server.uri()),
            expiration_date_time: Some("2030-01-01T00:00:00Z".to_string()),
            next_expected_ranges: ranges.iter().map(|r| r.to_string()).collect(),
        }
    }

    /// Accepts every slice: `202` with what is left, `201` with the item after the last.
    async fn accept_slices(&self) {
        Mock::given(method("PUT"))
            .and(path("/up/session1"))
            .respond_with(|request: &wiremock::Request| {
                let range = header_of(request, "content-range").unwrap_or_default();
                let (span, total) = range
                    .trim_start_matches("bytes ")
                    .split_once('/')
                    .expect("a Content-Range");
                let total: u64 = total.parse().expect("a total");
                let last: u64 = span
                    .split_once('-')
                    .expect("first-last")
                    .1
                    .parse()
                    .expect("a last byte");
                if last + 1 == total {
                    ResponseTemplate::new(201)
                        .set_body_json(json!({"id": "item1", "name": "big.bin", "size": total}))
                } else {
                    ResponseTemplate::new(202).set_body_json(json!({
                        "expirationDateTime": "2030-01-01T00:00:00Z",
                        "nextExpectedRanges": [format!("{}-", last + 1)]
                    }))
                }
            })
            .mount(&self.server)
            .await;
    }

    async fn requests(&self) -> Vec<wiremock::Request> {
        self.server
            .received_requests()
            .await
            .expect("recording is on")
    }
}

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn an_empty_file_is_refused_before_anything_is_sent() {
    let graph = MockServer::start().await;
    let storage = Storage::start().await;
    let outcome = client(&graph)
        .upload::<JsonObject, _>(&storage.session(&["0-"]), &Vec::new(), None, |_| {
            ControlFlow::Continue(())
        })
        .await;
    assert!(matches!(outcome, Err(Error::InvalidRequest(m)) if m.contains("empty file")));
    assert!(storage.requests().await.is_empty());
}

#[tokio::test]
async fn one_byte_and_exactly_one_slice_go_as_one_put_without_the_token() {
    for (len, slice, range) in [
        (1, None, "bytes 0-0/1".to_string()),
        (
            SLICE_UNIT as usize,
            Some(SLICE_UNIT),
            format!("bytes 0-{}/{}", SLICE_UNIT - 1, SLICE_UNIT),
        ),
    ] {
        let graph = MockServer::start().await;
        let storage = Storage::start().await;
        storage.accept_slices().await;
        let bytes = content(len);
        let mut seen = Vec::new();
        let uploaded = client(&graph)
            .upload::<JsonObject, _>(&storage.session(&["0-"]), &bytes, slice, |p| {
                seen.push(p.uploaded);
                ControlFlow::Continue(())
            })
            .await
            .expect("an upload");
        assert!(
            matches!(&uploaded, Uploaded::Done(item) if item["id"] == "item1"),
            "{uploaded:?}"
        );
        assert_eq!(seen, [len as u64]);
        let puts = storage.requests().await;
        assert_eq!(puts.len(), 1);
        assert_eq!(header_of(&puts[0], "content-range"), Some(range.as_str()));
        assert_eq!(puts[0].url.query(), Some("sig=abc"));
        assert_eq!(header_of(&puts[0], "authorization"), None);
        assert_eq!(puts[0].body, bytes);
        assert!(graph
            .received_requests()
            .await
            .expect("recording is on")
            .is_empty());
    }
}

#[tokio::test]
async fn three_slices_with_a_lost_one_resume_from_next_expected_ranges() {
    let graph = MockServer::start().await;
    let storage = Storage::start().await;
    let total = 3 * SLICE_UNIT - 100;
    let second = format!("bytes {}-{}/{total}", SLICE_UNIT, 2 * SLICE_UNIT - 1);
    // The second slice is lost once: the storage host fails.
    Mock::given(method("PUT"))
        .and(header("content-range", second.as_str()))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&storage.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/up/session1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "expirationDateTime": "2030-01-01T00:00:00Z",
            "nextExpectedRanges": [format!("{}-{}", SLICE_UNIT, total - 1)]
        })))
        .mount(&storage.server)
        .await;
    storage.accept_slices().await;

    let bytes = content(total as usize);
    let mut seen = Vec::new();
    let uploaded = client(&graph)
        .upload::<JsonObject, _>(&storage.session(&["0-"]), &bytes, Some(SLICE_UNIT), |p| {
            assert_eq!(p.total, total);
            seen.push(p.uploaded);
            ControlFlow::Continue(())
        })
        .await
        .expect("an upload");
    assert!(matches!(uploaded, Uploaded::Done(_)));
    assert_eq!(seen, [SLICE_UNIT, 2 * SLICE_UNIT, total]);

    let requests = storage.requests().await;
    let lines: Vec<String> = requests
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r.method,
                header_of(r, "content-range").unwrap_or("-")
            )
        })
        .collect();
    let first = format!("PUT bytes 0-{}/{total}", SLICE_UNIT - 1);
    let third = format!("PUT bytes {}-{}/{total}", 2 * SLICE_UNIT, total - 1);
    let second = format!("PUT {second}");
    assert_eq!(lines, [first.as_str(), &second, "GET -", &second, &third]);
    assert!(requests
        .iter()
        .all(|r| header_of(r, "authorization").is_none()));
    // The bytes the storage kept, in order, are the file.
    let kept: Vec<u8> = [0, 3, 4]
        .iter()
        .flat_map(|&i| requests[i].body.clone())
        .collect();
    assert_eq!(kept, bytes);
}

#[tokio::test]
async fn stopping_from_the_progress_callback_deletes_the_session() {
    let graph = MockServer::start().await;
    let storage = Storage::start().await;
    storage.accept_slices().await;
    Mock::given(method("DELETE"))
        .and(path("/up/session1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&storage.server)
        .await;
    let bytes = content(2 * SLICE_UNIT as usize);
    let uploaded = client(&graph)
        .upload::<JsonObject, _>(&storage.session(&["0-"]), &bytes, Some(SLICE_UNIT), |_| {
            ControlFlow::Break(())
        })
        .await
        .expect("a cancelled upload");
    assert_eq!(uploaded, Uploaded::Cancelled);
    let methods: Vec<String> = storage
        .requests()
        .await
        .iter()
        .map(|r| r.method.to_string())
        .collect();
    assert_eq!(methods, ["PUT", "DELETE"]);
}

// ---------- sign-in ----------

#[tokio::test]
async fn client_credentials_post_the_form_keep_the_token_and_refresh_it_before_expiry() {
    let login = MockServer::start().await;
    let graph = MockServer::start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    Mock::given(method("POST"))
        .and(path("/contoso/oauth2/v2.0/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=client_credentials"))
        .respond_with(move |_: &wiremock::Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            // Two seconds: refreshed half way through, after one.
            ResponseTemplate::new(200).set_body_json(json!({
                "token_type": "Bearer", "expires_in": 2, "access_token": format!("tok-{n}")
            }))
        })
        .mount(&login)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "c1"})))
        .mount(&graph)
        .await;

    let credentials = ClientCredentials::with_token_url(
        &format!("{}/contoso/oauth2/v2.0/token", login.uri()),
        "app-id",
        "https://graph.microsoft.com/.default",
        "s3cret&=",
    )
    .expect("a loopback token URL");
    assert!(!format!("{credentials:?}").contains("s3cret"));
    let client = Client::new(&format!("{}/v1.0", graph.uri()), credentials).expect("a client");
    client.send(get_item("c1")).await.expect("first");
    client
        .send(get_item("c1"))
        .await
        .expect("second, same token");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client
        .send(get_item("c1"))
        .await
        .expect("third, a new token");

    let tokens: Vec<String> = graph
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .map(|r| {
            header_of(r, "authorization")
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(tokens, ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
    let form = String::from_utf8(
        login.received_requests().await.expect("recording is on")[0]
            .body
            .clone(),
    )
    .expect("a text form");
    let pairs: Vec<(String, String)> = form
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("k=v");
            (k.to_string(), v.to_string())
        })
        .collect();
    let value = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(value("client_id"), Some("app-id"));
    assert_eq!(value("client_secret"), Some("s3cret%26%3D"));
    assert_eq!(
        value("scope"),
        Some("https%3A%2F%2Fgraph.microsoft.com%2F.default")
    );
    assert_eq!(issued.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_token_endpoint_error_is_a_sign_in_error_that_says_why_and_graph_gets_nothing() {
    let login = MockServer::start().await;
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
            "error_codes": [7000215],
            "trace_id": "trace-1",
            "correlation_id": "corr-1"
        })))
        .mount(&login)
        .await;
    let credentials = ClientCredentials::with_token_url(
        &format!("{}/contoso/oauth2/v2.0/token", login.uri()),
        "app-id",
        "https://graph.microsoft.com/.default",
        "wrong",
    )
    .expect("a loopback token URL");
    let client = Client::new(&format!("{}/v1.0", graph.uri()), credentials).expect("a client");
    let error = client.send(get_item("c1")).await.expect_err("no token");
    let text = error.to_string();
    assert!(
        text.contains("401: invalid_client: AADSTS7000215: Invalid client secret"),
        "{text}"
    );
    let Error::SignIn(source) = &error else {
        panic!("{error:?}");
    };
    let sign_in = source
        .downcast_ref::<SignInError>()
        .expect("the token endpoint's error");
    assert_eq!(sign_in.correlation_id.as_deref(), Some("corr-1"));
    assert!(graph
        .received_requests()
        .await
        .expect("recording is on")
        .is_empty());
}

#[test]
fn token_urls_must_be_https_or_loopback() {
    for url in [
        "http://login.example/t/oauth2/v2.0/token",
        "file:///etc/passwd",
        "nonsense",
    ] {
        assert!(
            ClientCredentials::with_token_url(url, "a", "s", "x").is_err(),
            "{url}"
        );
    }
}

// ---------- everyday settings ----------

#[tokio::test]
async fn every_request_has_a_client_request_id_kept_across_retries_and_the_sdk_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "c1"})))
        .mount(&server)
        .await;
    let client = client(&server);
    client.send(get_item("c1")).await.expect("after one retry");
    client.send(get_item("c1")).await.expect("another request");
    let received = server.received_requests().await.expect("recording is on");
    let ids: Vec<&str> = received
        .iter()
        .map(|r| header_of(r, "client-request-id").expect("a client-request-id"))
        .collect();
    assert_eq!(ids[0], ids[1], "one request, two attempts, one id");
    assert_ne!(ids[1], ids[2], "two requests, two ids");
    assert!(
        ids.iter()
            .all(|id| id.len() == 36 && id.matches('-').count() == 4),
        "{ids:?}"
    );
    for request in &received {
        assert_eq!(header_of(request, "user-agent"), Some(SDK_VERSION));
        assert_eq!(header_of(request, "sdkversion"), Some(SDK_VERSION));
    }
    // A request's own id and agent win.
    client
        .send(
            get_item("c1")
                .header("client-request-id", "mine")
                .header("User-Agent", "app/1"),
        )
        .await
        .expect("a request with its own headers");
    let last = server
        .received_requests()
        .await
        .expect("recording is on")
        .pop()
        .expect("one more");
    assert_eq!(header_of(&last, "client-request-id"), Some("mine"));
    assert_eq!(header_of(&last, "user-agent"), Some("app/1"));
}

#[tokio::test]
async fn timeouts_are_per_client_and_per_request_on_the_same_http_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "c1"}))
                .set_delay(Duration::from_millis(700)),
        )
        .mount(&server)
        .await;
    let client = client(&server)
        .with_retry(RetryPolicy::never())
        .with_timeout(Duration::from_millis(150));
    let started = Instant::now();
    match client.send(get_item("c1")).await {
        Err(Error::Transport(e)) => assert!(format!("{e:?}").contains("TimedOut"), "{e:?}"),
        other => panic!("expected a time-out, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_millis(650),
        "{:?}",
        started.elapsed()
    );
    let configuration = client
        .send(get_item("c1").timeout(Duration::from_secs(5)))
        .await
        .expect("the request's own, longer timeout");
    assert_eq!(configuration.get("id"), Some(&json!("c1").into()));
}

#[tokio::test]
async fn a_certificate_assertion_is_made_afresh_for_each_token_request() {
    let login = MockServer::start().await;
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains(
            "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer", "expires_in": 0, "access_token": "tok"
        })))
        .mount(&login)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "c1"})))
        .mount(&graph)
        .await;
    let made = Arc::new(AtomicUsize::new(0));
    let counter = made.clone();
    let credentials = ClientCredentials::with_assertion_at(
        &format!("{}/contoso/oauth2/v2.0/token", login.uri()),
        "app-id",
        "https://graph.microsoft.com/.default",
        move || {
            Ok(format!(
                "jwt-{}",
                counter.fetch_add(1, Ordering::SeqCst) + 1
            ))
        },
    )
    .expect("a loopback token URL");
    let client = Client::new(&format!("{}/v1.0", graph.uri()), credentials).expect("a client");
    // A token that expires at once: a new one, and a new assertion, for each request.
    client.send(get_item("c1")).await.expect("first");
    client.send(get_item("c1")).await.expect("second");
    let forms: Vec<String> = login
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert_eq!(forms.len(), 2);
    assert!(
        forms[0].contains("client_assertion=jwt-1") && forms[1].contains("client_assertion=jwt-2"),
        "{forms:?}"
    );
    assert!(
        forms.iter().all(|f| !f.contains("client_secret")),
        "{forms:?}"
    );
}
