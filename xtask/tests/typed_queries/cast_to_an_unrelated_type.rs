use graph_client::models::Group;
fn main() {
    let _ = graph_client::operations::get_users().cast::<Group>();
}
