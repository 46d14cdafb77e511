//! What kustomize-controller does to one object when its Kustomization has `spec.postBuild`
//! (fluxcd/pkg `kustomize.SubstituteVariables`, v1.35.4): skip it when it is marked
//! `kustomize.toolkit.fluxcd.io/substitute: disabled`; skip it when no variable is defined
//! (unless the strategy is `Always`); refuse every variable name Flux refuses; write the object
//! as YAML the way go-yaml v2 does (keys sorted, the manifest's quoting gone); substitute that
//! text; read it back as YAML 1.1 (so `"1"` becomes 1 and `yes` becomes true); and take the
//! JSON of the result as the object to apply.

use std::collections::BTreeMap;

use serde_json::Value;

use std::borrow::Cow;
use std::sync::OnceLock;

use super::envsubst::{self, EnvsubstVersion, Limits, Options, SubstError, Template};
use super::readback;
use super::yaml_v2::{
    self,
    emit::{self, Span, Spans},
};

/// `spec.postBuild.substituteStrategy` (kustomize-controller v1.9; earlier releases behave as
/// `WithVariables`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// Substitute only when at least one variable is defined.
    #[default]
    WithVariables,
    /// Substitute even with none, so that defaults apply.
    Always,
}

/// How Flux substitutes: the merged variables (see [`flux_values`]) and the controller's options.
#[derive(Debug, Clone, Copy)]
pub struct Substitution<'a> {
    pub vars: &'a BTreeMap<String, String>,
    /// The `StrictPostBuildSubstitutions` feature gate (on by default since v1.9).
    pub strict: bool,
    pub strategy: Strategy,
    pub version: EnvsubstVersion,
    pub limits: Limits,
}

impl<'a> Substitution<'a> {
    /// kustomize-controller v1.9's defaults: strict, `WithVariables`, envsubst v1.7.0.
    pub fn new(vars: &'a BTreeMap<String, String>) -> Self {
        Substitution {
            vars,
            strict: true,
            strategy: Strategy::WithVariables,
            version: EnvsubstVersion::V1_7_0,
            limits: Limits::default(),
        }
    }

    fn options(&self) -> Options {
        Options {
            strict: self.strict,
            version: self.version,
            limits: self.limits,
        }
    }
}

/// Why Flux leaves an object as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The label or annotation `kustomize.toolkit.fluxcd.io/substitute: disabled`.
    Disabled,
    /// No variable defined and the strategy is `WithVariables`.
    NoVariables,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The object Flux applies, and the text it substituted.
    Substituted {
        object: Value,
        text: String,
    },
    Skipped(Skip),
}

/// Why Flux fails the object (and with it the whole Kustomization).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PipelineError {
    /// kustomize cannot write the object as YAML (a character go-yaml refuses).
    #[error("{0}")]
    AsYaml(String),
    #[error("'{0}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'")]
    InvalidName(String),
    #[error("variable substitution failed: {0}")]
    Substitution(SubstError),
    /// go-yaml v2 cannot read the substituted text, or its JSON is impossible.
    #[error("YAMLToJSON: {0}")]
    Yaml(String),
    #[error(
        "UnmarshalJSON: json: cannot unmarshal {0} into Go value of type map[string]interface {{}}"
    )]
    NotAnObject(&'static str),
}

impl PipelineError {
    /// The error as the Kustomization's status shows it.
    pub fn flux_message(&self) -> String {
        match self {
            PipelineError::Substitution(SubstError::Panic(message)) => message.clone(),
            PipelineError::NotAnObject(_) | PipelineError::AsYaml(_) => self.to_string(),
            other => format!("envsubst error: {other}"),
        }
    }
}

pub const DISABLE_KEY: &str = "kustomize.toolkit.fluxcd.io/substitute";

/// Whether Flux skips the object: the label or the annotation, with exactly `disabled`.
pub fn disabled(object: &Value) -> bool {
    let metadata = object.get("metadata");
    ["labels", "annotations"].iter().any(|section| {
        metadata
            .and_then(|m| m.get(section))
            .and_then(|m| m.get(DISABLE_KEY))
            .and_then(Value::as_str)
            == Some("disabled")
    })
}

