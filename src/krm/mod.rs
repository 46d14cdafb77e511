//! The KRM function protocol: ResourceList in, ResourceList out.
//!
//! This layer knows nothing about VictoriaMetrics. It parses the host's input, carries items as
//! plain JSON-compatible values (every Kubernetes object is one), and writes results the way kpt
//! and kustomize read them.

pub mod object;
mod raw_items;
pub mod resource_list;
pub mod result;
pub mod yaml;

pub use object::Object;
pub use resource_list::{ProtocolError, ResourceList};
pub use result::{FieldRef, FileRef, KrmResult, ResourceRef, Severity};
