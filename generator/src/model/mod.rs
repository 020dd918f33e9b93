//! Stage 2: all pages → one intermediate model of types, enums and operations.
//!
//! The model is plain data: no Markdown, no Rust, no OpenAPI. Every item keeps the
//! page and line it came from.

mod area;
mod build;
mod checks;
mod extract;
mod includes;
mod paths;
mod qualified_name;
mod query_notes;
mod resolve;
mod typeref;

pub use area::Area;
pub use build::build_model;
pub use includes::splice_permission_includes;
pub use paths::{ParamStyle, PathIndex, PathPart, PathTemplate, request_path};
pub use qualified_name::QualifiedName;
pub use query_notes::{QueryNotes, QuerySupport, query_notes};
pub use typeref::{CellType, parse_type_cell};

use crate::method::HttpMethod;
use serde::Serialize;
use std::collections::BTreeMap;

/// Where an item was documented.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Source {
    pub file: String,
    pub line: usize,
}

/// The base type of Microsoft Entra ID's objects, which take extension properties
/// beyond their documented ones.
const DIRECTORY_OBJECT: &str = "microsoft.graph.directoryObject";

#[derive(Clone, Debug, Default, Serialize)]
pub struct Model {
    /// Entity and complex types by fully qualified name (`microsoft.graph.x`).
    pub types: BTreeMap<QualifiedName, TypeDef>,
    /// Enums by fully qualified name.
    pub enums: BTreeMap<QualifiedName, EnumDef>,
    /// Operations, one per documented (method, path), sorted by path then method.
    pub operations: Vec<Operation>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TypeKind {
    Entity,
    Complex,
}

#[derive(Clone, Debug, Serialize)]
pub struct TypeDef {
    pub name: QualifiedName,
    pub namespace: String,
    /// The doc area (product) the type is documented in.
    pub area: Area,
    pub kind: TypeKind,
    pub base: Option<QualifiedName>,
    pub is_abstract: bool,
    /// The page's annotation says `"openType": true`: members beyond the documented
    /// properties are allowed (open extensions, planner's dictionaries).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_open: bool,
    pub description: String,
    /// Own properties, in documented order; inherited ones live on the base.
    pub properties: Vec<Property>,
    /// Types whose base is this one, sorted.
    pub derived: Vec<QualifiedName>,
    pub source: Source,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Property {
    pub name: String,
    pub ty: TypeRef,
    pub description: String,
    /// A relationship (navigation property) rather than a structural property.
    pub navigation: bool,
    pub source: Source,
    /// What the description says about `$select`, `$filter` and the other options.
    #[serde(skip_serializing_if = "QueryNotes::is_empty")]
    pub query: QueryNotes,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "lowercase")]
pub enum TypeRef {
    Primitive(Edm),
    /// A type or enum by fully qualified name.
    Named(QualifiedName),
    Collection(Box<TypeRef>),
    /// Any JSON value (the docs' `Json`, or a type that could not be resolved).
    Untyped,
}

/// The EDM primitive types of OData.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Edm {
    String,
    Boolean,
    Byte,
    SByte,
    Int16,
    Int32,
    Int64,
    Single,
    Double,
    Decimal,
    DateTimeOffset,
    Date,
    TimeOfDay,
    Duration,
    Guid,
    Binary,
    Stream,
}

