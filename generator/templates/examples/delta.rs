//! Keep a local copy of the users in sync with delta query: a full sync the first
//! time, then only the changes since the saved delta link.
//!
//! ```sh
//! GRAPH_TOKEN=eyJ0... cargo run --example delta -- users.delta
//! ```
//!
//! The argument is the file that keeps the delta link between runs.

use futures_util::TryStreamExt;
use graph_client::client::{Client, DeltaEvent, StaticToken, GRAPH_V1};
use graph_client::delta::Change;
use graph_client::runtime::{parse_json, JsonObject, Method, PathBuilder};
use graph_client::{Collection, Error, ODataQuery, Request};

async fn run() -> Result<(), Error> {
    let token = std::env::var("GRAPH_TOKEN").map_err(|_| Error::InvalidRequest("set GRAPH_TOKEN".to_string()))?;
    let saved = std::env::args().nth(1).unwrap_or_else(|| "users.delta".to_string());
    let client = Client::new(GRAPH_V1, StaticToken::new(token))?;

    let request: Request<Collection<JsonObject>> =
        Request::new(Method::GET, PathBuilder::new("/users/delta"), parse_json)
            .query(&ODataQuery::new().select(["displayName", "mail"]));
    let mut changes = match std::fs::read_to_string(&saved) {
        // Resume: only what changed since the last run, or everything again if the
        // service no longer knows the link.
        Ok(link) => client.resume_delta(request, link.trim()),
        // First run: every user, and a delta link at the end.
        Err(_) => client.delta(request),
    };
    while let Some(event) = changes.try_next().await? {
        match event {
            DeltaEvent::Change(Change::Updated(user)) => println!("updated {:?}", user.get("id")),
            DeltaEvent::Change(Change::Removed(removed)) => {
                println!("removed {:?} ({:?})", removed.id, removed.reason)
            }
            // The link expired: the users that follow are all of them.
            DeltaEvent::Resync => println!("starting over: every user follows"),
            DeltaEvent::Done(link) => {
                std::fs::write(&saved, link.as_str())
                    .map_err(|e| Error::InvalidRequest(format!("writing {saved}: {e}")))?;
                println!("saved the delta link in {saved}");
            }
        }
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
