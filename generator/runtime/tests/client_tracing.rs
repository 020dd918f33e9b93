//! What the client records with `tracing`: method, path template, attempt and status of
//! each request, and never the token, the path's values or the body. Its own test
//! binary, so that no other test's dispatcher is in the way.

mod common;

use common::capture::Capture;
use common::patch_device_management_device_configurations_device_status_overview as patch_overview;
use common::{Counts, DeviceConfigurationDeviceOverview};
use graph_runtime::client::{Client, StaticToken};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn spans_have_method_path_template_attempt_and_status_and_no_secrets() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "o1"})))
        .mount(&server)
        .await;
    let client = Client::new(
        &format!("{}/v1.0", server.uri()),
        StaticToken::new("t0k-SECRET"),
    )
    .expect("a loopback base URL");
    let mut overview = DeviceConfigurationDeviceOverview::new();
    overview.set_pending_count(4242);
    client
        .send(patch_overview("alice@contoso.com", &overview))
        .await
        .expect("after one retry");

    let text = capture.text();
    assert!(text.contains("span graph.request method=PATCH path=\"/deviceManagement/deviceConfigurations/{}/deviceStatusOverview\""), "{text}");
    for wanted in [
        "attempt=1",
        "status=503",
        "attempt=2",
        "status=200",
        "message=retrying",
        "message=response",
    ] {
        assert!(text.contains(wanted), "{wanted} in {text}");
    }
    for secret in ["t0k-SECRET", "alice", "4242", "pendingCount"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}
