//! The fields around the stack itself: chart source, Helm and Flux settings, and where the
//! generated files go.

use serde_json::Value;

use super::name_or;
use crate::code::Code;
use crate::flux::pipeline::Strategy;
use crate::flux::substitute_from::{Source, SourceKind};
use crate::intent::chart_line::{self, ChartLine};
use crate::intent::choice::Choice;
use crate::intent::decode::{Decode, index, wrong_type};
use crate::intent::diagnostic::Diagnostics;
use crate::intent::fields::Fields;
use crate::intent::model::*;
use crate::intent::scalar::{Name, Text, package_path, repository_path};
use crate::intent::spanned::Spanned;

/// The chart, or `None` (reported) when its version or source cannot be used.
pub(super) fn chart(f: &mut Fields, role: Option<RoleKind>, d: &mut Diagnostics) -> Option<Chart> {
    let mut c = f.section("chart", d);
    let version_path = c.path_of("version");
    let version = c
        .opt::<String>("version", d)
        .unwrap_or_else(|| DEFAULT_CHART_VERSION.into());
    let line = chart_line(&version, &version_path, d);
    let source = match c.raw("sourceRef") {
        Some(r) => {
            object_ref::<ChartSourceKind>(r, &c.path_of("sourceRef"), d).map(ChartSource::Existing)
        }
        None => {
            let url = c
                .opt::<String>("url", d)
                .unwrap_or_else(|| CHART_OCI_URL.into());
            if !url.starts_with("oci://") {
                d.report(
                    Code::InvalidUrl,
                    &c.path_of("url"),
                    format!("{url:?} is not an oci:// URL"),
                );
            }
            Some(ChartSource::Generated { url })
        }
    };
    if c.has("url") && matches!(source, Some(ChartSource::Existing(_))) {
        d.report(
            Code::ValuesConflict,
            &c.path_of("url"),
            "url and sourceRef exclude each other: with sourceRef the source object holds the URL",
        );
    }
    let line = line?;
    let content_path = c.path_of("rulesAndDashboards");
    let content = match c.choice::<ChartContent>("rulesAndDashboards", d) {
        Some(_) if role == Some(RoleKind::Agent) => {
            d.report(
                Code::WrongRole,
                &content_path,
                "chart.rulesAndDashboards applies to role global (an agent evaluates no rules and \
                 serves no dashboards)",
            );
            line.default_content()
        }
        Some(content) => content,
        None => line.default_content(),
    };
    c.finish(d);
    Some(Chart {
        version,
        line,
        source: source?,
        content,
    })
}

/// The chart line of a version like `0.61.13`, if vmstack knows it.
fn chart_line(version: &str, path: &str, d: &mut Diagnostics) -> Option<ChartLine> {
    let parts: Vec<_> = version.split('.').collect();
    let semver_like = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|ch| ch.is_ascii_digit()));
    if !semver_like {
        d.report(
            Code::WrongType,
            path,
            format!("{version:?} is not a chart version like 0.61.13"),
        );
        return None;
    }
    let line = ChartLine::of(version);
    if line.is_none() {
        d.report(
            Code::InvalidChoice,
            path,
            format!(
                "chart {version} is not a line vmstack knows: the values it writes are checked \
                 against the {}x lines",
                chart_line::SUPPORTED_LINES.join("x and ")
            ),
        );
    }
    line
}

pub(super) fn helm(f: &mut Fields, d: &mut Diagnostics) -> HelmSettings {
    let def = HelmSettings::default();
    let mut h = f.section("helm", d);
    let s = HelmSettings {
        interval: h.or("interval", def.interval, d),
        timeout: h.or("timeout", def.timeout, d),
        retries: h.or("retries", def.retries, d),
    };
    h.finish(d);
    s
}

