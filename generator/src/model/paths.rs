//! Request paths: templates with parameters, and the names derived from them.

use heck::{ToLowerCamelCase, ToSnakeCase};
use serde::Serialize;

/// A documented path such as `/users/{id | userPrincipalName}/owners/{id}/$ref`,
/// with every parameter given a distinct, valid name.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathTemplate {
    pub parts: Vec<PathPart>,
    pub params: Vec<PathParam>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum PathPart {
    Literal(String),
    /// Index into `params`.
    Param(usize),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathParam {
    /// Unique within the path; letters, digits, `_`, `-` and `.` only.
    pub name: String,
    /// The text between the braces, as documented.
    pub documented: String,
    pub style: ParamStyle,
    /// A function's argument that the request line writes as a value
    /// (`on='parameterValue'`): the crate's function takes it as a parameter, and the
    /// OpenAPI path keeps the value as the page writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
}

/// How a value is placed into the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamStyle {
    /// One path segment: every reserved character is percent-encoded.
    Segment,
    /// An OData string literal inside quotes (`('{id}')`): `'` is doubled, then encoded.
    Quoted,
    /// Path-based addressing (`root:/{item-path}:`): `/` separates encoded segments.
    Path,
}

/// Templates grouped by their first segment (letter case ignored), so that matching a
/// concrete path tries only the templates that can match it instead of all of them.
#[derive(Debug, Default)]
pub struct PathIndex {
    by_head: std::collections::HashMap<String, Vec<usize>>,
    /// Templates that start with a parameter: tried for every path.
    anywhere: Vec<usize>,
}

impl PathIndex {
    pub fn new<'a>(templates: impl IntoIterator<Item = &'a PathTemplate>) -> Self {
        let mut index = Self::default();
        for (i, t) in templates.into_iter().enumerate() {
            match t.parts.first() {
                Some(PathPart::Literal(l)) if head_len(l) < l.len() || t.parts.len() == 1 => {
                    index
                        .by_head
                        .entry(l[..head_len(l)].to_ascii_lowercase())
                        .or_default()
                        .push(i);
                }
                _ => index.anywhere.push(i),
            }
        }
        index
    }

    /// Indexes of the templates that may match `path`, in ascending order.
    pub fn candidates(&self, path: &str) -> Vec<usize> {
        let head = path[..head_len(path)].to_ascii_lowercase();
        let mut out: Vec<usize> = self
            .by_head
            .get(&head)
            .into_iter()
            .flatten()
            .chain(&self.anywhere)
            .copied()
            .collect();
        out.sort_unstable();
        out
    }
}

/// Length of the first segment: up to the first `/`, `(` or `:` after the leading `/`.
fn head_len(path: &str) -> usize {
    path.char_indices()
        .skip(1)
        .find(|(_, c)| matches!(c, '/' | '(' | ':'))
        .map_or(path.len(), |(i, _)| i)
}

impl PathTemplate {
    /// The length of the literal text, parameters left out: how specific a match is.
    pub fn literal_len(&self) -> usize {
        self.parts
            .iter()
            .map(|p| match p {
                PathPart::Literal(l) => l.len(),
                PathPart::Param(_) => 0,
            })
            .sum()
    }

