//! `install-plugin`: puts the binary where kustomize (standalone, or built into kubectl) looks
//! for the legacy exec plugin of the intent's group, version and kind.
//!
//! kustomize takes the *first existing* folder of: `$KUSTOMIZE_PLUGIN_HOME`,
//! `$XDG_CONFIG_HOME/kustomize/plugin`, `$HOME/.config/kustomize/plugin`,
//! `$HOME/kustomize/plugin` (sigs.k8s.io/kustomize/api/konfig `DefaultAbsPluginHome`). The
//! binary goes into that folder; when none exists, into the first one that can be named, which
//! then is the first that exists.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::intent;

/// The plugin folder chosen, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginHome {
    pub dir: PathBuf,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    #[error(
        "no plugin folder can be named: set KUSTOMIZE_PLUGIN_HOME, XDG_CONFIG_HOME or HOME, or give --dir"
    )]
    NoHome,
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// kustomize's candidates, in its order, with what names each.
fn candidates(env: &dyn Fn(&str) -> Option<OsString>) -> Vec<(PathBuf, &'static str)> {
    let set = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let mut out = Vec::new();
    if let Some(dir) = set("KUSTOMIZE_PLUGIN_HOME") {
        out.push((dir, "$KUSTOMIZE_PLUGIN_HOME"));
    }
    if let Some(xdg) = set("XDG_CONFIG_HOME") {
        out.push((
            xdg.join("kustomize/plugin"),
            "$XDG_CONFIG_HOME/kustomize/plugin",
        ));
    }
    if let Some(home) = set("HOME") {
        out.push((
            home.join(".config/kustomize/plugin"),
            "$HOME/.config/kustomize/plugin",
        ));
        out.push((home.join("kustomize/plugin"), "$HOME/kustomize/plugin"));
    }
    out
}

/// The folder kustomize will search, given the environment.
pub fn plugin_home(env: &dyn Fn(&str) -> Option<OsString>) -> Result<PluginHome, PluginError> {
    let candidates = candidates(env);
    if let Some((dir, name)) = candidates.iter().find(|(d, _)| d.is_dir()) {
        return Ok(PluginHome {
            dir: dir.clone(),
            reason: format!("{name}, the first plugin folder kustomize finds"),
        });
    }
    let (dir, name) = candidates.into_iter().next().ok_or(PluginError::NoHome)?;
    Ok(PluginHome {
        dir,
        reason: format!("{name}, created: no plugin folder existed"),
    })
}

/// Where the plugin goes below a plugin folder: `<group>/<version>/<lowercase kind>/<Kind>`.
pub fn plugin_path(home: &Path) -> PathBuf {
    let (group, version) = intent::API_VERSION
        .split_once('/')
        .unwrap_or((intent::API_VERSION, ""));
    home.join(group)
        .join(version)
        .join(intent::KIND.to_ascii_lowercase())
        .join(intent::KIND)
}

/// Copies `binary` to the plugin path below `home`, executable, replacing an earlier one in a
/// single step (a kustomize running at that moment sees the old binary or the new one).
pub fn install(binary: &Path, home: &Path) -> Result<PathBuf, PluginError> {
    let target = plugin_path(home);
    let dir = target.parent().unwrap_or(home);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PluginError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let partial = dir.join(format!(".{}.partial", intent::KIND));
    std::fs::copy(binary, &partial).map_err(io(&partial))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o755))
            .map_err(io(&partial))?;
    }
    std::fs::rename(&partial, &target).map_err(io(&target))?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &Path)]) -> impl Fn(&str) -> Option<OsString> + use<> {
        let pairs: Vec<(String, OsString)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_os_str().to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn the_plugin_path_follows_group_version_and_kind() {
        assert_eq!(
            plugin_path(Path::new("/p")),
            Path::new("/p/vmstack.dev/v1alpha1/victoriametricsstack/VictoriaMetricsStack")
        );
    }

    #[test]
    fn the_first_existing_folder_wins_as_in_kustomize() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        let xdg = tmp.path().join("xdg");
        let unset_plugin_home = tmp.path().join("nowhere");
        std::fs::create_dir_all(home.join("kustomize/plugin")).unwrap();
        let env = env_of(&[
            ("KUSTOMIZE_PLUGIN_HOME", &unset_plugin_home),
            ("XDG_CONFIG_HOME", &xdg),
            ("HOME", &home),
        ]);
        let chosen = plugin_home(&env).unwrap();
        assert_eq!(chosen.dir, home.join("kustomize/plugin"));

        std::fs::create_dir_all(xdg.join("kustomize/plugin")).unwrap();
        assert_eq!(plugin_home(&env).unwrap().dir, xdg.join("kustomize/plugin"));
    }

    #[test]
    fn with_no_folder_the_first_named_one_is_created() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        let env = env_of(&[("HOME", &home)]);
        let chosen = plugin_home(&env).unwrap();
        assert_eq!(chosen.dir, home.join(".config/kustomize/plugin"));
        assert!(chosen.reason.contains("created"));
        assert!(matches!(plugin_home(&|_| None), Err(PluginError::NoHome)));
    }

    #[test]
    fn install_copies_an_executable_and_replaces_an_old_one() {
        let tmp = tempfile::tempdir().unwrap();
        let binary = tmp.path().join("vmstack");
        std::fs::write(&binary, "new").unwrap();
        let home = tmp.path().join("plugins");
        let target = plugin_path(&home);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(&target, "old").unwrap();
        assert_eq!(install(&binary, &home).unwrap(), target);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o755);
        }
        let left: Vec<_> = std::fs::read_dir(target.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, [std::ffi::OsString::from("VictoriaMetricsStack")]);
    }
}
