//! Reading and annotating KRM objects held as JSON values.

use serde_json::{Map, Value};

use super::result::{FileRef, ResourceRef};

/// Annotations the hosts use to place items in files (kpt reads the `internal.` forms, older
/// tools the legacy ones; both are written).
pub const PATH: &str = "internal.config.kubernetes.io/path";
pub const INDEX: &str = "internal.config.kubernetes.io/index";
pub const LEGACY_PATH: &str = "config.kubernetes.io/path";
pub const LEGACY_INDEX: &str = "config.kubernetes.io/index";
pub const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";
pub const FUNCTION: &str = "config.kubernetes.io/function";

/// A borrowed view of one KRM object.
#[derive(Clone, Copy)]
pub struct Object<'a>(pub &'a Value);

impl<'a> Object<'a> {
    /// The string at a path of keys, or "". (Not `Value::pointer`, which allocates for every
    /// step: these are read for every item, in every lookup.)
    fn str_at(&self, path: &[&str]) -> &'a str {
        path.iter()
            .try_fold(self.0, |v, key| v.get(key))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    pub fn api_version(&self) -> &'a str {
        self.str_at(&["apiVersion"])
    }

    pub fn kind(&self) -> &'a str {
        self.str_at(&["kind"])
    }

    pub fn name(&self) -> &'a str {
        self.str_at(&["metadata", "name"])
    }

    pub fn namespace(&self) -> &'a str {
        self.str_at(&["metadata", "namespace"])
    }

    /// The annotations mapping, looked up once for a reader that needs several.
    pub fn annotations(&self) -> Option<&'a Map<String, Value>> {
        self.0.get("metadata")?.get("annotations")?.as_object()
    }

    pub fn annotation(&self, key: &str) -> Option<&'a str> {
        self.annotations()?.get(key)?.as_str()
    }

    pub fn is(&self, api_version: &str, kind: &str) -> bool {
        self.api_version() == api_version && self.kind() == kind
    }

    pub fn resource_ref(&self) -> ResourceRef {
        ResourceRef {
            api_version: self.api_version().to_string(),
            kind: self.kind().to_string(),
            name: self.name().to_string(),
            namespace: self.namespace().to_string(),
        }
    }

    /// Where the host read this object from, when it says.
    pub fn file_ref(&self) -> Option<FileRef> {
        let annotations = self.annotations()?;
        let read = |key: &str| annotations.get(key).and_then(Value::as_str);
        let path = read(PATH).or_else(|| read(LEGACY_PATH))?;
        let index = read(INDEX)
            .or_else(|| read(LEGACY_INDEX))
            .and_then(|i| i.parse().ok())
            .unwrap_or(0);
        Some(FileRef {
            path: path.to_string(),
            index,
        })
    }
}

/// The annotations map of an object, created when missing.
pub fn annotations_mut(obj: &mut Value) -> Option<&mut Map<String, Value>> {
    let metadata = obj
        .as_object_mut()?
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    let annotations = metadata
        .as_object_mut()?
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    if !annotations.is_object() {
        *annotations = Value::Object(Map::new());
    }
    annotations.as_object_mut()
}

pub fn set_annotation(obj: &mut Value, key: &str, value: &str) {
    if let Some(a) = annotations_mut(obj) {
        a.insert(key.to_string(), Value::String(value.to_string()));
    }
}

/// Places an item in a file of the package, in both annotation spellings.
pub fn set_file(obj: &mut Value, path: &str, index: usize) {
    let index = index.to_string();
    set_annotation(obj, PATH, path);
    set_annotation(obj, INDEX, &index);
    set_annotation(obj, LEGACY_PATH, path);
    set_annotation(obj, LEGACY_INDEX, &index);
}
