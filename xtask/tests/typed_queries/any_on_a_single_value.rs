use graph_client::models::{AssignedLicense, User};
fn main() {
    let _ = graph_client::operations::get_users()
        .filter(User::DISPLAY_NAME.any(AssignedLicense::SKU_ID.is_null()));
}