#[derive(Clone, Debug, Serialize)]
pub struct EnumDef {
    pub name: QualifiedName,
    pub namespace: String,
    pub area: Area,
    pub description: String,
    /// Values are comma-separated lists of members.
    pub flags: bool,
    pub members: Vec<EnumMember>,
    pub source: Source,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnumMember {
    pub name: String,
    pub value: Option<i64>,
    pub description: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Operation {
    /// Unique snake_case name derived from method and path (see `paths::operation_id`).
    pub id: String,
    pub method: HttpMethod,
    pub path: PathTemplate,
    pub area: Area,
    /// Page title, e.g. "Update deviceConfigurationDeviceOverview".
    pub summary: String,
    pub description: String,
    pub source: Source,
    pub permissions: Permissions,
    /// The page documents OData query options (`$select`, `$filter`, ...).
    pub query_options: bool,
    /// Request headers documented besides `Authorization`.
    pub headers: Vec<String>,
    pub request_body: Option<RequestBody>,
    /// The page says the body may be left out (`No request body is required. However,
    /// you can specify ...`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub body_optional: bool,
    /// The example request whose JSON members are the body's parameters, where the page
    /// has no parameter table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_from_example: Option<Source>,
    pub response: ResponseDef,
    pub examples: Vec<Example>,
    /// The request line at `source` as that page spells it (the path is respelled
    /// the way most request lines spell it; diagnostics quote the page's own words).
    #[serde(skip)]
    pub documented_path: String,
    /// A documented request line that queries this path as a collection
    /// (`?$filter=...`): one of the signals weighed when the operations are typed.
    #[serde(skip)]
    pub queried_as_collection: Option<Source>,
    /// The function's own query parameters that every request line of the operation
    /// writes with a placeholder (`calendarView?startDateTime={start_datetime}`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub query_parameters: Vec<QueryParameter>,
}

/// A query parameter of the operation itself, not an OData option: the name as the
/// URL writes it, and the text of its placeholder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueryParameter {
    pub name: String,
    pub documented: String,
}

impl Operation {
    /// The documented request headers a caller sets: those the transport writes itself
    /// (`Content-Type`, `Content-Length`, `Accept`) left out.
    pub fn caller_headers(&self) -> impl Iterator<Item = &str> {
        const TRANSPORT: [&str; 3] = ["content-type", "content-length", "accept"];
        self.headers
            .iter()
            .map(String::as_str)
            .filter(|h| !TRANSPORT.iter().any(|t| h.eq_ignore_ascii_case(t)))
    }
}

/// The permissions of an operation, by permission type. Each permission is an
/// alternative: any one of them lets the call through. A permission that is several
/// scopes at once is written as the docs do, `A and B` (see [`Permissions::scopes_of`]).
/// Nothing at all means a token with no particular scope (the docs' `None.`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Permissions {
    pub delegated_work: Privileges,
    pub delegated_personal: Privileges,
    pub application: Privileges,
}

/// The permissions of one permission type, as the docs rank them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Privileges {
    /// The least privileged permissions (the first of a list written "from least to
    /// most privileged").
    pub least: Vec<String>,
    /// The higher privileged ones, which also let the call through.
    pub higher: Vec<String>,
}

impl Privileges {
    /// Least privileged first.
    pub fn all(&self) -> Vec<&str> {
        self.least
            .iter()
            .chain(&self.higher)
            .map(String::as_str)
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.least.is_empty() && self.higher.is_empty()
    }

    /// Adds `permission` to `least` or `higher`, unless it is there already.
    pub fn push(&mut self, permission: String, least: bool) {
        if self.least.contains(&permission) || self.higher.contains(&permission) {
            return;
        }
        if least {
            self.least.push(permission);
        } else {
            self.higher.push(permission);
        }
    }
}

impl Permissions {
    /// Delegated (work or school, then personal account), then application.
    pub fn kinds(&self) -> [(PermissionKind, &Privileges); 3] {
        [
            (PermissionKind::DelegatedWork, &self.delegated_work),
            (PermissionKind::DelegatedPersonal, &self.delegated_personal),
            (PermissionKind::Application, &self.application),
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.kinds().iter().all(|(_, p)| p.is_empty())
    }

    /// Every scope any permission names, sorted.
    pub fn all_scopes(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self
            .kinds()
            .into_iter()
            .flat_map(|(_, p)| p.least.iter().chain(&p.higher))
            .flat_map(|p| Self::scopes_of(p))
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The scopes one permission needs together: `A and B` → `A`, `B`.
    pub fn scopes_of(permission: &str) -> impl Iterator<Item = &str> {
        permission.split(" and ").map(str::trim)
    }
}

/// Who a permission is granted to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PermissionKind {
    /// A signed-in user of a work or school account, with the app acting for them.
    DelegatedWork,
    /// A signed-in user of a personal Microsoft account.
    DelegatedPersonal,
    /// The application itself, without a signed-in user.
    Application,
}

impl PermissionKind {
    /// As the docs' `Permission type` column names it.
    pub fn label(self) -> &'static str {
        match self {
            PermissionKind::DelegatedWork => "Delegated (work or school account)",
            PermissionKind::DelegatedPersonal => "Delegated (personal Microsoft account)",
            PermissionKind::Application => "Application",
        }
    }

