use super::*;

#[test]
fn segments_cannot_change_the_path() {
    let (p, invalid) = PathBuilder::new("/users/").segment("a/b?c#d%e").finish();
    assert_eq!(p, "/users/a%2Fb%3Fc%23d%25e");
    assert!(invalid.is_none());
    let (_, invalid) = PathBuilder::new("/users/").segment("..").finish();
    assert!(invalid.is_some());
    let (p, _) = PathBuilder::new("/sites('")
        .quoted("it's")
        .literal("')")
        .finish();
    assert_eq!(p, "/sites('it%27%27s')");
    let (p, _) = PathBuilder::new("/me/drive/root:/")
        .path("a b/c.txt")
        .literal(":/content")
        .finish();
    assert_eq!(p, "/me/drive/root:/a%20b/c.txt:/content");
}
