pub use graph_rs_sdk;
