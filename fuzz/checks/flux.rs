//! The Flux target: arbitrary bytes through vmstack's port of Flux's two conversions and its
//! substitution. Beyond "no panic", each property below is one vmstack relies on:
//!
//! - **go-yaml reads back what go-yaml writes.** kustomize-controller writes every object as
//!   YAML (`JSONToYAML`), substitutes, and reads the text back (`YAMLToJSON`); with nothing to
//!   substitute the object must come back as it went, or vmstack's model of what Flux applies
//!   (the type-drift check, `render --substitute`) would differ from Flux on ordinary values.
//!   The expected value is the document after `JSONToYAML`'s decoding (which folds NEL in
//!   strings as go-yaml does), not the input JSON.
//! - **The pipeline leaves a text with no `$` alone**, whatever the variables.
//! - **An inert object's text is plain** (`pipeline::is_inert`): what vmstack knows from the
//!   object's strings alone, without writing its text, holds of the text go-yaml writes.
//! - **Reading back only the changed fields agrees with reading the whole text**, whenever the
//!   pipeline takes that shortcut (`src/flux/readback.rs`).
//! - **`$$` is a literal `$`**: escaping every `$` of any text (without NUL, where Go's scanner
//!   stops) substitutes back to that text, with any variables, strict or not, in both envsubst
//!   versions. This is how a user writes a `$` that Flux must not touch.
//! - **Offsets point at a `${`**: every parsed `${…}` and every syntax error names the byte
//!   offset of its `${`; vmstack maps it to the field a result is about (`pipeline::field_at`).
//! - **Parse then substitute agrees with substituting the text**, for variables set from the
//!   input itself (some left unset, so strict mode's failures are reached too).

use std::collections::BTreeMap;

use vmstack::flux::envsubst::{self, EnvsubstVersion, Limits, Options, SubstError, Template};
use vmstack::flux::pipeline::{self, FluxText, Outcome, Strategy, Substitution};
use vmstack::flux::yaml_v2::{self, Yaml, read};

pub fn check(data: &[u8]) {
    yaml_round_trip(data);
    if let Ok(text) = std::str::from_utf8(data) {
        envsubst_properties(text);
    }
}

fn yaml_round_trip(data: &[u8]) {
    let Ok(value) = read::yaml_to_json(data) else {
        return;
    };
    // A string go-yaml refuses to write (a C1 control, say) fails kustomize, not vmstack.
    let Ok(doc) = Yaml::from_json(&value) else {
        return;
    };
    let expected = read::to_json(&doc).expect("a document decoded from JSON is JSON again");
    let text = pipeline::serialise(&value).expect("what decodes from JSON can be written");
    let back = read::yaml_to_json(text.as_bytes())
        .unwrap_or_else(|e| panic!("go-yaml's writing does not read back ({}):\n{text}", e.0));
    assert_eq!(
        back, expected,
        "go-yaml's writing reads back otherwise:\n{text}"
    );

    if pipeline::is_inert(&value) {
        assert!(
            Template::is_plain(&text) && !text.contains(yaml_v2::is_yaml11_break),
            "an inert object's text is not plain:\n{text}"
        );
    }
    if !value.is_object() {
        return;
    }
    fields_read_alone_as_in_the_whole_text(&value);
    let vars = BTreeMap::from([("A".to_string(), "1".to_string())]);
    for strict in [false, true] {
        let substitution = Substitution {
            strict,
            strategy: Strategy::Always,
            ..Substitution::new(&vars)
        };
        let outcome = pipeline::substitute_object(&value, &substitution);
        if text.contains('$') {
            continue;
        }
        match outcome {
            Ok(Outcome::Substituted { object, .. }) => assert_eq!(
                object, expected,
                "a text with no $ changed in Flux's pipeline:\n{text}"
            ),
            // Flux skips an object marked `substitute: disabled` before anything else.
            Ok(Outcome::Skipped(_)) => assert!(pipeline::disabled(&value)),
            Err(e) => panic!("a text with no $ failed Flux's pipeline ({e}):\n{text}"),
        }
    }
}

/// Reading back only the changed fields, when vmstack does, gives what reading the whole
/// substituted text gives, key order included, for values that keep a field's type, change it,
/// or break its structure.
fn fields_read_alone_as_in_the_whole_text(value: &serde_json::Value) {
    let Ok(text) = FluxText::new(value) else {
        return;
    };
    for a in ["1", "x y", "a: b", "'q"] {
        let vars = BTreeMap::from([("A".to_string(), a.to_string())]);
        let substitution = Substitution {
            strict: false,
            strategy: Strategy::Always,
            ..Substitution::new(&vars)
        };
        let Some(fields) = text.substitute_reading_fields(value, &substitution) else {
            continue;
        };
        let whole = text.substitute_reading_whole_text(value, &substitution);
        let shown = |o: &Outcome| match o {
            Outcome::Substituted { object, .. } => object.to_string(),
            Outcome::Skipped(skip) => format!("{skip:?}"),
        };
        assert_eq!(
            Ok(shown(&fields)),
            whole.as_ref().map(shown),
            "the changed fields read alone differ from the whole text with A={a:?}:\n{}",
            text.text(value)
        );
    }
}

fn every_option() -> [Options; 4] {
    let limits = Limits::default();
    [
        (false, EnvsubstVersion::V1_7_0),
        (true, EnvsubstVersion::V1_7_0),
        (false, EnvsubstVersion::V1_5_0),
        (true, EnvsubstVersion::V1_5_0),
    ]
    .map(|(strict, version)| Options {
        strict,
        version,
        limits,
    })
}

fn envsubst_properties(text: &str) {
    let limits = Limits::default();
    match Template::parse(text, &limits) {
        Ok(template) => {
            for f in template.funcs() {
                assert!(
                    text.get(f.at..).is_some_and(|t| t.starts_with("${")),
                    "${{{}}} is said to start at byte {} of {text:?}",
                    f.param,
                    f.at
                );
            }
            let vars = variables_from(&template, text);
            for options in every_option() {
                assert_eq!(
                    template.eval(&vars, &options),
                    envsubst::eval(text, &vars, &options),
                    "{options:?}"
                );
            }
        }
        Err(SubstError::Syntax(_, _, opened)) => assert!(
            text.get(opened..).is_some_and(|t| t.starts_with("${")),
            "a syntax error is said to be in the ${{ at byte {opened} of {text:?}"
        ),
        Err(_) => {}
    }

    if text.contains('\0') {
        return;
    }
    let escaped = text.replace('$', "$$");
    let vars = BTreeMap::from([("A".to_string(), "x".to_string())]);
    for options in every_option() {
        assert_eq!(
            envsubst::eval(&escaped, &vars, &options).map(String::from_utf8),
            Ok(Ok(text.to_string())),
            "{escaped:?} with {options:?}"
        );
    }
}

/// Values for the variables a text reads, taken from the text's own lines; every third name
/// stays unset.
fn variables_from(template: &Template, text: &str) -> BTreeMap<String, String> {
    let lines: Vec<&str> = text.split('\n').collect();
    template
        .funcs()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 2)
        .map(|(i, f)| (f.param.clone(), lines[i % lines.len()].to_string()))
        .collect()
}
