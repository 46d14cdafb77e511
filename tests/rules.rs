//! The generated rules against the real tools. Every rule group of every valid intent must pass
//! `vmalert -dryRun` (the MetricsQL parser the cluster's vmalert runs) and `promtool check rules`
//! (PromQL: the expressions must stay portable), and the alerts must behave as the unit tests in
//! `tests/rules/*.yaml` say under `promtool test rules`, on the function's real output.
//!
//! vmalert comes from Debian's `victoria-metrics` package and promtool from `prometheus` (`.ci/run`
//! installs both). Without them these tests say loudly that they checked nothing; under `CI=true`
//! they fail.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::fixtures::{problems, render_intent, rendered_valid_intents, repo};
use common::tools::require_tool;
use serde_json::Value;
use vmstack::krm::yaml;

/// The intent whose rules the unit tests in `tests/rules/` exercise: the chart's VictoriaMetrics
/// groups are off there, so every health alert is emitted, and it has agents and both SLO kinds.
const UNIT_TESTED_INTENT: &str = "tests/fixtures/good/global-alerting/intent.yaml";

/// The calling test's name, for the message when a tool is missing.
fn this_test() -> String {
    std::thread::current()
        .name()
        .unwrap_or("<unnamed>")
        .to_string()
}

/// Every VMRule of every valid intent: (where it came from, its name, its spec).
fn all_rule_specs() -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (intent, items) in rendered_valid_intents() {
        for rule in items.iter().filter(|i| i["kind"] == "VMRule") {
            let name = rule["metadata"]["name"].as_str().unwrap().to_string();
            out.push((intent.clone(), name, rule["spec"].clone()));
        }
    }
    assert!(
        out.len() >= 5,
        "the valid intents produce almost no VMRules ({})",
        out.len()
    );
    out
}

