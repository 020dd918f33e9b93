use graph_client::models::{Entity, User};
fn main() {
    let _ = graph_client::operations::get_users().filter(User::DISPLAY_NAME.then(Entity::ID).eq("1"));
}
