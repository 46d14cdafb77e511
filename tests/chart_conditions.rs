//! The chart's render conditions (src/chart), per chart line.
//!
//! `tests/fixtures/chart-conditions/cases.yaml` holds release values and the conditions they meet;
//! each case was also run through `helm template` on the real charts (0.61.13 and 0.91.2), which
//! failed exactly for the cases listed as failing. The tables below then show, for each condition,
//! which value of vmstack's own output avoids it: undo that value and the condition is met.

mod common;

use common::fixtures::{read_yaml, rendered_valid_intents, repo};
use serde_json::{Value, json};
use vmstack::chart::failures::{Condition, failures};
use vmstack::intent::chart_line::ChartLine;

const LINES: [(&str, ChartLine); 2] = [("0.61", ChartLine::V0_61), ("0.91", ChartLine::V0_91)];

fn met(line: ChartLine, values: &Value) -> Vec<&'static str> {
    failures(line, values)
        .iter()
        .map(|f| f.condition.name())
        .collect()
}

#[test]
fn each_case_meets_exactly_the_conditions_helm_failed_on() {
    let cases = read_yaml(&repo("tests/fixtures/chart-conditions/cases.yaml"));
    let cases = cases.as_array().expect("a list of cases");
    let mut seen = std::collections::BTreeSet::new();
    let mut checked = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let expected: Vec<&str> = case["fails"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        for (label, line) in LINES {
            let on_line = case
                .get("lines")
                .and_then(Value::as_array)
                .is_none_or(|l| l.iter().any(|x| x == label));
            if !on_line {
                continue;
            }
            assert_eq!(
                met(line, &case["values"]),
                expected,
                "{name} on chart {label}"
            );
            seen.extend(expected.iter().map(|c| (label, c.to_string())));
            checked += 1;
        }
    }
    assert!(checked >= 70, "only {checked} case runs");
    // Every condition of each line has at least one case that meets it.
    for (label, line) in LINES {
        for c in Condition::all(line) {
            assert!(
                seen.contains(&(label, c.name().to_string())),
                "no case meets {} on {label}",
                c.name()
            );
        }
    }
}

#[test]
fn no_valid_intent_meets_any_condition() {
    for (name, items) in rendered_valid_intents() {
        for release in items.iter().filter(|i| i["kind"] == "HelmRelease") {
            for (label, line) in LINES {
                // Whatever line the intent names, vmstack's values must not break the other
                // line's render for the conditions the two lines share.
                let met = met(line, &release["spec"]["values"]);
                assert!(met.is_empty(), "{name} on {label}: {met:?}");
            }
        }
    }
}

