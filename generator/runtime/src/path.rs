//! Request paths, their parameter values encoded.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

// ---------- paths ----------

/// Everything but unreserved characters is encoded, so a value is always one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

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

#[cfg(test)]
mod tests;
