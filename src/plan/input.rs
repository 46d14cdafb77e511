//! The files a plan reads: YAML files, and folders of them (recursively, in name order), each
//! object annotated with the file it came from, as a kpt host would, so that each intent finds
//! the settings of its own package.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::krm::object;
use crate::krm::yaml;

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not YAML: {message}")]
    Yaml { path: String, message: String },
}

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn files_of(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let io = |source| InputError::Io {
        path: display(path),
        source,
    };
    if !path.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for entry in entries {
        let hidden = entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if entry.is_dir() {
            files_of(&entry, out)?;
        } else if is_yaml(&entry) {
            out.push(entry);
        }
    }
    Ok(())
}

/// Every object of the files and folders, in the order given (a folder's files by name), each
/// with its file and index annotations.
pub fn read_inputs(paths: &[impl AsRef<Path>]) -> Result<Vec<Value>, InputError> {
    let mut files = Vec::new();
    for p in paths {
        files_of(p.as_ref(), &mut files)?;
    }
    let mut items = Vec::new();
    for file in files {
        let path = display(&file);
        let text = std::fs::read_to_string(&file).map_err(|source| InputError::Io {
            path: path.clone(),
            source,
        })?;
        let docs = yaml::parse_documents(&text).map_err(|e| InputError::Yaml {
            path: path.clone(),
            message: e.to_string(),
        })?;
        for (i, mut doc) in docs.into_iter().enumerate() {
            if doc.is_object() {
                object::set_file(&mut doc, &path, i);
                items.push(doc);
            }
        }
    }
    Ok(items)
}
