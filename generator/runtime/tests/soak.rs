//! The client under a mix of faults, every workflow at once: paging a 5,000-item
//! collection, delta over a changing state (through a `410`), batches of 50 items with
//! dependencies, uploads of 1 to 8 MiB, and PATCHes whose final state is checked, on
//! several tasks against one fake Graph that injects faults into more than a tenth of
//! the requests. Tokio's clock is paused, so that `Retry-After` and time-outs pass at
//! once. It prints its counts (`cargo test --test soak -- --nocapture`).

mod common;

use common::capture::Capture;
use futures_util::TryStreamExt;
use graph_runtime::batch::Batch;
use graph_runtime::client::{Client, DeltaEvent, RetryPolicy, StaticToken, Uploaded};
use graph_runtime::delta::Change;
use graph_runtime::testing::{Body, FakeGraph, Faults, Operation, Permissions};
use graph_runtime::upload::UploadSession;
use graph_runtime::{parse_empty, parse_json, Error, ErrorKind, Method, PathBuilder, Request};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const fn operation(
    method: &'static str,
    path: &'static str,
    status: u16,
    collection: bool,
) -> Operation {
    Operation {
        method,
        path,
        status,
        collection,
        permissions: Permissions::EMPTY,
        consistency_level: false,
        examples: &[],
        body: Body::None,
    }
}

static OPERATIONS: [Operation; 9] = [
    operation("GET", "/groups", 200, true),
    operation("GET", "/users", 200, true),
    operation("POST", "/users", 201, false),
    operation("GET", "/users/{id}", 200, false),
    operation("PATCH", "/users/{id}", 204, false),
    operation("DELETE", "/users/{id}", 204, false),
    operation("GET", "/users/delta", 200, true),
    operation("GET", "/groups/{id}", 200, false),
    operation(
        "POST",
        "/me/drive/items/{id}:/{name}:/createUploadSession",
        200,
        false,
    ),
];

const GROUPS: usize = 5_000;
const USERS: usize = 300;
const PAGING_PASSES: usize = 70;
const PATCH_TARGETS: usize = 30;
const PATCHES_PER_TARGET: usize = 180;
const BATCHES: usize = 12;
const SECRET: &str = "soak-secret-token-7f3a";

/// Give-ups by kind, shared by the tasks.
type GiveUps = Arc<Mutex<BTreeMap<String, usize>>>;

fn gave_up(give_ups: &GiveUps, error: &Error) {
    // Every give-up is typed: never an answer of the wrong shape.
    assert_ne!(error.kind(), ErrorKind::UnexpectedAnswer, "{error}");
    let mut map = give_ups.lock().expect("not poisoned");
    *map.entry(format!("{:?}", error.kind())).or_default() += 1;
}

fn list(path: &str) -> Request<graph_runtime::Collection<Value>> {
    Request::new(Method::GET, PathBuilder::new(path), parse_json)
}

/// Pages through the 5,000 groups again and again: every pass that ends has each
/// item once, in order.
async fn paging(client: Client, give_ups: GiveUps) -> usize {
    let mut complete = 0;
    for _ in 0..PAGING_PASSES {
        let items: Result<Vec<Value>, Error> = client.items(list("/groups")).try_collect().await;
        match items {
            Ok(items) => {
                let ids: Vec<&str> = items.iter().filter_map(|g| g["id"].as_str()).collect();
                let expected: Vec<String> = (0..GROUPS).map(|i| format!("g{i:05}")).collect();
                assert_eq!(ids, expected, "a pass lost or repeated items");
                complete += 1;
            }
            Err(e) => gave_up(&give_ups, &e),
        }
    }
    complete
}

/// PATCHes each target in turn with a sequence of values; the last value that was
/// answered is the state, unless the last PATCH's failure reached the caller.
async fn patches(client: Client, give_ups: GiveUps) -> BTreeMap<String, (String, bool)> {
    let mut last = BTreeMap::new();
    for round in 0..PATCHES_PER_TARGET {
        for target in 0..PATCH_TARGETS {
            let id = format!("u{target:04}");
            let value = format!("v{round}");
            let patch = Request::new(
                Method::PATCH,
                PathBuilder::new("/users/").segment(&id),
                parse_empty,
            )
            .json(&json!({ "jobTitle": value }));
            let ok = match client.send(patch).await {
                Ok(_) => true,
                Err(e) => {
                    gave_up(&give_ups, &e);
                    false
                }
            };
            last.insert(id, (value, ok));
        }
    }
    last
}

