//! Runtime support shared by the generated models and operations.
//!
//! Models are *views* ([`Object`]): a wrapper of the JSON object the service sent, with
//! one typed getter and setter per documented property. Nothing is lost on a round trip, a
//! member is either absent, `null` or a value, and casting between a base type and a
//! derived type is free.
//!
//! Requests are plain data ([`Request`]): build one with a function from
//! [`crate::operations`], send it with any HTTP stack, and hand the status and body
//! back to [`Request::parse_response`], or send it with `crate::client` (the `client`
//! feature).
//!
//! Items hidden from these docs are what the generated code calls (member readers and
//! writers, response parsers, the `view!` and `string_enum!` macros); they are not part
//! of the API and may change in any release.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Timelike};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use bytemuck::TransparentWrapper;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub use http::Method;

/// A JSON object as `serde_json` holds it, members in the order they arrived: the pages
/// of collections keep their other members in one, and any body can be read into one.
pub type JsonObject = Map<String, Value>;

/// A view: a JSON object read and written through the getters and setters of the type
/// `T` names. Every model is an alias of one (`models::User` is
/// `Object<models::tags::User>`), so the traits below are implemented once for all of
/// them rather than once per type, which would cost the crate's compile time dearly.
///
/// `#[repr(transparent)]` over [`Members`]: a borrowed object can be borrowed as any
/// view ([`View::cast_ref`], `Deref` to the base type) at no cost. (De)serialized as the
/// object itself; `Debug` shows the type's name and the object.
#[repr(transparent)]
pub struct Object<T>(pub Members, PhantomData<fn() -> T>);

/// What a view type is; implemented by `view!` on each model's marker type.
#[doc(hidden)]
pub trait Tag {
    /// The `@odata.type` tag, e.g. `#microsoft.graph.user`; empty for request bodies.
    const ODATA_TYPE: &'static str;
    /// The name of the model type, for `Debug`.
    const NAME: &'static str;
}

// SAFETY: `Object` is `#[repr(transparent)]` over `Members` (its other field is a
// zero-sized marker), which is what `TransparentWrapper` asks.
unsafe impl<T> TransparentWrapper<Members> for Object<T> {}

impl<T: Tag> Object<T> {
    /// A new object: tagged with the type's `@odata.type`, or empty for a request body.
    pub fn new() -> Self {
        if T::ODATA_TYPE.is_empty() {
            Self(Members::new(), PhantomData)
        } else {
            Self::from_map(tagged(T::ODATA_TYPE))
        }
    }
}

impl<T: Tag> View for Object<T> {
    const ODATA_TYPE: &'static str = T::ODATA_TYPE;
}

impl<T> From<Members> for Object<T> {
    fn from(members: Members) -> Self {
        Self(members, PhantomData)
    }
}

impl<T> From<JsonObject> for Object<T> {
    fn from(map: JsonObject) -> Self {
        Self(Members::from(map), PhantomData)
    }
}

impl<T> From<Object<T>> for JsonObject {
    fn from(object: Object<T>) -> Self {
        object.0.into()
    }
}

impl<T> Clone for Object<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone(), PhantomData)
    }
}

impl<T> Default for Object<T> {
    fn default() -> Self {
        Self(Members::new(), PhantomData)
    }
}

impl<T> PartialEq for Object<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T: Tag> fmt::Debug for Object<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple(T::NAME).field(&self.0).finish()
    }
}

impl<T> serde::Serialize for Object<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&self.0, s)
    }
}

impl<'de, T> serde::Deserialize<'de> for Object<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(MembersVisitor { top: true }).map(|members| Object(members, PhantomData))
    }
}

/// What every model view can do, whatever its type.
pub trait View: TransparentWrapper<Members> + Sized {
    /// The `@odata.type` tag of this type, e.g. `#microsoft.graph.user`.
    const ODATA_TYPE: &'static str;

    /// The view of an object.
    fn from_map(members: Members) -> Self {
        Self::wrap(members)
    }
    /// The object's members, for reading any of them as raw JSON.
    fn as_map(&self) -> &Members {
        Self::peel_ref(self)
    }
    /// The object's members, to change any of them by name.
    fn as_map_mut(&mut self) -> &mut Members {
        Self::peel_mut(self)
    }
    /// The object, without the view.
    fn into_map(self) -> Members {
        Self::peel(self)
    }

    /// The `@odata.type` member, if present.
    fn odata_type(&self) -> Option<&str> {
        self.as_map().get("@odata.type").and_then(Json::as_str)
    }

    /// The raw JSON of a member, for members this crate does not know.
    fn get(&self, name: &str) -> Option<&Json> {
        self.as_map().get(name)
    }

    /// Sets a member to JSON `null` (PATCH: clear the value).
    fn set_null(&mut self, name: &str) -> &mut Self {
        self.as_map_mut().insert(name, Json::Null);
        self
    }

    /// Removes a member (PATCH: leave the value alone).
    fn remove(&mut self, name: &str) -> &mut Self {
        self.as_map_mut().remove(name);
        self
    }

    /// Views the same object as another type, without checking its `@odata.type`.
    fn cast<U: View>(self) -> U {
        U::from_map(self.into_map())
    }

    /// Borrows the same object as another type, without checking its `@odata.type`.
    fn cast_ref<U: View>(&self) -> &U {
        U::wrap_ref(self.as_map())
    }
}

/// A new object holding only its `@odata.type` tag.
#[doc(hidden)]
pub fn tagged(odata_type: &str) -> Members {
    let mut members = Members::new();
    members.insert("@odata.type", Json::from(odata_type));
    members
}

// ---------- the views' JSON ----------

/// A JSON value as the views hold it: 24 bytes (a `serde_json::Value` with
/// `preserve_order` is 80), objects as [`Members`]. Converts to and from
/// `serde_json::Value` with `From`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Json {
    #[default]
    /// JSON `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json keeps it (integers stay exact).
    Number(serde_json::Number),
    /// A string.
    String(Box<str>),
    /// An array.
    Array(Box<[Json]>),
    /// An object, members in the order they arrived.
    Object(Members),
}

const _: () = assert!(std::mem::size_of::<Json>() == 24);

impl Json {
    /// Whether this is JSON `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }
    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// The number, if this is one.
    pub fn as_number(&self) -> Option<&serde_json::Number> {
        match self {
            Json::Number(n) => Some(n),
            _ => None,
        }
    }
    /// The number as an `i64`, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(serde_json::Number::as_i64)
    }
    /// The number as a `u64`, if it is an integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number().and_then(serde_json::Number::as_u64)
    }
    /// The number as an `f64`, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().and_then(serde_json::Number::as_f64)
    }
    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }
    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&Members> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }
    /// A member of an object; `None` for anything else.
    pub fn get(&self, name: &str) -> Option<&Json> {
        self.as_object()?.get(name)
    }
}

