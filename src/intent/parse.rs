//! Reading a `VictoriaMetricsStack` object into the typed model, defaults applied.
//!
//! Defaults are the seed story's intent, corrected where the reference shows it wrong; each
//! correction is listed in docs/intent.md.

use serde_json::{Map, Value};

use super::chart_line::ChartLine;
use super::decode::{Decode, Fields, child, index, wrong_type};
use super::diagnostic::{Code, Diagnostic, Diagnostics};
use super::model::*;
use super::scalar::{
    Duration, DurationStyle, ExtraArgs, Name, Quantity, Resources, Retention, Setting, Text, Url,
};

pub const API_VERSION: &str = "vmstack.dev/v1alpha1";
pub const KIND: &str = "VictoriaMetricsStack";
pub const DEFAULT_CHART_VERSION: &str = "0.61.13";
pub const CHART_OCI_URL: &str =
    "oci://ghcr.io/victoriametrics/helm-charts/victoria-metrics-k8s-stack";

/// Fields that belong to one role only: named in the other role, they get a clear message
/// instead of "unknown field".
const GLOBAL_ONLY: [&str; 15] = [
    "retention",
    "replicationFactor",
    "dedupInterval",
    "storageClass",
    "vmstorage",
    "vmselect",
    "vminsert",
    "vmalert",
    "alertmanager",
    "vmauth",
    "grafana",
    "rules",
    "remoteWriteFrom",
    "agents",
    "slos",
];
const AGENT_ONLY: [&str; 3] = ["remoteWrite", "kubeStateMetrics", "nodeExporter"];

fn literal<T>(t: T) -> Setting<T> {
    Setting::Literal(t)
}

fn duration(
    f: &mut Fields,
    key: &'static str,
    style: DurationStyle,
    default: &str,
    d: &mut Diagnostics,
) -> Setting<Duration> {
    opt_duration(f, key, style, d).unwrap_or_else(|| literal(Duration(default.into())))
}

fn opt_duration(
    f: &mut Fields,
    key: &'static str,
    style: DurationStyle,
    d: &mut Diagnostics,
) -> Option<Setting<Duration>> {
    let path = f.path_of(key);
    let v = f.raw(key)?;
    Duration::decode_as(v, &path, style, d)
}

fn quantity(
    f: &mut Fields,
    key: &'static str,
    default: &str,
    d: &mut Diagnostics,
) -> Setting<Quantity> {
    f.opt(key, d)
        .unwrap_or_else(|| literal(Quantity(default.into())))
}

/// Reads a name-valued field, checked as a DNS-1123 label.
fn name_or(f: &mut Fields, key: &'static str, default: &str, d: &mut Diagnostics) -> String {
    f.opt::<Name>(key, d)
        .map(|n| n.0)
        .unwrap_or_else(|| default.to_string())
}

