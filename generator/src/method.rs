//! The HTTP methods Graph request lines use.

use serde::{Serialize, Serializer};
use std::fmt;

/// A request line's method. Variants are declared in the order of their names so that
/// sorting by method sorts as the names do (`DELETE` < `GET` < ... < `PUT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    Delete,
    Get,
    Patch,
    Post,
    Put,
}

impl HttpMethod {
    /// Every method, in the order request lines are listed in help texts.
    pub const ALL: [HttpMethod; 5] = [
        HttpMethod::Get,
        HttpMethod::Post,
        HttpMethod::Patch,
        HttpMethod::Put,
        HttpMethod::Delete,
    ];

    /// The method as a request line writes it: `GET`, `POST`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Delete => "DELETE",
            HttpMethod::Get => "GET",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
        }
    }

    /// The method a word names, in any letter case; `None` for one the API does not use.
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(word))
    }

    /// `PATCH` and `PUT`: the methods that update what the path addresses.
    pub fn is_update(self) -> bool {
        matches!(self, HttpMethod::Patch | HttpMethod::Put)
    }

    /// The methods whose requests carry a body.
    pub fn has_body(self) -> bool {
        matches!(self, HttpMethod::Post | HttpMethod::Patch | HttpMethod::Put)
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for HttpMethod {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::HttpMethod;

    #[test]
    fn names_round_trip_in_any_case() {
        for m in HttpMethod::ALL {
            assert_eq!(HttpMethod::parse(m.as_str()), Some(m));
            assert_eq!(HttpMethod::parse(&m.as_str().to_ascii_lowercase()), Some(m));
        }
        assert_eq!(HttpMethod::parse("HEAD"), None);
        assert_eq!(HttpMethod::parse("OPTIONS"), None);
    }

    #[test]
    fn order_follows_the_names() {
        let mut by_variant = HttpMethod::ALL.to_vec();
        by_variant.sort();
        let mut by_name = HttpMethod::ALL.to_vec();
        by_name.sort_by_key(|m| m.as_str());
        assert_eq!(by_variant, by_name);
    }
}