macro_rules! json_from {
    ($($t:ty => $variant:ident),*) => {$(
        impl From<$t> for Json {
            fn from(v: $t) -> Self {
                Json::$variant(v.into())
            }
        }
    )*};
}
json_from!(bool => Bool, u8 => Number, i8 => Number, i16 => Number, i32 => Number, i64 => Number, u64 => Number,
    &str => String, String => String, Members => Object);

impl From<Vec<Json>> for Json {
    fn from(items: Vec<Json>) -> Self {
        Json::Array(items.into_boxed_slice())
    }
}

impl From<Value> for Json {
    fn from(v: Value) -> Self {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(b),
            Value::Number(n) => Json::Number(n),
            Value::String(s) => Json::String(s.into_boxed_str()),
            Value::Array(items) => items.into_iter().map(Json::from).collect::<Vec<_>>().into(),
            Value::Object(map) => Json::Object(map.into()),
        }
    }
}

impl From<Json> for Value {
    fn from(v: Json) -> Self {
        match v {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Number(n) => Value::Number(n),
            Json::String(s) => Value::String(s.into_string()),
            Json::Array(items) => Value::Array(items.into_vec().into_iter().map(Value::from).collect()),
            Json::Object(members) => Value::Object(members.into()),
        }
    }
}

impl PartialEq<Value> for Json {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Json::Null, Value::Null) => true,
            (Json::Bool(a), Value::Bool(b)) => a == b,
            (Json::Number(a), Value::Number(b)) => a == b,
            (Json::String(a), Value::String(b)) => **a == **b,
            (Json::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y),
            (Json::Object(a), Value::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(name, x)| b.get(name).is_some_and(|y| x == y))
            }
            _ => false,
        }
    }
}

impl fmt::Display for Json {
    /// Compact JSON text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

/// The members of a JSON object, in the order they arrived, a name at most once.
///
/// A boxed slice searched in order rather than a hash map: objects are small, and a
/// slice costs 16 bytes and one allocation. A name is shared with the objects read
/// before it (objects of a page are alike), so reading one allocates no name.
#[derive(Clone, Default)]
pub struct Members(Box<[(Name, Json)]>);

/// A member's name, shared by the objects that have it: a thin pointer (8 bytes, where
/// `Arc<str>` takes 16), which makes a member 32 bytes.
type Name = Arc<Box<str>>;

const _: () = assert!(std::mem::size_of::<(Name, Json)>() == 32);

impl Members {
    /// An object without members.
    pub fn new() -> Self {
        Self::default()
    }
    /// How many members the object has.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether the object has no members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn position(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|(n, _)| ***n == *name)
    }
    /// The member named `name`.
    pub fn get(&self, name: &str) -> Option<&Json> {
        self.0.iter().find(|(n, _)| ***n == *name).map(|(_, v)| v)
    }
    /// The member named `name`, to change it.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Json> {
        self.0.iter_mut().find(|(n, _)| ***n == *name).map(|(_, v)| v)
    }
    /// Whether the object has a member named `name` (`null` counts).
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_some()
    }
    /// Sets a member: in its place when the object has it, else at the end. Returns
    /// the value it replaces.
    pub fn insert(&mut self, name: &str, value: Json) -> Option<Json> {
        if let Some(old) = self.get_mut(name) {
            return Some(std::mem::replace(old, value));
        }
        // Objects are written a member at a time only when built by hand, so growing
        // the slice by one each time costs less than keeping a spare capacity in all.
        let mut members = std::mem::take(&mut self.0).into_vec();
        members.push((shared_name(name), value));
        self.0 = members.into_boxed_slice();
        None
    }
    /// Removes a member, keeping the others in order. Returns its value.
    pub fn remove(&mut self, name: &str) -> Option<Json> {
        let i = self.position(name)?;
        let mut members = std::mem::take(&mut self.0).into_vec();
        let (_, value) = members.remove(i);
        self.0 = members.into_boxed_slice();
        Some(value)
    }
    /// Names and values, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json)> {
        self.0.iter().map(|(n, v)| (&***n, v))
    }
    /// The members' names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| &***n)
    }
}

impl PartialEq for Members {
    /// Equal when they have the same members, whatever their order (as
    /// `serde_json::Map`).
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(name, v)| other.get(name) == Some(v))
    }
}

impl fmt::Debug for Members {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl From<JsonObject> for Members {
    fn from(map: JsonObject) -> Self {
        // `serde_json::Map` holds a name once, so no member replaces another.
        Self(map.into_iter().map(|(n, v)| (shared_name(&n), Json::from(v))).collect())
    }
}

impl From<Members> for JsonObject {
    fn from(members: Members) -> Self {
        members.0.into_vec().into_iter().map(|(n, v)| (n.to_string(), Value::from(v))).collect()
    }
}

impl<'a> FromIterator<(&'a str, Json)> for Members {
    /// A repeated name keeps its first place and its last value.
    fn from_iter<I: IntoIterator<Item = (&'a str, Json)>>(members: I) -> Self {
        let mut out = Members::new();
        let mut list = Vec::new();
        for (name, value) in members {
            match list.iter_mut().find(|(n, _): &&mut (Name, Json)| ***n == *name) {
                Some((_, old)) => *old = value,
                None => list.push((shared_name(name), value)),
            }
        }
        out.0 = list.into_boxed_slice();
        out
    }
}

// ---------- reading and writing the views' JSON ----------

/// How many names [`shared_name`] remembers.
const SHARED_NAMES: usize = 1024;

