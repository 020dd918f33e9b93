//! The generated client used as a downstream crate would use it, on the seed operation:
//! `PATCH /deviceManagement/deviceConfigurations/{deviceConfigurationId}/deviceStatusOverview`.

use chrono::DateTime;
use graph_client::models::DeviceConfigurationDeviceOverview;
use graph_client::operations::patch_device_management_device_configurations_device_status_overview as patch_overview;
use graph_client::runtime::Method;
use graph_client::{Error, Graph, View};
use serde_json::json;

/// The example request body of the update page.
fn doc_request_body() -> serde_json::Value {
    json!({
        "@odata.type": "#microsoft.graph.deviceConfigurationDeviceOverview",
        "pendingCount": 12,
        "notApplicableCount": 2,
        "successCount": 12,
        "errorCount": 10,
        "failedCount": 11,
        "lastUpdateDateTime": "2016-12-31T23:58:21.6459442-08:00",
        "configurationVersion": 4
    })
}

#[test]
fn patch_request_matches_the_doc_example() {
    let mut overview = DeviceConfigurationDeviceOverview::new();
    overview
        .set_pending_count(12)
        .set_not_applicable_count(2)
        .set_success_count(12)
        .set_error_count(10)
        .set_failed_count(11)
        .set_last_update_date_time(
            DateTime::parse_from_rfc3339("2016-12-31T23:58:21.6459442-08:00").unwrap(),
        )
        .set_configuration_version(4);

    let request = patch_overview("X", &overview);

    assert_eq!(request.method(), &Method::PATCH);
    assert_eq!(
        request.path(),
        "/deviceManagement/deviceConfigurations/X/deviceStatusOverview"
    );
    assert_eq!(
        request.header_value("content-type"),
        Some("application/json")
    );
    assert_eq!(request.body_json(), Some(doc_request_body()));
    // Byte-for-byte too: member order and the seven fraction digits survive.
    assert_eq!(
        String::from_utf8(request.body().unwrap().to_vec()).unwrap(),
        serde_json::to_string(&doc_request_body()).unwrap()
    );
}

/// The builders reach the same request by the path of the request line.
#[test]
fn the_builder_form_builds_the_same_request() {
    let mut overview = DeviceConfigurationDeviceOverview::new();
    overview.set_pending_count(12).set_failed_count(11);
    let graph = Graph;
    let built = graph
        .device_management()
        .device_configurations()
        .by_id("X")
        .device_status_overview()
        .update(&overview);
    let request = patch_overview("X", &overview);
    assert_eq!(built.method(), &Method::PATCH);
    assert_eq!(built.path_and_query(), request.path_and_query());
    assert_eq!(built.body(), request.body());
    // A value is one segment, as in the function.
    let odd = graph
        .device_management()
        .device_configurations()
        .by_id("a/b?c")
        .get();
    assert_eq!(
        odd.path(),
        "/deviceManagement/deviceConfigurations/a%2Fb%3Fc"
    );
}

#[test]
fn doc_response_parses_into_the_typed_model() {
    let body = br##"{
        "@odata.type": "#microsoft.graph.deviceConfigurationDeviceOverview",
        "id": "62d48e3a-8e3a-62d4-3a8e-d4623a8ed462",
        "pendingCount": 12,
        "notApplicableCount": 2,
        "successCount": 12,
        "errorCount": 10,
        "failedCount": 11,
        "lastUpdateDateTime": "2016-12-31T23:58:21.6459442-08:00",
        "configurationVersion": 4
    }"##;
    let request = patch_overview("X", &DeviceConfigurationDeviceOverview::new());
    let overview = request.parse_response(200, body).unwrap();

    assert_eq!(overview.id(), Some("62d48e3a-8e3a-62d4-3a8e-d4623a8ed462"));
    assert_eq!(overview.pending_count(), Some(12));
    assert_eq!(overview.not_applicable_count(), Some(2));
    assert_eq!(overview.success_count(), Some(12));
    assert_eq!(overview.error_count(), Some(10));
    assert_eq!(overview.failed_count(), Some(11));
    assert_eq!(
        overview.last_update_date_time(),
        Some(DateTime::parse_from_rfc3339("2016-12-31T23:58:21.6459442-08:00").unwrap())
    );
    assert_eq!(overview.configuration_version(), Some(4));
    assert_eq!(
        overview.odata_type(),
        Some("#microsoft.graph.deviceConfigurationDeviceOverview")
    );
    // Lossless: serializing gives back the example.
    let original: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(serde_json::to_value(&overview).unwrap(), original);
}

#[test]
fn path_parameters_cannot_change_the_path() {
    let request = patch_overview("a/b?c#d", &DeviceConfigurationDeviceOverview::new());
    assert_eq!(
        request.path(),
        "/deviceManagement/deviceConfigurations/a%2Fb%3Fc%23d/deviceStatusOverview"
    );
    let request = patch_overview("..", &DeviceConfigurationDeviceOverview::new());
    assert!(matches!(
        request.to_http("https://graph.microsoft.com/v1.0"),
        Err(Error::InvalidRequest(_))
    ));
}

#[test]
fn patch_bodies_say_absent_null_or_value() {
    let mut overview = DeviceConfigurationDeviceOverview::default();
    overview.set_pending_count(1).set_null("errorCount");
    let request = patch_overview("X", &overview);
    assert_eq!(
        request.body_json(),
        Some(json!({"pendingCount": 1, "errorCount": null}))
    );
    overview.remove("pendingCount");
    assert_eq!(
        serde_json::to_value(&overview).unwrap(),
        json!({"errorCount": null})
    );
}

