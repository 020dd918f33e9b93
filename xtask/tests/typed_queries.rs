//! Typed query options on the committed crate: property handles of the user pages in
//! `specs/docs`, the advanced-query header where the page documents it, and what the
//! compiler refuses (`tests/typed_queries/*.rs`, with trybuild).

use graph_client::models::{AssignedLicense, DirectoryObject, Entity, Group, User};
use graph_client::operations;

#[test]
fn a_list_of_users_with_a_typed_filter_and_select() {
    let request = operations::get_users()
        .filter(User::DISPLAY_NAME.starts_with("a"))
        .select((User::DISPLAY_NAME, User::MAIL))
        .top(5);
    // The docs' example 2 of `List users`, encoded once.
    assert_eq!(
        request.path_and_query(),
        "/users?$filter=startsWith%28displayName,%27a%27%29&$select=displayName,mail&$top=5"
    );
    assert_eq!(request.header_value("ConsistencyLevel"), None);
}

/// The `$search` of `docs/queries.md`, word for word (`xtask/tests/guide_snippets.rs`).
#[test]
fn the_guides_search_sets_its_own_header() {
    let search = operations::get_users()
        .search("displayName:wa")
        .select((Entity::ID, User::DISPLAY_NAME))
        .count();
    assert_eq!(search.header_value("ConsistencyLevel"), Some("eventual"));
    assert_eq!(
        search.path_and_query(),
        "/users?$search=%22displayName%3Awa%22&$select=id,displayName&$count=true"
    );
}

#[test]
fn search_and_advanced_filters_set_their_own_header() {
    let search = operations::get_users()
        .search("displayName:wa")
        .orderby(User::DISPLAY_NAME)
        .count();
    assert_eq!(search.header_value("ConsistencyLevel"), Some("eventual"));
    assert_eq!(
        search.path_and_query(),
        "/users?$search=%22displayName%3Awa%22&$orderby=displayName&$count=true"
    );

    let ends = operations::get_users()
        .filter(User::MAIL.ends_with("@contoso.com"))
        .orderby(User::USER_PRINCIPAL_NAME);
    assert_eq!(ends.header_value("ConsistencyLevel"), Some("eventual"));
    assert!(
        ends.path_and_query().contains("&$count=true"),
        "{}",
        ends.path_and_query()
    );
}

#[test]
fn collections_of_complex_values_and_base_types() {
    let sku = uuid::Uuid::parse_str("184efa21-98c3-4e5d-95ab-d07053a96e67").unwrap();
    let request = operations::get_users()
        .filter(User::ASSIGNED_LICENSES.any(AssignedLicense::SKU_ID.eq(sku)))
        .select((Entity::ID, User::DISPLAY_NAME));
    assert_eq!(
        request.path_and_query(),
        "/users?$filter=assignedLicenses%2Fany%28x%3Ax%2FskuId%20eq%20184efa21-98c3-4e5d-95ab-d07053a96e67%29&$select=id,displayName"
    );
    // memberOf answers directory objects: a group's property goes through a cast.
    let groups = operations::get_me_member_of()
        .filter(Group::MAIL_ENABLED.cast::<DirectoryObject>().eq(true))
        .select(Entity::ID);
    assert_eq!(
        groups.path_and_query(),
        "/me/memberOf?$filter=microsoft.graph.group%2FmailEnabled%20eq%20true&$select=id"
    );
}

#[test]
fn a_cast_request_takes_the_derived_types_handles() {
    // memberOf answers directory objects; cast, it answers groups, and a group's
    // properties need no cast of their own.
    let groups = operations::get_users_member_of("a b")
        .cast::<Group>()
        .filter(Group::DISPLAY_NAME.starts_with("a"))
        .orderby(Group::DISPLAY_NAME)
        .select((Entity::ID, Group::DISPLAY_NAME))
        .count();
    assert_eq!(
        groups.path_and_query(),
        "/users/a%20b/memberOf/microsoft.graph.group?$filter=startsWith%28displayName,%27a%27%29&$orderby=displayName&$count=true&$select=id,displayName"
    );
    assert_eq!(groups.header_value("ConsistencyLevel"), Some("eventual"));
}

