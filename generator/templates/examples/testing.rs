//! Testing Graph code offline: an application's function, `retire`, tested against the
//! fake Graph that the `testing` feature builds from the docs: seeded state, an
//! override, a permission check and assertions on what was sent.
//!
//! ```sh
//! cargo test --example testing --features testing
//! cargo run --example testing --features testing
//! ```
//!
//! The requests are built by hand so that the example compiles whatever areas the crate
//! has; the tests use the device configurations of Intune's docs.

use futures_util::TryStreamExt;
use graph_client::client::{Client, StaticToken};
use graph_client::runtime::{parse_json, Method, PathBuilder};
use graph_client::{testing, Collection, Error, Request};
use serde_json::{json, Value};

const CONFIGURATIONS: &str = "/deviceManagement/deviceConfigurations";

/// The application's code under test: renames every device configuration whose name
/// starts with `prefix` to `Retired: {name}`, and says how many it renamed.
async fn retire(client: &Client, prefix: &str) -> Result<usize, Error> {
    let matching = list(prefix);
    let configurations: Vec<Value> = client.items(matching).try_collect().await?;
    for configuration in &configurations {
        let id = configuration["id"].as_str().unwrap_or_default();
        let name = configuration["displayName"].as_str().unwrap_or_default();
        // A configuration's type is abstract: a PATCH says which kind it updates.
        let rename: Request<Value> = Request::new(
            Method::PATCH,
            PathBuilder::new(CONFIGURATIONS).literal("/").segment(id),
            parse_json,
        )
        .json(&json!({
            "@odata.type": configuration["@odata.type"],
            "displayName": format!("Retired: {name}"),
        }));
        client.send(rename).await?;
    }
    Ok(configurations.len())
}

fn list(prefix: &str) -> Request<Collection<Value>> {
    let filter = format!("startswith(displayName,'{}')", prefix.replace('\'', "''"));
    Request::new(Method::GET, PathBuilder::new(CONFIGURATIONS), parse_json)
        .query_pair("$filter", &filter)
}

/// A fake Graph and a client of it.
async fn fake() -> Result<(testing::FakeGraph, Client), Error> {
    let fake = testing::fake().await;
    let client = Client::new(&fake.base_url(), StaticToken::new("test-token"))?;
    Ok((fake, client))
}

/// Three configurations, two of them named `Old ...`.
fn seed(fake: &testing::FakeGraph) {
    for (id, name) in [("c1", "Old kiosk"), ("c2", "Finance"), ("c3", "Old lab")] {
        fake.insert(
            CONFIGURATIONS,
            &json!({
                "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
                "id": id,
                "displayName": name,
            }),
        );
    }
}

async fn renames_what_matches_and_sends_only_the_name() -> Result<(), Error> {
    let (fake, client) = fake().await?;
    seed(&fake);
    assert_eq!(retire(&client, "Old").await?, 2);
    let names: Vec<Value> = fake
        .items(CONFIGURATIONS)
        .iter()
        .map(|c| c["displayName"].clone())
        .collect();
    assert_eq!(names, ["Retired: Old kiosk", "Finance", "Retired: Old lab"]);
    // What went over the wire: each PATCH carried the type and the name, nothing else.
    let patches: Vec<Value> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .filter_map(|r| r.body)
        .collect();
    assert_eq!(
        patches[0],
        json!({
            "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
            "displayName": "Retired: Old kiosk",
        })
    );
    assert_eq!(patches.len(), 2);
    Ok(())
}

async fn an_override_answers_before_the_state() -> Result<(), Error> {
    let (fake, client) = fake().await?;
    seed(&fake);
    // The same request the code builds: a typo in the path would not match anything.
    fake.on(&list("Old")).respond(&Collection {
        value: vec![json!({
            "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
            "id": "c2",
            "displayName": "Finance",
        })],
        ..Collection::default()
    });
    assert_eq!(retire(&client, "Old").await?, 1);
    assert_eq!(fake.items(CONFIGURATIONS)[1]["displayName"], "Retired: Finance");
    Ok(())
}

async fn a_read_only_token_cannot_rename() -> Result<(), Error> {
    let (fake, client) = fake().await?;
    seed(&fake);
    fake.with_scopes(["DeviceManagementConfiguration.Read.All"]);
    match retire(&client, "Old").await {
        Err(Error::Service(e)) => assert_eq!(e.status, 403),
        other => panic!("expected 403, got {other:?}"),
    }
    Ok(())
}

async fn run_all() -> Result<(), Error> {
    renames_what_matches_and_sends_only_the_name().await?;
    an_override_answers_before_the_state().await?;
    a_read_only_token_cannot_rename().await?;
    Ok(())
}

fn block_on<F: std::future::Future<Output = Result<(), Error>>>(test: F) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Transport(Box::new(e)))?;
    runtime.block_on(test)
}

fn main() {
    if let Err(e) = block_on(run_all()) {
        eprintln!("{e}");
        std::process::exit(1);
    }
    println!("retire: 3 checks against the fake Graph passed");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_what_matches() -> Result<(), Error> {
        block_on(renames_what_matches_and_sends_only_the_name())
    }

    #[test]
    fn overrides_come_first() -> Result<(), Error> {
        block_on(an_override_answers_before_the_state())
    }

    #[test]
    fn permissions_are_checked() -> Result<(), Error> {
        block_on(a_read_only_token_cannot_rename())
    }
}