/// The ids and titles a delta stream leaves the caller with, from `known`.
async fn sync(
    stream: futures_util::stream::BoxStream<'static, Result<DeltaEvent<Value>, Error>>,
    known: &mut BTreeMap<String, Value>,
) -> Result<(Option<String>, bool), Error> {
    let mut stream = stream;
    let mut resynced = false;
    let mut seen_this_round = BTreeSet::new();
    while let Some(event) = stream.try_next().await? {
        match event {
            DeltaEvent::Resync => {
                known.clear();
                resynced = true;
                seen_this_round.clear();
            }
            DeltaEvent::Change(Change::Updated(item)) => {
                let id = item["id"].as_str().unwrap_or_default().to_string();
                assert!(seen_this_round.insert(id.clone()), "{id} twice in one sync");
                known.insert(id, item);
            }
            DeltaEvent::Change(Change::Removed(gone)) => {
                let id = gone.id.unwrap_or_default();
                assert!(seen_this_round.insert(id.clone()), "{id} twice in one sync");
                known.remove(&id);
            }
            DeltaEvent::Done(link) => return Ok((Some(link.0), resynced)),
        }
    }
    Ok((None, resynced))
}

/// Batches of 50 reads, each depending on the one before.
async fn batches(client: Client, give_ups: GiveUps) -> usize {
    let mut answered = 0;
    for _ in 0..BATCHES {
        let mut batch = Batch::new();
        let mut handles = Vec::new();
        for i in 0..50 {
            let read = list(&format!("/groups/g{:05}", i * 7));
            let request: Request<Value> =
                Request::new(Method::GET, PathBuilder::new(read.path()), parse_json);
            let handle = match handles.last() {
                Some(previous) => {
                    let previous: &graph_runtime::batch::Handle<Value> = previous;
                    let id = previous.id().to_string();
                    batch.add_after(request, [id])
                }
                None => batch.add(request),
            };
            handles.push(handle);
        }
        match client.batch(batch).await {
            Ok(results) => {
                for handle in &handles {
                    match results.get(handle) {
                        Ok(_) => answered += 1,
                        Err(e) => gave_up(&give_ups, &e),
                    }
                }
            }
            Err(e) => gave_up(&give_ups, &e),
        }
    }
    answered
}

/// Uploads of 1, 4 and 8 MiB; each that ends arrives byte for byte.
async fn uploads(client: Client, fake: Arc<FakeGraph>, give_ups: GiveUps) -> usize {
    let mut done = 0;
    for (n, mib) in [1usize, 4, 8].into_iter().enumerate() {
        let bytes: Vec<u8> = (0..mib * 1024 * 1024)
            .map(|i| ((i * 31 + n) % 253) as u8)
            .collect();
        let create: Request<Value> = Request::new(
            Method::POST,
            PathBuilder::new(&format!(
                "/me/drive/items/root:/file{n}.bin:/createUploadSession"
            )),
            parse_json,
        )
        .json(&json!({}));
        let session = match client.send(create).await {
            Ok(session) => session,
            Err(e) => {
                gave_up(&give_ups, &e);
                continue;
            }
        };
        let session =
            UploadSession::from_json(&serde_json::from_value(session).expect("an object"))
                .expect("a session");
        match client
            .upload::<Value, _>(&session, &bytes, Some(320 * 1024 * 4), |_| {
                ControlFlow::Continue(())
            })
            .await
        {
            Ok(Uploaded::Done(_)) => {
                let file = fake
                    .uploads()
                    .into_iter()
                    .find(|u| u.path.contains(&format!("file{n}.bin")) && u.complete)
                    .expect("the fake has the file");
                assert!(
                    file.bytes == bytes,
                    "file{n}.bin differs from what was sent"
                );
                done += 1;
            }
            Ok(Uploaded::Cancelled) => panic!("nothing cancels"),
            Err(e) => gave_up(&give_ups, &e),
        }
    }
    done
}

