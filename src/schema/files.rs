//! The repository's files made from the schema, as they must read: the editor schema, the
//! function's catalog entries (function.yaml, a KRMFunctionDefinition; metadata.yaml, the kpt
//! catalog's), the field reference in docs/intent.md, and the `$schema` line of every example
//! intent. tests/intent_schema.rs compares them with the files and, with
//! `VMSTACK_UPDATE_GENERATED=1`, writes them.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::{annotated, intent_schema, intent_schema_text, reference};
use crate::intent::{API_VERSION, KIND};
use crate::krm::yaml;

/// The editor schema, at the repository's root.
pub const SCHEMA_FILE: &str = "vmstack.schema.json";

/// What the first line of an example intent says, before the path of [`SCHEMA_FILE`].
pub const SCHEMA_COMMENT: &str = "# yaml-language-server: $schema=";

const DESCRIPTION: &str = "Expands a VictoriaMetricsStack intent (role global or agent) into the \
    Flux HelmRelease of victoria-metrics-k8s-stack, ExternalSecret, NetworkPolicies, \
    PodDisruptionBudgets, VMRules, scrape objects and the Flux Kustomization. Generator: \
    replaces and prunes only the objects it generated (annotation vmstack.dev/owner).";

const HOME: &str = "https://vmstack.dev";
const IMAGE: &str = "vmstack";

/// The examples function.yaml names: a package per host.
const EXAMPLES: [&str; 3] = [
    "examples/seed/infra",
    "examples/seed/apps",
    "examples/kustomize",
];

/// The kpt packages among the examples, for the kpt catalog.
const KPT_PACKAGES: [&str; 6] = [
    "examples/seed/infra",
    "examples/seed/apps",
    "examples/clustermesh/infra",
    "examples/clustermesh/apps",
    "examples/vmauth/infra",
    "examples/vmauth/apps",
];

/// One generated file: its path below the repository and its whole text.
#[derive(Debug)]
pub struct Generated {
    pub path: PathBuf,
    pub text: String,
}

/// Every generated file, made from the schema and, for the docs and the examples, from the
/// files as they are under `root` (their hand-written text is kept).
pub fn generated(root: &Path) -> Result<Vec<Generated>, String> {
    let mut out = vec![
        Generated {
            path: SCHEMA_FILE.into(),
            text: intent_schema_text(),
        },
        Generated {
            path: "function.yaml".into(),
            text: function_definition(),
        },
        Generated {
            path: "metadata.yaml".into(),
            text: catalog_metadata(),
        },
    ];
    let docs = PathBuf::from("docs/intent.md");
    let text = read(&root.join(&docs))?;
    let filled = reference::fill(&text, &reference::blocks(&annotated()))
        .map_err(|e| format!("{}: {e}", docs.display()))?;
    out.push(Generated {
        path: docs,
        text: filled,
    });
    for intent in example_intents(root)? {
        let text = read(&root.join(&intent))?;
        out.push(Generated {
            text: with_schema_comment(&text, &schema_path_from(&intent)),
            path: intent,
        });
    }
    Ok(out)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// `function.yaml`: the KRMFunctionDefinition of the Kustomize function catalog (KEP 2906),
/// the intent's schema as its version's `openAPIV3Schema`.
pub fn function_definition() -> String {
    let definition = json!({
        "apiVersion": "config.kubernetes.io/v1alpha1",
        "kind": "KRMFunctionDefinition",
        "metadata": {"name": format!("victoriametricsstacks.{}", group())},
        "spec": {
            "group": group(),
            "names": {"kind": KIND},
            "description": DESCRIPTION,
            "publisher": "vmstack",
            "home": HOME,
            "tags": ["generator"],
            "versions": [{
                "name": version(),
                "schema": {"openAPIV3Schema": intent_schema()},
                "idempotent": true,
                "runtime": {
                    "container": {"image": format!("{IMAGE}:{}", env!("CARGO_PKG_VERSION"))},
                },
                "usage": "docs/hosts.md",
                "examples": EXAMPLES,
            }],
        },
    });
    format!(
        "# Describes vmstack for function catalogs. Generated from the intent's Rust types \
         (src/schema): do not edit;\n# regenerate with VMSTACK_UPDATE_GENERATED=1 cargo test \
         --test intent_schema.\n{}",
        yaml::to_yaml(&definition)
    )
}

/// `metadata.yaml`: the kpt function catalog's description of the function.
pub fn catalog_metadata() -> String {
    let metadata = json!({
        "image": IMAGE,
        "description": DESCRIPTION,
        "tags": ["generator"],
        "sourceURL": HOME,
        "examplePackageURLs": KPT_PACKAGES,
        "hidden": false,
    });
    format!(
        "# The kpt function catalog's entry for vmstack (function.yaml is the KRMFunctionDefinition).\n\
         # Generated (src/schema/files.rs): regenerate with VMSTACK_UPDATE_GENERATED=1 cargo test \
         --test intent_schema.\n{}",
        yaml::to_yaml(&metadata)
    )
}

fn group() -> &'static str {
    API_VERSION.split_once('/').map_or(API_VERSION, |(g, _)| g)
}

fn version() -> &'static str {
    API_VERSION.split_once('/').map_or(API_VERSION, |(_, v)| v)
}

/// Every intent file below `examples/`: the YAML files whose one document is a
/// `VictoriaMetricsStack`, sorted.
pub fn example_intents(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut folders = vec![PathBuf::from("examples")];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(root.join(&folder))
            .map_err(|e| format!("{}: {e}", folder.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let path = folder.join(entry.file_name());
            if entry.path().is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                && is_intent(&read(&entry.path())?)
            {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn is_intent(text: &str) -> bool {
    match yaml::parse_documents(text) {
        Ok(docs) => docs.len() == 1 && docs[0]["kind"] == KIND,
        Err(_) => false,
    }
}

/// The path from an intent file's folder to [`SCHEMA_FILE`] at the root.
fn schema_path_from(intent: &Path) -> String {
    let depth = intent.parent().map_or(0, |p| p.components().count());
    format!("{}{SCHEMA_FILE}", "../".repeat(depth))
}

/// The text with its first line the schema comment (replacing an older one).
pub fn with_schema_comment(text: &str, schema: &str) -> String {
    let line = format!("{SCHEMA_COMMENT}{schema}\n");
    let rest = match text.split_once('\n') {
        Some((first, rest)) if first.starts_with(SCHEMA_COMMENT) => rest,
        _ => text,
    };
    format!("{line}{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_comment_is_added_once_and_replaced() {
        let once = with_schema_comment("a: 1\n", "../x.json");
        assert_eq!(once, "# yaml-language-server: $schema=../x.json\na: 1\n");
        assert_eq!(
            with_schema_comment(&once, "../y.json"),
            once.replace("x", "y")
        );
        assert_eq!(
            schema_path_from(Path::new("examples/seed/infra/vmstack.yaml")),
            "../../../vmstack.schema.json"
        );
    }

    #[test]
    fn the_examples_named_exist() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for example in EXAMPLES {
            assert!(root.join(example).is_dir(), "{example}");
        }
        for package in KPT_PACKAGES {
            assert!(root.join(package).join("Kptfile").is_file(), "{package}");
        }
    }

    #[test]
    fn the_function_definition_carries_the_schema() {
        let text = function_definition();
        let definition = yaml::parse_document(&text).unwrap();
        let version = &definition["spec"]["versions"][0];
        assert_eq!(version["schema"]["openAPIV3Schema"], intent_schema());
        assert_eq!(definition["spec"]["group"], "vmstack.dev");
        assert_eq!(version["name"], "v1alpha1");
    }
}
