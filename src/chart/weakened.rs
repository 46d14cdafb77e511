//! What a release's values turn off of the safe defaults ([`super::security`]): a security
//! setting flipped, a capability added, a `null` that deletes a section vmstack wrote, Grafana's
//! anonymous access, and vmauth letting clients without credentials through. Each is blamed on
//! the key of the intent's `values` that did it.

use serde_json::Value;

use super::security::{Workload, running};
use super::values::{at, coalesce, coalesce_keys, is_on, truthy};
use crate::intent::Relaxation;
use crate::intent::chart_line::ChartLine;

/// One way the values reopen what vmstack closed.
#[derive(Debug, Clone, PartialEq)]
pub struct Weakening {
    /// The key of the intent's `values` responsible; empty when no key of theirs explains it.
    pub blame: Vec<String>,
    pub workload: &'static str,
    pub what: String,
    pub relaxation: Relaxation,
}

/// Where a path leads in the values.
enum Found<'v> {
    Value(&'v Value),
    /// A `null` this many keys down deletes it.
    Deleted(usize),
    Missing,
}

fn find<'v>(root: &'v Value, path: &[String]) -> Found<'v> {
    let mut cur = root;
    for (i, key) in path.iter().enumerate() {
        match cur.as_object().and_then(|m| m.get(key)) {
            Some(Value::Null) => return Found::Deleted(i + 1),
            Some(v) => cur = v,
            None => return Found::Missing,
        }
    }
    Found::Value(cur)
}

/// The longest part of `path` the user's values have: the key that decides what is there.
fn blame(user: &Value, path: &[String]) -> Vec<String> {
    let mut cur = user;
    let mut depth = 0;
    for key in path {
        match cur.as_object().and_then(|m| m.get(key)) {
            Some(v) => {
                depth += 1;
                if v.is_null() {
                    break;
                }
                cur = v;
            }
            None => break,
        }
    }
    path[..depth].to_vec()
}

/// A boolean as Helm or Kubernetes reads it, or `None` for anything else (a Flux variable, say).
fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn templated(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.contains("${"))
}

/// What turning a safe boolean around opens up.
fn why(key: &str, path: &[String]) -> &'static str {
    match key {
        "runAsNonRoot" => "a container may run as root",
        "readOnlyRootFilesystem" => "a container may write to its image's filesystem",
        "allowPrivilegeEscalation" => "a process may gain more privileges than its parent",
        "privileged" => "a container gets the host's devices and every capability",
        "useStrictSecurity" => "the operator's strict security is off",
        "allow_sign_up" => "anyone who reaches Grafana can make themselves a user",
        "enabled" if path.iter().any(|k| k == "auth.anonymous") => {
            "anyone who reaches Grafana reads it without logging in"
        }
        "enabled" if path.iter().any(|k| k == "initChownData") => {
            "an init container runs as root to change the volume's owner"
        }
        "enabled" => "the pod's security context is left out",
        _ => "a safe default is off",
    }
}

fn relaxation_of(path: &[String]) -> Relaxation {
    if path.iter().any(|k| k == "grafana.ini") {
        Relaxation::GrafanaAnonymous
    } else {
        Relaxation::PodSecurity
    }
}

fn shown(path: &[String]) -> String {
    super::failures::dotted(path)
}

/// Every leaf of a workload's safe values that a check holds on, with its path from the root.
fn leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(k.clone());
                if k == "capabilities" {
                    // Added capabilities are checked as a leaf of their own.
                    let mut add = path.clone();
                    add.push("add".into());
                    out.push((add, Value::Array(Vec::new())));
                }
                leaves(x, path, out);
                path.pop();
            }
        }
        Value::Array(items) if items.iter().all(Value::is_string) => {
            out.push((path.clone(), v.clone()))
        }
        Value::Bool(_) => out.push((path.clone(), v.clone())),
        Value::String(_) if path.last().is_some_and(|k| k == "type") => {
            out.push((path.clone(), v.clone()))
        }
        Value::Number(_) if path.last().is_some_and(|k| k == "runAsUser") => {
            out.push((path.clone(), v.clone()))
        }
        _ => {}
    }
}

