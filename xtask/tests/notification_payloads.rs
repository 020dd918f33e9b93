//! The example payloads of the change-notification pages in `specs/docs` parse into the
//! generated models with every member typed, and the runtime's receiver takes each
//! delivery the way a webhook does.

use graph_client::enums::{ChangeType, LifecycleEventType};
use graph_client::models::{
    ChangeNotification, ChangeNotificationCollection, ChangeNotificationEncryptedContent,
};
use graph_client::notifications::{Receiver, Reception};
use std::path::Path;

/// The JSON blocks of a page's `## Example` or `## Examples` section.
fn examples(page: &str) -> Vec<serde_json::Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs/docs/resources")
        .join(page);
    let text = std::fs::read_to_string(&path).expect("the page");
    let section = text
        .split_once("\n## Example")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("{page} has no Examples section"));
    let blocks: Vec<serde_json::Value> = section
        .split("```json\n")
        .skip(1)
        .filter_map(|block| block.split_once("\n```").map(|(json, _)| json))
        .map(|json| serde_json::from_str(json).unwrap_or_else(|e| panic!("{page}: {e}")))
        .collect();
    assert!(!blocks.is_empty(), "{page} has no JSON examples");
    blocks
}

/// Every member a notification carries is typed: the enums known, the ids GUIDs.
fn check_notification(notification: &ChangeNotification, page: &str) {
    assert!(
        notification.subscription_id().is_some(),
        "{page}: subscriptionId"
    );
    assert!(notification.tenant_id().is_some(), "{page}: tenantId");
    match (notification.change_type(), notification.lifecycle_event()) {
        (Some(ChangeType::Unrecognized(v)), _) => panic!("{page}: changeType {v}"),
        (_, Some(LifecycleEventType::Unrecognized(v))) => panic!("{page}: lifecycleEvent {v}"),
        (None, None) => panic!("{page}: neither a change nor a lifecycle event"),
        // A change names its resource; a lifecycle event concerns the subscription.
        (Some(_), _) => assert!(notification.resource().is_some(), "{page}: resource"),
        _ => {}
    }
    if let Some(content) = notification.encrypted_content() {
        check_content(content, page);
    }
}

fn check_content(content: &ChangeNotificationEncryptedContent, page: &str) {
    for (name, value) in [
        ("data", content.data()),
        ("dataKey", content.data_key()),
        ("dataSignature", content.data_signature()),
        (
            "encryptionCertificateId",
            content.encryption_certificate_id(),
        ),
    ] {
        assert!(value.is_some_and(|v| !v.is_empty()), "{page}: {name}");
    }
}

#[test]
fn collections_parse_into_the_models_and_through_the_receiver() {
    let page = "changenotificationcollection.md";
    let mut changes = 0;
    let mut lifecycle = 0;
    for json in examples(page) {
        let collection: ChangeNotificationCollection =
            serde_json::from_value(json.clone()).expect("a collection");
        let notifications = collection.value().expect("value");
        assert!(!notifications.is_empty());
        let mut receiver = Receiver::new();
        for n in &notifications {
            check_notification(n, page);
            let id = n
                .subscription_id()
                .map(|u| u.to_string())
                .unwrap_or_default();
            receiver.register(&id, n.client_state().unwrap_or_default());
        }
        let body = serde_json::to_vec(&json).expect("JSON");
        let Ok(Reception::Notifications(received)) = receiver.receive("", &body) else {
            panic!("{page}: the receiver refused an example");
        };
        assert_eq!(
            received.changes.len() + received.lifecycle.len(),
            notifications.len()
        );
        let tokens = collection.validation_tokens().unwrap_or_default();
        assert_eq!(received.validation_tokens, tokens);
        changes += received.changes.len();
        lifecycle += received.lifecycle.len();
    }
    assert!(
        changes > 0 && lifecycle > 0,
        "{changes} changes, {lifecycle} events"
    );
}

#[test]
fn single_notifications_and_encrypted_content_parse_into_the_models() {
    for json in examples("changenotification.md") {
        let notification: ChangeNotification =
            serde_json::from_value(json).expect("a notification");
        check_notification(&notification, "changenotification.md");
    }
    for json in examples("changenotificationencryptedcontent.md") {
        let content: ChangeNotificationEncryptedContent =
            serde_json::from_value(json).expect("encrypted content");
        check_content(&content, "changenotificationencryptedcontent.md");
    }
}
