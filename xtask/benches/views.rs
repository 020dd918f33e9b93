//! `cargo bench -p xtask --bench views`: the generated views against `serde_json::Value`
//! and a serde-derive struct, on one large page of a small type
//! (`deviceConfigurationDeviceOverview`) and of a wide one
//! (`windows10GeneralConfiguration`, its own and inherited properties).
//!
//! Each case runs in a child process (this binary run again with `--case`), so that its
//! peak memory is its own: the child builds the input, resets the kernel's high-water
//! mark (`/proc/self/clear_refs`), runs the case and reports `VmHWM` minus the resident
//! size it had with only the input in memory. Cases run in rounds, the order reversed
//! every other round, and the table shows the median of the rounds.
//!
//! Options: `--rounds N` (default 3), `--small N` and `--wide N` (objects per page,
//! default 200000 and 20000), `--only SUBSTRING` (cases whose name contains it).

use graph_client::models::{DeviceConfigurationDeviceOverview, Windows10GeneralConfiguration};
use graph_client::runtime::{Collection, JsonObject};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt::Write as _;
use std::hint::black_box;
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

// ---------- input ----------

/// A deterministic page of `n` overview objects (`small`) or general configurations.
fn page(wide: bool, n: usize) -> String {
    let mut s = String::with_capacity(n * if wide { 1300 } else { 330 });
    s.push_str(r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#deviceConfigurations","value":["#);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as u32
    };
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        let (a, b, c) = (next(), next(), next());
        let day = 1 + a % 28;
        let (h, m) = (b % 24, c % 60);
        if wide {
            let _ = write!(
                s,
                r##"{{"@odata.type":"#microsoft.graph.windows10GeneralConfiguration","id":"{a:08x}-{b:08x}-{i:08x}","lastModifiedDateTime":"2026-03-{day:02}T{h:02}:{m:02}:07.1234567Z","createdDateTime":"2025-11-{day:02}T{m:02}:{h:02}:00Z","description":"Baseline policy {i} for the {a} ring of managed Windows devices","displayName":"Windows baseline {i}","version":{v},"supportsScopeTags":true,"enterpriseCloudPrintDiscoveryEndPoint":"https://cloudprint.contoso.com/{a}","enterpriseCloudPrintDiscoveryMaxLimit":{lim},"searchBlockDiacritics":{t1},"diagnosticsDataSubmissionMode":"{diag}","oneDriveDisableFileSync":{t2},"bluetoothAllowedServices":["0000110b-0000-1000-8000-00805f9b34fb","0000111e-0000-1000-8000-00805f9b34fb"],"bluetoothBlockAdvertising":{t3},"edgeBlockAutofill":{t1},"edgeCookiePolicy":"{cookie}","defenderSignatureUpdateIntervalInHours":{hours},"defenderMonitorFileActivity":"{monitor}","defenderFileExtensionsToExclude":[".log",".tmp",".bak"],"passwordMinimumLength":{len},"passwordRequired":{t2},"passwordRequiredType":"{pwd}","privacyAdvertisingId":"{priv}"}}"##,
                v = b % 40,
                lim = c % 500,
                t1 = a % 2 == 0,
                t2 = b % 3 == 0,
                t3 = c % 2 == 0,
                diag = ["userDefined", "none", "basic", "enhanced", "full"][(a % 5) as usize],
                cookie = ["userDefined", "allow", "blockThirdParty", "blockAll"][(b % 4) as usize],
                hours = a % 24,
                monitor = ["userDefined", "disable", "monitorAllFiles"][(c % 3) as usize],
                len = 4 + b % 12,
                pwd = ["deviceDefault", "alphanumeric", "numeric"][(a % 3) as usize],
                priv = ["notConfigured", "blocked", "allowed"][(c % 3) as usize],
            );
        } else {
            let _ = write!(
                s,
                r#"{{"id":"{a:08x}-{b:08x}-{i:08x}","pendingCount":{},"notApplicableCount":{},"successCount":{},"errorCount":{},"failedCount":{},"lastUpdateDateTime":"2026-03-{day:02}T{h:02}:{m:02}:07.1234567Z","configurationVersion":{}}}"#,
                a % 50,
                b % 300,
                c % 5000,
                a % 7,
                b % 11,
                c % 40,
            );
        }
    }
    s.push_str(r#"],"@odata.nextLink":"https://graph.microsoft.com/v1.0/deviceManagement/deviceConfigurations?$skiptoken=X"}"#);
    s
}

