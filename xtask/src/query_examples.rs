//! `xtask query-examples`: how many of the docs' example queries the typed query API
//! rebuilds, why the others are not, and whether Graph's advanced-query rules predict
//! the `ConsistencyLevel: eventual` header each example carries.

use graphdoc::odata::advanced::Feature;
use graphdoc::odata::examples::ExampleQuery;
use graphdoc::odata::query::OptionName;
use graphdoc::odata::resolve::{Problem, Reason};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The figures of one docs tree.
#[derive(Debug, Default, Serialize)]
pub struct Figures {
    /// Example request lines, each page line once.
    pub examples: usize,
    /// Those with at least one query option.
    pub with_options: usize,
    /// Option uses, by option (`$filter`, ...; `other` for the rest).
    pub option_uses: BTreeMap<String, usize>,
    /// Examples with options whose every option the typed API rebuilds.
    pub rebuilt: usize,
    /// Every rebuilt example and its call chain (in the JSON only).
    pub rebuilt_chains: Vec<Rebuilt>,
    /// Rebuilt examples whose path ends in a cast segment of its own: their chain casts
    /// the request to that type first (`.cast::<models::Group>()`).
    pub path_casts: Vec<String>,
    /// The others, by the first reason.
    pub not_rebuilt: BTreeMap<Reason, Vec<Miss>>,
    pub consistency: ConsistencyFigures,
}

/// An example the typed API rebuilds.
#[derive(Debug, Serialize)]
pub struct Rebuilt {
    pub place: String,
    pub target: String,
    /// The generated crate's function for the example's operation, which the chain
    /// follows: `operations::{function}(...)` then the chain.
    pub function: Option<String>,
    pub chain: String,
}

/// An example the typed API does not rebuild.
#[derive(Debug, Serialize)]
pub struct Miss {
    pub place: String,
    pub target: String,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Default, Serialize)]
pub struct ConsistencyFigures {
    /// Examples that send `ConsistencyLevel: eventual`.
    pub carried: usize,
    /// Examples the rules give the header.
    pub predicted: usize,
    /// Examples that carry it and are predicted to.
    pub both: usize,
    /// Carried, not predicted: with why.
    pub carried_only: Vec<Disagreement>,
    /// Predicted, not carried.
    pub predicted_only: Vec<Disagreement>,
    /// Predicted, with `$count=true` wanted and missing from the example.
    pub count_missing: Vec<Disagreement>,
}

#[derive(Debug, Serialize)]
pub struct Disagreement {
    pub place: String,
    pub target: String,
    pub why: String,
}

impl Figures {
    pub fn share_rebuilt(&self) -> f64 {
        if self.with_options == 0 {
            return 100.0;
        }
        100.0 * self.rebuilt as f64 / self.with_options as f64
    }
}

fn features_text(features: &[Feature]) -> String {
    if features.is_empty() {
        return "no advanced-query feature".to_string();
    }
    let names: Vec<&str> = features.iter().map(|f| f.rule().what).collect();
    names.join(", ")
}

pub fn measure(examples: &[ExampleQuery]) -> Figures {
    let mut f = Figures {
        examples: examples.len(),
        ..Figures::default()
    };
    for ex in examples {
        let place = format!("{}:{}", ex.file, ex.line);
        let target = format!("{} {}", ex.method, ex.target);
        if ex.has_options() {
            f.with_options += 1;
            for o in &ex.query.options {
                let name = match o.name {
                    OptionName::Other => "other".to_string(),
                    n => n.as_str().to_string(),
                };
                *f.option_uses.entry(name).or_default() += 1;
            }
            match &ex.rebuilt {
                Some(Ok(chain)) => {
                    f.rebuilt += 1;
                    f.rebuilt_chains.push(Rebuilt {
                        place: place.clone(),
                        target: target.clone(),
                        function: ex.function.clone(),
                        chain: chain.clone(),
                    });
                    if ex.path_cast {
                        f.path_casts.push(place.clone());
                    }
                }
                Some(Err(problems)) => {
                    let reason = problems
                        .first()
                        .map_or(Reason::UnsupportedShape, |p| p.reason);
                    f.not_rebuilt.entry(reason).or_default().push(Miss {
                        place: place.clone(),
                        target: target.clone(),
                        problems: problems.clone(),
                    });
                }
                None => {}
            }
        }
        let c = &ex.consistency;
        f.consistency.carried += usize::from(c.carried);
        f.consistency.predicted += usize::from(c.predicted);
        f.consistency.both += usize::from(c.carried && c.predicted);
        let disagreement = |why: String| Disagreement {
            place: place.clone(),
            target: target.clone(),
            why,
        };
        if c.carried && !c.predicted {
            let why = if ex.operation.is_none() {
                "the path matches no documented request line".to_string()
            } else if !c.documented {
                "the operation's page does not document the ConsistencyLevel header".to_string()
            } else {
                "the query uses no advanced-query feature".to_string()
            };
            f.consistency.carried_only.push(disagreement(why));
        }
        if c.predicted && !c.carried {
            f.consistency
                .predicted_only
                .push(disagreement(features_text(&c.features)));
        }
        if c.count_missing {
            f.consistency
                .count_missing
                .push(disagreement(features_text(&c.features)));
        }
    }
    f
}

/// The report for people.
pub fn render(f: &Figures, docs: &str) -> String {
    let mut out = String::new();
    let uses: usize = f.option_uses.values().sum();
    let by_option: Vec<String> = f
        .option_uses
        .iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    let _ = writeln!(out, "query examples in {docs}");
    let _ = writeln!(
        out,
        "example request lines: {}; with query options: {} ({uses} option uses: {})",
        f.examples,
        f.with_options,
        by_option.join(", ")
    );
    let _ = writeln!(
        out,
        "rebuilt through the typed API: {} of {} ({:.1} %)",
        f.rebuilt,
        f.with_options,
        f.share_rebuilt()
    );
    if !f.path_casts.is_empty() {
        let _ = writeln!(
            out,
            "  of which {} cast the request to a derived type first (`/memberOf/microsoft.graph.group`: `.cast::<models::Group>()`): {}",
            f.path_casts.len(),
            f.path_casts.join(", ")
        );
    }
    if !f.not_rebuilt.is_empty() {
        let _ = writeln!(out, "not rebuilt, by first reason:");
    }
    for (reason, misses) in &f.not_rebuilt {
        let _ = writeln!(
            out,
            "  {} ({}): {}",
            reason.id(),
            misses.len(),
            reason.summary()
        );
        for m in misses {
            let details: Vec<String> = m
                .problems
                .iter()
                .map(|p| {
                    if p.reason == *reason {
                        p.detail.clone()
                    } else {
                        format!("[{}] {}", p.reason.id(), p.detail)
                    }
                })
                .collect();
            let _ = writeln!(
                out,
                "    {}  {}\n      {}",
                m.place,
                m.target,
                details.join("; ")
            );
        }
    }
    let c = &f.consistency;
    let _ = writeln!(
        out,
        "ConsistencyLevel: eventual: carried by {} examples, predicted by the advanced-query rules for {}; {} carried and predicted",
        c.carried, c.predicted, c.both
    );
    for (title, list) in [
        ("carried, not predicted", &c.carried_only),
        ("predicted, not carried", &c.predicted_only),
        (
            "predicted, and the $count=true the rules want is missing",
            &c.count_missing,
        ),
    ] {
        let _ = writeln!(out, "  {title} ({}):", list.len());
        for d in list {
            let _ = writeln!(out, "    {}  {}\n      {}", d.place, d.target, d.why);
        }
    }
    out
}
