use super::*;

fn ranges(r: &[&str]) -> Vec<String> {
    r.iter().map(|s| s.to_string()).collect()
}

#[test]
fn slices_follow_the_expected_ranges() {
    let plan = UploadPlan::new(3 * SLICE_UNIT - 5, SLICE_UNIT).unwrap();
    let first = plan.next(&ranges(&["0-"])).unwrap().unwrap();
    assert_eq!(
        first.content_range(),
        format!("bytes 0-{}/{}", SLICE_UNIT - 1, 3 * SLICE_UNIT - 5)
    );
    let lost = plan
        .next(&ranges(&["655355-", "327680-655359"]))
        .unwrap()
        .unwrap();
    assert_eq!((lost.first, lost.last), (327_680, 655_359));
    assert_eq!(
        plan.uploaded(&ranges(&["327680-655359"])),
        plan.total() - SLICE_UNIT
    );
    assert_eq!(plan.next(&[]).unwrap(), None);
    // Attachments name only where to start.
    let at = plan.next(&ranges(&["655360"])).unwrap().unwrap();
    assert_eq!(
        (at.first, at.last, at.len()),
        (655_360, plan.total() - 1, SLICE_UNIT - 5)
    );
    assert!(plan.next(&ranges(&["0-999999999"])).is_err());
    assert!(plan.next(&ranges(&["x-"])).is_err());
}

#[test]
fn slice_sizes_are_multiples_of_320_kib_and_empty_files_are_refused() {
    assert!(UploadPlan::new(10, 1000).is_err());
    assert!(UploadPlan::new(10, MAX_SLICE + SLICE_UNIT).is_err());
    let e = UploadPlan::new(0, DEFAULT_SLICE).unwrap_err().to_string();
    assert!(e.contains("empty file"), "{e}");
    let one = UploadPlan::new(1, DEFAULT_SLICE).unwrap();
    assert_eq!(
        one.next(&ranges(&["0-"])).unwrap().unwrap().content_range(),
        "bytes 0-0/1"
    );
}
