use super::{
    edm, kind, Dynamic, ExpandItems, ExpandList, Field, Filter, IsA, Levels, ODataEnum, ODataType,
    OpenType, OrderList, SelectList,
};

struct DirectoryObject;
struct User;
struct Group;
struct AssignedLicense;
struct MailboxSettings;
struct Scope;
struct QueryScope;
impl ODataType for DirectoryObject {
    const ODATA_TYPE: &'static str = "microsoft.graph.directoryObject";
}
impl ODataType for User {
    const ODATA_TYPE: &'static str = "microsoft.graph.user";
}
impl ODataType for Group {
    const ODATA_TYPE: &'static str = "microsoft.graph.group";
}
impl ODataType for MailboxSettings {
    const ODATA_TYPE: &'static str = "microsoft.graph.mailboxSettings";
}
impl ODataType for Scope {
    const ODATA_TYPE: &'static str = "microsoft.graph.accessReviewScope";
}
impl ODataType for QueryScope {
    const ODATA_TYPE: &'static str = "#microsoft.graph.accessReviewQueryScope";
}
impl IsA<DirectoryObject> for User {}
impl IsA<DirectoryObject> for Group {}
impl IsA<Scope> for QueryScope {}

enum UserType {
    Member,
    Guest,
}
impl ODataEnum for UserType {
    fn as_str(&self) -> &str {
        match self {
            UserType::Member => "Member",
            UserType::Guest => "Guest",
        }
    }
}

impl DirectoryObject {
    const ID: Field<DirectoryObject, kind::Text> = Field::new("id");
}
impl User {
    const DISPLAY_NAME: Field<User, kind::Text> = Field::new("displayName");
    const ACCOUNT_ENABLED: Field<User, kind::Bool> = Field::new("accountEnabled");
    const CREATED: Field<User, kind::DateTime> = Field::new("createdDateTime");
    const AGE: Field<User, kind::Int> = Field::new("age");
    const USER_TYPE: Field<User, kind::Enum<UserType>> = Field::new("userType");
    const PROXY_ADDRESSES: Field<User, kind::Many<kind::Text>> = Field::new("proxyAddresses");
    const ASSIGNED_LICENSES: Field<User, kind::Many<kind::Complex<AssignedLicense>>> =
        Field::new("assignedLicenses");
    const MANAGER: Field<User, kind::Entity<DirectoryObject>> = Field::new("manager");
    const MEMBER_OF: Field<User, kind::Many<kind::Entity<DirectoryObject>>> =
        Field::new("memberOf");
    const MAILBOX_SETTINGS: Field<User, kind::Complex<MailboxSettings>> =
        Field::new("mailboxSettings");
    const SCOPE: Field<User, kind::Complex<Scope>> = Field::new("scope");
    const DIRECT_REPORTS: Field<User, kind::Many<kind::Entity<User>>> = Field::new("directReports");
}
impl Group {
    const OWNERS: Field<Group, kind::Many<kind::Entity<User>>> = Field::new("owners");
    const MEMBERS: Field<Group, kind::Many<kind::Entity<DirectoryObject>>> = Field::new("members");
}
impl AssignedLicense {
    const SKU_ID: Field<AssignedLicense, kind::Guid> = Field::new("skuId");
}
impl MailboxSettings {
    const TIME_ZONE: Field<MailboxSettings, kind::Text> = Field::new("timeZone");
    const LANGUAGES: Field<MailboxSettings, kind::Many<kind::Text>> = Field::new("languages");
}
impl QueryScope {
    const QUERY: Field<QueryScope, kind::Text> = Field::new("query");
}

fn select<O>(s: impl SelectList<O>) -> String {
    let mut v = Vec::new();
    s.names(&mut v);
    v.join(",")
}
fn order<O>(s: impl OrderList<O>) -> String {
    let mut v = Vec::new();
    s.keys(&mut v);
    let keys: Vec<String> = v.into_iter().map(|(key, _)| key).collect();
    keys.join(",")
}
fn expand<O>(s: impl ExpandList<O>) -> String {
    let mut v = ExpandItems::default();
    s.items(&mut v);
    v.texts().join(",")
}

