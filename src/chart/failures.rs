//! Every condition under which the chart's templates stop `helm template` (and so the Flux
//! HelmRelease install) with an error, judged on the values the templates see: the chart's
//! defaults with the release's values laid over them.
//!
//! Each condition follows one `fail` call or one failing `index` in the templates of 0.61.13 and
//! 0.91.2 (and of the Grafana and node-exporter subcharts they bundle); docs/chart-contract.md
//! names the template behind each one.

use serde_json::Value;

use super::defaults;
use super::values::{at, coalesce, has_key, is_on, truthy};
use crate::intent::chart_line::ChartLine;

/// A way the chart refuses to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Condition {
    /// vmsingle, vmcluster (and on 0.91 vmdistributed): at most one may be enabled.
    OneMetricsStore,
    /// 0.91: vlsingle, vlcluster, vldistributed: at most one.
    OneLogsStore,
    /// 0.91: vtsingle, vtcluster: at most one.
    OneTracesStore,
    /// vmalert with no store to read from and no datasource and remoteRead of its own.
    VmalertReadSource,
    /// vmalert with no Alertmanager and no notifier of any kind.
    VmalertNotifier,
    /// Grafana on and nothing naming the data source of vmalert's alert links: the chart indexes
    /// item 0 of `defaultDatasources.victoriametrics.datasources`.
    AlertSourceDatasource,
    /// The chart's Grafana address: 0.61 indexes item 0 of `grafana.ingress.hosts` whenever
    /// Grafana is on; 0.91 refuses an enabled ingress (or route) without hosts.
    GrafanaAddress,
    /// `alertmanager.spec.configRawYaml` beside the chart's `alertmanager.config`.
    AlertmanagerConfigTwice,
    /// 0.61: the dashboards sidecar beside `grafana.dashboards` while the chart ships dashboards.
    DashboardsSidecarAndList,
    /// The Grafana subchart refuses a secret written into `grafana.ini`.
    GrafanaSecretInValues,
    /// The Grafana subchart refuses sidecar watch timeouts unless the watch method is WATCH.
    SidecarWatchTimeout,
    /// The node-exporter subchart refuses `image.sha`.
    NodeExporterImageSha,
}

impl Condition {
    /// Every condition of a chart line, in a fixed order.
    pub fn all(line: ChartLine) -> Vec<Condition> {
        use Condition::*;
        let mut out = vec![
            OneMetricsStore,
            VmalertReadSource,
            VmalertNotifier,
            AlertSourceDatasource,
            GrafanaAddress,
            AlertmanagerConfigTwice,
            GrafanaSecretInValues,
            SidecarWatchTimeout,
            NodeExporterImageSha,
        ];
        match line {
            ChartLine::V0_61 => out.push(DashboardsSidecarAndList),
            ChartLine::V0_91 => out.extend([OneLogsStore, OneTracesStore]),
        }
        out.sort();
        out
    }

    /// A stable name, used in messages and docs.
    pub fn name(self) -> &'static str {
        match self {
            Condition::OneMetricsStore => "one-metrics-store",
            Condition::OneLogsStore => "one-logs-store",
            Condition::OneTracesStore => "one-traces-store",
            Condition::VmalertReadSource => "vmalert-read-source",
            Condition::VmalertNotifier => "vmalert-notifier",
            Condition::AlertSourceDatasource => "alert-source-datasource",
            Condition::GrafanaAddress => "grafana-address",
            Condition::AlertmanagerConfigTwice => "alertmanager-config-twice",
            Condition::DashboardsSidecarAndList => "dashboards-sidecar-and-list",
            Condition::GrafanaSecretInValues => "grafana-secret-in-values",
            Condition::SidecarWatchTimeout => "sidecar-watch-timeout",
            Condition::NodeExporterImageSha => "node-exporter-image-sha",
        }
    }
}

/// One condition the values meet.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderFailure {
    pub condition: Condition,
    /// The values keys (as path segments) that decide the condition, most specific first: the
    /// one a user set is the one to name.
    pub keys: Vec<Vec<String>>,
    /// What the chart does, and how to avoid it.
    pub message: String,
}

/// The conditions that the release's values (as vmstack writes them into the HelmRelease) meet
/// on this chart line. Empty means the chart renders.
pub fn failures(line: ChartLine, release: &Value) -> Vec<RenderFailure> {
    let v = coalesce(defaults::tree(line), release);
    Condition::all(line)
        .into_iter()
        .filter_map(|c| check(c, line, &v))
        .collect()
}

fn failure(condition: Condition, keys: &[&str], message: impl Into<String>) -> RenderFailure {
    RenderFailure {
        condition,
        keys: keys.iter().map(|k| segments(k)).collect(),
        message: message.into(),
    }
}

