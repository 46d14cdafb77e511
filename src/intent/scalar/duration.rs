//! Durations, in the two unit sets the output's consumers read: Go's (Flux, Alertmanager,
//! External Secrets) and Prometheus' (VictoriaMetrics, rules).

use serde::Serialize;
use serde_json::Value;

use super::setting::{Setting, Written, record_variables};
use crate::code::Code;
use crate::flux::drift::JsonType;
use crate::intent::decode::Decode;
use crate::intent::diagnostic::{Diagnostic, Diagnostics};
use crate::intent::variables::ValueKind;

/// Units a duration may use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DurationStyle {
    /// Go's `time.ParseDuration` (Flux intervals, Alertmanager retention): up to hours.
    Go,
    /// Prometheus/VictoriaMetrics durations: adds days, weeks and years.
    Metrics,
}

impl DurationStyle {
    fn units(self) -> &'static [(&'static str, f64)] {
        match self {
            DurationStyle::Go => &[
                ("ns", 1e-9),
                ("us", 1e-6),
                ("µs", 1e-6),
                ("ms", 1e-3),
                ("s", 1.0),
                ("m", 60.0),
                ("h", 3600.0),
            ],
            DurationStyle::Metrics => &[
                ("ms", 1e-3),
                ("s", 1.0),
                ("m", 60.0),
                ("h", 3600.0),
                ("d", 86400.0),
                ("w", 604800.0),
                ("y", 31536000.0),
            ],
        }
    }

    fn variable_kind(self) -> ValueKind {
        match self {
            DurationStyle::Go => ValueKind::GoDuration,
            DurationStyle::Metrics => ValueKind::MetricsDuration,
        }
    }

    fn example(self) -> &'static str {
        match self {
            DurationStyle::Go => "30s, 15m or 120h (Go units: up to h)",
            DurationStyle::Metrics => "30s, 15m, 1h or 30d",
        }
    }
}

pub fn parse_duration_seconds(s: &str, style: DurationStyle) -> Option<f64> {
    if s.is_empty() {
        return None;
    }
    let units = style.units();
    let mut total = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..end].parse().ok()?;
        rest = &rest[end..];
        let (unit, factor) = units
            .iter()
            .filter(|(u, _)| rest.starts_with(u))
            .max_by_key(|(u, _)| u.len())?;
        total += number * factor;
        rest = &rest[unit.len()..];
    }
    Some(total)
}

/// Reads a duration of `style`: a literal checked for its units, or text with variables.
fn decode_duration(
    v: &Value,
    path: &str,
    style: DurationStyle,
    d: &mut Diagnostics,
) -> Option<Setting<String>> {
    let s = String::decode(v, path, d)?;
    if s.contains("${") && record_variables(&s, path, style.variable_kind(), d)? {
        return Some(Setting::Templated(s));
    }
    if parse_duration_seconds(&s, style).is_some() {
        return Some(Setting::Literal(s));
    }
    d.push(
        Diagnostic::new(
            Code::InvalidDuration,
            path,
            format!("{s:?} is not a duration like {}", style.example()),
        )
        .with_current(v),
    );
    None
}

macro_rules! duration_type {
    ($(#[$doc:meta])* $name:ident, $style:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub const STYLE: DurationStyle = $style;

            pub fn seconds(&self) -> Option<f64> {
                parse_duration_seconds(&self.0, Self::STYLE)
            }
        }

        impl Written for $name {
            const TYPES: &'static [JsonType] = &[JsonType::String];
        }

        impl Decode for Setting<$name> {
            fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
                Some(match decode_duration(v, path, $name::STYLE, d)? {
                    Setting::Literal(s) => Setting::Literal($name(s)),
                    Setting::Templated(s) => Setting::Templated(s),
                })
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }
    };
}

duration_type!(
    /// A Go duration (`30s`, `15m`, `120h`): Flux intervals, Alertmanager retention, refresh
    /// intervals.
    GoDuration,
    DurationStyle::Go
);

duration_type!(
    /// A Prometheus/VictoriaMetrics duration (`30s`, `1h`, `30d`): scrape and rule settings.
    MetricsDuration,
    DurationStyle::Metrics
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn durations_by_style() {
        assert!(parse_duration_seconds("1h30m", DurationStyle::Go).is_some());
        assert!(parse_duration_seconds("30d", DurationStyle::Go).is_none());
        assert_eq!(
            parse_duration_seconds("30d", DurationStyle::Metrics),
            Some(2592000.0)
        );
        assert!(parse_duration_seconds("30x", DurationStyle::Metrics).is_none());
        assert!(parse_duration_seconds("s", DurationStyle::Metrics).is_none());
    }

    #[test]
    fn each_type_reads_its_own_units() {
        let mut d = Diagnostics::default();
        let go = Setting::<GoDuration>::decode(&json!("30d"), "p", &mut d);
        assert!(go.is_none());
        assert_eq!(d.list[0].code, Code::InvalidDuration);
        let metrics = Setting::<MetricsDuration>::decode(&json!("30d"), "p", &mut d);
        assert_eq!(
            metrics,
            Some(Setting::Literal(MetricsDuration("30d".into())))
        );
        let templated = Setting::<GoDuration>::decode(&json!("${I}"), "p", &mut d);
        assert_eq!(templated, Some(Setting::Templated("${I}".into())));
        assert_eq!(d.variables[0].kind, ValueKind::GoDuration);
    }
}
