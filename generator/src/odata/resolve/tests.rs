use super::*;
use crate::model::{TypeKind, build_model};
use crate::odata::emit::chain;
use crate::odata::query::parse_target;
use crate::parse::parse_page;

fn resource(name: &str, base: Option<&str>, rows: &str, relationships: &str) -> String {
    let inherits = base.map_or(String::new(), |b| format!("Inherits from [{b}]({b}.md)."));
    let base_key = base.map_or(String::new(), |b| {
        format!(", \"baseType\": \"microsoft.graph.{b}\"")
    });
    let key = if name == "entity" {
        ", \"keyProperty\": \"id\""
    } else {
        ""
    };
    let relationships = if relationships.is_empty() {
        String::new()
    } else {
        format!(
            "## Relationships\n|Relationship|Type|Description|\n|:---|:---|:---|\n{relationships}\n\n"
        )
    };
    format!(
        "---\ndoc_type: resourcePageType\n---\n# {name} resource type\n\nNamespace: microsoft.graph\n\n{inherits}\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n{rows}\n\n{relationships}## JSON representation\n<!-- {{\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.{name}\"{base_key}{key}}} -->\n```json\n{{}}\n```\n"
    )
}

fn enum_page(name: &str, members: &[&str]) -> String {
    let rows: String = members
        .iter()
        .enumerate()
        .map(|(i, m)| format!("|{m}|{i}|The {m} one.|\n"))
        .collect();
    format!(
        "---\ndoc_type: enumPageType\n---\n# {name} enum type\n\nNamespace: microsoft.graph\n\n## Members\n|Member|Value|Description|\n|:---|:---|:---|\n{rows}"
    )
}

/// Directory objects, users and groups, with one property of each kind.
fn model() -> Model {
    let pages = [
        (
            "resources/entity.md",
            resource("entity", None, "|id|String|The key.|", ""),
        ),
        (
            "resources/directoryobject.md",
            resource(
                "directoryObject",
                Some("entity"),
                "|deletedDateTime|DateTimeOffset|When deleted.|",
                "",
            ),
        ),
        (
            "resources/user.md",
            resource(
                "user",
                Some("directoryObject"),
                "|displayName|String|A name.|\n\
                 |age|Int32|Years.|\n\
                 |score|Double|Points.|\n\
                 |accountEnabled|Boolean|On.|\n\
                 |birthday|Date|Born.|\n\
                 |wakeUp|TimeOfDay|Alarm.|\n\
                 |tenantId|Guid|Tenant.|\n\
                 |riskLevel|[riskLevel](risklevel.md)|Risk.|\n\
                 |proxyAddresses|String collection|Addresses.|\n\
                 |assignedLicenses|[assignedLicense](assignedlicense.md) collection|Licenses.|\n\
                 |mailboxSettings|[mailboxSettings](mailboxsettings.md)|Settings.|\n\
                 |photo|Stream|A picture.|\n\
                 |sponsor|[group](group.md)|A group, as a property.|",
                "|manager|[directoryObject](directoryobject.md)|The boss.|\n\
                 |memberOf|[directoryObject](directoryobject.md) collection|Groups.|\n\
                 |licenses|[assignedLicense](assignedlicense.md) collection|Related licenses.|",
            ),
        ),
        (
            "resources/group.md",
            resource(
                "group",
                Some("directoryObject"),
                "|displayName|String|A name.|\n|groupTypes|String collection|Kinds.|",
                "|members|[directoryObject](directoryobject.md) collection|Members.|\n\
                 |owners|[user](user.md) collection|Owners.|",
            ),
        ),
        (
            "resources/assignedlicense.md",
            resource("assignedLicense", None, "|skuId|Guid|The product.|", ""),
        ),
        (
            "resources/mailboxsettings.md",
            resource("mailboxSettings", None, "|timeZone|String|A zone.|", ""),
        ),
        (
            "resources/risklevel.md",
            enum_page("riskLevel", &["low", "high", "none"]),
        ),
    ];
    let parsed: Vec<_> = pages
        .iter()
        .map(|(path, text)| parse_page(path, text.as_bytes()).0)
        .collect();
    build_model(&parsed).0
}

