//! Upload a large file to OneDrive through an upload session, with progress, in
//! slices of 10 MiB.
//!
//! ```sh
//! GRAPH_TOKEN=eyJ0... cargo run --example upload -- ./video.mp4 Videos/video.mp4
//! ```

use graph_client::client::{Client, StaticToken, Uploaded, GRAPH_V1};
use graph_client::runtime::{JsonObject, Method, PathBuilder};
use graph_client::upload::{FileSource, UploadSession, UploadSource};
use graph_client::{Error, Request};
use std::ops::ControlFlow;

async fn run() -> Result<(), Error> {
    let token = std::env::var("GRAPH_TOKEN").map_err(|_| Error::InvalidRequest("set GRAPH_TOKEN".to_string()))?;
    let mut args = std::env::args().skip(1);
    let (Some(local), Some(remote)) = (args.next(), args.next()) else {
        return Err(Error::InvalidRequest("usage: upload <local file> <path in OneDrive>".to_string()));
    };
    let file = FileSource::open(&local).map_err(|e| Error::InvalidRequest(format!("{local}: {e}")))?;
    let client = Client::new(GRAPH_V1, StaticToken::new(token))?;

    // POST /me/drive/root:/{path}:/createUploadSession
    let mut body = JsonObject::new();
    body.insert(
        "item".to_string(),
        serde_json::json!({"@microsoft.graph.conflictBehavior": "rename"}),
    );
    let create: Request<UploadSession> = Request::new(
        Method::POST,
        PathBuilder::new("/me/drive/root:/").path(&remote).literal(":/createUploadSession"),
        UploadSession::parse,
    )
    .json(&body);
    let session = client.send(create).await?;

    let total = file.len();
    let uploaded = client
        .upload::<JsonObject, _>(&session, &file, None, |progress| {
            println!("{} / {total} bytes", progress.uploaded);
            ControlFlow::Continue(())
        })
        .await?;
    match uploaded {
        Uploaded::Done(item) => println!("uploaded as {:?}", item.get("webUrl")),
        Uploaded::Cancelled => println!("cancelled"),
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
