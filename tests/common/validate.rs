//! A strict validator for the Kubernetes objects vmstack emits, for integration tests.
//!
//! Custom resources are checked against the kubeconform-layout JSON schemas in `shared/schemas/`;
//! the handful of core kinds vmstack emits are checked through a k8s-openapi round trip; metadata
//! is checked by hand for every kind; and the `values` of a victoria-metrics-k8s-stack HelmRelease
//! are checked against the chart's own `values.yaml` and, below each component's `spec`, against
//! the matching CRD schema. Every check exists because the real target (API server, Helm, Flux)
//! would otherwise accept a mistake silently or reject it only at deploy time.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// Objects that are not cluster resources (host-side config and the intent itself): accepted
/// without any check, since no schema describes them and nothing applies them to a cluster.
pub const SKIPPED_KINDS: &[(&str, &str)] = &[
    ("kustomize.config.k8s.io/v1beta1", "Kustomization"),
    ("kpt.dev/v1", "Kptfile"),
    ("vmstack.dev/v1alpha1", "VictoriaMetricsStack"),
];

/// API versions the current controllers (Flux 2.9, External Secrets 2.9) no longer serve: the
/// shared schemas still hold some of them, but an object written with one is refused on apply.
pub const UNSERVED: &[(&str, &str)] = &[
    ("source.toolkit.fluxcd.io/v1beta2", "OCIRepository"),
    ("source.toolkit.fluxcd.io/v1beta2", "HelmRepository"),
    ("source.toolkit.fluxcd.io/v1beta2", "GitRepository"),
    ("helm.toolkit.fluxcd.io/v2beta1", "HelmRelease"),
    ("helm.toolkit.fluxcd.io/v2beta2", "HelmRelease"),
    ("kustomize.toolkit.fluxcd.io/v1beta1", "Kustomization"),
    ("kustomize.toolkit.fluxcd.io/v1beta2", "Kustomization"),
    ("external-secrets.io/v1beta1", "ExternalSecret"),
    ("external-secrets.io/v1beta1", "SecretStore"),
    ("external-secrets.io/v1beta1", "ClusterSecretStore"),
];

/// Core kinds with no JSON schema in `shared/schemas/`, checked by a k8s-openapi round trip instead.
/// Kept in step with `core_round_trip` (the harness asserts that every entry is dispatched).
pub const CORE_KINDS: &[(&str, &str)] = &[
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "Service"),
    ("v1", "Namespace"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("policy/v1", "PodDisruptionBudget"),
    ("apps/v1", "Deployment"),
];

/// Kinds with neither a JSON schema in `shared/schemas/` nor a k8s-openapi type, checked by a small
/// strict check written here from their API definition (see `hand_checked`). Never skipped.
pub const HAND_CHECKED_KINDS: &[(&str, &str)] =
    &[("multicluster.x-k8s.io/v1alpha1", "ServiceExport")];

/// The ObjectMeta fields a generated manifest may carry. Server-populated fields (uid,
/// resourceVersion, creationTimestamp, managedFields, …) have no business in generated output.
pub const OBJECT_META_KEYS: &[&str] = &[
    "name",
    "namespace",
    "labels",
    "annotations",
    "generateName",
    "finalizers",
    "ownerReferences",
];

/// Schema file names are lower-cased kinds, but the API server matches `kind` case-sensitively, so
/// the real spelling has to come from somewhere: this list. A schema whose kind is not listed here
/// still validates, only without the spelling check.
const CANONICAL_KINDS: &[&str] = &[
    "CiliumClusterwideNetworkPolicy",
    "CiliumNetworkPolicy",
    "ClusterSecretStore",
    "ExternalSecret",
    "SecretStore",
    "HelmRelease",
    "Kustomization",
    "PodMonitor",
    "PrometheusRule",
    "ServiceMonitor",
    "VMAgent",
    "VMAlert",
    "VMAlertmanager",
    "VMAlertmanagerConfig",
    "VMAuth",
    "VMCluster",
    "VMNodeScrape",
    "VMPodScrape",
    "VMProbe",
    "VMRule",
    "VMScrapeConfig",
    "VMServiceScrape",
    "VMSingle",
    "VMStaticScrape",
    "VMUser",
    "GitRepository",
    "HelmRepository",
    "OCIRepository",
];

/// Kinds that must not carry `metadata.namespace` (the API server would reject or ignore it, and
/// kustomize's namespace transformer treats it as a bug).
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "ClusterSecretStore",
    "CiliumClusterwideNetworkPolicy",
];

const VM_API_VERSION: &str = "operator.victoriametrics.com/v1beta1";

// ---------------------------------------------------------------------------------------------
// Flux variables and Kubernetes name syntax
// ---------------------------------------------------------------------------------------------

/// Whether `s` is exactly one Flux postBuild variable: `^\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-=][^}]*)?\}$`.
/// Written by hand because the crate has no regex dependency.
pub fn is_flux_var(s: &str) -> bool {
    let Some(inner) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) else {
        return false;
    };
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at(name_len);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    rest.starts_with(['-', '=']) && !rest.contains('}')
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, the shape shared by DNS-1123 labels and subdomain parts.
fn is_dns_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

pub fn is_dns1123_label(s: &str) -> bool {
    s.len() <= 63 && is_dns_part(s)
}

pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns_part)
}

/// Service names: a DNS-1035 label, i.e. a DNS-1123 label that starts with a letter.
pub fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.starts_with(|c: char| c.is_ascii_lowercase())
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63 characters: a label value, and the name
/// part of a label or annotation key.
fn is_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// Label and annotation keys (and finalizers): `[prefix/]name`, prefix a DNS subdomain.
pub fn is_qualified_name(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => is_dns1123_subdomain(prefix) && is_qualified_name_part(name),
        None => is_qualified_name_part(s),
    }
}

pub fn is_label_value(s: &str) -> bool {
    s.is_empty() || is_qualified_name_part(s)
}

/// ConfigMap and Secret keys: `[-._a-zA-Z0-9]+`, at most 253 characters.
fn is_config_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// The `cidr` format Kubernetes OpenAPI uses (Cilium schemas); jsonschema does not know it, and
/// unknown formats are silently accepted, so it is registered explicitly.
fn is_cidr(s: &str) -> bool {
    let Some((ip, bits)) = s.split_once('/') else {
        return false;
    };
    let Ok(bits) = bits.parse::<u8>() else {
        return false;
    };
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => bits <= 32,
        Ok(std::net::IpAddr::V6(_)) => bits <= 128,
        Err(_) => false,
    }
}

/// The `byte` format (base64 with padding, as the API server decodes it).
fn is_base64(s: &str) -> bool {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return false;
    }
    let body = s.trim_end_matches('=');
    b.len() - body.len() <= 2
        && body
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
}

/// CRD patterns are Go RE2 regexes; JSON Schema patterns are ECMA-262, and jsonschema refuses to
/// compile a schema whose pattern is not valid ECMA. Two RE2-only constructs occur in the shared
/// schemas: one-letter Unicode classes (`\PC`, Cilium) and a leading `(?i)` (PrometheusRule).
/// Rewrite them into the ECMA equivalent rather than drop the pattern, so the check stays.
fn translate_patterns(node: &mut Value, file: &Path) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(p)) = map.get_mut("pattern") {
                *p = go_regex_to_ecma(p).unwrap_or_else(|| {
                    panic!(
                        "{}: pattern {p:?} uses Go regex syntax this harness cannot translate",
                        file.display()
                    )
                });
            }
            for v in map.values_mut() {
                translate_patterns(v, file);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| translate_patterns(v, file)),
        _ => {}
    }
}

