//! The inputs of the benchmarks, written as kpt writes a ResourceList (block style, items at
//! column 0, kpt's path/index/id annotations quoted), so that every run measures what a host
//! really sends.

use std::fmt::Write;

const HEADER: &str = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n";
const EMPTY_CONFIG: &str = "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: function-input\n  data: {}\n";

fn annotations(out: &mut String, path: &str, id: usize, extra: &str) {
    let _ = write!(
        out,
        "    annotations:\n{extra}      config.kubernetes.io/index: '0'\n      config.kubernetes.io/path: '{path}'\n      internal.config.kubernetes.io/index: '0'\n      internal.config.kubernetes.io/path: '{path}'\n      internal.config.kubernetes.io/seqindent: 'compact'\n      internal.config.kubernetes.io/id: '{id}'\n      config.k8s.io/id: '{id}'\n"
    );
}

/// An ordinary ConfigMap of about 1.15 kB, as a team keeps beside its services.
fn config_map(out: &mut String, i: usize, id: usize, path: &str) {
    let team = i / 50;
    let _ = write!(
        out,
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: settings-{i}\n    namespace: team-{team}\n    labels:\n      app.kubernetes.io/name: service-{i}\n      app.kubernetes.io/part-of: platform\n"
    );
    annotations(out, path, id, "");
    let _ = write!(
        out,
        "  data:\n    LOG_LEVEL: info\n    REPLICAS: \"3\"\n    TIMEOUT: '30s'\n    ENDPOINT: \"http://service-{i}.team-{team}.svc.cluster.local:8080\"\n    FEATURE_FLAGS: \"alpha,beta\"\n    ENABLED: \"true\"\n    CACHE_SIZE: 512Mi\n    RETRIES: \"5\"\n    REGION: eu-west-1\n    ZONE: eu-west-1a\n    SERVICE_ACCOUNT: service-{i}-runner\n    DATABASE_URL: \"postgres://service-{i}@db.team-{team}.svc:5432/service\"\n    config.json: |\n      {{\"service\": \"service-{i}\", \"port\": 8080, \"debug\": false,\n       \"upstreams\": [\"a\", \"b\", \"c\"]}}\n    greeting: Hello, world\n"
    );
}

/// `n` unrelated ConfigMaps: nothing for vmstack to do but echo them.
pub fn pass_through(n: usize) -> String {
    let mut out = String::with_capacity(n * 1200 + 200);
    out.push_str(HEADER);
    for i in 0..n {
        config_map(
            &mut out,
            i,
            i + 1,
            &format!("apps/team-{}/cm-{i}.yaml", i / 50),
        );
    }
    out.push_str(EMPTY_CONFIG);
    out
}

/// A fleet of `n` clusters in one package: one global intent and `n - 1` agents writing to
/// it, each cluster with its settings ConfigMap and 5 other items.
pub fn fleet(n: usize) -> String {
    let mut out = String::with_capacity(n * 4000 + 200);
    out.push_str(HEADER);
    let mut id = 0;
    let local = "      config.kubernetes.io/local-config: \"true\"\n";
    for i in 0..n {
        let cluster = format!("cluster-{i}");
        let dir = format!("clusters/{cluster}");
        id += 1;
        if i == 0 {
            out.push_str("- apiVersion: vmstack.dev/v1alpha1\n  kind: VictoriaMetricsStack\n  metadata:\n    name: vm-global\n    namespace: observability\n");
            annotations(&mut out, &format!("{dir}/vmstack.yaml"), id, local);
            let _ = write!(
                out,
                "  spec:\n    role: global\n    directory: stack\n    retention: ${{VM_RETENTION_PERIOD}}\n    storageClass: ${{BLOCK_SC}}\n    replicationFactor: 2\n    vmstorage:\n      replicas: 3\n      size: ${{VM_STORAGE_SIZE}}\n    grafana:\n      adminCredentials:\n        store: onepassword\n        key: ${{OBSERVABILITY_GRAFANA_SECRET_PATH}}\n        secretName: grafana-admin\n    flux:\n      path: ./kubernetes/{cluster}/observability\n      substituteFrom: [settings-{cluster}]\n"
            );
        } else {
            let _ = write!(
                out,
                "- apiVersion: vmstack.dev/v1alpha1\n  kind: VictoriaMetricsStack\n  metadata:\n    name: vm-{cluster}\n    namespace: observability\n"
            );
            annotations(&mut out, &format!("{dir}/vmstack.yaml"), id, local);
            let _ = write!(
                out,
                "  spec:\n    role: agent\n    directory: stack\n    cluster: ${{CLUSTER}}\n    remoteWrite:\n      url: ${{GLOBAL_VM_INSERT_ENDPOINT}}\n    scrape:\n      cilium: true\n    flux:\n      path: ./kubernetes/{cluster}/observability\n      substituteFrom: [settings-{cluster}]\n"
            );
        }
        id += 1;
        let _ = write!(
            out,
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: settings-{cluster}\n    namespace: flux-system\n"
        );
        annotations(&mut out, &format!("{dir}/settings.yaml"), id, local);
        let _ = write!(
            out,
            "  data:\n    CLUSTER: {cluster}\n    GLOBAL_VM_INSERT_ENDPOINT: \"http://vminsert-vm-global.observability.svc.cluster.local:8480\"\n    VM_RETENTION_PERIOD: \"30d\"\n    VM_STORAGE_SIZE: \"50Gi\"\n    BLOCK_SC: \"ceph-block\"\n    OBSERVABILITY_GRAFANA_SECRET_PATH: \"kubernetes/{cluster}/grafana-admin\"\n"
        );
        for k in 0..5 {
            id += 1;
            config_map(&mut out, i * 5 + k, id, &format!("{dir}/apps/app-{k}.yaml"));
        }
    }
    out.push_str(EMPTY_CONFIG);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use vmstack::function::{self, Layout};
    use vmstack::krm::ResourceList;

    #[test]
    fn the_inputs_are_what_they_say() {
        let list = ResourceList::parse(&pass_through(3)).unwrap();
        assert_eq!(list.items.len(), 3);
        assert!(list.items.iter().all(|i| i.text().is_some()));
        let fleet = ResourceList::parse(&fleet(3)).unwrap();
        assert_eq!(fleet.items.len(), 3 * 7);
        let out = function::process_items(fleet, Layout::Files);
        assert!(!out.has_errors(), "{:?}", out.results);
        assert!(out.items.len() > 3 * 7 + 3 * 10);
    }
}