std::thread_local! {
    /// Names read lately, by a hash of their text: the next object of a page finds its
    /// names here rather than allocating them again.
    static NAMES: std::cell::RefCell<Vec<Option<Name>>> = std::cell::RefCell::new(vec![None; SHARED_NAMES]);

    /// How many members the last object read had: the objects of a page are alike, so
    /// the next one is allocated at that size rather than grown to it.
    static LAST_OBJECT_LEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The most members allocated for ahead of reading them.
const MAX_PREALLOCATED_MEMBERS: usize = 1024;

/// `name` as a shared [`Name`]: the one read lately when there is one (one allocation
/// for all the objects of a page), else a new one, remembered in place of another.
fn shared_name(name: &str) -> Name {
    // The slot from the length and the first and last eight bytes: cheaper than hashing
    // every byte, and names of one type seldom agree on all three. Two that do take
    // turns in the slot, each then allocated anew.
    let word = |part: &[u8]| {
        let mut buf = [0u8; 8];
        buf[..part.len()].copy_from_slice(part);
        u64::from_le_bytes(buf)
    };
    let bytes = name.as_bytes();
    let (head, tail) = (&bytes[..bytes.len().min(8)], &bytes[bytes.len().saturating_sub(8)..]);
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut hash = (bytes.len() as u64).wrapping_mul(K);
    hash = (hash ^ word(head)).wrapping_mul(K);
    hash = (hash ^ word(tail)).wrapping_mul(K);
    let slot = (hash >> 54) as usize % SHARED_NAMES;
    let remembered = NAMES.try_with(|names| {
        let mut names = names.try_borrow_mut().ok()?;
        let entry = names.get_mut(slot)?;
        match entry {
            Some(known) if ***known == *name => Some(known.clone()),
            _ => {
                let new: Name = Arc::new(name.into());
                *entry = Some(new.clone());
                Some(new)
            }
        }
    });
    // Only while the thread is being torn down is there no cache to ask.
    remembered.ok().flatten().unwrap_or_else(|| Arc::new(name.into()))
}

struct NameVisitor;

impl serde::de::Visitor<'_> for NameVisitor {
    type Value = Name;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E>(self, name: &str) -> Result<Name, E> {
        Ok(shared_name(name))
    }
}

struct NameSeed;

impl<'de> serde::de::DeserializeSeed<'de> for NameSeed {
    type Value = Name;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Name, D::Error> {
        d.deserialize_str(NameVisitor)
    }
}

/// Reads an object as `serde_json::Map` does (members in order, the last of a repeated
/// name wins, a unit an empty object). `top`: a view's own object, allocated at the size
/// of the one before ([`LAST_OBJECT_LEN`]); nested objects start small.
struct MembersVisitor {
    top: bool,
}

impl<'de> serde::de::Visitor<'de> for MembersVisitor {
    type Value = Members;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_unit<E>(self) -> Result<Members, E> {
        Ok(Members::new())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
        let guess = if self.top { LAST_OBJECT_LEN.with(|n| n.get()) } else { 4 };
        let mut members: Vec<(Name, Json)> =
            Vec::with_capacity(map.size_hint().unwrap_or(guess).min(MAX_PREALLOCATED_MEMBERS));
        while let Some(name) = map.next_key_seed(NameSeed)? {
            let value: Json = map.next_value()?;
            match members.iter_mut().find(|(n, _)| *n == name) {
                Some((_, old)) => *old = value,
                None => members.push((name, value)),
            }
        }
        if self.top {
            LAST_OBJECT_LEN.with(|n| n.set(members.len()));
        }
        Ok(Members(members.into_boxed_slice()))
    }
}

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(MembersVisitor { top: false })
    }
}

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Json;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        serde::Deserialize::deserialize(d)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
        Ok(Json::Number(n.into()))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
        Ok(Json::Number(n.into()))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Json, E> {
        // As `serde_json::Value`: a number JSON cannot write is null.
        Ok(serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number))
    }
    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::String(s.into()))
    }
    fn visit_string<E>(self, s: String) -> Result<Json, E> {
        Ok(Json::String(s.into_boxed_str()))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_PREALLOCATED_MEMBERS));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items.into_boxed_slice()))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Json, A::Error> {
        MembersVisitor { top: false }.visit_map(map).map(Json::Object)
    }
}

impl serde::Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Number(n) => serde::Serialize::serialize(n, s),
            Json::String(text) => s.serialize_str(text),
            Json::Array(items) => s.collect_seq(items.iter()),
            Json::Object(members) => serde::Serialize::serialize(members, s),
        }
    }
}

impl serde::Serialize for Members {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

// ---------- reading members ----------

#[doc(hidden)]
pub fn get_str<'a>(map: &'a Members, name: &str) -> Option<&'a str> {
    map.get(name).and_then(as_str)
}

#[doc(hidden)]
pub fn get_with<'a, T>(map: &'a Members, name: &str, convert: fn(&'a Json) -> Option<T>) -> Option<T> {
    map.get(name).and_then(convert)
}

/// A collection member; items of the wrong JSON kind are skipped (the raw JSON stays
/// available through [`View::get`]).
#[doc(hidden)]
pub fn get_list<'a, T>(map: &'a Members, name: &str, convert: fn(&'a Json) -> Option<T>) -> Option<Vec<T>> {
    map.get(name)
        .and_then(Json::as_array)
        .map(|items| items.iter().filter_map(convert).collect())
}

#[doc(hidden)]
pub fn as_str(v: &Json) -> Option<&str> {
    v.as_str()
}

#[doc(hidden)]
pub fn as_bool(v: &Json) -> Option<bool> {
    v.as_bool()
}

#[doc(hidden)]
pub fn as_i64(v: &Json) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

#[doc(hidden)]
pub fn as_i32(v: &Json) -> Option<i32> {
    as_i64(v).and_then(|n| n.try_into().ok())
}

#[doc(hidden)]
pub fn as_i16(v: &Json) -> Option<i16> {
    as_i64(v).and_then(|n| n.try_into().ok())
}

#[doc(hidden)]
pub fn as_i8(v: &Json) -> Option<i8> {
    as_i64(v).and_then(|n| n.try_into().ok())
}

#[doc(hidden)]
pub fn as_u8(v: &Json) -> Option<u8> {
    as_i64(v).and_then(|n| n.try_into().ok())
}

/// Numbers, and the strings OData uses for special values (`NaN`, `INF`, `-INF`).
#[doc(hidden)]
pub fn as_f64(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => match &**s {
            "NaN" => Some(f64::NAN),
            "INF" => Some(f64::INFINITY),
            "-INF" => Some(f64::NEG_INFINITY),
            other => other.parse().ok(),
        },
        _ => None,
    }
}

#[doc(hidden)]
pub fn as_datetime(v: &Json) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(v.as_str()?).ok()
}

#[doc(hidden)]
pub fn as_date(v: &Json) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v.as_str()?, "%Y-%m-%d").ok()
}

#[doc(hidden)]
pub fn as_time(v: &Json) -> Option<NaiveTime> {
    let s = v.as_str()?;
    NaiveTime::parse_from_str(s, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M"))
        .ok()
}

#[doc(hidden)]
pub fn as_uuid(v: &Json) -> Option<uuid::Uuid> {
    uuid::Uuid::parse_str(v.as_str()?).ok()
}

/// Base64 in either alphabet, padded or not.
#[doc(hidden)]
pub fn as_bytes(v: &Json) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let s = v.as_str()?;
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::URL_SAFE,
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines.iter().find_map(|e| e.decode(s).ok())
}