// ---------- the serde-derive reference (what progenitor/typify generate) ----------

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OverviewStruct {
    #[serde(rename = "@odata.type", skip_serializing_if = "Option::is_none")]
    odata_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pending_count: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_applicable_count: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    success_count: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_count: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failed_count: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_update_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    configuration_version: Option<i32>,
    #[serde(flatten)]
    other: serde_json::Map<String, Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GeneralStruct {
    #[serde(rename = "@odata.type", skip_serializing_if = "Option::is_none")]
    odata_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enterprise_cloud_print_discovery_end_point: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enterprise_cloud_print_discovery_max_limit: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    search_block_diacritics: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnostics_data_submission_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    one_drive_disable_file_sync: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bluetooth_allowed_services: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bluetooth_block_advertising: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    edge_block_autofill: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    edge_cookie_policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    defender_signature_update_interval_in_hours: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    defender_monitor_file_activity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    defender_file_extensions_to_exclude: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_minimum_length: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_required_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    privacy_advertising_id: Option<String>,
    #[serde(flatten)]
    other: serde_json::Map<String, Value>,
}

#[derive(Serialize, Deserialize)]
struct StructPage<T> {
    value: Vec<T>,
    #[serde(rename = "@odata.nextLink", skip_serializing_if = "Option::is_none")]
    next_link: Option<String>,
    #[serde(flatten)]
    other: serde_json::Map<String, Value>,
}

// ---------- reads: every property once, folded into a checksum ----------

fn mix(sum: &mut u64, x: u64) {
    *sum = sum.rotate_left(5) ^ x;
}
fn opt_str(s: Option<&str>) -> u64 {
    s.map_or(1, |s| s.len() as u64)
}
fn opt_i32(x: Option<i32>) -> u64 {
    x.map_or(1, |x| x as u64)
}
fn opt_bool(x: Option<bool>) -> u64 {
    x.map_or(2, u64::from)
}
fn opt_time(s: Option<&str>) -> u64 {
    s.and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map_or(1, |t| t.timestamp() as u64)
}
fn opt_dt(t: Option<chrono::DateTime<chrono::FixedOffset>>) -> u64 {
    t.map_or(1, |t| t.timestamp() as u64)
}
fn opt_list<'a>(l: Option<impl IntoIterator<Item = &'a str>>) -> u64 {
    l.map_or(1, |l| l.into_iter().map(|s| s.len() as u64).sum())
}

fn read_small_view(page: &[DeviceConfigurationDeviceOverview]) -> u64 {
    let mut sum = 0;
    for o in page {
        mix(&mut sum, opt_str(o.id()));
        mix(&mut sum, opt_i32(o.pending_count()));
        mix(&mut sum, opt_i32(o.not_applicable_count()));
        mix(&mut sum, opt_i32(o.success_count()));
        mix(&mut sum, opt_i32(o.error_count()));
        mix(&mut sum, opt_i32(o.failed_count()));
        mix(&mut sum, opt_dt(o.last_update_date_time()));
        mix(&mut sum, opt_i32(o.configuration_version()));
    }
    sum
}

// `serde_json::Value` read the way the views read their members.
fn value_str(v: &Value) -> Option<&str> {
    v.as_str()
}
fn value_i32(v: &Value) -> Option<i32> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .and_then(|n| n.try_into().ok())
}
fn value_datetime(v: &Value) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(v.as_str()?).ok()
}

