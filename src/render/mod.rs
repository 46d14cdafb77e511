//! From a validated intent to Kubernetes objects, one module per output family.

mod access;
mod access_alerts;
mod access_values;
pub mod capacity;
mod cilium;
mod cross_cluster;
pub mod dashboards;
mod disruption;
mod endpoints;
mod flux;
mod health;
mod helm_release;
mod merge;
mod policies;
mod rules;
mod scrape;
mod secrets;
mod slo;

use serde_json::{Map, Value};

use crate::tree::tree;

use crate::flux::drift::FieldTypes;
use crate::flux::{envsubst, pipeline, typed};
use crate::intent::Stack;

pub use endpoints::endpoint_settings;
pub use merge::deep_merge;

/// One generated object and the file (inside the intent's output folder) it belongs in, as a
/// renderer writes it: templated values that are not strings still carry their types
/// ([`typed`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub file: &'static str,
    pub object: Value,
}

/// A finished object, its file, and the types its templated fields may take on the cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub file: &'static str,
    pub object: Value,
    pub types: FieldTypes,
}

impl From<Generated> for Output {
    fn from(g: Generated) -> Self {
        let mut object = g.object;
        let types = typed::take_types(&mut object);
        Output {
            file: g.file,
            object,
            types,
        }
    }
}

/// Files of the output folder, in the order they are listed in its kustomization.yaml.
pub mod files {
    pub const HELM_RELEASE: &str = "helmrelease.yaml";
    pub const EXTERNAL_SECRET: &str = "externalsecret.yaml";
    /// The VMUsers vmauth admits.
    pub const VMUSER: &str = "vmuser.yaml";
    pub const NETWORK_POLICY: &str = "networkpolicy.yaml";
    /// What another cluster needs to reach, or be reached by, this one (ClusterMesh).
    pub const CROSS_CLUSTER: &str = "crosscluster.yaml";
    pub const PDB: &str = "pdb.yaml";
    pub const VMRULE: &str = "vmrule.yaml";
    pub const SCRAPE: &str = "scrape.yaml";
    /// vmstack's Grafana dashboard, a ConfigMap for the chart's dashboard sidecar.
    pub const DASHBOARDS: &str = "dashboard.yaml";
    pub const ENDPOINTS: &str = "endpoints.yaml";
    /// The Flux Kustomization lives beside the files but is applied by a parent Kustomization,
    /// so the folder can be listed without applying itself.
    pub const FLUX_KUSTOMIZATION: &str = "ks.yaml";
    pub const KUSTOMIZATION: &str = "kustomization.yaml";
}

/// Everything one intent expands to, in a stable order.
pub fn render(stack: &Stack) -> Vec<Output> {
    let names = stack.names();
    let names = &names;
    // Each family reads only the stack, in the order its objects are written.
    let families: [&dyn Fn() -> Vec<Generated>; 11] = [
        &|| helm_release::render(stack, names),
        &|| secrets::render(stack),
        &|| access::render(stack, names),
        &|| policies::render(stack, names),
        &|| cilium::render(stack, names),
        &|| cross_cluster::render(stack, names),
        &|| disruption::render(stack, names),
        &|| rules::render(stack, names),
        &|| scrape::render(stack, names),
        &|| dashboards::render(stack, names),
        &|| endpoints::render(stack),
    ];
    // On the calling thread, even for a global stack: a second thread (its start, its own heap
    // pages) cost more than it saved once a whole run took under 4 ms (docs/performance.md).
    let mut out: Vec<Output> = families
        .iter()
        .flat_map(|family| family())
        .map(Output::from)
        .collect();
    let substituted = out.iter().any(|o| flux_would_change(&o.object));
    out.extend(
        flux::render(stack, names, substituted)
            .into_iter()
            .map(Output::from),
    );
    out
}

/// Whether Flux's substitution would change anything in the object: a `${…}` or a `$$` in the
/// text it substitutes, or a text it cannot even parse. Objects that opt out change nothing.
fn flux_would_change(object: &Value) -> bool {
    if pipeline::disabled(object) {
        return false;
    }
    if let Some(markers) = pipeline::markers_in_ascii(object) {
        return markers;
    }
    let Ok(text) = pipeline::serialise(object) else {
        return true;
    };
    if text.contains("$$") {
        return true;
    }
    // Without `$$` (and NUL, where Flux stops reading) every `${` opens a variable, or one Flux
    // cannot parse: a change either way, without parsing the text.
    if text.contains("${") && !text.contains('\0') {
        return true;
    }
    !envsubst::Template::is_plain(&text)
        && envsubst::Template::parse(&text, &envsubst::Limits::default())
            .map_or(true, |t| !t.funcs().is_empty())
}

/// The kustomization.yaml that lists the output folder's files for `kustomize build` and Flux,
/// leaving out ks.yaml (applied by a parent Kustomization, not by itself).
pub fn folder_index(stack: &Stack, generated: &[Output]) -> Output {
    let mut resources: Vec<&str> = Vec::new();
    for g in generated {
        if g.file != files::FLUX_KUSTOMIZATION && !resources.contains(&g.file) {
            resources.push(g.file);
        }
    }
    Output {
        file: files::KUSTOMIZATION,
        object: tree!({
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "metadata": {
                "name": stack.release.as_str(),
                "annotations": {"config.kubernetes.io/local-config": "true"},
            },
            "resources": resources,
        }),
        types: FieldTypes::new(),
    }
}

/// Labels every generated object carries.
pub fn common_labels(stack: &Stack) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "app.kubernetes.io/managed-by".into(),
        Value::from("vmstack"),
    );
    m.insert(
        "app.kubernetes.io/part-of".into(),
        Value::String(stack.release.to_string()),
    );
    m
}

/// `metadata` for an object in the stack's namespace.
pub fn metadata(stack: &Stack, name: &str) -> Value {
    metadata_in(stack, name, &stack.namespace)
}

pub fn metadata_in(stack: &Stack, name: &str, namespace: &str) -> Value {
    tree!({
        "name": name,
        "namespace": namespace,
        "labels": common_labels(stack),
    })
}

pub fn labels_map(labels: &[(String, String)]) -> Value {
    Value::Object(
        labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}