fn go_regex_to_ecma(pattern: &str) -> Option<String> {
    let (anchor, rest) = pattern
        .strip_prefix('^')
        .map_or(("", pattern), |r| ("^", r));
    let (fold, body) = rest
        .strip_prefix("(?i)")
        .map_or((false, rest), |r| (true, r));
    // Any other `(?flags)` group: not translated, so refuse loudly rather than mis-translate.
    if body
        .match_indices("(?")
        .any(|(i, _)| !body[i + 2..].starts_with([':', '=', '!', '<']))
    {
        return None;
    }
    if fold && body.contains('[') {
        return None; // case-folding a character class is not implemented
    }
    let mut out = String::from(anchor);
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next()?;
                out.push('\\');
                out.push(next);
                // `\pL` / `\PL`: RE2 allows one-letter names without braces, ECMA does not.
                if matches!(next, 'p' | 'P')
                    && chars.peek().is_some_and(|c| c.is_ascii_alphabetic())
                {
                    out.push('{');
                    out.push(chars.next()?);
                    out.push('}');
                }
            }
            c if fold && c.is_ascii_alphabetic() => {
                out.push('[');
                out.push(c.to_ascii_lowercase());
                out.push(c.to_ascii_uppercase());
                out.push(']');
            }
            c => out.push(c),
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn join_pointer(ptr: &str, key: &str) -> String {
    format!("{ptr}/{}", escape_pointer(key))
}

/// Splits a JSON pointer into segments, using the instance to tell list indices from map keys
/// that merely look numeric.
fn pointer_segments(inst: &Value, ptr: &str) -> Vec<Seg> {
    let mut cur = Some(inst);
    let mut out = Vec::new();
    for raw in ptr.split('/').skip(1) {
        let key = raw.replace("~1", "/").replace("~0", "~");
        let seg = match (cur, key.parse::<usize>()) {
            (Some(Value::Array(_)), Ok(i)) => Seg::Index(i),
            _ => Seg::Key(key),
        };
        cur = match (&seg, cur) {
            (Seg::Index(i), Some(Value::Array(a))) => a.get(*i),
            (Seg::Key(k), Some(Value::Object(m))) => m.get(k),
            _ => None,
        };
        out.push(seg);
    }
    out
}

/// `a.b[0].c`; keys that would make the dotted form ambiguous are quoted: `groups["k8s.rules"]`.
fn dotted(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Index(i) => {
                let _ = write!(s, "[{i}]");
            }
            Seg::Key(k) if k.is_empty() || k.contains(['.', '[', ']', '"']) => {
                let _ = write!(s, "[{k:?}]");
            }
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
        }
    }
    s
}

/// Matches a key-only path against a dotted pattern where `*` stands for any one key.
fn path_matches(path: &[Seg], pattern: &str) -> bool {
    let pat: Vec<&str> = pattern.split('.').collect();
    pat.len() == path.len()
        && pat.iter().zip(path).all(|(p, seg)| match seg {
            Seg::Key(k) => *p == "*" || p == k,
            Seg::Index(_) => false,
        })
}

fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lw = word.to_ascii_lowercase();
    let score = |c: &str| {
        let lc = c.to_ascii_lowercase();
        let (short, long) = if lc.len() <= lw.len() {
            (&lc, &lw)
        } else {
            (&lw, &lc)
        };
        // `vmalertmanager` means `alertmanager` more than `vmalert`: a long shared substring wins
        // over the shared prefix jaro-winkler favours.
        if short.len() >= 4 && long.contains(short.as_str()) {
            0.9 + 0.1 * short.len() as f64 / long.len() as f64
        } else {
            strsim::jaro_winkler(&lw, &lc)
        }
    };
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (score(c), c))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn did_you_mean(s: Option<&str>) -> String {
    s.map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "map",
    }
}

fn shorten(mut s: String) -> String {
    // jsonschema quotes the failing instance in its messages; for a map that can be the whole spec.
    const MAX: usize = 300;
    if s.len() > MAX {
        let mut cut = MAX;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Schema walking: Flux variables and Kubernetes list types
// ---------------------------------------------------------------------------------------------

/// The schema nodes that apply at one instance location: the node and, recursively, every branch
/// of allOf/anyOf/oneOf. The shared schemas use no `$ref`, so this is all the resolution needed.
fn flatten<'a>(node: &'a Value, out: &mut Vec<&'a Value>) {
    out.push(node);
    for kw in ["allOf", "anyOf", "oneOf"] {
        for branch in node.get(kw).and_then(Value::as_array).into_iter().flatten() {
            flatten(branch, out);
        }
    }
}

fn child_for_key<'a>(nodes: &[&'a Value], key: &str) -> Vec<&'a Value> {
    let mut out = Vec::new();
    for n in nodes {
        if let Some(p) = n.get("properties").and_then(|p| p.get(key)) {
            flatten(p, &mut out);
        } else if let Some(ap) = n.get("additionalProperties").filter(|v| v.is_object()) {
            flatten(ap, &mut out);
        }
    }
    out
}

fn child_for_item<'a>(nodes: &[&'a Value]) -> Vec<&'a Value> {
    let mut out = Vec::new();
    for n in nodes {
        if let Some(items) = n.get("items").filter(|v| v.is_object()) {
            flatten(items, &mut out);
        }
    }
    out
}

fn nodes_at<'a>(root: &'a Value, path: &[Seg]) -> Vec<&'a Value> {
    let mut nodes = Vec::new();
    flatten(root, &mut nodes);
    for seg in path {
        nodes = match seg {
            Seg::Key(k) => child_for_key(&nodes, k),
            Seg::Index(_) => child_for_item(&nodes),
        };
    }
    nodes
}

#[derive(Default)]
struct Prepared {
    /// Locations holding a Flux variable where the schema wants a constrained string (pattern,
    /// enum-less format, length). No placeholder can be derived from an arbitrary regex, and after
    /// substitution the value may well match, so errors exactly there are not reported.
    unverifiable: HashSet<String>,
    /// Problems the API server reports but JSON schema cannot express (list-type uniqueness).
    problems: Vec<(String, String)>,
}

