use super::*;
use crate::{as_datetime, Object, PathBuilder, View};
use std::time::Duration;

#[test]
fn primitive_results_are_read_from_their_value_member() {
    let body = br#"{"@odata.context": "x", "value": "Pacific Standard Time"}"#;
    assert_eq!(
        parse_value::<String>(200, body).unwrap(),
        "Pacific Standard Time"
    );
    let body = br#"{"value": "2021-07-01T10:00:00.5Z"}"#;
    let at = parse_value_with(200, body, as_datetime).unwrap();
    assert_eq!(at.timestamp_subsec_millis(), 500);
    // A body without `value`, or of another type, is a decode error, not a panic.
    assert!(matches!(
        parse_value::<bool>(200, br#"{"result": true}"#),
        Err(Error::Decode { status: 200, .. })
    ));
    assert!(parse_value::<bool>(200, br#"{"value": "yes"}"#).is_err());
}

#[test]
fn collection_pages_keep_every_member() {
    let body =
        r#"{"@odata.context":"c","value":[1,2],"@odata.count":2,"@odata.nextLink":"https://n"}"#;
    let page: Collection<i32> = serde_json::from_str(body).unwrap();
    assert_eq!(page.value, [1, 2]);
    assert_eq!(page.next_link.as_deref(), Some("https://n"));
    assert_eq!(page.count, Some(2));
    assert_eq!(page.other.keys().collect::<Vec<_>>(), ["@odata.context"]);
    let again: Collection<i32> =
        serde_json::from_value(serde_json::to_value(&page).unwrap()).unwrap();
    assert_eq!(again, page);
    let last: Collection<i32> = serde_json::from_str(r#"{"@odata.nextLink":null}"#).unwrap();
    assert!(last.value.is_empty() && last.next_link.is_none());
    assert_eq!(serde_json::to_string(&last).unwrap(), r#"{"value":[]}"#);
    let wrong = serde_json::from_str::<Collection<i32>>(r#"{"value":["x"]}"#).unwrap_err();
    assert!(wrong.to_string().starts_with("value: "), "{wrong}");
}

mod tags {
    pub enum Thing {}
}
type Thing = Object<tags::Thing>;
crate::view!(Thing, "#microsoft.graph.thing");

#[test]
fn collection_pages_are_read_in_one_pass_with_the_same_rules() {
    // Unknown members stay, in order, whatever their place around `value`.
    let body = r#"{"@odata.context":"c","value":[{"id":"a","x":{"y":[1]}}],"@odata.deltaLink":"d","@odata.nextLink":null,"@odata.count":null}"#;
    let page: Collection<Thing> = serde_json::from_str(body).unwrap();
    assert_eq!(page.value.len(), 1);
    assert_eq!(
        page.value[0]
            .get("x")
            .map(|x| x == &serde_json::json!({"y": [1]})),
        Some(true)
    );
    assert!(page.next_link.is_none() && page.count.is_none());
    assert_eq!(
        page.other.keys().collect::<Vec<_>>(),
        ["@odata.context", "@odata.deltaLink"]
    );
    assert_eq!(
        serde_json::to_string(&page).unwrap(),
        r#"{"value":[{"id":"a","x":{"y":[1]}}],"@odata.context":"c","@odata.deltaLink":"d"}"#
    );
    // `value: null` is an empty page; a value of another type is an error naming the
    // member, with the position once.
    let empty: Collection<Thing> = serde_json::from_str(r#"{"value":null}"#).unwrap();
    assert!(empty.value.is_empty());
    let wrong = serde_json::from_str::<Collection<i32>>(r#"{"value":[1],"@odata.count":"many"}"#)
        .unwrap_err();
    assert_eq!(
        wrong.to_string(),
        r#"@odata.count: invalid type: string "many", expected i64 at line 1 column 35"#
    );
    let wrong = serde_json::from_str::<Collection<Thing>>(r#"{"@odata.nextLink":7}"#).unwrap_err();
    assert!(
        wrong
            .to_string()
            .starts_with("@odata.nextLink: invalid type: integer `7`"),
        "{wrong}"
    );
    assert_eq!(wrong.to_string().matches(" at line ").count(), 1, "{wrong}");
    // Not an object at all.
    assert!(serde_json::from_str::<Collection<i32>>("[1]").is_err());
    assert_eq!(without_position("x at line 3 column 9"), "x");
    assert_eq!(without_position("x at line three"), "x at line three");
}

#[test]
fn path_templates_hide_parameter_values() {
    let path = PathBuilder::new("/users/")
        .segment("alice@example.com")
        .literal("/drive/root:/")
        .path("a/b.txt")
        .literal(":/content");
    assert_eq!(path.template(), "/users/{}/drive/root:/{}:/content");
    let r: Request<NoContent> =
        Request::new(Method::GET, path, parse_empty).timeout(Duration::from_secs(3));
    assert_eq!(r.path_template(), "/users/{}/drive/root:/{}:/content");
    assert_eq!(r.timeout_value(), Some(Duration::from_secs(3)));
}

#[test]
fn query_options_are_encoded() {
    let r: Request<NoContent> = Request::new(Method::GET, PathBuilder::new("/users"), parse_empty)
        .query(
            &ODataQuery::new()
                .select(["id", "displayName"])
                .filter("startswith(displayName,'a b')")
                .top(5),
        );
    assert_eq!(
        r.path_and_query(),
        "/users?$select=id,displayName&$filter=startswith%28displayName,%27a%20b%27%29&$top=5"
    );
}

/// A list of users, as a generated crate builds one, with handles of its own.
mod typed_queries {
    use super::*;
    use crate::odata::{kind, Field, ODataType};

    struct User;
    impl ODataType for User {
        const ODATA_TYPE: &'static str = "#microsoft.graph.user";
    }
    const DISPLAY_NAME: Field<User, kind::Text> = Field::new("displayName");
    const MAIL: Field<User, kind::Text> = Field::new("mail");

    fn list_users() -> Request<Collection<User>> {
        Request::new(Method::GET, PathBuilder::new("/users"), |_, _| {
            Ok(Collection {
                value: Vec::new(),
                next_link: None,
                count: None,
                other: JsonObject::new(),
            })
        })
    }

    #[test]
    fn options_are_written_once_and_encoded_once() {
        let request = list_users()
            .filter(DISPLAY_NAME.starts_with("O'N"))
            .select(DISPLAY_NAME)
            .select(MAIL)
            .orderby(DISPLAY_NAME.desc())
            .top(5);
        assert_eq!(
            request.path_and_query(),
            "/users?$filter=startsWith%28displayName,%27O%27%27N%27%29&$select=displayName,mail&$orderby=displayName%20desc&$top=5"
        );
        // Without the page's leave, no header, whatever the options.
        assert_eq!(request.header_value("ConsistencyLevel"), None);
    }

    #[test]
    fn continuation_tokens_are_sent_as_given_and_encoded_once() {
        let request = list_users().top(5).skip_token("X'+/=");
        assert_eq!(
            request.path_and_query(),
            "/users?$top=5&$skiptoken=X%27%2B%2F%3D"
        );
        let resumed = list_users().delta_token("abc");
        assert_eq!(resumed.path_and_query(), "/users?$deltatoken=abc");
        assert_eq!(resumed.header_value("ConsistencyLevel"), None);
    }

    #[test]
    fn advanced_queries_add_the_header_and_count_where_the_rules_say() {
        let plain = list_users()
            .allow_advanced_queries()
            .filter(DISPLAY_NAME.starts_with("a"));
        assert_eq!(plain.header_value("ConsistencyLevel"), None);
        assert!(!plain.path_and_query().contains("$count"));

        let search = list_users()
            .allow_advanced_queries()
            .search("displayName:wa");
        assert_eq!(search.header_value("ConsistencyLevel"), Some("eventual"));
        assert_eq!(
            search.path_and_query(),
            "/users?$search=%22displayName%3Awa%22"
        );

        let any = list_users()
            .allow_advanced_queries()
            .search_any(["displayName:a", "mail:\"b\""]);
        assert_eq!(any.header_value("ConsistencyLevel"), Some("eventual"));
        assert_eq!(
            any.query_options(),
            [(
                "$search".to_string(),
                r#""displayName:a" OR "mail:\"b\"""#.to_string()
            )]
        );
        let all = list_users().search_all(["a", "b"]);
        assert_eq!(all.query_options()[0].1, r#""a" AND "b""#);

        let ends = list_users()
            .allow_advanced_queries()
            .filter(MAIL.ends_with("@contoso.com"));
        assert_eq!(ends.header_value("ConsistencyLevel"), Some("eventual"));
        assert!(ends.path_and_query().ends_with("&$count=true"));

        // `$filter` and `$orderby` together, in either order; the header only once.
        let sorted = list_users()
            .allow_advanced_queries()
            .orderby(DISPLAY_NAME)
            .filter(DISPLAY_NAME.eq("x"))
            .count();
        assert_eq!(
            sorted
                .headers()
                .iter()
                .filter(|(n, _)| n == "ConsistencyLevel")
                .count(),
            1
        );
        assert_eq!(sorted.path_and_query().matches("$count").count(), 1);
    }

    #[test]
    fn levels_in_an_expansion_are_an_advanced_query() {
        use crate::odata::Levels;
        const MANAGER: Field<User, kind::Entity<User>> = Field::new("manager");
        let chain = || MANAGER.expand_with(|n| n.levels(Levels::Max).select(DISPLAY_NAME));
        let request = list_users().allow_advanced_queries().expand(chain());
        assert_eq!(request.header_value("ConsistencyLevel"), Some("eventual"));
        assert_eq!(
            request.query_options(),
            [
                (
                    "$expand".to_string(),
                    "manager($levels=max;$select=displayName)".to_string()
                ),
                ("$count".to_string(), "true".to_string()),
            ]
        );
        // Where the page does not document the header, the options alone.
        let plain = list_users().expand(chain());
        assert_eq!(plain.header_value("ConsistencyLevel"), None);
        assert_eq!(plain.query_options().len(), 1);
        // No `$levels`, no header.
        let shallow = list_users().allow_advanced_queries().expand(MANAGER);
        assert_eq!(shallow.header_value("ConsistencyLevel"), None);
    }

    #[test]
    fn undocumented_names_the_filter_and_order_parts_the_docs_do_not_list() {
        use crate::odata::Documented;
        const NAME: Field<User, kind::Text> =
            Field::documented("displayName", &[Documented::Eq, Documented::OrderBy]);
        let documented = list_users().filter(NAME.eq("a")).orderby(NAME.desc());
        assert!(documented.undocumented().is_empty());
        let request = list_users()
            .filter(NAME.starts_with("a").and(MAIL.eq("b")))
            .orderby((NAME, MAIL));
        let parts: Vec<String> = request
            .undocumented()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            parts,
            [
                "$filter: `startsWith` on `displayName`",
                "$filter: `eq` on `mail`",
                "$orderby on `mail`"
            ]
        );
        // A later filter replaces the earlier one's parts.
        let replaced = request.filter(NAME.eq("c"));
        assert_eq!(replaced.undocumented().len(), 1);
    }
}

/// A directory object's memberships, and requests cast to the derived types, with the
/// model types as a generated crate declares them.
mod casts {
    use super::*;
    use crate::odata::{kind, Field, IsA};
    use crate::Tag;

    enum DirectoryObjectTag {}
    enum GroupTag {}
    enum UnifiedGroupTag {}
    enum UserTag {}
    enum MailboxSettingsTag {}
    impl Tag for DirectoryObjectTag {
        const ODATA_TYPE: &'static str = "#microsoft.graph.directoryObject";
        const NAME: &'static str = "DirectoryObject";
    }
    impl Tag for GroupTag {
        const ODATA_TYPE: &'static str = "#microsoft.graph.group";
        const NAME: &'static str = "Group";
    }
    impl Tag for UnifiedGroupTag {
        const ODATA_TYPE: &'static str = "#microsoft.graph.unifiedGroup";
        const NAME: &'static str = "UnifiedGroup";
    }
    impl Tag for UserTag {
        const ODATA_TYPE: &'static str = "#microsoft.graph.user";
        const NAME: &'static str = "User";
    }
    impl Tag for MailboxSettingsTag {
        const ODATA_TYPE: &'static str = "#microsoft.graph.mailboxSettings";
        const NAME: &'static str = "MailboxSettings";
    }
    type DirectoryObject = Object<DirectoryObjectTag>;
    type Group = Object<GroupTag>;
    type UnifiedGroup = Object<UnifiedGroupTag>;
    type User = Object<UserTag>;
    type MailboxSettings = Object<MailboxSettingsTag>;
    impl IsA<DirectoryObject> for Group {}
    impl IsA<DirectoryObject> for UnifiedGroup {}
    impl IsA<Group> for UnifiedGroup {}
    impl IsA<DirectoryObject> for User {}

    const ID: Field<DirectoryObject, kind::Text> = Field::new("id");
    const DISPLAY_NAME: Field<Group, kind::Text> = Field::new("displayName");
    const MAIL_ENABLED: Field<Group, kind::Bool> = Field::new("mailEnabled");
    const OWNERS: Field<Group, kind::Many<kind::Entity<User>>> = Field::new("owners");
    const MANAGER: Field<User, kind::Entity<DirectoryObject>> = Field::new("manager");
    const MAILBOX_SETTINGS: Field<User, kind::Complex<MailboxSettings>> =
        Field::new("mailboxSettings");
    const TIME_ZONE: Field<MailboxSettings, kind::Text> = Field::new("timeZone");

    fn member_of(user: &str) -> Request<Collection<DirectoryObject>> {
        let path = PathBuilder::new("/users/")
            .segment(user)
            .literal("/memberOf");
        Request::new(Method::GET, path, parse_json).allow_advanced_queries()
    }

    #[test]
    fn a_cast_appends_its_segment_and_types_the_options_by_the_derived_type() {
        let groups = member_of("a b")
            .timeout(Duration::from_secs(7))
            .header("Prefer", "x")
            .cast::<Group>()
            .filter(DISPLAY_NAME.starts_with("a"))
            .orderby(DISPLAY_NAME)
            .select((ID, DISPLAY_NAME, MAIL_ENABLED));
        assert_eq!(groups.path(), "/users/a%20b/memberOf/microsoft.graph.group");
        assert_eq!(
            groups.path_template(),
            "/users/{}/memberOf/microsoft.graph.group"
        );
        // The filter and the order make an advanced query: the permission the function
        // gave survives the cast, as do the headers and the timeout.
        assert_eq!(
            groups.path_and_query(),
            "/users/a%20b/memberOf/microsoft.graph.group?$filter=startsWith%28displayName,%27a%27%29&$orderby=displayName&$count=true&$select=id,displayName,mailEnabled"
        );
        assert_eq!(groups.header_value("ConsistencyLevel"), Some("eventual"));
        assert_eq!(groups.header_value("Prefer"), Some("x"));
        assert_eq!(groups.timeout_value(), Some(Duration::from_secs(7)));
        assert_eq!(groups.method(), Method::GET);
        assert!(groups.invalid_reason().is_none());
        // The response reads as the derived type.
        let page = groups
            .parse_response(
                200,
                br##"{"value":[{"@odata.type":"#microsoft.graph.group","displayName":"a"}]}"##,
            )
            .unwrap();
        assert_eq!(page.value.len(), 1);
    }

    #[test]
    fn options_set_before_a_cast_stay_and_a_second_cast_replaces_the_first() {
        let request = member_of("u")
            .select(ID)
            .count()
            .cast::<Group>()
            .cast::<UnifiedGroup>();
        assert_eq!(
            request.path_and_query(),
            "/users/u/memberOf/microsoft.graph.unifiedGroup?$select=id&$count=true"
        );
        assert_eq!(
            request.path_template(),
            "/users/{}/memberOf/microsoft.graph.unifiedGroup"
        );
        assert_eq!(request.header_value("ConsistencyLevel"), Some("eventual"));
    }

    #[test]
    fn paths_and_nested_expansions_are_encoded_once() {
        let request = member_of("u")
            .cast::<Group>()
            .filter(OWNERS.any(MAILBOX_SETTINGS.then(TIME_ZONE).eq("UTC")))
            .expand(
                OWNERS.expand_with(|n| n.select(ID).expand(MANAGER.expand_with(|m| m.select(ID)))),
            );
        assert_eq!(
            request.path_and_query(),
            "/users/u/memberOf/microsoft.graph.group?$filter=owners%2Fany%28x%3Ax%2FmailboxSettings%2FtimeZone%20eq%20%27UTC%27%29&$expand=owners%28$select%3Did%3B$expand%3Dmanager%28$select%3Did%29%29"
        );
        let users =
            Request::<Collection<User>>::new(Method::GET, PathBuilder::new("/users"), parse_json)
                .filter(MANAGER.then(ID).eq("1"))
                .orderby(MAILBOX_SETTINGS.then(TIME_ZONE).desc());
        assert_eq!(
            users.path_and_query(),
            "/users?$filter=manager%2Fid%20eq%20%271%27&$orderby=mailboxSettings%2FtimeZone%20desc"
        );
    }
}

#[test]
fn ref_id_names_the_reference_a_delete_removes() {
    let remove: Request<NoContent> = Request::new(
        Method::DELETE,
        PathBuilder::new("/groups/")
            .segment("g1")
            .literal("/acceptedSenders/$ref"),
        parse_empty,
    )
    .ref_id("https://graph.microsoft.com/v1.0/users/u1");
    assert_eq!(remove.invalid_reason(), None);
    assert_eq!(
        remove.query_options(),
        [(
            "$id".to_string(),
            "https://graph.microsoft.com/v1.0/users/u1".to_string()
        )]
    );
    let elsewhere: Request<NoContent> =
        Request::new(Method::DELETE, PathBuilder::new("/groups/g1"), parse_empty).ref_id("x");
    assert!(elsewhere.invalid_reason().is_some());
}
