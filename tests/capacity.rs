//! The capacity check on whole inputs, as the hosts run it: the seed's infra package with a
//! declared load (too much, enough, none), sizes behind Flux variables with and without their
//! settings, agents of the same input adding their load, the structural warnings, and one run
//! through the real kpt.

mod common;

use std::path::Path;
use std::process::Command;

use common::fixtures::{read_yaml, repo};
use common::tools::require_tool;
use serde_json::{Value, json};
use vmstack::function::{self, Layout};
use vmstack::krm::{KrmResult, ResourceList, Severity};

fn with_file(mut v: Value, path: &str) -> Value {
    let a = &mut v["metadata"]["annotations"];
    if !a.is_object() {
        *a = json!({});
    }
    a["internal.config.kubernetes.io/path"] = json!(path);
    a["internal.config.kubernetes.io/index"] = json!("0");
    v
}

/// The seed's infra intent with `capacity`, beside its cluster settings, as kpt sends them.
fn infra(capacity: Option<Value>) -> (Value, Value) {
    let mut intent = read_yaml(&repo("examples/seed/infra/vmstack.yaml"));
    if let Some(c) = capacity {
        intent["spec"]["capacity"] = c;
    }
    let settings = read_yaml(&repo("examples/seed/infra/cluster-settings.yaml"));
    (
        with_file(intent, "vmstack.yaml"),
        with_file(settings, "cluster-settings.yaml"),
    )
}

fn run(items: Vec<Value>, config: Option<Value>) -> ResourceList {
    function::process(ResourceList::new(items, config), Layout::Files)
}

fn run_infra(capacity: Option<Value>) -> ResourceList {
    let (intent, settings) = infra(capacity);
    run(vec![intent.clone(), settings], Some(intent))
}

fn with_code<'a>(rl: &'a ResourceList, code: &str) -> Vec<&'a KrmResult> {
    rl.results
        .iter()
        .filter(|r| r.tags.get("code").map(String::as_str) == Some(code))
        .collect()
}

fn only<'a>(rl: &'a ResourceList, code: &str) -> &'a KrmResult {
    match with_code(rl, code).as_slice() {
        [one] => one,
        other => panic!("expected one {code}, found {other:#?} in {:#?}", rl.results),
    }
}

fn capacity_rule(rl: &ResourceList) -> Option<&Value> {
    rl.items.iter().find(|i| {
        i["kind"] == "VMRule" && i["metadata"]["name"] == "victoria-metrics-global-vmstack-capacity"
    })
}

