//! Reading a `VictoriaMetricsStack` object into the typed model: one reader per subject, each
//! taking its defaults from the model and returning its own part of it.

mod access;
mod agent;
mod alerting;
mod capacity;
mod component;
mod global;
mod grafana;
mod network;
mod platform;
mod remote_write;
mod rules;
mod security;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use serde_json::{Map, Value};

use super::choice::Choice;
use super::decode::{Decode, wrong_type};
use super::diagnostic::{Diagnostic, Diagnostics};
use super::fields::Fields;
use super::model::*;
use super::scalar::{Name, Text};
use super::spanned::Spanned;
use crate::code::Code;

pub const API_VERSION: &str = "vmstack.dev/v1alpha1";
pub const KIND: &str = "VictoriaMetricsStack";

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

/// The intent's annotations, when given, are a mapping of strings: vmstack reads where the
/// intent's file is from them and writes `local-config` among them, and would otherwise misread
/// or replace them.
fn annotations(annotations: Option<&Value>, d: &mut Diagnostics) {
    match annotations {
        None | Some(Value::Null) => {}
        Some(Value::Object(a)) => {
            for (key, value) in a.iter().filter(|(_, v)| !v.is_string()) {
                wrong_type(d, &format!("metadata.annotations.{key}"), "a string", value);
            }
        }
        Some(other) => wrong_type(d, "metadata.annotations", "a mapping", other),
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
    annotations(meta.get("annotations"), d);
    let Some(spec) = spec else {
        d.report(Code::MissingField, "spec", "spec is required");
        return None;
    };
    super::plaintext::check(spec, "spec", d);
    let mut f = Fields::new(spec, "spec", d)?;
    let role = f.choice::<RoleKind>("role", d);
    if role.is_none() && !f.has("role") {
        d.report(
            Code::MissingField,
            "spec.role",
            "spec.role is required: global or agent",
        );
    }
    let name = name?;
    let namespace = namespace?;
    let release = release(&mut f, &name, d);
    let chart = platform::chart(&mut f, role, d);
    let cluster: Option<Text> = f.opt("cluster", d);
    let cluster_domain = f.or::<String>("clusterDomain", DEFAULT_CLUSTER_DOMAIN.into(), d);
    let helm = platform::helm(&mut f, d);
    let flux = platform::flux(&mut f, &name, &namespace, d);
    let directory = platform::directory(&mut f, &name, d);
    let network = network::network(&mut f, d);
    // Without a role nothing is rendered; the agent's defaults only let the reader go on.
    let scrape = network::scrape(&mut f, role.unwrap_or(RoleKind::Agent), d);
    let values = f.or_spanned("values", Spanned::unread(Map::new()), d);
    let security = security::security(&mut f, d);
    let capacity = capacity::capacity(&mut f, role, d);

    let kind = role?;
    let role = match kind {
        RoleKind::Global => {
            let g = global::global(&mut f, &release, chart.as_ref(), &namespace, d);
            Some(Role::Global(Box::new(g)))
        }
        RoleKind::Agent => {
            if f.raw("cluster").is_none() {
                d.report(
                    Code::MissingField,
                    "spec.cluster",
                    "spec.cluster is required for an agent: it becomes the cluster label on every series",
                );
            }
            agent::agent(&mut f, &namespace, &cluster_domain, cluster.as_ref(), d)
                .map(|a| Role::Agent(Box::new(a)))
        }
    };
    wrong_role_fields(&mut f, kind, d);
    f.finish(d);
    Some(Stack {
        name,
        namespace,
        release,
        chart: chart?,
        cluster,
        cluster_domain,
        helm,
        flux,
        directory,
        network,
        scrape,
        capacity,
        role: role?,
        values,
        security,
        variables: Vec::new(),
    })
}

/// The release name: `spec.releaseName`, or the intent's own name.
fn release(f: &mut Fields, name: &str, d: &mut Diagnostics) -> Spanned<String> {
    let path = f.path_of("releaseName");
    match f.opt::<Name>("releaseName", d) {
        Some(n) => Spanned::new(n.0, path),
        None => Spanned::new(name.to_string(), "metadata.name"),
    }
}

/// The spec fields a role's reader asks for, found by reading an empty spec as that role.
fn fields_of(role: RoleKind) -> Vec<&'static str> {
    let mut empty = Fields::empty("spec");
    let mut ignored = Diagnostics::default();
    match role {
        RoleKind::Global => {
            global::global(&mut empty, "", None, "", &mut ignored);
        }
        RoleKind::Agent => {
            agent::agent(&mut empty, "", "", None, &mut ignored);
        }
    }
    empty.asked()
}

static GLOBAL_FIELDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| fields_of(RoleKind::Global));
static AGENT_FIELDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| fields_of(RoleKind::Agent));

/// Fields only the other role reads, named here: a clear message instead of "unknown field".
fn wrong_role_fields(f: &mut Fields, role: RoleKind, d: &mut Diagnostics) {
    let (other, other_fields) = match role {
        RoleKind::Global => (RoleKind::Agent, &*AGENT_FIELDS),
        RoleKind::Agent => (RoleKind::Global, &*GLOBAL_FIELDS),
    };
    let asked = f.asked();
    for key in other_fields.iter().filter(|k| !asked.contains(k)) {
        if f.has(key) {
            let _ = f.raw(key);
            d.report(
                Code::WrongRole,
                &f.path_of(key),
                format!(
                    "{key} applies to role {}, not {}",
                    other.name(),
                    role.name()
                ),
            );
        }
    }
}

/// A name-valued field (a DNS-1123 label), or its default.
fn name_or(f: &mut Fields, key: &'static str, default: String, d: &mut Diagnostics) -> String {
    f.opt::<Name>(key, d).map_or(default, |n| n.0)
}

/// The names in order, each once: a name an earlier item already has is reported at the later
/// item's path and left out.
fn each_once(
    names: impl IntoIterator<Item = Spanned<String>>,
    d: &mut Diagnostics,
    repeated: impl Fn(&str) -> (Code, String),
) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for n in names {
        if seen.insert(n.value.clone()) {
            out.push(n.value);
        } else {
            let (code, message) = repeated(&n.value);
            d.report(code, &n.path, message);
        }
    }
    out
}
