// The README's quickstart, word for word (xtask/tests/readme.rs compares them).
use futures_util::TryStreamExt;
use graph_client::client::{Client, RetryPolicy, StaticToken, GRAPH_V1};
use graph_client::models::{DeviceConfiguration, DeviceConfigurationDeviceOverview, Entity};
use graph_client::operations::{
    get_device_management_device_configurations,
    patch_device_management_device_configurations_device_status_overview,
};
use graph_client::Error;

async fn run() -> Result<(), Error> {
    // GRAPH_BASE_URL=http://127.0.0.1:8080/v1.0 sends to a local server instead.
    let base_url = std::env::var("GRAPH_BASE_URL").unwrap_or_else(|_| GRAPH_V1.to_string());
    let token = std::env::var("GRAPH_TOKEN")
        .map_err(|_| Error::InvalidRequest("set GRAPH_TOKEN".to_string()))?;
    let client = Client::new(&base_url, StaticToken::new(token))?.with_retry(RetryPolicy {
        max_attempts: 3,
        ..RetryPolicy::default()
    });

    // PATCH /deviceManagement/deviceConfigurations/{id}/deviceStatusOverview
    let mut overview = DeviceConfigurationDeviceOverview::new(); // sets @odata.type
    overview.set_pending_count(12).set_failed_count(11);
    let request =
        patch_device_management_device_configurations_device_status_overview("X", &overview);
    // Sans-IO: the request is data; its body is the JSON bytes that will be sent.
    println!("{}", String::from_utf8_lossy(request.body().unwrap_or_default()));
    let updated = client.send(request).await?;
    println!("pending: {:?}", updated.pending_count());

    // GET /deviceManagement/deviceConfigurations?$filter=startsWith(displayName,'Win')
    // &$select=id,displayName&$top=20, one item at a time across the pages
    // (`@odata.nextLink`); `client.pages(...)` gives whole pages instead. The options are
    // typed: a misspelled property, or one of another type, does not compile.
    let list = get_device_management_device_configurations()
        .filter(DeviceConfiguration::DISPLAY_NAME.starts_with("Win"))
        .select((Entity::ID, DeviceConfiguration::DISPLAY_NAME))
        .top(20);
    let mut configurations = client.items(list);
    while let Some(configuration) = configurations.try_next().await? {
        println!("{:?}", configuration.display_name());
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
