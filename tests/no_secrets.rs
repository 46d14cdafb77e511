//! No output vmstack generates carries a secret: for every example (as rendered now, and as
//! committed under `examples/`) and every good fixture, no object is a Secret, no VMUser holds a
//! password or token, every field named like a credential holds a reference (a Secret key
//! selector, an environment or file expansion, an External Secrets template), and every
//! ExternalSecret only says where the secret is. The checker is written here, from what each
//! kind means, not from vmstack's own plaintext check; the last test shows it finds each kind of
//! leak.

mod common;

use std::path::{Path, PathBuf};

use common::fixtures::{read_yaml, rendered_valid_intents, repo};
use serde_json::Value;
use vmstack::krm::yaml;

/// Field names whose string value would be a secret.
const SECRET_FIELDS: &[&str] = &[
    "password",
    "adminPassword",
    "basicAuthPassword",
    "bearerToken",
    "bearer_token",
    "token",
    "authToken",
    "auth_token",
    "secret_key",
    "client_secret",
    "clientSecret",
    "apiKey",
    "api_key",
];

/// A value that leaves the secret to be read where it runs: Grafana's environment (`$NAME`) and
/// expansions, External Secrets' template of a fetched property, or a Flux variable.
fn is_reference(s: &str) -> bool {
    let env = s.strip_prefix('$').is_some_and(|n| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    });
    let template = s.starts_with("{{ .") && s.ends_with(" }}") && !s[4..s.len() - 3].contains(' ');
    env || template || s.starts_with("$__file{") || s.starts_with("$__env{") || s.contains("${")
}

fn leaks_in(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{path}.{k}");
                let last = k.rsplit('.').next().unwrap_or(k);
                match x {
                    Value::String(s) if SECRET_FIELDS.contains(&last) && !is_reference(s) => {
                        out.push(format!("{p} holds {s:?}"));
                    }
                    Value::Number(n) if SECRET_FIELDS.contains(&last) => {
                        out.push(format!("{p} holds {n}"));
                    }
                    _ => leaks_in(x, &p, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                leaks_in(x, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Every way one object could carry a secret.
fn leaks(obj: &Value) -> Vec<String> {
    let kind = obj["kind"].as_str().unwrap_or("");
    let name = format!("{kind}/{}", obj["metadata"]["name"].as_str().unwrap_or(""));
    let mut out = Vec::new();
    if kind == "Secret" {
        out.push("a Secret: its data would be committed".into());
    }
    if kind == "VMUser" {
        for field in ["password", "bearerToken"] {
            if obj["spec"].get(field).is_some() {
                out.push(format!(
                    "spec.{field}: a VMUser's credential belongs in a Secret"
                ));
            }
        }
    }
    if kind == "ExternalSecret" {
        // Where the secret is (a store key and property), never the secret itself.
        for (k, v) in obj["spec"]["target"]["template"]["data"]
            .as_object()
            .into_iter()
            .flatten()
        {
            let s = v.as_str().unwrap_or("");
            if k != "username" && !is_reference(s) {
                out.push(format!("spec.target.template.data.{k} holds {s:?}"));
            }
        }
        if obj["spec"].get("dataFrom").is_some() {
            out.push("spec.dataFrom: vmstack reads named properties only".into());
        }
    }
    leaks_in(obj, "", &mut out);
    out.into_iter().map(|l| format!("{name}: {l}")).collect()
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml") {
            out.push(p);
        }
    }
}

#[test]
fn no_rendered_output_carries_a_secret() {
    let mut objects = 0;
    let mut problems = Vec::new();
    for (intent, items) in rendered_valid_intents() {
        for obj in items.iter().filter(|o| o["kind"] != "VictoriaMetricsStack") {
            problems.extend(leaks(obj).into_iter().map(|l| format!("{intent}: {l}")));
            objects += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(objects > 300, "only {objects} objects checked");
}

#[test]
fn no_committed_example_carries_a_secret() {
    let mut files = Vec::new();
    yaml_files(&repo("examples"), &mut files);
    files.sort();
    let mut objects = 0;
    let mut problems = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for obj in yaml::parse_documents(&text).unwrap() {
            problems.extend(
                leaks(&obj)
                    .into_iter()
                    .map(|l| format!("{}: {l}", file.display())),
            );
            objects += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        objects > 100,
        "only {objects} objects in {} files",
        files.len()
    );
}

#[test]
fn the_vmauth_example_authenticates_with_references_only() {
    // The example this page is about: its credentials exist, and only as references.
    let infra = common::fixtures::render_intent(&repo("examples/vmauth/infra/vmstack.yaml"));
    let apps = common::fixtures::render_intent(&repo("examples/vmauth/apps/vmstack.yaml"));
    let users: Vec<&Value> = infra.iter().filter(|o| o["kind"] == "VMUser").collect();
    assert!(
        users
            .iter()
            .any(|u| u["spec"]["passwordRef"]["name"] == "victoria-metrics-global-agent-apps")
    );
    let secret = apps
        .iter()
        .find(|o| o["kind"] == "ExternalSecret")
        .expect("the agent's credentials come from the store");
    assert_eq!(
        secret["spec"]["data"][0]["remoteRef"]["key"],
        "observability/vmauth/apps"
    );
    for items in [&infra, &apps] {
        for obj in items.iter() {
            assert!(leaks(obj).is_empty(), "{:?}", leaks(obj));
        }
    }
}

#[test]
fn the_checker_finds_each_kind_of_leak() {
    let objects = read_yaml(&repo("tests/fixtures/leaks.yaml"));
    let cases = objects.as_array().unwrap();
    assert!(cases.len() >= 5);
    for case in cases {
        assert!(
            !leaks(case).is_empty(),
            "not found: {}",
            serde_json::to_string(case).unwrap()
        );
    }
}
