//! Flux's own rules, as vmstack needs them: its variable substitution (envsubst), the per-object
//! pipeline kustomize-controller runs it in (yaml_v2, pipeline, drift, typed), and where it finds the
//! settings it substitutes from. Knows Flux, not VictoriaMetrics.

pub mod drift;
pub mod envsubst;
pub mod gostr;
pub mod pipeline;
pub mod readback;
pub mod substitute_from;
pub mod typed;
pub mod yaml_v2;
