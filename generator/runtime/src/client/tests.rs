use super::*;

#[cfg(feature = "client")]
#[test]
fn base_urls_must_keep_the_token_off_plain_networks() {
    assert!(Client::new("https://graph.microsoft.com/v1.0/", StaticToken::new("t")).is_ok());
    assert!(Client::new("http://127.0.0.1:8080/v1.0", StaticToken::new("t")).is_ok());
    assert!(Client::new("http://[::1]:8080", StaticToken::new("t")).is_ok());
    assert!(Client::new("http://localhost/beta", StaticToken::new("t")).is_ok());
    assert!(Client::new("http://graph.microsoft.com/v1.0", StaticToken::new("t")).is_err());
    assert!(Client::new("ftp://127.0.0.1/", StaticToken::new("t")).is_err());
    assert!(Client::new(
        "https://graph.microsoft.com/v1.0?x=1",
        StaticToken::new("t")
    )
    .is_err());
    assert!(Client::new("not a url", StaticToken::new("t")).is_err());
    let client = Client::new(
        "https://graph.microsoft.com/v1.0/",
        StaticToken::new("secret"),
    )
    .unwrap();
    assert_eq!(client.base_url(), "https://graph.microsoft.com/v1.0");
    assert!(!format!("{client:?}").contains("secret"));
    assert!(!format!("{:?}", StaticToken::new("secret")).contains("secret"));
}

#[cfg(not(feature = "client"))]
#[test]
fn a_client_without_a_cryptography_provider_is_an_error_not_a_panic() {
    let error = Client::new(GRAPH_V1, StaticToken::new("t")).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("no rustls cryptography provider"),
        "{error}"
    );
    assert!(ClientCredentials::new(Cloud::Global, "contoso.com", "app", "s").is_err());
}

#[cfg(feature = "azure-identity")]
#[test]
fn azure_credentials_are_asked_for_the_clouds_default_scope() {
    use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
    use std::sync::Mutex;

    #[derive(Debug, Default)]
    struct Fake(Mutex<Vec<String>>);

    impl TokenCredential for Fake {
        fn get_token<'life0, 'life1, 'life2, 'life3, 'async_trait>(
            &'life0 self,
            scopes: &'life1 [&'life2 str],
            _: Option<TokenRequestOptions<'life3>>,
        ) -> Pin<Box<dyn Future<Output = azure_core::Result<AccessToken>> + Send + 'async_trait>>
        where
            'life0: 'async_trait,
            'life1: 'async_trait,
            'life2: 'async_trait,
            'life3: 'async_trait,
            Self: 'async_trait,
        {
            if let Ok(mut asked) = self.0.lock() {
                asked.extend(scopes.iter().map(|s| s.to_string()));
            }
            let expires =
                azure_core::time::OffsetDateTime::now_utc() + azure_core::time::Duration::hours(1);
            Box::pin(async move { Ok(AccessToken::new("from-azure".to_string(), expires)) })
        }
    }

    let fake = Arc::new(Fake::default());
    let tokens = AzureCredential::new(fake.clone(), Cloud::China);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(runtime.block_on(tokens.token()).unwrap(), "from-azure");
    assert_eq!(
        *fake.0.lock().unwrap(),
        ["https://microsoftgraph.chinacloudapi.cn/.default"]
    );
    assert!(!format!("{tokens:?}").contains("from-azure"));
}

#[test]
fn origins_compare_scheme_host_and_port() {
    let base = Url::parse("https://graph.microsoft.com/v1.0").unwrap();
    let same = Url::parse("https://graph.microsoft.com:443/v1.0/users?$skiptoken=x").unwrap();
    assert!(same_origin(&same, &base));
    for other in [
        "http://graph.microsoft.com/v1.0",
        "https://graph.microsoft.com:8443/v1.0",
        "https://graph.microsoft.com.evil.example/v1.0",
        "https://evil.example/v1.0",
    ] {
        assert!(!same_origin(&Url::parse(other).unwrap(), &base), "{other}");
    }
}
