use graph_client::models::{Entity, User};
fn main() {
    let _ = graph_client::operations::get_users().filter(User::MEMBER_OF.then(Entity::ID).eq("1"));
}