fn alert_exprs(rule: &Value) -> Vec<(String, String)> {
    rule["spec"]["groups"][0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["alert"].as_str().unwrap().to_string(),
                r["expr"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_million_samples_per_second_fails_naming_the_size_each_node_needs() {
    let (intent, settings) = infra(Some(json!({"ingestionRate": 1000000})));
    let input = vec![intent.clone(), settings];
    let out = run(input.clone(), Some(intent));
    assert!(out.has_errors());
    let r = only(&out, "VMS500");
    assert_eq!(r.severity, Severity::Error);
    let field = r.field.as_ref().unwrap();
    assert_eq!(field.path, "spec.vmstorage.size");
    assert_eq!(field.proposed_value, Some(json!("2495Gi")));
    for part in [
        "vmstorage needs 2.44 TiB per node for 1,000,000 samples/s",
        "50Gi (${VM_STORAGE_SIZE}) is configured",
        "49.9× too small",
        "holds at most 20,044 samples/s",
        "full after 18.6 hours",
    ] {
        assert!(r.message.contains(part), "{part:?} not in {}", r.message);
    }
    assert_eq!(out.items, input, "a failed run changes nothing");
}

#[test]
fn ten_thousand_passes_and_is_watched() {
    let out = run_infra(Some(json!({"ingestionRate": 10000})));
    assert!(!out.has_errors(), "{:#?}", out.results);
    assert!(with_code(&out, "VMS501").is_empty(), "a load is declared");
    let rule = capacity_rule(&out).expect("the capacity alerts");
    assert_eq!(
        alert_exprs(rule),
        [
            (
                "VMStackIngestionAboveDeclared".to_string(),
                "sum(rate(vm_rows_inserted_total{job=\"vminsert-victoria-metrics-global\"}[15m])) > 10000"
                    .to_string()
            ),
            (
                "VMStorageFillsBeforeRetention".to_string(),
                "sum(rate(vm_rows_inserted_total{job=\"vminsert-victoria-metrics-global\"}[1h])) > 20044"
                    .to_string()
            ),
        ]
    );
}

#[test]
fn without_a_load_it_says_how_much_the_configured_size_holds() {
    let out = run_infra(None);
    assert!(!out.has_errors(), "{:#?}", out.results);
    let r = only(&out, "VMS501");
    assert_eq!(r.severity, Severity::Info);
    assert!(
        r.message.contains("hold at most 20,044 samples/s"),
        "{}",
        r.message
    );
    assert_eq!(
        r.field.as_ref().unwrap().path,
        "spec.capacity.ingestionRate"
    );
    assert_eq!(r.field.as_ref().unwrap().proposed_value, Some(json!(20044)));
    let rule = capacity_rule(&out).expect("the disk alert needs no declared load");
    let names: Vec<String> = alert_exprs(rule).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["VMStorageFillsBeforeRetention"]);
}

#[test]
fn the_settings_value_decides() {
    let (intent, mut settings) = infra(Some(json!({"ingestionRate": 1000000})));
    settings["data"]["VM_STORAGE_SIZE"] = json!("2500Gi");
    let out = run(vec![intent.clone(), settings.clone()], Some(intent.clone()));
    assert!(!out.has_errors(), "{:#?}", out.results);
    // A 31-day retention starts the monthly cycle: the same size no longer holds the load.
    settings["data"]["VM_RETENTION_PERIOD"] = json!("31d");
    let out = run(vec![intent.clone(), settings], Some(intent));
    let r = only(&out, "VMS500");
    assert!(
        r.message.contains("needs 4.79 TiB per node"),
        "{}",
        r.message
    );
}

#[test]
fn sizes_no_settings_resolve_are_reported_unchecked() {
    let (intent, _) = infra(Some(json!({"ingestionRate": 1000000})));
    let out = run(vec![intent.clone()], Some(intent.clone()));
    assert!(
        !out.has_errors(),
        "nothing known, nothing refused: {:#?}",
        out.results
    );
    let r = only(&out, "VMS502");
    assert_eq!(
        r.severity,
        Severity::Warning,
        "a declared load went unchecked"
    );
    for part in [
        "vmstorage.size is ${VM_STORAGE_SIZE}",
        "retention is ${VM_RETENTION_PERIOD}",
        "ConfigMap cluster-settings",
    ] {
        assert!(r.message.contains(part), "{part:?} not in {}", r.message);
    }
    assert!(
        capacity_rule(&out).is_some(),
        "the declared load is still watched"
    );

    let (plain, _) = infra(None);
    let out = run(vec![plain.clone()], Some(plain));
    assert_eq!(only(&out, "VMS502").severity, Severity::Info);
    assert!(capacity_rule(&out).is_none(), "nothing to watch");
}

/// A global intent of 3 × 50Gi, 30d, replication 2 (20,044 samples/s at most), with `spec`
/// merged in.
fn global(extra: Value) -> Value {
    let mut v = json!({
        "apiVersion": "vmstack.dev/v1alpha1",
        "kind": "VictoriaMetricsStack",
        "metadata": {"name": "vm-global", "namespace": "observability"},
        "spec": {
            "role": "global",
            "directory": "global",
            "flux": {"enabled": false},
            "agents": ["apps", "edge"],
        },
    });
    vmstack::render::deep_merge(&mut v["spec"], &extra);
    with_file(v, "infra/vmstack.yaml")
}

fn agent(cluster: &str, remote_write: Value, rate: u64) -> Value {
    with_file(
        json!({
            "apiVersion": "vmstack.dev/v1alpha1",
            "kind": "VictoriaMetricsStack",
            "metadata": {"name": format!("vm-{cluster}"), "namespace": "observability"},
            "spec": {
                "role": "agent",
                "cluster": cluster,
                "directory": cluster,
                "remoteWrite": remote_write,
                "capacity": {"ingestionRate": rate},
                "flux": {"enabled": false},
            },
        }),
        &format!("{cluster}/vmstack.yaml"),
    )
}

#[test]
fn agents_of_the_same_input_add_their_load() {
    let by_url = agent(
        "apps",
        json!({"url": "http://vminsert-vm-global.observability.svc.cluster.local:8480"}),
        9000,
    );
    let across = agent(
        "edge",
        json!({"via": "ciliumGlobalService", "release": "vm-global"}),
        9000,
    );
    let elsewhere = agent(
        "lab",
        json!({"url": "http://vminsert-other.observability.svc:8480"}),
        500000,
    );
    let g = global(json!({"capacity": {"ingestionRate": 4000}}));
    let out = run(vec![g.clone(), by_url.clone(), across, elsewhere], None);
    // lab writes to another stack's Service: the global need not list it among its agents.
    let about_lab = |r: &&KrmResult| r.resource_ref.as_ref().is_some_and(|x| x.name == "vm-lab");
    assert!(
        !with_code(&out, "VMS214").iter().any(about_lab),
        "{:#?}",
        out.results
    );
    let r = only(&out, "VMS500");
    assert!(
        r.message
            .contains("22,000 samples/s (4,000 here, 9,000 from apps, 9,000 from edge)"),
        "{}",
        r.message
    );
    // Alone, the global's own 4,000 fit; with one agent, 13,000 do.
    assert!(!run(vec![g.clone()], None).has_errors());
    let out = run(vec![g, by_url], None);
    assert!(!out.has_errors(), "{:#?}", out.results);
    let rule = out
        .items
        .iter()
        .find(|i| i["metadata"]["name"] == "vm-global-vmstack-capacity")
        .unwrap();
    assert!(alert_exprs(rule)[0].1.ends_with("> 13000"), "{rule:#?}");
}

fn codes(rl: &ResourceList) -> Vec<String> {
    let mut c: Vec<String> = rl
        .results
        .iter()
        .filter_map(|r| r.tags.get("code").cloned())
        .collect();
    c.sort();
    c
}

#[test]
fn structural_risks_are_warned_about() {
    let out = run(vec![global(json!({"vmstorage": {"replicas": 2}}))], None);
    assert_eq!(codes(&out), ["VMS501", "VMS503", "VMS504"]);
    let r = only(&out, "VMS503");
    assert_eq!(r.field.as_ref().unwrap().proposed_value, Some(json!(3)));
    assert!(only(&out, "VMS504").message.contains("by 100%"));

    let out = run(
        vec![global(
            json!({"replicationFactor": 3, "vmstorage": {"replicas": 4}}),
        )],
        None,
    );
    let r = only(&out, "VMS503");
    assert_eq!(
        r.field.as_ref().unwrap().proposed_value,
        Some(json!(5)),
        "2 × 3 − 1: {}",
        r.message
    );

    let out = run(vec![global(json!({"vmstorage": {"replicas": 10}}))], None);
    assert_eq!(codes(&out), ["VMS501"], "{:#?}", out.results);

    let out = run(
        vec![global(json!({
            "vmstorage": {"replicas": 10},
            "vmselect": {"resources": {"limits": {"cpu": "1500m"}}},
        }))],
        None,
    );
    let r = only(&out, "VMS506");
    assert_eq!(
        r.field.as_ref().unwrap().path,
        "spec.vmselect.resources.limits.cpu"
    );
    assert_eq!(r.field.as_ref().unwrap().proposed_value, Some(json!("2")));
}

#[test]
fn a_retention_over_a_month_needs_a_month_free() {
    // 31d, RF 2, 3 × 50Gi: the formula allows 10,186 samples/s, a month free only 8,944.
    let at = |rate: u64| {
        run(
            vec![global(
                json!({"retention": "31d", "capacity": {"ingestionRate": rate}}),
            )],
            None,
        )
    };
    let out = at(9500);
    assert!(!out.has_errors(), "{:#?}", out.results);
    let r = only(&out, "VMS505");
    assert!(
        r.message.contains("storage.minFreeDiskSpaceBytes"),
        "{}",
        r.message
    );
    assert!(with_code(&at(8900), "VMS505").is_empty());
    assert!(!with_code(&at(10200), "VMS500").is_empty());
}

#[test]
fn vmselect_memory_against_its_query_limits() {
    let select = |limit: &str| {
        run(
            vec![global(json!({"vmselect": {
                "extraArgs": {"search.maxMemoryPerQuery": "512MiB", "search.maxConcurrentRequests": "4"},
                "resources": {"limits": {"memory": limit}},
            }}))],
            None,
        )
    };
    let r = select("2Gi").results;
    let warned: Vec<&KrmResult> = r
        .iter()
        .filter(|r| r.tags.get("code").map(String::as_str) == Some("VMS507"))
        .collect();
    assert_eq!(warned.len(), 1, "2 GiB of queries want 4 GiB: {r:#?}");
    assert_eq!(
        warned[0].field.as_ref().unwrap().proposed_value,
        Some(json!("4Gi"))
    );
    assert!(
        !select("4Gi")
            .results
            .iter()
            .any(|r| r.tags.get("code").map(String::as_str) == Some("VMS507"))
    );
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), to).unwrap();
        }
    }
}

