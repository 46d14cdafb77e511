//! Typed scalar values of the intent: quantities, durations, URLs, names, each accepting a Flux
//! variable in place of a literal.

use serde_json::{Map, Value, json};

use super::decode::{Decode, child, wrong_type};
use super::diagnostic::{Code, Diagnostic, Diagnostics};
use super::variables::{self, ValueKind, VariableUse};

/// A literal value, or text that holds Flux variables and is resolved on the cluster.
#[derive(Debug, Clone, PartialEq)]
pub enum Setting<T> {
    Literal(T),
    Templated(String),
}

impl<T> Setting<T> {
    pub fn literal(&self) -> Option<&T> {
        match self {
            Setting::Literal(t) => Some(t),
            Setting::Templated(_) => None,
        }
    }
}

/// How a literal of a setting becomes output.
pub trait ToJson {
    fn to_json(&self) -> Value;
}

impl<T: ToJson> ToJson for Setting<T> {
    fn to_json(&self) -> Value {
        match self {
            Setting::Literal(t) => t.to_json(),
            Setting::Templated(s) => Value::String(s.clone()),
        }
    }
}

impl ToJson for u32 {
    fn to_json(&self) -> Value {
        json!(self)
    }
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        json!(self)
    }
}

/// Checks the variable references of a string and records them as used at `path` for a field
/// of `kind`; `Some(true)` when it holds any.
fn templated_as(s: &str, path: &str, kind: ValueKind, d: &mut Diagnostics) -> Option<bool> {
    match variables::references(s) {
        Ok(refs) => {
            let whole = refs.len() == 1
                && s.starts_with("${")
                && s.ends_with('}')
                && s.matches("${").count() == 1;
            for r in &refs {
                d.variables.push(VariableUse {
                    name: r.name.clone(),
                    has_default: r.has_default,
                    path: path.to_string(),
                    kind,
                    whole,
                });
            }
            Some(!refs.is_empty())
        }
        Err(e) => {
            d.push(Diagnostic::new(Code::InvalidVariable, path, e).with_current(&json!(s)));
            None
        }
    }
}

fn templated(s: &str, path: &str, d: &mut Diagnostics) -> Option<bool> {
    templated_as(s, path, ValueKind::Text, d)
}

/// What a typed value is, for checking the values its variables get.
pub trait Kind {
    const KIND: ValueKind;
}

impl Kind for u32 {
    const KIND: ValueKind = ValueKind::Number;
}

impl Kind for Quantity {
    const KIND: ValueKind = ValueKind::Quantity;
}

impl Kind for Retention {
    const KIND: ValueKind = ValueKind::Retention;
}

impl<T: Decode + Kind> Decode for Setting<T> {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        if let Value::String(s) = v
            && s.contains("${")
        {
            return templated_as(s, path, T::KIND, d)?
                .then(|| Setting::Templated(s.clone()))
                .or_else(|| T::decode(v, path, d).map(Setting::Literal));
        }
        T::decode(v, path, d).map(Setting::Literal)
    }
}

/// Literal text allowed to hold variables (names, keys, secret paths).
#[derive(Debug, Clone, PartialEq)]
pub struct Text(pub String);

impl Decode for Text {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let s = String::decode(v, path, d)?;
        templated(&s, path, d)?;
        Some(Text(s))
    }
}

impl ToJson for Text {
    fn to_json(&self) -> Value {
        json!(self.0)
    }
}

fn scalar_text(v: &Value, path: &str, what: &str, d: &mut Diagnostics) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => {
            wrong_type(d, path, what, v);
            None
        }
    }
}

/// A Kubernetes resource quantity (`50Gi`, `500m`, `2`), kept as the canonical string.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity(pub String);

pub fn is_quantity(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let digits_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(digits_end);
    if number.is_empty() || number == "." || number.matches('.').count() > 1 {
        return false;
    }
    const SUFFIXES: [&str; 16] = [
        "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E",
    ];
    if SUFFIXES.contains(&suffix) {
        return true;
    }
    // Decimal exponent form: 1e3, 1E-2.
    let exp = suffix.strip_prefix(['e', 'E']);
    exp.is_some_and(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    })
}

impl Decode for Quantity {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let s = scalar_text(v, path, "a quantity such as 50Gi or 500m", d)?;
        if is_quantity(&s) {
            Some(Quantity(s))
        } else {
            d.push(
                Diagnostic::new(
                    Code::InvalidQuantity,
                    path,
                    format!("{s:?} is not a Kubernetes quantity (like 50Gi, 512Mi, 500m or 2)"),
                )
                .with_current(v),
            );
            None
        }
    }
}