pub(super) fn flux(f: &mut Fields, name: &str, namespace: &str, d: &mut Diagnostics) -> Flux {
    let def = Flux::defaults(namespace, name);
    let mut x = f.section("flux", d);
    let enabled = x.or("enabled", def.enabled, d);
    let flux_name = name_or(&mut x, "name", def.name, d);
    let flux_namespace = name_or(&mut x, "namespace", def.namespace, d);
    let path = x.opt::<Text>("path", d);
    if let Some(Text(p)) = &path
        && let Err(why) = repository_path(p)
    {
        d.report(Code::UnsafePath, &x.path_of("path"), format!("{p:?} {why}"));
    }
    if enabled && path.is_none() && !x.has("path") {
        d.report(
            Code::MissingField,
            &x.path_of("path"),
            "flux.path is required: the repository path of the rendered files, which the Flux \
             Kustomization applies (or set flux.enabled: false)",
        );
    }
    let source_ref = match x.raw("sourceRef") {
        Some(r) => object_ref(r, &x.path_of("sourceRef"), d),
        None => None,
    }
    .unwrap_or(def.source_ref);
    let depends_on = list(
        &mut x,
        "dependsOn",
        "a list of Kustomization names",
        d,
        object_ref,
    )
    .unwrap_or(def.depends_on);
    let from_path = x.path_of("substituteFrom");
    let substitute_from = list(
        &mut x,
        "substituteFrom",
        "a list of ConfigMap or Secret references",
        d,
        substitute_ref,
    )
    .unwrap_or(def.substitute_from.value);
    let flux = Flux {
        enabled,
        name: flux_name,
        namespace: flux_namespace,
        path,
        source_ref,
        interval: x.or("interval", def.interval, d),
        timeout: x.or("timeout", def.timeout, d),
        retry_interval: x.opt("retryInterval", d),
        prune: x.or("prune", def.prune, d),
        substitute: x.or_spanned("substitute", def.substitute, d),
        depends_on,
        substitute_from: Spanned::new(substitute_from, from_path),
        substitute_from_given: x.has("substituteFrom"),
        substitute_strategy: x.choice("substituteStrategy", d),
    };
    x.finish(d);
    flux
}

/// A list whose items are read one by one, skipping the ones that fail (reported); `None` when
/// absent. A value that is not a list is reported and reads as empty.
fn list<T>(
    f: &mut Fields,
    key: &'static str,
    what: &str,
    d: &mut Diagnostics,
    item: impl Fn(&Value, &str, &mut Diagnostics) -> Option<T>,
) -> Option<Vec<T>> {
    let path = f.path_of(key);
    match f.raw(key)? {
        Value::Array(items) => Some(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| item(v, &index(&path, i), d))
                .collect(),
        ),
        other => {
            wrong_type(d, &path, what, other);
            Some(Vec::new())
        }
    }
}

/// An object reference: a bare name (`dependsOn: [infrastructure]`), or `{kind, name,
/// namespace}` with `kind` one of `K` (its first choice when left out).
pub(super) fn object_ref<K: Choice>(
    v: &Value,
    path: &str,
    d: &mut Diagnostics,
) -> Option<ObjectRef<K>> {
    let default_kind = K::CHOICES[0].1;
    if let Value::String(_) = v {
        let name = Name::decode(v, path, d)?;
        return Some(ObjectRef {
            kind: default_kind,
            name: name.0,
            namespace: None,
        });
    }
    let mut f = Fields::new(v, path, d)?;
    let kind = match f.raw("kind") {
        None => Some(default_kind),
        Some(k) => K::read(k, &f.path_of("kind"), d),
    };
    let name = f.req::<Name>("name", d);
    let namespace = f.opt::<Name>("namespace", d).map(|n| n.0);
    f.finish(d);
    Some(ObjectRef {
        kind: kind?,
        name: name?.0,
        namespace,
    })
}

impl Choice for SourceKind {
    const CHOICES: &'static [(&'static str, Self)] = &[
        (SourceKind::ConfigMap.kind(), SourceKind::ConfigMap),
        (SourceKind::Secret.kind(), SourceKind::Secret),
    ];
}

impl Choice for Strategy {
    const CHOICES: &'static [(&'static str, Self)] = &[
        ("WithVariables", Strategy::WithVariables),
        ("Always", Strategy::Always),
    ];
}

/// A `substituteFrom` entry: a ConfigMap's name, or `{kind, name, optional}`.
fn substitute_ref(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Source> {
    if let Value::String(_) = v {
        let name = Name::decode(v, path, d)?;
        return Some(Source::config_map(&name.0));
    }
    let mut f = Fields::new(v, path, d)?;
    let kind = f.choice("kind", d).unwrap_or(SourceKind::ConfigMap);
    let name = f.req::<Name>("name", d);
    let optional = f.or("optional", false, d);
    f.finish(d);
    Some(Source {
        kind,
        name: name?.0,
        optional,
    })
}

/// The package folder for the generated files: relative, inside the package.
pub(super) fn directory(f: &mut Fields, name: &str, d: &mut Diagnostics) -> Spanned<String> {
    let path = f.path_of("directory");
    let dir = f.or::<String>("directory", name.to_string(), d);
    if dir.is_empty() {
        return Spanned::new(dir, path);
    }
    // A trailing `/` names the same folder.
    let folder = dir
        .strip_suffix('/')
        .filter(|d| !d.is_empty())
        .unwrap_or(&dir);
    match package_path(folder) {
        Ok(folder) => Spanned::new(folder, path),
        Err(why) => {
            d.report(Code::UnsafePath, &path, format!("{dir:?} {why}"));
            Spanned::new(dir, path)
        }
    }
}
