//! Properties over generated inputs (proptest): random valid intents of both roles, with and
//! without vmauth, agents and Flux variables, always expand cleanly to output that passes the
//! strict schemas, whatever the order of the items, and a second run on the output changes
//! nothing; random bytes, and random mutations of valid ResourceLists, always get a
//! ResourceList back, never a panic.
//!
//! Each property runs a few dozen cases by default, so the file stays well under a minute in a
//! debug build; `PROPTEST_CASES=2000 cargo test --release --test properties` runs longer
//! (docs/fuzzing.md). A failing case is shrunk, and its seed saved in
//! tests/properties.proptest-regressions (commit it: it runs first from then on).

mod common;

#[path = "../fuzz/checks/stdin.rs"]
mod stdin;

use std::collections::BTreeSet;

use common::fixtures::problems;
use common::validate::shared_validator;
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Map, Value, json};
use vmstack::function::{self, Layout, Options};
use vmstack::krm::{Limits, ResourceList, object, yaml};

/// `default` cases, unless PROPTEST_CASES says otherwise.
fn cases(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        ..Config::default()
    }
}

// ------------------------------------------------------------------------------------------
// Intents, from the fields docs/intent.md documents
// ------------------------------------------------------------------------------------------

/// The settings every variable the generated intents use is defined in, each with a value of
/// the type its field has on the cluster.
const SETTINGS: &[(&str, &str)] = &[
    ("CLUSTER", "edge-1"),
    ("VM_RETENTION_PERIOD", "90d"),
    ("BLOCK_SC", "ceph-block"),
    ("VM_STORAGE_SIZE", "100Gi"),
    ("VM_STORAGE_REPLICAS", "4"),
    ("GRAFANA_SECRET_PATH", "infra/grafana-admin"),
    (
        "GLOBAL_VM_INSERT_ENDPOINT",
        "http://vminsert-vm-global.observability.svc.cluster.local:8480",
    ),
    ("VMAGENT_MEMORY", "1Gi"),
];

/// A value written literally or, when `variables` is on, as a Flux variable.
fn either(variables: bool, literal: Value, variable: &str) -> BoxedStrategy<Value> {
    if variables {
        prop_oneof![Just(literal), Just(json!(variable))].boxed()
    } else {
        Just(literal).boxed()
    }
}

fn dns_label() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,7}(-[a-z0-9]{1,4})?"
}

/// Entries of `spec`, each present or not.
fn optional(entries: Vec<(&'static str, BoxedStrategy<Option<Value>>)>) -> BoxedStrategy<Value> {
    let (keys, values): (Vec<_>, Vec<_>) = entries.into_iter().unzip();
    values
        .prop_map(move |values| {
            let map: Map<String, Value> = keys
                .iter()
                .zip(values)
                .filter_map(|(k, v)| Some((k.to_string(), v?)))
                .collect();
            Value::Object(map)
        })
        .boxed()
}

fn maybe<S: Strategy<Value = Value> + 'static>(s: S) -> BoxedStrategy<Option<Value>> {
    proptest::option::of(s).boxed()
}

fn flux(variables: bool) -> BoxedStrategy<Value> {
    prop_oneof![
        Just(json!({"enabled": false})),
        either(
            variables,
            json!("./clusters/edge/vm"),
            "./clusters/${CLUSTER}/vm"
        )
        .prop_map(|path| json!({"path": path})),
    ]
    .boxed()
}

/// What both roles share.
fn common_spec(variables: bool) -> BoxedStrategy<Value> {
    optional(vec![
        ("releaseName", maybe(dns_label().prop_map(Value::from))),
        (
            "clusterDomain",
            maybe(prop_oneof![Just(json!("cluster.local")), Just(json!("k8s.internal"))]),
        ),
        (
            "directory",
            maybe(prop_oneof![Just(json!("stack")), Just(json!("."))]),
        ),
        (
            "chart",
            maybe(prop_oneof![
                Just(json!({"version": "0.91.2"})),
                Just(json!({"version": "0.61.13"})),
                Just(
                    json!({"sourceRef": {"kind": "OCIRepository", "name": "vm-chart", "namespace": "flux-system"}})
                ),
            ]),
        ),
        (
            "helm",
            maybe(Just(json!({"interval": "30m", "timeout": "10m", "retries": 5}))),
        ),
        (
            "networkPolicies",
            maybe(any::<bool>().prop_map(|enabled| json!({"enabled": enabled}))),
        ),
        (
            "scrape",
            maybe(
                (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(k, n, c)| {
                    json!({"kubeStateMetrics": k, "nodeExporter": n, "cilium": c})
                }),
            ),
        ),
    ])
    .prop_flat_map(move |spec| (Just(spec), flux(variables)))
    .prop_map(|(mut spec, flux)| {
        spec["flux"] = flux;
        spec
    })
    .boxed()
}

