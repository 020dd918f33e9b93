use super::*;

#[test]
fn pages_split_updates_removals_and_links() {
    let body = br#"{
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
        "@odata.deltaLink": "https://graph.microsoft.com/v1.0/users/delta?$deltatoken=a%2Bb",
        "value": [
            {"id": "1", "displayName": "Ann"},
            {"id": "2", "@removed": {"reason": "deleted"}}
        ]
    }"#;
    let page = DeltaPage::<JsonObject>::parse(200, body).unwrap();
    assert_eq!(page.next_link, None);
    assert_eq!(
        page.delta_link
            .as_ref()
            .and_then(DeltaLink::token)
            .as_deref(),
        Some("a+b")
    );
    assert!(matches!(&page.changes[0], Change::Updated(u) if u["displayName"] == "Ann"));
    match &page.changes[1] {
        Change::Removed(r) => {
            assert_eq!(
                (r.id.as_deref(), r.reason.as_deref()),
                (Some("2"), Some("deleted"))
            );
        }
        other => panic!("{other:?}"),
    }
    let drive = DeltaLink(
        "https://graph.microsoft.com/v1.0/me/drive/root/delta(token='x')?token=abc".into(),
    );
    assert_eq!(drive.token().as_deref(), Some("abc"));
    assert!(DeltaPage::<JsonObject>::parse(200, br#"{"value": 3}"#).is_err());
    assert!(DeltaPage::<JsonObject>::parse(200, b"<html>").is_err());
}
