//! The Flux variables a generated object reads, field by field, found as Flux finds them: in the
//! text kustomize-controller substitutes (the object written again by go-yaml v2), so a `${`
//! left open in one field is seen swallowing the next.

use serde_json::Value;

use std::borrow::Cow;

use crate::flux::pipeline::{self, FluxText, PipelineError, Substitution};
use crate::krm::object::Object;
use crate::krm::{FileRef, ResourceRef};

/// One variable read by one field of one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    pub name: String,
    /// Flux's operator (`""`, `":="`, `"#"`, …).
    pub op: String,
    /// Strict mode lets the variable be unset here (a default operator).
    pub has_default: bool,
    pub object: ResourceRef,
    pub file: Option<FileRef>,
    /// Dotted path of the field, list items as `[i]`.
    pub field: String,
}

/// Every variable Flux would read from the object (none when it opts out), or why Flux cannot
/// read its text.
pub fn reads(object: &Value, s: &Substitution) -> Result<Vec<Read>, PipelineError> {
    reads_in(object, s, || FluxText::new(object).map(Cow::Owned))
}

/// [`reads`], from the object's text written once elsewhere (`text` is only asked for when
/// Flux reads the object).
pub(super) fn reads_in<'w>(
    object: &Value,
    s: &Substitution,
    text: impl FnOnce() -> Result<Cow<'w, FluxText>, PipelineError>,
) -> Result<Vec<Read>, PipelineError> {
    if pipeline::disabled(object) {
        return Ok(Vec::new());
    }
    let o = Object(object);
    Ok(text()?
        .variables_read(object, s)?
        .into_iter()
        .map(|r| Read {
            name: r.name,
            op: r.op,
            has_default: r.tolerates_unset,
            object: o.resource_ref(),
            file: o.file_ref(),
            field: r.field.map(|f| f.path).unwrap_or_default(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::flux::pipeline::DISABLE_KEY;
    use serde_json::json;

    fn found(object: &Value) -> Vec<(String, bool, String)> {
        let vars = BTreeMap::new();
        reads(object, &Substitution::new(&vars))
            .unwrap()
            .into_iter()
            .map(|r| (r.name, r.has_default, r.field))
            .collect()
    }

    #[test]
    fn reads_skip_opted_out_objects_and_escapes() {
        let a = json!({"kind": "A", "metadata": {"name": "a"}, "spec": {"x": ["${ONE}", "$${NOT}"], "y": "${TWO:=2}"}});
        assert_eq!(
            found(&a),
            [
                ("ONE".into(), false, "spec.x[0]".into()),
                ("TWO".into(), true, "spec.y".into())
            ]
        );
        let b = json!({"kind": "B", "metadata": {"name": "b", "labels": {DISABLE_KEY: "disabled"}}, "spec": "${THREE}"});
        assert_eq!(found(&b), []);
    }

    #[test]
    fn a_brace_left_open_is_read_across_fields_as_flux_reads_it() {
        let object =
            json!({"kind": "A", "metadata": {"name": "a"}, "spec": {"a": "${A:-x", "b": "y}"}});
        let vars = BTreeMap::new();
        assert!(reads(&object, &Substitution::new(&vars)).is_ok());
        assert_eq!(found(&object)[0].0, "A");
    }
}
