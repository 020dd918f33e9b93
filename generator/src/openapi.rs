//! Stage 3a: model → OpenAPI 3.0 (`openapiv3`) → YAML (written by `openapi/yaml.rs`).
//!
//! Conventions follow Microsoft's own Graph OpenAPI: schema keys are qualified OData
//! names, inheritance is `allOf` (derived types listed in `x-ms-discriminator`), nullable
//! references are `anyOf: [$ref, {type: object, nullable: true}]`.

mod yaml;

use crate::method::HttpMethod;
use crate::model::{
    Edm, Model, Operation, PathPart, PermissionKind, Permissions, RequestBody, TypeDef, TypeRef,
};
use crate::site::ApiVersion;
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, ArrayType, AuthorizationCodeOAuth2Flow, ClientCredentialsOAuth2Flow,
    Components, ExternalDocumentation, Info, IntegerFormat, IntegerType, MediaType, NumberFormat,
    NumberType, ObjectType, OpenAPI, Parameter, ParameterData, ParameterSchemaOrContent, PathItem,
    Paths, ReferenceOr, Response, Responses, Schema, SchemaData, SchemaKind, SecurityRequirement,
    SecurityScheme, Server, StatusCode, StringFormat, StringType, Tag, Type,
    VariantOrUnknownOrEmpty,
};

const SECURITY_SCHEME: &str = "azureaadv2";
const LOGIN: &str = "https://login.microsoftonline.com";
const ERROR_SCHEMA: &str = "odata.error";
const JSON: &str = "application/json";

/// The OData system query options, in the order the docs list them.
pub const QUERY_OPTIONS: [(&str, &str); 8] = [
    ("$select", "Properties to return"),
    ("$filter", "Filter items by property values"),
    ("$expand", "Related entities to include"),
    ("$orderby", "Order items by property values"),
    ("$top", "Show only the first n items"),
    ("$skip", "Skip the first n items"),
    ("$count", "Include the count of items"),
    ("$search", "Search items by search phrases"),
];

/// Serializes the model of docs of `version` as an OpenAPI YAML document, `header` as
/// its first line.
pub fn emit_yaml(
    model: &Model,
    header: &str,
    version: ApiVersion,
) -> Result<String, serde_yaml::Error> {
    Ok(format!(
        "# {header}\n{}",
        yaml::to_string(emit(model, version))?
    ))
}

