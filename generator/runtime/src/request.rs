//! Requests as data, the parsers of their responses, and pages of collections.

use super::odata::{
    Addressed, AdvancedUse, ExpandItems, ExpandList, Filter, IsA, ODataType, OrderList, QueryPart,
    SelectList,
};
use super::{Error, Json, JsonObject, NormalizedQuery, ODataQuery, PathBuilder, ServiceError};
use http::Method;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

/// Query names and values: `$` and `,` stay readable, everything else reserved is encoded.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'$')
    .remove(b',');

// ---------- requests ----------

/// A request ready to send, and how to read its response into `T`.
pub struct Request<T> {
    method: Method,
    path: String,
    template: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    invalid: Option<String>,
    timeout: Option<Duration>,
    parse: fn(u16, &[u8]) -> Result<T, Error>,
    /// What the typed query options used, for the advanced-query header.
    advanced: Advanced,
    /// The lengths of `path` and `template` before the cast segment [`Request::cast`]
    /// added, which a second cast replaces.
    cast_at: Option<(usize, usize)>,
    /// The typed `$filter`'s and `$orderby`'s parts, for [`Request::undocumented`].
    parts: QueryParts,
}

#[derive(Clone, Debug, Default)]
struct QueryParts {
    filter: Vec<QueryPart>,
    orderby: Vec<QueryPart>,
}

/// The typed options that decide whether a request is an advanced query, and whether its
/// page documents the `ConsistencyLevel` header that makes one.
#[derive(Clone, Copy, Debug, Default)]
struct Advanced {
    allowed: bool,
    filter: AdvancedUse,
    has_filter: bool,
    orderby: bool,
    search: bool,
    count: bool,
    /// `$levels` inside `$expand`.
    levels: bool,
}

/// One advanced-query rule: what it is, whether a request uses it, whether it needs
/// `$count=true`.
type AdvancedRule = (&'static str, fn(&Advanced) -> bool, bool);

/// Graph's rules for advanced queries on directory objects
/// (<https://learn.microsoft.com/graph/aad-advanced-queries>): what makes a query one,
/// each with whether it also needs `$count=true` (all but `$search` do). Each needs
/// `ConsistencyLevel: eventual`.
const ADVANCED_QUERIES: [AdvancedRule; 9] = [
    ("$search", |a| a.search, false),
    ("$count", |a| a.count, true),
    ("`ne` in $filter", |a| a.filter.not_equals, true),
    ("`not` in $filter", |a| a.filter.not, true),
    ("`endsWith` in $filter", |a| a.filter.ends_with, true),
    ("a comparison with `null`", |a| a.filter.null, true),
    (
        "a collection's `$count` in $filter",
        |a| a.filter.count,
        true,
    ),
    ("$filter with $orderby", |a| a.has_filter && a.orderby, true),
    // Not on the concept page: the pages that document `$levels` (List manager) ask for
    // the header and `$count=true` with it.
    ("`$levels` in $expand", |a| a.levels, true),
];

/// The first of the advanced-query rules that a query with these parts uses (what it
/// is), if any: how the fake Graph tells a query sent without the header.
#[cfg(feature = "testing")]
pub(crate) fn advanced_rule(
    search: bool,
    count: bool,
    filter: Option<AdvancedUse>,
    orderby: bool,
    levels: bool,
) -> Option<&'static str> {
    let used = Advanced {
        allowed: true,
        filter: filter.unwrap_or_default(),
        has_filter: filter.is_some(),
        orderby,
        search,
        count,
        levels,
    };
    ADVANCED_QUERIES
        .iter()
        .find(|(_, applies, _)| applies(&used))
        .map(|(name, _, _)| *name)
}

impl Advanced {
    /// Whether the request needs the header, and whether `$count=true` too.
    fn needs(&self) -> (bool, bool) {
        if !self.allowed {
            return (false, false);
        }
        ADVANCED_QUERIES
            .iter()
            .filter(|(_, applies, _)| applies(self))
            .fold((false, false), |(_, count), (_, _, needs_count)| {
                (true, count || *needs_count)
            })
    }
}

