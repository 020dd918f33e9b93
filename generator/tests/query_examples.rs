//! The example queries of `specs/docs`: every one has a typed call chain, and the
//! advanced-query rules give the `ConsistencyLevel` header to exactly the examples that
//! carry it.

use graphdoc::odata::examples::survey;
use graphdoc::pipeline::{parse_and_build, read_docs};

#[test]
fn the_seed_examples_rebuild_and_agree_on_the_header() {
    let sources =
        read_docs(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/docs"))
            .expect("specs/docs reads");
    let (_, model, _, _) = parse_and_build(&sources);
    let examples = survey(&model);
    let with_options: Vec<_> = examples.iter().filter(|e| e.has_options()).collect();
    assert!(
        with_options.len() >= 5,
        "{} examples with options",
        with_options.len()
    );
    for e in &with_options {
        assert!(
            matches!(e.rebuilt, Some(Ok(_))),
            "{}:{} {}: {:?}",
            e.file,
            e.line,
            e.target,
            e.rebuilt
        );
    }
    for e in &examples {
        assert_eq!(
            e.consistency.carried, e.consistency.predicted,
            "{}:{} {}: {:?}",
            e.file, e.line, e.target, e.consistency
        );
        assert!(!e.consistency.count_missing, "{}:{}", e.file, e.line);
    }
    assert!(examples.iter().any(|e| e.consistency.carried));
    let chain = examples
        .iter()
        .find(|e| e.target.contains("assignedLicenses/any"))
        .and_then(|e| e.rebuilt.clone())
        .and_then(Result::ok);
    assert_eq!(
        chain.as_deref(),
        Some(
            r#".filter(models::User::ASSIGNED_LICENSES.any(models::AssignedLicense::SKU_ID.eq(uuid::uuid!("184efa21-98c3-4e5d-95ab-d07053a96e67")))).select((models::Entity::ID, models::User::DISPLAY_NAME))"#
        )
    );
}
