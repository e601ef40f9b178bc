//! Several apps in one repository: which configuration each scanned path belongs to.
//!
//! A path's configuration is the nearest configuration file above it (as ruff does). A
//! directory that holds a configuration file of its own is an app: its code, example file and
//! environments are its own, and the app above it does not scan it. So a run over several paths
//! with different nearest configurations, or over a directory whose subdirectories hold their
//! own `envcheck.toml`, is a run over several apps, each checked with its own configuration.
//!
//! [`plan`] finds the apps: one walk per scanned directory over its directories only (ignore
//! files honoured, dependency, build and test directories skipped, as the source walk does), a
//! look for configuration files in each, and one configuration load per app. When every path
//! has the same configuration and none holds another below it, there is one app and the run is
//! exactly what it always was. `--config` names one configuration for everything: no search.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{self, ConfigError, Loaded};

/// How many apps one run checks at most: each is a scan and a check of its own, so the count
/// bounds what a repository can ask for; more than any real monorepo holds in one run.
pub const MAX_APPS: usize = 256;

/// One app of a run: a configuration and the paths it decides for.
#[derive(Debug)]
pub struct App {
    /// The configuration (with what it extends); no path when none is above the app's paths.
    pub loaded: Loaded,
    /// The paths to scan, absolute, none inside another.
    pub roots: Vec<PathBuf>,
    /// Directories of other apps below `roots`: not scanned as part of this one.
    pub skip: Vec<PathBuf>,
    /// The app was named on the command line (a path given), not only found below one.
    pub named: bool,
}

/// An absolute, canonical form of `path` (itself made absolute when it cannot be resolved).
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    })
}

/// The apps of a run over `paths` (each existing), in the order of their configuration files;
/// `None` when there is one, so the caller runs as for a single project.
pub fn plan(paths: &[PathBuf], include_tests: bool) -> Result<Option<Vec<App>>, ConfigError> {
    // keyed by the configuration file: paths with the same nearest one are one app
    let mut apps: BTreeMap<Option<PathBuf>, App> = BTreeMap::new();
    let mut add = |start: &Path, root: PathBuf, named: bool| -> Result<(), ConfigError> {
        let loaded = config::load(None, start)?;
        let key = loaded.path.as_deref().map(absolute);
        let app = apps.entry(key).or_insert_with(|| App {
            loaded,
            roots: Vec::new(),
            skip: Vec::new(),
            named: false,
        });
        app.named |= named;
        if !app.roots.contains(&root) {
            app.roots.push(root);
        }
        Ok(())
    };
    for path in paths {
        let root = absolute(path);
        add(&root, root.clone(), true)?;
        if root.is_dir() {
            for dir in crate::walk::config_dirs(&root, include_tests) {
                add(&dir, dir.clone(), false)?;
            }
        }
    }
    if apps.len() < 2 {
        return Ok(None);
    }
    if apps.len() > MAX_APPS {
        return Err(ConfigError::Apps {
            count: apps.len(),
            max: MAX_APPS,
        });
    }
    // a path inside another of the same app adds nothing
    for app in apps.values_mut() {
        let roots = std::mem::take(&mut app.roots);
        for root in &roots {
            if !roots.iter().any(|r| r != root && root.starts_with(r)) {
                app.roots.push(root.clone());
            }
        }
    }
    // each app leaves out the apps right below it (the walk does not enter them, so the ones
    // further down need no mention): the nearest root above each root, found by walking up
    // its ancestors, is the app that leaves it out
    let owner: std::collections::HashMap<PathBuf, Option<PathBuf>> = apps
        .iter()
        .flat_map(|(key, app)| app.roots.iter().map(move |r| (r.clone(), key.clone())))
        .collect();
    let mut below: Vec<(Option<PathBuf>, PathBuf)> = Vec::new();
    for (key, app) in &apps {
        for root in app.roots.iter().filter(|r| r.is_dir()) {
            if let Some(above) = root.ancestors().skip(1).find_map(|a| owner.get(a))
                && above != key
            {
                below.push((above.clone(), root.clone()));
            }
        }
    }
    for (key, root) in below {
        if let Some(app) = apps.get_mut(&key) {
            app.skip.push(root);
        }
    }
    for app in apps.values_mut() {
        app.skip.sort();
        app.skip.dedup();
    }
    Ok(Some(apps.into_values().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn subdirectories_with_a_configuration_are_apps_the_parent_leaves_out() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().canonicalize().expect("canonical");
        std::fs::create_dir(root.join(".git")).expect("git");
        write(&root.join("envcheck.toml"), "");
        write(
            &root.join("apps/a/envcheck.toml"),
            "extend = \"../../envcheck.toml\"\n",
        );
        write(&root.join("apps/b/pyproject.toml"), "[tool.envcheck]\n");
        write(
            &root.join("apps/c/pyproject.toml"),
            "[project]\nname = \"c\"\n",
        );
        write(&root.join("apps/ignored/envcheck.toml"), "");
        write(&root.join(".gitignore"), "apps/ignored/\n");
        write(&root.join("node_modules/x/envcheck.toml"), "");
        let apps = plan(std::slice::from_ref(&root), false)
            .expect("plan")
            .expect("several");
        let roots: Vec<Vec<PathBuf>> = apps.iter().map(|a| a.roots.clone()).collect();
        assert_eq!(
            roots,
            vec![
                vec![root.join("apps/a")],
                vec![root.join("apps/b")],
                vec![root.clone()]
            ]
        );
        assert_eq!(apps[2].skip, vec![root.join("apps/a"), root.join("apps/b")]);
        assert!(apps[2].named && !apps[0].named);
    }

    #[test]
    fn one_configuration_is_one_app() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().canonicalize().expect("canonical");
        std::fs::create_dir(root.join(".git")).expect("git");
        write(&root.join("envcheck.toml"), "");
        write(&root.join("src/app.py"), "");
        let plan = plan(&[root.join("src"), root.clone()], false).expect("plan");
        assert!(plan.is_none());
    }
}
