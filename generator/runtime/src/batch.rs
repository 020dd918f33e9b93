//! JSON batching: up to twenty requests in one `POST /$batch`, sans-IO.
//!
//! A [`Batch`] is built from the crate's [`Request`]s; each [`Batch::add`] returns a
//! [`Handle`] that keeps the request's id and its response parser, so that
//! [`BatchResults::get`] gives the same typed result (or [`Error`]) that sending the
//! request alone would. Items may depend on others (`dependsOn`): the service runs an
//! item only after the items it depends on succeeded, and answers `424 Failed
//! Dependency` otherwise.
//!
//! [`Batch::start`] checks the batch before anything is sent (ids unique and not
//! empty, every dependency in the batch, no cycle, every request valid) and returns a
//! [`BatchRun`]: the rounds to send, each one `$batch` body of at most [`MAX_ITEMS`]
//! items. Items are sent in dependency order, so an item is never in an earlier round
//! than an item it depends on; a dependency answered in an earlier round is not
//! written on the wire (the service knows only the ids of one body), and an item whose
//! dependency failed there is answered `424` here without being sent, as the service
//! would. Items answered `429`, `503` or `504` are sent again in a later round, after
//! the longest `Retry-After` among them, as [`RetryPolicy`] says, together with the
//! items that failed only because they depended on them.
//!
//! `client::Client::batch` sends the rounds; any other HTTP stack can drive a
//! [`BatchRun`] with [`BatchRun::next_round`] and [`BatchRun::receive`].

use super::{Error, Method, Request, RetryPolicy, ServiceError};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

/// The most requests the service takes in one `$batch` body.
pub const MAX_ITEMS: usize = 20;

/// Requests to send together. See the [module documentation](self).
#[derive(Debug, Default)]
pub struct Batch {
    items: Vec<Item>,
}

#[derive(Debug)]
struct Item {
    id: String,
    method: Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    invalid: Option<String>,
    depends_on: Vec<String>,
}

/// An item of a [`Batch`]: its id, and how to read its response into `T`.
pub struct Handle<T> {
    id: String,
    parse: fn(u16, &[u8]) -> Result<T, Error>,
}

impl<T> Handle<T> {
    /// The item's id in the batch (`dependsOn` names it).
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        Self {
            id: self.id.clone(),
            parse: self.parse,
        }
    }
}

