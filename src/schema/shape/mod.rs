//! The intent as it is written: one type per mapping the readers in `intent/parse` read, by the
//! same subjects. They are never built; they exist to be described (`#[derive(JsonSchema)]`),
//! and their doc comments are the field reference, in the schema and in docs/intent.md.
//!
//! A doc comment's last paragraph, when it starts with `Default:`, is the field's default.
//! A field of one role only is marked `#[schemars(transform = global)]`, and every field of a
//! role's own struct (`GlobalFields`, `AgentFields`) is marked by that struct's transform; the
//! published schema offers such a field to that role alone. Adding a field is one line here, with
//! its doc comment; the tests fail until the parser reads it too.

#![allow(dead_code, reason = "the types are described, never built")]

mod access;
mod agent;
mod capacity;
mod component;
mod global;
mod network;
mod platform;
mod security;

use schemars::{JsonSchema, Schema};
use serde_json::json;

use super::value::{Exactly, FreeForm, Name, StringMap, Text, Words};
use crate::intent::RoleKind;
use crate::intent::choice::Choice;

/// The marker of a field that one role alone reads.
pub const ROLE_MARKER: &str = "x-vmstack-role";
/// The marker of a field that one role requires.
pub const REQUIRED_MARKER: &str = "x-vmstack-required-for";
/// The marker of a section that holds the component settings besides its own fields.
pub const COMPONENT_MARKER: &str = "x-vmstack-component";

fn mark(schema: &mut Schema, marker: &str, value: serde_json::Value) {
    schema.insert(marker.into(), value);
}

/// A field of the global role only.
pub fn global(schema: &mut Schema) {
    mark(schema, ROLE_MARKER, json!(RoleKind::Global.name()));
}

/// A field every role reads and the agent requires.
pub fn required_for_agent(schema: &mut Schema) {
    mark(schema, REQUIRED_MARKER, json!(RoleKind::Agent.name()));
}

/// A section with the component settings (`replicas`, `resources`, …) besides its own fields.
pub fn with_component(schema: &mut Schema) {
    mark(schema, COMPONENT_MARKER, json!(true));
}

/// Marks every field of a struct as read by `role` alone (for the fields of a role, flattened
/// into the spec).
fn every_field_of(schema: &mut Schema, role: RoleKind) {
    if let Some(properties) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
        for property in properties.values_mut() {
            property[ROLE_MARKER] = json!(role.name());
        }
    }
}

pub fn global_fields(schema: &mut Schema) {
    every_field_of(schema, RoleKind::Global);
}

pub fn agent_fields(schema: &mut Schema) {
    every_field_of(schema, RoleKind::Agent);
}

/// A `VictoriaMetricsStack` intent: one short file per cluster that vmstack expands into the
/// cluster's VictoriaMetrics manifests.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Intent {
    api_version: Exactly<true>,
    kind: Exactly<false>,
    metadata: Metadata,
    spec: Spec,
}

#[derive(JsonSchema)]
pub struct Metadata {
    /// DNS label; also the Helm release name unless `releaseName` is set
    name: Name,
    /// Where every generated object lives (the Flux Kustomization excepted)
    namespace: Name,
    labels: Option<StringMap>,
    /// `config.kubernetes.io/local-config: "true"` keeps the intent itself out of what kpt and
    /// kustomize apply
    annotations: Option<StringMap>,
}

/// What the cluster runs, and how; `role` says which fields apply.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Spec {
    /// `global` (the store and query side) or `agent` (a vmagent that remote-writes to a
    /// global cluster)
    role: Words<RoleKind>,
    /// Helm release name and the chart's `fullnameOverride`: every operator-made name derives
    /// from it (`vmstorage-<release>`, …)
    ///
    /// Default: `metadata.name`
    release_name: Option<Name>,
    /// The `cluster` external label on every series the vmagent sends
    ///
    /// Default: none (**required** for `agent`)
    #[schemars(transform = required_for_agent)]
    cluster: Option<Text>,
    /// Used in the in-cluster URLs vmstack writes
    ///
    /// Default: `cluster.local`
    cluster_domain: Option<Text>,
    /// With kpt: the folder (relative to the intent file) the generated files go to; a
    /// relative path inside the package (no leading `/`, `..`, empty segment, backslash or
    /// control character: VMS119, [diagnostics.md](diagnostics.md#paths-where-files-are-placed))
    ///
    /// Default: `metadata.name`
    directory: Option<Text>,
    chart: Option<platform::Chart>,
    /// HelmRelease reconciliation
    helm: Option<platform::Helm>,
    /// The Flux Kustomization that applies the rendered folder (`ks.yaml`)
    flux: Option<platform::Flux>,
    /// The NetworkPolicy set ([networking.md](networking.md))
    network_policies: Option<network::NetworkPolicies>,
    /// What the stack scrapes besides itself
    scrape: Option<network::Scrape>,
    /// The load the stack is planned for. A global stack's vmstorage is checked against its own
    /// load plus that of the agents of the same input that write to it; without a load,
    /// vmstack says how much the configured size holds ([capacity.md](capacity.md))
    ///
    /// Default: no load declared
    capacity: Option<capacity::Capacity>,
    /// Deep-merged into the Helm values **last** (mappings merge, lists and scalars replace,
    /// `null` deletes a chart default): the escape hatch to anything the chart can do. Values
    /// that would make the chart refuse to render are an error naming the key (VMS210,
    /// [chart.md](chart.md#render-conditions)), and so are values that turn off a safe default
    /// (a security context, strict security, Grafana's or vmauth's anonymous access: VMS216,
    /// [security.md](security.md))
    ///
    /// Default: `{}`
    values: Option<FreeForm>,
    /// What `values` may weaken of the safe defaults ([security.md](security.md))
    security: Option<security::Security>,
    /// Global: the stack's own scraper. Agent: the vmagent that scrapes the cluster and
    /// remote-writes everything to the global cluster
    ///
    /// Default: global: enabled, 1 replica, requests 100m/256Mi, limits 1/1Gi; agent: 2
    /// replicas, requests 100m/256Mi, limits 1/1Gi
    vmagent: Option<global::VmAgent>,
    #[serde(flatten)]
    global: global::GlobalFields,
    #[serde(flatten)]
    agent: agent::AgentFields,
}