fn string_map(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Vec<(String, String)>> {
    let Value::Object(m) = v else {
        wrong_type(d, path, "a mapping of string to string", v);
        return None;
    };
    let mut out = Vec::new();
    for (k, val) in m {
        match val {
            Value::String(s) => out.push((k.clone(), s.clone())),
            other => wrong_type(d, &child(path, k), "a string", other),
        }
    }
    Some(out)
}

fn component(
    f: &mut Fields,
    key: &'static str,
    defaults: (u32, Resources),
    extra: impl FnOnce(&mut Fields, &mut Diagnostics),
    d: &mut Diagnostics,
) -> Component {
    let (replicas, resources) = defaults;
    let default = Component {
        replicas: literal(replicas),
        resources,
        extra_args: ExtraArgs::default(),
        max_unavailable: literal(1),
    };
    let path = f.path_of(key);
    let Some(v) = f.raw(key) else {
        // Role-specific readers still run so their defaults apply.
        let empty = Value::Object(Map::new());
        if let Some(mut sub) = Fields::new(&empty, &path, d) {
            extra(&mut sub, d);
        }
        return default;
    };
    let Some(mut sub) = Fields::new(v, &path, d) else {
        return default;
    };
    let c = read_component(&mut sub, default, d);
    extra(&mut sub, d);
    sub.finish(d);
    c
}

fn read_component(f: &mut Fields, default: Component, d: &mut Diagnostics) -> Component {
    Component {
        replicas: f.or("replicas", default.replicas, d),
        resources: f.or("resources", default.resources, d),
        extra_args: f.or("extraArgs", default.extra_args, d),
        max_unavailable: f.or("maxUnavailable", default.max_unavailable, d),
    }
}

fn object_ref(v: &Value, path: &str, default_kind: &str, d: &mut Diagnostics) -> Option<ObjectRef> {
    // A bare string is a name: `dependsOn: [infrastructure-repositories-oci]`.
    if let Value::String(_) = v {
        let name = Name::decode(v, path, d)?;
        return Some(ObjectRef {
            kind: default_kind.to_string(),
            name: name.0,
            namespace: None,
        });
    }
    let mut f = Fields::new(v, path, d)?;
    let kind = f.or("kind", default_kind.to_string(), d);
    let name = f.req::<Name>("name", d);
    let namespace = f.opt::<Name>("namespace", d).map(|n| n.0);
    f.finish(d);
    Some(ObjectRef {
        kind,
        name: name?.0,
        namespace,
    })
}

fn choice(
    f: &mut Fields,
    key: &'static str,
    allowed: &[&str],
    default: &str,
    d: &mut Diagnostics,
) -> String {
    let path = f.path_of(key);
    let Some(s) = f.opt::<String>(key, d) else {
        return default.to_string();
    };
    if allowed.contains(&s.as_str()) {
        return s;
    }
    invalid_choice(d, &path, &s, allowed);
    default.to_string()
}

/// Reports a value outside its choices, naming the nearest one.
pub(super) fn invalid_choice(d: &mut Diagnostics, path: &str, s: &str, allowed: &[&str]) {
    let mut diag = Diagnostic::new(
        Code::InvalidChoice,
        path,
        format!("{s:?} is not one of {}", allowed.join(", ")),
    )
    .with_current(&Value::String(s.to_string()));
    if let Some(n) = super::decode::nearest(s, allowed) {
        diag.message.push_str(&format!("; did you mean {n:?}?"));
        diag = diag.with_proposed(Value::String(n.to_string()));
    }
    d.push(diag);
}

fn chart(f: &mut Fields, d: &mut Diagnostics) -> Chart {
    let default = Chart {
        version: DEFAULT_CHART_VERSION.into(),
        source: ChartSource::Generated {
            url: CHART_OCI_URL.into(),
        },
    };
    let path = f.path_of("chart");
    let Some(v) = f.raw("chart") else {
        return default;
    };
    let Some(mut c) = Fields::new(v, &path, d) else {
        return default;
    };
    let version_path = c.path_of("version");
    let version = c.opt::<String>("version", d).unwrap_or(default.version);
    let semver_like = {
        let parts: Vec<_> = version.split('.').collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|ch| ch.is_ascii_digit()))
    };
    if !semver_like {
        d.report(
            Code::WrongType,
            &version_path,
            format!("{version:?} is not a chart version like 0.61.13"),
        );
    } else if ChartLine::of(&version).is_none() {
        d.report(
            Code::InvalidChoice,
            &version_path,
            format!(
                "chart {version} is not a line vmstack knows: the values it writes are checked \
                 against the {}x lines",
                super::chart_line::SUPPORTED_LINES.join("x and ")
            ),
        );
    }
    let source = match c.raw("sourceRef") {
        Some(r) => object_ref(r, &c.path_of("sourceRef"), "OCIRepository", d)
            .map(ChartSource::Existing)
            .unwrap_or(default.source),
        None => {
            let url = c
                .opt::<String>("url", d)
                .unwrap_or_else(|| CHART_OCI_URL.into());
            if !url.starts_with("oci://") {
                d.report(
                    Code::InvalidUrl,
                    &c.path_of("url"),
                    format!("{url:?} is not an oci:// URL"),
                );
            }
            ChartSource::Generated { url }
        }
    };
    if c.has("url") && matches!(source, ChartSource::Existing(_)) {
        d.report(
            Code::ValuesConflict,
            &c.path_of("url"),
            "url and sourceRef exclude each other: with sourceRef the source object holds the URL",
        );
    }
    c.finish(d);
    Chart { version, source }
}

fn helm(f: &mut Fields, d: &mut Diagnostics) -> HelmSettings {
    let path = f.path_of("helm");
    let empty = Value::Object(Map::new());
    let v = f.raw("helm").unwrap_or(&empty);
    let mut h = match Fields::new(v, &path, d) {
        Some(h) => h,
        None => Fields::new(&empty, &path, d).expect("a map"),
    };
    let s = HelmSettings {
        interval: duration(&mut h, "interval", DurationStyle::Go, "1h", d),
        timeout: duration(&mut h, "timeout", DurationStyle::Go, "15m", d),
        retries: h.or("retries", 3, d),
    };
    h.finish(d);
    s
}

