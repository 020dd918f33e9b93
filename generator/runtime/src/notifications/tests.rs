use super::*;
use serde_json::json;

fn receiver() -> Receiver {
    let mut r = Receiver::with_window(3);
    r.register("sub-1", "secret-1")
        .register("sub-2", "secret-2");
    r
}

fn delivery(items: Vec<Json>) -> Vec<u8> {
    serde_json::to_vec(&json!({ "value": items })).expect("JSON")
}

fn change(id: &str, subscription: &str, secret: &str, change_type: &str) -> Json {
    json!({
        "id": id,
        "subscriptionId": subscription,
        "clientState": secret,
        "changeType": change_type,
        "resource": "Users/8a1c",
        "resourceData": { "@odata.type": "#Microsoft.Graph.User", "id": "8a1c" },
        "tenantId": "tenant-1",
    })
}

#[test]
fn the_handshake_answers_the_decoded_token() {
    let mut r = receiver();
    let answer = r
        .receive(
            "validationToken=Validation%3A+Testing+client+application",
            b"",
        )
        .expect("a handshake");
    assert_eq!(
        answer,
        Reception::Handshake("Validation: Testing client application".to_string())
    );
    let long = "a".repeat(MAX_VALIDATION_TOKEN + 1);
    assert_eq!(
        r.receive(&format!("validationToken={long}"), b""),
        Err(NotificationError::TokenTooLong(MAX_VALIDATION_TOKEN + 1))
    );
    assert_eq!(
        r.receive("validationToken=%FF%FE", b""),
        Err(NotificationError::TokenNotDecodable)
    );
}

#[test]
fn changes_and_lifecycle_events_come_apart_and_repeats_are_marked() {
    let mut r = receiver();
    let lifecycle = json!({
        "subscriptionId": "sub-2",
        "clientState": "secret-2",
        "lifecycleEvent": "reauthorizationRequired",
        "subscriptionExpirationDateTime": "2026-12-07T10:00:00+00:00",
    });
    let body = delivery(vec![
        change("n1", "sub-1", "secret-1", "updated"),
        lifecycle,
    ]);
    let Ok(Reception::Notifications(first)) = r.receive("", &body) else {
        panic!("notifications");
    };
    assert_eq!(first.changes.len(), 1);
    assert_eq!(first.changes[0].change_type, "updated");
    assert_eq!(first.changes[0].resource, "Users/8a1c");
    assert!(!first.changes[0].repeated);
    assert_eq!(
        first.lifecycle[0].event,
        LifecycleEvent::ReauthorizationRequired
    );
    assert!(first.lifecycle[0].subscription_expiration.is_some());
    // Graph delivers again: the same notifications are marked as repeats.
    let Ok(Reception::Notifications(again)) = r.receive("", &body) else {
        panic!("notifications");
    };
    assert!(again.changes[0].repeated && again.lifecycle[0].repeated);
    // The window is bounded: three newer deliveries push the first out.
    for id in ["n2", "n3", "n4"] {
        let body = delivery(vec![change(id, "sub-1", "secret-1", "updated")]);
        assert!(r.receive("", &body).is_ok());
    }
    let body = delivery(vec![change("n1", "sub-1", "secret-1", "updated")]);
    let Ok(Reception::Notifications(old)) = r.receive("", &body) else {
        panic!("notifications");
    };
    assert!(!old.changes[0].repeated);
}

#[test]
fn a_wrong_secret_or_an_unknown_subscription_is_an_error_naming_it() {
    let mut r = receiver();
    let body = delivery(vec![
        change("n1", "sub-1", "secret-1", "created"),
        change("n2", "sub-2", "forged", "created"),
    ]);
    assert_eq!(
        r.receive("", &body),
        Err(NotificationError::ClientState {
            subscription_id: "sub-2".into()
        })
    );
    // Nothing of a refused delivery was taken: the good one is new next time.
    let body = delivery(vec![change("n1", "sub-1", "secret-1", "created")]);
    let Ok(Reception::Notifications(n)) = r.receive("", &body) else {
        panic!("notifications");
    };
    assert!(!n.changes[0].repeated);
    let unknown = delivery(vec![change("n9", "sub-9", "x", "created")]);
    let error = r.receive("", &unknown).expect_err("unknown");
    assert!(error.to_string().contains("sub-9"), "{error}");
    assert!(matches!(
        r.receive("", b"{\"value\": 3}"),
        Err(NotificationError::Malformed(_))
    ));
    assert!(matches!(
        r.receive("", b"<html>"),
        Err(NotificationError::Malformed(_))
    ));
}

#[test]
fn renewals_are_due_within_the_margin() {
    let at = |t: &str| DateTime::parse_from_rfc3339(t).expect("a date-time");
    let now = at("2026-12-06T12:00:00Z");
    let subscriptions = [
        ("soon", at("2026-12-06T12:30:00Z")),
        ("later", at("2026-12-08T12:00:00Z")),
        ("expired", at("2026-12-06T11:00:00Z")),
    ];
    assert_eq!(
        renewals_due(subscriptions, now, Duration::hours(1)),
        ["soon", "expired"]
    );
}
