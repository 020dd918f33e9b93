use super::*;
use crate::{parse_json, PathBuilder};

fn get(path: &str) -> Request<Value> {
    Request::new(Method::GET, PathBuilder::new(path), parse_json)
}

fn ids(round: &Round) -> Vec<&str> {
    round.ids.iter().map(String::as_str).collect()
}

fn answer(round: &Round, status: impl Fn(&str) -> (u16, Option<&'static str>)) -> Vec<u8> {
    let responses: Vec<Value> = round
        .ids
        .iter()
        .map(|id| {
            let (code, retry_after) = status(id);
            let mut headers = serde_json::json!({"Content-Type": "application/json"});
            if let Some(r) = retry_after {
                headers["Retry-After"] = Value::String(r.to_string());
            }
            serde_json::json!({"id": id, "status": code, "headers": headers, "body": {"id": id}})
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "responses": responses })).unwrap()
}

#[test]
fn checks_ids_dependencies_and_cycles_before_anything_is_sent() {
    let mut batch = Batch::new();
    batch.add_with_id("a", get("/a"), ["b"]);
    batch.add_with_id("b", get("/b"), ["c"]);
    batch.add_with_id("c", get("/c"), ["a"]);
    let e = batch.start(RetryPolicy::default()).unwrap_err().to_string();
    assert!(
        e.contains(r#""a" depends on "b" depends on "c" depends on "a""#),
        "{e}"
    );

    let mut batch = Batch::new();
    batch.add_after(get("/a"), ["9"]);
    let e = batch.start(RetryPolicy::default()).unwrap_err().to_string();
    assert!(
        e.contains(r#"depends on "9", which is not in the batch"#),
        "{e}"
    );

    let mut batch = Batch::new();
    batch.add_with_id("x", get("/a"), None::<&str>);
    batch.add_with_id("x", get("/b"), None::<&str>);
    assert!(batch
        .start(RetryPolicy::default())
        .unwrap_err()
        .to_string()
        .contains("used twice"));

    let mut batch = Batch::new();
    batch.add(Request::<Value>::new(
        Method::GET,
        PathBuilder::new("/users/").segment(".."),
        parse_json,
    ));
    assert!(batch
        .start(RetryPolicy::default())
        .unwrap_err()
        .to_string()
        .contains("would change the request path"));
}

#[test]
fn rounds_hold_twenty_items_and_keep_dependencies_in_order() {
    let mut batch = Batch::new();
    // Added before what it depends on: sent after it.
    batch.add_with_id("late", get("/late"), ["first"]);
    batch.add_with_id("first", get("/first"), None::<&str>);
    for n in 0..43 {
        batch.add(get(&format!("/n{n}")));
    }
    let mut run = batch.start(RetryPolicy::never()).unwrap();
    let first = run.next_round().unwrap();
    assert_eq!(first.ids.len(), 20);
    assert_eq!(&ids(&first)[..2], ["first", "late"]);
    let body: Value = serde_json::from_slice(&first.body).unwrap();
    assert_eq!(
        body["requests"][1]["dependsOn"],
        serde_json::json!(["first"])
    );
    assert_eq!(body["requests"][1]["url"], "/late");
    assert!(body["requests"][0].get("dependsOn").is_none());
    run.receive(&answer(&first, |_| (200, None))).unwrap();
    let second = run.next_round().unwrap();
    run.receive(&answer(&second, |_| (200, None))).unwrap();
    let third = run.next_round().unwrap();
    assert_eq!((second.ids.len(), third.ids.len()), (20, 5));
    run.receive(&answer(&third, |_| (200, None))).unwrap();
    assert!(run.next_round().is_none());
    assert_eq!(run.finish().len(), 45);
}

#[test]
fn throttled_items_go_again_with_their_dependents_after_their_retry_after() {
    let mut batch = Batch::new();
    let a = batch.add(get("/a"));
    let b = batch.add_after(get("/b"), [a.id()]);
    let c = batch.add(get("/c"));
    let mut run = batch.start(RetryPolicy::default()).unwrap();
    let first = run.next_round().unwrap();
    run.receive(&answer(&first, |id| match id {
        "1" => (429, Some("2")),
        "2" => (424, None),
        _ => (200, None),
    }))
    .unwrap();
    let again = run.next_round().unwrap();
    assert_eq!(ids(&again), ["1", "2"]);
    assert_eq!(again.wait, Duration::from_secs(2));
    let body: Value = serde_json::from_slice(&again.body).unwrap();
    assert_eq!(body["requests"][1]["dependsOn"], serde_json::json!(["1"]));
    run.receive(&answer(&again, |_| (200, None))).unwrap();
    assert!(run.next_round().is_none());
    let results = run.finish();
    for handle in [&a, &b, &c] {
        assert_eq!(results.get(handle).unwrap()["id"], handle.id());
    }
}

#[test]
fn a_dependency_failed_in_an_earlier_round_fails_its_dependents_unsent() {
    let mut batch = Batch::new();
    let first = batch.add(get("/0"));
    for n in 1..20 {
        batch.add(get(&format!("/{n}")));
    }
    let late = batch.add_after(get("/late"), [first.id()]);
    let mut run = batch.start(RetryPolicy::never()).unwrap();
    let round = run.next_round().unwrap();
    assert!(!round.ids.contains(&late.id().to_string()));
    run.receive(&answer(&round, |id| {
        if id == "1" {
            (404, None)
        } else {
            (200, None)
        }
    }))
    .unwrap();
    assert!(run.next_round().is_none());
    let results = run.finish();
    match results.get(&late) {
        Err(Error::Service(e)) => assert_eq!((e.status, e.code()), (424, Some("failedDependency"))),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bodies_are_json_or_base64_and_an_unanswered_item_is_an_error() {
    let mut batch = Batch::new();
    let mut body = Map::new();
    body.insert("city".to_string(), Value::String("Redmond".to_string()));
    batch
        .add(Request::<Value>::new(Method::PATCH, PathBuilder::new("/me"), parse_json).json(&body));
    batch.add(
        Request::<Value>::new(Method::PUT, PathBuilder::new("/x"), parse_json)
            .bytes("text/plain", b"hi".to_vec()),
    );
    let mut run = batch.start(RetryPolicy::never()).unwrap();
    let round = run.next_round().unwrap();
    let wire: Value = serde_json::from_slice(&round.body).unwrap();
    assert_eq!(
        wire["requests"][0]["body"],
        serde_json::json!({"city": "Redmond"})
    );
    assert_eq!(
        wire["requests"][0]["headers"]["Content-Type"],
        "application/json"
    );
    assert_eq!(wire["requests"][1]["body"], "aGk=");
    let partial = br#"{"responses":[{"id":"1","status":204}]}"#;
    let e = run.receive(partial).unwrap_err();
    assert!(
        matches!(&e, Error::Protocol(m) if m.ends_with("item 2")),
        "{e}"
    );
}