pub fn emit(model: &Model, version: ApiVersion) -> OpenAPI {
    let mut schemas = IndexMap::new();
    for t in model.types.values() {
        let mut schema = type_schema(model, t);
        schema.schema_data.external_docs = external_docs(version, &t.source.file);
        schemas.insert(t.name.to_string(), ReferenceOr::Item(schema));
    }
    for e in model.enums.values() {
        let schema = Schema {
            schema_data: SchemaData {
                title: Some(e.name.short().to_string()),
                description: non_empty(&e.description),
                extensions: if e.flags {
                    IndexMap::from([(
                        "x-ms-enum-flags".to_string(),
                        serde_json::json!({"isFlags": true}),
                    )])
                } else {
                    IndexMap::new()
                },
                external_docs: external_docs(version, &e.source.file),
                ..SchemaData::default()
            },
            schema_kind: SchemaKind::Type(Type::String(StringType {
                enumeration: e.members.iter().map(|m| Some(m.name.clone())).collect(),
                ..StringType::default()
            })),
        };
        schemas.insert(e.name.to_string(), ReferenceOr::Item(schema));
    }
    schemas.insert(ERROR_SCHEMA.to_string(), ReferenceOr::Item(error_schema()));
    schemas.sort_keys();

    let mut paths: IndexMap<String, ReferenceOr<PathItem>> = IndexMap::new();
    for op in &model.operations {
        let key = op.path.published_path();
        let entry = paths
            .entry(key)
            .or_insert_with(|| ReferenceOr::Item(PathItem::default()));
        let ReferenceOr::Item(item) = entry else {
            continue;
        };
        let operation = operation(model, op, version);
        let slot = match op.method {
            HttpMethod::Get => &mut item.get,
            HttpMethod::Post => &mut item.post,
            HttpMethod::Patch => &mut item.patch,
            HttpMethod::Put => &mut item.put,
            HttpMethod::Delete => &mut item.delete,
        };
        *slot = Some(operation);
    }
    paths.sort_keys();

    // Delegated permissions are scopes a user consents to (authorization code flow);
    // application permissions are roles granted to the app (client credentials flow).
    let flow_scopes = |delegated: bool| -> IndexMap<String, String> {
        let mut scopes: Vec<&str> = model
            .operations
            .iter()
            .flat_map(|o| o.permissions.kinds())
            .filter(|(kind, _)| kind.is_delegated() == delegated)
            .flat_map(|(_, p)| p.least.iter().chain(&p.higher))
            .flat_map(|p| Permissions::scopes_of(p))
            .collect();
        scopes.sort_unstable();
        scopes.dedup();
        scopes
            .iter()
            .map(|s| (s.to_string(), s.to_string()))
            .collect()
    };
    let mut tags: Vec<&str> = model.operations.iter().map(|o| o.area.as_str()).collect();
    tags.sort_unstable();
    tags.dedup();

    let mut parameters = IndexMap::new();
    for (name, description) in QUERY_OPTIONS {
        parameters.insert(
            query_parameter_key(name),
            ReferenceOr::Item(Parameter::Query {
                parameter_data: parameter_data(
                    name,
                    Some(description.to_string()),
                    false,
                    match name {
                        "$top" | "$skip" => {
                            integer(VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32))
                        }
                        "$count" => Schema {
                            schema_data: SchemaData::default(),
                            schema_kind: SchemaKind::Type(Type::Boolean(Default::default())),
                        },
                        _ => string(VariantOrUnknownOrEmpty::Empty),
                    },
                ),
                allow_reserved: false,
                style: Default::default(),
                allow_empty_value: None,
            }),
        );
    }

    OpenAPI {
        openapi: "3.0.4".to_string(),
        info: Info {
            title: "Microsoft Graph".to_string(),
            description: Some("Generated from the Microsoft Graph reference docs.".to_string()),
            version: version.as_str().to_string(),
            ..Info::default()
        },
        servers: vec![Server {
            url: version.service_root(),
            ..Server::default()
        }],
        tags: tags
            .into_iter()
            .map(|name| Tag {
                name: name.to_string(),
                description: Some(format!("Operations of the `{name}` doc area.")),
                external_docs: None,
                extensions: IndexMap::new(),
            })
            .collect(),
        paths: Paths {
            paths,
            extensions: IndexMap::new(),
        },
        components: Some(Components {
            schemas,
            responses: IndexMap::from([(
                "error".to_string(),
                ReferenceOr::Item(Response {
                    description: "error".to_string(),
                    content: IndexMap::from([(JSON.to_string(), media(schema_ref(ERROR_SCHEMA)))]),
                    ..Response::default()
                }),
            )]),
            parameters,
            security_schemes: IndexMap::from([(
                SECURITY_SCHEME.to_string(),
                ReferenceOr::Item(SecurityScheme::OAuth2 {
                    flows: openapiv3::OAuth2Flows {
                        authorization_code: Some(AuthorizationCodeOAuth2Flow {
                            authorization_url: format!("{LOGIN}/common/oauth2/v2.0/authorize"),
                            token_url: format!("{LOGIN}/common/oauth2/v2.0/token"),
                            refresh_url: None,
                            scopes: flow_scopes(true),
                            extensions: IndexMap::new(),
                        }),
                        client_credentials: Some(ClientCredentialsOAuth2Flow {
                            // A URL has no placeholders: the description names the
                            // tenant's own endpoint, which this flow needs.
                            token_url: format!("{LOGIN}/common/oauth2/v2.0/token"),
                            refresh_url: None,
                            scopes: flow_scopes(false),
                            extensions: IndexMap::new(),
                        }),
                        ..Default::default()
                    },
                    description: Some(
                        "Microsoft identity platform tokens. Delegated permissions are the authorization code flow's scopes; application permissions are app roles, granted to the app beforehand and carried by a client credentials token, requested for the scope `https://graph.microsoft.com/.default` from the tenant's own endpoint (`https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`, the tenant's id or domain in place of `common`). An operation lists each permission that lets it through as a requirement of its own; an empty list means a token with no particular permission.".to_string(),
                    ),
                    extensions: IndexMap::new(),
                }),
            )]),
            ..Components::default()
        }),
        ..OpenAPI::default()
    }
}

