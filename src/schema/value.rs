//! The schema of each value type the intent's readers accept (`intent/scalar`, `Choice`): one
//! type per reader, never built, only described. Each carries an `example` that its reader
//! accepts: the tests build intents from them to bind the schema to the parser.
//!
//! A pattern here is never stricter than its reader (the tests feed both the same samples); the
//! reader's value rules (a retention of at least 24h, a request below its limit) stay the
//! reader's, and are in the field's description.

use std::borrow::Cow;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Value, json};

use crate::intent::choice::Choice;
use crate::intent::{CrossClusterMechanism, DEFAULT_CHART_VERSION};

/// Text holding a Flux variable (`${VAR}`, `${VAR:=default}`): what a `Setting` takes instead
/// of its literal. The reader then checks the reference's syntax.
pub const VARIABLE: &str = r"\$\{";

/// A decimal number as the quantity and duration readers take it: digits with at most one dot.
const DECIMAL: &str = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)";

pub const DNS_LABEL: &str = "^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$";

fn quantity_pattern() -> String {
    format!(r"^[+-]?{DECIMAL}(?:Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$")
}

fn duration_pattern(units: &str) -> String {
    format!("^(?:{DECIMAL}(?:{units}))+$")
}

const GO_UNITS: &str = "ns|us|µs|ms|s|m|h";
const METRICS_UNITS: &str = "ms|s|m|h|d|w|y";

fn or_variable(pattern: &str) -> String {
    format!("{pattern}|{VARIABLE}")
}

/// A whole number a `u32` holds.
fn count() -> Value {
    json!({"type": "integer", "minimum": 0, "maximum": u32::MAX})
}

fn templated() -> Value {
    json!({"type": "string", "pattern": VARIABLE})
}

/// Declares a value type and its schema.
macro_rules! value {
    ($(#[$doc:meta])* $name:ident => $schema:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                Schema::try_from($schema).expect("a value schema is an object")
            }
        }
    };
}

value!(
    /// Text, which may hold Flux variables (`intent::scalar::Text`, and plain strings).
    Text => json!({"type": "string", "example": "example"})
);

value!(
    /// A DNS-1123 label, literal (`intent::scalar::Name`).
    Name => json!({
        "type": "string",
        "pattern": DNS_LABEL,
        "maxLength": 63,
        "example": "example",
    })
);

value!(
    /// A chart version like `0.91.2`.
    ChartVersion => json!({
        "type": "string",
        "pattern": r"^[0-9]+\.[0-9]+\.[0-9]+$",
        "example": DEFAULT_CHART_VERSION,
    })
);

value!(
    /// An `oci://` URL.
    OciUrl => json!({
        "type": "string",
        "pattern": "^oci://",
        "example": crate::intent::CHART_OCI_URL,
    })
);

value!(
    /// An http(s) URL, which may hold Flux variables (`intent::scalar::Url`).
    Url => json!({
        "type": "string",
        "example": "http://vminsert-vm-global.observability.svc:8480",
    })
);

value!(
    /// A count, or text holding a Flux variable (`Setting<u32>`).
    Count => json!({"anyOf": [count(), templated()], "example": 1})
);

value!(
    /// A literal count (`u32`).
    LiteralCount => {
        let mut c = count();
        c["example"] = json!(1);
        c
    }
);

value!(
    /// A literal whole number that may exceed `u32` (series counts).
    WholeNumber => json!({"type": "integer", "minimum": 0, "example": 1000000})
);

value!(
    /// A literal finite number (rates, ratios).
    Number => json!({"type": "number", "example": 1})
);

value!(
    /// A percentage, literal.
    Percent => json!({"type": "number", "minimum": 0, "maximum": 100, "example": 99.9})
);

value!(
    /// A TCP or UDP port.
    Port => json!({"type": "integer", "minimum": 1, "maximum": 65535, "example": 443})
);

value!(
    /// `true` or `false`, literal.
    Flag => json!({"type": "boolean", "example": true})
);

value!(
    /// A Kubernetes quantity (`50Gi`, `500m`, `2`), or text holding a Flux variable
    /// (`Setting<Quantity>`).
    Quantity => json!({
        "anyOf": [
            {"type": "string", "pattern": or_variable(&quantity_pattern())},
            {"type": "number"},
        ],
        "example": "10Gi",
    })
);