/// Walks the instance beside its schema, replacing Flux variables in non-string positions by a
/// placeholder of the right type, and checking `x-kubernetes-list-type`.
///
/// Why placeholders: Flux substitutes `${VAR}` as text after the build, so `replicaCount: ${N}`
/// becomes a number on the cluster, but here it is still the string "${N}" and would fail
/// `type: integer`. Replacing it by a value of the type (and within the bounds) the schema wants
/// lets the rest of the object be validated as usual, instead of dropping the whole object or
/// accepting any type error anywhere.
fn prepare(nodes: &[&Value], inst: &mut Value, ptr: &str, out: &mut Prepared) {
    if is_opaque(nodes) {
        check_embedded_core(inst, ptr, &mut out.problems);
        return;
    }
    match inst {
        Value::String(s) if is_flux_var(s) => {
            if let Some(placeholder) = var_placeholder(nodes, ptr, out) {
                *inst = placeholder;
            }
        }
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let child = child_for_key(nodes, k);
                if !child.is_empty() {
                    prepare(&child, v, &join_pointer(ptr, k), out);
                }
            }
        }
        Value::Array(items) => {
            // Before descending: placeholders could make distinct variables look like duplicates.
            check_list_type(nodes, items, ptr, out);
            let child = child_for_item(nodes);
            if !child.is_empty() {
                for (i, v) in items.iter_mut().enumerate() {
                    prepare(&child, v, &format!("{ptr}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}

/// A location the schema does not describe at all (`x-kubernetes-preserve-unknown-fields` with no
/// properties or items): the operator CRDs leave embedded core types (containers, volumes, probes,
/// affinity, PVC templates, …) like this to keep the CRD small, so the schema accepts any typo there.
fn is_opaque(nodes: &[&Value]) -> bool {
    !nodes.is_empty()
        && nodes
            .iter()
            .any(|n| n.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true)))
        && nodes.iter().all(|n| {
            n.get("properties").is_none()
                && n.get("items").is_none()
                && !n.get("additionalProperties").is_some_and(Value::is_object)
        })
}

/// The core type an opaque location holds, recognised by its field name (the same names in every
/// VictoriaMetrics CRD). `securityContext` is left out on purpose: the operator's type merges the
/// pod and container security contexts, which no single k8s-openapi type matches.
fn check_embedded_core(value: &Value, ptr: &str, out: &mut Vec<(String, String)>) {
    use k8s_openapi::api::core::v1 as core;
    let mut segs = ptr.rsplit('/');
    let last = segs.next().unwrap_or("");
    let parent = segs.next().unwrap_or("");
    let (field, item) = if last.parse::<usize>().is_ok() {
        (parent, true)
    } else {
        (last, false)
    };
    let result = match (field, item) {
        ("affinity", false) => round_trip::<core::Affinity>(value),
        ("containers" | "initContainers", true) => round_trip::<core::Container>(value),
        ("livenessProbe" | "readinessProbe" | "startupProbe", false) => {
            round_trip::<core::Probe>(value)
        }
        ("topologySpreadConstraints", true) => round_trip::<core::TopologySpreadConstraint>(value),
        ("volumes", true) => round_trip::<core::Volume>(value),
        ("volumeClaimTemplate", false) | ("claimTemplates", true) => {
            round_trip::<core::PersistentVolumeClaim>(value)
        }
        ("spec", false) if parent == "serviceSpec" => round_trip::<core::ServiceSpec>(value),
        _ => return,
    };
    match result {
        Ok(output) => {
            let mut p = ptr.to_string();
            round_trip_diff(value, Some(&output), &mut p, out);
            check_quantities(value, ptr, false, out);
        }
        Err(e) => out.push((
            ptr.to_string(),
            format!("does not deserialize as the Kubernetes type {field} holds: {e}"),
        )),
    }
}

fn var_placeholder(nodes: &[&Value], ptr: &str, out: &mut Prepared) -> Option<Value> {
    let mut types: HashSet<&str> = HashSet::new();
    let mut string_constrained = false;
    let mut string_enum = None;
    let mut number_enum = None;
    let mut minimum = None;
    let mut maximum = None;
    for n in nodes {
        let own_types: Vec<&str> = match n.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        types.extend(&own_types);
        if n.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
            types.extend(["integer", "string"]);
        }
        // `format: int32` on an integer node says nothing about strings; only count keywords that
        // constrain a string value.
        let applies_to_strings = own_types.is_empty() || own_types.contains(&"string");
        if n.get("pattern").is_some()
            || n.get("enum").is_some()
            || n.get("minLength").is_some()
            || n.get("maxLength").is_some()
            || (applies_to_strings && n.get("format").is_some())
        {
            string_constrained = true;
        }
        for e in n
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if e.is_string() && string_enum.is_none() {
                string_enum = Some(e.clone());
            }
            if e.is_number() && number_enum.is_none() {
                number_enum = Some(e.clone());
            }
        }
        minimum = minimum.or_else(|| n.get("minimum").and_then(Value::as_f64));
        maximum = maximum.or_else(|| n.get("maximum").and_then(Value::as_f64));
    }
    if types.is_empty() || (types.contains("string") && !string_constrained) {
        return None; // any value, or any string: the variable is fine as it is
    }
    if types.contains("integer") || types.contains("number") {
        if let Some(e) = number_enum {
            return Some(e);
        }
        let lo = minimum.map_or(0.0, f64::ceil);
        let v = maximum.map_or(lo, |m| lo.min(m.floor()));
        return Some(json!(v as i64));
    }
    if types.contains("boolean") {
        return Some(Value::Bool(true));
    }
    if types.contains("string") {
        if let Some(e) = string_enum {
            return Some(e);
        }
        out.unverifiable.insert(ptr.to_string());
    }
    // Only object/array/null allowed: leave the string, the schema reports the type error.
    None
}

fn check_list_type(nodes: &[&Value], items: &[Value], ptr: &str, out: &mut Prepared) {
    let Some(node) = nodes
        .iter()
        .find(|n| n.get("x-kubernetes-list-type").is_some())
    else {
        return;
    };
    let list_type = node["x-kubernetes-list-type"].as_str().unwrap_or("");
    let keys: Vec<&str> = node
        .get("x-kubernetes-list-map-keys")
        .and_then(Value::as_array)
        .map(|ks| ks.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let identity = match list_type {
            "map" => keys
                .iter()
                .map(|k| format!("{k}={}", item.get(*k).unwrap_or(&Value::Null)))
                .collect::<Vec<_>>()
                .join(","),
            "set" => item.to_string(),
            _ => return,
        };
        if let Some(first) = seen.get(&identity) {
            out.problems.push((
                format!("{ptr}/{i}"),
                format!(
                    "duplicate entry in a list of type `{list_type}` ({identity}, first at index {first}); the API server rejects this"
                ),
            ));
        } else {
            seen.insert(identity, i);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The validator
// ---------------------------------------------------------------------------------------------

struct CrdSchema {
    /// The correct spelling of the kind, when known (see `CANONICAL_KINDS`).
    kind: Option<&'static str>,
    raw: Value,
    compiled: jsonschema::Validator,
}

/// One schema violation, located by JSON pointer into the validated instance.
struct SchemaProblem {
    ptr: String,
    msg: String,
    /// A `required` failure: chart-values checks need to tell these apart (the chart fills in
    /// required fields itself, see `RequiredPolicy`).
    required: bool,
}

/// Compiled schemas for every kind under `shared/schemas/`, plus the core-kind and metadata rules.
pub struct Validator {
    shared: PathBuf,
    /// Keyed by (apiVersion, lower-case kind), the kubeconform file layout.
    schemas: HashMap<(String, String), CrdSchema>,
}

/// The validator for `require_shared()`'s folder, compiled once per test binary; `None` (after the
/// loud message) when the folder is missing outside CI.
pub fn shared_validator() -> Option<&'static Validator> {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    let dir = super::shared::require_shared()?;
    Some(VALIDATOR.get_or_init(|| Validator::load(&dir)))
}

fn object_id(obj: &Value) -> String {
    let kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("<no kind>");
    let ns = obj
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("-");
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("<no name>");
    format!("{kind}/{ns}/{name}")
}

impl Validator {
    /// Compiles every `shared/schemas/<group>/<kind>_<version>.json`. Panics on any unreadable or
    /// uncompilable schema: a test helper that quietly dropped a schema would report its kind as
    /// "no schema" at best, and at worst check less than it claims.
    pub fn load(shared: &Path) -> Validator {
        let root = shared.join("schemas");
        let mut schemas = HashMap::new();
        let groups = std::fs::read_dir(&root)
            .unwrap_or_else(|e| panic!("cannot read schema folder {}: {e}", root.display()));
        for group in groups {
            let group = group.expect("readable schema folder entry").path();
            if !group.is_dir() {
                continue; // LICENSE
            }
            let group_name = group.file_name().unwrap().to_string_lossy().into_owned();
            for file in std::fs::read_dir(&group).expect("readable schema group folder") {
                let file = file.expect("readable schema file entry").path();
                if file.extension().and_then(|e| e.to_str()) != Some("json") {
                    continue;
                }
                let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
                let (kind_lc, version) = stem.rsplit_once('_').unwrap_or_else(|| {
                    panic!(
                        "schema file {} is not <kind>_<version>.json",
                        file.display()
                    )
                });
                let text = std::fs::read_to_string(&file)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
                let mut raw: Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{} is not JSON: {e}", file.display()));
                translate_patterns(&mut raw, &file);
                // The files carry no `$schema`. They use only keywords whose meaning is the same in
                // draft 7 and 2020-12 (no `$ref`, no tuple `items`); draft 7 is pinned so an
                // upgrade of the crate's default draft cannot change what they mean. Formats are
                // asserted, as the API server does for the ones it knows. `idn-hostname` (Cilium's
                // L7 `host`) is not one of them (kube-openapi's strfmt registry has no such format),
                // and without jsonschema's `idna` feature it is ignored here too, as there.
                let compiled = jsonschema::draft7::options()
                    .should_validate_formats(true)
                    .with_format("cidr", is_cidr)
                    .with_format("byte", is_base64)
                    .build(&raw)
                    .unwrap_or_else(|e| panic!("schema {} does not compile: {e}", file.display()));
                let kind = CANONICAL_KINDS
                    .iter()
                    .copied()
                    .find(|k| k.eq_ignore_ascii_case(kind_lc));
                schemas.insert(
                    (
                        format!("{group_name}/{version}"),
                        kind_lc.to_ascii_lowercase(),
                    ),
                    CrdSchema {
                        kind,
                        raw,
                        compiled,
                    },
                );
            }
        }
        assert!(
            !schemas.is_empty(),
            "no schemas found under {}",
            root.display()
        );
        Validator {
            shared: shared.to_path_buf(),
            schemas,
        }
    }

    /// The (apiVersion, kind) pairs that have a JSON schema, for reports and tests.
    pub fn schema_kinds(&self) -> Vec<(String, String)> {
        let mut v: Vec<_> = self
            .schemas
            .iter()
            .map(|((av, k), s)| (av.clone(), s.kind.map_or_else(|| k.clone(), str::to_string)))
            .collect();
        v.sort();
        v
    }

    fn schema(&self, api_version: &str, kind: &str) -> Option<&CrdSchema> {
        self.schemas
            .get(&(api_version.to_string(), kind.to_ascii_lowercase()))
    }

    /// Validates one object. Every error names the object (`Kind/namespace/name`, `-` for no
    /// namespace) and the JSON pointer of the failing field.
    pub fn validate(&self, obj: &Value) -> Result<(), Vec<String>> {
        let id = object_id(obj);
        let mut problems: Vec<(String, String)> = Vec::new();
        let Some(map) = obj.as_object() else {
            return Err(vec![format!("{id}: /: not a map but a {}", type_name(obj))]);
        };
        let api_version = map.get("apiVersion").and_then(Value::as_str);
        let kind = map.get("kind").and_then(Value::as_str);
        let (Some(api_version), Some(kind)) = (api_version, kind) else {
            return Err(vec![format!(
                "{id}: /: apiVersion and kind must both be strings"
            )]);
        };
        if SKIPPED_KINDS.contains(&(api_version, kind)) {
            return Ok(());
        }
        if UNSERVED.contains(&(api_version, kind)) {
            return Err(vec![format!(
                "{id}: /apiVersion: {api_version} {kind} is no longer served by the current controllers"
            )]);
        }
        check_metadata(kind, map.get("metadata"), &mut problems);
        if let Some(schema) = self.schema(api_version, kind) {
            if let Some(canonical) = schema.kind.filter(|k| *k != kind) {
                problems.push((
                    "/kind".into(),
                    format!("`{kind}` must be spelled `{canonical}`"),
                ));
            }
            problems.extend(
                self.schema_problems(schema, obj)
                    .into_iter()
                    .map(|p| (p.ptr, p.msg)),
            );
        } else if let Some(result) = core_round_trip(api_version, kind, obj) {
            match result {
                Ok(out) => round_trip_diff(obj, Some(&out), &mut String::new(), &mut problems),
                Err(e) => problems.push((
                    "/".into(),
                    format!("does not deserialize as k8s-openapi {api_version} {kind}: {e}"),
                )),
            }
            core_semantics(kind, map, &mut problems);
            if kind == "Deployment" {
                check_quantities(obj, "", false, &mut problems);
            }
        } else if HAND_CHECKED_KINDS.contains(&(api_version, kind)) {
            hand_checked(kind, map, &mut problems);
        } else {
            problems.push((
                "/".into(),
                format!(
                    "no schema for {api_version} {kind}: neither in shared/schemas/ nor a core kind this validator knows"
                ),
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems
                .into_iter()
                .map(|(ptr, msg)| {
                    format!("{id}: {}: {msg}", if ptr.is_empty() { "/" } else { &ptr })
                })
                .collect())
        }
    }

    /// Validates every object, then the cross-object rules: no two objects with the same identity,
    /// and the values of each victoria-metrics-k8s-stack HelmRelease against the chart (when the
    /// chart version can be read from the objects; otherwise it says so on stderr).
    pub fn validate_all(&self, objs: &[Value]) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen: HashMap<(String, String, String, String), usize> = HashMap::new();
        for (i, obj) in objs.iter().enumerate() {
            if let Err(errs) = self.validate(obj) {
                out.extend(errs);
            }
            let group = obj
                .get("apiVersion")
                .and_then(Value::as_str)
                .map(|av| av.rsplit_once('/').map_or("", |(g, _)| g).to_string())
                .unwrap_or_default();
            let key = (
                group,
                obj.get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                obj.pointer("/metadata/namespace")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                obj.pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            );
            if let Some(first) = seen.insert(key, i) {
                out.push(format!(
                    "{}: /: same group, kind, namespace and name as object #{first}; one would overwrite the other",
                    object_id(obj)
                ));
            }
        }
        for hr in objs.iter().filter(|o| {
            o.get("kind").and_then(Value::as_str) == Some("HelmRelease")
                && o.get("apiVersion")
                    .and_then(Value::as_str)
                    .is_some_and(|av| av.starts_with("helm.toolkit.fluxcd.io/"))
        }) {
            out.extend(self.helm_release_values_problems(hr, objs));
        }
        out
    }

    fn helm_release_values_problems(&self, hr: &Value, objs: &[Value]) -> Vec<String> {
        let id = object_id(hr);
        let version = match k8s_stack_version(hr, objs) {
            ChartVersion::NotK8sStack => return vec![],
            ChartVersion::Unknown(why) => {
                super::shared::loud(&format!(
                    "=== NOT CHECKED: values of {id} (victoria-metrics-k8s-stack): {why}. Call \
                     chart_values_problems with an explicit chart version to check them. ==="
                ));
                return vec![];
            }
            ChartVersion::Pinned(v) => v,
        };
        let Some(file) = self.chart_values_file(&version) else {
            return vec![format!(
                "{id}: /spec: victoria-metrics-k8s-stack {version} has no values.yaml (nor one of the same minor version) in {}; its values cannot be checked",
                self.shared.join("chart").display()
            )];
        };
        let empty = Value::Object(Map::new());
        let values = hr.pointer("/spec/values").unwrap_or(&empty);
        chart_values_problems(values, &file, self)
            .into_iter()
            .map(|p| format!("{id}: spec.values.{p}"))
            .collect()
    }

    /// `shared/chart/k8s-stack-<version>-values.yaml`, or the newest patch release of the same
    /// minor version (with a note on stderr): values keys do not change within a patch line.
    pub fn chart_values_file(&self, version: &str) -> Option<PathBuf> {
        let dir = self.shared.join("chart");
        let exact = dir.join(format!("k8s-stack-{version}-values.yaml"));
        if exact.is_file() {
            return Some(exact);
        }
        let minor = version.rsplit_once('.').map(|(m, _)| format!("{m}."))?;
        let best = std::fs::read_dir(&dir)
            .ok()?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|n| {
                let v = n.strip_prefix("k8s-stack-")?.strip_suffix("-values.yaml")?;
                let patch: u64 = v.strip_prefix(&minor)?.parse().ok()?;
                Some((patch, n))
            })
            .max()?;
        super::shared::loud(&format!(
            "note: no values.yaml for victoria-metrics-k8s-stack {version}; checking against {}",
            best.1
        ));
        Some(dir.join(best.1))
    }

    fn schema_problems(&self, schema: &CrdSchema, obj: &Value) -> Vec<SchemaProblem> {
        let mut problems = Vec::new();
        // The root of every schema lacks `additionalProperties: false` (only nested objects have
        // it), so a misspelt top-level field (`spce:`) would pass unnoticed. Close that gap here.
        if let (Some(props), Some(map)) = (
            schema.raw.get("properties").and_then(Value::as_object),
            obj.as_object(),
        ) {
            for key in map.keys().filter(|k| !props.contains_key(*k)) {
                problems.push(SchemaProblem {
                    ptr: join_pointer("", key),
                    msg: format!(
                        "unknown top-level field{}",
                        did_you_mean(suggest(key, props.keys().map(String::as_str)))
                    ),
                    required: false,
                });
            }
        }
        let mut inst = obj.clone();
        let mut prepared = Prepared::default();
        let mut root = Vec::new();
        flatten(&schema.raw, &mut root);
        prepare(&root, &mut inst, "", &mut prepared);
        problems.extend(
            prepared
                .problems
                .into_iter()
                .map(|(ptr, msg)| SchemaProblem {
                    ptr,
                    msg,
                    required: false,
                }),
        );
        for err in schema.compiled.iter_errors(&inst) {
            let ptr = err.instance_path().as_str().to_string();
            if prepared.unverifiable.contains(&ptr) {
                continue;
            }
            match err.kind() {
                // One problem per unexpected field, located at the field itself rather than at
                // its parent, so the message names the path the author has to fix.
                jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                    let nodes = nodes_at(&schema.raw, &pointer_segments(&inst, &ptr));
                    let known: Vec<&str> = nodes
                        .iter()
                        .filter_map(|n| n.get("properties").and_then(Value::as_object))
                        .flat_map(|p| p.keys().map(String::as_str))
                        .collect();
                    for field in unexpected {
                        problems.push(SchemaProblem {
                            ptr: join_pointer(&ptr, field),
                            msg: format!(
                                "unknown field (the schema allows no such key here){}",
                                did_you_mean(suggest(field, known.iter().copied()))
                            ),
                            required: false,
                        });
                    }
                }
                kind => problems.push(SchemaProblem {
                    required: matches!(
                        kind,
                        jsonschema::error::ValidationErrorKind::Required { .. }
                    ),
                    ptr,
                    msg: shorten(err.to_string()),
                }),
            }
        }
        problems
    }
}

// ---------------------------------------------------------------------------------------------
// Core kinds: k8s-openapi round trip
// ---------------------------------------------------------------------------------------------

fn round_trip<T: DeserializeOwned + Serialize>(obj: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(obj.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

/// `None` when the kind is not a core kind known here.
fn core_round_trip(api_version: &str, kind: &str, obj: &Value) -> Option<Result<Value, String>> {
    use k8s_openapi::api::{
        apps::v1 as apps, core::v1 as core, networking::v1 as net, policy::v1 as policy,
    };
    Some(match (api_version, kind) {
        ("v1", "ConfigMap") => round_trip::<core::ConfigMap>(obj),
        ("v1", "Secret") => round_trip::<core::Secret>(obj),
        ("v1", "Service") => round_trip::<core::Service>(obj),
        ("v1", "Namespace") => round_trip::<core::Namespace>(obj),
        ("networking.k8s.io/v1", "NetworkPolicy") => round_trip::<net::NetworkPolicy>(obj),
        ("policy/v1", "PodDisruptionBudget") => round_trip::<policy::PodDisruptionBudget>(obj),
        ("apps/v1", "Deployment") => round_trip::<apps::Deployment>(obj),
        _ => return None,
    })
}

/// Whether `kind` is dispatched by the round trip (used by the harness to keep `CORE_KINDS` honest).
pub fn is_round_trip_kind(api_version: &str, kind: &str) -> bool {
    let probe = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "probe"}});
    core_round_trip(api_version, kind, &probe).is_some()
}

