//! Container resources: `requests` and `limits`, each a map of resource name to quantity.
//!
//! An intent's `resources` is laid over the component's defaults entry by entry, so writing one
//! limit keeps every other request and limit; `null` drops a default entry.

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::quantity::Quantity;
use super::setting::Setting;
use crate::code::Code;
use crate::intent::decode::{Decode, child, wrong_type};
use crate::intent::diagnostic::{Diagnostic, Diagnostics};
use crate::intent::fields::Fields;

type ResourceMap = Vec<(String, Setting<Quantity>)>;

/// Written out as `{limits, requests}`, an empty side left out.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Resources {
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "as_map")]
    pub limits: ResourceMap,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "as_map")]
    pub requests: ResourceMap,
}

fn as_map<S: Serializer>(entries: &ResourceMap, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(entries.iter().map(|(k, q)| (k, q)))
}

impl Resources {
    pub fn of(requests: &[(&str, &str)], limits: &[(&str, &str)]) -> Self {
        let conv = |e: &[(&str, &str)]| {
            e.iter()
                .map(|(k, v)| (k.to_string(), Setting::Literal(Quantity(v.to_string()))))
                .collect()
        };
        Resources {
            requests: conv(requests),
            limits: conv(limits),
        }
    }

    pub fn limit(&self, name: &str) -> Option<&Setting<Quantity>> {
        self.limits.iter().find(|(n, _)| n == name).map(|(_, q)| q)
    }

    pub fn request(&self, name: &str) -> Option<&Setting<Quantity>> {
        self.requests
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, q)| q)
    }
}

/// One side of what an intent writes: each entry a quantity, or `None` for a `null` that drops
/// the default entry.
type PatchMap = Vec<(String, Option<Setting<Quantity>>)>;

/// An intent's `resources`, before it is laid over the component's defaults.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourcesPatch {
    pub limits: PatchMap,
    pub requests: PatchMap,
}

fn decode_patch_map(v: &Value, path: &str, d: &mut Diagnostics) -> Option<PatchMap> {
    let Value::Object(m) = v else {
        wrong_type(d, path, "a mapping of resource name to quantity", v);
        return None;
    };
    let mut out = Vec::new();
    for (k, q) in m {
        if q.is_null() {
            out.push((k.clone(), None));
        } else if let Some(q) = Setting::<Quantity>::decode(q, &child(path, k), d) {
            out.push((k.clone(), Some(q)));
        }
    }
    Some(out)
}

impl Decode for ResourcesPatch {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let mut f = Fields::new(v, path, d)?;
        let requests = f
            .raw("requests")
            .and_then(|r| decode_patch_map(r, &child(path, "requests"), d))
            .unwrap_or_default();
        let limits = f
            .raw("limits")
            .and_then(|r| decode_patch_map(r, &child(path, "limits"), d))
            .unwrap_or_default();
        f.finish(d);
        Some(ResourcesPatch { limits, requests })
    }
}

fn apply(side: &mut ResourceMap, patch: &PatchMap) {
    for (name, entry) in patch {
        let at = side.iter().position(|(n, _)| n == name);
        match (entry, at) {
            (None, Some(i)) => {
                side.remove(i);
            }
            (None, None) => {}
            (Some(q), Some(i)) => side[i].1 = q.clone(),
            (Some(q), None) => side.push((name.clone(), q.clone())),
        }
    }
}

fn literal_value(q: &Setting<Quantity>) -> Option<f64> {
    q.literal().and_then(Quantity::value)
}