fn read_small_value(page: &Value) -> u64 {
    let mut sum = 0;
    for o in page
        .get("value")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        mix(&mut sum, opt_str(o.get("id").and_then(value_str)));
        for k in [
            "pendingCount",
            "notApplicableCount",
            "successCount",
            "errorCount",
            "failedCount",
        ] {
            mix(&mut sum, opt_i32(o.get(k).and_then(value_i32)));
        }
        mix(
            &mut sum,
            opt_dt(o.get("lastUpdateDateTime").and_then(value_datetime)),
        );
        mix(
            &mut sum,
            opt_i32(o.get("configurationVersion").and_then(value_i32)),
        );
    }
    sum
}

fn read_small_struct(page: &[OverviewStruct]) -> u64 {
    let mut sum = 0;
    for o in page {
        mix(&mut sum, opt_str(o.id.as_deref()));
        mix(&mut sum, opt_i32(o.pending_count));
        mix(&mut sum, opt_i32(o.not_applicable_count));
        mix(&mut sum, opt_i32(o.success_count));
        mix(&mut sum, opt_i32(o.error_count));
        mix(&mut sum, opt_i32(o.failed_count));
        mix(&mut sum, opt_time(o.last_update_date_time.as_deref()));
        mix(&mut sum, opt_i32(o.configuration_version));
    }
    sum
}

fn read_wide_view(page: &[Windows10GeneralConfiguration]) -> u64 {
    let mut sum = 0;
    for o in page {
        mix(&mut sum, opt_str(o.id()));
        mix(&mut sum, opt_dt(o.last_modified_date_time()));
        mix(&mut sum, opt_dt(o.created_date_time()));
        mix(&mut sum, opt_str(o.description()));
        mix(&mut sum, opt_str(o.display_name()));
        mix(&mut sum, opt_i32(o.version()));
        mix(
            &mut sum,
            opt_str(o.enterprise_cloud_print_discovery_end_point()),
        );
        mix(
            &mut sum,
            opt_i32(o.enterprise_cloud_print_discovery_max_limit()),
        );
        mix(&mut sum, opt_bool(o.search_block_diacritics()));
        mix(
            &mut sum,
            opt_str(
                o.diagnostics_data_submission_mode()
                    .as_ref()
                    .map(|e| e.as_str()),
            ),
        );
        mix(&mut sum, opt_bool(o.one_drive_disable_file_sync()));
        mix(&mut sum, opt_list(o.bluetooth_allowed_services()));
        mix(&mut sum, opt_bool(o.bluetooth_block_advertising()));
        mix(&mut sum, opt_bool(o.edge_block_autofill()));
        mix(
            &mut sum,
            opt_str(o.edge_cookie_policy().as_ref().map(|e| e.as_str())),
        );
        mix(
            &mut sum,
            opt_i32(o.defender_signature_update_interval_in_hours()),
        );
        mix(
            &mut sum,
            opt_str(
                o.defender_monitor_file_activity()
                    .as_ref()
                    .map(|e| e.as_str()),
            ),
        );
        mix(&mut sum, opt_list(o.defender_file_extensions_to_exclude()));
        mix(&mut sum, opt_i32(o.password_minimum_length()));
        mix(&mut sum, opt_bool(o.password_required()));
        mix(
            &mut sum,
            opt_str(o.password_required_type().as_ref().map(|e| e.as_str())),
        );
        mix(
            &mut sum,
            opt_str(o.privacy_advertising_id().as_ref().map(|e| e.as_str())),
        );
    }
    sum
}

const WIDE_KINDS: [(&str, u8); 22] = [
    ("id", b's'),
    ("lastModifiedDateTime", b't'),
    ("createdDateTime", b't'),
    ("description", b's'),
    ("displayName", b's'),
    ("version", b'i'),
    ("enterpriseCloudPrintDiscoveryEndPoint", b's'),
    ("enterpriseCloudPrintDiscoveryMaxLimit", b'i'),
    ("searchBlockDiacritics", b'b'),
    ("diagnosticsDataSubmissionMode", b's'),
    ("oneDriveDisableFileSync", b'b'),
    ("bluetoothAllowedServices", b'l'),
    ("bluetoothBlockAdvertising", b'b'),
    ("edgeBlockAutofill", b'b'),
    ("edgeCookiePolicy", b's'),
    ("defenderSignatureUpdateIntervalInHours", b'i'),
    ("defenderMonitorFileActivity", b's'),
    ("defenderFileExtensionsToExclude", b'l'),
    ("passwordMinimumLength", b'i'),
    ("passwordRequired", b'b'),
    ("passwordRequiredType", b's'),
    ("privacyAdvertisingId", b's'),
];