#[test]
fn kpt_render_of_the_seed_fails_on_a_million_and_passes_on_ten_thousand() {
    let Some(kpt) = require_tool("kpt", "kpt_render_of_the_seed_fails_on_a_million") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_vmstack"), bin.join("vmstack")).unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin.clone())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    for (rate, passes) in [(1000000, false), (10000, true)] {
        let pkg = tmp.path().join(format!("infra-{rate}"));
        copy_dir(&repo("examples/seed/infra"), &pkg);
        let intent = pkg.join("vmstack.yaml");
        let text = std::fs::read_to_string(&intent).unwrap();
        let text = text.replacen(
            "  role: global\n",
            &format!("  role: global\n  capacity:\n    ingestionRate: {rate}\n"),
            1,
        );
        std::fs::write(&intent, text).unwrap();
        let out = Command::new(&kpt)
            .args(["fn", "render", "--allow-exec"])
            .arg(&pkg)
            .env("PATH", &path)
            .current_dir(tmp.path())
            .output()
            .unwrap();
        let both = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.success(), passes, "{rate}: {both}");
        if !passes {
            assert!(both.contains("vmstorage needs 2.44 TiB per node"), "{both}");
        } else {
            let rules = std::fs::read_to_string(pkg.join("global/vmrule.yaml")).unwrap();
            assert!(rules.contains("> 10000"), "{rules}");
        }
    }
}