impl ToJson for Quantity {
    fn to_json(&self) -> Value {
        json!(self.0)
    }
}

impl Quantity {
    /// Bytes (or cores) as a float, for comparisons between literal quantities.
    pub fn value(&self) -> Option<f64> {
        let s = &self.0;
        let end = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
            .unwrap_or(s.len());
        let number: f64 = s[..end].parse().ok()?;
        let factor = match &s[end..] {
            "" => 1.0,
            "Ki" => 1024f64,
            "Mi" => 1024f64.powi(2),
            "Gi" => 1024f64.powi(3),
            "Ti" => 1024f64.powi(4),
            "Pi" => 1024f64.powi(5),
            "Ei" => 1024f64.powi(6),
            "n" => 1e-9,
            "u" => 1e-6,
            "m" => 1e-3,
            "k" => 1e3,
            "M" => 1e6,
            "G" => 1e9,
            "T" => 1e12,
            "P" => 1e15,
            "E" => 1e18,
            _ => return None,
        };
        Some(number * factor)
    }
}

/// Units a duration may use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DurationStyle {
    /// Go's `time.ParseDuration` (Flux intervals, Alertmanager retention): up to hours.
    Go,
    /// Prometheus/VictoriaMetrics durations: adds days, weeks and years.
    Metrics,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Duration(pub String);

pub fn parse_duration_seconds(s: &str, style: DurationStyle) -> Option<f64> {
    if s.is_empty() {
        return None;
    }
    let units: &[(&str, f64)] = match style {
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
    };
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

impl Duration {
    pub fn decode_as(
        v: &Value,
        path: &str,
        style: DurationStyle,
        d: &mut Diagnostics,
    ) -> Option<Setting<Duration>> {
        let s = String::decode(v, path, d)?;
        if s.contains("${") {
            let kind = match style {
                DurationStyle::Go => ValueKind::GoDuration,
                DurationStyle::Metrics => ValueKind::MetricsDuration,
            };
            return templated_as(&s, path, kind, d)?.then_some(Setting::Templated(s));
        }
        if parse_duration_seconds(&s, style).is_some() {
            return Some(Setting::Literal(Duration(s)));
        }
        let example = match style {
            DurationStyle::Go => "30s, 15m or 120h (Go units: up to h)",
            DurationStyle::Metrics => "30s, 15m, 1h or 30d",
        };
        d.push(
            Diagnostic::new(
                Code::InvalidDuration,
                path,
                format!("{s:?} is not a duration like {example}"),
            )
            .with_current(v),
        );
        None
    }

    pub fn seconds(&self, style: DurationStyle) -> Option<f64> {
        parse_duration_seconds(&self.0, style)
    }
}

impl ToJson for Duration {
    fn to_json(&self) -> Value {
        json!(self.0)
    }
}

/// VictoriaMetrics' retentionPeriod: a bare number means months, else h, d, w or y; 24h at least.
#[derive(Debug, Clone, PartialEq)]
pub struct Retention(pub String);

/// Whether a text is a VictoriaMetrics retention.
pub fn is_retention(s: &str) -> bool {
    if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() {
        s != "0"
    } else {
        let unit_ok = s.ends_with(['h', 'd', 'w', 'y']);
        let seconds = parse_duration_seconds(s, DurationStyle::Metrics);
        unit_ok && seconds.is_some_and(|sec| sec >= 86400.0)
    }
}

impl Decode for Retention {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let s = scalar_text(v, path, "a retention such as 30d or 1 (months)", d)?;
        if is_retention(&s) {
            Some(Retention(s))
        } else {
            d.push(
                Diagnostic::new(
                    Code::InvalidDuration,
                    path,
                    format!(
                        "{s:?} is not a VictoriaMetrics retention: a number of months (\"1\") or \
                         a number with h, d, w or y, at least 24h"
                    ),
                )
                .with_current(v),
            );
            None
        }
    }
}

impl ToJson for Retention {
    fn to_json(&self) -> Value {
        json!(self.0)
    }
}

/// An http(s) URL; a URL with variables is checked around them.
#[derive(Debug, Clone, PartialEq)]
pub struct Url(pub String);