#[test]
fn comparisons_write_odata_literals() {
    assert_eq!(
        User::DISPLAY_NAME.eq("O'Neil").to_odata(),
        "displayName eq 'O''Neil'"
    );
    assert_eq!(
        User::ACCOUNT_ENABLED.ne(true).to_odata(),
        "accountEnabled ne true"
    );
    assert_eq!(User::AGE.ge(21).to_odata(), "age ge 21");
    let t = chrono::DateTime::parse_from_rfc3339("2021-07-01T00:00:00Z").unwrap();
    assert_eq!(
        User::CREATED.lt(t).to_odata(),
        "createdDateTime lt 2021-07-01T00:00:00Z"
    );
    assert_eq!(
        User::USER_TYPE.eq(UserType::Guest).to_odata(),
        "userType eq 'Guest'"
    );
    assert_eq!(
        User::DISPLAY_NAME.is_null().to_odata(),
        "displayName eq null"
    );
    assert_eq!(
        User::USER_TYPE
            .is_in([UserType::Member, UserType::Guest])
            .to_odata(),
        "userType in ('Member','Guest')"
    );
}

#[test]
fn functions_and_boolean_operators_parenthesize_by_precedence() {
    let f = User::DISPLAY_NAME
        .starts_with("a")
        .or(User::DISPLAY_NAME.ends_with("z"));
    assert_eq!(
        f.to_odata(),
        "startsWith(displayName,'a') or endsWith(displayName,'z')"
    );
    let g = f.clone().and(User::ACCOUNT_ENABLED.eq(true));
    assert_eq!(
        g.to_odata(),
        "(startsWith(displayName,'a') or endsWith(displayName,'z')) and accountEnabled eq true"
    );
    let h = User::ACCOUNT_ENABLED.eq(true) & User::AGE.gt(1) & User::AGE.lt(9);
    assert_eq!(
        h.to_odata(),
        "accountEnabled eq true and age gt 1 and age lt 9"
    );
    assert_eq!(
        (!User::USER_TYPE.eq(UserType::Member)).to_odata(),
        "not(userType eq 'Member')"
    );
    let used = (!f).advanced_use();
    assert!(used.not && used.ends_with && !used.not_equals);
}

#[test]
fn lambdas_bind_a_variable_per_depth() {
    let id = uuid::Uuid::nil();
    assert_eq!(
        User::ASSIGNED_LICENSES
            .any(AssignedLicense::SKU_ID.eq(id))
            .to_odata(),
        "assignedLicenses/any(x:x/skuId eq 00000000-0000-0000-0000-000000000000)"
    );
    assert_eq!(
        User::PROXY_ADDRESSES
            .any_value(|a| a.starts_with("smtp:"))
            .to_odata(),
        "proxyAddresses/any(x:startsWith(x,'smtp:'))"
    );
    assert_eq!(
        User::MEMBER_OF.any(DirectoryObject::ID.eq("g1")).to_odata(),
        "memberOf/any(x:x/id eq 'g1')"
    );
    assert_eq!(
        User::ASSIGNED_LICENSES.count().eq(0).to_odata(),
        "assignedLicenses/$count eq 0"
    );
    assert!(User::ASSIGNED_LICENSES.count().eq(0).advanced_use().count);
}

#[test]
fn base_properties_select_and_casts() {
    assert_eq!(
        select::<User>((DirectoryObject::ID, User::DISPLAY_NAME)),
        "id,displayName"
    );
    assert_eq!(
        order::<User>((User::DISPLAY_NAME.desc(), DirectoryObject::ID)),
        "displayName desc,id"
    );
    let f: Filter<DirectoryObject> = User::DISPLAY_NAME.cast::<DirectoryObject>().eq("x");
    assert_eq!(f.to_odata(), "microsoft.graph.user/displayName eq 'x'");
    // Cast again, the handle keeps the more derived cast.
    let again: Filter<DirectoryObject> = User::DISPLAY_NAME
        .cast::<DirectoryObject>()
        .cast::<DirectoryObject>()
        .eq("x");
    assert_eq!(again.to_odata(), "microsoft.graph.user/displayName eq 'x'");
    assert_eq!(
        expand::<User>((
            User::MANAGER,
            User::MEMBER_OF.expand_with(|n| n.select(DirectoryObject::ID))
        )),
        "manager,memberOf($select=id)"
    );
    let on_base: Filter<DirectoryObject> = DirectoryObject::ID.eq("1");
    assert_eq!(on_base.for_derived::<Group>().to_odata(), "id eq '1'");
}

