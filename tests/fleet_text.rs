//! The binary keeps a fleet's generated objects as their text from the moment each is final
//! (`function::FLEET_INTENTS`, docs/performance.md); a library caller keeps them as values.
//! Both must write the same bytes, for a fresh fleet and for its next render.

mod common;

use std::fmt::Write;
use std::process::Command;

use common::process::run_with_stdin;
use vmstack::function::{self, FLEET_INTENTS, Layout};
use vmstack::krm::{Limits, ResourceList};

fn fleet(clusters: usize) -> String {
    let mut out = String::from("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n");
    for i in 0..clusters {
        let _ = write!(
            out,
            "- apiVersion: vmstack.dev/v1alpha1\n  kind: VictoriaMetricsStack\n  metadata:\n    \
             name: vm-{i}\n    namespace: observability\n    annotations:\n      \
             config.kubernetes.io/path: clusters/c{i}/vmstack.yaml\n  spec:\n    role: agent\n    \
             directory: stack\n    cluster: ${{CLUSTER}}\n    remoteWrite:\n      \
             url: ${{GLOBAL_VM_INSERT_ENDPOINT}}\n    flux:\n      path: ./clusters/c{i}\n      \
             substituteFrom: [settings-{i}]\n\
             - apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: settings-{i}\n    \
             namespace: flux-system\n    annotations:\n      \
             config.kubernetes.io/path: clusters/c{i}/settings.yaml\n      \
             config.kubernetes.io/local-config: \"true\"\n  data:\n    CLUSTER: c{i}\n    \
             GLOBAL_VM_INSERT_ENDPOINT: http://vminsert.example:8480\n"
        );
    }
    out
}

fn by_value(input: &str) -> String {
    let list = ResourceList::read(input.as_bytes().to_vec(), &Limits::default()).unwrap();
    function::process_items(list, Layout::Files).to_yaml()
}

fn by_binary(input: &str) -> String {
    let out = run_with_stdin(
        &mut Command::new(env!("CARGO_BIN_EXE_vmstack")),
        input.as_bytes(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_fleet_written_from_text_is_the_bytes_its_values_write() {
    let input = fleet(FLEET_INTENTS + 2);
    let first = by_binary(&input);
    assert!(
        first.matches("kind: HelmRelease").count() >= FLEET_INTENTS,
        "every intent expanded"
    );
    assert!(
        first == by_value(&input),
        "the fleet's first render differs"
    );
    let again = by_binary(&first);
    assert!(again == by_value(&first), "the fleet's next render differs");
    assert!(again == first, "a second render changes the output");
}