fn flux(f: &mut Fields, name: &str, namespace: &str, d: &mut Diagnostics) -> Flux {
    let path = f.path_of("flux");
    let empty = Value::Object(Map::new());
    let v = f.raw("flux").unwrap_or(&empty);
    let mut x = match Fields::new(v, &path, d) {
        Some(x) => x,
        None => Fields::new(&empty, &path, d).expect("a map"),
    };
    let enabled = x.or("enabled", true, d);
    let flux_name = name_or(&mut x, "name", &format!("{namespace}-{name}"), d);
    let flux_namespace = name_or(&mut x, "namespace", "flux-system", d);
    let path_value = x.opt::<Text>("path", d);
    if enabled && path_value.is_none() && !x.has("path") {
        d.report(
            Code::MissingField,
            &x.path_of("path"),
            "flux.path is required: the repository path of the rendered files, which the Flux \
             Kustomization applies (or set flux.enabled: false)",
        );
    }
    let source_ref = match x.raw("sourceRef") {
        Some(r) => object_ref(r, &x.path_of("sourceRef"), "GitRepository", d),
        None => None,
    }
    .unwrap_or(ObjectRef {
        kind: "GitRepository".into(),
        name: "flux-system".into(),
        namespace: None,
    });
    let depends_on = match x.raw("dependsOn") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                object_ref(item, &index(&x.path_of("dependsOn"), i), "Kustomization", d)
            })
            .collect(),
        Some(other) => {
            wrong_type(
                d,
                &x.path_of("dependsOn"),
                "a list of Kustomization names",
                other,
            );
            Vec::new()
        }
        None => Vec::new(),
    };
    let substitute_from = match x.raw("substituteFrom") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                substitute_ref(item, &index(&x.path_of("substituteFrom"), i), d)
            })
            .collect(),
        Some(other) => {
            wrong_type(
                d,
                &x.path_of("substituteFrom"),
                "a list of ConfigMap or Secret references",
                other,
            );
            Vec::new()
        }
        None => vec![SubstituteRef {
            kind: "ConfigMap".into(),
            name: "cluster-settings".into(),
            optional: false,
        }],
    };
    let flux = Flux {
        enabled,
        name: flux_name,
        namespace: flux_namespace,
        path: path_value,
        source_ref,
        interval: duration(&mut x, "interval", DurationStyle::Go, "30m", d),
        timeout: duration(&mut x, "timeout", DurationStyle::Go, "15m", d),
        retry_interval: opt_duration(&mut x, "retryInterval", DurationStyle::Go, d),
        prune: x.or("prune", true, d),
        substitute: x.or("substitute", false, d),
        depends_on,
        substitute_from,
    };
    x.finish(d);
    flux
}

fn substitute_ref(v: &Value, path: &str, d: &mut Diagnostics) -> Option<SubstituteRef> {
    if let Value::String(_) = v {
        let name = Name::decode(v, path, d)?;
        return Some(SubstituteRef {
            kind: "ConfigMap".into(),
            name: name.0,
            optional: false,
        });
    }
    let mut f = Fields::new(v, path, d)?;
    let kind = choice(&mut f, "kind", &["ConfigMap", "Secret"], "ConfigMap", d);
    let name = f.req::<Name>("name", d);
    let optional = f.or("optional", false, d);
    f.finish(d);
    Some(SubstituteRef {
        kind,
        name: name?.0,
        optional,
    })
}

fn network(f: &mut Fields, d: &mut Diagnostics) -> Network {
    let path = f.path_of("networkPolicies");
    let empty = Value::Object(Map::new());
    let v = f.raw("networkPolicies").unwrap_or(&empty);
    let mut n = match Fields::new(v, &path, d) {
        Some(n) => n,
        None => Fields::new(&empty, &path, d).expect("a map"),
    };
    let enabled = n.or("enabled", true, d);
    let ingress_namespaces = n.or("ingressNamespaces", Vec::new(), d);
    let api_server_ports: Vec<u32> = n.or("apiServerPorts", vec![443, 6443], d);
    for (i, p) in api_server_ports.iter().enumerate() {
        if *p == 0 || *p > 65535 {
            d.report(
                Code::OutOfRange,
                &index(&n.path_of("apiServerPorts"), i),
                format!("{p} is not a port"),
            );
        }
    }
    let receivers_path = n.path_of("alertmanagerReceivers");
    let alertmanager_receivers = n
        .raw("alertmanagerReceivers")
        .and_then(|v| super::networking::receivers(v, &receivers_path, d));
    let mut dns_namespace = "kube-system".to_string();
    let mut dns_pod_labels = vec![("k8s-app".to_string(), "kube-dns".to_string())];
    let dns_path = n.path_of("dns");
    if let Some(mut x) = n.raw("dns").and_then(|dns| Fields::new(dns, &dns_path, d)) {
        dns_namespace = name_or(&mut x, "namespace", &dns_namespace, d);
        let p = x.path_of("podLabels");
        if let Some(labels) = x.raw("podLabels").and_then(|l| string_map(l, &p, d)) {
            dns_pod_labels = labels;
        }
        x.finish(d);
    }
    n.finish(d);
    Network {
        enabled,
        ingress_namespaces,
        api_server_ports,
        dns_namespace,
        dns_pod_labels,
        alertmanager_receivers,
    }
}

