//! Reading and writing members: the converters the generated getters and setters call.

use super::{Json, Members, View};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Timelike};

// ---------- reading members ----------

#[doc(hidden)]
pub fn get_str<'a>(map: &'a Members, name: &str) -> Option<&'a str> {
    map.get(name).and_then(as_str)
}

#[doc(hidden)]
pub fn get_with<'a, T>(
    map: &'a Members,
    name: &str,
    convert: fn(&'a Json) -> Option<T>,
) -> Option<T> {
    map.get(name).and_then(convert)
}

/// A collection member; items of the wrong JSON kind are skipped (the raw JSON stays
/// available through [`View::get`]).
#[doc(hidden)]
pub fn get_list<'a, T>(
    map: &'a Members,
    name: &str,
    convert: fn(&'a Json) -> Option<T>,
) -> Option<Vec<T>> {
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
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
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
    let parts: Vec<String> = members
        .into_iter()
        .map(|m| m.as_ref().to_string())
        .collect();
    Json::from(parts.join(","))
}

#[cfg(test)]
mod tests;
