use graph_client::client::{Client, StaticToken};
use graph_client::runtime::{parse_bytes, Method, PathBuilder};
use graph_client::testing::{self, Body, Kind, Property};
use graph_client::{Error, Request};
use serde_json::{json, Map, Value};

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

/// Sends `body` to a fake Graph of its own (so that no state is shared): `Ok`, or the
/// error status and message.
async fn send(method: &str, path: &str, body: &Value) -> Result<(), (u16, String)> {
    let fake = testing::fake().await;
    let client = Client::new(&fake.base_url(), StaticToken::new("test-token"))
        .map_err(|e| (0, e.to_string()))?;
    let method = Method::from_bytes(method.as_bytes()).map_err(|e| (0, e.to_string()))?;
    let request: Request<Vec<u8>> =
        Request::new(method, PathBuilder::new(path), parse_bytes).json(body);
    match client.send(request).await {
        Ok(_) => Ok(()),
        Err(Error::Service(e)) => Err((
            e.status,
            e.error.map(|g| g.message).unwrap_or_default(),
        )),
        Err(other) => Err((0, other.to_string())),
    }
}

/// A refusal of the strict check names the member it refuses.
fn refused(outcome: &Result<(), (u16, String)>) -> Option<&str> {
    match outcome {
        Err((400, message)) if message.contains("member '") => Some(message),
        _ => None,
    }
}

#[test]
fn documented_bodies_pass_the_strict_check() {
    let mut refusals = Vec::new();
    let mut otherwise = Vec::new();
    for (place, method, path, _, body) in EXAMPLES {
        let body: Value = serde_json::from_str(body).expect("the table holds JSON");
        let outcome = block_on(send(method, path, &body));
        if let Some(message) = refused(&outcome) {
            refusals.push(format!("{place}  {method} {path}: {message}"));
        } else if let Err((status, message)) = outcome {
            otherwise.push(format!("{place}  {method} {path}: {status} {message}"));
        }
    }
    let passed = EXAMPLES.len() - refusals.len() - otherwise.len();
    println!(
        "{} example requests with a JSON body: {passed} pass the strict check, {} are refused, {} are answered otherwise",
        EXAMPLES.len(),
        refusals.len(),
        otherwise.len()
    );
    for line in refusals.iter().chain(&otherwise) {
        println!("  {line}");
    }
    assert!(
        refusals.is_empty() && otherwise.is_empty(),
        "refused:\n{}\nanswered otherwise:\n{}",
        refusals.join("\n"),
        otherwise.join("\n")
    );
}

/// The properties a body of `body`'s documented type may have: its type's (the one
/// `@odata.type` names, or the documented one) with its bases', or the parameters.
fn documented_members(method: &str, template: &str, body: &Map<String, Value>) -> Vec<Property> {
    let api = testing::api();
    let Some(operation) = api
        .operations
        .iter()
        .find(|o| o.method == method && o.path == template)
    else {
        return Vec::new();
    };
    let name = match operation.body {
        Body::None => return Vec::new(),
        Body::Parameters(parameters) => return parameters.to_vec(),
        Body::Types(names) => match body.get("@odata.type").and_then(Value::as_str) {
            Some(cast) => cast.trim_start_matches('#').to_string(),
            None => names.first().map(|n| n.to_string()).unwrap_or_default(),
        },
    };
    let mut members = Vec::new();
    let mut at = api
        .types
        .iter()
        .find(|t| t.name.eq_ignore_ascii_case(&name));
    let mut hops = 0;
    while let Some(t) = at {
        members.extend_from_slice(t.properties);
        hops += 1;
        if hops > 64 {
            break;
        }
        at = t
            .base
            .and_then(|b| api.types.iter().find(|t| t.name.eq_ignore_ascii_case(b)));
    }
    members
}

/// A value of the wrong JSON type for `property`.
fn wrong_value(property: &Property) -> Option<Value> {
    if property.collection {
        return Some(json!(42));
    }
    match property.kind {
        Kind::Any => None,
        Kind::Int | Kind::Number => Some(json!("twelve")),
        Kind::Bool => Some(json!("yes")),
        Kind::Object(_) => Some(json!(42)),
        _ => Some(json!(12345)),
    }
}

#[test]
fn one_wrong_member_is_refused_with_its_name() {
    let mut checked = 0;
    let mut accepted = Vec::new();
    for (place, method, path, template, body) in EXAMPLES {
        let Ok(Value::Object(body)) = serde_json::from_str::<Value>(body) else {
            continue;
        };
        let members = documented_members(method, template, &body);
        if members.is_empty() {
            continue;
        }
        let property = |name: &str| members.iter().find(|p| p.name.eq_ignore_ascii_case(name));
        let mut mutations: Vec<(String, Map<String, Value>)> = Vec::new();
        let mut unknown = body.clone();
        unknown.insert("memberNoPageDocuments".into(), json!(1));
        mutations.push(("memberNoPageDocuments".into(), unknown));
        let present = body.keys().filter(|k| !k.contains('@'));
        if let Some((name, value)) = present
            .clone()
            .find_map(|k| Some((k.clone(), wrong_value(property(k)?)?)))
        {
            let mut wrong = body.clone();
            wrong.insert(name.clone(), value);
            mutations.push((name, wrong));
        }
        if let Some(name) = present
            .clone()
            .find(|k| property(k).is_some_and(|p| matches!(p.kind, Kind::Enum(_)) && !p.collection))
        {
            let mut wrong = body.clone();
            wrong.insert(name.clone(), json!("notAMemberOfTheEnum"));
            mutations.push((name.clone(), wrong));
        }
        for (member, mutated) in mutations {
            checked += 1;
            let outcome = block_on(send(method, path, &Value::Object(mutated)));
            let named = refused(&outcome).is_some_and(|m| m.contains(&format!("'{member}'")));
            if !named {
                accepted.push(format!("{place}  {method} {path}, `{member}`: {outcome:?}"));
            }
        }
    }
    println!("{checked} mutated bodies, {} not refused by name", accepted.len());
    assert!(accepted.is_empty(), "not refused by name:\n{}", accepted.join("\n"));
}
