//! vmstack: expands a short `VictoriaMetricsStack` intent into the full manifest set for a
//! VictoriaMetrics deployment across Kubernetes clusters, as a KRM function.
//!
//! Layers, from the edge inward: [`krm`] (the ResourceList protocol, nothing VictoriaMetrics),
//! [`function`] (which items to expand, replace and prune), [`intent`] (raw object → validated
//! model), [`operator`] (names, labels, ports) and [`render`] (one module per output family).

pub mod function;
pub mod intent;
pub mod krm;
pub mod operator;
pub mod render;
