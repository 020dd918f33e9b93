use crate::{Json, JsonObject, Object, View};

mod tags {
    pub enum Thing {}
    pub enum Body {}
}
type Thing = Object<tags::Thing>;
type Body = Object<tags::Body>;
crate::view!(Thing, "#microsoft.graph.thing");
crate::view!(Body);

#[test]
fn views_read_as_their_json_object() {
    // Members in order, a repeated name's last value, nested objects untouched.
    let json = r#"{"b":1,"a":{"z":null,"y":[]},"b":2}"#;
    let read: Thing = serde_json::from_str(json).unwrap();
    assert_eq!(
        JsonObject::from(read.clone()),
        serde_json::from_str::<JsonObject>(json).unwrap()
    );
    assert_eq!(
        serde_json::to_string(&read).unwrap(),
        r#"{"b":2,"a":{"z":null,"y":[]}}"#
    );
    // A page of objects of different sizes, each sized by the one before it.
    let page: Vec<Thing> = serde_json::from_str(r#"[{"a":1,"b":2,"c":3},{},{"x":null}]"#).unwrap();
    let lens: Vec<usize> = page.iter().map(|o| o.as_map().len()).collect();
    assert_eq!(lens, [3, 0, 1]);
    assert_eq!(page[2].get("x"), Some(&Json::Null));
    // From a `Value` too; `null` is no object, as for `JsonObject`.
    let again: Thing = serde_json::from_value(serde_json::to_value(&read).unwrap()).unwrap();
    assert_eq!(again, read);
    assert!(serde_json::from_str::<JsonObject>("null").is_err());
    assert!(serde_json::from_str::<Thing>("null").is_err());
    let wrong = serde_json::from_str::<Thing>("[1]").unwrap_err();
    assert!(
        wrong
            .to_string()
            .starts_with("invalid type: sequence, expected a map"),
        "{wrong}"
    );
}

#[test]
fn views_share_one_generic_type() {
    let thing = Thing::new();
    assert_eq!(thing.odata_type(), Some("#microsoft.graph.thing"));
    assert!(Body::new().as_map().is_empty());
    let json = r##"{"@odata.type":"#microsoft.graph.thing","x":[1,null]}"##;
    let read: Thing = serde_json::from_str(json).unwrap();
    assert_eq!(serde_json::to_string(&read).unwrap(), json);
    assert_eq!(read.clone(), read);
    assert_ne!(read, thing);
    assert!(format!("{read:?}").starts_with("Thing({"), "{read:?}");
    let body: &Body = read.cast_ref();
    assert_eq!(body.get("x"), read.get("x"));
    assert_eq!(Body::from(read.clone().into_map()).as_map(), read.as_map());
}

#[derive(Debug)]
enum Colour {
    Red,
    Unrecognized(String),
}

impl Colour {
    fn as_str(&self) -> &str {
        match self {
            Self::Red => "red",
            Self::Unrecognized(other) => other.as_str(),
        }
    }
}

impl From<&str> for Colour {
    fn from(value: &str) -> Self {
        match value {
            "red" => Self::Red,
            other => Self::Unrecognized(other.to_string()),
        }
    }
}

crate::string_enum!(Colour);

#[test]
fn string_enums_compare_hash_and_clone_by_spelling() {
    use std::collections::HashSet;
    let spelled = Colour::Unrecognized("red".to_string());
    assert_eq!(spelled, Colour::Red);
    assert_ne!(Colour::Unrecognized("blue".to_string()), Colour::Red);
    assert!(matches!(spelled.clone(), Colour::Red));
    let set: HashSet<Colour> = [Colour::Red, spelled].into_iter().collect();
    assert_eq!(set.len(), 1);
    let blue: Colour = serde_json::from_str("\"blue\"").unwrap();
    assert!(matches!(&blue, Colour::Unrecognized(s) if s == "blue"));
    assert_eq!(serde_json::to_string(&blue.clone()).unwrap(), "\"blue\"");
    assert_eq!(blue.to_string(), "blue");
}
