use super::*;
use crate::{Object, View};
use serde_json::Value;

mod tags {
    pub enum Thing {}
}
type Thing = Object<tags::Thing>;
crate::view!(Thing, "#microsoft.graph.thing");

#[test]
fn members_keep_order_unknown_members_and_null() {
    let json = r#"{"id":"a","n":null,"x":{"y":[1,2.5,"z"]},"t":true}"#;
    let read: Thing = serde_json::from_str(json).unwrap();
    // Absent, null and a value stay apart.
    assert_eq!(read.get("n"), Some(&Json::Null));
    assert_eq!(read.get("gone"), None);
    assert_eq!(
        read.get("x")
            .and_then(|x| x.get("y"))
            .and_then(Json::as_array)
            .map(<[Json]>::len),
        Some(3)
    );
    // Setting keeps a member's place, a new one goes last, removing keeps the order.
    let mut edited = read.clone();
    edited.set_null("id").set_null("new").remove("n");
    assert_eq!(
        edited.as_map().keys().collect::<Vec<_>>(),
        ["id", "x", "t", "new"]
    );
    assert_eq!(
        serde_json::to_string(&edited).unwrap(),
        r#"{"id":null,"x":{"y":[1,2.5,"z"]},"t":true,"new":null}"#
    );
    // `serde_json::Value` both ways, nothing lost.
    let value: Value = serde_json::from_str(json).unwrap();
    assert_eq!(Json::Object(read.as_map().clone()), value);
    assert_eq!(Value::from(Json::from(value.clone())), value);
    assert_eq!(Thing::from(JsonObject::from(read.clone())), read);
    // Objects of a page share their names' text.
    let page: Vec<Thing> =
        serde_json::from_str(r#"[{"displayName":1},{"displayName":2}]"#).unwrap();
    let name = |o: &Thing| o.as_map().0[0].0.clone();
    assert!(Arc::ptr_eq(&name(&page[0]), &name(&page[1])));
}