fn check(model: &Model, item: &str, target: &str) -> Result<String, Vec<Problem>> {
    let names = RustNames::new(model);
    let resolver = Resolver::new(model, &names);
    let item = QualifiedName::from_qualified(format!("microsoft.graph.{item}"));
    resolver
        .query(&item, !target.contains("/1?"), false, &parse_target(target))
        .map(|options| chain(None, &options))
}

fn ok(model: &Model, item: &str, target: &str) -> String {
    match check(model, item, target) {
        Ok(text) => text,
        Err(p) => panic!("{target}: {p:#?}"),
    }
}

fn reason(model: &Model, item: &str, target: &str) -> Reason {
    match check(model, item, target) {
        Ok(text) => panic!("{target} rebuilt as {text}"),
        Err(p) => p[0].reason,
    }
}

#[test]
fn the_model_has_what_the_tests_assume() {
    let m = model();
    assert_eq!(
        m.types["microsoft.graph.assignedLicense"].kind,
        TypeKind::Complex
    );
    assert_eq!(m.types["microsoft.graph.user"].kind, TypeKind::Entity);
    assert!(m.enums.contains_key("microsoft.graph.riskLevel"));
}

#[test]
fn select_orderby_and_paging_of_own_and_inherited_properties() {
    let m = model();
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$select=id,displayName&$orderby=displayName desc,age&$top=5&$skip=10&$count=true"
        ),
        ".select((models::Entity::ID, models::User::DISPLAY_NAME)).orderby((models::User::DISPLAY_NAME.desc(), models::User::AGE)).top(5).skip(10).count()"
    );
    assert_eq!(
        ok(&m, "user", "/users?$search=%22displayName:wa%22"),
        r#".search("displayName:wa")"#
    );
    assert_eq!(
        ok(&m, "user", "/users?$search=\"displayName:a\" OR \"mail:b\""),
        r#".search_any(["displayName:a", "mail:b"])"#
    );
    assert_eq!(
        ok(&m, "user", "/users?$search=\"a \\\"q\\\"\" and \"b\""),
        r#".search_all(["a \"q\"", "b"])"#
    );
}

#[test]
fn filters_of_every_kind_of_literal() {
    let m = model();
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$filter=startswith(displayName,'O''Neil') and age ge 21 or accountEnabled eq false"
        ),
        r#".filter(models::User::DISPLAY_NAME.starts_with("O'Neil").and(models::User::AGE.ge(21)).or(models::User::ACCOUNT_ENABLED.eq(false)))"#
    );
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$filter=score lt 1.5 and birthday eq 2000-01-31 and wakeUp gt 07:30:00"
        ),
        r#".filter(models::User::SCORE.lt(1.5).and(models::User::BIRTHDAY.eq("2000-01-31".parse::<chrono::NaiveDate>().unwrap())).and(models::User::WAKE_UP.gt("07:30:00".parse::<chrono::NaiveTime>().unwrap())))"#
    );
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$filter=tenantId eq 8e881353-1735-45af-af21-ee1344582a4d"
        ),
        r#".filter(models::User::TENANT_ID.eq(uuid::uuid!("8e881353-1735-45af-af21-ee1344582a4d")))"#
    );
    // A base type's property lifts to the addressed type, so that `and` joins alike.
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$filter=deletedDateTime ge 2021-01-01T08:00Z and displayName ne null"
        ),
        r#".filter(models::DirectoryObject::DELETED_DATE_TIME.ge("2021-01-01T08:00:00Z".parse::<chrono::DateTime<chrono::FixedOffset>>().unwrap()).for_derived::<models::User>().and(models::User::DISPLAY_NAME.is_not_null()))"#
    );
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$filter=riskLevel eq 'high' or riskLevel eq microsoft.graph.riskLevel'none'"
        ),
        ".filter(models::User::RISK_LEVEL.eq(enums::RiskLevel::High).or(models::User::RISK_LEVEL.eq(enums::RiskLevel::None)))"
    );
    assert_eq!(
        ok(&m, "user", "/users?$filter=displayName in ('a', 'b')"),
        r#".filter(models::User::DISPLAY_NAME.is_in(["a", "b"]))"#
    );
    assert_eq!(
        ok(&m, "user", "/users?$filter=NOT(endsWith(displayName,'x'))"),
        r#".filter(models::User::DISPLAY_NAME.ends_with("x").not())"#
    );
}