fn read_wide_value(page: &Value) -> u64 {
    let mut sum = 0;
    for o in page
        .get("value")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for (k, kind) in WIDE_KINDS {
            let v = o.get(k);
            let x = match kind {
                b's' => opt_str(v.and_then(value_str)),
                b't' => opt_dt(v.and_then(value_datetime)),
                b'i' => opt_i32(v.and_then(value_i32)),
                b'b' => opt_bool(v.and_then(Value::as_bool)),
                _ => opt_list(
                    v.and_then(Value::as_array)
                        .map(|l| l.iter().filter_map(value_str).collect::<Vec<_>>()),
                ),
            };
            mix(&mut sum, x);
        }
    }
    sum
}

fn read_wide_struct(page: &[GeneralStruct]) -> u64 {
    let mut sum = 0;
    let list = |l: &Option<Vec<String>>| opt_list(l.as_ref().map(|l| l.iter().map(String::as_str)));
    for o in page {
        mix(&mut sum, opt_str(o.id.as_deref()));
        mix(&mut sum, opt_time(o.last_modified_date_time.as_deref()));
        mix(&mut sum, opt_time(o.created_date_time.as_deref()));
        mix(&mut sum, opt_str(o.description.as_deref()));
        mix(&mut sum, opt_str(o.display_name.as_deref()));
        mix(&mut sum, opt_i32(o.version));
        mix(
            &mut sum,
            opt_str(o.enterprise_cloud_print_discovery_end_point.as_deref()),
        );
        mix(
            &mut sum,
            opt_i32(o.enterprise_cloud_print_discovery_max_limit),
        );
        mix(&mut sum, opt_bool(o.search_block_diacritics));
        mix(
            &mut sum,
            opt_str(o.diagnostics_data_submission_mode.as_deref()),
        );
        mix(&mut sum, opt_bool(o.one_drive_disable_file_sync));
        mix(&mut sum, list(&o.bluetooth_allowed_services));
        mix(&mut sum, opt_bool(o.bluetooth_block_advertising));
        mix(&mut sum, opt_bool(o.edge_block_autofill));
        mix(&mut sum, opt_str(o.edge_cookie_policy.as_deref()));
        mix(
            &mut sum,
            opt_i32(o.defender_signature_update_interval_in_hours),
        );
        mix(
            &mut sum,
            opt_str(o.defender_monitor_file_activity.as_deref()),
        );
        mix(&mut sum, list(&o.defender_file_extensions_to_exclude));
        mix(&mut sum, opt_i32(o.password_minimum_length));
        mix(&mut sum, opt_bool(o.password_required));
        mix(&mut sum, opt_str(o.password_required_type.as_deref()));
        mix(&mut sum, opt_str(o.privacy_advertising_id.as_deref()));
    }
    sum
}

// ---------- cases ----------

/// `Collection<T>` read the way it was before streaming: the whole body into a map,
/// then each member converted again from that map. Kept as the "before" figure.
fn two_pass<T: DeserializeOwned>(json: &str) -> Result<Collection<T>, serde_json::Error> {
    fn member<T: DeserializeOwned>(
        other: &mut JsonObject,
        name: &str,
    ) -> Result<Option<T>, serde_json::Error> {
        match other.shift_remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => serde_json::from_value(v).map(Some),
        }
    }
    let mut other: JsonObject = serde_json::from_str(json)?;
    Ok(Collection {
        value: member(&mut other, "value")?.unwrap_or_default(),
        next_link: member(&mut other, "@odata.nextLink")?,
        count: member(&mut other, "@odata.count")?,
        other,
    })
}

type Run = fn(&str) -> Result<u64, serde_json::Error>;

