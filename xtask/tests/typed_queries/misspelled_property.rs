use graph_client::models::User;
fn main() {
    let _ = graph_client::operations::get_users().select(User::DISPLAY_NAM);
}