#[doc(hidden)]
pub fn as_view<T: View>(v: &Json) -> Option<&T> {
    v.as_object().map(T::wrap_ref)
}

#[doc(hidden)]
pub fn as_enum<'a, E: From<&'a str>>(v: &'a Json) -> Option<E> {
    v.as_str().map(E::from)
}

/// A flags value: comma-separated members.
#[doc(hidden)]
pub fn as_flags<'a, E: From<&'a str>>(v: &'a Json) -> Option<Vec<E>> {
    let s = v.as_str()?;
    Some(
        s.split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(E::from)
            .collect(),
    )
}

// ---------- writing members ----------

#[doc(hidden)]
pub fn put(map: &mut Members, name: &str, value: Json) {
    map.insert(name, value);
}

#[doc(hidden)]
pub fn datetime_value(v: DateTime<FixedOffset>) -> Json {
    Json::from(format_datetime(&v))
}

/// RFC 3339 with as many fractional digits as needed (Graph sends up to seven), and `Z`
/// for UTC.
#[doc(hidden)]
pub fn format_datetime(v: &DateTime<FixedOffset>) -> String {
    let mut out = v.format("%Y-%m-%dT%H:%M:%S").to_string();
    push_fraction(&mut out, v.nanosecond());
    if v.offset().local_minus_utc() == 0 {
        out.push('Z');
    } else {
        out.push_str(&v.format("%:z").to_string());
    }
    out
}

fn push_fraction(out: &mut String, nanos: u32) {
    let nanos = nanos % 1_000_000_000;
    if nanos != 0 {
        let digits = format!("{nanos:09}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

#[doc(hidden)]
pub fn date_value(v: NaiveDate) -> Json {
    Json::from(v.format("%Y-%m-%d").to_string())
}

#[doc(hidden)]
pub fn time_value(v: NaiveTime) -> Json {
    let mut out = v.format("%H:%M:%S").to_string();
    push_fraction(&mut out, v.nanosecond());
    Json::from(out)
}

#[doc(hidden)]
pub fn bytes_value(v: &[u8]) -> Json {
    use base64::Engine as _;
    Json::from(base64::engine::general_purpose::STANDARD.encode(v))
}

#[doc(hidden)]
pub fn f64_value(v: f64) -> Json {
    if v.is_nan() {
        Json::from("NaN".to_string())
    } else if v.is_infinite() {
        Json::from(if v > 0.0 { "INF" } else { "-INF" }.to_string())
    } else {
        serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number)
    }
}

#[doc(hidden)]
pub fn string_value(v: &str) -> Json {
    Json::from(v.to_string())
}

#[doc(hidden)]
pub fn into_string_value<S: Into<String>>(v: S) -> Json {
    Json::from(Into::<String>::into(v))
}

#[doc(hidden)]
pub fn uuid_value(v: uuid::Uuid) -> Json {
    Json::from(v.to_string())
}

#[doc(hidden)]
pub fn owned_bytes_value(v: Vec<u8>) -> Json {
    bytes_value(&v)
}

#[doc(hidden)]
pub fn view_value<V: View>(v: &V) -> Json {
    Json::Object(v.as_map().clone())
}

#[doc(hidden)]
pub fn owned_view_value<V: View>(v: V) -> Json {
    Json::Object(v.into_map())
}

#[doc(hidden)]
pub fn enum_value<E: AsRef<str>>(v: E) -> Json {
    Json::from(v.as_ref().to_string())
}

/// Raw JSON, from a `Json` or a `serde_json::Value`.
#[doc(hidden)]
pub fn into_json<V: Into<Json>>(v: V) -> Json {
    v.into()
}

/// A JSON array of `items`, each converted by `item` (one instantiation per item type,
/// shared by every collection setter of that type).
#[doc(hidden)]
pub fn list_value<T>(items: impl IntoIterator<Item = T>, item: fn(T) -> Json) -> Json {
    Json::Array(items.into_iter().map(item).collect())
}

#[doc(hidden)]
pub fn flags_value<E: AsRef<str>>(members: impl IntoIterator<Item = E>) -> Json {
    let parts: Vec<String> = members.into_iter().map(|m| m.as_ref().to_string()).collect();
    Json::from(parts.join(","))
}

// ---------- paths ----------

/// Everything but unreserved characters is encoded, so a value is always one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Builds a request path from literal parts and encoded parameter values, and beside
/// it the path's template, each value replaced by `{}` (for logs: ids and names stay
/// out of them).
#[derive(Debug, Default)]
pub struct PathBuilder {
    path: String,
    template: String,
    invalid: Option<String>,
}

impl PathBuilder {
    /// A path starting with the literal text `first` (`/users`).
    pub fn new(first: &str) -> Self {
        Self {
            path: first.to_string(),
            template: first.to_string(),
            invalid: None,
        }
    }

    /// Appends literal text, as it is.
    pub fn literal(mut self, text: &str) -> Self {
        self.path.push_str(text);
        self.template.push_str(text);
        self
    }

    /// One path segment. Empty values and `.`/`..` could change the path, so they
    /// make the request invalid.
    pub fn segment(mut self, value: &str) -> Self {
        self.check(value);
        self.path.extend(utf8_percent_encode(value, SEGMENT));
        self.template.push_str("{}");
        self
    }

    /// An OData string literal between quotes: `'` doubles before encoding.
    pub fn quoted(mut self, value: &str) -> Self {
        let doubled = value.replace('\'', "''");
        self.path.extend(utf8_percent_encode(&doubled, SEGMENT));
        self.template.push_str("{}");
        self
    }

    /// Path-based addressing (`root:/{item-path}:`): each `/`-separated part is one
    /// encoded segment.
    pub fn path(mut self, value: &str) -> Self {
        for (i, part) in value.trim_matches('/').split('/').enumerate() {
            if i > 0 {
                self.path.push('/');
            }
            self.check(part);
            self.path.extend(utf8_percent_encode(part, SEGMENT));
        }
        self.template.push_str("{}");
        self
    }

    fn check(&mut self, value: &str) {
        if self.invalid.is_none() && (value.is_empty() || value == "." || value == "..") {
            self.invalid = Some(format!(
                "the path parameter value {value:?} would change the request path"
            ));
        }
    }

    /// The encoded path, and why it is invalid when a value could not be encoded.
    pub fn finish(self) -> (String, Option<String>) {
        (self.path, self.invalid)
    }

    /// The path so far with every parameter value as `{}`.
    pub fn template(&self) -> &str {
        &self.template
    }
}

// ---------- OData query options ----------

/// The OData system query options. Only set what the operation supports; see its
/// documentation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ODataQuery {
    /// `$select`: the properties to return.
    pub select: Vec<String>,
    /// `$filter`: an OData filter expression.
    pub filter: Option<String>,
    /// `$expand`: the relationships to return inline.
    pub expand: Vec<String>,
    /// `$orderby`: sort keys, each optionally followed by `asc` or `desc`.
    pub orderby: Vec<String>,
    /// `$top`: the page size.
    pub top: Option<u32>,
    /// `$skip`: how many items to skip.
    pub skip: Option<u32>,
    /// `$count`: whether to return the total count.
    pub count: Option<bool>,
    /// `$search`: a search phrase.
    pub search: Option<String>,
}

impl ODataQuery {
    /// No query options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds properties to `$select`.
    pub fn select<S: Into<String>>(mut self, properties: impl IntoIterator<Item = S>) -> Self {
        self.select.extend(properties.into_iter().map(Into::into));
        self
    }

    /// Sets `$filter`.
    pub fn filter(mut self, expression: impl Into<String>) -> Self {
        self.filter = Some(expression.into());
        self
    }

    /// Adds relationships to `$expand`.
    pub fn expand<S: Into<String>>(mut self, relations: impl IntoIterator<Item = S>) -> Self {
        self.expand.extend(relations.into_iter().map(Into::into));
        self
    }

    /// Adds sort keys to `$orderby`.
    pub fn orderby<S: Into<String>>(mut self, keys: impl IntoIterator<Item = S>) -> Self {
        self.orderby.extend(keys.into_iter().map(Into::into));
        self
    }

    /// Sets `$top`.
    pub fn top(mut self, n: u32) -> Self {
        self.top = Some(n);
        self
    }

    /// Sets `$skip`.
    pub fn skip(mut self, n: u32) -> Self {
        self.skip = Some(n);
        self
    }

    /// Sets `$count`.
    pub fn count(mut self, yes: bool) -> Self {
        self.count = Some(yes);
        self
    }

    /// Sets `$search`.
    pub fn search(mut self, phrase: impl Into<String>) -> Self {
        self.search = Some(phrase.into());
        self
    }

    /// `(name, value)` pairs, unencoded, in a fixed order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let list = |v: &Vec<String>| v.join(",");
        if !self.select.is_empty() {
            out.push(("$select", list(&self.select)));
        }
        if let Some(f) = &self.filter {
            out.push(("$filter", f.clone()));
        }
        if !self.expand.is_empty() {
            out.push(("$expand", list(&self.expand)));
        }
        if !self.orderby.is_empty() {
            out.push(("$orderby", list(&self.orderby)));
        }
        if let Some(n) = self.top {
            out.push(("$top", n.to_string()));
        }
        if let Some(n) = self.skip {
            out.push(("$skip", n.to_string()));
        }
        if let Some(c) = self.count {
            out.push(("$count", c.to_string()));
        }
        if let Some(s) = &self.search {
            out.push(("$search", s.clone()));
        }
        out
    }
}

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
}

