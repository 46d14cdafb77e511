//! The substitution step: each generated object becomes the object Flux would apply (its own
//! pipeline, re-typing included), and the Kustomization that ships with them loses `postBuild`,
//! so that Flux does not substitute the finished objects a second time (spent escapes would be
//! read again: `$${A}` would become A's value, or a strict-mode failure).

use super::{Expansion, Texts, is_flux_kustomization, substituted_with_settings};
use crate::code::Code;
use crate::flux::pipeline::{Outcome, Substitution};
use crate::flux::substitute_from::Settings;
use crate::krm::KrmResult;
use crate::krm::object::Object;

/// Substitutes the settings into the expansion's objects (those Flux skips stay as they are);
/// a result for each object that could not be.
pub(super) fn substitute(e: &mut Expansion, texts: &Texts, settings: &Settings) -> Vec<KrmResult> {
    let mut s = Substitution::new(&settings.values);
    s.strategy = e.stack.flux.strategy();
    let mut results = Vec::new();
    for (i, o) in e
        .generated
        .iter_mut()
        .enumerate()
        .filter(|(_, o)| substituted_with_settings(o))
    {
        let object = &mut o.object;
        match texts.of(i, object).and_then(|t| t.substitute(object, &s)) {
            Ok(Outcome::Substituted { object: done, .. }) => *object = done,
            Ok(Outcome::Skipped(_)) => {}
            Err(why) => {
                let mut r = Code::SubstitutionFails.error(why.flux_message());
                r.resource_ref = Some(Object(object).resource_ref());
                results.push(r);
            }
        }
    }
    if results.is_empty() {
        for o in e
            .generated
            .iter_mut()
            .filter(|o| is_flux_kustomization(&o.object))
        {
            if let Some(spec) = o.object.get_mut("spec").and_then(|s| s.as_object_mut()) {
                spec.remove("postBuild");
            }
        }
    }
    results
}
