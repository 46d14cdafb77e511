//! Typed values of intent fields, one type per file: what it accepts, how it is checked (with
//! diagnostics at the field's path) and how it is written out (through serde). Each accepts a
//! Flux variable in place of a literal, or around one where the type says so.

mod duration;
mod extra_args;
mod name;
mod number;
mod package_path;
mod quantity;
mod repository_path;
mod resources;
mod retention;
mod setting;
mod tenant;
mod text;
mod url;

pub use duration::{DurationStyle, GoDuration, MetricsDuration, parse_duration_seconds};
pub use extra_args::ExtraArgs;
pub use name::{Name, dns_label_problem};
pub use package_path::package_path;
pub use quantity::{Quantity, is_quantity};
pub use repository_path::repository_path;
pub use resources::{Resources, ResourcesPatch};
pub use retention::{Retention, is_retention};
pub use setting::{Kind, Setting, Written, literal};
pub use tenant::{MULTITENANT, Tenant, tenant_problem};
pub use text::Text;
pub use url::{Scheme, Url, UrlParts};

use serde::Serialize;
use serde_json::Value;

/// A model value as JSON, for the renderers' objects.
pub trait ToJson {
    fn to_json(&self) -> Value;
}

impl<T: Serialize + ?Sized> ToJson for T {
    fn to_json(&self) -> Value {
        // Every model value serialises to JSON (mappings have string keys), so this never fails.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}
