//! The substitution step: each generated object's text, substituted as Flux would.

use std::collections::BTreeMap;

use super::{Expansion, is_flux_kustomization};
use crate::code::Code;
use crate::flux::envsubst;
use crate::flux::substitute_from::substitution_disabled;
use crate::krm::KrmResult;
use crate::krm::object::Object;
use crate::krm::yaml::{self, VariableStyle};

/// Substitutes `values` into the expansion's objects (those that opt out, and the Flux
/// Kustomization, stay as they are); a result for each object that could not be.
pub(super) fn substitute(
    e: &mut Expansion,
    values: &BTreeMap<String, String>,
    style: &VariableStyle<'static>,
) -> Vec<KrmResult> {
    let mut results = Vec::new();
    for obj in e.generated.iter_mut() {
        if is_flux_kustomization(obj) || substitution_disabled(obj) {
            continue;
        }
        // Flux substitutes the YAML text, so the quoting vmstack writes decides types.
        let text = yaml::to_yaml_styled(obj, style);
        let substituted = envsubst::substitute(&text, values, true)
            .map_err(|e| e.to_string())
            .and_then(|t| yaml::parse_document(&t).map_err(|e| e.to_string()));
        match substituted {
            Ok(v) => *obj = v,
            Err(why) => {
                let mut r = Code::SubstitutionImpossible.error(why);
                r.resource_ref = Some(Object(obj).resource_ref());
                results.push(r);
            }
        }
    }
    results
}
