//! The `VictoriaMetricsStack` intent: raw object → validated model, with diagnostics that carry
//! stable codes and field paths.

mod alerting;
pub mod chart_line;
mod check;
pub mod decode;
pub mod diagnostic;
pub mod model;
pub mod networking;
mod parse;
pub mod scalar;
pub mod settings;
pub mod variables;

pub use diagnostic::{Code, Diagnostic};
pub use model::*;
pub use parse::{API_VERSION, CHART_OCI_URL, DEFAULT_CHART_VERSION, KIND, parse};
