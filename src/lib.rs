//! vmstack: expands a short `VictoriaMetricsStack` intent into the full manifest set for a
//! VictoriaMetrics deployment across Kubernetes clusters, as a KRM function.
//!
//! Layers, from the edge inward: [`krm`] (the ResourceList protocol, nothing VictoriaMetrics),
//! [`function`] (the run: which intents to expand, and placement), [`ownership`] (which items are
//! earlier output, to replace or prune, and which are kept), [`intent`] (raw object → validated
//! model), [`operator`] (names, labels, ports) and [`render`] (one module per output family).
//!
//! ```
//! use vmstack::function::{self, Layout};
//! use vmstack::krm::{ResourceList, yaml};
//!
//! let intent = yaml::parse_document(
//!     "apiVersion: vmstack.dev/v1alpha1
//! kind: VictoriaMetricsStack
//! metadata: {name: vm, namespace: observability}
//! spec:
//!   role: agent
//!   cluster: edge-1
//!   remoteWrite: {url: 'http://vminsert-vm-global.observability.svc:8480'}
//!   flux: {enabled: false}
//! ",
//! )
//! .unwrap();
//! let out = function::process(
//!     ResourceList::new(Vec::new(), Some(intent)),
//!     Layout::Stream,
//! );
//! assert!(!out.has_errors());
//! let release = out.items.iter().find(|o| o["kind"] == "HelmRelease").unwrap();
//! assert_eq!(
//!     release["spec"]["values"]["vmagent"]["additionalRemoteWrites"][0]["url"],
//!     "http://vminsert-vm-global.observability.svc:8480/insert/0/prometheus/api/v1/write"
//! );
//! ```

pub mod capacity;
pub mod chart;
pub mod cli;
pub mod code;
mod decimal;
pub mod flux;
pub mod function;
pub mod intent;
pub mod krm;
pub mod locate;
pub mod operator;
pub mod ownership;
pub mod parallel;
pub mod plan;
pub mod render;
pub mod schema;
pub mod settings;
pub mod settings_index;
pub mod stdio;
pub mod terminal;
mod tree;
