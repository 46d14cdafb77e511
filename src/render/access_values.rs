//! The chart values that put vmauth in front of its clients: the VMAuth's user selector, Ingress
//! and mesh Service; Grafana's data source through vmauth, logging in with its VMUser's
//! generated password; and vmalert's alert links, which name that data source.

use serde_json::{Map, Value};

use crate::tree::tree;

use super::access::read_path;
use crate::intent::scalar::{ExtraArgs, ToJson};
use crate::intent::{GRAFANA_USERNAME, Global, Stack, grafana_user_name};
use crate::operator::{Component as C, Names, grafana, vmuser};

/// The environment variable of the Grafana container that holds its vmauth password. Grafana
/// expands `$NAME` in provisioning files; Flux leaves a bare `$NAME` alone.
pub const GRAFANA_PASSWORD_ENV: &str = "VMSTACK_VMAUTH_PASSWORD";

/// The label vmstack puts on every object it generates, and by which vmauth picks its VMUsers.
const PART_OF: &str = "app.kubernetes.io/part-of";

/// VMAuth spec fields: the VMUsers it serves (only vmstack's of this release, in its own
/// namespace: without a selector the operator gives it none, and `selectAllByDefault` would let
/// any namespace's VMUser in), its Ingress, and its Service as a global one of the mesh.
pub fn vmauth_spec(stack: &Stack, g: &Global, vmauth: &mut Map<String, Value>) {
    if !g.vmauth.enabled {
        return;
    }
    vmauth.insert(
        "userSelector".into(),
        tree!({"matchLabels": {PART_OF: stack.release.as_str()}}),
    );
    if let Some(i) = &g.vmauth.ingress {
        let mut ingress = Map::new();
        if let Some(class) = &i.class_name {
            ingress.insert("class_name".into(), class.to_json());
        }
        match &i.tls_secret_name {
            // The operator takes the rule's host from tlsHosts when they are set.
            Some(secret) => {
                ingress.insert("tlsHosts".into(), tree!([i.host.to_json()]));
                ingress.insert("tlsSecretName".into(), secret.to_json());
            }
            None => {
                ingress.insert("host".into(), i.host.to_json());
            }
        }
        if !i.annotations.is_empty() {
            ingress.insert("annotations".into(), super::labels_map(&i.annotations));
        }
        vmauth.insert("ingress".into(), Value::Object(ingress));
    }
    if let Some(service) = super::cross_cluster::vmauth_service_spec(stack) {
        vmauth.insert("serviceSpec".into(), service);
    }
}

/// Grafana's environment: its vmauth password, from the Secret the operator generated it into.
pub fn grafana_credentials(stack: &Stack, grafana: &mut Map<String, Value>) {
    grafana.insert(
        "envValueFrom".into(),
        tree!({GRAFANA_PASSWORD_ENV: {"secretKeyRef": {
            "name": vmuser::operator_secret(&grafana_user_name(&stack.release)),
            "key": vmuser::SECRET_PASSWORD_KEY,
        }}}),
    );
}

/// Grafana's one VictoriaMetrics data source, through vmauth. The chart points the data
/// sources of `defaultDatasources.victoriametrics` at vmselect itself, so that list is emptied
/// and the data source is given whole in `defaultDatasources.extra`.
pub fn grafana_datasource(g: &Global, names: &Names, values: &mut Value) {
    let url = format!(
        "{}{}",
        names.service_url(C::VmAuth),
        read_path(&g.read_tenant())
    );
    values["defaultDatasources"]["victoriametrics"]["datasources"] = tree!([]);
    values["defaultDatasources"]["extra"] = tree!([{
        "name": grafana::DATASOURCE_NAME,
        "type": "prometheus",
        "access": "proxy",
        "uid": grafana::DATASOURCE_UID,
        "isDefault": true,
        "url": url,
        "basicAuth": true,
        "basicAuthUser": GRAFANA_USERNAME,
        "secureJsonData": {"basicAuthPassword": format!("${GRAFANA_PASSWORD_ENV}")},
    }]);
}

/// vmalert's alert links to Grafana's Explore, naming the data source as the chart would (it
/// takes the name from `defaultDatasources.victoriametrics`, empty here). The chart passes
/// vmalert's spec through Helm's `tpl`, so vmalert's own template braces are escaped for it.
pub fn alert_source(args: &mut ExtraArgs) {
    let open = r#"{{"{{"}}"#;
    let close = r#"{{"}}"}}"#;
    let link = format!(
        r#"explore?left={{"datasource":"{ds}","queries":[{{"expr":{open} .Expr|jsonEscape|queryEscape {close},"refId":"A"}}],"range":{{"from":"{open} .ActiveAt.UnixMilli {close}","to":"now"}}}}"#,
        ds = grafana::DATASOURCE_NAME,
    );
    args.set_default("external.alert.source", &link);
}