/// Removes rule fields vmalert 1.79 predates (it rejects them as unknown), keeping the rest.
fn without_newer_fields(spec: &Value) -> Value {
    let mut spec = spec.clone();
    for group in spec["groups"].as_array_mut().into_iter().flatten() {
        for rule in group["rules"].as_array_mut().into_iter().flatten() {
            if let Some(rule) = rule.as_object_mut() {
                rule.remove("keep_firing_for");
            }
        }
    }
    spec
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn write(dir: &Path, file: &str, spec: &Value) -> PathBuf {
    let path = dir.join(file);
    std::fs::write(&path, yaml::to_yaml(spec)).unwrap();
    path
}

#[test]
fn every_generated_rule_group_passes_vmalert_dry_run() {
    let Some(vmalert) = require_tool("vmalert", &this_test()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (intent, name, spec) in all_rule_specs() {
        let file = write(
            dir.path(),
            &format!("{name}.yml"),
            &without_newer_fields(&spec),
        );
        let (ok, out) = run(Command::new(&vmalert)
            .arg(format!("-rule={}", file.display()))
            .arg("-dryRun"));
        // vmalert logs a parse failure as "fatal"; the exit status alone is the contract, the
        // log line makes the failure readable.
        assert!(
            ok && !out.contains("\tfatal\t"),
            "{intent}: VMRule {name} fails vmalert -dryRun:\n{out}"
        );
    }
}

#[test]
fn every_generated_rule_group_passes_promtool_check() {
    let Some(promtool) = require_tool("promtool", &this_test()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (intent, name, spec) in all_rule_specs() {
        let file = write(dir.path(), &format!("{name}.yml"), &spec);
        let (ok, out) = run(Command::new(&promtool).arg("check").arg("rules").arg(&file));
        assert!(
            ok,
            "{intent}: VMRule {name} fails promtool check rules (PromQL only: no MetricsQL \
             functions):\n{out}"
        );
    }
}

/// The unit test files, sorted.
fn rule_test_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo("tests/rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "tests/rules/ holds no unit tests");
    files
}

#[test]
fn alerts_behave_as_the_rule_unit_tests_say() {
    let Some(promtool) = require_tool("promtool", &this_test()) else {
        return;
    };
    // promtool reads rule_files relative to the test file: put both in one folder.
    let dir = tempfile::tempdir().unwrap();
    for rule in render_intent(&repo(UNIT_TESTED_INTENT))
        .iter()
        .filter(|i| i["kind"] == "VMRule")
    {
        let name = rule["metadata"]["name"].as_str().unwrap();
        write(dir.path(), &format!("{name}.yml"), &rule["spec"]);
    }
    // Each file takes seconds of simulated evaluation: run them side by side.
    let runs: Vec<_> = rule_test_files()
        .into_iter()
        .map(|test| {
            let copy = dir.path().join(test.file_name().unwrap());
            std::fs::copy(&test, &copy).unwrap();
            let child = Command::new(&promtool)
                .arg("test")
                .arg("rules")
                .arg(&copy)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run promtool: {e}"));
            (test, child)
        })
        .collect();
    for (test, child) in runs {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}: promtool test rules failed:\n{}{}",
            test.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// For each alert name in the unit tests: whether some case expects it to fire, and whether
/// some case expects it quiet.
fn alert_cases() -> BTreeMap<String, (bool, bool)> {
    let mut cases: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for file in rule_test_files() {
        let doc = common::fixtures::read_yaml(&file);
        for test in doc["tests"].as_array().unwrap() {
            for case in test["alert_rule_test"].as_array().into_iter().flatten() {
                let name = case["alertname"].as_str().unwrap().to_string();
                let fires = case["exp_alerts"].as_array().is_some_and(|a| !a.is_empty());
                let entry = cases.entry(name).or_default();
                if fires {
                    entry.0 = true;
                } else {
                    entry.1 = true;
                }
            }
        }
    }
    cases
}

#[test]
fn every_generated_alert_is_unit_tested_firing_and_quiet() {
    let cases = alert_cases();
    let mut alerts = BTreeSet::new();
    for rule in render_intent(&repo(UNIT_TESTED_INTENT))
        .iter()
        .filter(|i| i["kind"] == "VMRule")
    {
        for group in rule["spec"]["groups"].as_array().unwrap() {
            for r in group["rules"].as_array().unwrap() {
                if let Some(a) = r["alert"].as_str() {
                    alerts.insert(a.to_string());
                }
            }
        }
    }
    assert!(alerts.len() >= 20, "{alerts:?}");
    for alert in &alerts {
        let (fires, quiet) = cases.get(alert).copied().unwrap_or_default();
        assert!(fires, "no case in tests/rules/ makes {alert} fire");
        assert!(quiet, "no case in tests/rules/ checks {alert} stays quiet");
    }
}

fn health_alerts(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .filter(|i| {
            i["kind"] == "VMRule"
                && i["metadata"]["name"]
                    .as_str()
                    .is_some_and(|n| n.ends_with("-vmstack-health"))
        })
        .flat_map(|r| r["spec"]["groups"][0]["rules"].as_array().unwrap().clone())
        .filter_map(|r| r["alert"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn health_alerts_the_chart_already_ships_are_left_to_the_chart() {
    // The chart's own rule groups: rendered by chart 0.61, fetched by chart 0.91's sync Job.
    let chart_0_61 = health_alerts(&render_intent(&repo(
        "examples/clustermesh/infra/vmstack.yaml",
    )));
    let chart_0_91 = health_alerts(&render_intent(&repo(
        "tests/fixtures/good/global-chart-0-91-helm-repository/intent.yaml",
    )));
    // vmstack's own rules and dashboards (the default on 0.91): nothing to defer to.
    let seed = health_alerts(&render_intent(&repo("examples/seed/infra/vmstack.yaml")));
    // Chart 0.61 with its VictoriaMetrics groups switched off.
    let own = health_alerts(&render_intent(&repo(UNIT_TESTED_INTENT)));
    // ServiceDown, TooManyRestarts, DiskRunsOutOfSpace, RowsRejectedOnIngestion, the vmagent,
    // vmalert and Alertmanager groups cover these.
    for covered in [
        "VMStorageDown",
        "VMComponentTooManyRestarts",
        "VMStorageDiskSpaceLow",
        "VMInsertRejectedRows",
        "VMAgentRemoteWriteFailures",
        "VMAlertRuleErrors",
        "AlertmanagerFailedNotifications",
    ] {
        assert!(
            !chart_0_61.contains(covered),
            "chart 0.61 content, yet vmstack repeats {covered}"
        );
        assert!(
            !chart_0_91.contains(covered),
            "chart 0.91 content, yet vmstack repeats {covered}"
        );
        assert!(seed.contains(covered), "no chart content, yet no {covered}");
        assert!(own.contains(covered), "chart group off, yet no {covered}");
    }
    for always in [
        "VMStackComponentUnavailable",
        "VMStackComponentAbsent",
        "VMStorageDiskSpaceCritical",
        "VMSelectHighLatency",
    ] {
        for (name, set) in [
            ("0.61", &chart_0_61),
            ("0.91", &chart_0_91),
            ("seed", &seed),
        ] {
            assert!(set.contains(always), "{name}: {always}");
        }
    }
}

#[test]
fn no_histogram_function_reads_a_summary() {
    for (intent, name, spec) in all_rule_specs() {
        let text = yaml::to_yaml(&spec);
        assert!(
            !text.contains("vm_request_duration_seconds_bucket"),
            "{intent}: {name} reads buckets of vm_request_duration_seconds, a summary"
        );
    }
}

#[test]
fn the_agent_watch_stays_without_the_health_rules() {
    let mut intent =
        common::fixtures::read_yaml(&repo("tests/fixtures/good/global-lean/intent.yaml"));
    assert_eq!(intent["spec"]["rules"]["health"], false);
    intent["spec"]["agents"] = serde_json::json!(["apps"]);
    let out = vmstack::function::process(
        vmstack::krm::ResourceList::new(Vec::new(), Some(intent)),
        vmstack::function::Layout::Files,
    );
    assert!(problems(&out.results).is_empty(), "{:?}", out.results);
    assert_eq!(
        health_alerts(&out.items),
        BTreeSet::from(["VMAgentClusterSilent".to_string()])
    );
}

/// Every query of every vmstack dashboard, as a recording rule group per dashboard (Grafana's
/// `$cluster` variable stands for every cluster).
fn dashboard_rule_groups() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (intent, items) in rendered_valid_intents() {
        for cm in items.iter().filter(|i| {
            i["kind"] == "ConfigMap" && i["metadata"]["labels"]["grafana_dashboard"] == "1"
        }) {
            for (file, text) in cm["data"].as_object().unwrap() {
                let dashboard: Value = serde_json::from_str(text.as_str().unwrap())
                    .unwrap_or_else(|e| panic!("{intent}: {file} is not JSON: {e}"));
                let rules: Vec<Value> = dashboard["panels"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default())
                    .enumerate()
                    .map(|(i, t)| {
                        serde_json::json!({
                            "record": format!("dashboard:query_{i}"),
                            "expr": t["expr"].as_str().unwrap().replace("$cluster", ".*"),
                        })
                    })
                    .collect();
                assert!(rules.len() >= 10, "{intent}: {file} has almost no queries");
                out.push((
                    format!("{intent} {file}"),
                    serde_json::json!({"groups": [{"name": "dashboard", "rules": rules}]}),
                ));
            }
        }
    }
    assert!(!out.is_empty(), "no valid intent has a vmstack dashboard");
    out
}

#[test]
fn every_dashboard_query_parses_as_metricsql_and_promql() {
    let (Some(vmalert), Some(promtool)) = (
        require_tool("vmalert", &this_test()),
        require_tool("promtool", &this_test()),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (i, (name, spec)) in dashboard_rule_groups().into_iter().enumerate() {
        let file = write(dir.path(), &format!("dashboard-{i}.yml"), &spec);
        let (ok, out) = run(Command::new(&vmalert)
            .arg(format!("-rule={}", file.display()))
            .arg("-dryRun"));
        assert!(ok && !out.contains("\tfatal\t"), "{name}: vmalert:\n{out}");
        let (ok, out) = run(Command::new(&promtool).arg("check").arg("rules").arg(&file));
        assert!(ok, "{name}: promtool:\n{out}");
    }
}
