//! The fully qualified name of a type or enum (`microsoft.graph.user`), the key the
//! model, the OpenAPI schemas and the Rust names all share.

use serde::Serialize;
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

/// A type or enum by fully qualified name: a namespace, a dot, the short name.
///
/// A name the docs write is not one until it is resolved against the pages: link
/// text, Type cells and annotations stay `String`s, and the resolver answers with the
/// `QualifiedName` of a definition. It reads as a `str` (`Deref`, `Borrow`), so maps
/// keyed by it are looked up with any `&str`, and serializes as the bare string.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct QualifiedName(String);

impl QualifiedName {
    /// The name a page gives the type or enum it defines, in the page's namespace
    /// unless the page writes it qualified already (`microsoft.graph.x`).
    pub fn qualify(name: &str, namespace: &str) -> Self {
        if name.contains('.') {
            Self(name.to_string())
        } else {
            Self(format!("{namespace}.{name}"))
        }
    }

    /// A name written qualified in full: by a page's annotation, a CSDL document, or a
    /// model built by hand.
    pub fn from_qualified(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `microsoft.graph.user` → `user`.
    pub fn short(&self) -> &str {
        super::short_name(&self.0)
    }

    /// `microsoft.graph.user` → `microsoft.graph`; empty without a dot.
    pub fn namespace(&self) -> &str {
        self.0.rsplit_once('.').map_or("", |(ns, _)| ns)
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// As the string: a name in a debugged model reads as it did when it was one.
impl fmt::Debug for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Deref for QualifiedName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for QualifiedName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for QualifiedName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for QualifiedName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for QualifiedName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::QualifiedName;

    #[test]
    fn a_page_name_takes_the_namespace_unless_it_has_one() {
        let user = QualifiedName::qualify("user", "microsoft.graph");
        assert_eq!(user, "microsoft.graph.user");
        assert_eq!(user.short(), "user");
        assert_eq!(user.namespace(), "microsoft.graph");
        let session = QualifiedName::qualify("microsoft.graph.callRecords.session", "ignored");
        assert_eq!(session.namespace(), "microsoft.graph.callRecords");
        assert_eq!(session.to_string(), "microsoft.graph.callRecords.session");
    }

    #[test]
    fn serializes_as_the_bare_string() {
        let name = QualifiedName::from_qualified("microsoft.graph.user");
        assert_eq!(
            serde_json::to_string(&name).ok().as_deref(),
            Some("\"microsoft.graph.user\"")
        );
    }
}