/// Flux's variables from its sources, in order (`substituteFrom` entries, then the inline
/// `substitute`), later ones winning, every `\n` removed from the values (`\r` stays).
pub fn flux_values<'a>(
    layers: impl IntoIterator<Item = &'a BTreeMap<String, String>>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for layer in layers {
        for (k, v) in layer {
            out.insert(k.clone(), v.replace('\n', ""));
        }
    }
    out
}

/// The text Flux substitutes for an object (kustomize's `res.AsYAML()`).
pub fn serialise(object: &Value) -> Result<String, PipelineError> {
    Ok(emit::write(object, Spans::None)
        .map_err(PipelineError::AsYaml)?
        .0)
}

/// The text and where each string scalar lands in it.
pub fn serialise_with_spans(object: &Value) -> Result<(String, Vec<Span>), PipelineError> {
    emit::write(object, Spans::All).map_err(PipelineError::AsYaml)
}

/// The field of `object` whose text holds byte `at` of [`serialise`]'s text, such as the `${`
/// a Flux parse error ([`SubstError::Syntax`]'s offset) points at. `None` between fields.
pub fn field_at(object: &Value, at: usize) -> Option<Span> {
    let (_, spans) = serialise_with_spans(object).ok()?;
    spans.into_iter().find(|s| s.range.contains(&at))
}

/// One `${…}` Flux reads from an object's text, and the field it sits in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRead {
    pub name: String,
    /// Flux's operator (`""`, `":-"`, `"#"`, …).
    pub op: String,
    /// Whether strict mode lets the variable be unset here (a default operator).
    pub tolerates_unset: bool,
    /// The field whose text holds the `${` (`None`: between fields, which Flux's writing never
    /// produces).
    pub field: Option<Span>,
}

/// An object's text as Flux substitutes it ([`serialise`]), written once, and its parse, made
/// once, for every step that reads them: the syntax check, the variables read, the
/// substitution. The text of an [inert](is_inert) object is written only when its substitution
/// is read back: no other step needs more than knowing that it reads nothing.
#[derive(Debug, Clone)]
pub struct FluxText {
    /// The text, and where the string scalars that hold a `$` are: every `${` sits in one.
    written: OnceLock<(String, Vec<Span>)>,
    inert: bool,
    /// The text parsed with the default limits.
    template: OnceLock<Result<Template, SubstError>>,
}

/// Whether Flux's substitution reads nothing in the object's text, known from its strings
/// alone: every key and string is ASCII below DEL without NUL, and none holds `${` or `$$`.
/// go-yaml then writes each of them as it is (no line break of YAML 1.1, nothing it refuses);
/// what it adds around and inside them (indentation, indicators, quotes, backslash escapes,
/// a line break in place of a space) holds no `$`, and a scalar is never followed by `{` or
/// `$`, so the text holds no `${`, `$$` or NUL: it is [plain](Template::is_plain).
pub fn is_inert(object: &Value) -> bool {
    markers_in_ascii(object) == Some(false)
}

/// When every key and string of the object is ASCII below DEL without NUL: whether one of them
/// holds a `${` or a `$$`, which go-yaml writes as it is, so that the text holds it too (and no
/// NUL). `None` when a string is anything else, and only the text can tell.
pub fn markers_in_ascii(object: &Value) -> Option<bool> {
    fn string(s: &str, found: &mut bool) -> Option<()> {
        let b = s.as_bytes();
        // One pass without an early exit, which the compiler vectorises: the strings are
        // short, and separate searches for each byte cost more in calls than in bytes.
        let (outside, dollar) = b.iter().fold((false, false), |(outside, dollar), &c| {
            (outside | (c == 0) | (c >= 0x7F), dollar | (c == b'$'))
        });
        if outside {
            return None;
        }
        if !*found && dollar {
            *found = b
                .windows(2)
                .any(|w| w[0] == b'$' && matches!(w[1], b'{' | b'$'));
        }
        Some(())
    }
    fn walk(v: &Value, found: &mut bool) -> Option<()> {
        match v {
            Value::String(s) => string(s, found),
            Value::Array(items) => items.iter().try_for_each(|v| walk(v, found)),
            Value::Object(m) => m.iter().try_for_each(|(k, v)| {
                string(k, found)?;
                walk(v, found)
            }),
            Value::Null | Value::Bool(_) | Value::Number(_) => Some(()),
        }
    }
    let mut found = false;
    walk(object, &mut found).map(|()| found)
}

