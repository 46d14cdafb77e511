//! The intent's JSON Schema, generated from the input-shape types in `shape/` (with schemars),
//! and everything made from it: the schema `vmstack schema` prints (also the editor schema and
//! the one in function.yaml), the field reference of docs/intent.md, and the function's catalog
//! files.
//!
//! The parser (`intent/parse`) does not read through these types: it reads field by field, to
//! report every problem with its path and the nearest known name. The shape types describe
//! what it reads, and the tests bind the two (tests/intent_schema.rs): every key the schema
//! has, the parser reads, and the other way round; every good intent validates.

pub mod files;
mod publish;
pub mod reference;
mod shape;
pub mod value;

use schemars::generate::SchemaSettings;
use serde_json::Value;

pub use publish::MARKER_PREFIX;
pub use shape::{COMPONENT_MARKER, REQUIRED_MARKER, ROLE_MARKER};

/// The schema as generated: sections by reference (`$defs`), the role and component markers
/// kept, descriptions as written. What the field reference is made from.
pub fn annotated() -> Value {
    let generator = SchemaSettings::draft2020_12()
        .with(|s| s.meta_schema = None)
        .into_generator();
    let mut schema = generator.into_root_schema_for::<shape::Intent>().to_value();
    publish::tidy(&mut schema);
    schema
}

/// The published schema: every section inlined, a branch per role for the spec, no markers.
/// Valid both as JSON Schema (editors, validators) and as the OpenAPI v3 subset a
/// KRMFunctionDefinition's `openAPIV3Schema` takes (no `$ref`, `const`, or type lists).
pub fn intent_schema() -> Value {
    publish::publish(annotated())
}

/// The published schema as `vmstack schema` prints it and `vmstack.schema.json` holds it.
pub fn intent_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&intent_schema()).expect("JSON values print");
    text.push('\n');
    text
}
