use super::*;

#[test]
fn graph_errors_parse_and_non_json_errors_still_explain() {
    let body = br#"{"error":{"code":"itemNotFound","message":"gone","innerError":{"request-id":"r1","date":"2021-01-01T00:00:00"}}}"#;
    let e = ServiceError::new(404, vec![("request-id".into(), "r1".into())], body);
    assert_eq!(e.code(), Some("itemNotFound"));
    assert_eq!(
        e.error
            .as_ref()
            .unwrap()
            .inner_error
            .as_ref()
            .unwrap()
            .request_id
            .as_deref(),
        Some("r1")
    );
    assert_eq!(e.header("Request-Id"), Some("r1"));
    let html = ServiceError::new(502, Vec::new(), b"<html>Bad gateway</html>");
    assert!(html.error.is_none());
    assert!(html.to_string().contains("Bad gateway"));
}
