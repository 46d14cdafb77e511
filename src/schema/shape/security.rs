//! `spec.security`: the safe defaults the intent lets its `values` relax (`parse/security.rs`).

use schemars::JsonSchema;

use crate::intent::model::Relaxation;
use crate::schema::value::Words;

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Security {
    /// The safe defaults `values` may weaken, as a warning instead of an error: `podSecurity`
    /// (security contexts, `useStrictSecurity`, Grafana's root init container),
    /// `grafanaAnonymous` (Grafana's anonymous access and sign-up); see
    /// [security.md](security.md#relaxing-a-default)
    ///
    /// Default: `[]`
    relax: Option<Vec<Words<Relaxation>>>,
}
