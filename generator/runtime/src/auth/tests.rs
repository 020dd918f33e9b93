use super::*;

#[test]
fn clouds_set_host_authority_and_scope_together() {
    assert_eq!(Cloud::Global.graph_v1(), "https://graph.microsoft.com/v1.0");
    assert_eq!(
        Cloud::UsGovernmentDod.default_scope(),
        "https://dod-graph.microsoft.us/.default"
    );
    assert_eq!(
        Cloud::UsGovernment.authority(),
        Cloud::UsGovernmentDod.authority()
    );
    assert_eq!(
        Cloud::China.token_url("contoso.onmicrosoft.com"),
        "https://login.chinacloudapi.cn/contoso.onmicrosoft.com/oauth2/v2.0/token"
    );
    assert_eq!(
        token_url("https://x/", "a/b"),
        "https://x/a%2Fb/oauth2/v2.0/token"
    );
    for cloud in Cloud::ALL {
        assert!(cloud.default_scope().starts_with(cloud.graph_host()));
    }
}

#[test]
fn the_form_is_the_client_credentials_grant_and_debug_hides_the_secret() {
    let request = TokenRequest {
        client_id: "app".into(),
        scope: Cloud::Global.default_scope(),
        credential: ClientCredential::Secret("s&cr=t".into()),
    };
    assert_eq!(
        request.form(),
        "client_id=app&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&grant_type=client_credentials&client_secret=s%26cr%3Dt"
    );
    assert!(!format!("{request:?}").contains("s&cr"));
}

#[test]
fn answers_become_tokens_or_errors_that_say_why() {
    let token = Token::parse(
        200,
        br#"{"token_type":"Bearer","expires_in":3599,"access_token":"eyJ"}"#,
    )
    .unwrap();
    assert_eq!(token.expires_in, Duration::from_secs(3599));
    assert!(!format!("{token:?}").contains("eyJ"));
    let body = br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","trace_id":"t","correlation_id":"c"}"#;
    let e = Token::parse(401, body).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the token endpoint answered 401: invalid_client: AADSTS7000215: Invalid client secret provided."
    );
    assert_eq!(e.correlation_id.as_deref(), Some("c"));
    let html = Token::parse(502, b"<html>Bad gateway</html>").unwrap_err();
    assert!(html.to_string().contains("Bad gateway"), "{html}");
    assert!(Token::parse(200, b"{}").is_err());
}