/// Serializes a page deserialized beforehand: the clock and the memory peak start after
/// the deserialization.
fn ser<T: Serialize + DeserializeOwned>(json: &str) -> Result<u64, serde_json::Error> {
    let page: T = serde_json::from_str(json)?;
    start();
    let mut out = Vec::new();
    serde_json::to_writer(&mut out, &page)?;
    Ok(out.len() as u64)
}

type ViewPage<T> = Collection<T>;
type Small = DeviceConfigurationDeviceOverview;
type Wide = Windows10GeneralConfiguration;

const TWO_PASS: &str = "views, two-pass Collection";

/// (what is measured, representation, wide?, the case).
const CASES: &[(&str, &str, bool, Run)] = &[
    ("small: deserialize + read", "views", false, |j| {
        Ok(read_small_view(
            &serde_json::from_str::<ViewPage<Small>>(j)?.value,
        ))
    }),
    ("small: deserialize + read", TWO_PASS, false, |j| {
        Ok(read_small_view(&two_pass::<Small>(j)?.value))
    }),
    ("small: deserialize + read", "Value", false, |j| {
        Ok(read_small_value(&serde_json::from_str(j)?))
    }),
    ("small: deserialize + read", "struct", false, |j| {
        Ok(read_small_struct(
            &serde_json::from_str::<StructPage<OverviewStruct>>(j)?.value,
        ))
    }),
    ("wide: deserialize + read", "views", true, |j| {
        Ok(read_wide_view(
            &serde_json::from_str::<ViewPage<Wide>>(j)?.value,
        ))
    }),
    ("wide: deserialize + read", TWO_PASS, true, |j| {
        Ok(read_wide_view(&two_pass::<Wide>(j)?.value))
    }),
    ("wide: deserialize + read", "Value", true, |j| {
        Ok(read_wide_value(&serde_json::from_str(j)?))
    }),
    ("wide: deserialize + read", "struct", true, |j| {
        Ok(read_wide_struct(
            &serde_json::from_str::<StructPage<GeneralStruct>>(j)?.value,
        ))
    }),
    ("small: serialize", "views", false, ser::<ViewPage<Small>>),
    ("small: serialize", "Value", false, ser::<Value>),
    (
        "small: serialize",
        "struct",
        false,
        ser::<StructPage<OverviewStruct>>,
    ),
    ("wide: serialize", "views", true, ser::<ViewPage<Wide>>),
    ("wide: serialize", "Value", true, ser::<Value>),
    (
        "wide: serialize",
        "struct",
        true,
        ser::<StructPage<GeneralStruct>>,
    ),
];

/// Resident and peak resident size of this process, in kB (0 where /proc has none).
fn rss() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// When the measured part of the case began, and the resident size then.
static START: Mutex<Option<(Instant, u64)>> = Mutex::new(None);

/// Starts the clock and resets the peak resident size to the current one.
fn start() {
    // "5" resets VmHWM (Linux 4.0 and later); elsewhere the peak includes the input's
    // building, which holds nothing but the input itself.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (now, _) = rss();
    if let Ok(mut s) = START.lock() {
        *s = Some((Instant::now(), now));
    }
}

/// One case, in this process: prints `seconds peak_above_start_kb input_kb checksum`.
fn child(index: usize, small: usize, wide: usize) -> Result<(), String> {
    let (_, _, is_wide, run) = CASES.get(index).ok_or("no such case")?;
    let json = page(*is_wide, if *is_wide { wide } else { small });
    start();
    let sum = run(black_box(&json)).map_err(|e| e.to_string())?;
    let (began, base) = START
        .lock()
        .map_err(|e| e.to_string())?
        .ok_or("not started")?;
    let secs = began.elapsed().as_secs_f64();
    let (_, peak) = rss();
    println!(
        "{secs} {} {} {sum}",
        peak.saturating_sub(base),
        json.len() / 1024
    );
    Ok(())
}

struct Sample {
    secs: f64,
    peak_kb: u64,
    input_kb: u64,
    sum: u64,
}