fn query_parameter_key(name: &str) -> String {
    name.trim_start_matches('$').to_string()
}

fn type_schema(model: &Model, t: &TypeDef) -> Schema {
    let mut properties = IndexMap::new();
    for p in &t.properties {
        properties.insert(
            p.name.clone(),
            boxed(property_schema(model, &p.ty, &p.description)),
        );
    }
    if t.base.is_none() {
        // The type tag is part of every object; declaring it lets validators and
        // discriminators find it.
        properties.insert(
            "@odata.type".to_string(),
            ReferenceOr::Item(Box::new(string(VariantOrUnknownOrEmpty::Empty))),
        );
    }
    let own = Schema {
        schema_data: SchemaData {
            title: Some(t.name.short().to_string()),
            description: non_empty(&t.description),
            ..SchemaData::default()
        },
        schema_kind: SchemaKind::Type(Type::Object(ObjectType {
            properties,
            additional_properties: Some(AdditionalProperties::Any(true)),
            ..ObjectType::default()
        })),
    };
    // Derived types are listed in an extension, not a `discriminator`: OpenAPI 3.0
    // makes the discriminating property required in every instance, while Graph leaves
    // `@odata.type` out whenever the object is of the declared type.
    let descendants = model.descendants(&t.name);
    let mut extensions = IndexMap::new();
    if !descendants.is_empty() {
        let mapping: serde_json::Map<String, serde_json::Value> = descendants
            .iter()
            .map(|d| {
                (
                    format!("#{d}"),
                    serde_json::json!(format!("#/components/schemas/{d}")),
                )
            })
            .collect();
        extensions.insert(
            "x-ms-discriminator".to_string(),
            serde_json::json!({"propertyName": "@odata.type", "mapping": mapping}),
        );
    }
    match &t.base {
        None => Schema {
            schema_data: SchemaData {
                extensions,
                ..own.schema_data
            },
            schema_kind: own.schema_kind,
        },
        Some(base) => Schema {
            schema_data: SchemaData {
                extensions,
                ..SchemaData::default()
            },
            schema_kind: SchemaKind::AllOf {
                all_of: vec![schema_ref(base), ReferenceOr::Item(own)],
            },
        },
    }
}

fn property_schema(model: &Model, ty: &TypeRef, description: &str) -> ReferenceOr<Schema> {
    let mut schema = match value_schema(model, ty) {
        ReferenceOr::Reference { reference } => Schema {
            schema_data: SchemaData::default(),
            schema_kind: SchemaKind::AnyOf {
                any_of: vec![
                    ReferenceOr::Reference { reference },
                    ReferenceOr::Item(Schema {
                        schema_data: SchemaData {
                            nullable: true,
                            ..SchemaData::default()
                        },
                        schema_kind: SchemaKind::Type(Type::Object(ObjectType::default())),
                    }),
                ],
            },
        },
        ReferenceOr::Item(mut s) => {
            if !matches!(ty, TypeRef::Collection(_)) {
                s.schema_data.nullable = !matches!(s.schema_kind, SchemaKind::Any(_));
            }
            s
        }
    };
    schema.schema_data.description = non_empty(description);
    ReferenceOr::Item(schema)
}

/// The schema of a value of `ty` (not nullable).
pub fn value_schema(model: &Model, ty: &TypeRef) -> ReferenceOr<Schema> {
    match ty {
        TypeRef::Primitive(edm) => ReferenceOr::Item(primitive(*edm)),
        TypeRef::Named(n) if model.types.contains_key(n) || model.enums.contains_key(n) => {
            schema_ref(n)
        }
        TypeRef::Named(_) | TypeRef::Untyped => ReferenceOr::Item(Schema {
            schema_data: SchemaData::default(),
            schema_kind: SchemaKind::Any(Default::default()),
        }),
        TypeRef::Collection(inner) => ReferenceOr::Item(Schema {
            schema_data: SchemaData::default(),
            schema_kind: SchemaKind::Type(Type::Array(ArrayType {
                items: Some(boxed(value_schema(model, inner))),
                min_items: None,
                max_items: None,
                unique_items: false,
            })),
        }),
    }
}

