//! The output is the same bytes whatever the number of threads (`VMSTACK_THREADS`,
//! docs/performance.md): a package large enough that every parallel step runs (the input is
//! scanned in pieces, which takes 4 MiB of other items, intents are expanded and checked side by
//! side, items are written in batches), rendered with one, two and three threads, then rendered
//! again from its own output.

mod common;

use std::fmt::Write;
use std::process::{Command, Output};

use common::process::run_with_stdin;

fn package(clusters: usize, broken: Option<usize>) -> String {
    let mut out = String::from("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n");
    for i in 0..clusters {
        let url = if broken == Some(i) {
            "ftp://nowhere"
        } else {
            "${GLOBAL_VM_INSERT_ENDPOINT}"
        };
        let _ = write!(
            out,
            "- apiVersion: vmstack.dev/v1alpha1\n  kind: VictoriaMetricsStack\n  metadata:\n    \
             name: vm-{i}\n    namespace: observability\n    annotations:\n      \
             config.kubernetes.io/path: clusters/c{i}/vmstack.yaml\n  spec:\n    role: agent\n    \
             directory: stack\n    cluster: ${{CLUSTER}}\n    remoteWrite:\n      url: {url}\n    \
             flux:\n      path: ./clusters/c{i}\n      substituteFrom: [settings-{i}]\n\
             - apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: settings-{i}\n    \
             namespace: flux-system\n    annotations:\n      \
             config.kubernetes.io/path: clusters/c{i}/settings.yaml\n      \
             config.kubernetes.io/local-config: \"true\"\n  data:\n    CLUSTER: c{i}\n    \
             GLOBAL_VM_INSERT_ENDPOINT: http://vminsert.example:8480\n\
             - apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: other-{i}\n    \
             annotations:\n      config.kubernetes.io/path: clusters/c{i}/other.yaml\n  data:\n    \
             note: |\n      - not an item\n      items:\n"
        );
    }
    // Other items, large enough for the scan to read the input in pieces (from 4 MiB).
    let line = format!("      {}\n", "x".repeat(100));
    for i in 0..5 {
        let _ = write!(
            out,
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: bulk-{i}\n  data:\n    \
             text: |\n{}",
            line.repeat(9_000)
        );
    }
    out
}

fn render(input: &[u8], threads: usize) -> Output {
    run_with_stdin(
        Command::new(env!("CARGO_BIN_EXE_vmstack")).env("VMSTACK_THREADS", threads.to_string()),
        input,
    )
}

/// The output of each thread count, which must all be the same.
fn same_for_every_thread_count(input: &[u8]) -> Output {
    let one = render(input, 1);
    for threads in [2, 3] {
        let other = render(input, threads);
        assert_eq!(other.status.code(), one.status.code(), "{threads} threads");
        assert!(
            other.stdout == one.stdout,
            "{threads} threads write other bytes than one thread"
        );
        assert_eq!(other.stderr, one.stderr, "{threads} threads");
    }
    one
}

#[test]
fn a_package_renders_to_the_same_bytes_on_any_number_of_threads() {
    let input = package(80, None);
    assert!(
        input.len() > 4 << 20,
        "large enough to be scanned in pieces"
    );
    let first = same_for_every_thread_count(input.as_bytes());
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // kpt sends the previous output back in: the same again, and nothing changes.
    let again = same_for_every_thread_count(&first.stdout);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        again.stdout == first.stdout,
        "a second render changes the output"
    );
}

#[test]
fn results_come_in_the_same_order_on_any_number_of_threads() {
    let input = package(40, Some(23));
    let out = same_for_every_thread_count(input.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("vm-23"), "{stderr}");
}
