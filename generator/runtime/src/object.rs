//! [`Object`], the one type behind every model view.

use super::{read_view_members, tagged, JsonObject, Members, Tag, TransparentWrapper, View};
use std::fmt;
use std::marker::PhantomData;

/// A view: a JSON object read and written through the getters and setters of the type
/// `T` names. Every model is an alias of one (`models::User` is
/// `Object<models::tags::User>`), so the traits below are implemented once for all of
/// them rather than once per type, which would cost the crate's compile time dearly.
///
/// `#[repr(transparent)]` over [`Members`]: a borrowed object can be borrowed as any
/// view ([`View::cast_ref`], `Deref` to the base type) at no cost. (De)serialized as the
/// object itself; `Debug` shows the type's name and the object.
#[repr(transparent)]
pub struct Object<T>(pub Members, PhantomData<fn() -> T>);

// SAFETY: `Object` is `#[repr(transparent)]` over `Members` (its other field is a
// zero-sized marker), which is what `TransparentWrapper` asks.
unsafe impl<T> TransparentWrapper<Members> for Object<T> {}

impl<T: Tag> Object<T> {
    /// A new object: tagged with the type's `@odata.type`, or empty for a request body.
    pub fn new() -> Self {
        if T::ODATA_TYPE.is_empty() {
            Self(Members::new(), PhantomData)
        } else {
            Self::from_map(tagged(T::ODATA_TYPE))
        }
    }
}

impl<T: Tag> View for Object<T> {
    const ODATA_TYPE: &'static str = T::ODATA_TYPE;
}

impl<T: Tag> super::odata::ODataType for Object<T> {
    const ODATA_TYPE: &'static str = T::ODATA_TYPE;
}

impl<T> super::odata::Addressed for Object<T> {
    type Item = Self;
}

impl<T> From<Members> for Object<T> {
    fn from(members: Members) -> Self {
        Self(members, PhantomData)
    }
}

impl<T> From<JsonObject> for Object<T> {
    fn from(map: JsonObject) -> Self {
        Self(Members::from(map), PhantomData)
    }
}

impl<T> From<Object<T>> for JsonObject {
    fn from(object: Object<T>) -> Self {
        object.0.into()
    }
}

impl<T> Clone for Object<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone(), PhantomData)
    }
}

impl<T> Default for Object<T> {
    fn default() -> Self {
        Self(Members::new(), PhantomData)
    }
}

impl<T> PartialEq for Object<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T: Tag> fmt::Debug for Object<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple(T::NAME).field(&self.0).finish()
    }
}

impl<T> serde::Serialize for Object<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&self.0, s)
    }
}

impl<'de, T> serde::Deserialize<'de> for Object<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_view_members(d).map(|members| Object(members, PhantomData))
    }
}