/// What is wrong with `found` where vmstack wrote `safe`, if anything.
fn judge(path: &[String], safe: &Value, found: &Value) -> Option<String> {
    if templated(found) {
        return None;
    }
    let key = path.last().map_or("", String::as_str);
    let here = shown(path);
    match safe {
        Value::Bool(b) => match as_bool(found) {
            Some(f) if f == *b => None,
            _ => Some(format!(
                "{here} is {found} where vmstack writes {b}: {}",
                why(key, path)
            )),
        },
        Value::Array(_) if key == "add" => found
            .as_array()
            .is_some_and(|a| !a.is_empty())
            .then(|| format!("{here} grants {found}")),
        Value::Array(safe_items) => {
            let has = |s: &Value| found.as_array().is_some_and(|a| a.contains(s));
            let missing: Vec<&Value> = safe_items.iter().filter(|s| !has(s)).collect();
            (!missing.is_empty()).then(|| {
                format!(
                    "{here} is {found} without {}: capabilities stay with the container",
                    Value::Array(missing.into_iter().cloned().collect())
                )
            })
        }
        Value::String(_) => (found.as_str() == Some("Unconfined"))
            .then(|| format!("{here} is Unconfined: no system call is filtered")),
        Value::Number(_) => {
            (found.as_u64() == Some(0)).then(|| format!("{here} is 0: the container runs as root"))
        }
        _ => None,
    }
}

fn workload_weakenings(w: &Workload, release: &Value, user: &Value, out: &mut Vec<Weakening>) {
    let base: Vec<String> = w.at.iter().map(|k| k.to_string()).collect();
    let mut found_leaves = Vec::new();
    leaves(&w.safe, &mut base.clone(), &mut found_leaves);
    // One weakening per deleted section and kind of default it held.
    let mut deleted: Vec<(Vec<String>, Relaxation)> = Vec::new();
    for (path, safe) in found_leaves {
        let relaxation = relaxation_of(&path);
        let push = |out: &mut Vec<Weakening>, blame: Vec<String>, what: String| {
            out.push(Weakening {
                blame,
                workload: w.name,
                what,
                relaxation,
            })
        };
        match find(release, &path) {
            Found::Deleted(depth) => {
                let at = path[..depth].to_vec();
                if !deleted.contains(&(at.clone(), relaxation)) {
                    deleted.push((at.clone(), relaxation));
                    let what = format!(
                        "null deletes {} and the safe settings vmstack writes in it",
                        shown(&at)
                    );
                    push(out, blame(user, &at), what);
                }
            }
            // Nothing to add to: the values put a list or a scalar where a mapping was.
            Found::Missing if path.last().is_some_and(|k| k == "add") => {}
            Found::Missing => {
                let what = format!(
                    "{} is gone: {}",
                    shown(&path),
                    why(path.last().map_or("", |k| k), &path)
                );
                push(out, blame(user, &path), what);
            }
            Found::Value(v) => {
                if let Some(what) = judge(&path, &safe, v) {
                    push(out, blame(user, &path), what);
                }
            }
        }
    }
}

/// Grafana's environment overrides grafana.ini.
fn grafana_env(release: &Value, user: &Value, out: &mut Vec<Weakening>) {
    for (var, what) in [
        (
            "GF_AUTH_ANONYMOUS_ENABLED",
            "anyone who reaches Grafana reads it without logging in",
        ),
        (
            "GF_USERS_ALLOW_SIGN_UP",
            "anyone who reaches Grafana can make themselves a user",
        ),
    ] {
        let path: Vec<String> = ["grafana", "env", var]
            .iter()
            .map(|k| k.to_string())
            .collect();
        if let Found::Value(v) = find(release, &path)
            && as_bool(v) == Some(true)
        {
            out.push(Weakening {
                blame: blame(user, &path),
                workload: "Grafana",
                what: format!("{} is true: {what}", shown(&path)),
                relaxation: Relaxation::GrafanaAnonymous,
            });
        }
    }
}

/// The subcharts, each switched by the `enabled` of its section (a Chart.yaml condition).
const SUBCHARTS: [&str; 3] = ["grafana", "kube-state-metrics", "prometheus-node-exporter"];