fn run_child(
    exe: &std::path::Path,
    index: usize,
    small: usize,
    wide: usize,
) -> Result<Sample, String> {
    let out = Command::new(exe)
        .args([
            "--case",
            &index.to_string(),
            "--small",
            &small.to_string(),
            "--wide",
            &wide.to_string(),
        ])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    let parse = |i: usize| {
        f.get(i)
            .and_then(|s| s.parse::<f64>().ok())
            .ok_or(format!("bad output: {text}"))
    };
    Ok(Sample {
        secs: parse(0)?,
        peak_kb: parse(1)? as u64,
        input_kb: parse(2)? as u64,
        sum: f
            .get(3)
            .and_then(|s| s.parse().ok())
            .ok_or(format!("bad output: {text}"))?,
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let num =
        |name: &str, default: usize| arg(name).and_then(|v| v.parse().ok()).unwrap_or(default);
    let (small, wide) = (num("--small", 200_000), num("--wide", 20_000));
    if let Some(case) = arg("--case") {
        let index = case.parse().unwrap_or(usize::MAX);
        if let Err(e) = child(index, small, wide) {
            eprintln!("case {case}: {e}");
            std::process::exit(1);
        }
        return;
    }
    let rounds = num("--rounds", 3).max(1);
    let only = arg("--only").cloned().unwrap_or_default();
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("cannot find this program to run the cases: {e}");
            std::process::exit(1);
        }
    };
    let chosen: Vec<usize> = (0..CASES.len())
        .filter(|&i| format!("{} {}", CASES[i].0, CASES[i].1).contains(only.as_str()))
        .collect();
    let mut samples: Vec<Vec<Sample>> = chosen.iter().map(|_| Vec::new()).collect();
    for round in 0..rounds {
        let mut order: Vec<usize> = (0..chosen.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for k in order {
            match run_child(&exe, chosen[k], small, wide) {
                Ok(s) => samples[k].push(s),
                Err(e) => {
                    eprintln!("{} {}: {e}", CASES[chosen[k]].0, CASES[chosen[k]].1);
                    std::process::exit(1);
                }
            }
        }
    }
    println!(
        "{small} small objects, {wide} wide; median of {rounds} rounds, each case in its own process"
    );
    println!(
        "{:<27} {:<27} {:>8} {:>9} {:>9} {:>10} {:>9} {:>9}",
        "case",
        "representation",
        "input MB",
        "time (s)",
        "peak MB",
        "vs Value",
        "vs struct",
        "peak/str"
    );
    let time: Vec<f64> = samples
        .iter()
        .map(|s| median(s.iter().map(|x| x.secs).collect()))
        .collect();
    let peak: Vec<f64> = samples
        .iter()
        .map(|s| median(s.iter().map(|x| x.peak_kb as f64).collect()))
        .collect();
    // The row of the same case in representation `repr`.
    let peer = |k: usize, repr: &str| {
        (0..chosen.len())
            .find(|&j| CASES[chosen[j]].0 == CASES[chosen[k]].0 && CASES[chosen[j]].1 == repr)
    };
    let mut failed = false;
    for k in 0..chosen.len() {
        let (case, repr, ..) = CASES[chosen[k]];
        let ratio = |of: &[f64], to: &str| {
            peer(k, to).map_or(String::from("-"), |j| format!("{:.2}x", of[k] / of[j]))
        };
        let input = samples[k].first().map_or(0, |s| s.input_kb) as f64 / 1024.0;
        println!(
            "{case:<27} {repr:<27} {input:>8.1} {:>9.3} {:>9.1} {:>10} {:>9} {:>9}",
            time[k],
            peak[k] / 1024.0,
            ratio(&time, "Value"),
            ratio(&time, "struct"),
            ratio(&peak, "struct"),
        );
        // Every round and every representation must have read (or written) the same.
        let sums = samples[k]
            .iter()
            .chain(peer(k, "struct").map_or(&[][..], |j| &samples[j][..]));
        let sums: Vec<u64> = sums.map(|s| s.sum).collect();
        if sums.windows(2).any(|w| w[0] != w[1]) {
            eprintln!(
                "{case}, {repr}: results differ from the struct's or between rounds: {sums:?}"
            );
            failed = true;
        }
    }
    if failed {
        std::process::exit(1);
    }
}