impl<T> fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Handle").field(&self.id).finish()
    }
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `request` under the next free number as its id (`"1"`, `"2"`, ...).
    pub fn add<T>(&mut self, request: Request<T>) -> Handle<T> {
        let id = self.free_id();
        self.add_with_id(id, request, std::iter::empty::<&str>())
    }

    /// Adds `request`, to run only after the items `depends_on` name have succeeded.
    pub fn add_after<T, S: AsRef<str>>(
        &mut self,
        request: Request<T>,
        depends_on: impl IntoIterator<Item = S>,
    ) -> Handle<T> {
        let id = self.free_id();
        self.add_with_id(id, request, depends_on)
    }

    /// Adds `request` under `id`. Ids that repeat, are empty or depend on ids that are
    /// not in the batch are reported by [`Batch::start`].
    pub fn add_with_id<T, S: AsRef<str>>(
        &mut self,
        id: impl Into<String>,
        request: Request<T>,
        depends_on: impl IntoIterator<Item = S>,
    ) -> Handle<T> {
        let id = id.into();
        self.items.push(Item {
            id: id.clone(),
            method: request.method().clone(),
            url: request.path_and_query(),
            headers: request.headers().to_vec(),
            body: request.body().map(<[u8]>::to_vec),
            invalid: request.invalid_reason().map(str::to_string),
            depends_on: depends_on
                .into_iter()
                .map(|d| d.as_ref().to_string())
                .collect(),
        });
        Handle {
            id,
            parse: request.parser(),
        }
    }

    /// The number of requests in the batch.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether no request was added.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn free_id(&self) -> String {
        let mut n = self.items.len() + 1;
        while self.items.iter().any(|i| i.id == n.to_string()) {
            n += 1;
        }
        n.to_string()
    }

    /// Checks the batch and orders it for sending; nothing is sent. Errors
    /// ([`Error::InvalidRequest`]): an empty or repeated id, a dependency on an id not
    /// in the batch, items that depend on each other in a cycle (named), a request
    /// that must not be sent.
    pub fn start(self, retry: RetryPolicy) -> Result<BatchRun, Error> {
        let order = self.check()?;
        let mut slots: Vec<Option<Item>> = self.items.into_iter().map(Some).collect();
        let items: Vec<Item> = order.iter().filter_map(|&i| slots[i].take()).collect();
        let index: HashMap<String, usize> = items
            .iter()
            .enumerate()
            .map(|(i, item)| (item.id.clone(), i))
            .collect();
        let deps = items
            .iter()
            .map(|item| {
                item.depends_on
                    .iter()
                    .filter_map(|d| index.get(d).copied())
                    .collect()
            })
            .collect();
        let count = items.len();
        Ok(BatchRun {
            items,
            deps,
            state: (0..count)
                .map(|_| State::Pending {
                    wait: Duration::ZERO,
                })
                .collect(),
            attempts: vec![0; count],
            in_flight: Vec::new(),
            retry,
            rounds: 0,
        })
    }

    /// Item indices in dependency order (each after what it depends on, otherwise in
    /// the order added).
    fn check(&self) -> Result<Vec<usize>, Error> {
        let mut index = HashMap::new();
        for (i, item) in self.items.iter().enumerate() {
            if item.id.is_empty() {
                return Err(Error::InvalidRequest(format!(
                    "batch item {} has an empty id",
                    i + 1
                )));
            }
            if index.insert(item.id.as_str(), i).is_some() {
                return Err(Error::InvalidRequest(format!(
                    "batch item id {:?} is used twice",
                    item.id
                )));
            }
            if let Some(reason) = &item.invalid {
                return Err(Error::InvalidRequest(format!(
                    "batch item {:?}: {reason}",
                    item.id
                )));
            }
        }
        for item in &self.items {
            for dep in &item.depends_on {
                if !index.contains_key(dep.as_str()) {
                    return Err(Error::InvalidRequest(format!(
                        "batch item {:?} depends on {dep:?}, which is not in the batch",
                        item.id
                    )));
                }
            }
        }
        let deps: Vec<Vec<usize>> = self
            .items
            .iter()
            .map(|item| {
                item.depends_on
                    .iter()
                    .filter_map(|d| index.get(d.as_str()).copied())
                    .collect()
            })
            .collect();
        let mut placed = vec![false; self.items.len()];
        let mut order = Vec::with_capacity(self.items.len());
        while order.len() < self.items.len() {
            let ready =
                (0..self.items.len()).find(|&i| !placed[i] && deps[i].iter().all(|&d| placed[d]));
            match ready {
                Some(i) => {
                    placed[i] = true;
                    order.push(i);
                }
                None => return Err(Error::InvalidRequest(self.cycle(&placed, &deps))),
            }
        }
        Ok(order)
    }

    /// Names a cycle among the items not placed: every one of them waits for another.
    fn cycle(&self, placed: &[bool], deps: &[Vec<usize>]) -> String {
        let Some(mut at) = (0..placed.len()).find(|&i| !placed[i]) else {
            return "batch items depend on each other in a cycle".to_string();
        };
        let mut path = Vec::new();
        while !path.contains(&at) {
            path.push(at);
            match deps[at].iter().copied().find(|&d| !placed[d]) {
                Some(next) => at = next,
                None => break,
            }
        }
        let start = path.iter().position(|&i| i == at).unwrap_or(0);
        let mut names: Vec<&str> = path[start..]
            .iter()
            .map(|&i| self.items[i].id.as_str())
            .collect();
        names.push(self.items[at].id.as_str());
        format!(
            "batch items depend on each other in a cycle: {}",
            names
                .iter()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(" depends on ")
        )
    }
}

#[derive(Debug)]
enum State {
    /// To send, not before `wait` has passed since the last round's answer.
    Pending {
        wait: Duration,
    },
    Sent,
    Done(ItemResponse),
}

/// One item's answer: status, headers and body as the service sent them.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemResponse {
    /// The item's HTTP status.
    pub status: u16,
    /// The item's response headers, as the service wrote them.
    pub headers: Vec<(String, String)>,
    /// The body as bytes: JSON bodies serialized, other bodies decoded from base64.
    pub body: Vec<u8>,
}

