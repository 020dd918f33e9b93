use graph_client::models::AppListItem;
fn main() {
    let _ = graph_client::operations::get_users().select(AppListItem::NAME);
}