/// `auth` for a VMUser or an agent: from the store under a key of its own.
fn auth(owner: &str, generate: bool) -> BoxedStrategy<Value> {
    let key = format!("observability/vmauth/{owner}");
    let from_store = prop_oneof![
        Just(json!({"key": key, "store": "vault"})),
        Just(
            json!({"type": "bearer", "key": key, "store": "edge-vault", "storeKind": "SecretStore"})
        ),
    ];
    if generate {
        prop_oneof![from_store, Just(json!({"generatePassword": true}))].boxed()
    } else {
        from_store.boxed()
    }
}

fn users(names: BTreeSet<String>) -> BoxedStrategy<Value> {
    let users: Vec<BoxedStrategy<Value>> = names
        .into_iter()
        .map(|name| {
            prop_oneof![
                Just(("read", "multitenant")),
                Just(("read", "0")),
                Just(("write", "3"))
            ]
            .prop_flat_map(move |(access, tenant)| {
                // The operator generates passwords for basic users only, never for writers
                // that pick their tenant: writers here have a fixed one.
                let name = name.clone();
                auth(&name, true).prop_map(move |auth| {
                    json!({"name": name, "access": access, "tenant": tenant, "auth": auth})
                })
            })
            .boxed()
        })
        .collect();
    users.prop_map(Value::Array).boxed()
}

fn agents(clusters: BTreeSet<String>, vmauth: bool) -> BoxedStrategy<Value> {
    let agents: Vec<BoxedStrategy<Value>> = clusters
        .into_iter()
        .enumerate()
        .map(|(i, cluster)| {
            if !vmauth {
                return Just(json!(cluster)).boxed();
            }
            prop_oneof![
                Just(json!(cluster)),
                auth(&cluster, false).prop_map(move |auth| {
                    json!({"cluster": cluster, "tenant": (i + 1).to_string(), "auth": auth})
                }),
            ]
            .boxed()
        })
        .collect();
    agents.prop_map(Value::Array).boxed()
}

fn global_spec(variables: bool) -> BoxedStrategy<Value> {
    let vmauth = prop_oneof![
        Just(None),
        Just(Some(json!({"enabled": false}))),
        (
            any::<bool>(),
            proptest::collection::btree_set("[a-z]{2,6}", 0..3),
            any::<bool>()
        )
            .prop_flat_map(|(anonymous, names, ingress)| {
                users(names).prop_map(move |users| {
                    let mut v = json!({"anonymousRead": anonymous, "users": users});
                    if ingress {
                        v["ingress"] = json!({"host": "metrics.example.com", "className": "nginx",
                            "tlsSecretName": "metrics-tls"});
                    }
                    Some(v)
                })
            }),
    ];
    let storage = (
        1u32..=2,
        3u32..=5,
        either(variables, json!("50Gi"), "${VM_STORAGE_SIZE}"),
    );
    (
        common_spec(variables),
        vmauth,
        storage,
        either(variables, json!("30d"), "${VM_RETENTION_PERIOD}"),
        proptest::option::of(either(variables, json!("fast"), "${BLOCK_SC}")),
        proptest::option::of(either(
            variables,
            json!("observability/grafana-admin"),
            "${GRAFANA_SECRET_PATH}",
        )),
        proptest::collection::btree_set("[a-z]{1,5}-[0-9]", 0..4),
        any::<bool>(),
    )
        .prop_flat_map(
            |(spec, vmauth, storage, retention, class, admin, clusters, grafana)| {
                let with_vmauth = vmauth.as_ref().is_none_or(|v| v["enabled"] != false);
                (
                    Just((spec, vmauth, storage, retention, class, admin, grafana)),
                    agents(clusters, with_vmauth),
                )
            },
        )
        .prop_map(
            |(
                (mut spec, vmauth, (rf, replicas, size), retention, class, admin, grafana),
                agents,
            )| {
                spec["role"] = json!("global");
                spec["retention"] = retention;
                spec["replicationFactor"] = json!(rf);
                spec["vmstorage"] = json!({"replicas": replicas, "size": size});
                if let Some(class) = class {
                    spec["storageClass"] = class;
                }
                if let Some(v) = vmauth {
                    if v.get("ingress").is_some() {
                        spec["networkPolicies"]["ingressNamespaces"] = json!(["ingress-nginx"]);
                    }
                    spec["vmauth"] = v;
                }
                spec["grafana"] = json!({"enabled": grafana});
                if let Some(key) = admin {
                    spec["grafana"]["adminCredentials"] = json!({"store": "vault", "key": key});
                }
                spec["agents"] = agents;
                spec
            },
        )
        .boxed()
}