/// The values as the switches of the chart's workloads read them. A `null` deleting a subchart's
/// section or its `enabled` does not switch it off: Helm enables a subchart whose condition it
/// cannot find, which then runs on its own (weaker) defaults (checked with `helm template`:
/// `grafana: null` still renders Grafana, `vmagent: null` renders no VMAgent).
fn subchart_nulls_kept_on(release: &Value) -> Value {
    let mut v = release.clone();
    if let Some(m) = v.as_object_mut() {
        for sub in SUBCHARTS {
            match m.get(sub) {
                Some(Value::Null) => {
                    m.remove(sub);
                }
                Some(section) => {
                    let kept = coalesce(&Value::Object(Default::default()), section);
                    m.insert(sub.to_string(), kept);
                }
                None => {}
            }
        }
    }
    v
}

/// Every safe default the release's values (vmstack's and the intent's, merged) turn off, for
/// every workload the chart runs with them. `user` is the intent's `values`.
pub fn weakenings(line: ChartLine, release: &Value, user: &Value) -> Vec<Weakening> {
    let mut out = Vec::new();
    let workloads = running(line, &subchart_nulls_kept_on(release));
    for w in &workloads {
        workload_weakenings(w, release, user, &mut out);
    }
    if workloads.iter().any(|w| w.name == "Grafana") {
        grafana_env(release, user, &mut out);
    }
    out
}

/// The fields through which vmauth admits clients without credentials.
const ANONYMOUS_ACCESS: [&str; 2] = ["unauthorizedUserAccessSpec", "unauthorizedAccessConfig"];

/// The fields of `unauthorizedUserAccessSpec` that send a request somewhere.
const ROUTES: [&str; 4] = ["url_map", "url_prefix", "targetRefs", "default_url"];

/// Whether vmauth, as the chart renders it, lets clients without credentials through: the
/// chart's default does, unless `unauthorizedUserAccessSpec.disabled` removes it.
pub fn vmauth_is_open(line: ChartLine, release: &Value) -> bool {
    let seen = coalesce_keys(super::defaults::tree(line), release, &["vmauth"]);
    if !is_on(&seen, &["vmauth", "enabled"]) {
        return false;
    }
    if truthy(at(&seen, &["vmauth", "spec", "unauthorizedAccessConfig"])) {
        return true;
    }
    match at(&seen, &["vmauth", "spec", "unauthorizedUserAccessSpec"]) {
        Some(Value::Object(u)) if !truthy(u.get("disabled")) => {
            ROUTES.iter().any(|k| truthy(u.get(*k)))
        }
        _ => false,
    }
}

