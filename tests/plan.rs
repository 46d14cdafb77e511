//! `vmstack plan` as a library: the table and the `--suggest` fragments of the examples and of
//! the plan fixtures, as golden snapshots, and the figures in them checked against the formula.

use serde_json::json;
use vmstack::function::is_intent;
use vmstack::plan;

fn items(paths: &[&str]) -> Vec<serde_json::Value> {
    // Paths as a user in the repository types them (tests run there).
    let paths: Vec<std::path::PathBuf> = paths.iter().map(std::path::PathBuf::from).collect();
    let (items, problems) = vmstack::cli::read_all(&paths, &[], &mut || Ok(Vec::new()));
    assert!(problems.is_empty(), "{problems:?}");
    items
}

#[test]
fn the_seed_examples() {
    let items = items(&["examples/seed"]);
    let plan = plan::plan(&items);
    assert!(plan.fits(), "{}", plan.table());
    insta::assert_snapshot!("seed_table", plan.table());
    insta::assert_snapshot!("seed_suggest", plan.suggest());
}

#[test]
fn the_seed_with_a_million_samples_per_second() {
    let mut items = items(&["examples/seed"]);
    for i in items.iter_mut().filter(|i| is_intent(i)) {
        if i["spec"]["role"] == "global" {
            i["spec"]["capacity"] = json!({"ingestionRate": 1000000});
        }
    }
    let plan = plan::plan(&items);
    assert!(!plan.fits());
    let table = plan.table();
    for part in [
        "TOO SMALL",
        "needed 2.44 TiB, configured 50 GiB (vmstorage.size 50Gi from ${VM_STORAGE_SIZE})",
        "20,044 samples/s",
        "18.6 hours at the declared rate",
    ] {
        assert!(table.contains(part), "{part:?} not in\n{table}");
    }
    let suggest = plan.suggest();
    assert!(suggest.contains("size: 2495Gi"), "{suggest}");
    insta::assert_snapshot!("seed_million_table", table);
    insta::assert_snapshot!("seed_million_suggest", suggest);

    // The suggested size, put in the intent, holds the load.
    let fragment = &vmstack::krm::yaml::parse_documents(&suggest).unwrap()[0];
    let size = fragment["spec"]["vmstorage"]["size"].clone();
    for i in items.iter_mut().filter(|i| is_intent(i)) {
        if i["spec"]["role"] == "global" {
            i["spec"]["vmstorage"]["size"] = size.clone();
        }
    }
    let resized = plan::plan(&items);
    assert!(resized.fits(), "{}", resized.table());
    assert!(resized.table().contains("status          fits"));
}

#[test]
fn the_clustermesh_and_kustomize_examples() {
    insta::assert_snapshot!(
        "clustermesh_table",
        plan::table(&items(&["examples/clustermesh"]))
    );
    insta::assert_snapshot!(
        "kustomize_table",
        plan::table(&items(&["examples/kustomize"]))
    );
}

#[test]
fn agents_add_their_load_to_the_global_they_write_to() {
    let items = items(&["tests/fixtures/plan/mesh"]);
    let plan = plan::plan(&items);
    let table = plan.table();
    // 2,000 + 12,000 + 6,000; 90d + 30d cycle, RF 2, 3 × 200Gi.
    assert!(
        table.contains("20,000 samples/s (2,000 here, 12,000 from apps-1, 6,000 from apps-2)"),
        "{table}"
    );
    insta::assert_snapshot!("mesh_table", table);
    insta::assert_snapshot!("mesh_suggest", plan.suggest());
}

#[test]
fn every_example_at_once_counts_no_agent_twice() {
    // Two of the examples' global stacks have the same release and namespace (they are two
    // different infra clusters): an agent that writes to that name is counted for neither.
    let table = plan::table(&items(&["examples"]));
    assert!(
        table.contains("global intents of the input create"),
        "{table}"
    );
    insta::assert_snapshot!("all_examples_table", table);
}

#[test]
fn the_plan_subcommand_prints_the_table_and_fails_when_a_stack_is_too_small() {
    let bin = env!("CARGO_BIN_EXE_vmstack");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new(bin)
        .args(["plan", "examples/seed"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert_eq!(table, plan::plan(&items(&["examples/seed"])).table());

    let dir = tempfile::tempdir().unwrap();
    let mut intent: serde_json::Value = vmstack::krm::yaml::parse_document(
        &std::fs::read_to_string(root.join("examples/seed/infra/vmstack.yaml")).unwrap(),
    )
    .unwrap();
    intent["spec"]["capacity"] = json!({"ingestionRate": 1000000});
    std::fs::write(
        dir.path().join("vmstack.yaml"),
        vmstack::krm::yaml::to_yaml(&intent),
    )
    .unwrap();
    std::fs::copy(
        root.join("examples/seed/infra/cluster-settings.yaml"),
        dir.path().join("cluster-settings.yaml"),
    )
    .unwrap();
    let out = std::process::Command::new(bin)
        .arg("plan")
        .arg("--suggest")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "too small: exit 1");
    let suggest = String::from_utf8(out.stdout).unwrap();
    assert!(suggest.contains("size:"), "{suggest}");

    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "a: [").unwrap();
    let out = std::process::Command::new(bin)
        .arg("plan")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.yaml"));
}
