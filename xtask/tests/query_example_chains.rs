//! The call chains `odata::emit` writes for the example queries of `specs/docs` (one of
//! them on a path that ends in a cast), as code against the committed crate: each compiles, builds the example's query options
//! (compared as decoded sets) and sets `ConsistencyLevel` exactly when the example does.

use graph_client::runtime::odata::{Dynamic, Levels};
use graph_client::{models, operations};
use graphdoc::odata::examples::survey;
use graphdoc::odata::query::parse_target;
use graphdoc::pipeline::{parse_and_build, read_docs};
use std::collections::{BTreeMap, BTreeSet};

/// A case: the example's target, the chain as written here, the built request's path
/// and query, and its `ConsistencyLevel`.
type Case = (&'static str, String, String, Option<String>);

/// The path of an example's target or of a built request, without the query.
fn path(target: &str) -> &str {
    target.split('?').next().unwrap_or_default()
}

macro_rules! case {
    ($target:literal, $function:expr, $($chain:tt)*) => {{
        let request = $function$($chain)*;
        (
            $target,
            stringify!($($chain)*).to_string(),
            request.path_and_query(),
            request.header_value("ConsistencyLevel").map(str::to_string),
        )
    }};
}

fn cases() -> Vec<Case> {
    vec![
        case!(
            "/users?$filter=startsWith(displayName,'a')&$select=displayName,mail&$top=5",
            operations::get_users(),
            .filter(models::User::DISPLAY_NAME.starts_with("a"))
            .select((models::User::DISPLAY_NAME, models::User::MAIL))
            .top(5)
        ),
        case!(
            "/users?$search=\"displayName:wa\"&$orderby=displayName&$count=true",
            operations::get_users(),
            .search("displayName:wa")
            .orderby(models::User::DISPLAY_NAME)
            .count()
        ),
        case!(
            "/users?$filter=endsWith(mail,'@contoso.com')&$orderby=userPrincipalName&$count=true",
            operations::get_users(),
            .filter(models::User::MAIL.ends_with("@contoso.com"))
            .orderby(models::User::USER_PRINCIPAL_NAME)
            .count()
        ),
        case!(
            "/users?$filter=assignedLicenses/any(x:x/skuId eq 184efa21-98c3-4e5d-95ab-d07053a96e67)&$select=id,displayName",
            operations::get_users(),
            .filter(models::User::ASSIGNED_LICENSES.any(models::AssignedLicense::SKU_ID.eq(
                uuid::uuid!("184efa21-98c3-4e5d-95ab-d07053a96e67")
            )))
            .select((models::Entity::ID, models::User::DISPLAY_NAME))
        ),
        case!(
            "/users?$select=displayName,ext55gb1l09_msLearnCourses",
            operations::get_users(),
            .select((
                models::User::DISPLAY_NAME,
                Dynamic::<models::User>::new("ext55gb1l09_msLearnCourses").unwrap(),
            ))
        ),
        case!(
            "/me/memberOf?$search=\"displayName:Video\"&$count=true",
            operations::get_me_member_of(),
            .search("displayName:Video")
            .count()
        ),
        case!(
            "/users/87d349ed-44d7-43e1-9a83-5f2406dee5bd/memberOf/microsoft.graph.group?$count=true&$orderby=displayName&$filter=startsWith(displayName,'a')",
            operations::get_users_member_of("87d349ed-44d7-43e1-9a83-5f2406dee5bd"),
            .cast::<models::Group>()
            .count()
            .orderby(models::Group::DISPLAY_NAME)
            .filter(models::Group::DISPLAY_NAME.starts_with("a"))
        ),
        case!(
            "/me/memberOf?$select=id,displayName&$filter=groupTypes/any()",
            operations::get_me_member_of(),
            .select((
                models::Entity::ID,
                models::Group::DISPLAY_NAME.uncast::<models::DirectoryObject>(),
            ))
            .filter(models::Group::GROUP_TYPES.uncast::<models::DirectoryObject>().is_not_empty())
        ),
        case!(
            "/users?$select=id,displayName&$expand=manager($levels=max;$select=id,displayName)&$count=true",
            operations::get_users(),
            .select((models::Entity::ID, models::User::DISPLAY_NAME))
            .expand(models::User::MANAGER.expand_with(|n| n.levels(Levels::Max).select((
                models::Entity::ID,
                models::Group::DISPLAY_NAME.uncast::<models::DirectoryObject>(),
            ))))
            .count()
        ),
    ]
}

fn options(target: &str) -> BTreeSet<(String, String)> {
    parse_target(target)
        .options
        .into_iter()
        .map(|o| (o.written.to_ascii_lowercase(), o.value))
        .collect()
}

/// The chain without whitespace, and without the trailing comma rustfmt gives a tuple
/// it breaks over lines.
fn squeeze(text: &str) -> String {
    let flat: String = text.split_whitespace().collect();
    flat.replace(",))", "))")
}

#[test]
fn the_seed_chains_compile_and_build_the_examples_queries() {
    let root = xtask::repo_root();
    let sources = read_docs(&root.join("specs/docs")).unwrap();
    let (_, model, _, _) = parse_and_build(&sources);
    let examples = survey(&model);
    let emitted: BTreeMap<&str, (&String, bool)> = examples
        .iter()
        .filter_map(|e| match &e.rebuilt {
            Some(Ok(chain)) => Some((e.target.as_str(), (chain, e.consistency.carried))),
            _ => None,
        })
        .collect();
    let cases = cases();
    assert_eq!(cases.len(), emitted.len(), "{emitted:#?}");
    for (target, written, built, header) in cases {
        let Some((chain, carried)) = emitted.get(target) else {
            panic!("no rebuilt example {target}: {emitted:#?}");
        };
        assert_eq!(squeeze(chain), squeeze(&written), "{target}");
        assert_eq!(options(&built), options(target), "{target} built {built}");
        // A cast segment included: the request goes where the example's does.
        assert_eq!(path(&built), path(target), "{target} built {built}");
        assert_eq!(header.as_deref() == Some("eventual"), *carried, "{target}");
    }
}