fn scrape(f: &mut Fields, global: bool, d: &mut Diagnostics) -> Scrape {
    let path = f.path_of("scrape");
    let empty = Value::Object(Map::new());
    let v = f.raw("scrape").unwrap_or(&empty);
    let mut s = match Fields::new(v, &path, d) {
        Some(s) => s,
        None => Fields::new(&empty, &path, d).expect("a map"),
    };
    // The seed's global cluster runs no exporters; an agent runs both.
    let scrape = Scrape {
        kube_state_metrics: s.or("kubeStateMetrics", !global, d),
        node_exporter: s.or("nodeExporter", !global, d),
        cilium: s.or("cilium", false, d),
        cilium_namespace: name_or(&mut s, "ciliumNamespace", "kube-system", d),
    };
    s.finish(d);
    scrape
}

fn grafana(f: &mut Fields, release: &str, d: &mut Diagnostics) -> Grafana {
    let path = f.path_of("grafana");
    let empty = Value::Object(Map::new());
    let v = f.raw("grafana").unwrap_or(&empty);
    let mut g = match Fields::new(v, &path, d) {
        Some(g) => g,
        None => Fields::new(&empty, &path, d).expect("a map"),
    };
    let enabled = g.or("enabled", true, d);
    let replicas = g.or("replicas", 1, d);
    let resources = g.or(
        "resources",
        Resources::of(
            &[("cpu", "100m"), ("memory", "256Mi")],
            &[("cpu", "1"), ("memory", "512Mi")],
        ),
        d,
    );
    let admin = g.raw("adminCredentials").and_then(|a| {
        let mut a = Fields::new(a, &g.path_of("adminCredentials"), d)?;
        let creds = AdminCredentials {
            store: a.req("store", d).unwrap_or(Text(String::new())),
            store_kind: choice(
                &mut a,
                "storeKind",
                &["ClusterSecretStore", "SecretStore"],
                "ClusterSecretStore",
                d,
            ),
            key: a.req("key", d).unwrap_or(Text(String::new())),
            username_property: a.or("usernameProperty", Text("username".into()), d),
            password_property: a.or("passwordProperty", Text("password".into()), d),
            secret_name: name_or(&mut a, "secretName", &format!("{release}-grafana-admin"), d),
            refresh_interval: duration(&mut a, "refreshInterval", DurationStyle::Go, "1h", d),
        };
        a.finish(d);
        Some(creds)
    });
    let persistence = match g.raw("persistence") {
        None => Some(Persistence {
            size: literal(Quantity("10Gi".into())),
            storage_class: None,
        }),
        Some(p) => Fields::new(p, &g.path_of("persistence"), d).and_then(|mut p| {
            let on = p.or("enabled", true, d);
            let persistence = Persistence {
                size: quantity(&mut p, "size", "10Gi", d),
                storage_class: p.opt("storageClass", d),
            };
            p.finish(d);
            on.then_some(persistence)
        }),
    };
    g.finish(d);
    Grafana {
        enabled,
        replicas,
        resources,
        admin,
        persistence,
    }
}