impl<T> fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field(
                "body",
                &self.body.as_ref().map(|b| String::from_utf8_lossy(b)),
            )
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl<T> Request<T> {
    /// A request of `method` to `path`, whose response `parse` reads (e.g. [`parse_json`]):
    /// for requests the generated functions do not cover.
    pub fn new(
        method: Method,
        path: PathBuilder,
        parse: fn(u16, &[u8]) -> Result<T, Error>,
    ) -> Self {
        let template = path.template().to_string();
        let (path, invalid) = path.finish();
        Self {
            method,
            path,
            template,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            invalid,
            timeout: None,
            parse,
            advanced: Advanced::default(),
            cast_at: None,
            parts: QueryParts::default(),
        }
    }

    /// Sets a body of any other type than JSON, such as file content, with its
    /// `Content-Type`.
    pub fn bytes(mut self, content_type: &str, body: Vec<u8>) -> Self {
        self.body = Some(body);
        self.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
        self.headers
            .push(("Content-Type".to_string(), content_type.to_string()));
        self
    }

    /// How long the executor waits for the response of one attempt, instead of the
    /// client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The timeout set with [`Request::timeout`], if any.
    pub fn timeout_value(&self) -> Option<Duration> {
        self.timeout
    }

    /// The path with every parameter value as `{}`
    /// (`/deviceManagement/deviceConfigurations/{}`): what logs and traces show.
    pub fn path_template(&self) -> &str {
        &self.template
    }

    /// The function that reads this request's response.
    pub fn parser(&self) -> fn(u16, &[u8]) -> Result<T, Error> {
        self.parse
    }

    /// Sets a JSON body and its `Content-Type`.
    pub fn json<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Some(bytes);
                self.headers
                    .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
                self.headers
                    .push(("Content-Type".to_string(), "application/json".to_string()));
            }
            Err(e) => self.invalid = Some(format!("the body cannot be serialized: {e}")),
        }
        self
    }

    /// Adds OData query options.
    pub fn query(mut self, options: &ODataQuery) -> Self {
        for (k, v) in options.pairs() {
            self.query.push((k.to_string(), v));
        }
        self
    }

    /// Marks the request as one whose page documents the `ConsistencyLevel` header: typed
    /// options that Graph serves only as advanced queries then add it
    /// (`ConsistencyLevel: eventual`, and `$count=true` where the rules ask for it).
    /// Generated functions call it; other requests never get the header by themselves.
    pub fn allow_advanced_queries(mut self) -> Self {
        self.advanced.allowed = true;
        self.apply_advanced()
    }

    /// Sets the query option `name`, replacing an earlier value.
    fn set_option(&mut self, name: &str, value: String) {
        match self.query.iter_mut().find(|(k, _)| k == name) {
            Some(pair) => pair.1 = value,
            None => self.query.push((name.to_string(), value)),
        }
    }

    /// Appends `items` to the comma-separated option `name`.
    fn extend_option(&mut self, name: &str, items: &[String]) {
        if items.is_empty() {
            return;
        }
        match self.query.iter_mut().find(|(k, _)| k == name) {
            Some(pair) => {
                for item in items {
                    pair.1.push(',');
                    pair.1.push_str(item);
                }
            }
            None => self.query.push((name.to_string(), items.join(","))),
        }
    }

    /// Adds what the advanced-query rules ask for, once.
    fn apply_advanced(mut self) -> Self {
        let (header, count) = self.advanced.needs();
        if header && self.header_value("ConsistencyLevel").is_none() {
            self.headers
                .push(("ConsistencyLevel".to_string(), "eventual".to_string()));
        }
        if count && !self.query.iter().any(|(k, _)| k == "$count") {
            self.query.push(("$count".to_string(), "true".to_string()));
        }
        self
    }

    /// Adds one query parameter.
    pub fn query_pair(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_string(), value.to_string()));
        self
    }

    /// Adds a request header, such as `ConsistencyLevel: eventual` or `Prefer`.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// `ConsistencyLevel: eventual`, which advanced queries (`$count`, `$search`, `$filter`
    /// with `endsWith`, ...) on directory objects need.
    pub fn consistency_level_eventual(self) -> Self {
        self.header("ConsistencyLevel", "eventual")
    }

    /// `Prefer`, e.g. `return=representation`, `odata.maxpagesize=50`,
    /// `outlook.timezone="Pacific Standard Time"`.
    pub fn prefer(self, preference: &str) -> Self {
        self.header("Prefer", preference)
    }

    /// `If-Match` with an ETag, for updates that must not overwrite newer changes.
    pub fn if_match(self, etag: &str) -> Self {
        self.header("If-Match", etag)
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The percent-encoded path, relative to the service root (`/me/messages`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Path and encoded query string.
    pub fn path_and_query(&self) -> String {
        let mut out = self.path.clone();
        for (i, (k, v)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.extend(utf8_percent_encode(k, QUERY));
            out.push('=');
            out.extend(utf8_percent_encode(v, QUERY));
        }
        out
    }

    /// The parts of the typed `$filter` and `$orderby` that the properties'
    /// descriptions do not document as supported: an operator on a property
    /// (`$filter: \`ne\` on \`mail\``), or a sort key. A test suite can assert that
    /// none is left; the service may still accept them, since the docs' lists are
    /// incomplete. Options set as text (`query`, `query_pair`) are not checked.
    pub fn undocumented(&self) -> Vec<QueryPart> {
        self.parts
            .filter
            .iter()
            .chain(&self.parts.orderby)
            .filter(|p| !p.documented)
            .cloned()
            .collect()
    }

    /// The query options, decoded, in the order they were set.
    pub fn query_options(&self) -> &[(String, String)] {
        &self.query
    }

    /// The query options in the form [`NormalizedQuery`] compares: to check that a
    /// request asks what a documented or expected query asks.
    pub fn normalized_query(&self) -> NormalizedQuery {
        NormalizedQuery::from_options(self.query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// The headers set on the request, in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The value of a header, by case-insensitive name.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body, if the request has one.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The body as JSON, for inspection and tests.
    pub fn body_json(&self) -> Option<Value> {
        self.body
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok())
    }

    /// Why this request must not be sent, if it must not.
    pub fn invalid_reason(&self) -> Option<&str> {
        self.invalid.as_deref()
    }

    /// An `http::Request` against `base_url` (e.g. `https://graph.microsoft.com/v1.0`).
    pub fn to_http(&self, base_url: &str) -> Result<http::Request<Vec<u8>>, Error> {
        if let Some(reason) = &self.invalid {
            return Err(Error::InvalidRequest(reason.clone()));
        }
        let uri = format!(
            "{}{}",
            base_url.trim_end_matches('/'),
            self.path_and_query()
        );
        let mut builder = http::Request::builder()
            .method(self.method.clone())
            .uri(uri);
        for (k, v) in &self.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        builder
            .body(self.body.clone().unwrap_or_default())
            .map_err(|e| Error::InvalidRequest(e.to_string()))
    }

    /// Reads a response: a success status parses into `T`, any other into [`Error`].
    pub fn parse_response(&self, status: u16, body: &[u8]) -> Result<T, Error> {
        self.parse_response_with_headers(status, Vec::new(), body)
    }

    /// As [`Request::parse_response`], keeping the response headers in errors.
    pub fn parse_response_with_headers(
        &self,
        status: u16,
        headers: Vec<(String, String)>,
        body: &[u8],
    ) -> Result<T, Error> {
        if (200..300).contains(&status) {
            (self.parse)(status, body)
        } else {
            Err(Error::Service(Box::new(ServiceError::new(
                status, headers, body,
            ))))
        }
    }
}

/// Parser for JSON bodies.
pub fn parse_json<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|source| Error::Decode {
        status,
        source,
        body: body.to_vec(),
    })
}

