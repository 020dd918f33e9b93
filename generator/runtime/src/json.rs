//! The views' JSON: [`Json`] values and the [`Members`] of objects, read with member
//! names shared between the objects of a page.

use serde_json::{Map, Value};
use std::fmt;
use std::sync::Arc;

/// A JSON object as `serde_json` holds it, members in the order they arrived: the pages
/// of collections keep their other members in one, and any body can be read into one.
pub type JsonObject = Map<String, Value>;

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
            Json::Array(items) => {
                Value::Array(items.into_vec().into_iter().map(Value::from).collect())
            }
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
            (Json::Array(a), Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
            }
            (Json::Object(a), Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(name, x)| b.get(name).is_some_and(|y| x == y))
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
        self.0
            .iter_mut()
            .find(|(n, _)| ***n == *name)
            .map(|(_, v)| v)
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
        Self(
            map.into_iter()
                .map(|(n, v)| (shared_name(&n), Json::from(v)))
                .collect(),
        )
    }
}

impl From<Members> for JsonObject {
    fn from(members: Members) -> Self {
        members
            .0
            .into_vec()
            .into_iter()
            .map(|(n, v)| (n.to_string(), Value::from(v)))
            .collect()
    }
}

impl<'a> FromIterator<(&'a str, Json)> for Members {
    /// A repeated name keeps its first place and its last value.
    fn from_iter<I: IntoIterator<Item = (&'a str, Json)>>(members: I) -> Self {
        let mut out = Members::new();
        let mut list = Vec::new();
        for (name, value) in members {
            match list
                .iter_mut()
                .find(|(n, _): &&mut (Name, Json)| ***n == *name)
            {
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
    let (head, tail) = (
        &bytes[..bytes.len().min(8)],
        &bytes[bytes.len().saturating_sub(8)..],
    );
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
    remembered
        .ok()
        .flatten()
        .unwrap_or_else(|| Arc::new(name.into()))
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
        let guess = if self.top {
            LAST_OBJECT_LEN.with(|n| n.get())
        } else {
            4
        };
        let mut members: Vec<(Name, Json)> = Vec::with_capacity(
            map.size_hint()
                .unwrap_or(guess)
                .min(MAX_PREALLOCATED_MEMBERS),
        );
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

/// Reads a view's own object: allocated at the size of the one read before it, as the
/// objects of a page are alike.
#[doc(hidden)]
pub fn read_view_members<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Members, D::Error> {
    d.deserialize_map(MembersVisitor { top: true })
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
        let mut items =
            Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_PREALLOCATED_MEMBERS));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items.into_boxed_slice()))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Json, A::Error> {
        MembersVisitor { top: false }
            .visit_map(map)
            .map(Json::Object)
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

#[cfg(test)]
mod tests;
