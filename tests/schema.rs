//! Every object vmstack emits, for every example and good fixture, passes strict validation: the
//! custom resources against `shared/schemas`, the core kinds through a strict k8s-openapi round
//! trip, and the HelmRelease values against the chart's own values.yaml and the CRDs.

mod common;

use common::fixtures::rendered_valid_intents;
use common::validate::{chart_values_problems, shared_validator};
use vmstack::krm::yaml;

#[test]
fn every_emitted_object_passes_strict_validation() {
    let Some(validator) = shared_validator() else {
        return;
    };
    let mut objects = 0;
    for (name, items) in rendered_valid_intents() {
        let problems = validator.validate_all(&items);
        assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
        objects += items.len();
    }
    assert!(objects > 100, "only {objects} objects were validated");
}

#[test]
fn helm_values_use_only_keys_the_chart_has() {
    let Some(validator) = shared_validator() else {
        return;
    };
    for (name, items) in rendered_valid_intents() {
        let hr = items.iter().find(|i| i["kind"] == "HelmRelease").unwrap();
        // The chart version: the HelmRelease's own, or the OCIRepository's tag vmstack emitted,
        // or the intent's (the seed references a shared OCIRepository).
        let version = hr["spec"]["chart"]["spec"]["version"]
            .as_str()
            .or_else(|| {
                items
                    .iter()
                    .find(|i| i["kind"] == "OCIRepository")
                    .and_then(|o| o["spec"]["ref"]["tag"].as_str())
            })
            .map(str::to_string)
            .unwrap_or_else(|| {
                let text = std::fs::read_to_string(&name).unwrap();
                let intent = yaml::parse_document(&text).unwrap();
                intent["spec"]["chart"]["version"]
                    .as_str()
                    .unwrap_or(vmstack::intent::DEFAULT_CHART_VERSION)
                    .to_string()
            });
        let file = validator
            .chart_values_file(&version)
            .unwrap_or_else(|| panic!("{name}: no chart values for {version}"));
        let problems = chart_values_problems(&hr["spec"]["values"], &file, validator);
        assert!(
            problems.is_empty(),
            "{name} (chart {version}):\n{}",
            problems.join("\n")
        );
    }
}

#[test]
fn the_chart_lines_rule_groups_are_the_charts_own() {
    use vmstack::intent::chart_line::ChartLine;
    let Some(shared) = common::shared::require_shared() else {
        return;
    };
    for (file, line) in [
        ("k8s-stack-0.61.13-values.yaml", ChartLine::V0_61),
        ("k8s-stack-0.91.2-values.yaml", ChartLine::V0_91),
    ] {
        let text = std::fs::read_to_string(shared.join("chart").join(file)).unwrap();
        let values = yaml::parse_document(&text).unwrap();
        let groups = values["defaultRules"]["groups"].as_object().unwrap();
        let mut chart: Vec<&str> = groups.keys().map(String::as_str).collect();
        chart.sort_unstable();
        let mut ours: Vec<&str> = line
            .rule_groups()
            .iter()
            .copied()
            .filter(|g| !line.unlisted_rule_groups().contains(g))
            .collect();
        ours.sort_unstable();
        assert_eq!(ours, chart, "{file}");
        assert!(
            values["defaultRules"].get(line.rules_switch()).is_some(),
            "{file}: no defaultRules.{}",
            line.rules_switch()
        );
    }
}