/// Why a URL is not an http(s) URL with a host, if it is not.
pub fn url_problem(s: &str) -> Option<String> {
    let Some((scheme, rest)) = s.split_once("://") else {
        return Some("has no scheme (http:// or https://)".into());
    };
    if scheme != "http" && scheme != "https" {
        return Some(format!("scheme {scheme:?} is not http or https"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || host_port.starts_with('[') => (h, Some(p)),
        _ => (host_port, None),
    };
    if host.is_empty() {
        return Some("has no host".into());
    }
    if host.contains(|c: char| c.is_whitespace()) {
        return Some("has white space in the host".into());
    }
    if let Some(p) = port
        && p.parse::<u16>().map_or(true, |n| n == 0)
    {
        return Some(format!("port {p:?} is not a number from 1 to 65535"));
    }
    if s.contains(char::is_whitespace) {
        return Some("contains white space".into());
    }
    None
}

impl Decode for Url {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let s = String::decode(v, path, d)?;
        let has_vars = templated_as(&s, path, ValueKind::Url, d)?;
        let whole_var =
            has_vars && s.starts_with("${") && s.ends_with('}') && s.matches("${").count() == 1;
        if whole_var {
            return Some(Url(s));
        }
        let shape = variables::with_placeholders(&s, "placeholder");
        match url_problem(&shape) {
            None => Some(Url(s.trim_end_matches('/').to_string())),
            Some(problem) => {
                d.push(
                    Diagnostic::new(Code::InvalidUrl, path, format!("{s:?} {problem}"))
                        .with_current(v),
                );
                None
            }
        }
    }
}

/// A DNS-1123 label: what Kubernetes requires of names that become Services, labels and hosts.
pub fn dns_label_problem(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("is empty".into());
    }
    if s.len() > 63 {
        return Some(format!("is {} characters long, more than 63", s.len()));
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Some("may hold only lower-case letters, digits and '-'".into());
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Some("must start and end with a letter or digit".into());
    }
    None
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Name(pub String);

impl Decode for Name {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let s = String::decode(v, path, d)?;
        match dns_label_problem(&s) {
            None => Some(Name(s)),
            Some(p) => {
                d.push(
                    Diagnostic::new(Code::InvalidName, path, format!("{s:?} {p}")).with_current(v),
                );
                None
            }
        }
    }
}

/// Container resources: `requests` and `limits`, each a map of resource name to quantity.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resources {
    pub requests: Vec<(String, Setting<Quantity>)>,
    pub limits: Vec<(String, Setting<Quantity>)>,
}

fn decode_resource_map(
    v: &Value,
    path: &str,
    d: &mut Diagnostics,
) -> Option<Vec<(String, Setting<Quantity>)>> {
    let Value::Object(m) = v else {
        wrong_type(d, path, "a mapping of resource name to quantity", v);
        return None;
    };
    let mut out = Vec::new();
    for (k, q) in m {
        if let Some(q) = Setting::<Quantity>::decode(q, &child(path, k), d) {
            out.push((k.clone(), q));
        }
    }
    Some(out)
}

impl Decode for Resources {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let mut f = super::decode::Fields::new(v, path, d)?;
        let requests = f
            .raw("requests")
            .and_then(|r| decode_resource_map(r, &child(path, "requests"), d))
            .unwrap_or_default();
        let limits = f
            .raw("limits")
            .and_then(|r| decode_resource_map(r, &child(path, "limits"), d))
            .unwrap_or_default();
        f.finish(d);
        for (name, limit) in &limits {
            let request = requests.iter().find(|(n, _)| n == name);
            if let (Some(Setting::Literal(l)), Some((_, Setting::Literal(r)))) =
                (Some(limit), request)
                && let (Some(lv), Some(rv)) = (l.value(), r.value())
                && rv > lv
            {
                d.push(Diagnostic::new(
                    Code::OutOfRange,
                    child(path, &format!("requests.{name}")),
                    format!(
                        "the request {} is above the limit {}: Kubernetes rejects the pod",
                        r.0, l.0
                    ),
                ));
            }
        }
        Some(Resources { requests, limits })
    }
}

impl ToJson for Resources {
    fn to_json(&self) -> Value {
        let to_map = |entries: &[(String, Setting<Quantity>)]| {
            Value::Object(
                entries
                    .iter()
                    .map(|(k, q)| (k.clone(), q.to_json()))
                    .collect::<Map<_, _>>(),
            )
        };
        let mut m = Map::new();
        if !self.limits.is_empty() {
            m.insert("limits".into(), to_map(&self.limits));
        }
        if !self.requests.is_empty() {
            m.insert("requests".into(), to_map(&self.requests));
        }
        Value::Object(m)
    }
}

impl Resources {
    pub fn of(requests: &[(&str, &str)], limits: &[(&str, &str)]) -> Self {
        let conv = |e: &[(&str, &str)]| {
            e.iter()
                .map(|(k, v)| (k.to_string(), Setting::Literal(Quantity(v.to_string()))))
                .collect()
        };
        Resources {
            requests: conv(requests),
            limits: conv(limits),
        }
    }
}