impl FluxText {
    pub fn new(object: &Value) -> Result<FluxText, PipelineError> {
        let written = OnceLock::new();
        let inert = is_inert(object);
        if !inert {
            let _ =
                written.set(emit::write(object, Spans::WithDollar).map_err(PipelineError::AsYaml)?);
        }
        Ok(FluxText {
            written,
            inert,
            template: OnceLock::new(),
        })
    }

    /// The text of `object`, the one this was made from.
    pub fn text(&self, object: &Value) -> &str {
        &self.written(object).0
    }

    fn written(&self, object: &Value) -> &(String, Vec<Span>) {
        // Only an inert object's text is left to write, and go-yaml writes every inert string.
        self.written
            .get_or_init(|| emit::write(object, Spans::WithDollar).unwrap_or_default())
    }

    fn template(&self, object: &Value, limits: &Limits) -> Cow<'_, Result<Template, SubstError>> {
        let text = self.text(object);
        if *limits == Limits::default() {
            Cow::Borrowed(self.template.get_or_init(|| {
                Template::plain(text).map_or_else(|| Template::parse(text, limits), Ok)
            }))
        } else {
            Cow::Owned(Template::parse(text, limits))
        }
    }

    /// Every variable Flux reads from the text, found as Flux finds them: in the whole text, so
    /// a `${` left open in one field is seen as it swallows the next.
    /// (`object` is the one this text is of.)
    pub fn variables_read(
        &self,
        object: &Value,
        s: &Substitution,
    ) -> Result<Vec<FieldRead>, PipelineError> {
        // A plain text parses under any limits, and reads nothing.
        if self.inert {
            return Ok(Vec::new());
        }
        let template = self.template(object, &s.limits);
        let spans = &self.written(object).1;
        let template = template
            .as_ref()
            .as_ref()
            .map_err(|e| PipelineError::Substitution(e.clone()))?;
        Ok(template
            .funcs()
            .into_iter()
            .map(|f| FieldRead {
                name: f.param.clone(),
                op: f.op.clone(),
                tolerates_unset: envsubst::tolerates_unset(&f.op, s.version),
                field: spans
                    .iter()
                    .find(|span| span.range.contains(&f.at))
                    .cloned(),
            })
            .collect())
    }

    /// Flux's pipeline on `object`, whose text this is.
    pub fn substitute(&self, object: &Value, s: &Substitution) -> Result<Outcome, PipelineError> {
        self.run(object, s, true)
            .map(|o| o.unwrap_or(Outcome::Skipped(Skip::NoVariables)))
    }

    /// [`Self::substitute`], but `None` instead of reading the text back when it is
    /// [plain](Template::is_plain): then no field reads a variable (a `${` in a string is a `${`
    /// in the text), envsubst leaves the text as it is, and go-yaml reads its own writing back
    /// (the fuzz target holds vmstack's port to that), except around the line breaks YAML 1.2
    /// does not have (docs/fuzzing.md): a text with one of those is still read back.
    pub fn substitute_templated(
        &self,
        object: &Value,
        s: &Substitution,
    ) -> Result<Option<Outcome>, PipelineError> {
        self.run(object, s, false)
    }

    /// [`Self::substitute`] always reading the whole substituted text back, as Flux does;
    /// [`Self::substitute`] gives the same, reading only the changed fields when it can
    /// ([`readback`]).
    pub fn substitute_reading_whole_text(
        &self,
        object: &Value,
        s: &Substitution,
    ) -> Result<Outcome, PipelineError> {
        Ok(match self.before_reading_back(object, s, true)? {
            Before::Done(outcome) => outcome.unwrap_or(Outcome::Skipped(Skip::NoVariables)),
            Before::Substituted(out) => self.read_whole(object, &out)?,
        })
    }

    /// What [`Self::substitute`] gives when it reads back only the fields the substitution
    /// changed; `None` when it reads the whole text (or stops before reading anything).
    pub fn substitute_reading_fields(&self, object: &Value, s: &Substitution) -> Option<Outcome> {
        match self.before_reading_back(object, s, true) {
            Ok(Before::Substituted(out)) => self.read_fields(object, s, &out),
            _ => None,
        }
    }

    fn run(
        &self,
        object: &Value,
        s: &Substitution,
        read_plain: bool,
    ) -> Result<Option<Outcome>, PipelineError> {
        match self.before_reading_back(object, s, read_plain)? {
            Before::Done(outcome) => Ok(outcome),
            Before::Substituted(out) => match self.read_fields(object, s, &out) {
                Some(outcome) => Ok(Some(outcome)),
                None => self.read_whole(object, &out).map(Some),
            },
        }
    }

    /// Flux's steps up to the substituted text.
    fn before_reading_back(
        &self,
        object: &Value,
        s: &Substitution,
        read_plain: bool,
    ) -> Result<Before, PipelineError> {
        if disabled(object) {
            return Ok(Before::Done(Some(Outcome::Skipped(Skip::Disabled))));
        }
        if s.vars.is_empty() && s.strategy == Strategy::WithVariables {
            return Ok(Before::Done(Some(Outcome::Skipped(Skip::NoVariables))));
        }
        if let Some(bad) = s.vars.keys().find(|k| !envsubst::is_variable_name(k)) {
            return Err(PipelineError::InvalidName(bad.clone()));
        }
        // A text with YAML 1.1's own line breaks is still read back: there the port mends
        // granit-parser's reading into go-yaml's rather than sharing it.
        if !read_plain
            && (self.inert || {
                let text = self.text(object);
                Template::is_plain(text) && !text.contains(yaml_v2::is_yaml11_break)
            })
        {
            return Ok(Before::Done(None));
        }
        let options = s.options();
        let out = match self.template(object, &options.limits).as_ref() {
            Ok(template) => template.eval(s.vars, &options),
            Err(e) => Err(e.clone()),
        }
        .map_err(PipelineError::Substitution)?;
        Ok(Before::Substituted(out))
    }

    fn read_fields(&self, object: &Value, s: &Substitution, out: &[u8]) -> Option<Outcome> {
        let (text, spans) = self.written(object);
        let object = readback::read_back(object, text, spans, out, s.vars, &s.options())?;
        Some(Outcome::Substituted {
            object,
            text: text.clone(),
        })
    }

    /// go-yaml's reading of the whole substituted text, and kustomize's JSON of it.
    fn read_whole(&self, original: &Value, out: &[u8]) -> Result<Outcome, PipelineError> {
        let object = match yaml_v2::read::yaml_to_json(out).map_err(|e| PipelineError::Yaml(e.0))? {
            Value::Object(m) => Value::Object(m),
            // json.Unmarshal of null into a map leaves it empty.
            Value::Null => Value::Object(serde_json::Map::new()),
            Value::Array(_) => return Err(PipelineError::NotAnObject("array")),
            Value::String(_) => return Err(PipelineError::NotAnObject("string")),
            Value::Number(_) => return Err(PipelineError::NotAnObject("number")),
            Value::Bool(_) => return Err(PipelineError::NotAnObject("bool")),
        };
        Ok(Outcome::Substituted {
            object,
            text: self.text(original).to_string(),
        })
    }
}

