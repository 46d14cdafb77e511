//! Reading a `VictoriaMetricsStack` object into the typed model, defaults applied.
//!
//! Defaults are the seed story's intent, corrected where the reference shows it wrong; each
//! correction is listed in docs/intent.md.

mod agent;
mod fields;
mod global;
mod platform;
mod rules;

use serde_json::{Map, Value};

use agent::*;
use fields::*;
use global::*;
use platform::*;

use super::decode::{Decode, Fields, wrong_type};
use super::diagnostic::{Code, Diagnostic, Diagnostics};
use super::model::*;
use super::scalar::{Name, Text};

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

pub(in crate::intent) use fields::invalid_choice;

/// Reads one intent object. On any problem, returns every diagnostic found.
pub fn parse(obj: &Value) -> Result<Stack, Vec<Diagnostic>> {
    let mut d = Diagnostics::default();
    let stack = read(obj, &mut d);
    match stack {
        Some(mut s) if d.is_empty() => {
            s.variables = std::mem::take(&mut d.variables);
            crate::intent::check::cross_field(&s, &mut d);
            if d.is_empty() { Ok(s) } else { Err(d.list) }
        }
        _ => {
            if d.is_empty() {
                d.report(Code::UnreadableInput, "", "the intent could not be read");
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
            g.remote_write_from =
                crate::intent::networking::remote_write_from(&mut f, &namespace, d);
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
            crate::intent::networking::resolve_remote_write(
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