fn primitive(edm: Edm) -> Schema {
    use StringFormat as F;
    match edm {
        Edm::String => string(VariantOrUnknownOrEmpty::Empty),
        Edm::Boolean => Schema {
            schema_data: SchemaData::default(),
            schema_kind: SchemaKind::Type(Type::Boolean(Default::default())),
        },
        Edm::Byte => integer(unknown("uint8")),
        Edm::SByte => integer(unknown("int8")),
        Edm::Int16 => integer(unknown("int16")),
        Edm::Int32 => integer(VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32)),
        Edm::Int64 => integer(VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64)),
        Edm::Single => number(VariantOrUnknownOrEmpty::Item(NumberFormat::Float)),
        Edm::Double => number(VariantOrUnknownOrEmpty::Item(NumberFormat::Double)),
        Edm::Decimal => number(unknown("decimal")),
        Edm::DateTimeOffset => string(VariantOrUnknownOrEmpty::Item(F::DateTime)),
        Edm::Date => string(VariantOrUnknownOrEmpty::Item(F::Date)),
        Edm::TimeOfDay => string(unknown("time")),
        Edm::Duration => string(unknown("duration")),
        Edm::Guid => string(unknown("uuid")),
        Edm::Binary | Edm::Stream => string(unknown("base64url")),
    }
}

fn unknown<T>(format: &str) -> VariantOrUnknownOrEmpty<T> {
    VariantOrUnknownOrEmpty::Unknown(format.to_string())
}

fn string(format: VariantOrUnknownOrEmpty<StringFormat>) -> Schema {
    Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Type(Type::String(StringType {
            format,
            ..StringType::default()
        })),
    }
}

fn integer(format: VariantOrUnknownOrEmpty<IntegerFormat>) -> Schema {
    Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Type(Type::Integer(IntegerType {
            format,
            ..IntegerType::default()
        })),
    }
}

fn number(format: VariantOrUnknownOrEmpty<NumberFormat>) -> Schema {
    Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Type(Type::Number(NumberType {
            format,
            ..NumberType::default()
        })),
    }
}

fn error_schema() -> Schema {
    let s = |_: ()| ReferenceOr::Item(Box::new(string(VariantOrUnknownOrEmpty::Empty)));
    let inner = Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Type(Type::Object(ObjectType {
            properties: IndexMap::from([
                ("request-id".to_string(), s(())),
                ("client-request-id".to_string(), s(())),
                ("date".to_string(), s(())),
            ]),
            ..ObjectType::default()
        })),
    };
    let main = Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Type(Type::Object(ObjectType {
            properties: IndexMap::from([
                ("code".to_string(), s(())),
                ("message".to_string(), s(())),
                ("innerError".to_string(), ReferenceOr::Item(Box::new(inner))),
            ]),
            required: vec!["code".to_string(), "message".to_string()],
            ..ObjectType::default()
        })),
    };
    Schema {
        schema_data: SchemaData {
            title: Some("OData error".to_string()),
            ..SchemaData::default()
        },
        schema_kind: SchemaKind::Type(Type::Object(ObjectType {
            properties: IndexMap::from([("error".to_string(), ReferenceOr::Item(Box::new(main)))]),
            required: vec!["error".to_string()],
            ..ObjectType::default()
        })),
    }
}

