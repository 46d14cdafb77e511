//! Readers for the value shapes every part of the intent uses: durations, quantities, names,
//! component settings, object references and choices.

use serde_json::Value;

use crate::intent::decode::{Decode, Fields, child, wrong_type};
use crate::intent::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::intent::model::*;
use crate::intent::scalar::{
    Duration, DurationStyle, ExtraArgs, Name, Quantity, Resources, Setting,
};

pub(super) fn literal<T>(t: T) -> Setting<T> {
    Setting::Literal(t)
}

pub(super) fn duration(
    f: &mut Fields,
    key: &'static str,
    style: DurationStyle,
    default: &str,
    d: &mut Diagnostics,
) -> Setting<Duration> {
    opt_duration(f, key, style, d).unwrap_or_else(|| literal(Duration(default.into())))
}

pub(super) fn opt_duration(
    f: &mut Fields,
    key: &'static str,
    style: DurationStyle,
    d: &mut Diagnostics,
) -> Option<Setting<Duration>> {
    let path = f.path_of(key);
    let v = f.raw(key)?;
    Duration::decode_as(v, &path, style, d)
}

pub(super) fn quantity(
    f: &mut Fields,
    key: &'static str,
    default: &str,
    d: &mut Diagnostics,
) -> Setting<Quantity> {
    f.opt(key, d)
        .unwrap_or_else(|| literal(Quantity(default.into())))
}

/// Reads a name-valued field, checked as a DNS-1123 label.
pub(super) fn name_or(
    f: &mut Fields,
    key: &'static str,
    default: &str,
    d: &mut Diagnostics,
) -> String {
    f.opt::<Name>(key, d)
        .map(|n| n.0)
        .unwrap_or_else(|| default.to_string())
}

pub(super) fn string_map(
    v: &Value,
    path: &str,
    d: &mut Diagnostics,
) -> Option<Vec<(String, String)>> {
    let Value::Object(m) = v else {
        wrong_type(d, path, "a mapping of string to string", v);
        return None;
    };
    let mut out = Vec::new();
    for (k, val) in m {
        match val {
            Value::String(s) => out.push((k.clone(), s.clone())),
            other => wrong_type(d, &child(path, k), "a string", other),
        }
    }
    Some(out)
}

pub(super) fn component(
    f: &mut Fields,
    key: &'static str,
    defaults: (u32, Resources),
    extra: impl FnOnce(&mut Fields, &mut Diagnostics),
    d: &mut Diagnostics,
) -> Component {
    let (replicas, resources) = defaults;
    let default = Component {
        replicas: literal(replicas),
        resources,
        extra_args: ExtraArgs::default(),
        max_unavailable: literal(1),
    };
    let mut sub = f.section(key, d);
    let c = read_component(&mut sub, default, d);
    extra(&mut sub, d);
    sub.finish(d);
    c
}

pub(super) fn read_component(f: &mut Fields, default: Component, d: &mut Diagnostics) -> Component {
    Component {
        replicas: f.or("replicas", default.replicas, d),
        resources: f.or("resources", default.resources, d),
        extra_args: f.or("extraArgs", default.extra_args, d),
        max_unavailable: f.or("maxUnavailable", default.max_unavailable, d),
    }
}

pub(super) fn object_ref(
    v: &Value,
    path: &str,
    default_kind: &str,
    d: &mut Diagnostics,
) -> Option<ObjectRef> {
    // A bare string is a name: `dependsOn: [infrastructure-repositories-oci]`.
    if let Value::String(_) = v {
        let name = Name::decode(v, path, d)?;
        return Some(ObjectRef {
            kind: default_kind.to_string(),
            name: name.0,
            namespace: None,
        });
    }
    let mut f = Fields::new(v, path, d)?;
    let kind = f.or("kind", default_kind.to_string(), d);
    let name = f.req::<Name>("name", d);
    let namespace = f.opt::<Name>("namespace", d).map(|n| n.0);
    f.finish(d);
    Some(ObjectRef {
        kind,
        name: name?.0,
        namespace,
    })
}

pub(super) fn choice(
    f: &mut Fields,
    key: &'static str,
    allowed: &[&str],
    default: &str,
    d: &mut Diagnostics,
) -> String {
    let path = f.path_of(key);
    let Some(s) = f.opt::<String>(key, d) else {
        return default.to_string();
    };
    if allowed.contains(&s.as_str()) {
        return s;
    }
    invalid_choice(d, &path, &s, allowed);
    default.to_string()
}

/// Reports a value outside its choices, naming the nearest one.
pub(in crate::intent) fn invalid_choice(
    d: &mut Diagnostics,
    path: &str,
    s: &str,
    allowed: &[&str],
) {
    let mut diag = Diagnostic::new(
        Code::InvalidChoice,
        path,
        format!("{s:?} is not one of {}", allowed.join(", ")),
    )
    .with_current(&Value::String(s.to_string()));
    if let Some(n) = crate::intent::decode::nearest(s, allowed) {
        diag.message.push_str(&format!("; did you mean {n:?}?"));
        diag = diag.with_proposed(Value::String(n.to_string()));
    }
    d.push(diag);
}