#[test]
fn lambdas_counts_and_casts() {
    let m = model();
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$filter=assignedLicenses/any(x:x/skuId eq 184efa21-98c3-4e5d-95ab-d07053a96e67)"
        ),
        r#".filter(models::User::ASSIGNED_LICENSES.any(models::AssignedLicense::SKU_ID.eq(uuid::uuid!("184efa21-98c3-4e5d-95ab-d07053a96e67"))))"#
    );
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$filter=proxyAddresses/any(a:startswith(a,'smtp:'))"
        ),
        r#".filter(models::User::PROXY_ADDRESSES.any_value(|x| x.starts_with("smtp:")))"#
    );
    assert_eq!(
        ok(
            &m,
            "group",
            "/groups?$filter=groupTypes/any(c:c+eq+'Unified')"
        ),
        r#".filter(models::Group::GROUP_TYPES.any_value(|x| x.eq("Unified")))"#
    );
    assert_eq!(
        ok(&m, "user", "/users?$filter=memberOf/all(g: g/id eq 'x')"),
        r#".filter(models::User::MEMBER_OF.all(models::Entity::ID.eq("x").for_derived::<models::DirectoryObject>()))"#
    );
    assert_eq!(
        ok(&m, "user", "/users?$filter=assignedLicenses/$count eq 0"),
        ".filter(models::User::ASSIGNED_LICENSES.count().eq(0))"
    );
    assert_eq!(
        ok(
            &m,
            "directoryObject",
            "/me/memberOf?$filter=microsoft.graph.group/displayName eq 'x'&$select=id,microsoft.graph.user/displayName"
        ),
        r#".filter(models::Group::DISPLAY_NAME.cast::<models::DirectoryObject>().eq("x")).select((models::Entity::ID, models::User::DISPLAY_NAME.cast::<models::DirectoryObject>()))"#
    );
}

#[test]
fn type_tests_and_continuation_tokens() {
    let m = model();
    assert_eq!(
        ok(
            &m,
            "directoryObject",
            "/me/memberOf?$filter=isof('microsoft.graph.group') or not(isOf('microsoft.graph.user'))"
        ),
        ".filter(Filter::<models::DirectoryObject>::is_of::<models::Group>().or(Filter::<models::DirectoryObject>::is_of::<models::User>().not()))"
    );
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$filter=memberOf/any(g:isof(g,'microsoft.graph.group'))"
        ),
        ".filter(models::User::MEMBER_OF.any(Filter::<models::DirectoryObject>::is_of::<models::Group>()))"
    );
    // Inside a lambda, `isof('...')` tests the outer item: no typed form.
    assert_eq!(
        reason(
            &m,
            "user",
            "/users?$filter=memberOf/any(g:isof('microsoft.graph.group'))"
        ),
        Reason::UnsupportedShape
    );
    // A type that does not derive from the items' type.
    assert_eq!(
        reason(&m, "user", "/users?$filter=isof('microsoft.graph.group')"),
        Reason::UnknownCast
    );
    assert_eq!(
        ok(&m, "user", "/users?$top=2&$skiptoken=X%27Y"),
        r#".top(2).skip_token("X'Y")"#
    );
    assert_eq!(
        ok(&m, "user", "/users/delta?$deltatoken=abc"),
        r#".delta_token("abc")"#
    );
    assert_eq!(
        reason(&m, "user", "/users/1?$skiptoken=abc"),
        Reason::UnsupportedShape
    );
}