impl ItemResponse {
    /// The value of a response header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// One `POST /$batch` to send.
#[derive(Clone, Debug, PartialEq)]
pub struct Round {
    /// How long to wait before sending it: the longest `Retry-After` among the items
    /// sent again.
    pub wait: Duration,
    /// The JSON body (`{"requests": [...]}`).
    pub body: Vec<u8>,
    /// The ids in it, in order.
    pub ids: Vec<String>,
}

/// A batch being sent: see the [module documentation](self).
#[derive(Debug)]
pub struct BatchRun {
    items: Vec<Item>,
    deps: Vec<Vec<usize>>,
    state: Vec<State>,
    attempts: Vec<u32>,
    in_flight: Vec<usize>,
    retry: RetryPolicy,
    rounds: u32,
}

const FAILED_DEPENDENCY: u16 = 424;

impl BatchRun {
    /// The next body to send, or `None` when every item has its final answer.
    ///
    /// Call [`BatchRun::receive`] with the answer before asking for the next round.
    pub fn next_round(&mut self) -> Option<Round> {
        self.in_flight.clear();
        let mut wait = Duration::ZERO;
        for i in 0..self.items.len() {
            if self.in_flight.len() == MAX_ITEMS {
                break;
            }
            let State::Pending { wait: item_wait } = self.state[i] else {
                continue;
            };
            // Dependency order: what `i` depends on is final or already in this round;
            // otherwise it waits for a later round.
            let mut failed = None;
            let mut waiting = false;
            for &d in &self.deps[i] {
                match &self.state[d] {
                    State::Done(r) if !r.is_success() => failed = Some(d),
                    State::Done(_) => {}
                    _ if self.in_flight.contains(&d) => {}
                    _ => waiting = true,
                }
            }
            if let Some(d) = failed {
                self.state[i] = State::Done(failed_dependency(&self.items[d].id));
                continue;
            }
            if waiting {
                continue;
            }
            wait = wait.max(item_wait);
            self.in_flight.push(i);
        }
        if self.in_flight.is_empty() {
            return None;
        }
        let requests: Vec<Value> = self.in_flight.iter().map(|&i| self.wire(i)).collect();
        for &i in &self.in_flight {
            self.state[i] = State::Sent;
            self.attempts[i] += 1;
        }
        self.rounds += 1;
        let mut body = Map::new();
        body.insert("requests".to_string(), Value::Array(requests));
        Some(Round {
            wait,
            body: serde_json::to_vec(&Value::Object(body)).unwrap_or_default(),
            ids: self
                .in_flight
                .iter()
                .map(|&i| self.items[i].id.clone())
                .collect(),
        })
    }