fn rules(f: &mut Fields, groups_for_chart: &[&str], d: &mut Diagnostics) -> Rules {
    let path = f.path_of("rules");
    let empty = Value::Object(Map::new());
    let v = f.raw("rules").unwrap_or(&empty);
    let mut r = match Fields::new(v, &path, d) {
        Some(r) => r,
        None => Fields::new(&empty, &path, d).expect("a map"),
    };
    let health = r.or("health", true, d);
    let default_rules = r.or("defaultRules", true, d);
    let mut default_groups = Vec::new();
    if let Some(groups) = r.raw("defaultGroups") {
        let gpath = r.path_of("defaultGroups");
        match groups {
            Value::Object(m) => {
                for (k, val) in m {
                    let p = child(&gpath, k);
                    if !groups_for_chart.contains(&k.as_str()) {
                        let mut diag = Diagnostic::new(
                            Code::UnknownField,
                            &p,
                            format!("{k:?} is not a default rule group of the chart"),
                        );
                        if let Some(n) = super::decode::nearest(k, groups_for_chart) {
                            diag.message.push_str(&format!(", did you mean {n:?}?"));
                            diag = diag.with_proposed(Value::String(child(&gpath, n)));
                        }
                        d.push(diag);
                        continue;
                    }
                    if let Some(b) = bool::decode(val, &p, d) {
                        default_groups.push((k.clone(), b));
                    }
                }
            }
            other => wrong_type(
                d,
                &gpath,
                "a mapping of rule group name to true or false",
                other,
            ),
        }
    }
    default_groups.sort();
    let groups = r.or("groups", Vec::new(), d);
    r.finish(d);
    let mut seen = std::collections::BTreeSet::new();
    for (i, g) in groups.iter().enumerate() {
        let g: &RuleGroup = g;
        if !seen.insert(g.name.clone()) {
            d.report(
                Code::InvalidRuleGroup,
                &child(&index(&path, i), "name"),
                format!(
                    "rule group {:?} is named twice; vmalert needs unique group names",
                    g.name
                ),
            );
        }
    }
    Rules {
        health,
        default_rules,
        default_groups,
        groups,
    }
}

impl Decode for RuleGroup {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let mut f = Fields::new(v, path, d)?;
        let name = f.req::<String>("name", d);
        let interval = opt_duration(&mut f, "interval", DurationStyle::Metrics, d);
        let labels = match f.raw("labels") {
            Some(l) => string_map(l, &f.path_of("labels"), d).unwrap_or_default(),
            None => Vec::new(),
        };
        let rules: Option<Vec<Rule>> = f.req("rules", d);
        f.finish(d);
        let rules = rules?;
        if rules.is_empty() {
            d.report(
                Code::InvalidRuleGroup,
                &child(path, "rules"),
                "a rule group needs at least one rule",
            );
        }
        check_rule_group(path, &labels, &rules, d);
        Some(RuleGroup {
            name: name?,
            interval,
            labels,
            rules,
        })
    }
}

/// Checks that span a group's rules, caught here so the problem is named at its intent field
/// instead of surfacing as a VMRule the operator or vmalert rejects: label and annotation names
/// Prometheus refuses, an alert defined twice in one group (its two states cannot be told apart), and
/// alert-only fields on a recording rule.
fn check_rule_group(path: &str, labels: &[(String, String)], rules: &[Rule], d: &mut Diagnostics) {
    for (k, _) in labels {
        if let Some(problem) = super::alerting::label_name_problem(k) {
            d.report(
                Code::InvalidRuleGroup,
                &child(&child(path, "labels"), k),
                problem,
            );
        }
    }
    let mut alerts = std::collections::BTreeSet::new();
    for (i, r) in rules.iter().enumerate() {
        let rule_path = index(&child(path, "rules"), i);
        // Prometheus holds annotation names to the label name rules too.
        let named = [("labels", &r.labels), ("annotations", &r.annotations)];
        for (field, pairs) in named {
            for (k, _) in pairs {
                if let Some(problem) = super::alerting::label_name_problem(k) {
                    d.report(
                        Code::InvalidRuleGroup,
                        &child(&child(&rule_path, field), k),
                        problem,
                    );
                }
            }
        }
        if r.kind == RuleKind::Alert && !alerts.insert(r.name.as_str()) {
            d.report(
                Code::InvalidRuleGroup,
                &child(&rule_path, "alert"),
                format!(
                    "alert {:?} is defined twice in this group; give each alert its own name",
                    r.name
                ),
            );
        }
        if r.kind == RuleKind::Record && r.keep_firing_for.is_some() {
            d.report(
                Code::InvalidRuleGroup,
                &child(&rule_path, "keep_firing_for"),
                "a recording rule takes no keep_firing_for (it belongs to alerts)",
            );
        }
    }
}