#[test]
fn paths_through_structured_values_and_options_without_dollar() {
    let m = model();
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$filter=mailboxSettings/timeZone eq 'UTC'&$orderby=mailboxSettings/timeZone"
        ),
        r#".filter(models::User::MAILBOX_SETTINGS.then(models::MailboxSettings::TIME_ZONE).eq("UTC")).orderby(models::User::MAILBOX_SETTINGS.then(models::MailboxSettings::TIME_ZONE))"#
    );
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$filter=manager/microsoft.graph.user/displayName eq 'x'"
        ),
        r#".filter(models::User::MANAGER.then(models::User::DISPLAY_NAME.cast::<models::DirectoryObject>()).eq("x"))"#
    );
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$filter=memberOf/any(g:g/microsoft.graph.group/groupTypes/$count eq 0)"
        ),
        ".filter(models::User::MEMBER_OF.any(models::Group::GROUP_TYPES.cast::<models::DirectoryObject>().count().eq(0)))"
    );
    assert_eq!(
        ok(&m, "user", "/users?top=10&expand=memberOf(select=id)"),
        ".top(10).expand(models::User::MEMBER_OF.expand_with(|n| n.select(models::Entity::ID)))"
    );
}

#[test]
fn expand_with_nested_select_and_filter() {
    let m = model();
    assert_eq!(
        ok(
            &m,
            "user",
            "/users/1?$expand=manager,memberOf($select=id;$filter=id eq '1')"
        ),
        r#".expand((models::User::MANAGER, models::User::MEMBER_OF.expand_with(|n| n.select(models::Entity::ID).filter(models::Entity::ID.eq("1").for_derived::<models::DirectoryObject>()))))"#
    );
    assert_eq!(
        reason(&m, "user", "/users?$expand=assignedLicenses"),
        Reason::NotNavigation
    );
    assert_eq!(
        reason(&m, "user", "/users?$expand=memberOf($top=5)"),
        Reason::UnsupportedShape
    );
    assert_eq!(
        ok(
            &m,
            "group",
            "/groups?$expand=owners($select=id;$expand=manager($select=id),memberOf)"
        ),
        ".expand(models::Group::OWNERS.expand_with(|n| n.select(models::Entity::ID).expand((models::User::MANAGER.expand_with(|n| n.select(models::Entity::ID)), models::User::MEMBER_OF))))"
    );
    // A path through a single value, and `$expand` inside `$expand`.
    assert_eq!(
        ok(
            &m,
            "group",
            "/groups?$expand=owners($expand=manager)&$filter=owners/any(o:o/mailboxSettings/timeZone eq 'UTC')"
        ),
        r#".expand(models::Group::OWNERS.expand_with(|n| n.expand(models::User::MANAGER))).filter(models::Group::OWNERS.any(models::User::MAILBOX_SETTINGS.then(models::MailboxSettings::TIME_ZONE).eq("UTC")))"#
    );
    assert_eq!(
        reason(&m, "user", "/users?$expand=*"),
        Reason::UnsupportedShape
    );
    // A derived type's relationship, through its cast.
    assert_eq!(
        ok(
            &m,
            "directoryObject",
            "/x?$expand=microsoft.graph.user/manager"
        ),
        ".expand(models::User::MANAGER.cast::<models::DirectoryObject>())"
    );
    assert_eq!(
        reason(
            &m,
            "directoryObject",
            "/x?$expand=microsoft.graph.user/manager/manager"
        ),
        Reason::UnsupportedShape
    );
    assert_eq!(
        reason(&m, "user", "/users?$expand=bogus"),
        Reason::UnknownProperty
    );
}