/// The key of the intent's `values` that shapes vmauth's access without credentials (or that
/// turns vmauth on with the chart's open default), if any.
pub fn vmauth_blame(user: &Value) -> Option<Vec<String>> {
    let enabling: Vec<String> = vec!["vmauth".into(), "enabled".into()];
    let shaping = ANONYMOUS_ACCESS
        .iter()
        .map(|field| {
            let path: Vec<String> = ["vmauth", "spec", field]
                .iter()
                .map(|k| k.to_string())
                .collect();
            blame(user, &path)
        })
        .filter(|b| b.len() == 3 || matches!(find(user, b), Found::Deleted(_)))
        .max_by_key(Vec::len);
    shaping.or_else(|| matches!(find(user, &enabling), Found::Value(_)).then_some(enabling))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(release: Value, user: Value) -> Vec<(String, Relaxation)> {
        let mut release = release;
        super::super::security::harden(ChartLine::V0_91, &mut release);
        weakenings(ChartLine::V0_91, &release, &user)
            .into_iter()
            .map(|w| (shown(&w.blame), w.relaxation))
            .collect()
    }

    fn off() -> Value {
        json!({
            "vmsingle": {"enabled": false},
            "vmagent": {"enabled": false},
            "vmalert": {"enabled": false},
            "alertmanager": {"enabled": false},
            "kube-state-metrics": {"enabled": false},
            "prometheus-node-exporter": {"enabled": false},
            "syncJob": {"enabled": false},
        })
    }

    fn with(mut base: Value, extra: Value) -> Value {
        crate::render::deep_merge(&mut base, &extra);
        base
    }

    #[test]
    fn safe_values_are_not_weakened() {
        let release = with(off(), json!({"grafana": {"enabled": true}}));
        assert_eq!(check(release, json!({})), []);
    }

    #[test]
    fn each_weakening_is_blamed_on_its_key() {
        let user = json!({"grafana": {
            "containerSecurityContext": {"readOnlyRootFilesystem": false, "capabilities": {"add": ["SYS_ADMIN"]}},
            "sidecar": {"securityContext": null},
            "grafana.ini": {"auth.anonymous": {"enabled": true}},
            "env": {"GF_USERS_ALLOW_SIGN_UP": "true"},
        }});
        let release = with(
            with(off(), json!({"grafana": {"enabled": true}})),
            user.clone(),
        );
        let found = check(release, user);
        assert_eq!(
            found,
            [
                (
                    "grafana.containerSecurityContext.readOnlyRootFilesystem".to_string(),
                    Relaxation::PodSecurity
                ),
                (
                    "grafana.containerSecurityContext.capabilities.add".to_string(),
                    Relaxation::PodSecurity
                ),
                (
                    "grafana.sidecar.securityContext".to_string(),
                    Relaxation::PodSecurity
                ),
                (
                    "grafana.\"grafana.ini\".\"auth.anonymous\".enabled".to_string(),
                    Relaxation::GrafanaAnonymous
                ),
                (
                    "grafana.env.GF_USERS_ALLOW_SIGN_UP".to_string(),
                    Relaxation::GrafanaAnonymous
                ),
            ]
        );
    }

    #[test]
    fn a_deleted_section_counts_for_every_kind_of_default_it_held() {
        let user = json!({"grafana": null});
        let release = with(off(), user.clone());
        let found = check(release, user);
        assert_eq!(
            found,
            [
                ("grafana".to_string(), Relaxation::PodSecurity),
                ("grafana".to_string(), Relaxation::GrafanaAnonymous),
            ]
        );
    }

    #[test]
    fn a_deleted_component_section_is_a_component_the_chart_no_longer_runs() {
        let user = json!({"vmagent": null});
        let release = with(
            with(off(), json!({"vmagent": {"enabled": true}})),
            user.clone(),
        );
        assert_eq!(check(release, user), []);
    }

    #[test]
    fn strict_security_off_and_dropped_capabilities_are_found() {
        let user = json!({"vmagent": {"spec": {
            "useStrictSecurity": false,
            "securityContext": {"capabilities": {"drop": ["NET_RAW"]}, "runAsUser": 0},
        }}});
        let release = with(
            with(off(), json!({"vmagent": {"enabled": true}})),
            user.clone(),
        );
        let blamed: Vec<String> = check(release, user).into_iter().map(|(b, _)| b).collect();
        assert_eq!(
            blamed,
            [
                "vmagent.spec.useStrictSecurity",
                "vmagent.spec.securityContext.runAsUser",
                "vmagent.spec.securityContext.capabilities.drop",
            ]
        );
    }

    #[test]
    fn vmauth_is_open_unless_the_default_access_is_disabled() {
        let line = ChartLine::V0_91;
        assert!(!vmauth_is_open(line, &json!({})));
        assert!(vmauth_is_open(line, &json!({"vmauth": {"enabled": true}})));
        let closed = json!({"vmauth": {"enabled": true, "spec": {"unauthorizedUserAccessSpec": {"disabled": true}}}});
        assert!(!vmauth_is_open(line, &closed));
        let reopened = with(
            closed.clone(),
            json!({"vmauth": {"spec": {"unauthorizedUserAccessSpec": {"disabled": false}}}}),
        );
        assert!(vmauth_is_open(line, &reopened));
        let legacy = with(
            closed,
            json!({"vmauth": {"spec": {"unauthorizedAccessConfig": [{"src_paths": ["/.*"], "url_prefix": "http://x"}]}}}),
        );
        assert!(vmauth_is_open(line, &legacy));
        assert_eq!(
            vmauth_blame(
                &json!({"vmauth": {"spec": {"unauthorizedUserAccessSpec": {"disabled": false}}}})
            ),
            Some(vec![
                "vmauth".into(),
                "spec".into(),
                "unauthorizedUserAccessSpec".into()
            ])
        );
        assert_eq!(
            vmauth_blame(&json!({"vmauth": {"spec": null}})),
            Some(vec!["vmauth".into(), "spec".into()])
        );
        assert_eq!(
            vmauth_blame(&json!({"vmauth": {"spec": {"port": "1"}}})),
            None
        );
    }
}
