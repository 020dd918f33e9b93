//! Sign in as an app (client credentials with a secret) on the cloud of your choice,
//! and read one page of users.
//!
//! ```sh
//! GRAPH_TENANT=contoso.onmicrosoft.com GRAPH_CLIENT_ID=... GRAPH_CLIENT_SECRET=... \
//!     cargo run --example sign_in
//! ```
//!
//! `GRAPH_CLOUD` picks a national cloud: `global` (the default), `usgov`, `usgov-dod`
//! or `china`; the Graph host, the sign-in authority and the scope follow it.

use graph_client::auth::Cloud;
use graph_client::client::{Client, ClientCredentials};
use graph_client::runtime::{parse_json, Method, PathBuilder};
use graph_client::{Collection, Error, ODataQuery, Request};
use serde_json::Value;

fn env(name: &str) -> Result<String, Error> {
    std::env::var(name).map_err(|_| Error::InvalidRequest(format!("set {name}")))
}

async fn run() -> Result<(), Error> {
    let cloud = match std::env::var("GRAPH_CLOUD").as_deref() {
        Ok("usgov") => Cloud::UsGovernment,
        Ok("usgov-dod") => Cloud::UsGovernmentDod,
        Ok("china") => Cloud::China,
        _ => Cloud::Global,
    };
    let credentials = ClientCredentials::new(
        cloud,
        &env("GRAPH_TENANT")?,
        &env("GRAPH_CLIENT_ID")?,
        env("GRAPH_CLIENT_SECRET")?,
    )?;
    let client = Client::new(&cloud.graph_v1(), credentials)?;

    // Any request of `graph_client::operations` goes the same way; this one is built
    // by hand so that the example compiles whatever areas the crate has.
    let users: Request<Collection<Value>> =
        Request::new(Method::GET, PathBuilder::new("/users"), parse_json)
            .query(&ODataQuery::new().select(["id", "displayName"]).top(5));
    let page = client.send(users).await?;
    for user in &page.value {
        println!("{} {}", user["id"], user["displayName"]);
    }
    Ok(())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    let outcome = match runtime {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => Err(Error::Transport(Box::new(e))),
    };
    if let Err(e) = outcome {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