fn check(c: Condition, line: ChartLine, v: &Value) -> Option<RenderFailure> {
    match c {
        Condition::OneMetricsStore => {
            let mut keys = vec!["vmsingle.enabled", "vmcluster.enabled"];
            if line == ChartLine::V0_91 {
                keys.push("vmdistributed.enabled");
            }
            at_most_one(c, v, &keys)
        }
        Condition::OneLogsStore => at_most_one(
            c,
            v,
            &["vlsingle.enabled", "vlcluster.enabled", "vldistributed.enabled"],
        ),
        Condition::OneTracesStore => at_most_one(c, v, &["vtsingle.enabled", "vtcluster.enabled"]),
        Condition::VmalertReadSource => vmalert_read_source(line, v),
        Condition::VmalertNotifier => vmalert_notifier(v),
        Condition::AlertSourceDatasource => alert_source_datasource(v),
        Condition::GrafanaAddress => grafana_address(line, v),
        Condition::AlertmanagerConfigTwice => (is_on(v, &["alertmanager", "enabled"])
            && is_on(v, &["alertmanager", "spec", "configRawYaml"])
            && is_on(v, &["alertmanager", "config"]))
        .then(|| {
            failure(
                c,
                &["alertmanager.spec.configRawYaml", "alertmanager.config"],
                "alertmanager.spec.configRawYaml and alertmanager.config are both set, and the chart \
                 refuses both; the chart's default alertmanager.config counts, so set \
                 alertmanager.config: null beside configRawYaml",
            )
        }),
        Condition::DashboardsSidecarAndList => (is_on(v, &["defaultDashboards", "enabled"])
            && is_on(v, &["grafana", "sidecar", "dashboards", "enabled"])
            && is_on(v, &["grafana", "dashboards"]))
        .then(|| {
            failure(
                c,
                &["grafana.dashboards", "grafana.sidecar.dashboards.enabled"],
                "grafana.dashboards beside the dashboards sidecar, while the chart ships its \
                 dashboards: chart 0.61 refuses to render; give dashboards as ConfigMaps for the \
                 sidecar instead",
            )
        }),
        Condition::GrafanaSecretInValues => grafana_secret_in_values(v),
        Condition::SidecarWatchTimeout => sidecar_watch_timeout(v),
        Condition::NodeExporterImageSha => (is_on(v, &["prometheus-node-exporter", "enabled"])
            && is_on(v, &["prometheus-node-exporter", "image", "sha"]))
        .then(|| {
            failure(
                c,
                &["prometheus-node-exporter.image.sha"],
                "the node-exporter chart refuses image.sha: use image.digest",
            )
        }),
    }
}

fn path(key: &str) -> Vec<&str> {
    key.split('.').collect()
}

fn segments(key: &str) -> Vec<String> {
    key.split('.').map(str::to_string).collect()
}