#[test]
fn the_order_of_the_input_does_not_change_the_sum() {
    let a = agent(
        "apps",
        json!({"url": "http://vminsert-vm-global.observability.svc:8480"}),
        15000,
    );
    let b = agent(
        "edge",
        json!({"via": "ciliumGlobalService", "release": "vm-global"}),
        9000,
    );
    // The global as functionConfig: the agents are only read from the items, in their order.
    let g = global(json!({}));
    let one = run(vec![g.clone(), a.clone(), b.clone()], Some(g.clone()));
    let other = run(vec![b, g.clone(), a], Some(g));
    assert_eq!(one.results, other.results);
    assert!(
        only(&one, "VMS500")
            .message
            .contains("24,000 samples/s (15,000 from apps, 9,000 from edge)")
    );
}

#[test]
fn extreme_numbers_are_reported_not_panicked_on() {
    let huge = global(json!({
        "replicationFactor": u32::MAX,
        "vmstorage": {"replicas": u32::MAX, "size": "1Ei", "maxUnavailable": 1},
        "capacity": {"ingestionRate": 1e300, "bytesPerSample": 1e-300, "activeSeries": u64::MAX},
    }));
    let out = run(vec![huge.clone()], None);
    assert!(out.results.iter().all(|r| !r.message.is_empty()));
    let plan = vmstack::plan::plan(&[huge]);
    assert!(plan.table().contains("global observability/vm-global"));
    let tiny = global(json!({"vmstorage": {"size": "1"}, "capacity": {"ingestionRate": 0}}));
    let out = run(vec![tiny], None);
    assert!(
        !out.has_errors(),
        "no load fits anywhere: {:#?}",
        out.results
    );
}