/// Parser for binary bodies (`Stream` responses such as reports and file content).
pub fn parse_bytes(_status: u16, body: &[u8]) -> Result<Vec<u8>, Error> {
    Ok(body.to_vec())
}

/// Parser for a primitive result (a string, a number, an enum member), which Graph
/// answers as `{"value": ...}`.
#[doc(hidden)]
pub fn parse_value<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    parse_value_with(status, body, |v| {
        serde_json::from_value(Value::from(v.clone())).ok()
    })
}

/// As [`parse_value`], reading the `value` member with `convert` (dates, ids, bytes).
#[doc(hidden)]
pub fn parse_value_with<T>(
    status: u16,
    body: &[u8],
    convert: fn(&Json) -> Option<T>,
) -> Result<T, Error> {
    let json: Json = parse_json(status, body)?;
    json.get(VALUE)
        .and_then(convert)
        .ok_or_else(|| Error::Decode {
            status,
            source: serde::de::Error::custom("no `value` member of the documented type"),
            body: body.to_vec(),
        })
}

/// Parser for responses without a body (`204 No Content`).
pub fn parse_empty(_status: u16, _body: &[u8]) -> Result<NoContent, Error> {
    Ok(NoContent)
}

impl<T: Addressed> Request<T> {
    /// `$select`: the properties to return, as handles of the addressed type or of a
    /// base type (`models::User::DISPLAY_NAME`, or a tuple of them). Called again, it
    /// adds to the list.
    pub fn select(mut self, fields: impl SelectList<T::Item>) -> Self {
        let mut names = Vec::new();
        fields.names(&mut names);
        self.extend_option("$select", &names);
        self
    }

