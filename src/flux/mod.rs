//! Flux's side of the output: which variables the generated objects read, whether the cluster's
//! settings define them, and Flux's substitution itself. Knows Flux, not VictoriaMetrics.

pub mod drift;
pub mod envsubst;
pub mod gostr;
pub mod pipeline;
pub mod settings;
pub mod yaml_v2;