#[test]
fn paths_and_expansions_inside_expansions() {
    let request = operations::get_users()
        .filter(User::MANAGER.then(Entity::ID).eq("1"))
        .expand(User::MANAGER.expand_with(|n| {
            n.select(Entity::ID)
                .expand(User::MANAGER.cast::<DirectoryObject>())
        }));
    assert_eq!(
        request.path_and_query(),
        "/users?$filter=manager%2Fid%20eq%20%271%27&$expand=manager%28$select%3Did%3B$expand%3Dmicrosoft.graph.user%2Fmanager%29"
    );
}

#[test]
fn a_derived_types_property_on_an_open_base_a_bare_any_and_odatas_cast() {
    use graph_client::runtime::odata::{Levels, edm};
    // `directoryObject` is open: a group's property by name, without a cast.
    let request = operations::get_me_member_of()
        .filter(
            Group::MAIL_ENABLED
                .uncast::<DirectoryObject>()
                .eq(true)
                .and(
                    Group::GROUP_TYPES
                        .uncast::<DirectoryObject>()
                        .is_not_empty(),
                ),
        )
        .select((Entity::ID, Group::DISPLAY_NAME.uncast::<DirectoryObject>()));
    assert_eq!(
        request.normalized_query(),
        graph_client::runtime::NormalizedQuery::parse(
            "$filter=mailEnabled eq true and groupTypes/any()&$select=id,displayName"
        )
    );
    // OData's `cast`: the id, a string, compared as the GUID it holds.
    let id = uuid::uuid!("87d349ed-44d7-43e1-9a83-5f2406dee5bd");
    let converted = operations::get_users().filter(Entity::ID.cast_value::<edm::Guid>().eq(id));
    assert_eq!(
        converted.query_options()[0].1,
        "cast(id,Edm.Guid) eq 87d349ed-44d7-43e1-9a83-5f2406dee5bd"
    );
    // `$levels` makes an advanced query where the page documents the header.
    let chain = operations::get_users()
        .expand(User::MANAGER.expand_with(|n| n.levels(Levels::Max).select(Entity::ID)));
    assert_eq!(chain.header_value("ConsistencyLevel"), Some("eventual"));
    assert!(chain.path_and_query().ends_with("&$count=true"));
}

#[test]
fn what_the_compiler_refuses() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/typed_queries/*.rs");
}

#[test]
fn undocumented_names_what_the_user_page_does_not_list() {
    // Everything here is in the page's notes: `startsWith` and `$orderby` on
    // displayName, `eq` on assignedLicenses for the lambda.
    let documented = operations::get_users()
        .filter(
            User::DISPLAY_NAME
                .starts_with("a")
                .and(User::ASSIGNED_LICENSES.any(AssignedLicense::SKU_ID.eq(uuid::Uuid::nil()))),
        )
        .orderby(User::DISPLAY_NAME);
    assert!(
        documented.undocumented().is_empty(),
        "{:?}",
        documented.undocumented()
    );
    // `gt` on createdDateTime (only `ge` and `le`), `$orderby` on mail, `ne` inside the
    // lambda over assignedLicenses: none is in the notes.
    let request = operations::get_users()
        .filter(
            User::CREATED_DATE_TIME
                .gt("2021-01-01T00:00:00Z"
                    .parse::<chrono::DateTime<chrono::FixedOffset>>()
                    .unwrap())
                .or(User::ASSIGNED_LICENSES.any(AssignedLicense::SKU_ID.ne(uuid::Uuid::nil()))),
        )
        .orderby(User::MAIL);
    let parts: Vec<String> = request
        .undocumented()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        parts,
        [
            "$filter: `gt` on `createdDateTime`",
            "$filter: `ne` on `assignedLicenses`",
            "$orderby on `mail`"
        ]
    );
}