impl Decode for Rule {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let mut f = Fields::new(v, path, d)?;
        let alert = f.opt::<String>("alert", d);
        let record = f.opt::<String>("record", d);
        let expr = f.req::<String>("expr", d);
        let for_ = opt_duration(&mut f, "for", DurationStyle::Metrics, d);
        let keep_firing_for = opt_duration(&mut f, "keep_firing_for", DurationStyle::Metrics, d);
        let labels = match f.raw("labels") {
            Some(l) => string_map(l, &f.path_of("labels"), d).unwrap_or_default(),
            None => Vec::new(),
        };
        let annotations = match f.raw("annotations") {
            Some(a) => string_map(a, &f.path_of("annotations"), d).unwrap_or_default(),
            None => Vec::new(),
        };
        f.finish(d);
        let (kind, name) = match (alert, record) {
            (Some(a), None) => (RuleKind::Alert, a),
            (None, Some(r)) => (RuleKind::Record, r),
            (Some(_), Some(_)) => {
                d.report(
                    Code::InvalidRuleGroup,
                    path,
                    "a rule has either alert or record, not both",
                );
                return None;
            }
            (None, None) => {
                d.report(
                    Code::InvalidRuleGroup,
                    path,
                    "a rule needs alert (an alert name) or record (a series name)",
                );
                return None;
            }
        };
        let expr = expr?;
        if expr.trim().is_empty() {
            d.report(
                Code::InvalidRuleGroup,
                &child(path, "expr"),
                "expr is empty",
            );
        }
        if kind == RuleKind::Record && (for_.is_some() || !annotations.is_empty()) {
            d.report(
                Code::InvalidRuleGroup,
                path,
                "a recording rule takes no for or annotations (they belong to alerts)",
            );
        }
        let valid_metric_name = name.chars().enumerate().all(|(i, c)| {
            c == '_' || c == ':' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())
        });
        if kind == RuleKind::Record && (!valid_metric_name || name.is_empty()) {
            d.report(
                Code::InvalidRuleGroup,
                &child(path, "record"),
                format!("{name:?} is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)"),
            );
        }
        Some(Rule {
            kind,
            name,
            expr,
            for_,
            keep_firing_for,
            labels,
            annotations,
        })
    }
}

fn global(f: &mut Fields, release: &str, chart_version: &str, d: &mut Diagnostics) -> Global {
    let storage_class: Option<Text> = f.opt("storageClass", d);
    let retention: Setting<Retention> = f.or("retention", literal(Retention("30d".into())), d);
    let replication_factor: Setting<u32> = f.or("replicationFactor", literal(2), d);
    let dedup_interval = duration(f, "dedupInterval", DurationStyle::Metrics, "30s", d);

    let mut size = literal(Quantity("50Gi".into()));
    let mut storage_class_override = None;
    let vmstorage = component(
        f,
        "vmstorage",
        (
            3,
            Resources::of(
                &[("cpu", "500m"), ("memory", "2Gi")],
                &[("cpu", "2"), ("memory", "4Gi")],
            ),
        ),
        |s, d| {
            size = quantity(s, "size", "50Gi", d);
            storage_class_override = s.opt("storageClass", d);
        },
        d,
    );
    let mut cache_size = literal(Quantity("10Gi".into()));
    let mut max_points = literal(30000);
    let vmselect = component(
        f,
        "vmselect",
        (
            3,
            Resources::of(
                &[("cpu", "200m"), ("memory", "500Mi")],
                &[("cpu", "2"), ("memory", "2Gi")],
            ),
        ),
        |s, d| {
            cache_size = quantity(s, "cacheSize", "10Gi", d);
            max_points = s.or("maxPointsPerTimeseries", literal(30000), d);
        },
        d,
    );
    let vminsert = component(
        f,
        "vminsert",
        (
            3,
            Resources::of(
                &[("cpu", "200m"), ("memory", "500Mi")],
                &[("cpu", "1"), ("memory", "1Gi")],
            ),
        ),
        |_, _| {},
        d,
    );
    let mut evaluation_interval = literal(Duration("15s".into()));
    let vmalert = component(
        f,
        "vmalert",
        (
            2,
            Resources::of(
                &[("cpu", "100m"), ("memory", "256Mi")],
                &[("cpu", "1"), ("memory", "512Mi")],
            ),
        ),
        |s, d| {
            evaluation_interval =
                duration(s, "evaluationInterval", DurationStyle::Metrics, "15s", d)
        },
        d,
    );
    let mut am_retention = literal(Duration("120h".into()));
    let mut am_size = literal(Quantity("10Gi".into()));
    let alertmanager = component(
        f,
        "alertmanager",
        (
            3,
            Resources::of(
                &[("cpu", "50m"), ("memory", "128Mi")],
                &[("cpu", "1"), ("memory", "256Mi")],
            ),
        ),
        |s, d| {
            am_retention = duration(s, "retention", DurationStyle::Go, "120h", d);
            am_size = quantity(s, "size", "10Gi", d);
        },
        d,
    );
    let mut auth_enabled = true;
    let mut anonymous_read = false;
    let vmauth = component(
        f,
        "vmauth",
        (
            1,
            Resources::of(
                &[("cpu", "100m"), ("memory", "128Mi")],
                &[("cpu", "1"), ("memory", "256Mi")],
            ),
        ),
        |s, d| {
            auth_enabled = s.or("enabled", true, d);
            anonymous_read = s.or("anonymousRead", false, d);
        },
        d,
    );
    let grafana = grafana(f, release, d);
    let mut agent_enabled = true;
    let vmagent = component(
        f,
        "vmagent",
        (
            1,
            Resources::of(
                &[("cpu", "100m"), ("memory", "256Mi")],
                &[("cpu", "1"), ("memory", "1Gi")],
            ),
        ),
        |s, d| agent_enabled = s.or("enabled", true, d),
        d,
    );
    let groups = ChartLine::of(chart_version).map_or(&[][..], ChartLine::rule_groups);
    let rules = rules(f, groups, d);
    let agents = super::alerting::agents(f, d);
    let slos = super::alerting::slos(f, d);
    Global {
        retention,
        replication_factor,
        dedup_interval,
        storage_class,
        vmstorage: Storage {
            component: vmstorage,
            size,
            storage_class: storage_class_override,
        },
        vmselect: Select {
            component: vmselect,
            cache_size,
            max_points_per_timeseries: max_points,
        },
        vminsert,
        vmalert: Alert {
            component: vmalert,
            evaluation_interval,
        },
        alertmanager: Alertmanager {
            component: alertmanager,
            retention: am_retention,
            size: am_size,
        },
        vmauth: Auth {
            enabled: auth_enabled,
            anonymous_read,
            component: vmauth,
        },
        grafana,
        vmagent: SelfScrape {
            enabled: agent_enabled,
            component: vmagent,
        },
        rules,
        remote_write_from: None,
        agents,
        slos,
    }
}