/// k8s-openapi drops fields it does not know, so every field of the input that is missing or
/// different after deserialize → serialize is a field the API server would reject (or, with
/// client-side apply, silently drop).
///
/// Harmless normalisations that must not count:
/// - `null` in the input: the API server treats it as "unset" (k8s-openapi turns it into `None`,
///   which is then not serialised), e.g. `creationTimestamp: null` in a pod template.
/// - A number where the output has a string of the same text: `resource.Quantity` accepts JSON
///   numbers (`cpu: 1`) and k8s-openapi stores them as the string "1".
/// - Empty maps and lists survive (`Option<BTreeMap>` / `Option<Vec>` come back as `{}` / `[]`), and
///   IntOrString keeps its int or string form, so neither needs special handling; fields the output
///   has but the input lacks (required lists serialised empty) are not the input's problem.
fn round_trip_diff(
    input: &Value,
    output: Option<&Value>,
    ptr: &mut String,
    out: &mut Vec<(String, String)>,
) {
    match (input, output) {
        (Value::Null, _) => {}
        (_, None) => out.push((
            ptr.clone(),
            "unknown field: the Kubernetes type has no such field".into(),
        )),
        (Value::Object(a), Some(Value::Object(b))) => {
            let len = ptr.len();
            for (k, v) in a {
                ptr.push('/');
                ptr.push_str(&escape_pointer(k));
                let sibling = b.get(k);
                if sibling.is_none() && !v.is_null() {
                    let hint = suggest(k, b.keys().map(String::as_str));
                    out.push((
                        ptr.clone(),
                        format!(
                            "unknown field: the Kubernetes type has no such field{}",
                            did_you_mean(hint)
                        ),
                    ));
                } else {
                    round_trip_diff(v, sibling, ptr, out);
                }
                ptr.truncate(len);
            }
        }
        (Value::Array(a), Some(Value::Array(b))) => {
            let len = ptr.len();
            for (i, v) in a.iter().enumerate() {
                let _ = write!(ptr, "/{i}");
                round_trip_diff(v, b.get(i), ptr, out);
                ptr.truncate(len);
            }
        }
        (Value::Number(n), Some(Value::String(s))) if n.to_string() == *s => {}
        (a, Some(b)) if a == b => {}
        (a, Some(b)) => out.push((
            ptr.clone(),
            shorten(format!(
                "value does not survive the Kubernetes type: {a} became {b}"
            )),
        )),
    }
}