impl<T> fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body", &self.body.as_ref().map(|b| String::from_utf8_lossy(b)))
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl<T> Request<T> {
    /// A request of `method` to `path`, whose response `parse` reads (e.g. [`parse_json`]):
    /// for requests the generated functions do not cover.
    pub fn new(method: Method, path: PathBuilder, parse: fn(u16, &[u8]) -> Result<T, Error>) -> Self {
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
        }
    }

    /// Sets a body of any other type than JSON, such as file content, with its
    /// `Content-Type`.
    pub fn bytes(mut self, content_type: &str, body: Vec<u8>) -> Self {
        self.body = Some(body);
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
        self.headers.push(("Content-Type".to_string(), content_type.to_string()));
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
                self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
                self.headers.push(("Content-Type".to_string(), "application/json".to_string()));
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
        self.body.as_deref().and_then(|b| serde_json::from_slice(b).ok())
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
        let uri = format!("{}{}", base_url.trim_end_matches('/'), self.path_and_query());
        let mut builder = http::Request::builder().method(self.method.clone()).uri(uri);
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
            Err(Error::Service(Box::new(ServiceError::new(status, headers, body))))
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
    parse_value_with(status, body, |v| serde_json::from_value(Value::from(v.clone())).ok())
}

/// As [`parse_value`], reading the `value` member with `convert` (dates, ids, bytes).
#[doc(hidden)]
pub fn parse_value_with<T>(
    status: u16,
    body: &[u8],
    convert: fn(&Json) -> Option<T>,
) -> Result<T, Error> {
    let json: Json = parse_json(status, body)?;
    json.get(VALUE).and_then(convert).ok_or_else(|| Error::Decode {
        status,
        source: serde::de::Error::custom("no `value` member of the documented type"),
        body: body.to_vec(),
    })
}

/// Parser for responses without a body (`204 No Content`).
pub fn parse_empty(_status: u16, _body: &[u8]) -> Result<NoContent, Error> {
    Ok(NoContent)
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
    let digits = |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if digits(parts.next()) && digits(parts.next()) && parts.next().is_none() {
        head
    } else {
        message
    }
}

// ---------- retries ----------

/// When and how long to wait before sending a request again; the executor of `client`
/// and the `$batch` rounds of [`crate::batch`] follow it.
///
/// Responses `429 Too Many Requests`, `503 Service Unavailable` and
/// `504 Gateway Timeout` are retried, whatever the method: Graph asks clients to retry
/// them. Every request can be replayed, because its body is bytes held in memory.
/// A `Retry-After` header (seconds, decimal seconds or an HTTP date) gives the wait;
/// without one the wait doubles from [`RetryPolicy::initial_delay`]. When the service
/// asks for more than [`RetryPolicy::max_delay`], the request is not retried early:
/// its error is returned, and its headers still hold `Retry-After`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; `1` never retries.
    pub max_attempts: u32,
    /// The wait before the first retry when the response has no `Retry-After`.
    pub initial_delay: Duration,
    /// The longest wait: backoff stops growing here, and a longer `Retry-After` ends
    /// the retries.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Four attempts, waits of 1 s, 2 s and 4 s without `Retry-After`, at most 60 s.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that sends every request once.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Whether a response with this status may be retried at all.
    pub fn retries_status(status: u16) -> bool {
        matches!(status, 429 | 503 | 504)
    }

    /// How long to wait before attempt `attempt + 1`, after attempt `attempt`
    /// (counted from 1) got `status` with this `Retry-After` value; `None` when the
    /// response is final.
    pub fn delay(&self, attempt: u32, status: u16, retry_after: Option<&str>) -> Option<Duration> {
        if !Self::retries_status(status) || attempt >= self.max_attempts {
            return None;
        }
        match retry_after.and_then(|v| parse_retry_after(v, SystemTime::now())) {
            Some(asked) if asked > self.max_delay => None,
            Some(asked) => Some(asked),
            None => {
                let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
                Some(self.initial_delay.saturating_mul(factor).min(self.max_delay))
            }
        }
    }
}