#[test]
fn graph_errors_become_typed_errors() {
    let request = patch_overview("X", &DeviceConfigurationDeviceOverview::new());
    let body = br#"{"error":{"code":"ResourceNotFound","message":"No such configuration","innerError":{"request-id":"abc","date":"2021-07-16T10:00:00"}}}"#;
    match request.parse_response(404, body) {
        Err(Error::Service(e)) => {
            assert_eq!(e.status, 404);
            assert_eq!(e.code(), Some("ResourceNotFound"));
            let inner = e
                .error
                .as_ref()
                .and_then(|g| g.inner_error.as_ref())
                .unwrap();
            assert_eq!(inner.request_id.as_deref(), Some("abc"));
        }
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[test]
fn query_options_and_documented_headers_are_typed() {
    use graph_client::ODataQuery;
    use graph_client::operations::get_device_management_device_configurations;
    let request = get_device_management_device_configurations()
        .query(
            &ODataQuery::new()
                .select(["id", "displayName"])
                .top(2)
                .count(true),
        )
        .consistency_level_eventual()
        .prefer("odata.maxpagesize=2");
    assert_eq!(
        request.path_and_query(),
        "/deviceManagement/deviceConfigurations?$select=id,displayName&$top=2&$count=true"
    );
    assert_eq!(request.header_value("ConsistencyLevel"), Some("eventual"));
    assert_eq!(request.header_value("prefer"), Some("odata.maxpagesize=2"));
}

#[test]
fn list_responses_dispatch_on_the_odata_type() {
    use graph_client::models::DeviceConfigurationKind;
    use graph_client::operations::get_device_management_device_configurations;
    let body = br##"{"value": [
        {"@odata.type": "#microsoft.graph.windows10GeneralConfiguration", "id": "w", "displayName": "Win"},
        {"@odata.type": "#microsoft.graph.iosGeneralDeviceConfiguration", "id": "i"},
        {"@odata.type": "#microsoft.graph.somethingNewer", "id": "n", "extra": 1}
    ], "@odata.nextLink": "https://graph.microsoft.com/v1.0/next"}"##;
    let page = get_device_management_device_configurations()
        .parse_response(200, body)
        .unwrap();
    assert_eq!(
        page.next_link.as_deref(),
        Some("https://graph.microsoft.com/v1.0/next")
    );
    let kinds: Vec<&str> = page
        .value
        .iter()
        .map(|c| match c.kind() {
            DeviceConfigurationKind::Windows10GeneralConfiguration(w) => {
                // Inherited getters work on the derived view.
                assert_eq!(w.display_name(), Some("Win"));
                "windows"
            }
            DeviceConfigurationKind::IosGeneralDeviceConfiguration(_) => "ios",
            DeviceConfigurationKind::Other(other) => {
                // An unknown tag falls back to the base type, keeping everything.
                assert_eq!(other.get("extra"), Some(&json!(1).into()));
                "other"
            }
        })
        .collect();
    assert_eq!(kinds, ["windows", "ios", "other"]);
}

#[test]
fn enums_keep_values_they_do_not_know() {
    use graph_client::enums::ComplianceStatus;
    assert_eq!(
        ComplianceStatus::from("compliant"),
        ComplianceStatus::Compliant
    );
    let newer = ComplianceStatus::from("quarantined");
    assert_eq!(newer, ComplianceStatus::Unrecognized("quarantined".into()));
    assert_eq!(serde_json::to_value(&newer).unwrap(), json!("quarantined"));
}

#[test]
fn derived_views_write_through_their_bases() {
    use graph_client::models::Windows10GeneralConfiguration;
    let mut config = Windows10GeneralConfiguration::new();
    // `set_display_name` is deviceConfiguration's, `set_id` entity's, two bases up.
    config.set_display_name("Win").set_id("c1");
    assert_eq!(config.id(), Some("c1"));
    assert_eq!(config.display_name(), Some("Win"));
    assert_eq!(
        config.get("@odata.type"),
        Some(&json!("#microsoft.graph.windows10GeneralConfiguration").into())
    );
}

#[test]
fn a_chain_of_setters_keeps_the_derived_type() {
    use graph_client::models::Windows10GeneralConfiguration;
    use graph_client::operations::post_device_management_device_configurations;
    use graph_client::prelude::*;
    let mut config = Windows10GeneralConfiguration::new();
    // A base's setter (`displayName`, `id`) then the derived type's own, in one chain.
    config
        .set_display_name("Win")
        .set_password_required(true)
        .set_id("c1")
        .set_password_minimum_length(8);
    assert_eq!(config.display_name(), Some("Win"));
    assert_eq!(config.password_required(), Some(true));
    assert_eq!(config.password_minimum_length(), Some(8));
    // The create takes the base type; the derived view coerces to it, tag included.
    let request = post_device_management_device_configurations(&config);
    let body: serde_json::Value = serde_json::from_slice(
        &request
            .to_http("https://graph.microsoft.com/v1.0")
            .unwrap()
            .into_body(),
    )
    .unwrap();
    assert_eq!(
        body["@odata.type"],
        json!("#microsoft.graph.windows10GeneralConfiguration")
    );
    assert_eq!(body["passwordRequired"], json!(true));
}
