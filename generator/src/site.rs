//! The published docs: which API version a docs tree documents, and the address of each
//! page on the docs site, which the OpenAPI document and the crate's rustdoc link to.

/// The Graph API version a docs tree documents. It names the service root and the docs
/// site's view of a page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ApiVersion {
    #[default]
    V1,
    Beta,
}

/// Where the reference pages are published.
const SITE: &str = "https://learn.microsoft.com/graph/api";

impl ApiVersion {
    /// The version a docs folder's name says (`v1.0`, `beta`), as the docs repository
    /// names its folders.
    pub fn from_folder_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "v1.0" => Some(ApiVersion::V1),
            "beta" => Some(ApiVersion::Beta),
            _ => None,
        }
    }

    /// `v1.0` or `beta`: the service root's last segment.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }

    /// The service root, e.g. `https://graph.microsoft.com/v1.0`.
    pub fn service_root(self) -> String {
        format!("https://graph.microsoft.com/{}", self.as_str())
    }

    /// The docs site's `view` of this version.
    fn view(self) -> &'static str {
        match self {
            ApiVersion::V1 => "graph-rest-1.0",
            ApiVersion::Beta => "graph-rest-beta",
        }
    }

    /// The published address of a page of the docs tree (`api/x.md`, `resources/x.md`),
    /// or `None` for a file the site does not publish at a known address.
    pub fn page_url(self, file: &str) -> Option<String> {
        let mut parts = file.rsplit('/');
        let name = parts.next()?.strip_suffix(".md")?;
        let folder = parts.next()?;
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return None;
        }
        let view = self.view();
        match folder {
            "api" => Some(format!("{SITE}/{name}?view={view}")),
            "resources" => Some(format!("{SITE}/resources/{name}?view={view}")),
            _ => None,
        }
    }
}

impl std::str::FromStr for ApiVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_folder_name(s)
            .ok_or_else(|| format!("`{s}` is not an API version: use `v1.0` or `beta`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_pages_and_resources_link_to_their_published_view() {
        assert_eq!(
            ApiVersion::V1
                .page_url("api/intune-deviceconfig-deviceconfigurationdeviceoverview-update.md")
                .as_deref(),
            Some(
                "https://learn.microsoft.com/graph/api/intune-deviceconfig-deviceconfigurationdeviceoverview-update?view=graph-rest-1.0"
            )
        );
        assert_eq!(
            ApiVersion::V1.page_url("resources/user.md").as_deref(),
            Some("https://learn.microsoft.com/graph/api/resources/user?view=graph-rest-1.0")
        );
        assert_eq!(
            ApiVersion::Beta.page_url("resources/user.md").as_deref(),
            Some("https://learn.microsoft.com/graph/api/resources/user?view=graph-rest-beta")
        );
        assert_eq!(
            ApiVersion::Beta.page_url("api/user-get.md").as_deref(),
            Some("https://learn.microsoft.com/graph/api/user-get?view=graph-rest-beta")
        );
    }

    #[test]
    fn other_files_have_no_address() {
        for file in [
            "includes/permissions/x.md",
            "api/x.txt",
            "x.md",
            "api/a b.md",
            "api/.md",
        ] {
            assert_eq!(ApiVersion::V1.page_url(file), None, "{file}");
        }
    }

    #[test]
    fn folder_names_say_the_version() {
        assert_eq!(ApiVersion::from_folder_name("v1.0"), Some(ApiVersion::V1));
        assert_eq!(ApiVersion::from_folder_name("beta"), Some(ApiVersion::Beta));
        assert_eq!(ApiVersion::from_folder_name("docs"), None);
        assert_eq!("beta".parse::<ApiVersion>(), Ok(ApiVersion::Beta));
        assert!("v2".parse::<ApiVersion>().is_err());
    }
}
