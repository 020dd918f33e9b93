//! The OData system query options.

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