    pub fn is_delegated(self) -> bool {
        self != PermissionKind::Application
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum RequestBody {
    /// A JSON representation of one of these types (several when one path is
    /// documented on several pages, one per derived type).
    Typed { types: Vec<QualifiedName> },
    /// A JSON object of parameters (actions).
    Parameters { parameters: Vec<Property> },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResponseDef {
    pub status: u16,
    pub body: Option<TypeRef>,
    /// Whether the Response section's words call the body a collection ("a
    /// collection of x objects"), and the line: one of the signals weighed when
    /// the operations are typed.
    #[serde(skip)]
    pub prose_collection: Option<(bool, usize)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Example {
    /// The page the example is on (one operation can gather examples of several pages).
    pub file: String,
    pub name: Option<String>,
    pub request: ExampleRequest,
    pub response: Option<ExampleResponse>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExampleRequest {
    pub method: HttpMethod,
    /// Path and query as written in the example.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<serde_json::Value>,
    pub line: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExampleResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<serde_json::Value>,
    /// The `@odata.type` of the response annotation, when present.
    pub odata_type: Option<String>,
    pub is_collection: bool,
    pub line: usize,
    /// The line of the response annotation, where there is one.
    #[serde(skip)]
    pub annotation_line: Option<usize>,
}

impl ResponseDef {
    /// The named type the response holds, alone or as the items of a collection.
    pub fn item_name(&self) -> Option<&QualifiedName> {
        match &self.body {
            Some(TypeRef::Named(n)) => Some(n),
            Some(TypeRef::Collection(inner)) => match &**inner {
                TypeRef::Named(n) => Some(n),
                _ => None,
            },
            _ => None,
        }
    }
}

impl Model {
    /// The operation a request with `method` to `path` (no query) reaches: exact
    /// literals first, then literals that differ in letter case only; among several, one
    /// documented on `page`, then the one with the most literal text, then the first.
    pub fn operation_for(
        &self,
        index: &PathIndex,
        page: &str,
        method: HttpMethod,
        path: &str,
    ) -> Option<usize> {
        let candidates = index.candidates(path);
        [true, false].into_iter().find_map(|exact| {
            candidates
                .iter()
                .copied()
                .filter(|&i| {
                    let op = &self.operations[i];
                    op.method == method && op.path.match_path(path, exact).is_some()
                })
                // `max_by_key` keeps the last of equals: rank by position too, so that
                // the first wins.
                .max_by_key(|&i| {
                    let op = &self.operations[i];
                    (
                        op.source.file == page,
                        op.path.literal_len(),
                        std::cmp::Reverse(i),
                    )
                })
        })
    }

    /// `path` without its last segment, and the documented type that segment names,
    /// when the path ends in a cast (`/me/memberOf/microsoft.graph.group`).
    pub fn trailing_cast<'p>(&self, path: &'p str) -> Option<(&'p str, &QualifiedName)> {
        let (rest, segment) = path.trim_end_matches('/').rsplit_once('/')?;
        if rest.is_empty() || !segment.contains('.') {
            return None;
        }
        let (name, _) = self.types.get_key_value(segment)?;
        Some((rest, name))
    }

    /// Whether objects of `ty` take `member`, which no page documents on the type: an
    /// open type (or one deriving from an open type) takes any member, but directory
    /// objects only extension properties (`extension_{appId}_{name}`, schema
    /// extensions' `ext…_{name}`), whose names hold a `_`.
    pub fn takes_dynamic_member(&self, ty: &str, member: &str) -> bool {
        self.is_open(ty) && (!self.is_directory_object(ty) || member.contains('_'))
    }

    /// `ty` or one of its bases is open (`"openType": true`).
    pub fn is_open(&self, ty: &str) -> bool {
        self.ancestry(ty).any(|t| t.is_open)
    }

    /// `ty` is `directoryObject` or derives from it.
    pub fn is_directory_object(&self, ty: &str) -> bool {
        self.ancestry(ty)
            .any(|t| t.name.as_str().eq_ignore_ascii_case(DIRECTORY_OBJECT))
    }

    /// The type and all its ancestors, nearest first.
    pub fn ancestry<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a TypeDef> + use<'a> {
        let mut next = self.types.get(name);
        let mut seen = 0usize;
        std::iter::from_fn(move || {
            let current = next?;
            seen += 1;
            // Cycles are broken while building; the bound is a second guard.
            next = if seen > self.types.len() {
                None
            } else {
                current.base.as_deref().and_then(|b| self.types.get(b))
            };
            Some(current)
        })
    }

    /// All properties of a type, inherited first.
    pub fn all_properties<'a>(&'a self, name: &str) -> Vec<&'a Property> {
        let chain: Vec<&TypeDef> = self.ancestry(name).collect();
        chain
            .iter()
            .rev()
            .flat_map(|t| t.properties.iter())
            .collect()
    }

    /// The nearest type that every one of `types` is or derives from.
    pub fn common_base(&self, types: &[QualifiedName]) -> Option<QualifiedName> {
        let first = types.first()?;
        self.ancestry(first)
            .map(|t| t.name.clone())
            .find(|candidate| {
                types
                    .iter()
                    .all(|t| self.ancestry(t).any(|a| a.name == *candidate))
            })
    }

    /// All types deriving from `name`, directly or not, sorted.
    pub fn descendants(&self, name: &str) -> Vec<&QualifiedName> {
        let mut out: Vec<&QualifiedName> = Vec::new();
        let mut stack = vec![name];
        while let Some(n) = stack.pop() {
            if let Some(t) = self.types.get(n) {
                for d in &t.derived {
                    if !out.contains(&d) {
                        out.push(d);
                        stack.push(d);
                    }
                }
            }
        }
        out.sort_unstable();
        out
    }
}

/// The short name of a qualified name: `microsoft.graph.user` → `user`.
pub fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// A response annotation's `@odata.type` that is a placeholder: a primitive (`Edm.String`,
/// as many current Intune pages write) over a body that is an object of its own (members
/// other than an OData primitive's `value`) or objects in `value`, which no primitive
/// response has.
pub(crate) fn placeholder_response_type(
    odata_type: &str,
    body: Option<&serde_json::Value>,
) -> bool {
    let Some(serde_json::Value::Object(members)) = body else {
        return false;
    };
    // Intune pages wrap objects in `value` too: `{"value": {...}}`, `{"value": [{...}]}`.
    let wrapped_objects = match members.get("value") {
        Some(serde_json::Value::Object(_)) => true,
        Some(serde_json::Value::Array(items)) => items.iter().any(|i| i.is_object()),
        _ => false,
    };
    odata_type.to_ascii_lowercase().starts_with("edm.")
        && (wrapped_objects
            || members
                .keys()
                .any(|k| k != "value" && !k.starts_with("@odata.") && !k.starts_with("@")))
}

#[cfg(test)]
mod placeholder_tests {
    use super::placeholder_response_type;
    use serde_json::json;

    #[test]
    fn primitive_annotations_over_objects_are_placeholders() {
        let object = json!({"@odata.type": "#microsoft.graph.widget", "id": "1", "size": 2});
        assert!(placeholder_response_type("Edm.String", Some(&object)));
        let primitive = json!({"@odata.context": "x", "value": "aGVsbG8="});
        assert!(!placeholder_response_type("Edm.String", Some(&primitive)));
        let strings = json!({"value": ["a", "b"]});
        assert!(!placeholder_response_type("Edm.String", Some(&strings)));
        let wrapped = json!({"value": {"@odata.type": "#microsoft.graph.widget", "id": "1"}});
        assert!(placeholder_response_type("Edm.String", Some(&wrapped)));
        let listed = json!({"value": [{"id": "1"}]});
        assert!(placeholder_response_type("Edm.String", Some(&listed)));
        assert!(!placeholder_response_type(
            "microsoft.graph.widget",
            Some(&object)
        ));
        assert!(!placeholder_response_type("Edm.String", None));
    }
}
