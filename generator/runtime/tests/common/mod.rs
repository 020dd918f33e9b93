//! What a generated crate gives for the few requests and views these tests use, built
//! from the runtime alone: the functions are the ones `operations` has for these request
//! lines, and the getters and setters the ones `models` has (as traits here: only the
//! crate that defines `Object` may add methods to it).

#![allow(dead_code)]

#[cfg(feature = "client")]
pub mod capture;

use graph_runtime::{
    as_i32, as_str, get_with, parse_json, put, Collection, Method, Object, PathBuilder, Request,
    View,
};

/// The marker types of the views below.
pub mod tags {
    /// `microsoft.graph.deviceConfiguration`.
    pub enum DeviceConfiguration {}
    /// `microsoft.graph.deviceConfigurationDeviceOverview`.
    pub enum DeviceConfigurationDeviceOverview {}
}

/// A device configuration.
pub type DeviceConfiguration = Object<tags::DeviceConfiguration>;
graph_runtime::view!(DeviceConfiguration, "#microsoft.graph.deviceConfiguration");

/// The status overview of a device configuration.
pub type DeviceConfigurationDeviceOverview = Object<tags::DeviceConfigurationDeviceOverview>;
graph_runtime::view!(
    DeviceConfigurationDeviceOverview,
    "#microsoft.graph.deviceConfigurationDeviceOverview"
);

/// The getter of `displayName`.
pub trait DisplayName {
    /// `displayName`.
    fn display_name(&self) -> Option<&str>;
}

impl DisplayName for DeviceConfiguration {
    fn display_name(&self) -> Option<&str> {
        get_with(self.as_map(), "displayName", as_str)
    }
}

/// The getters and setters of the overview's counts.
pub trait Counts {
    /// `pendingCount`.
    fn pending_count(&self) -> Option<i32>;
    /// `failedCount`.
    fn failed_count(&self) -> Option<i32>;
    /// Sets `pendingCount`.
    fn set_pending_count(&mut self, value: i32) -> &mut Self;
    /// Sets `failedCount`.
    fn set_failed_count(&mut self, value: i32) -> &mut Self;
}

impl Counts for DeviceConfigurationDeviceOverview {
    fn pending_count(&self) -> Option<i32> {
        get_with(self.as_map(), "pendingCount", as_i32)
    }
    fn failed_count(&self) -> Option<i32> {
        get_with(self.as_map(), "failedCount", as_i32)
    }
    fn set_pending_count(&mut self, value: i32) -> &mut Self {
        put(self.as_map_mut(), "pendingCount", value.into());
        self
    }
    fn set_failed_count(&mut self, value: i32) -> &mut Self {
        put(self.as_map_mut(), "failedCount", value.into());
        self
    }
}

/// `GET /deviceManagement/deviceConfigurations`
pub fn get_device_management_device_configurations() -> Request<Collection<DeviceConfiguration>> {
    let path = PathBuilder::new("/deviceManagement/deviceConfigurations");
    Request::new(Method::GET, path, parse_json)
}

/// `GET /deviceManagement/deviceConfigurations/{deviceConfigurationId}`
pub fn get_device_management_device_configurations_item(
    device_configuration_id: &str,
) -> Request<DeviceConfiguration> {
    let path = PathBuilder::new("/deviceManagement/deviceConfigurations/")
        .segment(device_configuration_id);
    Request::new(Method::GET, path, parse_json)
}

/// `PATCH /deviceManagement/deviceConfigurations/{deviceConfigurationId}/deviceStatusOverview`
pub fn patch_device_management_device_configurations_device_status_overview(
    device_configuration_id: &str,
    body: &DeviceConfigurationDeviceOverview,
) -> Request<DeviceConfigurationDeviceOverview> {
    let path = PathBuilder::new("/deviceManagement/deviceConfigurations/")
        .segment(device_configuration_id)
        .literal("/deviceStatusOverview");
    Request::new(Method::PATCH, path, parse_json).json(body)
}