fn agent_spec(variables: bool) -> BoxedStrategy<Value> {
    let remote_write = (
        either(
            variables,
            json!("https://metrics.example.com"),
            "${GLOBAL_VM_INSERT_ENDPOINT}",
        ),
        proptest::option::of(prop_oneof![Just("0"), Just("1"), Just("2:5")]),
        proptest::option::of(auth("agent", false)),
        proptest::option::of(1u32..=20),
    )
        .prop_map(|(url, tenant, auth, queues)| {
            let mut rw = json!({"url": url});
            if let Some(t) = tenant {
                rw["tenant"] = json!(t);
            }
            if let Some(a) = auth {
                rw["auth"] = a;
            }
            if let Some(q) = queues {
                rw["queues"] = json!(q);
            }
            rw
        });
    (
        common_spec(variables),
        either(variables, json!("edge-1"), "${CLUSTER}"),
        remote_write,
        proptest::option::of(1u32..=3),
        proptest::option::of(either(variables, json!("2Gi"), "${VMAGENT_MEMORY}")),
    )
        .prop_map(|(mut spec, cluster, rw, replicas, memory)| {
            spec["role"] = json!("agent");
            spec["cluster"] = cluster;
            spec["remoteWrite"] = rw;
            let mut vmagent = Map::new();
            if let Some(r) = replicas {
                vmagent.insert("replicas".into(), json!(r));
            }
            if let Some(m) = memory {
                vmagent.insert("resources".into(), json!({"limits": {"memory": m}}));
            }
            if !vmagent.is_empty() {
                spec["vmagent"] = Value::Object(vmagent);
            }
            spec
        })
        .boxed()
}

/// An intent of either role, and whether it may hold variables.
fn intent() -> impl Strategy<Value = Value> {
    (any::<bool>(), any::<bool>())
        .prop_flat_map(|(global, variables)| {
            let spec = if global {
                global_spec(variables)
            } else {
                agent_spec(variables)
            };
            (
                dns_label(),
                prop_oneof![Just("observability"), Just("monitoring")],
                spec,
            )
        })
        .prop_map(|(name, namespace, spec)| {
            json!({
                "apiVersion": "vmstack.dev/v1alpha1",
                "kind": "VictoriaMetricsStack",
                "metadata": {"name": name, "namespace": namespace},
                "spec": spec,
            })
        })
}

/// The items a host sends with the intent: the intent in its file, other objects of the
/// package, and (or not) the cluster settings its variables are checked against.
fn package() -> impl Strategy<Value = Vec<Value>> {
    (intent(), 0usize..4, any::<bool>()).prop_map(|(mut intent, others, settings)| {
        object::set_file(&mut intent, "vmstack.yaml", 0);
        let mut items = vec![intent];
        for i in 0..others {
            let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": format!("app-{i}"), "namespace": "apps"},
                "data": {"key": format!("value {i}")}});
            object::set_file(&mut cm, &format!("apps/cm-{i}.yaml"), 0);
            items.push(cm);
        }
        if settings {
            let data: Map<String, Value> = SETTINGS
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "cluster-settings", "namespace": "flux-system",
                    "annotations": {"config.kubernetes.io/local-config": "true"}},
                "data": data});
            object::set_file(&mut cm, "cluster-settings.yaml", 0);
            items.push(cm);
        }
        items
    })
}

// ------------------------------------------------------------------------------------------
// The properties
// ------------------------------------------------------------------------------------------

fn is_generated(item: &Value) -> bool {
    function::is_generated(item)
}

/// The run's results, one line each.
fn result_lines(rl: &ResourceList) -> Vec<String> {
    rl.results.iter().map(|r| r.to_line()).collect()
}

/// The generated objects, as the bytes a host writes.
fn generated_stream(items: &[Value]) -> String {
    let generated: Vec<Value> = items.iter().filter(|i| is_generated(i)).cloned().collect();
    function::to_stream(&generated)
}

/// The items that went back as they came, in a fixed order.
fn echoed(items: &[Value]) -> Vec<String> {
    let mut echoed: Vec<String> = items
        .iter()
        .filter(|i| !is_generated(i))
        .map(Value::to_string)
        .collect();
    echoed.sort();
    echoed
}

fn run(items: Vec<Value>) -> ResourceList {
    function::process(ResourceList::new(items, None), Layout::Files)
}