#[test]
fn paths_walk_single_values_and_relationships() {
    // A complex value, and a relationship to one entity whose handle is a base type's.
    let zone = User::MAILBOX_SETTINGS.then(MailboxSettings::TIME_ZONE);
    assert_eq!(zone.to_odata(), "mailboxSettings/timeZone");
    assert_eq!(
        zone.clone().eq("UTC").to_odata(),
        "mailboxSettings/timeZone eq 'UTC'"
    );
    assert_eq!(
        User::MANAGER.then(DirectoryObject::ID).eq("1").to_odata(),
        "manager/id eq '1'"
    );
    // Paths through paths, and a handle of the related type's derived type by its cast.
    assert_eq!(
        User::MANAGER
            .then(User::MAILBOX_SETTINGS.cast::<DirectoryObject>())
            .then(MailboxSettings::TIME_ZONE)
            .to_odata(),
        "manager/microsoft.graph.user/mailboxSettings/timeZone"
    );
    assert_eq!(
        User::SCOPE
            .then(QueryScope::QUERY.cast::<Scope>())
            .contains("./members")
            .to_odata(),
        "contains(scope/microsoft.graph.accessReviewQueryScope/query,'./members')"
    );
    // Whatever follows a path: a count, a lambda, ordering, a select, and a lambda body.
    let languages = User::MAILBOX_SETTINGS.then(MailboxSettings::LANGUAGES);
    assert_eq!(
        languages.clone().count().gt(1).to_odata(),
        "mailboxSettings/languages/$count gt 1"
    );
    assert_eq!(
        languages.any_value(|l| l.eq("en")).to_odata(),
        "mailboxSettings/languages/any(x:x eq 'en')"
    );
    assert_eq!(
        order::<User>((zone.clone().desc(), zone.clone())),
        "mailboxSettings/timeZone desc,mailboxSettings/timeZone"
    );
    assert_eq!(
        select::<User>((zone, DirectoryObject::ID)),
        "mailboxSettings/timeZone,id"
    );
    assert_eq!(
        Group::OWNERS
            .any(
                User::MAILBOX_SETTINGS
                    .then(MailboxSettings::TIME_ZONE)
                    .eq("UTC")
            )
            .to_odata(),
        "owners/any(x:x/mailboxSettings/timeZone eq 'UTC')"
    );
    // A cast of a path casts the item it starts from.
    assert_eq!(
        User::MAILBOX_SETTINGS
            .then(MailboxSettings::TIME_ZONE)
            .cast::<DirectoryObject>()
            .is_null()
            .to_odata(),
        "microsoft.graph.user/mailboxSettings/timeZone eq null"
    );
}

#[test]
fn expansions_nest() {
    assert_eq!(
        expand::<Group>(Group::MEMBERS.expand_with(|n| {
            n.select(DirectoryObject::ID)
                .expand(User::MANAGER.cast::<DirectoryObject>())
        })),
        "members($select=id;$expand=microsoft.graph.user/manager)"
    );
    assert_eq!(
        expand::<Group>(Group::OWNERS.expand_with(|n| {
            n.expand((
                User::MANAGER.expand_with(|m| m.select(DirectoryObject::ID)),
                User::DIRECT_REPORTS,
            ))
            .filter(User::DISPLAY_NAME.eq("a"))
            .expand(User::MEMBER_OF)
        })),
        "owners($filter=displayName eq 'a';$expand=manager($select=id),directReports,memberOf)"
    );
    // Nothing inside: the relationship alone.
    assert_eq!(expand::<Group>(Group::OWNERS.expand_with(|n| n)), "owners");
}

#[test]
fn levels_go_first_in_an_expansion_and_are_remembered_at_any_depth() {
    let mut items = ExpandItems::default();
    ExpandList::<User>::items(
        User::MANAGER.expand_with(|n| n.select(DirectoryObject::ID).levels(Levels::Max)),
        &mut items,
    );
    assert_eq!(items.texts(), ["manager($levels=max;$select=id)"]);
    assert!(items.uses_levels());

    let mut items = ExpandItems::default();
    ExpandList::<Group>::items(
        Group::OWNERS.expand_with(|n| {
            n.expand(User::DIRECT_REPORTS.expand_with(|m| m.levels(Levels::Depth(3))))
        }),
        &mut items,
    );
    assert_eq!(items.texts(), ["owners($expand=directReports($levels=3))"]);
    assert!(items.uses_levels(), "found one level down");

    let mut items = ExpandItems::default();
    ExpandList::<User>::items(
        (
            User::MANAGER,
            User::MEMBER_OF.expand_with(|n| n.select(DirectoryObject::ID)),
        ),
        &mut items,
    );
    assert_eq!(items.texts(), ["manager", "memberOf($select=id)"]);
    assert!(!items.uses_levels());
}

