//! The `VictoriaMetricsStack` intent: raw object → validated model, with diagnostics that carry
//! stable codes and field paths.
//!
//! `parse/` holds one reader per subject, `model/` the typed model they fill (with its
//! defaults), `scalar/` one file per value type; `check` holds the rules across fields.

mod access_check;
pub mod across;
pub mod chart_line;
mod check;
pub mod choice;
pub mod decode;
pub mod diagnostic;
pub mod fields;
pub mod model;
mod parse;
pub mod plaintext;
pub mod scalar;
pub mod spanned;
pub mod variables;

pub use across::across;
pub use diagnostic::Diagnostic;
pub use model::*;
pub use parse::{API_VERSION, KIND, parse};
pub use spanned::Spanned;
