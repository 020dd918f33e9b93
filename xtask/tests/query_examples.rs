//! `xtask query-examples`' figures on the seed pages (one example's path ends in a
//! cast), and on the same pages with one query broken and one header left out.

use graphdoc::odata::examples::survey;
use graphdoc::odata::resolve::Reason;
use graphdoc::pipeline::{parse_and_build, read_docs};
use xtask::query_examples::{measure, render};

fn figures(edit: impl Fn(&str, String) -> String) -> xtask::query_examples::Figures {
    let mut sources = read_docs(&xtask::repo_root().join("specs/docs")).unwrap();
    for s in &mut sources {
        let text = String::from_utf8_lossy(&s.bytes).into_owned();
        s.bytes = edit(&s.path, text).into_bytes();
    }
    let (_, model, _, _) = parse_and_build(&sources);
    measure(&survey(&model))
}

#[test]
fn the_seed_pages_rebuild_every_query_and_agree_on_the_header() {
    let f = figures(|_, text| text);
    assert!(f.with_options >= 5);
    assert_eq!(f.rebuilt, f.with_options);
    assert!(f.not_rebuilt.is_empty());
    assert!(f.consistency.carried >= 3);
    assert_eq!(f.consistency.carried, f.consistency.both);
    assert_eq!(f.consistency.predicted, f.consistency.both);
    // memberOf cast to groups.
    assert_eq!(f.path_casts.len(), 1, "{:?}", f.path_casts);
    assert!(
        f.rebuilt_chains.iter().all(|r| r.function.is_some()
            && (r.chain.starts_with(".cast::<") == f.path_casts.contains(&r.place))),
        "{:#?}",
        f.rebuilt_chains
    );
    let text = render(&f, "specs/docs");
    assert!(text.contains("(100.0 %)"), "{text}");
    assert!(text.contains("of which 1 cast the request"), "{text}");
    // No chain needs a method the typed API does not have.
    assert!(!text.contains("to add"), "{text}");
}

#[test]
fn a_broken_query_and_a_missing_header_are_listed_with_their_place() {
    let f = figures(|path, text| {
        if path == "api/user-list.md" {
            text.replace(
                "$filter=startsWith(displayName,'a')&",
                "$filter=startsWith(displayName,'a'&",
            )
            .replacen("ConsistencyLevel: eventual\n", "", 1)
        } else {
            text
        }
    });
    assert_eq!(f.rebuilt + 1, f.with_options);
    let misses = &f.not_rebuilt[&Reason::InvalidOData];
    assert_eq!(misses.len(), 1);
    assert!(
        misses[0].place.starts_with("api/user-list.md:"),
        "{}",
        misses[0].place
    );
    assert_eq!(f.consistency.predicted_only.len(), 1);
    assert!(f.consistency.carried_only.is_empty());
    let text = render(&f, "specs/docs");
    assert!(text.contains("invalid-odata (1)"), "{text}");
    assert!(text.contains("predicted, not carried (1)"), "{text}");
}