/// `resource.Quantity` syntax: `[+-]number[suffix]`, suffix a binary SI (Ki…Ei), decimal SI
/// (m, k, M, G, T, P, E) or exponent (e3). k8s-openapi keeps a Quantity as an unchecked string, so
/// without this `memory: 1GB` (not a quantity) would pass the round trip.
pub fn is_quantity(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let num_len = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (num, suffix) = body.split_at(num_len);
    let number_ok = |n: &str| {
        let mut parts = n.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        !n.is_empty()
            && !n.contains("..")
            && n != "."
            && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()))
            && !frac.is_some_and(|f| f.contains('.'))
    };
    if !number_ok(num) {
        return false;
    }
    match suffix {
        "" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" | "m" | "k" | "M" | "G" | "T" | "P" | "E" => {
            true
        }
        exp => exp
            .strip_prefix(['e', 'E'])
            .map(|e| e.strip_prefix(['+', '-']).unwrap_or(e))
            .is_some_and(|e| !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit())),
    }
}

/// Checks quantity syntax where core types hold quantities: the values of `requests`, `limits`
/// (resource requirements, also inside PVC specs) and `sizeLimit`.
fn check_quantities(
    value: &Value,
    ptr: &str,
    quantity_here: bool,
    out: &mut Vec<(String, String)>,
) {
    match value {
        Value::String(s) if quantity_here && !is_flux_var(s) && !is_quantity(s) => {
            out.push((
                ptr.to_string(),
                format!("{s:?} is not a Kubernetes quantity (like 500m, 1Gi, 20G)"),
            ));
        }
        Value::Object(map) => {
            let parent = ptr.rsplit('/').next().unwrap_or("");
            let values_are_quantities = parent == "requests" || parent == "limits";
            // Metadata maps are free text whose keys could be anything, including "limits".
            for (k, v) in map.iter().filter(|(k, _)| *k != "metadata") {
                check_quantities(
                    v,
                    &join_pointer(ptr, k),
                    values_are_quantities || k == "sizeLimit",
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_quantities(v, &format!("{ptr}/{i}"), false, out);
            }
        }
        _ => {}
    }
}

/// Rules of the core kinds that the types cannot express.
/// The MCS-API ServiceExport (KEP-1645, `multicluster.x-k8s.io/v1alpha1`): namespaced, named like
/// the Service it exports; its spec has no fields (an empty map, or absent) and `status` is the
/// controller's. Anything else is a field the API server would prune or reject.
fn hand_checked(kind: &str, obj: &Map<String, Value>, out: &mut Vec<(String, String)>) {
    match kind {
        "ServiceExport" => {
            for key in obj.keys() {
                if !["apiVersion", "kind", "metadata", "spec"].contains(&key.as_str()) {
                    out.push((
                        join_pointer("", key),
                        "unknown field: a ServiceExport has only metadata and an empty spec".into(),
                    ));
                }
            }
            match obj.get("spec") {
                None => {}
                Some(Value::Object(m)) if m.is_empty() => {}
                Some(_) => out.push((
                    "/spec".into(),
                    "a ServiceExport's spec has no fields: it must be {} or absent".into(),
                )),
            }
            if obj
                .get("metadata")
                .and_then(|m| m.get("namespace"))
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                out.push((
                    "/metadata/namespace".into(),
                    "missing: a ServiceExport lives in the namespace of the Service it exports"
                        .into(),
                ));
            }
        }
        other => out.push(("/".into(), format!("no hand check for {other}"))),
    }
}