impl ResourcesPatch {
    /// The defaults with this patch laid over them. A request above its limit is refused when
    /// the intent wrote both (Kubernetes would refuse the pod); when it wrote only one of them,
    /// the default gives way: a default limit rises to the request written, a default request
    /// falls to the limit written. A Flux variable cannot be compared, so it is left as written.
    pub fn over(&self, defaults: &Resources, path: &str, d: &mut Diagnostics) -> Resources {
        let mut out = defaults.clone();
        apply(&mut out.requests, &self.requests);
        apply(&mut out.limits, &self.limits);
        let written =
            |side: &PatchMap, name: &str| side.iter().any(|(n, q)| n == name && q.is_some());
        let names: Vec<String> = out.limits.iter().map(|(n, _)| n.clone()).collect();
        for name in names {
            let (Some(limit), Some(request)) = (out.limit(&name), out.request(&name)) else {
                continue;
            };
            let (Some(l), Some(r)) = (literal_value(limit), literal_value(request)) else {
                continue;
            };
            if r <= l {
                continue;
            }
            match (written(&self.requests, &name), written(&self.limits, &name)) {
                (true, false) => {
                    let raised = request.clone();
                    if let Some(e) = out.limits.iter_mut().find(|(n, _)| *n == name) {
                        e.1 = raised;
                    }
                }
                (false, true) => {
                    let lowered = limit.clone();
                    if let Some(e) = out.requests.iter_mut().find(|(n, _)| *n == name) {
                        e.1 = lowered;
                    }
                }
                _ => {
                    let text =
                        |q: &Setting<Quantity>| q.literal().map_or(String::new(), |q| q.0.clone());
                    d.push(Diagnostic::new(
                        Code::OutOfRange,
                        child(path, &format!("requests.{name}")),
                        format!(
                            "the request {} is above the limit {}: Kubernetes rejects the pod",
                            text(request),
                            text(limit)
                        ),
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn defaults() -> Resources {
        Resources::of(
            &[("cpu", "500m"), ("memory", "2Gi")],
            &[("cpu", "2"), ("memory", "4Gi")],
        )
    }

    fn over(v: Value) -> (Resources, Diagnostics) {
        let mut d = Diagnostics::default();
        let patch = ResourcesPatch::decode(&v, "r", &mut d).unwrap();
        let r = patch.over(&defaults(), "r", &mut d);
        (r, d)
    }

    #[test]
    fn one_limit_keeps_every_other_default() {
        let (r, d) = over(json!({"limits": {"cpu": 1}}));
        assert!(d.is_empty());
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"limits": {"cpu": "1", "memory": "4Gi"}, "requests": {"cpu": "500m", "memory": "2Gi"}})
        );
    }

    #[test]
    fn null_drops_a_default_and_new_names_are_added() {
        let (r, d) = over(json!({"limits": {"cpu": null, "ephemeral-storage": "1Gi"}}));
        assert!(d.is_empty());
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"limits": {"memory": "4Gi", "ephemeral-storage": "1Gi"}, "requests": {"cpu": "500m", "memory": "2Gi"}})
        );
    }

    #[test]
    fn a_default_gives_way_to_what_was_written() {
        let (r, d) = over(json!({"limits": {"cpu": "250m"}, "requests": {"memory": "8Gi"}}));
        assert!(d.is_empty());
        assert_eq!(
            r.request("cpu"),
            Some(&Setting::Literal(Quantity("250m".into())))
        );
        assert_eq!(
            r.limit("memory"),
            Some(&Setting::Literal(Quantity("8Gi".into())))
        );
    }

    #[test]
    fn request_above_limit_both_written_is_rejected() {
        let (_, d) = over(json!({"requests": {"memory": "2Gi"}, "limits": {"memory": "1Gi"}}));
        assert_eq!(d.list.len(), 1);
        assert_eq!(d.list[0].path, "r.requests.memory");
    }

    #[test]
    fn written_limits_first_and_empty_sides_left_out() {
        let r = Resources::of(&[("cpu", "1")], &[("memory", "${MEM}")]);
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(
            text,
            r#"{"limits":{"memory":"${MEM}"},"requests":{"cpu":"1"}}"#
        );
        assert_eq!(serde_json::to_string(&Resources::default()).unwrap(), "{}");
    }
}
