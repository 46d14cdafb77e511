//! The syntax step: Flux parses the whole text of every object it substitutes, so one malformed
//! `${…}` in any field (the intent's `values` included) fails the Kustomization on the cluster,
//! whatever the settings hold. Checked with or without settings in the input.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Expansion, Texts, read_by_flux, string_fields};
use crate::code::Code;
use crate::flux::envsubst::{Limits, SubstError, Template};
use crate::flux::pipeline::{self, PipelineError, Substitution};
use crate::krm::object::Object;
use crate::krm::{FieldRef, KrmResult};

/// Reports each object Flux could not read (objects that opt out are not read); false when
/// there is one.
pub(super) fn check(e: &Expansion, texts: &Texts, results: &mut Vec<KrmResult>) -> bool {
    let vars = BTreeMap::new();
    let s = Substitution::new(&vars);
    let mut ok = true;
    let read = e
        .generated
        .iter()
        .enumerate()
        .filter(|(_, o)| read_by_flux(o));
    for (i, o) in read {
        let object = &o.object;
        let read = texts
            .of(i, object)
            .and_then(|t| t.variables_read(object, &s));
        let (code, why, field) = match read {
            Ok(_) => continue,
            Err(PipelineError::Substitution(SubstError::Syntax(_, why, at))) => (
                Code::InvalidVariable,
                format!("Flux cannot parse this: {why}"),
                pipeline::field_at(object, at).map(|span| span.path),
            ),
            Err(PipelineError::Substitution(e @ SubstError::TooDeep(_))) => (
                Code::InvalidVariable,
                format!("Flux cannot parse this: {e}"),
                first_unparsable(object),
            ),
            // kustomize cannot even write the object (a character go-yaml refuses).
            Err(e) => (
                Code::SubstitutionFails,
                format!("Flux fails this object: {}", e.flux_message()),
                None,
            ),
        };
        ok = false;
        let mut r = code.error(
            match field.as_deref().and_then(|f| from_values(e, object, f)) {
                Some(origin) => format!("{why} (from the intent's {origin})"),
                None => why,
            },
        );
        r.resource_ref = Some(Object(object).resource_ref());
        r.file = Object(object).file_ref();
        r.field = field.map(|path| FieldRef {
            path,
            current_value: None,
            proposed_value: None,
        });
        results.push(r);
    }
    ok
}

/// The first string field whose own text Flux cannot parse.
fn first_unparsable(v: &Value) -> Option<String> {
    string_fields(v)
        .into_iter()
        .find(|(_, s)| Template::parse(s, &Limits::default()).is_err())
        .map(|(path, _)| path)
}

/// The intent field a HelmRelease value came from, when the intent's `values` set it.
fn from_values(e: &Expansion, object: &Value, field: &str) -> Option<String> {
    let inner = field.strip_prefix("spec.values.")?;
    if !Object(object).is("helm.toolkit.fluxcd.io/v2", "HelmRelease") {
        return None;
    }
    let mut v = e.intent.pointer("/spec/values")?;
    for part in inner.split('.') {
        let (key, indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        v = v.get(key)?;
        for index in indexes.split(['[', ']']).filter(|s| !s.is_empty()) {
            v = v.get(index.parse::<usize>().ok()?)?;
        }
    }
    v.is_string().then(|| format!("spec.values.{inner}"))
}