    /// `$expand`: relationships to return inline, as navigation handles, or
    /// `handle.expand_with(|n| n.select(...))` for options on the related items.
    pub fn expand(mut self, items: impl ExpandList<T::Item>) -> Self {
        let mut expanded = ExpandItems::default();
        items.items(&mut expanded);
        self.extend_option("$expand", expanded.texts());
        if expanded.uses_levels() {
            self.advanced.levels = true;
            return self.apply_advanced();
        }
        self
    }
}

impl Request<NoContent> {
    /// `$id`: the object whose reference a `DELETE …/$ref` removes, as its URL
    /// (`https://graph.microsoft.com/v1.0/users/{id}`), for relationships whose request
    /// line has no segment for the item (`/groups/{id}/acceptedSenders/$ref`). On a
    /// request that does not end in `/$ref`, the request is invalid and is not sent.
    pub fn ref_id(mut self, id: &str) -> Self {
        if !self.path.ends_with("/$ref") && self.invalid.is_none() {
            self.invalid = Some(format!(
                "`$id` names the reference to remove; `{}` does not end in `/$ref`",
                self.path
            ));
        }
        self.set_option("$id", id.to_string());
        self
    }
}

impl<T> Request<Collection<T>> {
    /// The items of a type deriving from `T` only, as `Request<Collection<D>>`: appends
    /// the cast segment (`/me/memberOf/microsoft.graph.group`), so that the service
    /// answers `D`s and `$select`, `$filter` and `$orderby` take `D`'s handles
    /// (`Group::MAIL_ENABLED`), which Graph wants for a derived type's properties on a
    /// collection of the base type. Headers, query options set so far, the timeout and
    /// whether typed options may make an advanced query stay; a second cast replaces the
    /// first.
    ///
    /// ```
    /// # use graph_runtime::odata::{IsA, ODataType};
    /// # use graph_runtime::{parse_json, Collection, PathBuilder, Request};
    /// # use serde::{de::IgnoredAny, Deserialize, Deserializer};
    /// # struct DirectoryObject;
    /// # struct Group;
    /// # impl<'de> Deserialize<'de> for Group {
    /// #     fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    /// #         IgnoredAny::deserialize(d).map(|_| Group)
    /// #     }
    /// # }
    /// # impl<'de> Deserialize<'de> for DirectoryObject {
    /// #     fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    /// #         IgnoredAny::deserialize(d).map(|_| DirectoryObject)
    /// #     }
    /// # }
    /// # impl ODataType for Group { const ODATA_TYPE: &'static str = "#microsoft.graph.group"; }
    /// # impl IsA<DirectoryObject> for Group {}
    /// // The models of a generated crate have what `cast` asks of the type.
    /// let member_of: Request<Collection<DirectoryObject>> =
    ///     Request::new(http::Method::GET, PathBuilder::new("/me/memberOf"), parse_json);
    /// let groups: Request<Collection<Group>> = member_of.cast::<Group>();
    /// assert_eq!(groups.path(), "/me/memberOf/microsoft.graph.group");
    /// ```
    pub fn cast<D>(self) -> Request<Collection<D>>
    where
        D: IsA<T> + ODataType + DeserializeOwned,
    {
        let Request {
            method,
            mut path,
            mut template,
            query,
            headers,
            body,
            mut invalid,
            timeout,
            parse: _,
            advanced,
            cast_at,
            parts,
        } = self;
        if let Some((path_len, template_len)) = cast_at {
            path.truncate(path_len);
            template.truncate(template_len);
        }
        let at = (path.len(), template.len());
        let name = D::ODATA_TYPE.trim_start_matches('#');
        if name.is_empty() {
            invalid.get_or_insert_with(|| "a cast to a type without an OData name".to_string());
        }
        // A qualified name is letters, digits, `_` and `.`: nothing to encode.
        for text in [&mut path, &mut template] {
            if !text.ends_with('/') {
                text.push('/');
            }
            text.push_str(name);
        }
        Request {
            method,
            path,
            template,
            query,
            headers,
            body,
            invalid,
            timeout,
            parse: parse_json::<Collection<D>>,
            advanced,
            cast_at: Some(at),
            parts,
        }
    }