    /// Parses the path part of a request target (no query string).
    pub fn parse(path: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut params: Vec<PathParam> = Vec::new();
        let mut literal = String::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close_rel) = rest[open..].find('}') else {
                return Err(format!(
                    "`{{` at column {} is never closed",
                    path.len() - rest.len() + open + 1
                ));
            };
            let close = open + close_rel;
            literal.push_str(&rest[..open]);
            let documented = rest[open + 1..close].trim().to_string();
            let after = &rest[close + 1..];
            let style = if literal.ends_with('\'') && after.starts_with('\'') {
                ParamStyle::Quoted
            } else if literal.ends_with(':') || literal.ends_with(":/") {
                ParamStyle::Path
            } else {
                ParamStyle::Segment
            };
            if !literal.is_empty() {
                parts.push(PathPart::Literal(std::mem::take(&mut literal)));
            }
            let name = unique_name(&param_name(&documented), &params);
            parts.push(PathPart::Param(params.len()));
            params.push(PathParam {
                name,
                documented,
                style,
                written: None,
            });
            rest = after;
        }
        if rest.contains('}') {
            return Err("`}` without a matching `{`".to_string());
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(PathPart::Literal(literal));
        }
        Ok(Self { parts, params })
    }

    /// The template with the values `written` (name, value, in path order) marked on the
    /// parameters that stand for them.
    pub fn with_written_arguments(mut self, written: &[(String, String)]) -> Self {
        let mut pending = written.iter().peekable();
        for part in &self.parts {
            let PathPart::Param(i) = part else { continue };
            let param = &mut self.params[*i];
            if let Some((name, value)) = pending.peek()
                && param.documented == *name
            {
                param.written = Some(value.clone());
                pending.next();
            }
        }
        self
    }

    /// The path as an OpenAPI path key: literals as documented, `{name}` per parameter.
    pub fn openapi_path(&self) -> String {
        self.rendered(false)
    }

    /// The path the OpenAPI document publishes: [`Self::openapi_path`], but with a
    /// function's argument that the request line writes as a value kept as written
    /// (`filterByCurrentUser(on='parameterValue')`), as the page has it.
    pub fn published_path(&self) -> String {
        self.rendered(true)
    }

    fn rendered(&self, keep_written: bool) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                PathPart::Literal(l) => out.push_str(l),
                PathPart::Param(i) => {
                    let param = &self.params[*i];
                    match &param.written {
                        Some(value) if keep_written => out.push_str(value),
                        _ => {
                            out.push('{');
                            out.push_str(&param.name);
                            out.push('}');
                        }
                    }
                }
            }
        }
        out
    }

    /// The path as documented: parameters in braces with their documented text.
    pub fn documented(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                PathPart::Literal(l) => out.push_str(l),
                PathPart::Param(i) => {
                    out.push('{');
                    out.push_str(&self.params[*i].documented);
                    out.push('}');
                }
            }
        }
        out
    }

    /// The values of the parameters when `path` (no query) is an instance of this
    /// template; `exact: false` lets literals differ in letter case. A parameter takes
    /// one segment, or for path-based addressing everything up to the next `:`.
    pub fn match_path<'p>(&self, path: &'p str, exact: bool) -> Option<Vec<&'p str>> {
        fn go<'p>(
            t: &PathTemplate,
            parts: &[PathPart],
            rest: &'p str,
            exact: bool,
            out: &mut Vec<&'p str>,
        ) -> bool {
            let Some((first, more)) = parts.split_first() else {
                return rest.is_empty();
            };
            match first {
                PathPart::Literal(l) => {
                    let Some(head) = rest.get(..l.len()) else {
                        return false;
                    };
                    let same = if exact {
                        head == l
                    } else {
                        head.eq_ignore_ascii_case(l)
                    };
                    if !same {
                        return false;
                    }
                    out.push(head);
                    if go(t, more, &rest[l.len()..], exact, out) {
                        return true;
                    }
                    out.pop();
                    false
                }
                PathPart::Param(i) => {
                    // Path-based addressing ends at `:` (`root:/a/b.txt:/content`).
                    let stop: &[char] = match t.params.get(*i).map(|p| p.style) {
                        Some(ParamStyle::Path) => &[':'],
                        _ => &['/'],
                    };
                    // A value holds no stop character: it ends at the first one at most.
                    let limit = rest.find(stop).unwrap_or(rest.len());
                    let ends = rest
                        .char_indices()
                        .map(|(k, _)| k)
                        .skip(1)
                        .chain([rest.len()])
                        .take_while(|&end| end <= limit);
                    for end in ends {
                        let value = &rest[..end];
                        out.push(value);
                        if go(t, more, &rest[end..], exact, out) {
                            return true;
                        }
                        out.pop();
                    }
                    false
                }
            }
        }
        let mut out = Vec::with_capacity(self.parts.len());
        go(self, &self.parts, path, exact, &mut out).then_some(out)
    }

    /// The words of the path that name the operation: static segments in snake_case,
    /// namespaces, `$` and key syntax dropped; a path ending in a parameter ends in
    /// `item`.
    pub fn name_words(&self) -> Vec<String> {
        let mut skeleton = String::new();
        for part in &self.parts {
            match part {
                PathPart::Literal(l) => skeleton.push_str(l),
                PathPart::Param(_) => skeleton.push('\u{0}'),
            }
        }
        let segments: Vec<&str> = skeleton.split('/').filter(|s| !s.is_empty()).collect();
        let mut words = Vec::new();
        for (i, segment) in segments.iter().enumerate() {
            let head = segment.split('(').next().unwrap_or("");
            let head = head.rsplit('.').next().unwrap_or(head);
            let cleaned: String = head
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
                .collect();
            let word = cleaned.to_snake_case();
            if !word.is_empty() {
                words.push(word);
            } else if i + 1 == segments.len() {
                words.push("item".to_string());
            }
        }
        words
    }
}