#[tokio::test(start_paused = true)]
async fn every_workflow_at_once_under_faults() {
    let started = Instant::now();
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    let fake = Arc::new(FakeGraph::start(&OPERATIONS).await);
    for i in 0..GROUPS {
        fake.insert(
            "/groups",
            &json!({ "id": format!("g{i:05}"), "displayName": format!("Group {i}") }),
        );
    }
    for i in 0..USERS {
        fake.insert(
            "/users",
            &json!({ "id": format!("u{i:04}"), "jobTitle": "new" }),
        );
    }
    fake.page_size(100);
    fake.with_faults(Faults::seeded(2026).rate(0.15));
    let client = Client::new(&fake.base_url(), StaticToken::new(SECRET))
        .expect("a loopback URL")
        .with_retry(RetryPolicy {
            max_attempts: 5,
            initial_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(60),
        })
        .with_timeout(Duration::from_secs(100));
    let give_ups: GiveUps = Arc::default();

    // Delta round one, before the PATCHes.
    let mut known = BTreeMap::new();
    let first = sync(client.delta(list("/users/delta")), &mut known).await;
    let link = match first {
        Ok((link, _)) => link,
        Err(e) => {
            gave_up(&give_ups, &e);
            None
        }
    };

    let everything = async {
        tokio::join!(
            tokio::spawn(paging(client.clone(), give_ups.clone())),
            tokio::spawn(patches(client.clone(), give_ups.clone())),
            tokio::spawn(batches(client.clone(), give_ups.clone())),
            tokio::spawn(uploads(client.clone(), fake.clone(), give_ups.clone())),
        )
    };
    // No hang: the whole run ends within a bound of (paused) time.
    let (paged, patched, batched, uploaded) =
        tokio::time::timeout(Duration::from_secs(24 * 3600), everything)
            .await
            .expect("the soak ends");
    let (paged, patched, batched, uploaded) = (
        paged.expect("no panic"),
        patched.expect("no panic"),
        batched.expect("no panic"),
        uploaded.expect("no panic"),
    );

    // Every PATCH target ends in the last value sent, or its failure reached the caller.
    let state: BTreeMap<String, Value> = fake
        .items("/users")
        .into_iter()
        .map(|u| (u["id"].as_str().unwrap_or_default().to_string(), u))
        .collect();
    for (id, (value, ok)) in &patched {
        if *ok {
            assert_eq!(state[id]["jobTitle"], value.as_str(), "{id}");
        }
    }

    // Delta round two over what the PATCHes changed, then a third through a 410.
    if let Some(link) = link {
        match sync(client.resume_delta(list("/users/delta"), &link), &mut known).await {
            Ok(_) => assert_eq!(known.len(), state.len()),
            Err(e) => gave_up(&give_ups, &e),
        }
    }
    let expired = format!("{}/users/delta?$deltatoken=999999", fake.base_url());
    let (_, resynced) = sync(
        client.resume_delta(list("/users/delta"), &expired),
        &mut known,
    )
    .await
    .unwrap_or_else(|e| {
        gave_up(&give_ups, &e);
        (None, false)
    });
    if resynced {
        let rebuilt: BTreeMap<&String, &Value> =
            known.iter().map(|(id, u)| (id, &u["jobTitle"])).collect();
        let truth: BTreeMap<&String, &Value> =
            state.iter().map(|(id, u)| (id, &u["jobTitle"])).collect();
        assert_eq!(
            rebuilt, truth,
            "after a Resync the rebuilt set is the fake's state"
        );
    }

    let requests = fake.requests().len();
    let injected = fake.injected_faults();
    let faults: usize = injected.values().sum();
    let give_ups = give_ups.lock().expect("not poisoned").clone();
    println!("requests received by the fake: {requests}");
    println!(
        "faults injected: {faults} ({:.1} %)",
        100.0 * faults as f64 / requests as f64
    );
    for (fault, n) in &injected {
        println!("  {fault:?}: {n}");
    }
    // Each attempt after the first is a retry: the client's spans record the attempt.
    let retries = capture
        .text()
        .lines()
        .filter_map(|l| l.split("attempt=").nth(1))
        .filter_map(|n| n.split_whitespace().next()?.parse::<u32>().ok())
        .filter(|n| *n > 1)
        .count();
    println!("retries: {retries}");
    println!("give-ups by kind: {give_ups:?}");
    println!(
        "paging passes complete: {paged} of {PAGING_PASSES}; batch items answered: {batched} of {}; uploads byte-identical: {uploaded} of 3; PATCH targets checked: {}",
        BATCHES * 50,
        patched.len()
    );
    println!("delta: resynced through a 410: {resynced}");
    println!("wall time with the paused clock: {:.2?}", started.elapsed());

    assert!(requests >= 10_000, "{requests} requests");
    assert!(
        faults * 10 >= requests,
        "{faults} faults in {requests} requests"
    );
    assert!(resynced, "the expired link started the sync over");

    // Nothing recorded the token, a body or a query value, over the whole run.
    let traced = capture.text();
    for secret in [
        SECRET,
        "jobTitle",
        "displayName",
        "$deltatoken=",
        "$skiptoken=",
        "Group 1",
    ] {
        assert!(!traced.contains(secret), "the traces hold {secret:?}");
    }
}