fn agent(f: &mut Fields, d: &mut Diagnostics) -> Agent {
    let rw_path = f.path_of("remoteWrite");
    let remote_write = match f.raw("remoteWrite") {
        None => {
            d.report(
                Code::MissingField,
                &rw_path,
                "remoteWrite.url is required for an agent: the base URL of the global vminsert",
            );
            None
        }
        Some(v) => Fields::new(v, &rw_path, d).map(|mut r| {
            let (url, via) = super::networking::remote_write_target(&mut r, d);
            let tenant = r.or::<String>("tenant", "0".into(), d);
            if !tenant.chars().all(|c| c.is_ascii_digit() || c == ':') || tenant.is_empty() {
                d.report(
                    Code::WrongType,
                    &r.path_of("tenant"),
                    format!("{tenant:?} is not a tenant id (accountID or accountID:projectID)"),
                );
            }
            let rw = RemoteWrite {
                url,
                tenant,
                send_timeout: duration(&mut r, "sendTimeout", DurationStyle::Metrics, "30s", d),
                queues: r.or("queues", literal(10), d),
                max_rows_per_block: r.or("maxSamplesPerSend", literal(5000), d),
                max_disk_usage: r.opt("maxDiskUsage", d),
                flush_interval: opt_duration(&mut r, "flushInterval", DurationStyle::Metrics, d),
                via,
            };
            r.finish(d);
            rw
        }),
    };
    let vmagent = component(
        f,
        "vmagent",
        (
            2,
            Resources::of(
                &[("cpu", "100m"), ("memory", "256Mi")],
                &[("cpu", "1"), ("memory", "1Gi")],
            ),
        ),
        |_, _| {},
        d,
    );
    let exporter = |f: &mut Fields, key: &'static str, defaults: Resources, d: &mut Diagnostics| {
        let path = f.path_of(key);
        match f.raw(key) {
            None => defaults,
            Some(v) => match Fields::new(v, &path, d) {
                None => defaults,
                Some(mut x) => {
                    let r = x.or("resources", defaults, d);
                    x.finish(d);
                    r
                }
            },
        }
    };
    let kube_state_metrics = exporter(
        f,
        "kubeStateMetrics",
        Resources::of(
            &[("cpu", "50m"), ("memory", "128Mi")],
            &[("cpu", "1"), ("memory", "256Mi")],
        ),
        d,
    );
    let node_exporter = exporter(
        f,
        "nodeExporter",
        Resources::of(
            &[("cpu", "50m"), ("memory", "64Mi")],
            &[("cpu", "1"), ("memory", "128Mi")],
        ),
        d,
    );
    Agent {
        remote_write: remote_write.unwrap_or(RemoteWrite {
            url: Url(String::new()),
            tenant: "0".into(),
            send_timeout: literal(Duration("30s".into())),
            queues: literal(10),
            max_rows_per_block: literal(5000),
            max_disk_usage: None,
            flush_interval: None,
            via: RemoteWriteVia::Url,
        }),
        vmagent,
        kube_state_metrics,
        node_exporter,
    }
}

