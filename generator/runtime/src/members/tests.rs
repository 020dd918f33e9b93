use super::*;
use crate::Json;

#[test]
fn datetimes_keep_seven_fraction_digits() {
    let v = Json::from("2016-12-31T23:58:21.6459442-08:00");
    let dt = as_datetime(&v).unwrap();
    assert_eq!(datetime_value(dt), v);
    let utc = Json::from("2021-01-01T00:00:00Z");
    assert_eq!(datetime_value(as_datetime(&utc).unwrap()), utc);
}