/// `Retry-After` as a wait from `now`: delay-seconds (RFC 9110), decimal seconds (which
/// some services send) or an HTTP date. A date already past means no wait; a negative
/// or unreadable value is `None`.
#[doc(hidden)]
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        if let Ok(seconds) = value.parse::<f64>() {
            return Duration::try_from_secs_f64(seconds).ok();
        }
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

// ---------- errors ----------

/// What can go wrong with a request. More variants may come, hence `#[non_exhaustive]`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error status.
    Service(Box<ServiceError>),
    /// A success response whose body does not have the expected shape.
    Decode {
        /// The response status.
        status: u16,
        /// What did not fit.
        source: serde_json::Error,
        /// The body as received.
        body: Vec<u8>,
    },
    /// The request cannot be sent (a path parameter that would change the path, a
    /// header that is not valid).
    InvalidRequest(String),
    /// No response arrived: the connection, TLS or the HTTP stack failed, or the time
    /// ran out. Boxed, so that any HTTP stack can report through it.
    Transport(Box<dyn std::error::Error + Send + Sync>),
    /// No access token could be had; nothing was sent. The source says why: for the
    /// token providers of `client`, an `auth::SignInError` with the sign-in
    /// service's error code and description.
    SignIn(Box<dyn std::error::Error + Send + Sync>),
    /// The service's answer does not follow the protocol of a workflow: a `$batch`
    /// response without an answer for an item, an upload session without its
    /// `nextExpectedRanges`.
    Protocol(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(e) => e.fmt(f),
            Error::Decode { status, source, .. } => {
                write!(f, "the {status} response body could not be read: {source}")
            }
            Error::InvalidRequest(reason) => write!(f, "invalid request: {reason}"),
            Error::Transport(source) => write!(f, "the request failed: {source}"),
            Error::SignIn(source) => write!(f, "no access token: {source}"),
            Error::Protocol(what) => write!(f, "unexpected answer from the service: {what}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Transport(source) | Error::SignIn(source) => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// An error status with the Graph error body, when the body is one.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceError {
    /// The HTTP status.
    pub status: u16,
    /// The response headers (`request-id`, `client-request-id`, `Retry-After`, ...).
    pub headers: Vec<(String, String)>,
    /// The parsed `error` object; `None` when the body is not a Graph error (an HTML
    /// page from a proxy, an empty body).
    pub error: Option<GraphError>,
    /// The body as received.
    pub body: Vec<u8>,
}

impl ServiceError {
    /// The error of a response with an error status: the Graph error read from `body`
    /// when it is one.
    pub fn new(status: u16, headers: Vec<(String, String)>, body: &[u8]) -> Self {
        let error = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| GraphError::from_json(&v));
        Self {
            status,
            headers,
            error,
            body: body.to_vec(),
        }
    }

    /// The Graph error code (`Request_ResourceNotFound`, `itemNotFound`, ...).
    pub fn code(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.code.as_str())
    }

    /// The value of a response header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error {
            Some(e) => write!(f, "the service answered {}: {}: {}", self.status, e.code, e.message),
            None => {
                let text = String::from_utf8_lossy(&self.body);
                let snippet: String = text.chars().take(200).collect();
                write!(f, "the service answered {} with a body that is not a Graph error: {snippet}", self.status)
            }
        }
    }
}

/// The `error` object of a Graph error response.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphError {
    /// The error code, e.g. `Request_ResourceNotFound`.
    pub code: String,
    /// What went wrong, for a person.
    pub message: String,
    /// The ids that identify the request to Microsoft support.
    pub inner_error: Option<InnerError>,
    /// The whole `error` object, for members not modelled here (`details`, ...).
    pub raw: Value,
}

/// The `innerError` object of a Graph error: ids of the failed request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InnerError {
    /// The service's id of the request (`request-id`).
    pub request_id: Option<String>,
    /// The id the client sent (`client-request-id`).
    pub client_request_id: Option<String>,
    /// When the request failed, as the service wrote it.
    pub date: Option<String>,
}

impl GraphError {
    /// The `error` object of a response body, if it has one.
    pub fn from_json(body: &Value) -> Option<Self> {
        let error = body.get("error")?;
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let inner = error.get("innerError").or_else(|| error.get("innererror"));
        Some(Self {
            code: text(error, "code")?,
            message: text(error, "message").unwrap_or_default(),
            inner_error: inner.map(|i| InnerError {
                request_id: text(i, "request-id"),
                client_request_id: text(i, "client-request-id"),
                date: text(i, "date"),
            }),
            raw: error.clone(),
        })
    }
}

/// Declares what the view type `$name` (an alias of [`Object`]) is: its `@odata.type`
/// tag, on the marker type `tags::$name` beside it; with a base type, also `Deref` to
/// it, so inherited getters and setters are the base type's.
#[doc(hidden)]
#[macro_export]
macro_rules! view {
    ($name:ident) => {
        $crate::view!($name, "");
    };
    ($name:ident, $tag:literal) => {
        impl $crate::runtime::Tag for tags::$name {
            const ODATA_TYPE: &'static str = $tag;
            const NAME: &'static str = stringify!($name);
        }
    };
    ($name:ident, $tag:literal, $base:ident) => {
        $crate::view!($name, $tag);
        impl std::ops::Deref for $name {
            type Target = $base;
            fn deref(&self) -> &$base {
                <$base as bytemuck::TransparentWrapper<$crate::runtime::Members>>::wrap_ref(&self.0)
            }
        }
        impl std::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut $base {
                <$base as bytemuck::TransparentWrapper<$crate::runtime::Members>>::wrap_mut(&mut self.0)
            }
        }
    };
}

