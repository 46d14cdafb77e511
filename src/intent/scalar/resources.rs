//! Container resources: `requests` and `limits`, each a map of resource name to quantity.

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
}

fn decode_resource_map(v: &Value, path: &str, d: &mut Diagnostics) -> Option<ResourceMap> {
    let Value::Object(m) = v else {
        wrong_type(d, path, "a mapping of resource name to quantity", v);
        return None;
    };
    let mut out = Vec::new();
    for (k, q) in m {
        if let Some(q) = Setting::<Quantity>::decode(q, &child(path, k), d) {
            out.push((k.clone(), q));
        }
    }
    Some(out)
}

/// A request above its limit is refused here: Kubernetes would refuse the pod.
impl Decode for Resources {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let mut f = Fields::new(v, path, d)?;
        let requests = f
            .raw("requests")
            .and_then(|r| decode_resource_map(r, &child(path, "requests"), d))
            .unwrap_or_default();
        let limits = f
            .raw("limits")
            .and_then(|r| decode_resource_map(r, &child(path, "limits"), d))
            .unwrap_or_default();
        f.finish(d);
        for (name, limit) in &limits {
            let request = requests.iter().find(|(n, _)| n == name);
            if let (Setting::Literal(l), Some((_, Setting::Literal(r)))) = (limit, request)
                && let (Some(lv), Some(rv)) = (l.value(), r.value())
                && rv > lv
            {
                d.push(Diagnostic::new(
                    Code::OutOfRange,
                    child(path, &format!("requests.{name}")),
                    format!(
                        "the request {} is above the limit {}: Kubernetes rejects the pod",
                        r.0, l.0
                    ),
                ));
            }
        }
        Some(Resources { limits, requests })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_above_limit_is_rejected() {
        let mut d = Diagnostics::default();
        let v = json!({"requests": {"memory": "2Gi"}, "limits": {"memory": "1Gi"}});
        Resources::decode(&v, "r", &mut d);
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
