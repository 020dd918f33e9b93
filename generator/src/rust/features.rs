//! Cargo features per doc area, so that users compile only the areas they use.
//!
//! Every type, enum and operation belongs to the area of the page that documents it
//! (`ms.prod`, Intune split by file name). An item is compiled with its area's feature;
//! an accessor whose type lives in another area also needs that area's feature (the raw
//! JSON stays reachable through `View::get`). Features that an item cannot do without
//! (a base type to deref to, the types of an operation's signature) are feature
//! dependencies. `full`, on by default, enables every area.

use crate::model::{Area, Model, QualifiedName, RequestBody, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// Feature names the crate uses for other things, besides the runtime's features.
const RESERVED: [&str; 2] = ["default", "full"];

pub struct Features {
    /// Area → feature name.
    names: BTreeMap<Area, String>,
    /// Feature → features it enables.
    needs: BTreeMap<String, BTreeSet<String>>,
}

impl Features {
    pub fn new(model: &Model) -> Self {
        let runtime = super::runtime_crate::feature_names();
        let mut names = BTreeMap::new();
        let areas = model
            .types
            .values()
            .map(|t| &t.area)
            .chain(model.enums.values().map(|e| &e.area))
            .chain(model.operations.iter().map(|o| &o.area));
        for area in areas {
            names.entry(area.clone()).or_insert_with(|| {
                if RESERVED.contains(&area.as_str()) || runtime.iter().any(|f| f == area.as_str()) {
                    format!("{area}-area")
                } else {
                    area.to_string()
                }
            });
        }
        let mut features = Self {
            needs: names
                .values()
                .map(|n| (n.clone(), BTreeSet::new()))
                .collect(),
            names,
        };
        for t in model.types.values() {
            if let Some(base) = &t.base {
                features.add_need(model, &t.area, base);
            }
        }
        for op in &model.operations {
            match &op.request_body {
                Some(RequestBody::Typed { types }) => {
                    for t in types {
                        // The body parameter is typed with the common base of these.
                        for a in model.ancestry(t) {
                            features.add_need(model, &op.area, &a.name);
                        }
                    }
                }
                Some(RequestBody::Parameters { .. }) | None => {}
            }
            if let Some(ty) = &op.response.body {
                for name in named(ty) {
                    features.add_need(model, &op.area, name);
                }
            }
        }
        features
    }

    fn add_need(&mut self, model: &Model, area: &Area, type_name: &QualifiedName) {
        let (Some(own), Some(other)) = (self.feature(area), self.type_feature(model, type_name))
        else {
            return;
        };
        if own != other {
            let (own, other) = (own.to_string(), other.to_string());
            self.needs.entry(own).or_default().insert(other);
        }
    }

    pub fn feature(&self, area: &Area) -> Option<&str> {
        self.names.get(area).map(String::as_str)
    }

    /// The feature of the area a type or enum is documented in.
    pub fn type_feature(&self, model: &Model, name: &QualifiedName) -> Option<&str> {
        let area = model
            .types
            .get(name)
            .map(|t| &t.area)
            .or_else(|| model.enums.get(name).map(|e| &e.area))?;
        self.feature(area)
    }

    /// `#[cfg(feature = "...")]` for an item of `area`.
    pub fn cfg(&self, area: &Area) -> TokenStream {
        match self.feature(area) {
            Some(f) => quote! { #[cfg(feature = #f)] },
            None => TokenStream::new(),
        }
    }

    /// The cfg line for an accessor of type `ty` on an item of `own_area`: the features of
    /// the other areas its type names need (empty when it needs none).
    pub fn cfg_text_for_type(&self, model: &Model, own_area: &Area, ty: &TypeRef) -> String {
        cfg_features("all", self.features_for_type(model, own_area, ty))
    }

    /// [`Self::cfg`] as text (empty when the area has no feature).
    pub fn cfg_text(&self, area: &Area) -> String {
        self.feature(area)
            .map_or_else(String::new, |f| format!("#[cfg(feature = {f:?})]"))
    }

    /// [`Self::cfg_text`] as a line, with its line break (empty when there is none).
    pub fn cfg_line(&self, area: &Area) -> String {
        let mut cfg = self.cfg_text(area);
        if !cfg.is_empty() {
            cfg.push('\n');
        }
        cfg
    }

    fn features_for_type<'a>(
        &'a self,
        model: &'a Model,
        own_area: &Area,
        ty: &'a TypeRef,
    ) -> BTreeSet<&'a str> {
        let own = self.feature(own_area);
        named(ty)
            .into_iter()
            .filter_map(|n| self.type_feature(model, n))
            .filter(|f| Some(*f) != own)
            .collect()
    }

    /// The `[features]` table.
    pub fn toml(&self) -> String {
        let list = |items: &mut dyn Iterator<Item = &String>| {
            items
                .map(|f| format!("\"{f}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = String::from("[features]\ndefault = [\"client\", \"full\"]\n");
        out.push_str(&format!("full = [{}]\n", list(&mut self.needs.keys())));
        for (feature, needs) in &self.needs {
            out.push_str(&format!("{feature} = [{}]\n", list(&mut needs.iter())));
        }
        out
    }
}

/// Every type or enum name a type reference mentions.
fn named(ty: &TypeRef) -> Vec<&QualifiedName> {
    match ty {
        TypeRef::Named(n) => vec![n],
        TypeRef::Collection(inner) => named(inner),
        TypeRef::Primitive(_) | TypeRef::Untyped => Vec::new(),
    }
}

/// `#[cfg(feature = "a")]`, or `#[cfg(all(...))]` / `#[cfg(any(...))]` (`combinator`) for
/// several features; empty for none.
pub(super) fn cfg_features<S: AsRef<str>>(
    combinator: &str,
    features: impl IntoIterator<Item = S>,
) -> String {
    let list: Vec<String> = features
        .into_iter()
        .map(|f| format!("feature = {:?}", f.as_ref()))
        .collect();
    match list.as_slice() {
        [] => String::new(),
        [one] => format!("#[cfg({one})]"),
        all => format!("#[cfg({combinator}({}))]", all.join(", ")),
    }
}
