//! The doc area (product) an item is documented in: the OpenAPI tag and the Cargo
//! feature of everything its pages define.

use crate::parse::Page;
use serde::Serialize;
use std::borrow::Borrow;
use std::fmt;

/// A doc area by name: lower case, `-` between words (`intune-deviceconfig`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Area(String);

impl Area {
    /// The name of the area of pages whose front matter names none.
    pub const GENERAL: &'static str = "general";

    /// The area of pages whose front matter names none.
    pub fn general() -> Self {
        Self(Self::GENERAL.to_string())
    }

    /// The doc area of a page: its `ms.prod` or, on pages that have none (most pages
    /// written since 2024), its `ms.subservice`; [`Self::general`] when neither names
    /// one. Intune (a third of the docs) is split by the second word of its file names
    /// (`intune-deviceconfig`).
    pub fn of_page(page: &Page) -> Self {
        let area = ["ms.prod", "ms.subservice"].iter().find_map(|key| {
            page.front_matter
                .get(*key)
                .and_then(|v| Self::from_front_matter(v))
        });
        let Some(area) = area else {
            return Self::general();
        };
        if area.0 == "intune" {
            let file = page.path.rsplit('/').next().unwrap_or("");
            if let Some(sub) = file
                .strip_prefix("intune-")
                .and_then(|r| r.split(['-', '.']).next())
                && !sub.is_empty()
            {
                return Self(format!("intune-{sub}"));
            }
        }
        area
    }

    /// A front matter value (`ms.prod`, `ms.subservice`) as an area, or `None` when it
    /// names none: empty values, placeholders (`<ms.prod>`) and values that spell a
    /// front matter key (`ms.prod`).
    pub fn from_front_matter(value: &str) -> Option<Self> {
        let value = value.trim().trim_matches(['\'', '"']).trim();
        if value.starts_with('<') || value.starts_with('{') || value.starts_with('[') {
            return None;
        }
        let name: String = value
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let name = name.trim_matches('-');
        // `ms.prod: ms.prod` and the like: a key left where its value belongs.
        if name.is_empty() || name.starts_with("ms-") || name == "ms" {
            return None;
        }
        Some(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// As the string, like [`super::QualifiedName`].
impl fmt::Debug for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl AsRef<str> for Area {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Area {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<&str> for Area {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::Area;
    use crate::parse::Page;

    fn page_with(path: &str, front_matter: &[(&str, &str)]) -> Page {
        Page {
            path: path.to_string(),
            front_matter: front_matter
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Page::default()
        }
    }

    #[test]
    fn areas_come_from_ms_prod_then_ms_subservice() {
        let area = |path: &str, fm: &[(&str, &str)]| Area::of_page(&page_with(path, fm));
        assert_eq!(area("api/user-get.md", &[("ms.prod", "users")]), "users");
        assert_eq!(
            area(
                "api/user-get.md",
                &[("ms.prod", "\"Users\""), ("ms.subservice", "entra-users")]
            ),
            "users"
        );
        assert_eq!(
            area("api/user-get.md", &[("ms.subservice", "entra-users")]),
            "entra-users"
        );
        assert_eq!(
            area(
                "api/user-get.md",
                &[("ms.prod", ""), ("ms.subservice", "entra-users")]
            ),
            "entra-users"
        );
        assert_eq!(
            area(
                "api/intune-deviceconfig-x-update.md",
                &[("ms.subservice", "intune")]
            ),
            "intune-deviceconfig"
        );
        // Placeholders and keys standing where a value belongs name no area.
        for value in ["<ms.prod>", "ms.prod", "ms.subservice", "{prod}", "  "] {
            assert_eq!(
                area("resources/folder.md", &[("ms.prod", value)]),
                "general"
            );
        }
        assert_eq!(area("resources/folder.md", &[]), "general");
    }
}
