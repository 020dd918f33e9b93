use graph_client::models::AppListItem;
use graph_client::runtime::odata::Dynamic;
fn main() {
    let _ = Dynamic::<AppListItem>::new("colour");
}