/// The path of an example's request target: no query or fragment, no trailing `/`.
pub fn request_path(target: &str) -> &str {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let path = path.trim_end_matches('/');
    if path.is_empty() { "/" } else { path }
}

/// A valid parameter name for the documented text: `id | userPrincipalName` →
/// `idOrUserPrincipalName`; other punctuation folds into lower camel case.
fn param_name(documented: &str) -> String {
    let simple = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    if simple(documented) {
        return documented.to_string();
    }
    let joined = documented
        .split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" or ");
    let name = joined
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .to_lower_camel_case();
    if name.is_empty() {
        "param".to_string()
    } else {
        name
    }
}

/// Repeated names (`/applications/{id}/owners/{id}`) and names that differ only in
/// case (`{Id}` and `{id}`) get numeric suffixes in order of appearance.
fn unique_name(base: &str, taken: &[PathParam]) -> String {
    let clash = |n: &str| taken.iter().any(|p| p.name.eq_ignore_ascii_case(n));
    if !clash(base) {
        return base.to_string();
    }
    (2..)
        .map(|i| format!("{base}{i}"))
        .find(|n| !clash(n))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(path: &str) -> Vec<String> {
        PathTemplate::parse(path)
            .unwrap()
            .params
            .into_iter()
            .map(|p| p.name)
            .collect()
    }

    #[test]
    fn seed_path() {
        let t = PathTemplate::parse(
            "/deviceManagement/deviceConfigurations/{deviceConfigurationId}/deviceStatusOverview",
        )
        .unwrap();
        assert_eq!(t.params.len(), 1);
        assert_eq!(t.params[0].style, ParamStyle::Segment);
        assert_eq!(
            t.name_words(),
            [
                "device_management",
                "device_configurations",
                "device_status_overview"
            ]
        );
    }

    #[test]
    fn repeated_and_case_colliding_names_become_distinct() {
        assert_eq!(names("/applications/{id}/owners/{id}/$ref"), ["id", "id2"]);
        assert_eq!(
            names("/me/contactfolders/{Id}/contacts/{id}"),
            ["Id", "id2"]
        );
    }

    #[test]
    fn alternatives_and_quoted_keys() {
        let t = PathTemplate::parse("/users/{id | userPrincipalName}").unwrap();
        assert_eq!(t.params[0].name, "idOrUserPrincipalName");
        assert_eq!(t.openapi_path(), "/users/{idOrUserPrincipalName}");
        assert_eq!(t.name_words(), ["users", "item"]);
        let t = PathTemplate::parse("/sites('{site-id}')/lists").unwrap();
        assert_eq!(t.params[0].style, ParamStyle::Quoted);
        assert_eq!(t.name_words(), ["sites", "lists"]);
    }

    #[test]
    fn path_based_addressing_and_actions() {
        let t = PathTemplate::parse("/me/drive/root:/{item-path}:/content").unwrap();
        assert_eq!(t.params[0].style, ParamStyle::Path);
        assert_eq!(t.name_words(), ["me", "drive", "root", "content"]);
        let t = PathTemplate::parse(
            "/deviceManagement/deviceConfigurations/{id}/microsoft.graph.assign",
        )
        .unwrap();
        assert_eq!(
            t.name_words(),
            ["device_management", "device_configurations", "assign"]
        );
        let t = PathTemplate::parse("/me/messages/$count").unwrap();
        assert_eq!(t.name_words(), ["me", "messages", "count"]);
    }

    #[test]
    fn unbalanced_braces_are_errors() {
        assert!(PathTemplate::parse("/users/{id").is_err());
        assert!(PathTemplate::parse("/users/id}").is_err());
    }
}
