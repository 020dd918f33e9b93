use graph_client::models::User;
fn main() {
    let _ = graph_client::operations::get_users().filter(User::DISPLAY_NAME.eq(5));
}
