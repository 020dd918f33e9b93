//! Delta query: the changes to a collection since the last sync, sans-IO.
//!
//! A delta function (`GET /users/delta`, `/me/drive/root/delta`, ...) answers pages of
//! changed items; every page but the last has an `@odata.nextLink`, the last has an
//! `@odata.deltaLink` instead. Saved, that link gives the changes after this sync:
//! the next sync starts from it. An item deleted (or, for some resources, moved out of
//! scope) comes with `@removed` (`{"reason": "deleted"}` or `"changed"`) and often only
//! its id.
//!
//! [`DeltaPage::parse`] reads one page into [`Change`]s and its links;
//! `client::Client::delta` and `client::Client::delta_from` follow the links, only
//! on the origin of the client's base URL, and end their stream with the new
//! [`DeltaLink`].

use super::{Error, JsonObject};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One changed item of a delta page.
#[derive(Clone, Debug, PartialEq)]
pub enum Change<T> {
    /// Created or updated: the item with the members that changed (or all of them).
    Updated(T),
    /// Deleted, or no longer in the collection: the item had `@removed`.
    Removed(Removed),
}

/// An item with `@removed`.
#[derive(Clone, Debug, PartialEq)]
pub struct Removed {
    /// The item's `id`, when it has one.
    pub id: Option<String>,
    /// `@removed.reason`: `deleted` (for good) or `changed` (out of scope, may come
    /// back), as the service says.
    pub reason: Option<String>,
    /// The item as sent.
    pub item: JsonObject,
}

/// The link that gives the changes after a sync, and the token in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeltaLink(pub String);

impl DeltaLink {
    /// The link, to save and pass to `client::Client::delta_from` next time.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value of its `$deltatoken` (or `token`, for drives) query parameter.
    pub fn token(&self) -> Option<String> {
        let query = self.0.split_once('?')?.1;
        let query = query.split('#').next().unwrap_or(query);
        form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "$deltatoken" || name == "$deltaToken" || name == "token")
            .map(|(_, value)| value.into_owned())
    }
}

/// One page of a delta response.
#[derive(Clone, Debug, PartialEq)]
pub struct DeltaPage<T> {
    /// The page's items: updated (or created) and removed ones, in the order sent.
    pub changes: Vec<Change<T>>,
    /// The next page of this sync.
    pub next_link: Option<String>,
    /// On the last page: the link for the next sync.
    pub delta_link: Option<DeltaLink>,
}

impl<T: DeserializeOwned> DeltaPage<T> {
    /// Reads a delta page; items with `@removed` become [`Change::Removed`], the
    /// others are read as `T`.
    pub fn parse(status: u16, body: &[u8]) -> Result<Self, Error> {
        let decode = |source| Error::Decode {
            status,
            source,
            body: body.to_vec(),
        };
        let mut page: JsonObject = serde_json::from_slice(body).map_err(decode)?;
        let link = |page: &mut JsonObject, name: &str| match page.shift_remove(name) {
            Some(Value::String(link)) => Some(link),
            _ => None,
        };
        let next_link = link(&mut page, "@odata.nextLink");
        let delta_link = link(&mut page, "@odata.deltaLink").map(DeltaLink);
        let items = match page.shift_remove("value") {
            Some(Value::Array(items)) => items,
            None | Some(Value::Null) => Vec::new(),
            Some(_) => {
                return Err(Error::Protocol(format!(
                    "the delta page's \"value\" is not an array (status {status})"
                )));
            }
        };
        let mut changes = Vec::with_capacity(items.len());
        for item in items {
            let Value::Object(item) = item else {
                return Err(Error::Protocol(
                    "a delta item is not a JSON object".to_string(),
                ));
            };
            match item.get("@removed") {
                Some(removed) => changes.push(Change::Removed(Removed {
                    id: item.get("id").and_then(Value::as_str).map(str::to_string),
                    reason: removed
                        .get("reason")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    item,
                })),
                None => changes.push(Change::Updated(
                    serde_json::from_value(Value::Object(item)).map_err(decode)?,
                )),
            }
        }
        Ok(Self {
            changes,
            next_link,
            delta_link,
        })
    }
}

#[cfg(test)]
mod tests;
