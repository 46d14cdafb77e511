//! Each intent in `tests/fixtures/good/` shows one option; its whole output is a snapshot.

mod common;

use common::fixtures::{
    cases, check_each_case, of_kind, problems, render_good, render_intent, repo,
};
use serde_json::json;

#[test]
fn every_good_intent_renders_cleanly() {
    assert!(
        cases("good").len() >= 7,
        "the good-intent fixtures went missing"
    );
    check_each_case("good", |name, case| {
        let items = render_intent(&case.join("intent.yaml"));
        insta::assert_snapshot!(format!("good_{name}"), vmstack::function::to_stream(&items));
    });
}

#[test]
fn the_options_shown_by_the_fixtures_take_effect() {
    let render = render_good;
    let find = of_kind;

    let minimal = render("minimal-global");
    let oci = find(&minimal, "OCIRepository");
    assert_eq!(oci.len(), 1, "no sourceRef: vmstack owns the chart source");
    assert_eq!(
        oci[0]["spec"]["ref"]["tag"], "0.91.2",
        "0.91 is the default line"
    );
    let hr = &find(&minimal, "HelmRelease")[0];
    assert_eq!(hr["spec"]["chartRef"]["name"], "vm-chart");
    // On 0.91 by default vmstack brings its own rules and dashboards: the chart's sync Job,
    // which downloads unpinned content at deploy time, stays off.
    let values = &hr["spec"]["values"];
    assert_eq!(values["syncJob"], json!({"enabled": false}));
    assert_eq!(values["defaultRules"], json!({"enabled": false}));
    assert_eq!(values["defaultDashboards"]["enabled"], false);
    assert!(
        find(&minimal, "NetworkPolicy")
            .iter()
            .all(|p| p["metadata"]["name"] != "vm-sync-job"),
        "no Job, no policy for it"
    );
    // Grafana reads through vmauth: its data source is vmstack's own, and vmalert's alert links
    // name it (the chart would take item 0 of the emptied list).
    assert_eq!(
        values["defaultDatasources"]["victoriametrics"]["datasources"],
        json!([])
    );
    let datasource = &values["defaultDatasources"]["extra"][0];
    assert_eq!(datasource["name"], "VictoriaMetrics");
    assert_eq!(
        datasource["url"],
        "http://vmauth-vm.monitoring.svc.cluster.local:8427/select/0/prometheus"
    );
    assert_eq!(datasource["basicAuthUser"], "grafana");
    assert_eq!(
        values["grafana"]["envValueFrom"]["VMSTACK_VMAUTH_PASSWORD"]["secretKeyRef"],
        json!({"name": "vmuser-vm-grafana", "key": "password"}),
        "the password the operator generated for Grafana's VMUser"
    );
    assert!(
        values["vmalert"]["spec"]["extraArgs"]["external.alert.source"]
            .as_str()
            .unwrap()
            .contains(r#""datasource":"VictoriaMetrics""#)
    );
    let direct = render("global-without-vmauth");
    let values = &find(&direct, "HelmRelease")[0]["spec"]["values"];
    assert_eq!(
        values["defaultDatasources"]["victoriametrics"]["datasources"][0]["name"],
        "VictoriaMetrics",
        "without vmauth, vmalert's alert links name item 0"
    );
    assert!(values["defaultDatasources"].get("extra").is_none());
    assert_eq!(
        hr["spec"]["values"]["vmauth"]["spec"]["unauthorizedUserAccessSpec"],
        json!({"disabled": true})
    );

    let anonymous = render("global-anonymous-read");
    let hr = &find(&anonymous, "HelmRelease")[0];
    let url_map = &hr["spec"]["values"]["vmauth"]["spec"]["unauthorizedUserAccessSpec"]["url_map"];
    assert_eq!(
        url_map[0]["src_paths"],
        json!(["/select/.*"]),
        "only reads are opened"
    );
    assert!(
        find(&anonymous, "ExternalSecret").is_empty(),
        "no adminCredentials, no ExternalSecret"
    );
    let vmauth_policy = find(&anonymous, "NetworkPolicy")
        .into_iter()
        .find(|p| p["metadata"]["name"] == "vm-global-vmauth")
        .unwrap();
    assert_eq!(
        vmauth_policy["spec"]["ingress"][0]["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
        "ingress-nginx"
    );

    let helm_repo = render("global-chart-0-91-helm-repository");
    let hr = &find(&helm_repo, "HelmRelease")[0];
    assert_eq!(hr["spec"]["chart"]["spec"]["version"], "0.91.2");
    assert!(hr["spec"].get("chartRef").is_none());
    // 0.91 switches rule groups with `enabled`, 0.61 with `create`.
    assert_eq!(
        hr["spec"]["values"]["defaultRules"]["groups"]["etcd"]["enabled"],
        false
    );
    assert!(hr["spec"]["values"]["defaultRules"].get("create").is_none());
    // The chart's own rules and dashboards on 0.91: its sync Job runs unprivileged, and a
    // NetworkPolicy lets it reach the API server and HTTPS sources.
    let job = &hr["spec"]["values"]["syncJob"];
    assert_eq!(job["enabled"], true);
    assert_eq!(job["podSecurityContext"]["runAsNonRoot"], true);
    assert_eq!(hr["spec"]["values"]["defaultDashboards"]["enabled"], true);
    let sync_policy = find(&helm_repo, "NetworkPolicy")
        .into_iter()
        .find(|p| p["metadata"]["name"] == "vm-global-sync-job")
        .expect("a policy for the sync Job");
    assert_eq!(
        sync_policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/component"],
        "syncJob"
    );
    assert_eq!(sync_policy["spec"]["policyTypes"], json!(["Egress"]));
    assert_eq!(
        hr["spec"]["values"]["alertmanager"]["spec"]["externalURL"],
        "https://alerts.example.com"
    );
    assert_eq!(
        hr["spec"]["values"]["alertmanager"]["spec"]["replicaCount"], 3,
        "values merge, not replace"
    );
    assert_eq!(
        hr["spec"]["values"]["vmagent"]["spec"]["externalLabels"]["cluster"],
        "infra"
    );

    let ha = render("global-grafana-ha");
    let grafana = &find(&ha, "HelmRelease")[0]["spec"]["values"]["grafana"];
    assert_eq!(grafana["replicas"], 2);
    assert_eq!(grafana["persistence"]["enabled"], false);

    let tuned = render("agent-tuned-no-policies");
    assert!(find(&tuned, "NetworkPolicy").is_empty());
    assert_eq!(
        find(&tuned, "VMPodScrape").len(),
        2,
        "Cilium agent and operator"
    );
    let values = &find(&tuned, "HelmRelease")[0]["spec"]["values"];
    assert_eq!(
        values["vmagent"]["additionalRemoteWrites"][0]["url"],
        "http://vminsert-vm-global.observability.svc.cluster.local:8480/insert/42/prometheus/api/v1/write"
    );
    assert_eq!(
        values["vmagent"]["additionalRemoteWrites"][0]["maxDiskUsage"],
        "2Gi"
    );
    assert_eq!(
        values["vmagent"]["spec"]["remoteWriteSettings"],
        json!({"queues": 4, "flushInterval": "2s"})
    );
    assert_eq!(
        values["vmagent"]["spec"]["extraArgs"]["remoteWrite.maxRowsPerBlock"],
        "10000"
    );
    let ks = &find(&tuned, "Kustomization")[0];
    assert_eq!(
        ks["spec"]["dependsOn"],
        json!([{"name": "cilium", "namespace": "kube-system"}])
    );
    assert_eq!(
        ks["spec"]["postBuild"]["substituteFrom"][1],
        json!({"kind": "Secret", "name": "cluster-secrets", "optional": true})
    );

    let priority = render("global-priority-class");
    let values = &find(&priority, "HelmRelease")[0]["spec"]["values"];
    let spec = &values["vmcluster"]["spec"];
    assert_eq!(
        spec["vmstorage"]["priorityClassName"],
        "monitoring-critical"
    );
    assert!(
        spec["vmselect"].get("priorityClassName").is_none(),
        "only where asked"
    );
    assert_eq!(
        values["vmalert"]["spec"]["priorityClassName"],
        "monitoring-critical"
    );
    assert_eq!(
        values["alertmanager"]["spec"]["priorityClassName"],
        "${ALERTING_PRIORITY_CLASS}"
    );

    let lean = render("global-lean");
    assert!(find(&lean, "VMRule").is_empty());
    assert!(
        lean.iter()
            .all(|i| i["apiVersion"] != "kustomize.toolkit.fluxcd.io/v1"),
        "flux disabled"
    );
    let pdbs: Vec<String> = find(&lean, "PodDisruptionBudget")
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        pdbs,
        ["vmalert-lean", "vmalertmanager-lean"],
        "single replicas get no PDB"
    );
    let hr = &find(&lean, "HelmRelease")[0]["spec"]["values"];
    assert_eq!(hr["grafana"], json!({"enabled": false}));
    assert_eq!(hr["vmauth"]["enabled"], false);
}

#[test]
fn the_networking_fixtures_take_effect() {
    let render = render_good;

    let agent = render("agent-clusterset");
    assert!(
        of_kind(&agent, "Service").is_empty(),
        "the MCS-API needs no stub"
    );
    assert_eq!(
        of_kind(&agent, "HelmRelease")[0]["spec"]["values"]["vmagent"]["additionalRemoteWrites"][0]
            ["url"],
        "http://vminsert-vm-global.metrics.svc.clusterset.local:8480/insert/0/prometheus/api/v1/write"
    );

    let global = render("global-clusterset");
    let export = &of_kind(&global, "ServiceExport")[0];
    assert_eq!(export["metadata"]["name"], "vminsert-vm-global");
    let values = &of_kind(&global, "HelmRelease")[0]["spec"]["values"];
    assert!(
        values["vmcluster"]["spec"]["vminsert"]
            .get("serviceSpec")
            .is_none(),
        "an exported Service needs no global annotation"
    );
    let cnp = &of_kind(&global, "CiliumNetworkPolicy")[0];
    assert_eq!(
        cnp["spec"]["ingress"][0]["fromEndpoints"][0]["matchLabels"]["k8s:io.kubernetes.pod.namespace"],
        "monitoring"
    );

    let receivers = render("global-remote-write-from-clusters");
    let alertmanager = of_kind(&receivers, "NetworkPolicy")
        .into_iter()
        .find(|p| p["metadata"]["name"] == "vm-global-vmalertmanager")
        .unwrap();
    let egress = alertmanager["spec"]["egress"].as_array().unwrap();
    assert!(egress.contains(&json!({
        "to": [{"ipBlock": {"cidr": "10.20.0.0/16"}}],
        "ports": [{"protocol": "TCP", "port": 587}],
    })));
    assert!(egress.contains(&json!({"ports": [{"protocol": "TCP", "port": 443}]})));

    let mut without_policies = common::fixtures::read_yaml(&repo(
        "tests/fixtures/good/global-remote-write-from-clusters/intent.yaml",
    ));
    without_policies["spec"]["networkPolicies"] = json!({"enabled": false});
    let out = vmstack::function::process(
        vmstack::krm::ResourceList::new(Vec::new(), Some(without_policies)),
        vmstack::function::Layout::Files,
    );
    assert!(problems(&out.results).is_empty());
    assert!(
        of_kind(&out.items, "CiliumNetworkPolicy").is_empty(),
        "networkPolicies.enabled: false switches the Cilium policy off too"
    );
}

#[test]
fn the_clustermesh_example_renders_what_cilium_needs() {
    let find = of_kind;
    let infra = render_intent(&repo("examples/clustermesh/infra/vmstack.yaml"));
    let apps = render_intent(&repo("examples/clustermesh/apps/vmstack.yaml"));

    // Agent side: the stub of the global vminsert Service, and the URL of its local name.
    let stub = &find(&apps, "Service")[0];
    assert_eq!(stub["metadata"]["name"], "vminsert-victoria-metrics-global");
    assert_eq!(stub["metadata"]["namespace"], "observability");
    assert_eq!(
        stub["metadata"]["annotations"]["service.cilium.io/global"],
        "true"
    );
    assert!(
        stub["spec"].get("selector").is_none(),
        "a stub has no selector"
    );
    assert_eq!(stub["spec"]["ports"][0]["port"], 8480);
    let values = &find(&apps, "HelmRelease")[0]["spec"]["values"];
    assert_eq!(
        values["vmagent"]["additionalRemoteWrites"][0]["url"],
        "http://vminsert-victoria-metrics-global.observability.svc.cluster.local:8480/insert/0/prometheus/api/v1/write"
    );

    // Global side: the same annotation on the operator's own vminsert Service, and the policy
    // that names the agent clusters.
    let values = &find(&infra, "HelmRelease")[0]["spec"]["values"];
    let service = &values["vmcluster"]["spec"]["vminsert"]["serviceSpec"];
    assert_eq!(service["useAsDefault"], true);
    assert_eq!(
        service["metadata"]["annotations"]["service.cilium.io/global"],
        "true"
    );
    let cnp = &find(&infra, "CiliumNetworkPolicy")[0];
    let clusters: Vec<&str> = cnp["spec"]["ingress"][0]["fromEndpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["matchLabels"]["io.cilium.k8s.policy.cluster"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(clusters, ["apps-1", "apps-2"]);
    assert_eq!(
        cnp["spec"]["endpointSelector"]["matchLabels"]["app.kubernetes.io/name"],
        "vminsert"
    );
    assert!(
        find(&infra, "ServiceExport").is_empty(),
        "a global Service needs no export"
    );
}

#[test]
fn the_dashboard_reads_the_provisioned_data_source_and_survives_flux() {
    let items = render_good("minimal-global");
    let cm = of_kind(&items, "ConfigMap")
        .into_iter()
        .find(|c| c["metadata"]["name"] == "vm-vmstack-dashboard")
        .expect("a dashboard while Grafana runs");
    assert_eq!(
        cm["metadata"]["annotations"]["kustomize.toolkit.fluxcd.io/substitute"], "disabled",
        "Grafana's $variables must not meet Flux's substitution"
    );
    let dashboard: serde_json::Value =
        serde_json::from_str(cm["data"]["vmstack-overview.json"].as_str().unwrap()).unwrap();
    let values = &of_kind(&items, "HelmRelease")[0]["spec"]["values"];
    // Through vmauth (the default), the data source is vmstack's own, in the chart's extra list.
    let uid = &values["defaultDatasources"]["extra"][0]["uid"];
    assert_eq!(uid, "VictoriaMetrics");
    for panel in dashboard["panels"].as_array().unwrap() {
        if panel["type"] != "row" {
            assert_eq!(&panel["datasource"]["uid"], uid, "{}", panel["title"]);
        }
    }
    assert!(dashboard["uid"].as_str().unwrap().len() <= 40);

    let lean = render_good("global-lean");
    assert!(
        of_kind(&lean, "ConfigMap")
            .iter()
            .all(|c| c["metadata"]["labels"].get("grafana_dashboard").is_none()),
        "no Grafana, no dashboard"
    );
}

#[test]
fn the_vmauth_fixtures_take_effect() {
    let find = of_kind;
    let global = render_good("global-vmauth");
    let user = |name: &str| {
        find(&global, "VMUser")
            .into_iter()
            .find(|u| u["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("no VMUser {name}"))
    };
    // An agent writes its own tenant's remote-write path, to the operator's vminsert, with the
    // password of the Secret its ExternalSecret builds; the operator keeps no copy.
    let apps = user("vm-global-agent-apps");
    assert_eq!(
        apps["spec"]["username"], "apps",
        "the cluster name by default"
    );
    assert_eq!(
        apps["spec"]["passwordRef"],
        json!({"name": "vm-global-agent-apps", "key": "password"})
    );
    assert_eq!(apps["spec"]["disable_secret_creation"], true);
    assert_eq!(
        apps["spec"]["targetRefs"],
        json!([{
            "crd": {"kind": "VMCluster/vminsert", "name": "vm-global", "namespace": "observability"},
            "paths": ["/insert/1(:0)?/prometheus/api/v1/write"],
        }])
    );
    let edge = user("vm-global-agent-edge-1");
    assert_eq!(
        edge["spec"]["tokenRef"],
        json!({"name": "vm-global-agent-edge-1", "key": "token"})
    );
    assert!(
        edge["spec"].get("username").is_none(),
        "a token names no user"
    );
    let edge_secret = find(&global, "ExternalSecret")
        .into_iter()
        .find(|e| e["metadata"]["name"] == "vm-global-agent-edge-1")
        .unwrap();
    assert_eq!(
        edge_secret["spec"]["secretStoreRef"],
        json!({"kind": "SecretStore", "name": "edge-vault"})
    );
    assert_eq!(
        edge_secret["spec"]["data"],
        json!([{"secretKey": "token", "remoteRef": {"key": "observability/vmauth/edge-1", "property": "token"}}])
    );
    // The store of the Grafana admin is the default.
    let apps_secret = find(&global, "ExternalSecret")
        .into_iter()
        .find(|e| e["metadata"]["name"] == "vm-global-agent-apps")
        .unwrap();
    assert_eq!(apps_secret["spec"]["secretStoreRef"]["name"], "vault");
    // Readers read, writers write, each in its tenant; a generated password has no Secret of
    // ours, and the operator's keeps it.
    let reader = user("vm-global-user-ci-reader");
    assert_eq!(
        reader["spec"]["targetRefs"][0]["crd"]["kind"],
        "VMCluster/vmselect"
    );
    assert_eq!(
        reader["spec"]["targetRefs"][0]["paths"],
        json!(["/select/multitenant/.*"])
    );
    let writer = user("vm-global-user-otel-collector");
    assert_eq!(writer["spec"]["generatePassword"], true);
    assert!(writer["spec"].get("disable_secret_creation").is_none());
    assert_eq!(
        writer["spec"]["targetRefs"][0]["paths"],
        json!(["/insert/3(:0)?/.*"])
    );
    assert!(
        find(&global, "ExternalSecret")
            .iter()
            .all(|e| e["metadata"]["name"] != "vm-global-user-otel-collector")
    );
    assert_eq!(
        find(&global, "VMUser").len(),
        5,
        "Grafana, apps, edge-1 and the two users: legacy has no credentials"
    );
    // Writers use several tenants: the query side reads them all.
    let grafana = user("vm-global-grafana");
    assert_eq!(
        grafana["spec"]["targetRefs"][0]["paths"],
        json!(["/select/multitenant/prometheus/.*"])
    );
    let values = &find(&global, "HelmRelease")[0]["spec"]["values"];
    let vmalert = &values["vmalert"]["spec"];
    assert_eq!(
        vmalert["datasource"]["url"],
        "http://vmselect-vm-global.observability.svc.cluster.local:8481/select/multitenant/prometheus"
    );
    assert_eq!(
        vmalert["remoteWrite"]["url"],
        "http://vminsert-vm-global.observability.svc.cluster.local:8480/insert/multitenant/prometheus/api/v1/write",
        "results go back to the tenant of their vm_account_id label"
    );
    let vmauth = &values["vmauth"]["spec"];
    assert_eq!(
        vmauth["userSelector"],
        json!({"matchLabels": {"app.kubernetes.io/part-of": "vm-global"}})
    );
    assert_eq!(
        vmauth["ingress"],
        json!({
            "class_name": "nginx",
            "tlsHosts": ["metrics.infra.example.com"],
            "tlsSecretName": "metrics-infra-tls",
            "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt"},
        })
    );
    let policy = find(&global, "NetworkPolicy")
        .into_iter()
        .find(|p| p["metadata"]["name"] == "vm-global-vmauth")
        .unwrap();
    assert!(
        policy["spec"]["ingress"]
            .as_array()
            .unwrap()
            .contains(&json!({
                "from": [{"ipBlock": {"cidr": "198.51.100.0/24"}}],
                "ports": [{"protocol": "TCP", "port": 8427}],
            }))
    );
    // Flux waits for every credential and every VMUser.
    let ks = &find(&global, "Kustomization")
        .into_iter()
        .find(|k| k["apiVersion"] == "kustomize.toolkit.fluxcd.io/v1")
        .unwrap();
    let checks = ks["spec"]["healthChecks"].as_array().unwrap();
    for (kind, name) in [
        ("ExternalSecret", "vm-global-agent-apps"),
        ("ExternalSecret", "vm-global-grafana-admin"),
        ("VMUser", "vm-global-grafana"),
        ("VMUser", "vm-global-user-otel-collector"),
    ] {
        assert!(
            checks
                .iter()
                .any(|c| c["kind"] == kind && c["name"] == name),
            "no health check of {kind} {name}"
        );
    }
    assert!(
        ks["spec"]["healthCheckExprs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "VMUser")
    );

    // Across the mesh through vmauth: vmauth's Service is exported, the Cilium policy admits the
    // clusters to vmauth, and vminsert is not exposed.
    let mesh = render_good("global-vmauth-clusterset");
    assert_eq!(
        find(&mesh, "ServiceExport")[0]["metadata"]["name"],
        "vmauth-vm-global"
    );
    let cnp = &find(&mesh, "CiliumNetworkPolicy")[0];
    assert_eq!(cnp["metadata"]["name"], "vm-global-vmauth-remote-write");
    assert_eq!(
        cnp["spec"]["endpointSelector"]["matchLabels"]["app.kubernetes.io/name"],
        "vmauth"
    );
    assert_eq!(
        cnp["spec"]["ingress"][0]["toPorts"][0]["ports"][0]["port"],
        "8427"
    );

    // The agent side of it: a stub of vmauth's Service, and the token of an existing Secret.
    let agent = render_good("agent-vmauth-global-service");
    let stub = &find(&agent, "Service")[0];
    assert_eq!(stub["metadata"]["name"], "vmauth-vm-global");
    assert_eq!(stub["spec"]["ports"][0]["port"], 8427);
    let write =
        &find(&agent, "HelmRelease")[0]["spec"]["values"]["vmagent"]["additionalRemoteWrites"][0];
    assert_eq!(
        write["url"],
        "http://vmauth-vm-global.observability.svc.cluster.local:8427/insert/1/prometheus/api/v1/write"
    );
    assert_eq!(
        write["bearerTokenSecret"],
        json!({"name": "vmauth-token", "key": "token"})
    );
    assert!(
        find(&agent, "ExternalSecret").is_empty(),
        "an existing Secret needs none"
    );

    // The example's agent: basic auth, the username written into the Secret's template beside
    // the password fetched from the store.
    let apps = render_intent(&repo("examples/vmauth/apps/vmstack.yaml"));
    let secret = &find(&apps, "ExternalSecret")[0];
    assert_eq!(
        secret["spec"]["target"]["template"]["data"],
        json!({"username": "apps", "password": "{{ .password }}"})
    );
    let write =
        &find(&apps, "HelmRelease")[0]["spec"]["values"]["vmagent"]["additionalRemoteWrites"][0];
    assert_eq!(
        write["url"],
        "https://metrics.infra.example.com/insert/1/prometheus/api/v1/write"
    );
    assert_eq!(
        write["basicAuth"],
        json!({
            "username": {"name": "victoria-metrics-remote-write-auth", "key": "username"},
            "password": {"name": "victoria-metrics-remote-write-auth", "key": "password"},
        })
    );
}