/// Reads one intent object. On any problem, returns every diagnostic found.
pub fn parse(obj: &Value) -> Result<Stack, Vec<Diagnostic>> {
    let mut d = Diagnostics::default();
    let stack = read(obj, &mut d);
    match stack {
        Some(mut s) if d.is_empty() => {
            s.variables = std::mem::take(&mut d.variables);
            super::check::cross_field(&s, &mut d);
            if d.is_empty() { Ok(s) } else { Err(d.list) }
        }
        _ => {
            if d.is_empty() {
                d.report(Code::NotAnIntent, "", "the intent could not be read");
            }
            Err(d.list)
        }
    }
}

fn read(obj: &Value, d: &mut Diagnostics) -> Option<Stack> {
    let mut top = Fields::new(obj, "", d)?;
    let _: Option<String> = top.opt("apiVersion", d);
    let _: Option<String> = top.opt("kind", d);
    let metadata = top.raw("metadata");
    let spec = top.raw("spec");
    top.finish(d);

    let Some(metadata) = metadata else {
        d.report(Code::MissingField, "metadata", "metadata.name is required");
        return None;
    };
    let Value::Object(meta) = metadata else {
        wrong_type(d, "metadata", "a mapping", metadata);
        return None;
    };
    let name = match meta.get("name") {
        Some(v) => Name::decode(v, "metadata.name", d).map(|n| n.0),
        None => {
            d.report(
                Code::MissingField,
                "metadata.name",
                "metadata.name is required",
            );
            None
        }
    };
    let namespace = match meta.get("namespace") {
        Some(v) => Name::decode(v, "metadata.namespace", d).map(|n| n.0),
        None => {
            d.report(
                Code::MissingField,
                "metadata.namespace",
                "metadata.namespace is required: every generated object lives there",
            );
            None
        }
    };
    let Some(spec) = spec else {
        d.report(Code::MissingField, "spec", "spec is required");
        return None;
    };
    let mut f = Fields::new(spec, "spec", d)?;
    let role = choice(&mut f, "role", &["global", "agent"], "", d);
    if role.is_empty() && !f.has("role") {
        d.report(
            Code::MissingField,
            "spec.role",
            "spec.role is required: global or agent",
        );
    }
    let name = name?;
    let namespace = namespace?;
    let release = name_or(&mut f, "releaseName", &name, d);
    let chart = chart(&mut f, d);
    let cluster: Option<Text> = f.opt("cluster", d);
    let cluster_domain = f.or::<String>("clusterDomain", "cluster.local".into(), d);
    let helm = helm(&mut f, d);
    let flux = flux(&mut f, &name, &namespace, d);
    let layout = {
        let dir = f.or::<String>("directory", name.clone(), d);
        if dir.starts_with('/') || dir.split('/').any(|p| p == "..") {
            d.report(
                Code::InvalidName,
                "spec.directory",
                format!(
                    "{dir:?} must be a relative folder inside the package (no leading / or ..)"
                ),
            );
        }
        Layout {
            directory: dir.trim_end_matches('/').to_string(),
        }
    };
    let network = network(&mut f, d);
    let scrape = scrape(&mut f, role == "global", d);
    let values: Map<String, Value> = f.or("values", Map::new(), d);

    let (role, other_role_fields, other_role) = match role.as_str() {
        "global" => {
            let mut g = global(&mut f, &release, &chart.version, d);
            g.remote_write_from = super::networking::remote_write_from(&mut f, &namespace, d);
            (Role::Global(Box::new(g)), &AGENT_ONLY[..], "agent")
        }
        "agent" => {
            if f.raw("cluster").is_none() {
                d.report(
                    Code::MissingField,
                    "spec.cluster",
                    "spec.cluster is required for an agent: it becomes the cluster label on every series",
                );
            }
            let mut a = agent(&mut f, d);
            super::networking::resolve_remote_write(
                &mut a.remote_write,
                &namespace,
                &cluster_domain,
            );
            (Role::Agent(Box::new(a)), &GLOBAL_ONLY[..], "global")
        }
        _ => return None,
    };
    for key in other_role_fields {
        if f.has(key) {
            let _ = f.raw(key);
            d.report(
                Code::WrongRole,
                &format!("spec.{key}"),
                format!("{key} applies to role {other_role}, not {}", role.name()),
            );
        }
    }
    f.finish(d);
    Some(Stack {
        name,
        namespace,
        release,
        chart,
        cluster,
        cluster_domain,
        helm,
        flux,
        layout,
        network,
        scrape,
        role,
        values,
        variables: Vec::new(),
    })
}