value!(
    /// A Go duration (`30s`, `15m`, `120h`), or text holding a Flux variable
    /// (`Setting<GoDuration>`).
    GoDuration => json!({
        "type": "string",
        "pattern": or_variable(&duration_pattern(GO_UNITS)),
        "example": "30s",
    })
);

value!(
    /// A Prometheus duration (`30s`, `1h`, `30d`), or text holding a Flux variable
    /// (`Setting<MetricsDuration>`).
    MetricsDuration => json!({
        "type": "string",
        "pattern": or_variable(&duration_pattern(METRICS_UNITS)),
        "example": "30s",
    })
);

value!(
    /// A literal Prometheus duration (`MetricsDuration` without a variable).
    LiteralMetricsDuration => json!({
        "type": "string",
        "pattern": duration_pattern(METRICS_UNITS),
        "example": "30d",
    })
);

value!(
    /// VictoriaMetrics' `retentionPeriod`: months as a number, or a duration in h, d, w or y;
    /// or text holding a Flux variable (`Setting<Retention>`).
    Retention => json!({
        "anyOf": [
            {
                "type": "string",
                "pattern": or_variable(&format!(
                    "^[0-9]+$|^(?:{DECIMAL}(?:{METRICS_UNITS}))*{DECIMAL}[hdwy]$"
                )),
            },
            {"type": "integer", "minimum": 1},
        ],
        "example": "30d",
    })
);

value!(
    /// A tenant: `accountID`, `accountID:projectID` or `multitenant` (`intent::scalar::Tenant`).
    Tenant => json!({
        "anyOf": [
            {"type": "string", "pattern": "^(?:multitenant|[0-9]+(?::[0-9]+)?)$"},
            count(),
        ],
        "example": "0",
    })
);

value!(
    /// An IP address range (`10.0.0.0/8`).
    Cidr => json!({"type": "string", "example": "10.0.0.0/8"})
);

value!(
    /// A counter's series selector (`http_requests_total{code=~"5.."}`).
    Selector => json!({"type": "string", "example": "http_requests_total"})
);

value!(
    /// A PromQL expression.
    Expr => json!({"type": "string", "example": "up == 0"})
);

value!(
    /// A mapping of string to string (labels, annotations).
    StringMap => json!({
        "type": "object",
        "additionalProperties": {"type": "string"},
        "example": {"team": "platform"},
    })
);

value!(
    /// A mapping of name to `true` or `false`.
    SwitchMap => json!({
        "type": "object",
        "additionalProperties": {"type": "boolean"},
        "example": {},
    })
);

value!(
    /// Any mapping, kept as it is.
    FreeForm => json!({"type": "object", "example": {}})
);

value!(
    /// Command-line flags: name (without the leading dash) to value (`intent::scalar::ExtraArgs`).
    Flags => json!({
        "type": "object",
        "additionalProperties": {
            "anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}],
        },
        "example": {"loggerLevel": "INFO"},
    })
);

value!(
    /// Container resources: `requests` and `limits`, each resource name to quantity
    /// (`intent::scalar::Resources`).
    Resources => {
        let quantities = json!({
            "type": "object",
            "additionalProperties": {
                "anyOf": [
                    {"type": "string", "pattern": or_variable(&quantity_pattern())},
                    {"type": "number"},
                ],
            },
            "example": {"cpu": "100m"},
        });
        json!({
            "type": "object",
            "properties": {"requests": quantities, "limits": quantities},
            "additionalProperties": false,
            "example": {"requests": {"cpu": "100m"}, "limits": {"cpu": "1"}},
        })
    }
);

/// One of a fixed set of words, as the `Choice` `C` reads them: the schema lists its choices,
/// so it cannot drift from the reader.
pub struct Words<C>(PhantomData<C>);

impl<C: Choice> JsonSchema for Words<C> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        std::any::type_name::<C>().into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        words(C::CHOICES.iter().map(|(word, _)| *word))
    }
}

fn words<'a>(words: impl IntoIterator<Item = &'a str>) -> Schema {
    let words: Vec<&str> = words.into_iter().collect();
    json_schema!({"type": "string", "enum": words, "example": words[0]})
}

/// How an agent reaches the global stack (`remoteWrite.via`): a URL, or one of the
/// cross-cluster mechanisms, as the reader spells them.
pub struct Via;

impl JsonSchema for Via {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Via".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mechanisms = CrossClusterMechanism::CHOICES.iter().map(|(word, _)| *word);
        words(std::iter::once("url").chain(mechanisms))
    }
}

