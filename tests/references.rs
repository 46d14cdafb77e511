//! Every credential reference vmstack writes leads somewhere: a VMUser's `passwordRef` or
//! `tokenRef`, and a vmagent's remote-write `basicAuth` or `bearerTokenSecret`, name a Secret an
//! ExternalSecret of the same output builds with that key (or one the intent says exists);
//! Grafana's password names the Secret the operator makes for a VMUser of the output that asks
//! for a generated password (`vmuser-<VMUser name>`, operator v0.64 and v0.74:
//! `VMUser.PrefixedName`/`SecretName`); and each VMUser's `crd` target is the release's own
//! VMCluster.

mod common;

use common::fixtures::rendered_valid_intents;
use serde_json::Value;

/// (Secret name, key) pairs the output's ExternalSecrets build.
fn built_secrets(items: &[Value]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for es in items.iter().filter(|o| o["kind"] == "ExternalSecret") {
        let name = es["spec"]["target"]["name"].as_str().unwrap().to_string();
        let keys: Vec<String> = match es["spec"]["target"]["template"]["data"].as_object() {
            Some(template) => template.keys().cloned().collect(),
            None => es["spec"]["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["secretKey"].as_str().unwrap().to_string())
                .collect(),
        };
        out.extend(keys.into_iter().map(|k| (name.clone(), k)));
    }
    out
}

fn selector(v: &Value) -> (String, String) {
    (
        v["name"].as_str().unwrap().to_string(),
        v["key"].as_str().unwrap().to_string(),
    )
}

#[test]
fn every_credential_reference_names_a_secret_that_will_exist() {
    let mut checked = 0;
    for (intent, items) in rendered_valid_intents() {
        let built = built_secrets(&items);
        let release = items.iter().find(|i| i["kind"] == "HelmRelease").unwrap();
        let release_name = release["spec"]["releaseName"].as_str().unwrap();
        let namespace = release["metadata"]["namespace"].as_str().unwrap();
        let users: Vec<&Value> = items.iter().filter(|o| o["kind"] == "VMUser").collect();
        for u in &users {
            let spec = &u["spec"];
            for field in ["passwordRef", "tokenRef"] {
                if let Some(r) = spec.get(field) {
                    assert!(
                        built.contains(&selector(r)),
                        "{intent}: {field} {r} of {} names no Secret the output builds",
                        u["metadata"]["name"]
                    );
                    checked += 1;
                }
            }
            assert!(
                spec.get("passwordRef").is_some()
                    || spec.get("tokenRef").is_some()
                    || spec["generatePassword"] == true,
                "{intent}: {} has no credential",
                u["metadata"]["name"]
            );
            for target in spec["targetRefs"].as_array().unwrap() {
                let crd = &target["crd"];
                assert!(
                    ["VMCluster/vminsert", "VMCluster/vmselect"]
                        .contains(&crd["kind"].as_str().unwrap()),
                    "{intent}: {crd}"
                );
                assert_eq!(
                    crd["name"], release_name,
                    "{intent}: the release's VMCluster"
                );
                assert_eq!(crd["namespace"], namespace, "{intent}");
                checked += 1;
            }
        }
        let values = &release["spec"]["values"];
        for (_, env) in values["grafana"]["envValueFrom"]
            .as_object()
            .into_iter()
            .flatten()
        {
            let (secret, key) = selector(&env["secretKeyRef"]);
            let generated = users.iter().any(|u| {
                u["spec"]["generatePassword"] == true
                    && format!("vmuser-{}", u["metadata"]["name"].as_str().unwrap()) == secret
            });
            assert!(
                generated && key == "password",
                "{intent}: Grafana reads {secret}/{key}, which no VMUser's generated password fills"
            );
            checked += 1;
        }
        for write in values["vmagent"]["additionalRemoteWrites"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let refs: Vec<(String, String)> = [
                &write["basicAuth"]["username"],
                &write["basicAuth"]["password"],
                &write["bearerTokenSecret"],
            ]
            .into_iter()
            .filter(|r| r.is_object())
            .map(selector)
            .collect();
            // A Secret the intent says already exists.
            let existing_secret = common::fixtures::read_yaml(std::path::Path::new(&intent))
                ["spec"]["remoteWrite"]["auth"]["existingSecret"]
                .as_str()
                .map(str::to_string);
            for r in refs {
                let existing = existing_secret.as_ref() == Some(&r.0);
                assert!(
                    built.contains(&r) || existing,
                    "{intent}: the remote write reads {r:?}, which the output does not build"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} references checked");
}