fn core_semantics(kind: &str, obj: &Map<String, Value>, out: &mut Vec<(String, String)>) {
    match kind {
        "ConfigMap" | "Secret" => {
            let mut seen = HashSet::new();
            for field in ["data", "binaryData", "stringData"] {
                let Some(map) = obj.get(field).and_then(Value::as_object) else {
                    continue;
                };
                for key in map.keys() {
                    if !is_config_key(key) {
                        out.push((
                            join_pointer(&format!("/{field}"), key),
                            "invalid key: must match [-._a-zA-Z0-9]+, at most 253 characters"
                                .into(),
                        ));
                    }
                    // stringData is merged into data by the API server, so an overlap there is
                    // legal; ConfigMap's data and binaryData must not share keys.
                    if kind == "ConfigMap" && !seen.insert(key.clone()) {
                        out.push((
                            join_pointer(&format!("/{field}"), key),
                            "key also present in data: data and binaryData must not overlap".into(),
                        ));
                    }
                }
            }
        }
        "PodDisruptionBudget" => {
            let spec = obj.get("spec");
            let min = spec
                .and_then(|s| s.get("minAvailable"))
                .filter(|v| !v.is_null());
            let max = spec
                .and_then(|s| s.get("maxUnavailable"))
                .filter(|v| !v.is_null());
            if min.is_some() && max.is_some() {
                out.push((
                    "/spec".into(),
                    "minAvailable and maxUnavailable are mutually exclusive".into(),
                ));
            }
            for (field, value) in [("minAvailable", min), ("maxUnavailable", max)] {
                // An IntOrString that is a string must be a percentage ("50%"): "1" is rejected.
                if let Some(Value::String(s)) = value {
                    let ok = is_flux_var(s)
                        || s.strip_suffix('%').is_some_and(|n| {
                            !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit())
                        });
                    if !ok {
                        out.push((
                            format!("/spec/{field}"),
                            format!("{s:?} is neither an integer nor a percentage like \"50%\""),
                        ));
                    }
                }
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------------------------

/// The schemas say only `metadata: {type: object}`, and k8s-openapi accepts any ObjectMeta the API
/// server would reject on syntax, so metadata is checked here for every kind.
fn check_metadata(kind: &str, meta: Option<&Value>, out: &mut Vec<(String, String)>) {
    let mut push = |ptr: String, msg: String| out.push((ptr, msg));
    let Some(meta) = meta else {
        push("/metadata".into(), "missing".into());
        return;
    };
    let Some(meta) = meta.as_object() else {
        push(
            "/metadata".into(),
            format!("must be a map, not a {}", type_name(meta)),
        );
        return;
    };
    for key in meta
        .keys()
        .filter(|k| !OBJECT_META_KEYS.contains(&k.as_str()))
    {
        push(
            join_pointer("/metadata", key),
            format!(
                "unknown or server-populated metadata field{}",
                did_you_mean(suggest(key, OBJECT_META_KEYS.iter().copied()))
            ),
        );
    }
    // A whole-string Flux variable is accepted wherever a string goes: it is substituted on the way
    // to the cluster, and the substituted value cannot be known here.
    match meta.get("name") {
        None => push(
            "/metadata/name".into(),
            "missing: generated objects must be named".into(),
        ),
        Some(Value::String(name)) if is_flux_var(name) => {}
        Some(Value::String(name)) => {
            let (ok, rule) = match kind {
                "Namespace" => (
                    is_dns1123_label(name),
                    "a DNS-1123 label ([a-z0-9-], at most 63)",
                ),
                // A ServiceExport is named after the Service it exports.
                "Service" | "ServiceExport" => (
                    is_dns1035_label(name),
                    "a DNS-1035 label (starts with a letter, [a-z0-9-], at most 63)",
                ),
                _ => (
                    is_dns1123_subdomain(name),
                    "a DNS-1123 subdomain ([a-z0-9-.], at most 253)",
                ),
            };
            if !ok {
                push("/metadata/name".into(), format!("{name:?} is not {rule}"));
            }
        }
        Some(other) => push(
            "/metadata/name".into(),
            format!("must be a string, not a {}", type_name(other)),
        ),
    }
    match meta.get("namespace") {
        None => {}
        Some(_) if CLUSTER_SCOPED.contains(&kind) => push(
            "/metadata/namespace".into(),
            format!("{kind} is cluster-scoped and takes no namespace"),
        ),
        Some(Value::String(ns)) if is_flux_var(ns) || is_dns1123_label(ns) => {}
        Some(Value::String(ns)) => push(
            "/metadata/namespace".into(),
            format!("{ns:?} is not a DNS-1123 label ([a-z0-9-], at most 63)"),
        ),
        Some(other) => push(
            "/metadata/namespace".into(),
            format!("must be a string, not a {}", type_name(other)),
        ),
    }
    for field in ["labels", "annotations"] {
        let ptr = format!("/metadata/{field}");
        let Some(value) = meta.get(field) else {
            continue;
        };
        let Some(map) = value.as_object() else {
            push(
                ptr,
                format!("must be a map of strings, not a {}", type_name(value)),
            );
            continue;
        };
        let mut total = 0;
        for (k, v) in map {
            let kptr = join_pointer(&ptr, k);
            if !is_qualified_name(k) {
                push(
                    kptr.clone(),
                    "invalid key: [prefix/]name, name at most 63 of [A-Za-z0-9-_.] starting and ending alphanumeric".into(),
                );
            }
            let Some(s) = v.as_str() else {
                // YAML `true`, `1.0`, `null` unquoted: the API server wants strings.
                push(
                    kptr,
                    format!("value must be a string, not a {} (quote it)", type_name(v)),
                );
                continue;
            };
            total += k.len() + s.len();
            if field == "labels" && !is_flux_var(s) && !is_label_value(s) {
                push(
                    kptr,
                    format!(
                        "invalid label value {s:?}: at most 63 of [A-Za-z0-9-_.], starting and ending alphanumeric ({} characters)",
                        s.chars().count()
                    ),
                );
            }
        }
        if field == "annotations" && total > 256 * 1024 {
            push(
                ptr,
                format!("annotations total {total} bytes; the API server allows 262144"),
            );
        }
    }
    if let Some(v) = meta.get("generateName").filter(|v| !v.is_string()) {
        push(
            "/metadata/generateName".into(),
            format!("must be a string, not a {}", type_name(v)),
        );
    }
    if let Some(v) = meta.get("finalizers") {
        match v.as_array() {
            Some(items) => {
                for (i, f) in items.iter().enumerate() {
                    if !f.as_str().is_some_and(is_qualified_name) {
                        push(
                            format!("/metadata/finalizers/{i}"),
                            "must be a qualified name string".into(),
                        );
                    }
                }
            }
            None => push(
                "/metadata/finalizers".into(),
                "must be a list of strings".into(),
            ),
        }
    }
    if let Some(v) = meta.get("ownerReferences") {
        const REQUIRED: [&str; 4] = ["apiVersion", "kind", "name", "uid"];
        const OPTIONAL: [&str; 2] = ["controller", "blockOwnerDeletion"];
        match v.as_array() {
            Some(items) => {
                for (i, r) in items.iter().enumerate() {
                    let ptr = format!("/metadata/ownerReferences/{i}");
                    let Some(r) = r.as_object() else {
                        push(ptr, "must be a map".into());
                        continue;
                    };
                    for k in REQUIRED
                        .iter()
                        .filter(|k| !r.get(**k).is_some_and(Value::is_string))
                    {
                        push(join_pointer(&ptr, k), "missing or not a string".into());
                    }
                    for k in OPTIONAL
                        .iter()
                        .filter(|k| r.get(**k).is_some_and(|v| !v.is_boolean()))
                    {
                        push(join_pointer(&ptr, k), "must be a boolean".into());
                    }
                    for k in r.keys().filter(|k| {
                        !REQUIRED.contains(&k.as_str()) && !OPTIONAL.contains(&k.as_str())
                    }) {
                        push(join_pointer(&ptr, k), "unknown field".into());
                    }
                }
            }
            None => push("/metadata/ownerReferences".into(), "must be a list".into()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HelmRelease → chart version
// ---------------------------------------------------------------------------------------------

enum ChartVersion {
    NotK8sStack,
    Unknown(String),
    Pinned(String),
}

const K8S_STACK: &str = "victoria-metrics-k8s-stack";

/// An exact `X.Y.Z` (optionally `vX.Y.Z` or `=X.Y.Z`); ranges are not pinned versions.
fn exact_version(s: &str) -> Option<String> {
    let v = s.trim().trim_start_matches('=').trim_start_matches('v');
    let parts: Vec<&str> = v.split('.').collect();
    (parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit())))
    .then(|| v.to_string())
}

fn k8s_stack_version(hr: &Value, objs: &[Value]) -> ChartVersion {
    // Flux v2 HelmRelease with an inline chart template (HelmRepository source).
    if let Some(chart) = hr.pointer("/spec/chart/spec") {
        if chart.get("chart").and_then(Value::as_str) != Some(K8S_STACK) {
            return ChartVersion::NotK8sStack;
        }
        let v = chart.get("version").and_then(Value::as_str).unwrap_or("");
        return exact_version(v).map_or_else(
            || ChartVersion::Unknown(format!("chart version {v:?} is not an exact version")),
            ChartVersion::Pinned,
        );
    }
    let Some(chart_ref) = hr.pointer("/spec/chartRef") else {
        return ChartVersion::NotK8sStack;
    };
    let name = chart_ref.get("name").and_then(Value::as_str).unwrap_or("");
    let ns = chart_ref
        .get("namespace")
        .or_else(|| hr.pointer("/metadata/namespace"))
        .and_then(Value::as_str);
    let source = objs.iter().find(|o| {
        o.get("kind").and_then(Value::as_str) == chart_ref.get("kind").and_then(Value::as_str)
            && o.pointer("/metadata/name").and_then(Value::as_str) == Some(name)
            && o.pointer("/metadata/namespace").and_then(Value::as_str) == ns
    });
    let Some(source) = source else {
        return if name.contains(K8S_STACK) {
            ChartVersion::Unknown(format!(
                "its chartRef {name} is not among the objects, so the chart version is unknown"
            ))
        } else {
            ChartVersion::NotK8sStack
        };
    };
    let url = source
        .pointer("/spec/url")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !url
        .trim_end_matches('/')
        .ends_with(&format!("/{K8S_STACK}"))
    {
        return ChartVersion::NotK8sStack;
    }
    let reference = source.pointer("/spec/ref");
    let tag = reference.and_then(|r| r.get("tag")).and_then(Value::as_str);
    let semver = reference
        .and_then(|r| r.get("semver"))
        .and_then(Value::as_str);
    match tag.or(semver) {
        Some(v) => exact_version(v).map_or_else(
            || ChartVersion::Unknown(format!("OCIRepository ref {v:?} is not an exact version")),
            ChartVersion::Pinned,
        ),
        None => ChartVersion::Unknown("the OCIRepository pins no tag or semver".into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Chart values
// ---------------------------------------------------------------------------------------------

/// Subcharts: their values are not listed in the k8s-stack's values.yaml, so anything goes below.
const SUBCHARTS: &[&str] = &[
    "grafana",
    "kube-state-metrics",
    "prometheus-node-exporter",
    "victoria-metrics-operator",
];

/// Values the chart documents as free-form (passed through to templates or other tools verbatim),
/// dotted, `*` for any one key. Besides these, any `labels`/`annotations` map is free-form, and so
/// is anything below a key whose chart default is `{}` or empty (`key:` with nothing): the chart
/// lists no keys there, so it has nothing to compare with.
const FREE_FORM: &[&str] = &[
    "defaultRules.groups.*.rules",
    "defaultRules.rules",
    "defaultRules.labels",
    "defaultRules.annotations",
    "defaultDatasources.extra",
    "additionalVictoriaMetricsMap",
    "extraObjects",
    // A whole Alertmanager configuration (or VMAlertmanagerConfig spec), not chart keys.
    "alertmanager.config",
    // Data source entries go to Grafana's provisioning file as written; the chart's two defaults
    // show a few keys, not the set Grafana accepts.
    "defaultDatasources.*.datasources",
];

/// Which `required` failures count when a partial spec from values is checked.
#[derive(Clone, Copy, PartialEq)]
enum RequiredPolicy {
    /// Maps from values are merged with the chart's defaults and with what the chart generates
    /// (VMAlert's datasource, VMAgent's remote write URL, …), so a missing required key in a map
    /// proves nothing. List items replace rather than merge, so inside one they count.
    InListItemsOnly,
    /// The value is a complete item (an additional remote write target).
    All,
    /// The value is a fragment merged into chart-generated objects (rule defaults).
    Never,
}

/// Values subtrees that end up inside a custom resource, checked against its CRD schema.
struct CrPart {
    /// Dotted values path, `*` for any key; a trailing `[]` applies to each item of a list.
    values: &'static str,
    kind: &'static str,
    /// Where the value lands in the custom resource (JSON pointer).
    at: &'static str,
    /// Keys (dotted, relative to the value) the chart reads and removes before creating the CR.
    chart_only: &'static [&'static str],
    required: RequiredPolicy,
    /// Pointers (relative to `at`) below which the chart completes required fields even inside a
    /// list item.
    chart_completes: &'static [&'static str],
}

const CR_PARTS: &[CrPart] = &[
    CrPart {
        values: "vmcluster.spec",
        kind: "VMCluster",
        at: "/spec",
        chart_only: &["vmselect.enabled", "vminsert.enabled"],
        required: RequiredPolicy::InListItemsOnly,
        chart_completes: &[],
    },
    CrPart {
        values: "vmagent.spec",
        kind: "VMAgent",
        at: "/spec",
        chart_only: &[],
        required: RequiredPolicy::InListItemsOnly,
        // remoteWrite[0] is merged into the remote write entry the chart generates (with its URL).
        chart_completes: &["/remoteWrite/0"],
    },
    CrPart {
        values: "vmalert.spec",
        kind: "VMAlert",
        at: "/spec",
        chart_only: &[],
        required: RequiredPolicy::InListItemsOnly,
        chart_completes: &[],
    },
    CrPart {
        values: "vmauth.spec",
        kind: "VMAuth",
        at: "/spec",
        chart_only: &["unauthorizedUserAccessSpec.disabled"],
        required: RequiredPolicy::InListItemsOnly,
        chart_completes: &[],
    },
    CrPart {
        values: "alertmanager.spec",
        kind: "VMAlertmanager",
        at: "/spec",
        chart_only: &[],
        required: RequiredPolicy::InListItemsOnly,
        chart_completes: &[],
    },
    CrPart {
        values: "vmsingle.spec",
        kind: "VMSingle",
        at: "/spec",
        chart_only: &[],
        required: RequiredPolicy::InListItemsOnly,
        chart_completes: &[],
    },
    CrPart {
        values: "vmagent.additionalRemoteWrites[]",
        kind: "VMAgent",
        at: "/spec/remoteWrite/0",
        chart_only: &[],
        required: RequiredPolicy::All,
        chart_completes: &[],
    },
];

fn cr_part_for(path: &[Seg]) -> Option<&'static CrPart> {
    CR_PARTS
        .iter()
        .find(|p| path_matches(path, p.values.trim_end_matches("[]")))
}

fn is_free_form(path: &[Seg]) -> bool {
    matches!(path.last(), Some(Seg::Key(k)) if k == "labels" || k == "annotations")
        || FREE_FORM.iter().any(|p| path_matches(path, p))
}

/// Problems in `values` (the `spec.values` of a victoria-metrics-k8s-stack HelmRelease) against the
/// chart's `values.yaml`, one string per problem, each starting with the dotted key path.
///
/// The chart has no values.schema.json: Helm accepts a misspelt key and it silently does nothing.
/// So every key must exist in the chart's values.yaml, except where the chart does not list its
/// keys (subcharts, free-form maps); below each component's `spec` the CRD schema decides instead.
/// A Flux variable is accepted wherever a scalar goes.
pub fn chart_values_problems(
    values: &Value,
    chart_values_yaml: &Path,
    crd_spec_check: &Validator,
) -> Vec<String> {
    let file = chart_values_yaml
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let defaults: Value = match std::fs::read_to_string(chart_values_yaml)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_saphyr::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => {
            return vec![format!(
                "<root>: cannot read chart values {}: {e}",
                chart_values_yaml.display()
            )];
        }
    };
    let mut out = Vec::new();
    let mut ctx = ValuesCheck {
        file: &file,
        validator: crd_spec_check,
        out: &mut out,
    };
    ctx.check(values, Some(&defaults), &mut Vec::new());
    out
}

struct ValuesCheck<'a> {
    file: &'a str,
    validator: &'a Validator,
    out: &'a mut Vec<String>,
}

impl ValuesCheck<'_> {
    /// The chart line of the values file (`k8s-stack-0.61.13-values.yaml`).
    fn chart_line(&self) -> Option<vmstack::intent::chart_line::ChartLine> {
        let version = self
            .file
            .strip_prefix("k8s-stack-")?
            .strip_suffix("-values.yaml")?;
        vmstack::intent::chart_line::ChartLine::of(version)
    }

    fn problem(&mut self, path: &[Seg], msg: impl std::fmt::Display) {
        let p = dotted(path);
        self.out.push(format!(
            "{}: {msg}",
            if p.is_empty() { "<root>" } else { &p }
        ));
    }

    fn check(&mut self, user: &Value, default: Option<&Value>, path: &mut Vec<Seg>) {
        if matches!(path.as_slice(), [Seg::Key(k)] if SUBCHARTS.contains(&k.as_str())) {
            return;
        }
        if let Some(part) = cr_part_for(path) {
            if part.values.ends_with("[]") {
                match user {
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            path.push(Seg::Index(i));
                            self.check_cr_part(item, part, path);
                            path.pop();
                        }
                    }
                    Value::Null => {}
                    other => {
                        self.problem(path, format!("must be a list, not a {}", type_name(other)))
                    }
                }
            } else {
                self.check_cr_part(user, part, path);
            }
            return;
        }
        if is_free_form(path) {
            return;
        }
        let Some(default) = default.filter(|d| !d.is_null()) else {
            return; // `key:` with nothing in values.yaml: documented as open
        };
        match (user, default) {
            (Value::Null, _) => {} // Helm: null deletes the chart's default
            (Value::Object(m), Value::Object(d)) => {
                if d.is_empty() {
                    return; // `key: {}`: a free-form map
                }
                // The chart's rule groups are entries of one shape that values.yaml spells out on
                // one group only (0.91 documents `enabled` under `etcd`): check each group against
                // the union of all of them.
                let sibling_shape = path_matches(path, "defaultRules.groups").then(|| {
                    let mut shape = Value::Object(Map::new());
                    d.values().for_each(|g| union_shape(&mut shape, g));
                    shape
                });
                for (k, v) in m {
                    path.push(Seg::Key(k.clone()));
                    let unlisted_group = sibling_shape.is_some()
                        && self
                            .chart_line()
                            .is_some_and(|l| l.unlisted_rule_groups().contains(&k.as_str()));
                    match d.get(k) {
                        Some(_) if sibling_shape.is_some() => {
                            self.check(v, sibling_shape.as_ref(), path)
                        }
                        // A group the chart renders from its rule files without listing it.
                        None if unlisted_group => self.check(v, sibling_shape.as_ref(), path),
                        Some(dv) => self.check(v, Some(dv), path),
                        None => {
                            let hint = did_you_mean(suggest(k, d.keys().map(String::as_str)));
                            self.problem(
                                path,
                                format!("unknown key: the chart's values.yaml ({}) has no such key, so Helm ignores it{hint}", self.file),
                            );
                        }
                    }
                    path.pop();
                }
            }
            (Value::Array(items), Value::Array(d)) => {
                // Compare items only with a shape the chart actually documents: a non-empty list
                // of maps. The union of the default items' keys is that shape.
                if d.is_empty() || !d.iter().all(Value::is_object) {
                    return;
                }
                let mut shape = Value::Object(Map::new());
                for item in d {
                    union_shape(&mut shape, item);
                }
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    self.check(item, Some(&shape), path);
                    path.pop();
                }
            }
            (u, d) => {
                let class = |v: &Value| match v {
                    Value::Object(_) => "map",
                    Value::Array(_) => "list",
                    _ => "scalar",
                };
                if class(u) != class(d) {
                    self.problem(
                        path,
                        format!(
                            "is a {} but the chart's default here is a {} ({}); the templates expect that shape",
                            type_name(u),
                            type_name(d),
                            shorten(d.to_string())
                        ),
                    );
                }
            }
        }
    }

    fn check_cr_part(&mut self, user: &Value, part: &CrPart, path: &[Seg]) {
        let Some(map) = user.as_object() else {
            if !user.is_null() {
                self.problem(
                    path,
                    format!(
                        "must be a map ({} {}), not a {}",
                        part.kind,
                        part.at,
                        type_name(user)
                    ),
                );
            }
            return;
        };
        let Some(schema) = self.validator.schema(VM_API_VERSION, part.kind) else {
            self.problem(
                path,
                format!(
                    "no schema for {VM_API_VERSION} {} in shared/schemas",
                    part.kind
                ),
            );
            return;
        };
        let mut value = Value::Object(map.clone());
        for key in part.chart_only {
            remove_dotted(&mut value, key);
        }
        // Put the value where the chart puts it, inside an otherwise minimal object of the kind.
        let segs: Vec<&str> = part.at.split('/').skip(1).collect();
        let mut nested = value;
        for seg in segs.iter().skip(1).rev() {
            nested = if seg.parse::<usize>().is_ok() {
                json!([nested])
            } else {
                json!({ *seg: nested })
            };
        }
        let obj = json!({
            "apiVersion": VM_API_VERSION,
            "kind": part.kind,
            "metadata": {"name": "chart-values-check"},
            segs[0]: nested,
        });
        for p in self.validator.schema_problems(schema, &obj) {
            let Some(rest) = p
                .ptr
                .strip_prefix(part.at)
                .filter(|r| r.is_empty() || r.starts_with('/'))
            else {
                // Outside the value (e.g. `required` of the wrapper we built): not the user's.
                if !p.required {
                    self.problem(path, format!("{} {}: {}", part.kind, p.ptr, p.msg));
                }
                continue;
            };
            if p.required {
                let counts = match part.required {
                    RequiredPolicy::All => true,
                    RequiredPolicy::Never => false,
                    RequiredPolicy::InListItemsOnly => {
                        let in_item = pointer_segments(&obj, &p.ptr)
                            .iter()
                            .any(|s| matches!(s, Seg::Index(_)));
                        in_item && !part.chart_completes.iter().any(|c| rest.starts_with(c))
                    }
                };
                if !counts {
                    continue;
                }
            }
            let Some(inner) = obj.pointer(part.at) else {
                continue;
            };
            let mut full = path.to_vec();
            full.extend(pointer_segments(inner, rest));
            self.problem(
                &full,
                format!("{} (checked against the {} CRD schema)", p.msg, part.kind),
            );
        }
    }
}

/// Merges the keys of `item` into `shape`, recursively, so a list's documented item shape is every
/// key any default item shows.
fn union_shape(shape: &mut Value, item: &Value) {
    match (shape, item) {
        (Value::Object(s), Value::Object(i)) => {
            for (k, v) in i {
                match s.get_mut(k) {
                    Some(existing) => union_shape(existing, v),
                    None => {
                        s.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (s, i) if s.is_null() => *s = i.clone(),
        _ => {}
    }
}

fn remove_dotted(value: &mut Value, dotted_key: &str) {
    let mut cur = value;
    let mut parts = dotted_key.split('.').peekable();
    while let Some(part) = parts.next() {
        let Some(map) = cur.as_object_mut() else {
            return;
        };
        if parts.peek().is_none() {
            map.remove(part);
            return;
        }
        let Some(next) = map.get_mut(part) else {
            return;
        };
        cur = next;
    }
}

/// Problems, sorted, one per line, for test failure messages.
pub fn render_problems(problems: &[String]) -> String {
    let mut sorted: Vec<&String> = problems.iter().collect();
    sorted.sort();
    sorted.iter().map(|p| format!("  - {p}\n")).collect()
}
