//! Send several requests in one `$batch`: the signed-in user, then (only once that
//! succeeded) the user's manager, and the organization beside them.
//!
//! ```sh
//! GRAPH_TOKEN=eyJ0... cargo run --example batch
//! ```

use graph_client::batch::Batch;
use graph_client::client::{Client, StaticToken, GRAPH_V1};
use graph_client::runtime::{parse_json, JsonObject, Method, PathBuilder};
use graph_client::{Error, Request};

fn get(path: &str) -> Request<JsonObject> {
    Request::new(Method::GET, PathBuilder::new(path), parse_json)
}

async fn run() -> Result<(), Error> {
    let token = std::env::var("GRAPH_TOKEN").map_err(|_| Error::InvalidRequest("set GRAPH_TOKEN".to_string()))?;
    let client = Client::new(GRAPH_V1, StaticToken::new(token))?;

    let mut batch = Batch::new();
    let me = batch.add(get("/me"));
    let manager = batch.add_after(get("/me/manager"), [me.id()]);
    let organization = batch.add(get("/organization"));
    // Checked (ids, dependsOn, cycles) before anything is sent; split into bodies of
    // twenty; throttled items sent again after their Retry-After.
    let results = client.batch(batch).await?;

    let me = results.get(&me)?;
    println!("me: {:?}", me.get("displayName"));
    match results.get(&manager) {
        Ok(manager) => println!("manager: {:?}", manager.get("displayName")),
        Err(e) => println!("no manager: {e}"),
    }
    println!("organization: {:?}", results.get(&organization)?.get("value"));
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
