use super::*;

#[test]
fn placeholder() {
    let (page, _) = parse_page("api/x.md", b"---\ntitle: x\n---\n# X\n");
    assert_eq!(page.title.unwrap().value, "X");
}
