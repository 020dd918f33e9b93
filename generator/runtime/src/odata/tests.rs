use super::{kind, ExpandList, Field, Filter, IsA, ODataEnum, ODataType, OrderList, SelectList};

struct DirectoryObject;
struct User;
struct Group;
struct AssignedLicense;
impl ODataType for DirectoryObject {
    const ODATA_TYPE: &'static str = "microsoft.graph.directoryObject";
}
impl ODataType for User {
    const ODATA_TYPE: &'static str = "microsoft.graph.user";
}
impl ODataType for Group {
    const ODATA_TYPE: &'static str = "microsoft.graph.group";
}
impl IsA<DirectoryObject> for User {}
impl IsA<DirectoryObject> for Group {}

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
}
impl AssignedLicense {
    const SKU_ID: Field<AssignedLicense, kind::Guid> = Field::new("skuId");
}

fn select<O>(s: impl SelectList<O>) -> String {
    let mut v = Vec::new();
    s.names(&mut v);
    v.join(",")
}
fn order<O>(s: impl OrderList<O>) -> String {
    let mut v = Vec::new();
    s.keys(&mut v);
    v.join(",")
}
fn expand<O>(s: impl ExpandList<O>) -> String {
    let mut v = Vec::new();
    s.items(&mut v);
    v.join(",")
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