    /// `$filter`: a typed expression over the items' properties (or a base type's).
    /// Replaces an earlier filter; combine filters with `and` / `or` first.
    pub fn filter<B>(mut self, filter: Filter<B>) -> Self
    where
        T: IsA<B>,
    {
        self.advanced.filter = filter.advanced_use();
        self.advanced.has_filter = true;
        self.parts.filter = filter.parts();
        self.set_option("$filter", filter.to_odata());
        self.apply_advanced()
    }

    /// `$orderby`: sort keys (`User::DISPLAY_NAME.desc()`, or a handle for ascending, or
    /// a tuple of them). Called again, it adds keys.
    pub fn orderby(mut self, keys: impl OrderList<T>) -> Self {
        let mut written = Vec::new();
        keys.keys(&mut written);
        let (names, parts): (Vec<String>, Vec<QueryPart>) = written.into_iter().unzip();
        self.parts.orderby.extend(parts);
        self.extend_option("$orderby", &names);
        self.advanced.orderby = true;
        self.apply_advanced()
    }

    /// `$search` for `phrase`, quoted (`"displayName:wa"`); a `"` inside is escaped.
    pub fn search(self, phrase: &str) -> Self {
        self.search_joined([phrase], "")
    }

    /// `$search` for items that match any of `phrases`: `"a" OR "b"`.
    pub fn search_any<S: AsRef<str>>(self, phrases: impl IntoIterator<Item = S>) -> Self {
        self.search_joined(phrases, " OR ")
    }

    /// `$search` for items that match all of `phrases`: `"a" AND "b"`.
    pub fn search_all<S: AsRef<str>>(self, phrases: impl IntoIterator<Item = S>) -> Self {
        self.search_joined(phrases, " AND ")
    }

    fn search_joined<S: AsRef<str>>(
        mut self,
        phrases: impl IntoIterator<Item = S>,
        joiner: &str,
    ) -> Self {
        let quoted: Vec<String> = phrases
            .into_iter()
            .map(|p| {
                let p = p.as_ref();
                format!("\"{}\"", p.replace('\\', "\\\\").replace('"', "\\\""))
            })
            .collect();
        self.set_option("$search", quoted.join(joiner));
        self.advanced.search = true;
        self.apply_advanced()
    }

    /// `$count=true`: the total number of items, in [`Collection::count`].
    pub fn count(mut self) -> Self {
        self.set_option("$count", "true".to_string());
        self.advanced.count = true;
        self.apply_advanced()
    }