    /// One request as the service wants it: `id`, `method`, `url` relative to the
    /// version root, `headers`, `body` (JSON, or base64 for other content types) and
    /// `dependsOn` with the ids of this round it depends on.
    fn wire(&self, i: usize) -> Value {
        let item = &self.items[i];
        let mut out = Map::new();
        out.insert("id".to_string(), Value::String(item.id.clone()));
        out.insert(
            "method".to_string(),
            Value::String(item.method.as_str().to_string()),
        );
        out.insert("url".to_string(), Value::String(item.url.clone()));
        if !item.headers.is_empty() {
            let headers = item
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), Value::String(v.clone())))
                .collect();
            out.insert("headers".to_string(), Value::Object(headers));
        }
        if let Some(body) = &item.body {
            let json = item
                .headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case("content-type") && is_json(v));
            let value = match serde_json::from_slice::<Value>(body) {
                Ok(value) if json => value,
                _ => {
                    use base64::Engine as _;
                    Value::String(base64::engine::general_purpose::STANDARD.encode(body))
                }
            };
            out.insert("body".to_string(), value);
        }
        let depends_on: Vec<Value> = self.deps[i]
            .iter()
            .filter(|d| self.in_flight.contains(d))
            .map(|&d| Value::String(self.items[d].id.clone()))
            .collect();
        if !depends_on.is_empty() {
            out.insert("dependsOn".to_string(), Value::Array(depends_on));
        }
        Value::Object(out)
    }

    /// Reads the answer to the last round (`{"responses": [...]}`, in any order).
    /// Items answered `429`, `503` or `504` go back to be sent again when
    /// [`RetryPolicy`] allows, and so do items answered `424` because of them.
    ///
    /// Errors: [`Error::Decode`] when the body is not JSON, [`Error::Protocol`] when it
    /// is not a batch response or does not answer every item of the round.
    pub fn receive(&mut self, body: &[u8]) -> Result<(), Error> {
        let parsed: Value = serde_json::from_slice(body).map_err(|source| Error::Decode {
            status: 200,
            source,
            body: body.to_vec(),
        })?;
        let responses = parsed
            .get("responses")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                Error::Protocol("the $batch response has no \"responses\" array".to_string())
            })?;
        let mut answers: HashMap<&str, ItemResponse> = HashMap::new();
        for response in responses {
            let Some(id) = response.get("id").and_then(Value::as_str) else {
                continue;
            };
            answers.insert(id, item_response(response));
        }
        let round = std::mem::take(&mut self.in_flight);
        let mut missing = Vec::new();
        let mut retried = Vec::new();
        for &i in &round {
            let Some(answer) = answers.remove(self.items[i].id.as_str()) else {
                missing.push(self.items[i].id.clone());
                continue;
            };
            let delay = self.retry.delay_for(
                &self.items[i].method,
                self.attempts[i],
                answer.status,
                answer.header("retry-after"),
            );
            match delay {
                Some(wait) => {
                    self.state[i] = State::Pending { wait };
                    retried.push(i);
                }
                None => self.state[i] = State::Done(answer),
            }
        }
        // An item that failed only because what it depends on is to be sent again
        // goes again with it; it has not had its turn, so the attempt does not count.
        for &i in &round {
            let failed_on_retry = matches!(&self.state[i], State::Done(r) if r.status == FAILED_DEPENDENCY)
                && self.deps[i]
                    .iter()
                    .any(|d| matches!(self.state[*d], State::Pending { .. }));
            if failed_on_retry {
                self.state[i] = State::Pending {
                    wait: Duration::ZERO,
                };
                self.attempts[i] = self.attempts[i].saturating_sub(1);
            }
        }
        if !missing.is_empty() {
            // Those items stay unanswered: `finish` leaves them out.
            return Err(Error::Protocol(format!(
                "the $batch response has no answer for item{} {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            )));
        }
        Ok(())
    }

    /// How many `$batch` bodies were handed out so far.
    pub fn rounds(&self) -> u32 {
        self.rounds
    }

    /// Every item's final answer; items never answered have none.
    pub fn finish(self) -> BatchResults {
        let responses = self
            .items
            .into_iter()
            .zip(self.state)
            .filter_map(|(item, state)| match state {
                State::Done(r) => Some((item.id, r)),
                _ => None,
            })
            .collect();
        BatchResults { responses }
    }
}

fn failed_dependency(on: &str) -> ItemResponse {
    let body = serde_json::json!({
        "error": {
            "code": "failedDependency",
            "message": format!("not sent: batch item {on:?}, which it depends on, failed"),
        }
    });
    ItemResponse {
        status: FAILED_DEPENDENCY,
        headers: vec![("Content-Type".to_string(), "application/json".to_string())],
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

fn item_response(response: &Value) -> ItemResponse {
    let status = response
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = response
        .get("headers")
        .and_then(Value::as_object)
        .map(|h| {
            h.iter()
                .map(|(n, v)| {
                    (
                        n.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_string),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let json = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .is_none_or(|(_, v)| is_json(v));
    let body = match response.get("body") {
        None | Some(Value::Null) => Vec::new(),
        // Bodies of other content types come base64-encoded.
        Some(Value::String(text)) if !json => {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .unwrap_or_else(|_| text.as_bytes().to_vec())
        }
        Some(value) => serde_json::to_vec(value).unwrap_or_default(),
    };
    ItemResponse {
        status,
        headers,
        body,
    }
}

/// The answers of a batch, by item id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchResults {
    responses: HashMap<String, ItemResponse>,
}

impl BatchResults {
    /// The typed result of an item, as sending its request alone would give it: its
    /// parsed body for a success status, [`Error::Service`] otherwise (`424` for an
    /// item whose dependency failed).
    pub fn get<T>(&self, handle: &Handle<T>) -> Result<T, Error> {
        let response = self
            .responses
            .get(&handle.id)
            .ok_or_else(|| Error::Protocol(format!("batch item {:?} has no answer", handle.id)))?;
        if response.is_success() {
            (handle.parse)(response.status, &response.body)
        } else {
            Err(Error::Service(Box::new(ServiceError::new(
                response.status,
                response.headers.clone(),
                &response.body,
            ))))
        }
    }

    /// An item's answer as it came, by id.
    pub fn response(&self, id: &str) -> Option<&ItemResponse> {
        self.responses.get(id)
    }

    /// How many items have an answer.
    pub fn len(&self) -> usize {
        self.responses.len()
    }

    /// Whether there are no answers.
    pub fn is_empty(&self) -> bool {
        self.responses.is_empty()
    }
}

#[cfg(test)]
mod tests;
