//! The KRM function protocol: ResourceList in, ResourceList out.
//!
//! This layer knows nothing about VictoriaMetrics. It reads the host's input within explicit
//! limits, carries items as plain JSON-compatible values (every Kubernetes object is one),
//! decoded only as far as needed, and writes results the way kpt and kustomize read them.

pub mod index;
pub mod input;
pub mod item;
pub mod limits;
pub mod object;
pub mod resource_list;
pub mod result;
mod scan;
pub mod yaml;
pub mod yaml_write;

pub use item::Item;
pub use limits::{Limit, Limits};
pub use object::Object;
pub use resource_list::{ProtocolError, ResourceList};
pub use result::{FieldRef, FileRef, KrmResult, ResourceRef, Severity};
/// For the property tests and the fuzz target: the scan in pieces against the one pass.
#[doc(hidden)]
pub use scan::{lines_agree, pieces_agree};