    /// `$top`: at most `n` items per page.
    pub fn top(mut self, n: u32) -> Self {
        self.set_option("$top", n.to_string());
        self
    }

    /// `$skip`: leave out the first `n` items.
    pub fn skip(mut self, n: u32) -> Self {
        self.set_option("$skip", n.to_string());
        self
    }

    /// `$skiptoken`: the page that starts at `token`, a token the service issued in an
    /// `@odata.nextLink`, for resuming a listing saved part-way. Tokens are opaque:
    /// pass them as given. The client's paging follows whole links; this is for a
    /// token kept on its own.
    pub fn skip_token(mut self, token: &str) -> Self {
        self.set_option("$skiptoken", token.to_string());
        self
    }

    /// `$deltatoken`: the changes since the round that ended with `token`, the token of
    /// an `@odata.deltaLink` ([`DeltaLink::token`](super::delta::DeltaLink::token)), for a
    /// delta request resumed from a token kept on its own.
    pub fn delta_token(mut self, token: &str) -> Self {
        self.set_option("$deltatoken", token.to_string());
        self
    }
}

impl<T> Addressed for Collection<T> {
    type Item = T;
}

/// The response of an operation that returns no body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoContent;

/// One page of a collection.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Collection<T> {
    /// The items of this page.
    pub value: Vec<T>,
    /// The URL of the next page, when there is one.
    pub next_link: Option<String>,
    /// The total count (`@odata.count`), when `$count` asked for it.
    pub count: Option<i64>,
    /// Other members (`@odata.context`, `@odata.deltaLink`, ...).
    pub other: JsonObject,
}

const VALUE: &str = "value";
const NEXT_LINK: &str = "@odata.nextLink";
const COUNT: &str = "@odata.count";

// serde written out rather than derived: the crate then needs no proc-macro, and no
// syn, to build.
impl<T: serde::Serialize> serde::Serialize for Collection<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry(VALUE, &self.value)?;
        if let Some(link) = &self.next_link {
            map.serialize_entry(NEXT_LINK, link)?;
        }
        if let Some(count) = &self.count {
            map.serialize_entry(COUNT, count)?;
        }
        for (name, value) in &self.other {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de, T: DeserializeOwned> serde::Deserialize<'de> for Collection<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(CollectionVisitor(PhantomData))
    }
}

/// Reads a page in one pass: `value` straight into `Vec<T>`, the next link and the count
/// into their fields, every other member into `other`. (Reading the body into a map
/// first and converting `value` from it would build every object twice.)
struct CollectionVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for CollectionVisitor<T> {
    type Value = Collection<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a page of a collection (a JSON object)")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        /// The member's value, `null` read as absent; an error names the member.
        fn member<'de, V: serde::Deserialize<'de>, A: serde::de::MapAccess<'de>>(
            map: &mut A,
            name: &str,
        ) -> Result<Option<V>, A::Error> {
            map.next_value::<Option<V>>().map_err(|e| {
                let message = e.to_string();
                serde::de::Error::custom(format_args!("{name}: {}", without_position(&message)))
            })
        }
        let mut page = Collection {
            value: Vec::new(),
            next_link: None,
            count: None,
            other: JsonObject::new(),
        };
        while let Some(name) = map.next_key::<String>()? {
            match name.as_str() {
                VALUE => page.value = member(&mut map, VALUE)?.unwrap_or_default(),
                NEXT_LINK => page.next_link = member(&mut map, NEXT_LINK)?,
                COUNT => page.count = member(&mut map, COUNT)?,
                _ => {
                    let value = map.next_value()?;
                    page.other.insert(name, value);
                }
            }
        }
        Ok(page)
    }
}

/// A serde_json message without its trailing ` at line L column C`: the error is
/// raised again from the page's map, and serde_json adds the position once more there.
fn without_position(message: &str) -> &str {
    let Some((head, tail)) = message.rsplit_once(" at line ") else {
        return message;
    };
    let mut parts = tail.split(" column ");
    let digits =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if digits(parts.next()) && digits(parts.next()) && parts.next().is_none() {
        head
    } else {
        message
    }
}

#[cfg(test)]
mod tests;