/// The same intents with other release names and namespaces.
#[test]
fn renamed_intents_meet_no_condition() {
    for path in common::fixtures::valid_intents() {
        for (release, namespace) in [("a", "b"), ("metrics-grafana", "monitoring-system")] {
            let mut intent = read_yaml(&path);
            intent["metadata"]["namespace"] = json!(namespace);
            intent["spec"]["releaseName"] = json!(release);
            let out = vmstack::function::process(
                vmstack::krm::ResourceList::new(Vec::new(), Some(intent)),
                vmstack::function::Layout::Stream,
            );
            let errors: Vec<_> = out.results.iter().filter(|r| r.is_error()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        }
    }
}

/// What vmstack writes that keeps a condition away, as the change that brings it back.
struct Avoided {
    condition: Condition,
    intent: &'static str,
    /// Laid over the HelmRelease's values; a null removes vmstack's key, so the chart's default
    /// applies again.
    undo: Value,
    why: &'static str,
}

fn avoided() -> Vec<Avoided> {
    let global_061 = "examples/clustermesh/infra/vmstack.yaml";
    let global_091 = "examples/seed/infra/vmstack.yaml";
    let chart_content_091 = "tests/fixtures/good/global-chart-0-91-helm-repository/intent.yaml";
    let agent = "examples/seed/apps/vmstack.yaml";
    let without_vmauth = "tests/fixtures/good/global-without-vmauth/intent.yaml";
    vec![
        Avoided {
            condition: Condition::OneMetricsStore,
            intent: global_091,
            undo: json!({"vmsingle": {"enabled": null}}),
            why: "vmsingle.enabled: false beside vmcluster (the chart turns vmsingle on)",
        },
        Avoided {
            condition: Condition::VmalertReadSource,
            intent: global_091,
            undo: json!({"vmcluster": {"spec": {"vmselect": {"enabled": false}}},
                         "vmalert": {"spec": {"datasource": null}}}),
            why: "vmselect runs, and vmalert.spec.datasource/remoteRead name it",
        },
        Avoided {
            condition: Condition::VmalertNotifier,
            intent: global_061,
            undo: json!({"alertmanager": {"enabled": false}}),
            why: "alertmanager.enabled: true gives vmalert its notifiers",
        },
        Avoided {
            condition: Condition::VmalertReadSource,
            intent: agent,
            undo: json!({"vmalert": {"enabled": true}}),
            why: "agents switch vmalert off (they store nothing to read)",
        },
        Avoided {
            condition: Condition::AlertSourceDatasource,
            intent: without_vmauth,
            undo: json!({"defaultDatasources": {"victoriametrics": {"datasources": []}}}),
            why: "one named data source for vmalert's alert links",
        },
        // With vmauth Grafana's data source is vmstack's own (defaultDatasources.extra), the
        // chart's list is empty, and vmalert's alert links name it themselves.
        Avoided {
            condition: Condition::AlertSourceDatasource,
            intent: global_091,
            undo: json!({"vmalert": {"spec": {"extraArgs": {"external.alert.source": null}}}}),
            why: "vmalert's alert links name Grafana's data source through vmauth",
        },
        Avoided {
            condition: Condition::AlertSourceDatasource,
            intent: global_061,
            undo: json!({"vmalert": {"spec": {"extraArgs": {"external.alert.source": null}}}}),
            why: "vmalert's alert links name Grafana's data source through vmauth",
        },
        Avoided {
            condition: Condition::GrafanaAddress,
            intent: global_061,
            undo: json!({"grafana": {"ingress": {"hosts": []}}}),
            why: "grafana.ingress.hosts is left at the chart's default",
        },
        Avoided {
            condition: Condition::GrafanaAddress,
            intent: chart_content_091,
            undo: json!({"grafana": {"ingress": {"enabled": true, "hosts": []}}}),
            why: "no Grafana ingress without hosts",
        },
        Avoided {
            condition: Condition::AlertmanagerConfigTwice,
            intent: global_091,
            undo: json!({"alertmanager": {"spec": {"configRawYaml": "route: {}"}}}),
            why: "no configRawYaml beside the chart's config",
        },
        Avoided {
            condition: Condition::DashboardsSidecarAndList,
            intent: global_061,
            undo: json!({"grafana": {"dashboards": {"default": {"x": {"json": "{}"}}}}}),
            why: "no grafana.dashboards beside the sidecar",
        },
        Avoided {
            condition: Condition::GrafanaSecretInValues,
            intent: global_091,
            undo: json!({"grafana": {"grafana.ini": {"security": {"admin_password": "x"}}}}),
            why: "the admin password comes from a Secret (admin.existingSecret)",
        },
        Avoided {
            condition: Condition::OneMetricsStore,
            intent: agent,
            undo: json!({"vmsingle": {"enabled": true}, "vmcluster": {"enabled": true}}),
            why: "agents run neither store",
        },
    ]
}

fn overlay(values: &mut Value, undo: &Value) {
    match (values, undo) {
        (Value::Object(v), Value::Object(u)) => {
            for (k, x) in u {
                if x.is_null() {
                    v.remove(k);
                } else if let Some(existing) =
                    v.get_mut(k).filter(|e| e.is_object() && x.is_object())
                {
                    overlay(existing, x);
                } else {
                    v.insert(k.clone(), x.clone());
                }
            }
        }
        (v, u) => *v = u.clone(),
    }
}

#[test]
fn the_values_vmstack_writes_are_what_avoids_each_condition() {
    for a in avoided() {
        let items = common::fixtures::render_intent(&repo(a.intent));
        let release = items.iter().find(|i| i["kind"] == "HelmRelease").unwrap();
        let line = ChartLine::of(
            release["spec"]["chart"]["spec"]["version"]
                .as_str()
                .unwrap_or(if a.intent.contains("clustermesh") {
                    "0.61.13"
                } else {
                    "0.91.2"
                }),
        )
        .unwrap();
        let mut values = release["spec"]["values"].clone();
        assert!(
            !met(line, &values).contains(&a.condition.name()),
            "{}: already meets {}",
            a.intent,
            a.condition.name()
        );
        overlay(&mut values, &a.undo);
        assert!(
            met(line, &values).contains(&a.condition.name()),
            "{}: undoing \"{}\" should meet {}",
            a.intent,
            a.why,
            a.condition.name()
        );
    }
}

#[test]
fn a_user_value_that_breaks_the_chart_is_an_error_naming_it() {
    let mut intent = read_yaml(&repo(
        "tests/fixtures/good/global-without-vmauth/intent.yaml",
    ));
    intent["spec"]["values"] = json!({
        "defaultDatasources": {"victoriametrics": {"datasources": []}},
        "grafana": {"grafana.ini": {"database": {"password": "${DB_PASSWORD}"}}},
    });
    let out = vmstack::function::process(
        vmstack::krm::ResourceList::new(Vec::new(), Some(intent)),
        vmstack::function::Layout::Files,
    );
    let results: Vec<(String, String)> = out
        .results
        .iter()
        .filter(|r| !vmstack::capacity::is_advice(r))
        .map(|r| {
            (
                r.tags["code"].clone(),
                r.field.as_ref().map(|f| f.path.clone()).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        results,
        [
            (
                "VMS210".to_string(),
                "spec.values.defaultDatasources.victoriametrics.datasources".to_string()
            ),
            (
                "VMS210".to_string(),
                "spec.values.grafana.\"grafana.ini\".database.password".to_string()
            ),
        ]
    );
    assert!(out.has_errors());
    assert!(
        out.items.iter().all(|i| i["kind"] != "HelmRelease"),
        "nothing generated ships"
    );
}

#[test]
fn the_chart_defaults_the_conditions_read_are_the_charts_own() {
    let Some(shared) = common::shared::require_shared() else {
        return;
    };
    for (file, line) in [
        ("k8s-stack-0.61.13-values.yaml", ChartLine::V0_61),
        ("k8s-stack-0.91.2-values.yaml", ChartLine::V0_91),
    ] {
        let chart = read_yaml(&shared.join("chart").join(file));
        for (path, ours) in vmstack::chart::defaults::entries(line) {
            let keys: Vec<&str> = path.split('.').collect();
            let theirs = vmstack::chart::values::at(&chart, &keys)
                .unwrap_or_else(|| panic!("{file}: no {path}"));
            if path == "alertmanager.config" || path.ends_with(".datasources") {
                // Only whether they are set, and the names of the data sources, matter.
                assert!(
                    vmstack::chart::values::truthy(Some(theirs)),
                    "{file}: {path}"
                );
                if let (Some(o), Some(t)) = (ours.as_array(), theirs.as_array()) {
                    let names =
                        |l: &Vec<Value>| l.iter().map(|d| d["name"].clone()).collect::<Vec<_>>();
                    assert_eq!(names(o), names(t), "{file}: {path}");
                }
            } else {
                assert_eq!(&ours, theirs, "{file}: {path}");
            }
        }
    }
}