/// A key path for messages: segments that hold a dot are quoted.
pub fn dotted(key: &[String]) -> String {
    key.iter()
        .map(|k| {
            if k.contains('.') {
                format!("{k:?}")
            } else {
                k.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn at_most_one(c: Condition, v: &Value, keys: &[&str]) -> Option<RenderFailure> {
    let on: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| is_on(v, &path(k)))
        .collect();
    (on.len() > 1).then(|| {
        failure(
            c,
            &on,
            format!(
                "{} are all enabled, and the chart renders only one of them",
                on.join(" and ")
            ),
        )
    })
}

/// Whether the chart finds a store for vmalert to read from (its "read endpoint").
fn has_read_endpoint(line: ChartLine, v: &Value) -> bool {
    let metrics = is_on(v, &["vmsingle", "enabled"])
        || (is_on(v, &["vmcluster", "enabled"])
            && is_on(v, &["vmcluster", "spec", "vmselect", "enabled"]))
        || is_on(v, &["external", "vm", "read", "url"]);
    match line {
        ChartLine::V0_61 => metrics,
        ChartLine::V0_91 => {
            metrics
                || is_on(v, &["vmdistributed", "enabled"])
                || is_on(v, &["vlsingle", "enabled"])
                || (is_on(v, &["vlcluster", "enabled"])
                    && is_on(v, &["vlcluster", "spec", "vlselect", "enabled"]))
                || is_on(v, &["vldistributed", "enabled"])
                || is_on(v, &["external", "vl", "read", "url"])
        }
    }
}

fn vmalert_read_source(line: ChartLine, v: &Value) -> Option<RenderFailure> {
    let own = is_on(v, &["vmalert", "spec", "datasource"])
        && is_on(v, &["vmalert", "spec", "remoteRead"]);
    (is_on(v, &["vmalert", "enabled"]) && !has_read_endpoint(line, v) && !own).then(|| {
        failure(
            Condition::VmalertReadSource,
            &[
                "vmalert.spec.datasource",
                "vmalert.spec.remoteRead",
                "vmcluster.spec.vmselect.enabled",
                "vmcluster.enabled",
            ],
            "vmalert is enabled but the chart finds no store to read from (no vmselect) and \
             vmalert.spec has no datasource and remoteRead: the chart refuses to render",
        )
    })
}

fn vmalert_notifier(v: &Value) -> Option<RenderFailure> {
    let spec = ["vmalert", "spec"];
    let own = has_key(v, &spec, "notifier")
        || at(v, &["vmalert", "spec", "notifiers"])
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
        || has_key(v, &spec, "notifierConfigRef")
        || has_key(v, &["vmalert", "spec", "extraArgs"], "notifier.blackhole");
    (is_on(v, &["vmalert", "enabled"])
        && !is_on(v, &["alertmanager", "enabled"])
        && !is_on(v, &["vmalert", "additionalNotifierConfigs"])
        && !own)
        .then(|| {
            failure(
                Condition::VmalertNotifier,
                &["alertmanager.enabled", "vmalert.spec.notifiers"],
                "vmalert is enabled without Alertmanager and without any notifier: the chart \
                 refuses to render; give vmalert.spec.notifiers, or \
                 vmalert.spec.extraArgs[\"notifier.blackhole\"]: \"true\" to drop alerts on purpose",
            )
        })
}

/// The chart's Grafana (or an external one) gets explore links in vmalert's alerts.
fn links_to_grafana(v: &Value) -> bool {
    is_on(v, &["vmalert", "enabled"])
        && (is_on(v, &["grafana", "enabled"]) || is_on(v, &["external", "grafana", "host"]))
}

fn alert_source_datasource(v: &Value) -> Option<RenderFailure> {
    let source_given = at(v, &["vmalert", "spec", "extraArgs"])
        .and_then(|a| a.get("external.alert.source"))
        .is_some_and(|s| truthy(Some(s)));
    let first_is_map = at(v, &["defaultDatasources", "victoriametrics", "datasources"])
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .is_some_and(Value::is_object);
    (links_to_grafana(v)
        && !source_given
        && !is_on(v, &["external", "grafana", "host"])
        && !first_is_map)
        .then(|| {
            failure(
                Condition::AlertSourceDatasource,
                &["defaultDatasources.victoriametrics.datasources"],
                "Grafana is on and the chart builds vmalert's alert links from item 0 of \
                 defaultDatasources.victoriametrics.datasources, which is empty: the chart fails \
                 with \"slice index out of range\"; keep one data source there",
            )
        })
}

/// Whether a list value has a first item (the chart indexes it).
fn has_first(v: &Value, p: &[&str]) -> bool {
    at(v, p)
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
}

fn grafana_address(line: ChartLine, v: &Value) -> Option<RenderFailure> {
    let url_given = at(v, &["vmalert", "spec", "extraArgs"])
        .and_then(|a| a.get("external.url"))
        .is_some_and(|s| truthy(Some(s)));
    let from_vmalert = links_to_grafana(v) && !url_given;
    let grafana = is_on(v, &["grafana", "enabled"]);
    match line {
        ChartLine::V0_61 => {
            // Every default rule file asks for the address too, whatever its group's switch.
            let asked = from_vmalert || is_on(v, &["defaultRules", "create"]);
            let tls_is_list = at(v, &["grafana", "ingress", "tls"]).is_some_and(Value::is_array);
            (asked && grafana && !(has_first(v, &["grafana", "ingress", "hosts"]) && tls_is_list))
                .then(|| {
                    failure(
                        Condition::GrafanaAddress,
                        &["grafana.ingress.hosts", "grafana.ingress.tls"],
                        "chart 0.61 builds Grafana's address from item 0 of grafana.ingress.hosts \
                         (and the length of grafana.ingress.tls) whenever Grafana is on, even \
                         with the ingress off: keep a host there and tls a list",
                    )
                })
        }
        ChartLine::V0_91 => {
            let asked = from_vmalert || is_on(v, &["syncJob", "enabled"]);
            if !(asked && grafana) {
                return None;
            }
            if is_on(v, &["grafana", "ingress", "enabled"]) {
                return (!has_first(v, &["grafana", "ingress", "hosts"])).then(|| {
                    failure(
                        Condition::GrafanaAddress,
                        &["grafana.ingress.hosts", "grafana.ingress.enabled"],
                        "grafana.ingress is enabled with no hosts: chart 0.91 refuses to render",
                    )
                });
            }
            (is_on(v, &["grafana", "route", "main", "enabled"])
                && !has_first(v, &["grafana", "route", "main", "hostnames"]))
            .then(|| {
                failure(
                    Condition::GrafanaAddress,
                    &["grafana.route.main.hostnames", "grafana.route.main.enabled"],
                    "grafana.route.main is enabled with no hostnames: chart 0.91 refuses to render",
                )
            })
        }
    }
}

/// `grafana.ini` keys the Grafana chart will not take as plain text (the same list in the
/// Grafana charts 10.1.2 and 12.7.3).
pub const GRAFANA_SENSITIVE_KEYS: &[(&str, &str)] = &[
    ("database", "password"),
    ("smtp", "password"),
    ("security", "secret_key"),
    ("security", "admin_password"),
    ("auth.basic", "password"),
    ("auth.ldap", "bind_password"),
    ("auth.google", "client_secret"),
    ("auth.github", "client_secret"),
    ("auth.gitlab", "client_secret"),
    ("auth.generic_oauth", "client_secret"),
    ("auth.okta", "client_secret"),
    ("auth.azuread", "client_secret"),
    ("auth.grafana_com", "client_secret"),
    ("auth.grafananet", "client_secret"),
    ("azure", "user_identity_client_secret"),
    ("unified_alerting", "ha_redis_password"),
    ("metrics", "basic_auth_password"),
    ("external_image_storage.s3", "secret_key"),
    ("external_image_storage.webdav", "password"),
    ("external_image_storage.azure_blob", "account_key"),
];

/// Whether a `grafana.ini` value still holds one of Grafana's own expansions after Flux has
/// substituted the HelmRelease: `$__env{X}`, `$__file{X}` or `$__vault{X}` pass Flux as they
/// are, and `$${X}` becomes Grafana's `${X}`. A plain `${X}` is a Flux variable: Flux replaces it
/// with its value before Helm runs, so the chart sees the secret itself.
pub fn is_grafana_expansion(s: &str) -> bool {
    ["$__env{", "$__file{", "$__vault{", "$${"]
        .iter()
        .any(|open| {
            s.match_indices(open).any(|(i, _)| {
                let inner = &s[i + open.len()..];
                inner.find('}').is_some_and(|end| end > 0)
            })
        })
}

fn grafana_secret_in_values(v: &Value) -> Option<RenderFailure> {
    if !is_on(v, &["grafana", "enabled"]) || !is_on(v, &["grafana", "assertNoLeakedSecrets"]) {
        return None;
    }
    let ini = at(v, &["grafana", "grafana.ini"])?;
    let plain: Vec<Vec<String>> = GRAFANA_SENSITIVE_KEYS
        .iter()
        .filter_map(|(section, key)| {
            let value = ini.get(section)?.get(key)?;
            let expanded = value.as_str().is_some_and(is_grafana_expansion);
            (!expanded).then(|| {
                ["grafana", "grafana.ini", section, key]
                    .map(str::to_string)
                    .to_vec()
            })
        })
        .collect();
    if plain.is_empty() {
        return None;
    }
    let names: Vec<String> = plain.iter().map(|k| dotted(k)).collect();
    Some(RenderFailure {
        condition: Condition::GrafanaSecretInValues,
        keys: plain,
        message: format!(
            "{} holds a secret as text (a Flux variable is substituted into text before Helm \
             runs): the Grafana chart refuses to render, and the secret would sit in a \
             ConfigMap; read it from a mounted Secret with $__file{{/path}}, or from the \
             environment with $__env{{NAME}} (or $${{NAME}}, which Flux turns into ${{NAME}})",
            names.join(", ")
        ),
    })
}

fn sidecar_watch_timeout(v: &Value) -> Option<RenderFailure> {
    if !is_on(v, &["grafana", "enabled"]) {
        return None;
    }
    for sidecar in [
        "dashboards",
        "datasources",
        "alerts",
        "notifiers",
        "plugins",
    ] {
        let base = ["grafana", "sidecar", sidecar];
        if !is_on(v, &[base[0], base[1], base[2], "enabled"]) {
            continue;
        }
        let timeout = ["watchServerTimeout", "watchClientTimeout"]
            .into_iter()
            .find(|t| is_on(v, &[base[0], base[1], base[2], t]));
        let watch = at(v, &[base[0], base[1], base[2], "watchMethod"]).and_then(Value::as_str);
        if let Some(t) = timeout
            && watch != Some("WATCH")
        {
            return Some(RenderFailure {
                condition: Condition::SidecarWatchTimeout,
                keys: vec![
                    segments(&format!("grafana.sidecar.{sidecar}.{t}")),
                    segments(&format!("grafana.sidecar.{sidecar}.watchMethod")),
                ],
                message: format!(
                    "grafana.sidecar.{sidecar}.{t} is set while its watchMethod is not WATCH: \
                     the Grafana chart refuses to render"
                ),
            });
        }
    }
    None
}
