//! A candidate storage for the views, measured beside them: a JSON value of its own
//! whose object is a boxed slice of members (no hash table), each name an `Arc<str>`
//! shared with the objects read before it (a small per-thread cache by name), each value
//! 24 bytes (a `serde_json::Value` with `preserve_order` is 80).

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

pub enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(Box<str>),
    Array(Box<[Json]>),
    Object(Obj),
}

/// Members in the order they arrived; looked up by a linear search.
pub struct Obj(pub Box<[(Arc<str>, Json)]>);

const _: () = assert!(std::mem::size_of::<Json>() == 24);

impl Obj {
    pub fn get(&self, name: &str) -> Option<&Json> {
        self.0
            .iter()
            .find(|(n, _)| n.as_ref() == name)
            .map(|(_, v)| v)
    }
}

impl Json {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Number(n) => n.as_i64(),
            Json::String(s) => s.parse().ok(),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(a) => Some(a),
            _ => None,
        }
    }
}

pub fn as_i32(v: &Json) -> Option<i32> {
    v.as_i64().and_then(|n| n.try_into().ok())
}
pub fn as_datetime(v: &Json) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(v.as_str()?).ok()
}

// ---------- shared names ----------

const SLOTS: usize = 256;

std::thread_local! {
    static NAMES: RefCell<Vec<Option<Arc<str>>>> = RefCell::new(vec![None; SLOTS]);
    static LAST_LEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn slot(name: &str) -> usize {
    // FNV-1a: names are short.
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    (h as usize) & (SLOTS - 1)
}

fn shared(name: &str) -> Arc<str> {
    NAMES.with(|cache| {
        let mut cache = cache.borrow_mut();
        let entry = &mut cache[slot(name)];
        match entry {
            Some(n) if n.as_ref() == name => n.clone(),
            _ => {
                let n: Arc<str> = Arc::from(name);
                *entry = Some(n.clone());
                n
            }
        }
    })
}

struct NameSeed;

impl<'de> DeserializeSeed<'de> for NameSeed {
    type Value = Arc<str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Arc<str>, D::Error> {
        d.deserialize_str(NameVisitor)
    }
}

struct NameVisitor;

impl Visitor<'_> for NameVisitor {
    type Value = Arc<str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E>(self, s: &str) -> Result<Arc<str>, E> {
        Ok(shared(s))
    }
}

// ---------- reading ----------

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
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
        Ok(serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number))
    }
    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::String(s.into()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items.into_boxed_slice()))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Json, A::Error> {
        read_members(map, 4).map(Json::Object)
    }
}

fn read_members<'de, A: MapAccess<'de>>(mut map: A, guess: usize) -> Result<Obj, A::Error> {
    let mut members = Vec::with_capacity(map.size_hint().unwrap_or(guess).min(1024));
    while let Some(name) = map.next_key_seed(NameSeed)? {
        let value: Json = map.next_value()?;
        match members
            .iter_mut()
            .find(|(n, _): &&mut (Arc<str>, Json)| *n == name)
        {
            Some((_, old)) => *old = value,
            None => members.push((name, value)),
        }
    }
    Ok(Obj(members.into_boxed_slice()))
}

impl<'de> serde::Deserialize<'de> for Obj {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ObjVisitor)
    }
}

struct ObjVisitor;

impl<'de> Visitor<'de> for ObjVisitor {
    type Value = Obj;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj, A::Error> {
        let obj = read_members(map, LAST_LEN.with(|n| n.get()))?;
        LAST_LEN.with(|n| n.set(obj.0.len()));
        Ok(obj)
    }
}

// ---------- writing ----------

impl serde::Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Number(n) => n.serialize(s),
            Json::String(v) => s.serialize_str(v),
            Json::Array(items) => s.collect_seq(items.iter()),
            Json::Object(o) => o.serialize(s),
        }
    }
}

impl serde::Serialize for Obj {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(n, v)| (n.as_ref(), v)))
    }
}