/// The `apiVersion` or `kind` an intent must have.
pub struct Exactly<const API_VERSION: bool>;

impl<const API_VERSION: bool> JsonSchema for Exactly<API_VERSION> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        if API_VERSION { "ApiVersion" } else { "Kind" }.into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let word = if API_VERSION {
            crate::intent::API_VERSION
        } else {
            crate::intent::KIND
        };
        json_schema!({"type": "string", "enum": [word], "example": word})
    }
}

#[cfg(test)]
mod tests {
    use schemars::SchemaGenerator;
    use serde_json::{Value, json};

    use super::*;
    use crate::intent::decode::Decode;
    use crate::intent::diagnostic::Diagnostics;
    use crate::intent::scalar::{self, Setting};

    fn reader_takes<T: Decode>(v: &Value) -> bool {
        let mut d = Diagnostics::default();
        T::decode(v, "x", &mut d).is_some() && d.list.is_empty()
    }

    /// The schema takes every sample the reader `R` takes, and refuses those listed as refused
    /// by both; the example is one the reader takes.
    fn agrees<S: JsonSchema, R: Decode>(taken: &[Value], refused: &[Value]) {
        let schema = SchemaGenerator::default().subschema_for::<S>().to_value();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let name = S::schema_name();
        let example = &schema["example"];
        assert!(reader_takes::<R>(example), "{name}: example {example}");
        for v in taken {
            assert!(reader_takes::<R>(v), "{name}: the reader refuses {v}");
            assert!(validator.is_valid(v), "{name}: the schema refuses {v}");
        }
        for v in refused {
            assert!(!reader_takes::<R>(v), "{name}: the reader takes {v}");
            assert!(!validator.is_valid(v), "{name}: the schema takes {v}");
        }
    }

    #[test]
    fn names() {
        agrees::<Name, scalar::Name>(
            &[json!("vm"), json!("a-1"), json!("a".repeat(63))],
            &[
                json!("-a"),
                json!("a-"),
                json!("Vm"),
                json!(""),
                json!("a".repeat(64)),
                json!(3),
            ],
        );
    }

    #[test]
    fn quantities() {
        agrees::<Quantity, Setting<scalar::Quantity>>(
            &[
                json!("50Gi"),
                json!("500m"),
                json!("2"),
                json!(2),
                json!(1.5),
                json!("1e3"),
                json!(".5"),
                json!("+1Ki"),
                json!("${SIZE}"),
                json!("${SIZE:=10Gi}"),
            ],
            &[
                json!("50GB"),
                json!("Gi"),
                json!("1.2.3"),
                json!(""),
                json!(true),
            ],
        );
    }

    #[test]
    fn durations() {
        agrees::<GoDuration, Setting<scalar::GoDuration>>(
            &[
                json!("30s"),
                json!("1h30m"),
                json!("1.5h"),
                json!("100ms"),
                json!("${I}"),
            ],
            &[json!("30d"), json!("10"), json!("s"), json!(""), json!(30)],
        );
        agrees::<MetricsDuration, Setting<scalar::MetricsDuration>>(
            &[
                json!("30s"),
                json!("30d"),
                json!("1w2d"),
                json!("1y"),
                json!("${I}"),
            ],
            &[json!("30x"), json!("10"), json!("d"), json!(30)],
        );
    }

    #[test]
    fn retentions() {
        agrees::<Retention, Setting<scalar::Retention>>(
            &[
                json!("30d"),
                json!("1"),
                json!(1),
                json!("24h"),
                json!("2w"),
                json!("${R}"),
            ],
            &[
                json!(0),
                json!("30x"),
                json!("30s"),
                json!(1.5),
                json!(true),
            ],
        );
    }

    #[test]
    fn tenants() {
        agrees::<Tenant, scalar::Tenant>(
            &[json!("0"), json!("7:1"), json!("multitenant"), json!(7)],
            &[
                json!("a"),
                json!("1:2:3"),
                json!(-1),
                json!(1.5),
                json!("${T}"),
            ],
        );
    }

    #[test]
    fn counts() {
        agrees::<Count, Setting<u32>>(
            &[json!(0), json!(3), json!(u32::MAX), json!("${N}")],
            &[
                json!(-1),
                json!(1.5),
                json!("3"),
                json!(u64::from(u32::MAX) + 1),
            ],
        );
        agrees::<LiteralCount, u32>(&[json!(3)], &[json!("${N}"), json!(-1)]);
    }
}
