use super::*;

#[test]
fn retry_after_reads_seconds_decimals_and_http_dates() {
    let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
    assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
    assert_eq!(
        parse_retry_after("1.5", now),
        Some(Duration::from_millis(1500))
    );
    assert_eq!(parse_retry_after("-1", now), None);
    assert_eq!(parse_retry_after("1e3", now), None);
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
        Some(Duration::from_secs(30))
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
        Some(Duration::ZERO)
    );
    assert_eq!(parse_retry_after("soon", now), None);
}

#[test]
fn backoff_doubles_up_to_the_cap_and_stops_after_the_last_attempt() {
    let policy = RetryPolicy {
        max_attempts: 5,
        initial_delay: Duration::from_secs(10),
        max_delay: Duration::from_secs(25),
    };
    assert_eq!(policy.delay(1, 503, None), Some(Duration::from_secs(10)));
    assert_eq!(
        policy.delay(2, 504, Some("later")),
        Some(Duration::from_secs(20))
    );
    assert_eq!(policy.delay(3, 429, None), Some(Duration::from_secs(25)));
    assert_eq!(policy.delay(5, 429, None), None);
    assert_eq!(policy.delay(1, 500, None), None);
    assert_eq!(
        policy.delay(1, 429, Some("3")),
        Some(Duration::from_secs(3))
    );
    assert_eq!(
        policy.delay(1, 429, Some("2.25")),
        Some(Duration::from_millis(2250))
    );
    // Asked to wait longer than the cap: give the error back rather than retry early.
    assert_eq!(policy.delay(1, 429, Some("26")), None);
    assert_eq!(RetryPolicy::never().delay(1, 429, Some("0")), None);
}