#[test]
fn each_reason_from_a_query_that_has_it() {
    let m = model();
    let cases = [
        (
            "user",
            "/users?$filter=displayName eq",
            Reason::InvalidOData,
        ),
        (
            "user",
            "/users?$filter={property} eq 'x'",
            Reason::Placeholder,
        ),
        ("user", "/users?$format=json", Reason::UnknownOption),
        (
            "user",
            "/users?$filter=microsoft.graph.widget/x eq 1",
            Reason::UnknownCast,
        ),
        (
            "user",
            "/users?$filter=microsoft.graph.group/displayName eq 'x'",
            Reason::UnknownCast,
        ),
        ("user", "/users?$select=nickname", Reason::UnknownProperty),
        ("user", "/users?$select=DisplayName", Reason::PropertyCase),
        (
            "directoryObject",
            "/x?$select=displayName",
            Reason::DerivedProperty,
        ),
        ("user", "/users?$filter=age eq '21'", Reason::LiteralKind),
        (
            "user",
            "/users?$filter=tenantId eq '8e881353-1735-45af-af21-ee1344582a4d'",
            Reason::LiteralKind,
        ),
        (
            "user",
            "/users?$filter=accountEnabled eq 1",
            Reason::LiteralKind,
        ),
        (
            "user",
            "/users?$filter=startswith(age,'1')",
            Reason::LiteralKind,
        ),
        (
            "user",
            "/users?$filter=riskLevel eq 'medium'",
            Reason::UnknownEnumMember,
        ),
        (
            "user",
            "/users?$filter=displayName/any(x:x eq 'a')",
            Reason::LambdaOnNonCollection,
        ),
        (
            "user",
            "/users?$expand=mailboxSettings",
            Reason::NotNavigation,
        ),
        (
            "user",
            "/users?$orderby=assignedLicenses",
            Reason::NotOrderable,
        ),
        ("user", "/users?$filter=photo gt 1", Reason::NotOrderable),
        (
            "user",
            "/users?$filter=assignedLicenses/skuId eq 8e881353-1735-45af-af21-ee1344582a4d",
            Reason::UnsupportedShape,
        ),
        (
            "user",
            "/users?$filter=displayName/length eq 1",
            Reason::UnknownProperty,
        ),
        (
            "user",
            "/users?$filter=mailboxSettings/zone eq 'UTC'",
            Reason::UnknownProperty,
        ),
        (
            "user",
            "/users?$filter=tolower(displayName) eq 'a'",
            Reason::UnsupportedFunction,
        ),
        (
            "user",
            "/users?$filter='a' eq displayName",
            Reason::UnsupportedShape,
        ),
        (
            "user",
            "/users?$filter=accountEnabled",
            Reason::UnsupportedShape,
        ),
        (
            "user",
            "/users?$filter=age add 1 gt 2",
            Reason::UnsupportedShape,
        ),
        (
            "user",
            "/users?$filter=proxyAddresses/any(a:displayName eq 'x')",
            Reason::UnsupportedShape,
        ),
        (
            "user",
            "/users?$filter=proxyAddresses/all()",
            Reason::UnsupportedShape,
        ),
        ("user", "/users?$top=1&$top=2", Reason::InvalidOData),
        (
            "user",
            "/users?$search=%22a%22 OR %22b%22 AND %22c%22",
            Reason::UnsupportedShape,
        ),
        (
            "user",
            "/users?$search=%22a%22 NEAR %22b%22",
            Reason::UnsupportedShape,
        ),
        ("user", "/users?$search=pizza", Reason::UnsupportedShape),
        ("user", "/users?$count=false", Reason::UnsupportedShape),
        (
            "user",
            "/users/1?$top=1&$select=id",
            Reason::UnsupportedShape,
        ),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (item, target, want) in cases {
        let got = reason(&m, item, target);
        assert_eq!(got, want, "{target}");
        seen.insert(got);
    }
    // The reasons a query's text can show; the others are about the example's path.
    let path_only = [Reason::NoOperation, Reason::ResponseTypeUnknown];
    for r in Reason::ALL {
        assert!(
            seen.contains(&r) || path_only.contains(&r),
            "no case for {r:?}"
        );
        assert!(!r.summary().is_empty() && !r.id().is_empty());
    }
}

#[test]
fn names_follow_the_crate() {
    let m = model();
    let names = RustNames::new(&m);
    assert_eq!(
        names.type_name(&QualifiedName::from_qualified(
            "microsoft.graph.directoryObject"
        )),
        Some("DirectoryObject")
    );
    assert_eq!(with_seconds("2021-01-01T08:00Z"), "2021-01-01T08:00:00Z");
    assert_eq!(
        with_seconds("2021-01-01T08:00:30+01:00"),
        "2021-01-01T08:00:30+01:00"
    );
}

#[test]
fn the_crate_names_the_types_as_the_resolver_does() {
    // The generated crate defines every type the resolver names.
    let m = model();
    let names = RustNames::new(&m);
    let options = crate::rust::CrateOptions::new("test", "test");
    let (files, _) = crate::rust::emit_crate(&m, &options);
    let models = files.get("src/models.rs").cloned().unwrap_or_default();
    let enums = files.get("src/enums.rs").cloned().unwrap_or_default();
    for (name, rust) in &names.types {
        let defined = if m.enums.contains_key(name) {
            enums.contains(&format!("pub enum {rust} "))
        } else {
            models.contains(&format!("pub type {rust} ="))
        };
        assert!(defined, "{name} → {rust}");
    }
    // Every handle the resolver names is a constant of the crate, of the kind it reads
    // (compared without blanks: long items are wrapped).
    let squeezed: String = models.split_whitespace().collect();
    for constants in names.constants.values() {
        for c in constants.iter().flatten() {
            assert!(
                squeezed.contains(&format!("pubconst{c}:Field<Self,")),
                "{c}"
            );
        }
    }
    for kind in [
        "LICENSES:Field<Self,kind::Many<kind::Entity<AssignedLicense>>>",
        "SPONSOR:Field<Self,kind::Complex<Group>>",
        "MANAGER:Field<Self,kind::Entity<DirectoryObject>>",
    ] {
        assert!(squeezed.contains(kind), "{kind}");
    }
}

#[test]
fn mutated_queries_never_panic_the_resolver() {
    let m = model();
    let names = RustNames::new(&m);
    let resolver = Resolver::new(&m, &names);
    let item = QualifiedName::from_qualified("microsoft.graph.user");
    let samples = [
        "/users?$filter=assignedLicenses/any(x:x/skuId eq 184efa21-98c3-4e5d-95ab-d07053a96e67)&$select=id,displayName",
        "/users?$expand=memberOf($select=id;$filter=id eq '1')&$orderby=displayName desc",
        "/users?$filter=mailboxSettings/timeZone eq 'UTC' and riskLevel in ('low','high')&$top=5",
        "/users?$filter=microsoft.graph.user/age ge 21 or not(startswith(displayName,'a'))&$count=true",
        "/users?$filter=proxyAddresses/any(a:a eq 'x')&$search=%22displayName:wa%22",
    ];
    let alphabet: Vec<char> = "()',/:;=&$?%+ .eqandornotanyall0123456789xyz{}\"é"
        .chars()
        .collect();
    let mut rng = fastrand::Rng::with_seed(25);
    for _ in 0..5_000 {
        let mut chars: Vec<char> = samples[rng.usize(..samples.len())].chars().collect();
        for _ in 0..rng.usize(1..5) {
            let at = rng.usize(..=chars.len());
            match rng.u8(..3) {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                1 if at < chars.len() => chars[at] = alphabet[rng.usize(..alphabet.len())],
                _ => chars.insert(at, alphabet[rng.usize(..alphabet.len())]),
            }
        }
        let target: String = chars.into_iter().collect();
        if let Ok(options) = resolver.query(&item, true, false, &parse_target(&target)) {
            let _ = chain(None, &options);
        }
    }
}

#[test]
fn odatas_cast_function_converts_a_primitive_value() {
    let m = model();
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$filter=cast(displayName, Edm.Int32) eq 12"
        ),
        ".filter(models::User::DISPLAY_NAME.cast_value::<edm::Int32>().eq(12))"
    );
    // A literal in parentheses is the literal.
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$filter=proxyAddresses/any(p:cast(p, Edm.Guid) eq (8e881353-1735-45af-af21-ee1344582a4d))"
        ),
        r#".filter(models::User::PROXY_ADDRESSES.any_value(|x| x.cast_value::<edm::Guid>().eq(uuid::uuid!("8e881353-1735-45af-af21-ee1344582a4d"))))"#
    );
    // The literal must be of the converted kind; the property a single primitive value.
    assert_eq!(
        reason(
            &m,
            "user",
            "/users?$filter=cast(displayName,Edm.Int32) eq 'x'"
        ),
        Reason::LiteralKind
    );
    assert_eq!(
        reason(
            &m,
            "user",
            "/users?$filter=cast(assignedLicenses,Edm.String) eq 'x'"
        ),
        Reason::UnsupportedShape
    );
    assert_eq!(
        reason(
            &m,
            "user",
            "/users?$filter=cast(displayName,microsoft.graph.user) eq 'x'"
        ),
        Reason::UnsupportedShape
    );
}