fn operation(model: &Model, op: &Operation, version: ApiVersion) -> openapiv3::Operation {
    let mut parameters = Vec::new();
    for part in &op.path.parts {
        if let PathPart::Param(i) = part {
            let p = &op.path.params[*i];
            if p.written.is_some() {
                continue;
            }
            parameters.push(ReferenceOr::Item(Parameter::Path {
                parameter_data: parameter_data(
                    &p.name,
                    Some(format!("`{{{}}}` in the docs", p.documented)),
                    true,
                    string(VariantOrUnknownOrEmpty::Empty),
                ),
                style: Default::default(),
            }));
        }
    }
    for q in &op.query_parameters {
        parameters.push(ReferenceOr::Item(Parameter::Query {
            parameter_data: parameter_data(
                &q.name,
                Some(format!("`{{{}}}` in the docs", q.documented)),
                true,
                string(VariantOrUnknownOrEmpty::Empty),
            ),
            allow_reserved: false,
            style: Default::default(),
            allow_empty_value: None,
        }));
    }
    if op.query_options && op.method == HttpMethod::Get {
        for (name, _) in QUERY_OPTIONS {
            parameters.push(ReferenceOr::Reference {
                reference: format!("#/components/parameters/{}", query_parameter_key(name)),
            });
        }
    }
    for h in op.caller_headers() {
        parameters.push(ReferenceOr::Item(Parameter::Header {
            parameter_data: parameter_data(h, None, false, string(VariantOrUnknownOrEmpty::Empty)),
            style: Default::default(),
        }));
    }

    let request_body = op.request_body.as_ref().map(|body| {
        let schema = match body {
            RequestBody::Typed { types } if types.len() == 1 => schema_ref(&types[0]),
            RequestBody::Typed { types } => ReferenceOr::Item(Schema {
                schema_data: SchemaData::default(),
                schema_kind: SchemaKind::AnyOf {
                    any_of: types.iter().map(|t| schema_ref(t)).collect(),
                },
            }),
            RequestBody::Parameters { parameters } => ReferenceOr::Item(Schema {
                schema_data: SchemaData::default(),
                schema_kind: SchemaKind::Type(Type::Object(ObjectType {
                    properties: parameters
                        .iter()
                        .map(|p| {
                            (
                                p.name.clone(),
                                boxed(property_schema(model, &p.ty, &p.description)),
                            )
                        })
                        .collect(),
                    ..ObjectType::default()
                })),
            }),
        };
        ReferenceOr::Item(openapiv3::RequestBody {
            content: IndexMap::from([(JSON.to_string(), media(schema))]),
            required: !op.body_optional,
            ..openapiv3::RequestBody::default()
        })
    });

    let collection = match &op.response.body {
        Some(TypeRef::Collection(inner)) => Some(inner),
        _ => None,
    };
    let content = match (&op.response.body, collection) {
        (None, _) => IndexMap::new(),
        (_, Some(inner)) => {
            let wrapper = collection_schema(model, inner, is_delta(op));
            IndexMap::from([(JSON.to_string(), media(ReferenceOr::Item(wrapper)))])
        }
        (Some(t), None) => IndexMap::from([(JSON.to_string(), media(value_schema(model, t)))]),
    };
    let mut responses = IndexMap::new();
    responses.insert(
        StatusCode::Code(op.response.status),
        ReferenceOr::Item(Response {
            description: "Success".to_string(),
            content,
            ..Response::default()
        }),
    );
    // Graph answers failures with its error body, 4xx and 5xx alike.
    for class in [4, 5] {
        responses.insert(
            StatusCode::Range(class),
            ReferenceOr::Reference {
                reference: "#/components/responses/error".to_string(),
            },
        );
    }

    let mut extensions = IndexMap::from([(
        "x-ms-docs-source".to_string(),
        serde_json::json!(format!("{}:{}", op.source.file, op.source.line)),
    )]);
    if let Some(ranks) = permission_ranks(&op.permissions) {
        extensions.insert("x-ms-permissions".to_string(), ranks);
    }
    if collection.is_some() {
        extensions.insert(
            "x-ms-pageable".to_string(),
            serde_json::json!({"nextLinkName": "@odata.nextLink"}),
        );
    }
    openapiv3::Operation {
        tags: vec![op.area.to_string()],
        summary: non_empty(&op.summary),
        // A page without a description paragraph still describes its operation by
        // its title; tools that render or lint the document want a description.
        description: non_empty(&op.description).or_else(|| non_empty(&op.summary)),
        external_docs: external_docs(version, &op.source.file),
        operation_id: Some(op.id.clone()),
        parameters,
        request_body,
        responses: Responses {
            default: None,
            responses,
            extensions: IndexMap::new(),
        },
        security: Some(security(&op.permissions)),
        extensions,
        ..openapiv3::Operation::default()
    }
}

/// One requirement per permission, so that they read as alternatives (all the scopes
/// of one requirement are needed together); a token with no particular scope when the
/// docs name none. Graph has no anonymous calls.
fn security(permissions: &Permissions) -> Vec<SecurityRequirement> {
    let mut out: Vec<SecurityRequirement> = Vec::new();
    for (_, privileges) in permissions.kinds() {
        for p in privileges.least.iter().chain(&privileges.higher) {
            let requirement = IndexMap::from([(
                SECURITY_SCHEME.to_string(),
                Permissions::scopes_of(p).map(str::to_string).collect(),
            )]);
            if !out.contains(&requirement) {
                out.push(requirement);
            }
        }
    }
    if out.is_empty() {
        out.push(IndexMap::from([(SECURITY_SCHEME.to_string(), Vec::new())]));
    }
    out
}