/// Where [`FluxText::before_reading_back`] got to.
enum Before {
    /// Flux stops here with this outcome (`None`: the text is plain and not read back).
    Done(Option<Outcome>),
    /// The substituted text, to read back.
    Substituted(Vec<u8>),
}

/// Every variable Flux reads from the object ([`FluxText::variables_read`]).
pub fn variables_read(object: &Value, s: &Substitution) -> Result<Vec<FieldRead>, PipelineError> {
    FluxText::new(object)?.variables_read(object, s)
}

/// Runs Flux's pipeline on one object.
pub fn substitute_object(object: &Value, s: &Substitution) -> Result<Outcome, PipelineError> {
    // kustomize writes the object before looking at the marker.
    FluxText::new(object)?.substitute(object, s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{Just, any, prop_oneof};
    use proptest::strategy::Strategy as _;
    use serde_json::json;

    fn config_map(value: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"k": value}})
    }

    fn run(value: &str, vars: &[(&str, &str)]) -> Result<Outcome, PipelineError> {
        let vars: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        substitute_object(&config_map(value), &Substitution::new(&vars))
    }

    fn data(outcome: Result<Outcome, PipelineError>) -> Value {
        match outcome {
            Ok(Outcome::Substituted { object, .. }) => object["data"]["k"].clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_manifests_quoting_does_not_survive() {
        assert_eq!(data(run("${T}", &[("T", "1")])), json!(1));
        assert_eq!(
            data(run("\"${T}\"", &[("T", "1")])),
            json!("\"1\""),
            "quotes in the value are text"
        );
        assert_eq!(
            data(run("${T}", &[("T", "'1'")])),
            json!("1"),
            "quotes in the setting make a string"
        );
        assert_eq!(data(run("${T}", &[("T", "!!str 1")])), json!("1"));
        assert_eq!(data(run("$${T}", &[("T", "1")])), json!("${T}"));
    }

    #[test]
    fn names_flux_refuses_fail_every_object() {
        assert_eq!(
            run("x", &[("T", "1"), ("my-key", "2")]),
            Err(PipelineError::InvalidName("my-key".into()))
        );
        let e = run("x", &[("my-key", "2")]).unwrap_err();
        assert_eq!(
            e.flux_message(),
            "envsubst error: 'my-key' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'"
        );
    }

    #[test]
    fn a_parse_error_points_at_its_field() {
        let object = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},
            "data": {"a": "fine ${T}", "b": ["ok", "bad ${T"], "${K": "v"}});
        let vars: BTreeMap<String, String> = [("T".to_string(), "1".to_string())].into();
        let Err(PipelineError::Substitution(SubstError::Syntax(_, _, at))) =
            substitute_object(&object, &Substitution::new(&vars))
        else {
            panic!("must fail");
        };
        let span = field_at(&object, at).unwrap();
        assert_eq!(
            (span.path.as_str(), span.key),
            ("data.${K", true),
            "keys sort first"
        );
        let mut fixed = object.clone();
        fixed["data"].as_object_mut().unwrap().remove("${K");
        let Err(PipelineError::Substitution(SubstError::Syntax(_, _, at))) =
            substitute_object(&fixed, &Substitution::new(&vars))
        else {
            panic!("must fail");
        };
        assert_eq!(
            field_at(&fixed, at).map(|s| s.path),
            Some("data.b[1]".to_string())
        );
    }

    #[test]
    fn the_variables_an_object_reads_are_found_in_its_text() {
        let object = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},
            "data": {"a": "${A:-x} ${#B}", "b": ["$${C}", "${D:0:1}"]}});
        let vars = BTreeMap::new();
        let reads = variables_read(&object, &Substitution::new(&vars)).unwrap();
        let found: Vec<(&str, &str, bool, Option<&str>)> = reads
            .iter()
            .map(|r| {
                (
                    r.name.as_str(),
                    r.op.as_str(),
                    r.tolerates_unset,
                    r.field.as_ref().map(|f| f.path.as_str()),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("A", ":-", true, Some("data.a")),
                ("B", "#", false, Some("data.a")),
                ("D", ":", false, Some("data.b[1]")),
            ]
        );
    }

    /// Strings with the `$`, braces, spaces and quotes that could meet in go-yaml's writing,
    /// long enough to be folded at its line width; half of them with every `${` and `$$`
    /// broken by a space, so that many objects are inert; some with a NUL or a non-ASCII
    /// character.
    fn dollar_string() -> impl proptest::strategy::Strategy<Value = String> {
        let raw = "[a $${}\n'\":#\\-]{0,120}|[a${\u{0}\u{e9}\u{85}]{0,6}";
        (raw, any::<bool>()).prop_map(|(mut s, break_markers)| {
            while break_markers && (s.contains("${") || s.contains("$$")) {
                s = s.replace("${", "$ {").replace("$$", "$ $");
            }
            s
        })
    }

    fn dollar_value() -> impl proptest::strategy::Strategy<Value = Value> {
        let leaf = prop_oneof![
            dollar_string().prop_map(Value::String),
            Just(Value::Null),
            any::<i32>().prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::btree_map(dollar_string(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// What vmstack knows of the text from the strings alone holds of go-yaml's writing.
        #[test]
        fn the_strings_tell_whether_the_text_is_plain(value in dollar_value()) {
            let Some(markers) = markers_in_ascii(&value) else {
                return Ok(());
            };
            let text = serialise(&value).unwrap();
            proptest::prop_assert_eq!(Template::is_plain(&text), !markers, "{}", text);
            proptest::prop_assert!(!text.contains('\0'));
            proptest::prop_assert!(!text.contains(yaml_v2::is_yaml11_break));
            proptest::prop_assert_eq!(is_inert(&value), !markers);
        }
    }

    #[test]
    fn an_inert_object_reads_nothing_and_is_still_read_back() {
        let object = config_map("1 $ {x} $HOME ${");
        assert!(!is_inert(&object), "a `${{` is not inert");
        let object = config_map("1 $ {x} $HOME");
        assert!(is_inert(&object));
        let vars: BTreeMap<String, String> = [("T".to_string(), "1".to_string())].into();
        let s = Substitution::new(&vars);
        let text = FluxText::new(&object).unwrap();
        assert_eq!(text.variables_read(&object, &s), Ok(Vec::new()));
        assert_eq!(text.substitute_templated(&object, &s), Ok(None));
        let Ok(Outcome::Substituted {
            object: back,
            text: written,
        }) = text.substitute(&object, &s)
        else {
            panic!("substituted");
        };
        assert_eq!(back, object);
        assert_eq!(written, serialise(&object).unwrap());
        assert!(!is_inert(&config_map("caf\u{e9}")), "only ASCII is inert");
        assert!(!is_inert(&json!({"a$$": 1})), "keys count");
        assert_eq!(markers_in_ascii(&config_map("$${X}")), Some(true));
        assert_eq!(markers_in_ascii(&config_map("a\0b")), None, "NUL");
        assert_eq!(markers_in_ascii(&config_map("\u{7f}")), None, "DEL");
    }

    #[test]
    fn infinities_cannot_become_json() {
        assert_eq!(
            run("${T}", &[("T", ".inf")]),
            Err(PipelineError::Yaml("json: unsupported value: +Inf".into()))
        );
    }

    #[test]
    fn newlines_go_from_values() {
        let layer: BTreeMap<String, String> = [("T".to_string(), "a\nb\r".to_string())].into();
        assert_eq!(flux_values([&layer])["T"], "ab\r");
    }

    #[test]
    fn hostile_values_fail_fast() {
        let depth = 13_000;
        let nested = format!("{}x{}", "${A:=".repeat(depth), "}".repeat(depth));
        assert!(matches!(
            run(&nested, &[("A", "")]),
            Err(PipelineError::Substitution(SubstError::TooDeep(_)))
        ));
        let stars = format!("${{A#{}b}}", "*a".repeat(12));
        assert_eq!(
            data(run(&stars, &[("A", &"a".repeat(40))])),
            json!("a".repeat(40))
        );
        let a = "a".repeat(1000);
        let growth = format!("${{A//a/${{A//a/${{A//a/{a}}}}}}}");
        assert!(matches!(
            run(&growth, &[("A", &a)]),
            Err(PipelineError::Substitution(SubstError::TooLarge(_)))
        ));
        let brackets = "[".repeat(100_000);
        assert!(matches!(
            run("${T}", &[("T", &brackets)]),
            Err(PipelineError::Yaml(_))
        ));
    }
}