#[test]
fn any_without_a_condition_tests_that_a_collection_has_items() {
    let m = model();
    assert_eq!(
        ok(
            &m,
            "user",
            "/users?$filter=assignedLicenses/any() and not(proxyAddresses/any())"
        ),
        ".filter(models::User::ASSIGNED_LICENSES.is_not_empty().and(models::User::PROXY_ADDRESSES.is_not_empty().not()))"
    );
    assert_eq!(
        reason(&m, "user", "/users?$filter=displayName/any()"),
        Reason::LambdaOnNonCollection
    );
}

#[test]
fn levels_inside_an_expansion() {
    let m = model();
    assert_eq!(
        ok(&m, "user", "/users?$expand=manager($levels=max;$select=id)"),
        ".expand(models::User::MANAGER.expand_with(|n| n.levels(Levels::Max).select(models::Entity::ID)))"
    );
    assert_eq!(
        ok(&m, "user", "/users?$expand=manager(levels=2)"),
        ".expand(models::User::MANAGER.expand_with(|n| n.levels(Levels::Depth(2))))"
    );
    assert_eq!(
        reason(&m, "user", "/users?$levels=2"),
        Reason::UnsupportedShape
    );
    // `$count=true` on one item stays a problem unless the request adds it itself.
    let names = RustNames::new(&m);
    let resolver = Resolver::new(&m, &names);
    let user = QualifiedName::from_qualified("microsoft.graph.user".to_string());
    let query = parse_target("/users/1?$expand=manager($levels=max)&$count=true");
    assert!(resolver.query(&user, false, false, &query).is_err());
    assert_eq!(
        resolver
            .query(&user, false, true, &query)
            .map(|o| chain(None, &o))
            .ok()
            .as_deref(),
        Some(".expand(models::User::MANAGER.expand_with(|n| n.levels(Levels::Max)))")
    );
}