#[test]
fn is_not_empty_is_any_without_a_condition() {
    assert_eq!(
        User::ASSIGNED_LICENSES.is_not_empty().to_odata(),
        "assignedLicenses/any()"
    );
    assert_eq!(
        User::PROXY_ADDRESSES
            .is_not_empty()
            .not()
            .or(User::ACCOUNT_ENABLED.eq(true))
            .to_odata(),
        "not(proxyAddresses/any()) or accountEnabled eq true"
    );
    assert_eq!(
        Group::OWNERS
            .any(User::ASSIGNED_LICENSES.is_not_empty())
            .to_odata(),
        "owners/any(x:x/assignedLicenses/any())"
    );
}

#[test]
fn uncast_reads_a_derived_types_property_on_an_open_base_by_name() {
    const MAIL_ENABLED: Field<Group, kind::Bool> = Field::new("mailEnabled");
    let f: Filter<DirectoryObject> = MAIL_ENABLED.uncast::<DirectoryObject>().eq(true);
    assert_eq!(f.to_odata(), "mailEnabled eq true");
    assert_eq!(
        MAIL_ENABLED.cast::<DirectoryObject>().eq(true).to_odata(),
        "microsoft.graph.group/mailEnabled eq true"
    );
    assert_eq!(
        select::<DirectoryObject>((
            DirectoryObject::ID,
            User::DISPLAY_NAME.uncast::<DirectoryObject>()
        )),
        "id,displayName"
    );
}

#[test]
fn cast_value_converts_a_primitive_property_with_odatas_cast_function() {
    const VALUE: Field<User, kind::Text> = Field::new("value");
    assert_eq!(
        VALUE.cast_value::<edm::Int32>().eq(12).to_odata(),
        "cast(value,Edm.Int32) eq 12"
    );
    let guid = uuid::Uuid::parse_str("b9cf8971-7d55-4b73-9ffa-a584611b600b").unwrap();
    assert_eq!(
        VALUE.cast_value::<edm::Guid>().eq(guid).to_odata(),
        "cast(value,Edm.Guid) eq b9cf8971-7d55-4b73-9ffa-a584611b600b"
    );
    // Inside a lambda, the variable leads the path inside the call.
    const PROPERTIES: Field<Group, kind::Many<kind::Complex<User>>> = Field::new("properties");
    assert_eq!(
        PROPERTIES
            .any(VALUE.cast_value::<edm::Double>().gt(1.5))
            .to_odata(),
        "properties/any(x:cast(x/value,Edm.Double) gt 1.5)"
    );
    // Through a walked path and after a count.
    assert_eq!(
        User::MAILBOX_SETTINGS
            .then(MailboxSettings::TIME_ZONE.cast_value::<edm::String>())
            .starts_with("W")
            .to_odata(),
        "startsWith(cast(mailboxSettings/timeZone,Edm.String),'W')"
    );
    assert_eq!(
        User::PROXY_ADDRESSES
            .count()
            .cast_value::<edm::Int64>()
            .ge(2)
            .to_odata(),
        "cast(proxyAddresses/$count,Edm.Int64) ge 2"
    );
}

mod documented {
    use super::super::{kind, Documented, Field, QueryPart};
    use super::{AssignedLicense, User};

    const MAIL: Field<User, kind::Text> = Field::documented(
        "mail",
        &[
            Documented::Eq,
            Documented::StartsWith,
            Documented::Null,
            Documented::OrderBy,
        ],
    );
    const NICKNAME: Field<User, kind::Text> = Field::new("mailNickname");
    const LICENSES: Field<User, kind::Many<kind::Complex<AssignedLicense>>> =
        Field::documented("assignedLicenses", &[Documented::Eq, Documented::Count]);
    const SKU: Field<AssignedLicense, kind::Guid> = Field::new("skuId");
    const EVERY: Field<User, kind::Int> = Field::documented("age", &[Documented::Filter]);