proptest! {
    #![proptest_config(cases(48))]

    #[test]
    fn valid_intents_give_valid_deterministic_idempotent_output(
        items in package(),
        order in any::<u64>(),
    ) {
        let first = run(items.clone());
        let errors = problems(&first.results);
        prop_assert!(
            errors.is_empty(),
            "{}\n{}",
            yaml::to_yaml(&items[0]),
            errors.iter().map(|r| r.to_line()).collect::<Vec<_>>().join("\n")
        );
        prop_assert!(first.items.iter().any(|i| i["kind"] == "HelmRelease"));
        if let Some(validator) = shared_validator() {
            let found = validator.validate_all(&first.items);
            prop_assert!(found.is_empty(), "{}\n{}", yaml::to_yaml(&items[0]), found.join("\n"));
        }

        let shuffled = run(shuffle(items, order));
        prop_assert_eq!(generated_stream(&shuffled.items), generated_stream(&first.items));
        prop_assert_eq!(result_lines(&shuffled), result_lines(&first));
        prop_assert_eq!(echoed(&shuffled.items), echoed(&first.items));

        let again = run(first.items.clone());
        prop_assert_eq!(
            function::to_stream(&again.items),
            function::to_stream(&first.items),
            "a second run on the output changed it"
        );
        prop_assert_eq!(result_lines(&again), result_lines(&first));
    }
}

proptest! {
    #![proptest_config(cases(24))]

    /// The binary keeps each generated object of a fleet as its text from the moment it is
    /// final; a library caller keeps it as a value. Both write the same bytes, for a fresh
    /// package and for its next render (the earlier output among the items, replaced).
    #[test]
    fn objects_kept_as_text_write_the_bytes_their_values_write(items in package()) {
        let limits = Limits::default();
        let render = |text: &str, text_from| {
            let list = ResourceList::read(text.as_bytes().to_vec(), &limits).unwrap();
            let options = Options { layout: Layout::Files, substitute: false, text_from };
            function::process_items(list, options).to_yaml()
        };
        let text = resource_list_text(items);
        let first = render(&text, Some(1));
        prop_assert_eq!(&first, &render(&text, None));
        let again = render(&first, Some(1));
        prop_assert_eq!(&again, &render(&first, None));
    }
}

/// A permutation chosen by `seed` (Fisher–Yates over a linear congruential sequence).
fn shuffle<T>(mut items: Vec<T>, seed: u64) -> Vec<T> {
    let mut state = seed | 1;
    for i in (1..items.len()).rev() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        items.swap(i, (state >> 33) as usize % (i + 1));
    }
    items
}

/// A valid package as the ResourceList text a host writes.
fn resource_list_text(items: Vec<Value>) -> String {
    yaml::to_yaml(&json!({
        "apiVersion": "config.kubernetes.io/v1",
        "kind": "ResourceList",
        "items": items,
    }))
}

/// One edit of a text: bytes replaced, inserted or removed, or a YAML token spliced in.
#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let token = prop_oneof![
        any::<Vec<u8>>(),
        proptest::sample::select(vec![
            "\n", ": ", "- ", "  ", "\t", "'", "\"", "{", "[", "&a ", "*a", "!!str ", "---\n",
            "${", "\u{feff}", "\u{85}", "\0", "\\",
        ])
        .prop_map(|t| t.as_bytes().to_vec()),
    ];
    let edit = prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Replace(at, b)),
        (any::<usize>(), token).prop_map(|(at, t)| Edit::Insert(at, t)),
        (any::<usize>(), 1usize..16).prop_map(|(at, n)| Edit::Remove(at, n)),
    ];
    proptest::collection::vec(edit, 1..4)
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = bytes.len().max(1);
        match e {
            Edit::Replace(at, b) if !bytes.is_empty() => bytes[at % len] = *b,
            Edit::Replace(..) => {}
            Edit::Insert(at, t) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, t.iter().copied());
            }
            Edit::Remove(at, n) => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn random_bytes_always_get_a_resource_list(bytes in any::<Vec<u8>>()) {
        stdin::check(&bytes);
    }

    #[test]
    fn random_text_always_gets_a_resource_list(text in "(apiVersion: |kind: |items:|- |  |ResourceList|config.kubernetes.io/v1|\n|[ -~]{0,8})*") {
        stdin::check(text.as_bytes());
    }
}

proptest! {
    #![proptest_config(cases(64))]

    #[test]
    fn mutated_resource_lists_always_get_a_resource_list(items in package(), edits in edits()) {
        let text = resource_list_text(items);
        stdin::check(&apply(text.into_bytes(), &edits));
    }
}
