//! Builds the model: each page's definitions extracted on their own ([`super::extract`]),
//! resolved across pages ([`super::resolve`]), then the examples checked against the
//! result ([`super::checks`]).

use super::extract::types::{RawEnum, RawType, Representation, collect_page};
use super::resolve::names::Resolver;
use super::resolve::types::{enrich_enums, merge_enums, resolve_types};
use super::{Model, checks, resolve};
use crate::diag::Diagnostic;
use crate::parse::Page;
use rayon::prelude::*;

/// Builds the model from parsed pages. Page order does not matter: pages are
/// processed sorted by path so that the result is the same for any input order.
pub fn build_model(pages: &[Page]) -> (Model, Vec<Diagnostic>) {
    let mut sorted: Vec<&Page> = pages.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut diags = Vec::new();

    // Each page's definitions on their own, in parallel; kept in page order.
    let collected: Vec<(Vec<RawType>, Vec<RawEnum>, Vec<Diagnostic>)> = sorted
        .par_iter()
        .map(|page| {
            let (mut types, mut enums, mut diags) = (Vec::new(), Vec::new(), Vec::new());
            collect_page(page, &mut types, &mut enums, &mut diags);
            (types, enums, diags)
        })
        .collect();
    let mut raw_types: Vec<RawType> = Vec::new();
    let mut raw_enums: Vec<RawEnum> = Vec::new();
    for (types, enums, page_diags) in collected {
        raw_types.extend(types);
        raw_enums.extend(enums);
        diags.extend(page_diags);
    }

    let resolver = Resolver::new(&sorted, &raw_types, &raw_enums);
    let mut model = Model::default();
    merge_enums(raw_enums, &mut model, &mut diags);
    let representations: Vec<Representation> = raw_types
        .iter_mut()
        .filter_map(|t| t.representation.take())
        .collect();
    resolve_types(raw_types, &resolver, &mut model, &mut diags);
    enrich_enums(&mut model, &representations, &mut diags);
    resolve::operations::collect_operations(&sorted, &resolver, &mut model, &mut diags);
    resolve::typing::type_operations(&mut model, &mut diags);
    checks::check_examples(&model, &mut diags);

    diags.sort();
    diags.dedup();
    (model, diags)
}