/// Command-line flags for a VictoriaMetrics component: names without the leading dash, values as
/// strings (what the operator's `extraArgs` takes).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExtraArgs(pub Vec<(String, String)>);

impl Decode for ExtraArgs {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let Value::Object(m) = v else {
            wrong_type(d, path, "a mapping of flag name to value", v);
            return None;
        };
        let mut out = Vec::new();
        for (k, val) in m {
            let p = child(path, k);
            if let Some(stripped) = k.strip_prefix('-') {
                let proposed = stripped.trim_start_matches('-');
                d.push(
                    Diagnostic::new(
                        Code::InvalidFlag,
                        &p,
                        format!(
                            "flag names go without the leading dash: write {proposed:?}, the operator adds it"
                        ),
                    )
                    .with_proposed(json!(proposed)),
                );
                continue;
            }
            let text = match val {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => {
                    wrong_type(d, &p, "a flag value (string, number or boolean)", other);
                    continue;
                }
            };
            if templated(&text, &p, d).is_some() {
                out.push((k.clone(), text));
            }
        }
        Some(ExtraArgs(out))
    }
}

impl ExtraArgs {
    pub fn set_default(&mut self, key: &str, value: &str) {
        if !self.0.iter().any(|(k, _)| k == key) {
            self.0.push((key.to_string(), value.to_string()));
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl ToJson for ExtraArgs {
    fn to_json(&self) -> Value {
        let mut sorted = self.0.clone();
        sorted.sort();
        Value::Object(sorted.into_iter().map(|(k, v)| (k, json!(v))).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        for ok in ["50Gi", "500m", "2", "1.5", "1e3", "0.5Ti", "+1"] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in ["50GB", "Gi", "", "1.2.3", "fifty", "5 Gi", "1e"] {
            assert!(!is_quantity(bad), "{bad}");
        }
        assert_eq!(Quantity("2Gi".into()).value(), Some(2.0 * 1024f64.powi(3)));
    }

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
    fn retention_forms() {
        let mut d = Diagnostics::default();
        for ok in ["1", "30d", "2w", "1y", "24h"] {
            assert!(Retention::decode(&json!(ok), "r", &mut d).is_some(), "{ok}");
        }
        assert!(Retention::decode(&json!(12), "r", &mut d).is_some());
        assert!(d.is_empty());
        for bad in ["0", "12h", "30x", "thirty", "30m"] {
            assert!(
                Retention::decode(&json!(bad), "r", &mut d).is_none(),
                "{bad}"
            );
        }
    }

    #[test]
    fn urls() {
        assert_eq!(url_problem("http://vminsert-x.ns.svc:8480"), None);
        assert_eq!(url_problem("https://h/p?q=1"), None);
        assert!(url_problem("vminsert:8480").is_some());
        assert!(url_problem("ftp://h").is_some());
        assert!(url_problem("http://:80").is_some());
        assert!(url_problem("http://h:99999").is_some());
        let mut d = Diagnostics::default();
        assert!(Url::decode(&json!("${ENDPOINT}"), "u", &mut d).is_some());
        assert!(Url::decode(&json!("http://${HOST}:8480"), "u", &mut d).is_some());
        assert!(d.is_empty());
        assert!(Url::decode(&json!("${HOST}:8480"), "u", &mut d).is_none());
    }

    #[test]
    fn names() {
        assert!(dns_label_problem("victoria-metrics").is_none());
        assert!(dns_label_problem("Victoria").is_some());
        assert!(dns_label_problem("-a").is_some());
        assert!(dns_label_problem(&"a".repeat(64)).is_some());
    }

    #[test]
    fn flags_without_dashes() {
        let mut d = Diagnostics::default();
        let a = ExtraArgs::decode(
            &json!({"-dedup.minScrapeInterval": "30s", "x": 5}),
            "e",
            &mut d,
        )
        .unwrap();
        assert_eq!(a.0, vec![("x".to_string(), "5".to_string())]);
        assert_eq!(d.list[0].code, Code::InvalidFlag);
        assert_eq!(d.list[0].proposed, Some(json!("dedup.minScrapeInterval")));
    }

    #[test]
    fn request_above_limit_is_rejected() {
        let mut d = Diagnostics::default();
        let v = json!({"requests": {"memory": "2Gi"}, "limits": {"memory": "1Gi"}});
        Resources::decode(&v, "r", &mut d);
        assert_eq!(d.list[0].path, "r.requests.memory");
    }
}
