//! Flux's own rules, as vmstack needs them: its variable substitution (envsubst), and where it
//! finds the settings it substitutes from. Knows Flux, not VictoriaMetrics.

pub mod envsubst;
mod glob;
pub mod substitute_from;
