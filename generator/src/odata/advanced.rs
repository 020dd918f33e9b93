//! Graph's advanced queries: the parts of a query that the directory serves only with
//! the header `ConsistencyLevel: eventual`, and with `$count=true` for most of them.
//!
//! The rules are those of Graph's concept page "Advanced query capabilities on Azure AD
//! directory objects", <https://learn.microsoft.com/graph/aad-advanced-queries>. They
//! apply only to operations whose page documents the `ConsistencyLevel` request header.

use super::filter::{CompareOp, Expr, Literal, Segment};
use super::query::{ExpandItem, OptionName, OptionValue, Query};
use serde::Serialize;

/// A part of a query that makes it an advanced query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Feature {
    Search,
    CountOption,
    CountSegment,
    CountInFilter,
    NotEquals,
    Not,
    EndsWith,
    NullComparison,
    FilterWithOrderBy,
    Levels,
}

/// One row of the rules.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub feature: Feature,
    /// As the concept page names it.
    pub what: &'static str,
    /// The query must also say `$count=true`.
    pub needs_count: bool,
}

/// The rules, one row per part of a query, after
/// <https://learn.microsoft.com/graph/aad-advanced-queries>: every one needs
/// `ConsistencyLevel: eventual`; all but `$search` and the `$count` forms themselves
/// need `$count=true` as well.
pub const RULES: [Rule; 10] = [
    Rule {
        feature: Feature::Search,
        what: "$search",
        needs_count: false,
    },
    Rule {
        feature: Feature::CountOption,
        what: "$count=true",
        needs_count: false,
    },
    Rule {
        feature: Feature::CountSegment,
        what: "the /$count segment",
        needs_count: false,
    },
    Rule {
        feature: Feature::CountInFilter,
        what: "$count in $filter (assignedLicenses/$count eq 0)",
        needs_count: true,
    },
    Rule {
        feature: Feature::NotEquals,
        what: "ne in $filter",
        needs_count: true,
    },
    Rule {
        feature: Feature::Not,
        what: "not in $filter",
        needs_count: true,
    },
    Rule {
        feature: Feature::EndsWith,
        what: "endsWith in $filter",
        needs_count: true,
    },
    Rule {
        feature: Feature::NullComparison,
        what: "eq null or ne null in $filter",
        needs_count: true,
    },
    Rule {
        feature: Feature::FilterWithOrderBy,
        what: "$filter together with $orderby",
        needs_count: true,
    },
    // Not on the concept page: the pages that document `$levels` (List manager) ask
    // for the header and `$count=true` with it.
    Rule {
        feature: Feature::Levels,
        what: "$levels in $expand (manager($levels=max))",
        needs_count: true,
    },
];

impl Feature {
    pub fn rule(self) -> &'static Rule {
        // Every feature has its row; the first row stands in should one be missing.
        RULES
            .iter()
            .find(|r| r.feature == self)
            .unwrap_or(&RULES[0])
    }
}

/// The advanced-query features `query` uses, in the order of [`RULES`].
pub fn features(query: &Query) -> Vec<Feature> {
    let mut used = Vec::new();
    let option = |name: OptionName| query.options.iter().find(|o| o.name == name);
    if option(OptionName::Search).is_some() {
        used.push(Feature::Search);
    }
    if option(OptionName::Count).is_some_and(|o| o.parsed == Ok(OptionValue::Count(true))) {
        used.push(Feature::CountOption);
    }
    if query.count_segment {
        used.push(Feature::CountSegment);
    }
    let filter = option(OptionName::Filter);
    if let Some(Ok(OptionValue::Filter(expr))) = filter.map(|o| &o.parsed) {
        let mut seen = Vec::new();
        expr.visit(&mut |e| match e {
            Expr::Path(p) | Expr::Lambda { path: p, .. }
                if p.segments.contains(&Segment::Count) =>
            {
                seen.push(Feature::CountInFilter)
            }
            Expr::Compare { op, left, right } => {
                if *op == CompareOp::Ne {
                    seen.push(Feature::NotEquals);
                }
                let null = |e: &Expr| matches!(e, Expr::Literal(Literal::Null));
                if null(left) || null(right) {
                    seen.push(Feature::NullComparison);
                }
            }
            Expr::Not(_) => seen.push(Feature::Not),
            Expr::Call { name, .. } if name.eq_ignore_ascii_case("endswith") => {
                seen.push(Feature::EndsWith)
            }
            _ => {}
        });
        used.extend(seen);
    }
    if filter.is_some() && option(OptionName::OrderBy).is_some() {
        used.push(Feature::FilterWithOrderBy);
    }
    if let Some(Ok(OptionValue::Expand(items))) = option(OptionName::Expand).map(|o| &o.parsed)
        && items.iter().any(expands_levels)
    {
        used.push(Feature::Levels);
    }
    let mut ordered: Vec<Feature> = RULES
        .iter()
        .map(|r| r.feature)
        .filter(|f| used.contains(f))
        .collect();
    ordered.dedup();
    ordered
}

/// `$levels` in the item's options, or in those of an item nested in it.
fn expands_levels(item: &ExpandItem) -> bool {
    item.options.iter().any(|o| match &o.parsed {
        Ok(OptionValue::Levels(_)) => true,
        Ok(OptionValue::Expand(items)) => items.iter().any(expands_levels),
        _ => false,
    })
}

/// Whether the features need `$count=true` too.
pub fn needs_count(features: &[Feature]) -> bool {
    features.iter().any(|f| f.rule().needs_count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odata::query::parse_target;

    fn used(target: &str) -> Vec<Feature> {
        features(&parse_target(target))
    }

    #[test]
    fn every_rule_is_read_from_the_query() {
        assert_eq!(used("/users?$search=\"displayName:wa\""), [Feature::Search]);
        assert_eq!(used("/users/$count"), [Feature::CountSegment]);
        assert_eq!(used("/users?$count=true"), [Feature::CountOption]);
        assert!(used("/users?$count=false").is_empty());
        assert_eq!(
            used("/users?$filter=assignedLicenses/$count eq 0&$count=true"),
            [Feature::CountOption, Feature::CountInFilter]
        );
        assert_eq!(
            used("/users?$filter=NOT(endsWith(mail,'x')) and mail ne null"),
            [
                Feature::NotEquals,
                Feature::Not,
                Feature::EndsWith,
                Feature::NullComparison
            ]
        );
        assert_eq!(
            used("/users?$filter=startswith(displayName,'a')&$orderBy=displayName"),
            [Feature::FilterWithOrderBy]
        );
        assert!(used("/users?$filter=startswith(displayName,'a')&$select=id").is_empty());
        assert_eq!(
            used("/me?$expand=manager($levels=max;$select=id)"),
            [Feature::Levels]
        );
        assert_eq!(
            used("/users?$expand=directReports($expand=manager(levels=2))"),
            [Feature::Levels]
        );
        assert!(used("/me?$expand=manager($select=id)").is_empty());
        assert!(needs_count(&[Feature::Search, Feature::NotEquals]));
        assert!(!needs_count(&[Feature::Search, Feature::CountSegment]));
        for rule in RULES {
            assert_eq!(rule.feature.rule().what, rule.what);
        }
    }
}