    fn undocumented(filter: super::super::Filter<User>) -> Vec<String> {
        filter
            .undocumented()
            .iter()
            .map(QueryPart::to_string)
            .collect()
    }

    #[test]
    fn what_the_description_lists_is_documented() {
        assert!(undocumented(MAIL.eq("a").and(MAIL.starts_with("b"))).is_empty());
        assert!(undocumented(MAIL.is_null()).is_empty());
        // `$filter` without operators listed: every operator.
        assert!(undocumented(EVERY.gt(3).or(EVERY.is_in([1, 2]))).is_empty());
    }

    #[test]
    fn what_it_does_not_list_is_named() {
        assert_eq!(
            undocumented(MAIL.ne("a").and(NICKNAME.eq("b"))),
            ["$filter: `ne` on `mail`", "$filter: `eq` on `mailNickname`"]
        );
        assert_eq!(
            undocumented(MAIL.ends_with("x")),
            ["$filter: `endsWith` on `mail`"]
        );
        // Under `not`, the property must document `not` as well.
        assert_eq!(undocumented(!MAIL.eq("a")), ["$filter: `not` on `mail`"]);
    }

    #[test]
    fn a_lambda_is_checked_against_the_collection() {
        // The docs list `eq` on `assignedLicenses` for `any(x: x/skuId eq ...)`.
        let sku = uuid::Uuid::nil();
        assert!(undocumented(LICENSES.any(SKU.eq(sku))).is_empty());
        assert_eq!(
            undocumented(LICENSES.any(SKU.ne(sku))),
            ["$filter: `ne` on `assignedLicenses`"]
        );
        assert!(undocumented(LICENSES.count().eq(0)).is_empty());
    }
}

#[test]
fn is_of_tests_the_item_or_the_lambda_variable() {
    let users = Filter::<DirectoryObject>::is_of::<User>();
    assert_eq!(users.to_odata(), "isof('microsoft.graph.user')");
    assert!(users.undocumented().is_empty());
    let either = Filter::<DirectoryObject>::is_of::<User>()
        .or(Filter::<DirectoryObject>::is_of::<Group>().not());
    assert_eq!(
        either.to_odata(),
        "isof('microsoft.graph.user') or not(isof('microsoft.graph.group'))"
    );
    let owned = Group::MEMBERS.any(Filter::<DirectoryObject>::is_of::<User>());
    assert_eq!(
        owned.to_odata(),
        "members/any(x:isof(x,'microsoft.graph.user'))"
    );
    // The leading `#` of an OData type name is not part of the name.
    assert_eq!(
        Filter::<Scope>::is_of::<QueryScope>().to_odata(),
        "isof('microsoft.graph.accessReviewQueryScope')"
    );
}

impl OpenType for DirectoryObject {
    const EXTENSIONS_ONLY: bool = true;
}
impl OpenType for User {
    const EXTENSIONS_ONLY: bool = true;
}
impl OpenType for MailboxSettings {
    const EXTENSIONS_ONLY: bool = false;
}

#[test]
fn dynamic_members_of_open_types_go_in_select_beside_handles() {
    let extension = Dynamic::<User>::new("ext55gb1l09_msLearnCourses").expect("a schema extension");
    assert_eq!(
        select::<User>((User::DISPLAY_NAME, extension)),
        "displayName,ext55gb1l09_msLearnCourses"
    );
    // A base type's dynamic member, on a derived type's request.
    let legacy = Dynamic::<DirectoryObject>::new("extension_39b1_costCenter").expect("a name");
    assert_eq!(select::<User>(legacy), "extension_39b1_costCenter");
    // Directory objects take only extension properties; other open types any word.
    assert!(Dynamic::<User>::new("displayname").is_err());
    assert!(Dynamic::<MailboxSettings>::new("Color").is_ok());
    assert!(Dynamic::<MailboxSettings>::new("a,b").is_err());
    assert!(Dynamic::<MailboxSettings>::new("").is_err());
}

#[test]
fn an_inherited_property_is_read_through_a_derived_types_cast() {
    // `id` is declared on the base; the filter reads it on users only.
    let f = DirectoryObject::ID.via::<User>().eq("42");
    assert_eq!(f.to_odata(), "microsoft.graph.user/id eq '42'");
}
