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
fn what_the_compiler_refuses() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/typed_queries/*.rs");
}
