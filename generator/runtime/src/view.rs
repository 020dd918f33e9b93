//! What every view is: [`View`], the [`Tag`] of its type, and the `view!` and
//! `string_enum!` macros that the generated models and enums call.

use super::{Json, Members, TransparentWrapper};

/// What a view type is; implemented by `view!` on each model's marker type.
#[doc(hidden)]
pub trait Tag {
    /// The `@odata.type` tag, e.g. `#microsoft.graph.user`; empty for request bodies.
    const ODATA_TYPE: &'static str;
    /// The name of the model type, for `Debug`.
    const NAME: &'static str;
}

/// What every model view can do, whatever its type.
pub trait View: TransparentWrapper<Members> + Sized {
    /// The `@odata.type` tag of this type, e.g. `#microsoft.graph.user`.
    const ODATA_TYPE: &'static str;

    /// The view of an object.
    fn from_map(members: Members) -> Self {
        Self::wrap(members)
    }
    /// The object's members, for reading any of them as raw JSON.
    fn as_map(&self) -> &Members {
        Self::peel_ref(self)
    }
    /// The object's members, to change any of them by name.
    fn as_map_mut(&mut self) -> &mut Members {
        Self::peel_mut(self)
    }
    /// The object, without the view.
    fn into_map(self) -> Members {
        Self::peel(self)
    }

    /// The `@odata.type` member, if present.
    fn odata_type(&self) -> Option<&str> {
        self.as_map().get("@odata.type").and_then(Json::as_str)
    }

    /// The raw JSON of a member, for members this crate does not know.
    fn get(&self, name: &str) -> Option<&Json> {
        self.as_map().get(name)
    }

    /// Sets a member to JSON `null` (PATCH: clear the value).
    fn set_null(&mut self, name: &str) -> &mut Self {
        self.as_map_mut().insert(name, Json::Null);
        self
    }

    /// Removes a member (PATCH: leave the value alone).
    fn remove(&mut self, name: &str) -> &mut Self {
        self.as_map_mut().remove(name);
        self
    }

    /// Views the same object as another type, without checking its `@odata.type`.
    fn cast<U: View>(self) -> U {
        U::from_map(self.into_map())
    }

    /// Borrows the same object as another type, without checking its `@odata.type`.
    fn cast_ref<U: View>(&self) -> &U {
        U::wrap_ref(self.as_map())
    }
}

/// A new object holding only its `@odata.type` tag.
#[doc(hidden)]
pub fn tagged(odata_type: &str) -> Members {
    let mut members = Members::new();
    members.insert("@odata.type", Json::from(odata_type));
    members
}

/// Declares what the view type `$name` (an alias of [`Object`]) is: its `@odata.type`
/// tag, on the marker type `tags::$name` beside it; with a base type, also `Deref` to
/// it, so inherited getters and setters are the base type's.
#[doc(hidden)]
#[macro_export]
macro_rules! view {
    ($name:ident) => {
        $crate::view!($name, "");
    };
    ($name:ident, $tag:literal) => {
        impl $crate::runtime::Tag for tags::$name {
            const ODATA_TYPE: &'static str = $tag;
            const NAME: &'static str = stringify!($name);
        }
    };
    ($name:ident, $tag:literal, $base:ident) => {
        $crate::view!($name, $tag);
        impl std::ops::Deref for $name {
            type Target = $base;
            fn deref(&self) -> &$base {
                <$base as $crate::runtime::TransparentWrapper<$crate::runtime::Members>>::wrap_ref(
                    &self.0,
                )
            }
        }
        impl std::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut $base {
                <$base as $crate::runtime::TransparentWrapper<$crate::runtime::Members>>::wrap_mut(
                    &mut self.0,
                )
            }
        }
    };
}

/// Implements a string enum's traits through its `as_str` and `From<&str>`: serde,
/// `Display`, and equality, hashing and cloning by spelling. Written here rather than
/// derived: a derive matches over every member once per trait, which costs seconds
/// over three hundred enums.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum {
    ($name:ident) => {
        impl Clone for $name {
            fn clone(&self) -> Self {
                Self::from(self.as_str())
            }
        }
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }
        impl Eq for $name {}
        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Ok(Self::from(s.as_ref()))
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl $crate::runtime::odata::ODataEnum for $name {
            fn as_str(&self) -> &str {
                $name::as_str(self)
            }
        }
    };
}

#[cfg(test)]
mod tests;
