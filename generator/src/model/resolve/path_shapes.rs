//! One spelling per path shape.
//!
//! Graph's URL segments are not case-sensitive, and the docs name one key many ways
//! (`/users/{id}`, `/users/{user-id}`). OpenAPI forbids two paths that differ only in
//! parameter names, and a client wants one function per request, so every request
//! line is respelled: segment by segment, each prefix of a path takes the spelling
//! that most request lines through it use, ties broken by sorted order. The choice
//! depends only on the set of request lines, never on the order pages are read in.

use crate::model::{PathPart, PathTemplate};
use std::collections::{BTreeMap, HashMap};

/// Marks a parameter's place in a path's skeleton; no documented path contains it.
const PARAM: char = '\u{0}';

/// The chosen spelling of each path prefix, by the prefix's shape.
#[derive(Debug, Default)]
pub(in crate::model) struct PathSpellings {
    /// Shape of a prefix (segments lower-cased, parameters blanked) → its last
    /// segment as most request lines spell it.
    chosen: HashMap<String, String>,
}

impl PathSpellings {
    /// Counts the spellings of every prefix of `templates` (one per request line).
    pub(in crate::model) fn new<'a>(templates: impl IntoIterator<Item = &'a PathTemplate>) -> Self {
        let mut counts: HashMap<String, BTreeMap<String, usize>> = HashMap::new();
        for template in templates {
            let mut shape = String::new();
            for (segment_shape, spelling) in segments(template) {
                shape.push('/');
                shape.push_str(&segment_shape);
                *counts
                    .entry(shape.clone())
                    .or_default()
                    .entry(spelling)
                    .or_insert(0) += 1;
            }
        }
        let chosen = counts
            .into_iter()
            .filter_map(|(shape, spellings)| {
                // BTreeMap order: the first of the most used is the smallest spelling.
                let top = spellings.values().copied().max()?;
                let spelling = spellings.into_iter().find(|(_, n)| *n == top)?.0;
                Some((shape, spelling))
            })
            .collect();
        Self { chosen }
    }

    /// `template` spelled as chosen: the same shape, so the same request.
    pub(in crate::model) fn respell(&self, template: &PathTemplate) -> PathTemplate {
        let mut shape = String::new();
        let mut path = String::new();
        for (segment_shape, spelling) in segments(template) {
            shape.push('/');
            shape.push_str(&segment_shape);
            path.push('/');
            path.push_str(self.chosen.get(&shape).unwrap_or(&spelling));
        }
        // The respelled path parses as the original did: only names and case differ, so
        // the parameters stand in the same order, and keep what the page wrote.
        match PathTemplate::parse(&path) {
            Ok(mut respelled) if respelled.params.len() == template.params.len() => {
                for (new, old) in respelled.params.iter_mut().zip(&template.params) {
                    new.written.clone_from(&old.written);
                }
                respelled
            }
            _ => template.clone(),
        }
    }
}

/// Each `/`-separated segment of the template as (shape, spelling): the shape folds
/// letter case and blanks parameters; the spelling is the segment as documented.
fn segments(template: &PathTemplate) -> Vec<(String, String)> {
    let mut skeleton = String::new();
    for part in &template.parts {
        match part {
            PathPart::Literal(l) => skeleton.push_str(l),
            PathPart::Param(_) => skeleton.push(PARAM),
        }
    }
    let mut params = template.params.iter();
    skeleton
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|segment| {
            let shape = segment.replace(PARAM, "{}").to_ascii_lowercase();
            let mut spelling = String::with_capacity(segment.len());
            for c in segment.chars() {
                if c == PARAM {
                    spelling.push('{');
                    spelling.push_str(params.next().map_or("", |p| p.documented.as_str()));
                    spelling.push('}');
                } else {
                    spelling.push(c);
                }
            }
            (shape, spelling)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn respelled(lines: &[&str]) -> Vec<String> {
        let templates: Vec<PathTemplate> = lines
            .iter()
            .map(|l| PathTemplate::parse(l).expect("parses"))
            .collect();
        let spellings = PathSpellings::new(&templates);
        templates
            .iter()
            .map(|t| spellings.respell(t).openapi_path())
            .collect()
    }

    #[test]
    fn parameter_names_follow_the_most_used_spelling() {
        assert_eq!(
            respelled(&[
                "/users/{id}",
                "/users/{user-id}/messages",
                "/users/{id}/events"
            ]),
            ["/users/{id}", "/users/{id}/messages", "/users/{id}/events"]
        );
    }

    #[test]
    fn segment_case_follows_the_most_used_spelling_and_ties_sort() {
        assert_eq!(
            respelled(&[
                "/me/contactFolders/{id}",
                "/me/contactfolders/{id}/contacts",
                "/me/contactFolders",
            ]),
            [
                "/me/contactFolders/{id}",
                "/me/contactFolders/{id}/contacts",
                "/me/contactFolders"
            ]
        );
        // One each: `F` (0x46) sorts before `f` (0x66).
        assert_eq!(
            respelled(&["/me/contactfolders", "/me/contactFolders"]),
            ["/me/contactFolders", "/me/contactFolders"]
        );
    }

    #[test]
    fn the_choice_does_not_depend_on_order() {
        let a = respelled(&["/chats/{chat-id}/members", "/chats/{id}/members"]);
        let b = respelled(&["/chats/{id}/members", "/chats/{chat-id}/members"]);
        assert_eq!(a[0], a[1]);
        assert_eq!(a[0], b[0]);
    }

    #[test]
    fn repeated_names_stay_distinct_and_keys_keep_their_style() {
        assert_eq!(
            respelled(&[
                "/applications/{id}/owners/{id}/$ref",
                "/applications/{application-id}/owners/{id}/$ref",
                "/applications/{id}"
            ]),
            [
                "/applications/{id}/owners/{id2}/$ref",
                "/applications/{id}/owners/{id2}/$ref",
                "/applications/{id}"
            ]
        );
        assert_eq!(
            respelled(&[
                "/sites('{site-id}')/lists",
                "/sites('{id}')/lists",
                "/sites('{id}')"
            ]),
            [
                "/sites('{id}')/lists",
                "/sites('{id}')/lists",
                "/sites('{id}')"
            ]
        );
        assert_eq!(
            respelled(&[
                "/me/drive/root:/{item-path}:/content",
                "/me/drive/root:/{path}:/content"
            ]),
            [
                "/me/drive/root:/{item-path}:/content",
                "/me/drive/root:/{item-path}:/content"
            ]
        );
    }
}
