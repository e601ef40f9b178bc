//! JS/TS workspaces (npm, yarn and pnpm `workspaces`, which nx and turbo build on): the
//! workspace packages a scanned app depends on. Checking `apps/server` alone would report keys
//! its example documents for `packages/db` as stale, and miss what the app needs through them;
//! so the packages it depends on, directly or through each other, are scanned with it.
//!
//! The workspace root is the nearest directory at or above the app, up to the repository root,
//! with a `pnpm-workspace.yaml` or a `package.json` that lists `workspaces` (an array, or
//! `{ "packages": [...] }`). Its patterns (`apps/*`, `packages/**`, `!packages/legacy`) name
//! package directories; each package's `package.json` gives its name. A dependency counts when
//! its name is a workspace package's, in `dependencies`, `peerDependencies` or
//! `optionalDependencies` (`devDependencies` are build and test tooling). Files are read with
//! the same cap as any file envcheck is pointed at; the walk honours `.gitignore` and never
//! enters `node_modules`; at most [`MAX_PACKAGES`] packages are considered.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSetBuilder};
use serde::Deserialize;

/// More workspace packages than any real monorepo has; a bound on the work a repository can ask
/// for.
const MAX_PACKAGES: usize = 10_000;

#[derive(Deserialize, Default)]
struct PackageJson {
    name: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, serde_json::Value>,
    #[serde(default, rename = "peerDependencies")]
    peer: BTreeMap<String, serde_json::Value>,
    #[serde(default, rename = "optionalDependencies")]
    optional: BTreeMap<String, serde_json::Value>,
    workspaces: Option<Workspaces>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Workspaces {
    List(Vec<String>),
    Object {
        #[serde(default)]
        packages: Vec<String>,
    },
}

fn read_package(dir: &Path) -> Option<PackageJson> {
    let bytes = crate::walk::read_file(&dir.join("package.json")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

impl PackageJson {
    fn runtime_dependencies(&self) -> impl Iterator<Item = &String> {
        self.dependencies
            .keys()
            .chain(self.peer.keys())
            .chain(self.optional.keys())
    }
}

/// The `packages:` list of a `pnpm-workspace.yaml`.
fn pnpm_patterns(dir: &Path) -> Option<Vec<String>> {
    let bytes = crate::walk::read_file(&dir.join("pnpm-workspace.yaml")).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut out = Vec::new();
    let mut in_packages = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t', '-']) {
            in_packages = trimmed.starts_with("packages:");
            continue;
        }
        if in_packages && let Some(item) = trimmed.strip_prefix('-') {
            let item = item.trim().trim_matches(|c| c == '"' || c == '\'');
            if !item.is_empty() {
                out.push(item.to_string());
            }
        }
    }
    Some(out)
}

/// The workspace root above `app` (inside `top`) and its package patterns.
fn workspace_root(app: &Path, top: &Path) -> Option<(PathBuf, Vec<String>)> {
    for dir in app.ancestors() {
        if !dir.starts_with(top) {
            break;
        }
        if let Some(patterns) = pnpm_patterns(dir) {
            return Some((dir.to_path_buf(), patterns));
        }
        if let Some(Workspaces::List(p) | Workspaces::Object { packages: p }) =
            read_package(dir).and_then(|p| p.workspaces)
        {
            return Some((dir.to_path_buf(), p));
        }
    }
    None
}

/// The workspace packages of a workspace root: name → directory.
fn packages(root: &Path, patterns: &[String]) -> BTreeMap<String, PathBuf> {
    let mut include = GlobSetBuilder::new();
    let mut exclude = GlobSetBuilder::new();
    for pattern in patterns {
        let (set, p) = match pattern.strip_prefix('!') {
            Some(p) => (&mut exclude, p),
            None => (&mut include, pattern.as_str()),
        };
        let p = p.trim_start_matches("./").trim_end_matches('/');
        if let Ok(glob) = Glob::new(p) {
            set.add(glob);
        }
    }
    let (Ok(include), Ok(exclude)) = (include.build(), exclude.build()) else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    let walk = ignore::WalkBuilder::new(root)
        .hidden(true)
        .require_git(false)
        .filter_entry(|e| e.file_name() != "node_modules")
        .build();
    for entry in walk.flatten() {
        if out.len() >= MAX_PACKAGES {
            break;
        }
        if entry.file_name() != "package.json" {
            continue;
        }
        let Some(dir) = entry.path().parent() else {
            continue;
        };
        let Ok(rel) = dir.strip_prefix(root) else {
            continue;
        };
        if rel.as_os_str().is_empty() || !include.is_match(rel) || exclude.is_match(rel) {
            continue;
        }
        if let Some(name) = read_package(dir).and_then(|p| p.name) {
            out.entry(name).or_insert_with(|| dir.to_path_buf());
        }
    }
    out
}

/// The directories of the workspace packages the scanned directories `roots` depend on,
/// directly or through each other, inside the repository `top`; sorted, without the roots.
pub fn dependencies(roots: &[PathBuf], top: &Path) -> Vec<PathBuf> {
    let mut found: BTreeSet<PathBuf> = BTreeSet::new();
    let mut workspaces: BTreeMap<PathBuf, BTreeMap<String, PathBuf>> = BTreeMap::new();
    for root in roots.iter().filter(|r| r.join("package.json").is_file()) {
        let Some((ws_root, patterns)) = workspace_root(root, top) else {
            continue;
        };
        let names = workspaces
            .entry(ws_root.clone())
            .or_insert_with(|| packages(&ws_root, &patterns));
        let mut queue: VecDeque<PathBuf> = VecDeque::from([root.clone()]);
        let mut seen: BTreeSet<PathBuf> = BTreeSet::from([root.clone()]);
        while let Some(dir) = queue.pop_front() {
            let Some(package) = read_package(&dir) else {
                continue;
            };
            for dep in package.runtime_dependencies() {
                if let Some(dep_dir) = names.get(dep)
                    && seen.insert(dep_dir.clone())
                {
                    found.insert(dep_dir.clone());
                    queue.push_back(dep_dir.clone());
                }
            }
        }
    }
    found.into_iter().filter(|d| !roots.contains(d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn an_app_depends_on_workspace_packages_transitively() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical");
        write(
            &root,
            "pnpm-workspace.yaml",
            "packages:\n  - apps/*\n  - \"packages/**\"\n  - '!packages/legacy'\nother: x\n",
        );
        write(
            &root,
            "apps/server/package.json",
            r#"{"name":"server","dependencies":{"@x/db":"workspace:*","react":"18"},"devDependencies":{"@x/test-utils":"workspace:*"}}"#,
        );
        write(
            &root,
            "apps/web/package.json",
            r#"{"name":"web","dependencies":{"@x/ui":"workspace:*"}}"#,
        );
        write(
            &root,
            "packages/db/package.json",
            r#"{"name":"@x/db","dependencies":{"@x/env":"*"}}"#,
        );
        write(
            &root,
            "packages/config/env/package.json",
            r#"{"name":"@x/env"}"#,
        );
        write(
            &root,
            "packages/test-utils/package.json",
            r#"{"name":"@x/test-utils"}"#,
        );
        write(&root, "packages/ui/package.json", r#"{"name":"@x/ui"}"#);
        write(
            &root,
            "packages/legacy/package.json",
            r#"{"name":"@x/legacy"}"#,
        );
        write(
            &root,
            "node_modules/@x/db/package.json",
            r#"{"name":"@x/db"}"#,
        );
        let deps = dependencies(&[root.join("apps/server")], &root);
        assert_eq!(
            deps,
            vec![root.join("packages/config/env"), root.join("packages/db")]
        );
        // npm/yarn `workspaces` in package.json, object form
        write(&root, "pnpm-workspace.yaml", "");
        std::fs::remove_file(root.join("pnpm-workspace.yaml")).expect("rm");
        write(
            &root,
            "package.json",
            r#"{"workspaces":{"packages":["apps/*","packages/*"]}}"#,
        );
        let deps = dependencies(&[root.join("apps/web")], &root);
        assert_eq!(deps, vec![root.join("packages/ui")]);
        // no workspace: nothing
        let other = tempfile::tempdir().expect("tempdir");
        let other = other.path().canonicalize().expect("canonical");
        write(
            &other,
            "app/package.json",
            r#"{"name":"a","dependencies":{"b":"1"}}"#,
        );
        assert!(dependencies(&[other.join("app")], &other).is_empty());
    }
}