#[test]
fn a_derived_types_property_is_read_by_name_on_an_open_base() {
    // The same model with `directoryObject` open, as its page says.
    let open = resource(
        "directoryObject",
        Some("entity"),
        "|deletedDateTime|DateTimeOffset|When deleted.|",
        "",
    )
    .replace(
        "\"blockType\": \"resource\"",
        "\"blockType\": \"resource\", \"openType\": true",
    );
    assert!(open.contains("openType"));
    let mut pages: Vec<(String, String)> = vec![
        (
            "resources/entity.md".into(),
            resource("entity", None, "|id|String|The key.|", ""),
        ),
        ("resources/directoryobject.md".into(), open),
        (
            "resources/group.md".into(),
            resource(
                "group",
                Some("directoryObject"),
                "|displayName|String|A name.|\n|mailEnabled|Boolean|Mail.|",
                "",
            ),
        ),
    ];
    pages.push((
        "resources/user.md".into(),
        resource(
            "user",
            Some("directoryObject"),
            "|displayName|String|A name.|",
            "|manager|[directoryObject](directoryobject.md)|The boss.|",
        ),
    ));
    let parsed: Vec<_> = pages
        .iter()
        .map(|(path, text)| parse_page(path, text.as_bytes()).0)
        .collect();
    let m = build_model(&parsed).0;
    assert_eq!(
        ok(
            &m,
            "directoryObject",
            "/x?$select=id,displayName&$filter=startswith(displayName,'a') and mailEnabled eq true"
        ),
        r#".select((models::Entity::ID, models::Group::DISPLAY_NAME.uncast::<models::DirectoryObject>())).filter(models::Group::DISPLAY_NAME.uncast::<models::DirectoryObject>().starts_with("a").and(models::Group::MAIL_ENABLED.uncast::<models::DirectoryObject>().eq(true)))"#
    );
    // Inside an expansion of a relationship to the open type, too.
    assert_eq!(
        ok(&m, "user", "/users?$expand=manager($select=displayName)"),
        ".expand(models::User::MANAGER.expand_with(|n| n.select(models::Group::DISPLAY_NAME.uncast::<models::DirectoryObject>())))"
    );
    // A name no derived type declares in that case is still unknown.
    assert_eq!(
        reason(&m, "directoryObject", "/x?$select=DisplayName"),
        Reason::DerivedProperty
    );
    assert_eq!(
        reason(&m, "directoryObject", "/x?$select=nickname"),
        Reason::UnknownProperty
    );
}