/// Implements a string enum's traits through its `as_str` and `From<&str>`: serde,
/// `Display`, and equality, hashing and cloning by spelling. Written here rather than
/// derived: a derive matches over every member once per trait, which costs seconds
/// over three hundred enums.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum {
    ($name:ident) => {
        impl Clone for $name {
            fn clone(&self) -> Self {
                Self::from(self.as_str())
            }
        }
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }
        impl Eq for $name {}
        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Ok(Self::from(s.as_ref()))
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_keep_seven_fraction_digits() {
        let v = Json::from("2016-12-31T23:58:21.6459442-08:00");
        let dt = as_datetime(&v).unwrap();
        assert_eq!(datetime_value(dt), v);
        let utc = Json::from("2021-01-01T00:00:00Z");
        assert_eq!(datetime_value(as_datetime(&utc).unwrap()), utc);
    }

    #[test]
    fn segments_cannot_change_the_path() {
        let (p, invalid) = PathBuilder::new("/users/").segment("a/b?c#d%e").finish();
        assert_eq!(p, "/users/a%2Fb%3Fc%23d%25e");
        assert!(invalid.is_none());
        let (_, invalid) = PathBuilder::new("/users/").segment("..").finish();
        assert!(invalid.is_some());
        let (p, _) = PathBuilder::new("/sites('").quoted("it's").literal("')").finish();
        assert_eq!(p, "/sites('it%27%27s')");
        let (p, _) = PathBuilder::new("/me/drive/root:/").path("a b/c.txt").literal(":/content").finish();
        assert_eq!(p, "/me/drive/root:/a%20b/c.txt:/content");
    }

    #[test]
    fn primitive_results_are_read_from_their_value_member() {
        let body = br#"{"@odata.context": "x", "value": "Pacific Standard Time"}"#;
        assert_eq!(
            parse_value::<String>(200, body).unwrap(),
            "Pacific Standard Time"
        );
        let body = br#"{"value": "2021-07-01T10:00:00.5Z"}"#;
        let at = parse_value_with(200, body, as_datetime).unwrap();
        assert_eq!(at.timestamp_subsec_millis(), 500);
        // A body without `value`, or of another type, is a decode error, not a panic.
        assert!(matches!(
            parse_value::<bool>(200, br#"{"result": true}"#),
            Err(Error::Decode { status: 200, .. })
        ));
        assert!(parse_value::<bool>(200, br#"{"value": "yes"}"#).is_err());
    }

    #[test]
    fn graph_errors_parse_and_non_json_errors_still_explain() {
        let body = br#"{"error":{"code":"itemNotFound","message":"gone","innerError":{"request-id":"r1","date":"2021-01-01T00:00:00"}}}"#;
        let e = ServiceError::new(404, vec![("request-id".into(), "r1".into())], body);
        assert_eq!(e.code(), Some("itemNotFound"));
        assert_eq!(e.error.as_ref().unwrap().inner_error.as_ref().unwrap().request_id.as_deref(), Some("r1"));
        assert_eq!(e.header("Request-Id"), Some("r1"));
        let html = ServiceError::new(502, Vec::new(), b"<html>Bad gateway</html>");
        assert!(html.error.is_none());
        assert!(html.to_string().contains("Bad gateway"));
    }

    #[test]
    fn collection_pages_keep_every_member() {
        let body = r#"{"@odata.context":"c","value":[1,2],"@odata.count":2,"@odata.nextLink":"https://n"}"#;
        let page: Collection<i32> = serde_json::from_str(body).unwrap();
        assert_eq!(page.value, [1, 2]);
        assert_eq!(page.next_link.as_deref(), Some("https://n"));
        assert_eq!(page.count, Some(2));
        assert_eq!(page.other.keys().collect::<Vec<_>>(), ["@odata.context"]);
        let again: Collection<i32> = serde_json::from_value(serde_json::to_value(&page).unwrap()).unwrap();
        assert_eq!(again, page);
        let last: Collection<i32> = serde_json::from_str(r#"{"@odata.nextLink":null}"#).unwrap();
        assert!(last.value.is_empty() && last.next_link.is_none());
        assert_eq!(serde_json::to_string(&last).unwrap(), r#"{"value":[]}"#);
        let wrong = serde_json::from_str::<Collection<i32>>(r#"{"value":["x"]}"#).unwrap_err();
        assert!(wrong.to_string().starts_with("value: "), "{wrong}");
    }

    #[test]
    fn collection_pages_are_read_in_one_pass_with_the_same_rules() {
        // Unknown members stay, in order, whatever their place around `value`.
        let body = r#"{"@odata.context":"c","value":[{"id":"a","x":{"y":[1]}}],"@odata.deltaLink":"d","@odata.nextLink":null,"@odata.count":null}"#;
        let page: Collection<Thing> = serde_json::from_str(body).unwrap();
        assert_eq!(page.value.len(), 1);
        assert_eq!(page.value[0].get("x").map(|x| x == &serde_json::json!({"y": [1]})), Some(true));
        assert!(page.next_link.is_none() && page.count.is_none());
        assert_eq!(page.other.keys().collect::<Vec<_>>(), ["@odata.context", "@odata.deltaLink"]);
        assert_eq!(
            serde_json::to_string(&page).unwrap(),
            r#"{"value":[{"id":"a","x":{"y":[1]}}],"@odata.context":"c","@odata.deltaLink":"d"}"#
        );
        // `value: null` is an empty page; a value of another type is an error naming the
        // member, with the position once.
        let empty: Collection<Thing> = serde_json::from_str(r#"{"value":null}"#).unwrap();
        assert!(empty.value.is_empty());
        let wrong = serde_json::from_str::<Collection<i32>>(r#"{"value":[1],"@odata.count":"many"}"#).unwrap_err();
        assert_eq!(wrong.to_string(), r#"@odata.count: invalid type: string "many", expected i64 at line 1 column 35"#);
        let wrong = serde_json::from_str::<Collection<Thing>>(r#"{"@odata.nextLink":7}"#).unwrap_err();
        assert!(wrong.to_string().starts_with("@odata.nextLink: invalid type: integer `7`"), "{wrong}");
        assert_eq!(wrong.to_string().matches(" at line ").count(), 1, "{wrong}");
        // Not an object at all.
        assert!(serde_json::from_str::<Collection<i32>>("[1]").is_err());
        assert_eq!(without_position("x at line 3 column 9"), "x");
        assert_eq!(without_position("x at line three"), "x at line three");
    }

    mod tags {
        pub enum Thing {}
        pub enum Body {}
    }
    type Thing = Object<tags::Thing>;
    type Body = Object<tags::Body>;
    crate::view!(Thing, "#microsoft.graph.thing");
    crate::view!(Body);

    #[test]
    fn views_read_as_their_json_object() {
        // Members in order, a repeated name's last value, nested objects untouched.
        let json = r#"{"b":1,"a":{"z":null,"y":[]},"b":2}"#;
        let read: Thing = serde_json::from_str(json).unwrap();
        assert_eq!(JsonObject::from(read.clone()), serde_json::from_str::<JsonObject>(json).unwrap());
        assert_eq!(serde_json::to_string(&read).unwrap(), r#"{"b":2,"a":{"z":null,"y":[]}}"#);
        // A page of objects of different sizes, each sized by the one before it.
        let page: Vec<Thing> = serde_json::from_str(r#"[{"a":1,"b":2,"c":3},{},{"x":null}]"#).unwrap();
        let lens: Vec<usize> = page.iter().map(|o| o.as_map().len()).collect();
        assert_eq!(lens, [3, 0, 1]);
        assert_eq!(page[2].get("x"), Some(&Json::Null));
        // From a `Value` too; `null` is no object, as for `JsonObject`.
        let again: Thing = serde_json::from_value(serde_json::to_value(&read).unwrap()).unwrap();
        assert_eq!(again, read);
        assert!(serde_json::from_str::<JsonObject>("null").is_err());
        assert!(serde_json::from_str::<Thing>("null").is_err());
        let wrong = serde_json::from_str::<Thing>("[1]").unwrap_err();
        assert!(wrong.to_string().starts_with("invalid type: sequence, expected a map"), "{wrong}");
    }

    #[test]
    fn views_share_one_generic_type() {
        let thing = Thing::new();
        assert_eq!(thing.odata_type(), Some("#microsoft.graph.thing"));
        assert!(Body::new().as_map().is_empty());
        let json = r##"{"@odata.type":"#microsoft.graph.thing","x":[1,null]}"##;
        let read: Thing = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&read).unwrap(), json);
        assert_eq!(read.clone(), read);
        assert_ne!(read, thing);
        assert!(format!("{read:?}").starts_with("Thing({"), "{read:?}");
        let body: &Body = read.cast_ref();
        assert_eq!(body.get("x"), read.get("x"));
        assert_eq!(Body::from(read.clone().into_map()).as_map(), read.as_map());
    }

    #[test]
    fn members_keep_order_unknown_members_and_null() {
        let json = r#"{"id":"a","n":null,"x":{"y":[1,2.5,"z"]},"t":true}"#;
        let read: Thing = serde_json::from_str(json).unwrap();
        // Absent, null and a value stay apart.
        assert_eq!(read.get("n"), Some(&Json::Null));
        assert_eq!(read.get("gone"), None);
        assert_eq!(read.get("x").and_then(|x| x.get("y")).and_then(Json::as_array).map(<[Json]>::len), Some(3));
        // Setting keeps a member's place, a new one goes last, removing keeps the order.
        let mut edited = read.clone();
        edited.set_null("id").set_null("new").remove("n");
        assert_eq!(edited.as_map().keys().collect::<Vec<_>>(), ["id", "x", "t", "new"]);
        assert_eq!(serde_json::to_string(&edited).unwrap(), r#"{"id":null,"x":{"y":[1,2.5,"z"]},"t":true,"new":null}"#);
        // `serde_json::Value` both ways, nothing lost.
        let value: Value = serde_json::from_str(json).unwrap();
        assert_eq!(Json::Object(read.as_map().clone()), value);
        assert_eq!(Value::from(Json::from(value.clone())), value);
        assert_eq!(Thing::from(JsonObject::from(read.clone())), read);
        // Objects of a page share their names' text.
        let page: Vec<Thing> = serde_json::from_str(r#"[{"displayName":1},{"displayName":2}]"#).unwrap();
        let name = |o: &Thing| o.as_map().0[0].0.clone();
        assert!(Arc::ptr_eq(&name(&page[0]), &name(&page[1])));
    }

    #[derive(Debug)]
    enum Colour {
        Red,
        Unrecognized(String),
    }

    impl Colour {
        fn as_str(&self) -> &str {
            match self {
                Self::Red => "red",
                Self::Unrecognized(other) => other.as_str(),
            }
        }
    }

    impl From<&str> for Colour {
        fn from(value: &str) -> Self {
            match value {
                "red" => Self::Red,
                other => Self::Unrecognized(other.to_string()),
            }
        }
    }

    crate::string_enum!(Colour);

    #[test]
    fn string_enums_compare_hash_and_clone_by_spelling() {
        use std::collections::HashSet;
        let spelled = Colour::Unrecognized("red".to_string());
        assert_eq!(spelled, Colour::Red);
        assert_ne!(Colour::Unrecognized("blue".to_string()), Colour::Red);
        assert!(matches!(spelled.clone(), Colour::Red));
        let set: HashSet<Colour> = [Colour::Red, spelled].into_iter().collect();
        assert_eq!(set.len(), 1);
        let blue: Colour = serde_json::from_str("\"blue\"").unwrap();
        assert!(matches!(&blue, Colour::Unrecognized(s) if s == "blue"));
        assert_eq!(serde_json::to_string(&blue.clone()).unwrap(), "\"blue\"");
        assert_eq!(blue.to_string(), "blue");
    }

    #[test]
    fn retry_after_reads_seconds_decimals_and_http_dates() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("1.5", now), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("1e3", now), None);
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_stops_after_the_last_attempt() {
        let policy = RetryPolicy {
            max_attempts: 5,
            initial_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(25),
        };
        assert_eq!(policy.delay(1, 503, None), Some(Duration::from_secs(10)));
        assert_eq!(policy.delay(2, 504, Some("later")), Some(Duration::from_secs(20)));
        assert_eq!(policy.delay(3, 429, None), Some(Duration::from_secs(25)));
        assert_eq!(policy.delay(5, 429, None), None);
        assert_eq!(policy.delay(1, 500, None), None);
        assert_eq!(policy.delay(1, 429, Some("3")), Some(Duration::from_secs(3)));
        assert_eq!(policy.delay(1, 429, Some("2.25")), Some(Duration::from_millis(2250)));
        // Asked to wait longer than the cap: give the error back rather than retry early.
        assert_eq!(policy.delay(1, 429, Some("26")), None);
        assert_eq!(RetryPolicy::never().delay(1, 429, Some("0")), None);
    }

    #[test]
    fn path_templates_hide_parameter_values() {
        let path = PathBuilder::new("/users/").segment("alice@example.com").literal("/drive/root:/").path("a/b.txt").literal(":/content");
        assert_eq!(path.template(), "/users/{}/drive/root:/{}:/content");
        let r: Request<NoContent> = Request::new(Method::GET, path, parse_empty).timeout(Duration::from_secs(3));
        assert_eq!(r.path_template(), "/users/{}/drive/root:/{}:/content");
        assert_eq!(r.timeout_value(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn query_options_are_encoded() {
        let r: Request<NoContent> = Request::new(Method::GET, PathBuilder::new("/users"), parse_empty)
            .query(&ODataQuery::new().select(["id", "displayName"]).filter("startswith(displayName,'a b')").top(5));
        assert_eq!(
            r.path_and_query(),
            "/users?$select=id,displayName&$filter=startswith%28displayName,%27a%20b%27%29&$top=5"
        );
    }
}