/// `x-ms-permissions`: the permissions by type, least privileged apart from higher
/// privileged ones, as the docs rank them; `None` when the docs name none.
fn permission_ranks(permissions: &Permissions) -> Option<serde_json::Value> {
    let mut out = serde_json::Map::new();
    for (kind, privileges) in permissions.kinds() {
        if privileges.is_empty() {
            continue;
        }
        let key = match kind {
            PermissionKind::DelegatedWork => "delegatedWork",
            PermissionKind::DelegatedPersonal => "delegatedPersonal",
            PermissionKind::Application => "application",
        };
        let mut ranks = serde_json::Map::new();
        for (rank, list) in [
            ("leastPrivileged", &privileges.least),
            ("higherPrivileged", &privileges.higher),
        ] {
            if !list.is_empty() {
                ranks.insert(rank.to_string(), serde_json::json!(list));
            }
        }
        out.insert(key.to_string(), serde_json::Value::Object(ranks));
    }
    (!out.is_empty()).then_some(serde_json::Value::Object(out))
}

/// The published page of a docs file, for `externalDocs`.
fn external_docs(version: ApiVersion, file: &str) -> Option<ExternalDocumentation> {
    version.page_url(file).map(|url| ExternalDocumentation {
        description: Some("The reference page".to_string()),
        url,
        extensions: IndexMap::new(),
    })
}

/// A delta function (`.../delta`, `.../microsoft.graph.delta(token='{token}')`), whose
/// last page carries `@odata.deltaLink`.
fn is_delta(op: &Operation) -> bool {
    let path = op.path.openapi_path();
    let last = path.rsplit('/').next().unwrap_or("");
    let name = last.split('(').next().unwrap_or(last);
    let name = name.strip_prefix("microsoft.graph.").unwrap_or(name);
    name.eq_ignore_ascii_case("delta")
}

/// A page of a collection: `value`, the next page's link and the count `$count` asks
/// for; and for a delta function, the delta link its last page ends with.
fn collection_schema(model: &Model, inner: &TypeRef, delta: bool) -> Schema {
    let link = || {
        ReferenceOr::Item(Box::new(Schema {
            schema_data: SchemaData {
                nullable: true,
                ..SchemaData::default()
            },
            ..string(VariantOrUnknownOrEmpty::Empty)
        }))
    };
    let mut properties = IndexMap::from([
        (
            "value".to_string(),
            boxed(value_schema(
                model,
                &TypeRef::Collection(Box::new(inner.clone())),
            )),
        ),
        ("@odata.nextLink".to_string(), link()),
        (
            "@odata.count".to_string(),
            ReferenceOr::Item(Box::new(Schema {
                schema_data: SchemaData {
                    nullable: true,
                    ..SchemaData::default()
                },
                ..integer(VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64))
            })),
        ),
    ]);
    if delta {
        properties.insert("@odata.deltaLink".to_string(), link());
    }
    Schema {
        schema_data: SchemaData {
            title: Some("Collection".to_string()),
            ..SchemaData::default()
        },
        schema_kind: SchemaKind::Type(Type::Object(ObjectType {
            properties,
            ..ObjectType::default()
        })),
    }
}

/// A parameter's data: everything but its place (path, query, header) and style.
fn parameter_data(
    name: &str,
    description: Option<String>,
    required: bool,
    schema: Schema,
) -> ParameterData {
    ParameterData {
        name: name.to_string(),
        description,
        required,
        deprecated: None,
        format: ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)),
        example: None,
        examples: IndexMap::new(),
        explode: None,
        extensions: IndexMap::new(),
    }
}

fn schema_ref(name: &str) -> ReferenceOr<Schema> {
    ReferenceOr::Reference {
        reference: format!("#/components/schemas/{name}"),
    }
}

fn boxed(r: ReferenceOr<Schema>) -> ReferenceOr<Box<Schema>> {
    match r {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference },
        ReferenceOr::Item(s) => ReferenceOr::Item(Box::new(s)),
    }
}

fn media(schema: ReferenceOr<Schema>) -> MediaType {
    MediaType {
        schema: Some(schema),
        ..MediaType::default()
    }
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}
