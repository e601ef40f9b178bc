//! Names that something other than the scanned code uses: the programs around the application
//! that read environment variables too.
//!
//! A key of the example file (ENV002) or of a target (ENV104) that no scanned code reads is not
//! stale when docker compose interpolates it, a Dockerfile declares it, a shell script reads it
//! or a well-known tool reads it by its documented name; and a variable the code reads that the
//! image sets (`ENV PNGX_CONTAINERIZED=1`) is not undocumented (ENV001). This module finds
//! those uses, once per run, in the files of the repository:
//!
//! - compose files (`docker-compose*.y*ml`, `compose*.y*ml`): `${X}`, `${X:-d}` and `$X` are
//!   interpolated from the deploying shell or the project's `.env`; `$${X}` reaches a service's
//!   command and is read by the container's shell;
//! - Dockerfiles (`Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile`): `ENV X=...`
//!   is set in the image, `ARG X` is a build argument;
//! - shell scripts (`*.sh`, `*.bash`, and files without an extension whose first line is a
//!   `sh`/`bash`/`dash`/`zsh` shebang, such as `bin/` scripts and docker entrypoints): `$X` and
//!   `${X}` outside single quotes and comments;
//! - [`WELL_KNOWN`]: names tools and images read by documented name (AWS SDKs, the postgres
//!   image, docker compose, proxies, ...).
//!
//! What is *used where* matters for one case: a name a compose service's `environment:` sets is
//! the container's variable, so only what runs in the container counts for it (the container's
//! shell, the image, scripts, tools), not compose's own interpolation, which reads the deploying
//! shell's variable of that name ([`Consumers::used_at_run_time`]).
//!
//! Bounded work: the files are found by one walk of the repository that honours ignore files
//! and skips dependency and virtualenv directories (as the env-file walk does), links are not
//! followed, every file is read through [`crate::walk::read_file`] (regular files only, capped),
//! a file without an extension is read only when small enough to be a script, and each file is
//! scanned once, linearly (compose files through the shared YAML tree, each node once). A file
//! that cannot be read or parsed is skipped: it can only make envcheck report more.
//!
//! The scanners are written here rather than taken from a crate: they need names and lines
//! only, from three small grammars, and no shell or Dockerfile crate reads them with bounded work
//! and without running anything.

use std::collections::BTreeMap;
use std::path::Path;

use crate::sources::compose;

/// Where a name is used outside the scanned code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    pub kind: UseKind,
    /// The file, relative to the repository root with `/`, and the 1-based line.
    pub path: String,
    pub line: usize,
}

/// What uses a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UseKind {
    /// `${X}` in a compose file: docker compose reads it from the deploying shell or `.env`.
    ComposeInterpolation,
    /// `$${X}` in a compose file: a service's command reads it in the container.
    ComposeCommand,
    /// `ENV X=...` in a Dockerfile: the image sets it.
    DockerfileEnv,
    /// `ARG X` in a Dockerfile: a build argument.
    DockerfileArg,
    /// `$X` in a shell script.
    Shell,
}

/// Every use of a name outside the scanned code found in a repository.
#[derive(Clone, Debug, Default)]
pub struct Consumers {
    /// Uses on the deploying host: compose interpolation, Dockerfile build arguments.
    host: BTreeMap<String, Use>,
    /// Uses where the application runs: compose commands, shell scripts.
    run_time: BTreeMap<String, Use>,
    /// Names a Dockerfile's `ENV` sets in an image.
    image: BTreeMap<String, Use>,
    /// Names the `ENV` of a Dockerfile of the scanned code sets: one in the scanned directory,
    /// below it, or above it in the repository (not another application's of a monorepo).
    own_image: BTreeMap<String, Use>,
}

/// A name a tool or image reads by documented name, with who reads it.
pub struct WellKnown {
    /// The name, or a prefix when it ends with `*`.
    pub pattern: &'static str,
    /// Compared ignoring ASCII case (proxies and npm's settings are read in either case).
    pub any_case: bool,
    /// Who reads it: "docker compose", "the postgres image".
    pub reader: &'static str,
}

const fn known(pattern: &'static str, reader: &'static str) -> WellKnown {
    WellKnown {
        pattern,
        any_case: false,
        reader,
    }
}

const fn known_any_case(pattern: &'static str, reader: &'static str) -> WellKnown {
    WellKnown {
        pattern,
        any_case: true,
        reader,
    }
}

/// Names that tools, SDKs and images read by their documented names. A name here is used even
/// when no scanned code reads it: an example key `POSTGRES_PASSWORD` configures the database
/// container, `COMPOSE_PROJECT_NAME` configures docker compose. Only documented names of tools
/// that read them from the environment; prefixes only where the tool documents a whole family
/// (every `OTEL_*`, `NEW_RELIC_*`, `UV_*` setting). The README lists them.
pub const WELL_KNOWN: &[WellKnown] = &[
    // docker and docker compose
    known("COMPOSE_*", "docker compose"),
    known("DOCKER_HOST", "the docker CLI"),
    known("DOCKER_BUILDKIT", "the docker CLI"),
    known("DOCKER_DEFAULT_PLATFORM", "the docker CLI"),
    // AWS SDKs and CLI
    known("AWS_ACCESS_KEY_ID", "the AWS SDKs"),
    known("AWS_SECRET_ACCESS_KEY", "the AWS SDKs"),
    known("AWS_SESSION_TOKEN", "the AWS SDKs"),
    known("AWS_REGION", "the AWS SDKs"),
    known("AWS_DEFAULT_REGION", "the AWS SDKs"),
    known("AWS_PROFILE", "the AWS SDKs"),
    known("AWS_CONFIG_FILE", "the AWS SDKs"),
    known("AWS_SHARED_CREDENTIALS_FILE", "the AWS SDKs"),
    known("AWS_ENDPOINT_URL", "the AWS SDKs"),
    known("AWS_ENDPOINT_URL_*", "the AWS SDKs"),
    known("AWS_ROLE_ARN", "the AWS SDKs"),
    known("AWS_ROLE_SESSION_NAME", "the AWS SDKs"),
    known("AWS_WEB_IDENTITY_TOKEN_FILE", "the AWS SDKs"),
    known("AWS_CA_BUNDLE", "the AWS SDKs"),
    known("AWS_MAX_ATTEMPTS", "the AWS SDKs"),
    known("AWS_RETRY_MODE", "the AWS SDKs"),
    known("AWS_SDK_LOAD_CONFIG", "the AWS SDKs"),
    known("AWS_STS_REGIONAL_ENDPOINTS", "the AWS SDKs"),
    known("AWS_USE_FIPS_ENDPOINT", "the AWS SDKs"),
    known("AWS_DEFAULT_OUTPUT", "the AWS CLI"),
    // other cloud SDKs
    known(
        "GOOGLE_APPLICATION_CREDENTIALS",
        "the Google Cloud client libraries",
    ),
    known("AZURE_CLIENT_ID", "the Azure identity libraries"),
    known("AZURE_CLIENT_SECRET", "the Azure identity libraries"),
    known("AZURE_TENANT_ID", "the Azure identity libraries"),
    // database and service images
    known("POSTGRES_USER", "the postgres image"),
    known("POSTGRES_PASSWORD", "the postgres image"),
    known("POSTGRES_DB", "the postgres image"),
    known("POSTGRES_INITDB_ARGS", "the postgres image"),
    known("POSTGRES_INITDB_WALDIR", "the postgres image"),
    known("POSTGRES_HOST_AUTH_METHOD", "the postgres image"),
    known("PGDATA", "the postgres image"),
    known("PGHOST", "libpq (psql, pg_dump)"),
    known("PGPORT", "libpq (psql, pg_dump)"),
    known("PGDATABASE", "libpq (psql, pg_dump)"),
    known("PGUSER", "libpq (psql, pg_dump)"),
    known("PGPASSWORD", "libpq (psql, pg_dump)"),
    known("PGPASSFILE", "libpq (psql, pg_dump)"),
    known("PGSSLMODE", "libpq (psql, pg_dump)"),
    known("PGSSLROOTCERT", "libpq (psql, pg_dump)"),
    known("PGAPPNAME", "libpq (psql, pg_dump)"),
    known("PGOPTIONS", "libpq (psql, pg_dump)"),
    known("PGCONNECT_TIMEOUT", "libpq (psql, pg_dump)"),
    known("MYSQL_ROOT_PASSWORD", "the mysql image"),
    known("MYSQL_ROOT_HOST", "the mysql image"),
    known("MYSQL_DATABASE", "the mysql image"),
    known("MYSQL_USER", "the mysql image"),
    known("MYSQL_PASSWORD", "the mysql image"),
    known("MYSQL_ALLOW_EMPTY_PASSWORD", "the mysql image"),
    known("MYSQL_RANDOM_ROOT_PASSWORD", "the mysql image"),
    known("MYSQL_ONETIME_PASSWORD", "the mysql image"),
    known("MARIADB_ROOT_PASSWORD", "the mariadb image"),
    known("MARIADB_ROOT_HOST", "the mariadb image"),
    known("MARIADB_DATABASE", "the mariadb image"),
    known("MARIADB_USER", "the mariadb image"),
    known("MARIADB_PASSWORD", "the mariadb image"),
    known("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "the mariadb image"),
    known("MARIADB_RANDOM_ROOT_PASSWORD", "the mariadb image"),
    known("MARIADB_AUTO_UPGRADE", "the mariadb image"),
    known("REDIS_ARGS", "the redis-stack image"),
    known("REDIS_PASSWORD", "the bitnami redis image"),
    known("MINIO_ROOT_USER", "the minio image"),
    known("MINIO_ROOT_PASSWORD", "the minio image"),
    known("MINIO_ACCESS_KEY", "the minio image"),
    known("MINIO_SECRET_KEY", "the minio image"),
    known("MINIO_BROWSER", "the minio image"),
    known("MINIO_DOMAIN", "the minio image"),
    known("MINIO_SERVER_URL", "the minio image"),
    known("MINIO_BROWSER_REDIRECT_URL", "the minio image"),
    known("MINIO_DEFAULT_BUCKETS", "the bitnami minio image"),
    known("MONGO_INITDB_ROOT_USERNAME", "the mongo image"),
    known("MONGO_INITDB_ROOT_PASSWORD", "the mongo image"),
    known("MONGO_INITDB_DATABASE", "the mongo image"),
    known("RABBITMQ_DEFAULT_USER", "the rabbitmq image"),
    known("RABBITMQ_DEFAULT_PASS", "the rabbitmq image"),
    known("RABBITMQ_DEFAULT_VHOST", "the rabbitmq image"),
    // observability agents and SDKs
    known("NEW_RELIC_*", "the New Relic agent"),
    known("OTEL_*", "the OpenTelemetry SDKs"),
    known("DD_*", "the Datadog tracer"),
    known("SENTRY_DSN", "the Sentry SDK"),
    known("SENTRY_ENVIRONMENT", "the Sentry SDK"),
    known("SENTRY_RELEASE", "the Sentry SDK"),
    known("SENTRY_DEBUG", "the Sentry SDK"),
    known("SENTRY_SPOTLIGHT", "the Sentry SDK"),
    known("SENTRY_AUTH_TOKEN", "sentry-cli"),
    known("SENTRY_ORG", "sentry-cli"),
    known("SENTRY_PROJECT", "sentry-cli"),
    known("SENTRY_URL", "sentry-cli"),
    // HTTP clients and TLS
    known_any_case("HTTP_PROXY", "HTTP clients (proxy settings)"),
    known_any_case("HTTPS_PROXY", "HTTP clients (proxy settings)"),
    known_any_case("NO_PROXY", "HTTP clients (proxy settings)"),
    known_any_case("ALL_PROXY", "HTTP clients (proxy settings)"),
    known("REQUESTS_CA_BUNDLE", "requests"),
    known("SSL_CERT_FILE", "OpenSSL"),
    known("SSL_CERT_DIR", "OpenSSL"),
    // Python runtime, servers and packaging
    known("PYTHON*", "the Python interpreter"),
    known("DJANGO_SETTINGS_MODULE", "Django"),
    known("DJANGO_ALLOW_ASYNC_UNSAFE", "Django"),
    known("GUNICORN_CMD_ARGS", "gunicorn"),
    known("WEB_CONCURRENCY", "gunicorn and uvicorn"),
    known("FORWARDED_ALLOW_IPS", "gunicorn and uvicorn"),
    known("UVICORN_*", "uvicorn"),
    known("AUTHLIB_INSECURE_TRANSPORT", "Authlib"),
    known("OAUTHLIB_*", "oauthlib"),
    known("UV_*", "uv"),
    known("PIP_*", "pip"),
    // Node.js runtime and JavaScript tooling
    known("NODE_OPTIONS", "Node.js"),
    known("NODE_TLS_REJECT_UNAUTHORIZED", "Node.js"),
    known("NODE_EXTRA_CA_CERTS", "Node.js"),
    known("NODE_NO_WARNINGS", "Node.js"),
    known_any_case("NPM_CONFIG_*", "npm"),
    known("YARN_*", "yarn"),
    known("NX_*", "Nx"),
    known("TURBO_*", "Turborepo"),
    known("NEXT_TELEMETRY_DISABLED", "Next.js"),
];

/// Who reads `name` by its documented name, if a tool of [`WELL_KNOWN`] does.
pub fn well_known(name: &str) -> Option<&'static str> {
    WELL_KNOWN.iter().find_map(|k| {
        let matches = match k.pattern.strip_suffix('*') {
            Some(prefix) => {
                name.len() > prefix.len()
                    && name.get(..prefix.len()).is_some_and(|start| {
                        if k.any_case {
                            start.eq_ignore_ascii_case(prefix)
                        } else {
                            start == prefix
                        }
                    })
            }
            None if k.any_case => name.eq_ignore_ascii_case(k.pattern),
            None => name == k.pattern,
        };
        matches.then_some(k.reader)
    })
}

/// A file kind this module reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum FileKind {
    Compose,
    Dockerfile,
    Shell,
    /// No extension: a shell script if its shebang says so.
    MaybeScript,
}

/// The largest file without an extension read to look for a shebang: scripts are far smaller,
/// and a large file without an extension is data.
const MAX_SCRIPT_SIZE: u64 = 1024 * 1024;

/// How deep the walk goes, as the env-file walk.
const MAX_DEPTH: usize = 16;

/// A file of the walk this module reads, and its kind. Links are not followed: a link in the
/// repository cannot make this read elsewhere.
fn candidate(entry: ignore::DirEntry) -> Option<(std::path::PathBuf, FileKind)> {
    if !entry.file_type().is_some_and(|t| t.is_file()) {
        return None;
    }
    let kind = entry.file_name().to_str().and_then(file_kind)?;
    if kind == FileKind::MaybeScript && entry.metadata().map_or(true, |m| m.len() > MAX_SCRIPT_SIZE)
    {
        return None;
    }
    Some((entry.into_path(), kind))
}

fn file_kind(name: &str) -> Option<FileKind> {
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if yaml && (lower.starts_with("docker-compose") || lower.starts_with("compose")) {
        return Some(FileKind::Compose);
    }
    if ["dockerfile", "containerfile"]
        .iter()
        .any(|d| lower == *d || lower.starts_with(&format!("{d}.")))
        || lower.ends_with(".dockerfile")
    {
        return Some(FileKind::Dockerfile);
    }
    if [".sh", ".bash", ".zsh", ".ksh"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return Some(FileKind::Shell);
    }
    if !name.contains('.') {
        return Some(FileKind::MaybeScript);
    }
    None
}

impl Consumers {
    /// Finds the uses in the files of the repository at `root`, whose code is scanned at
    /// `scanned` (to tell the scanned code's Dockerfiles from other applications').
    pub fn collect(root: &Path, scanned: &Path) -> Consumers {
        let root = &root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        // where the scanned code sits in the repository; unknown: every Dockerfile is its own
        let scanned = scanned
            .canonicalize()
            .ok()
            .and_then(|s| Some(s.strip_prefix(root).ok()?.to_path_buf()));
        let mut consumers = Consumers::default();
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(false)
            .require_git(false)
            .ignore(true)
            .parents(false)
            .follow_links(false)
            .max_depth(Some(MAX_DEPTH))
            .filter_entry(|entry| {
                entry.depth() == 0
                    || !entry.file_type().is_some_and(|t| t.is_dir())
                    || !(entry
                        .file_name()
                        .to_str()
                        .is_some_and(|n| crate::walk::SKIP_DIRS.contains(&n))
                        || crate::walk::is_virtualenv(entry.path()))
            })
            .build_parallel();
        // the walk is parallel (it costs as much as the reads); the files are sorted after it
        let found = std::sync::Mutex::new(Vec::new());
        walker.run(|| {
            let found = &found;
            Box::new(move |entry| {
                if let Ok(entry) = entry
                    && let Some(file) = candidate(entry)
                    && let Ok(mut found) = found.lock()
                {
                    found.push(file);
                }
                ignore::WalkState::Continue
            })
        });
        let mut files = found.into_inner().unwrap_or_default();
        files.sort();
        for (path, kind) in files {
            let Ok(bytes) = crate::walk::read_file(&path) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            let shown = crate::scan::display_path(Some(root), &path);
            let own = match (
                &scanned,
                path.strip_prefix(root).ok().and_then(Path::parent),
            ) {
                (Some(scanned), Some(dir)) => dir.starts_with(scanned) || scanned.starts_with(dir),
                _ => true,
            };
            consumers.add_file(&shown, &text, kind, own);
        }
        consumers
    }

    fn add_file(&mut self, path: &str, text: &str, kind: FileKind, own: bool) {
        let at = |kind: UseKind, line: usize| Use {
            kind,
            path: path.to_string(),
            line,
        };
        match kind {
            FileKind::Compose => {
                let Ok(references) = compose::references(path, text) else {
                    return;
                };
                for r in references {
                    if r.escaped {
                        insert(
                            &mut self.run_time,
                            r.name,
                            at(UseKind::ComposeCommand, r.line),
                        );
                    } else {
                        insert(
                            &mut self.host,
                            r.name,
                            at(UseKind::ComposeInterpolation, r.line),
                        );
                    }
                }
            }
            FileKind::Dockerfile => {
                for (name, line, instruction) in dockerfile_names(text) {
                    match instruction {
                        Instruction::Env => {
                            if own {
                                insert(
                                    &mut self.own_image,
                                    name.clone(),
                                    at(UseKind::DockerfileEnv, line),
                                );
                            }
                            insert(&mut self.image, name, at(UseKind::DockerfileEnv, line))
                        }
                        Instruction::Arg => {
                            insert(&mut self.host, name, at(UseKind::DockerfileArg, line))
                        }
                    }
                }
            }
            FileKind::Shell => self.add_shell(text, &at),
            FileKind::MaybeScript => {
                if is_shell_shebang(text.lines().next().unwrap_or_default()) {
                    self.add_shell(text, &at);
                }
            }
        }
    }

    fn add_shell(&mut self, text: &str, at: &dyn Fn(UseKind, usize) -> Use) {
        for (name, line) in shell_references(text) {
            insert(&mut self.run_time, name, at(UseKind::Shell, line));
        }
    }

    /// Whether something other than the scanned code uses `name`: any use found, or a tool of
    /// [`WELL_KNOWN`]. For a key of an env file or of the example file.
    pub fn used(&self, name: &str) -> bool {
        self.host.contains_key(name) || self.used_at_run_time(name)
    }

    /// Whether something that runs with the application uses `name`: its container's shell
    /// (compose commands, scripts), its image (`ENV`), or a tool of [`WELL_KNOWN`]. For a name a
    /// compose service's `environment:` sets, which compose's own interpolation does not read.
    pub fn used_at_run_time(&self, name: &str) -> bool {
        self.run_time.contains_key(name)
            || self.image.contains_key(name)
            || well_known(name).is_some()
    }

    /// Where the `ENV` of a Dockerfile of the scanned code sets `name` in its image, if one
    /// does: the variable is then provided wherever the image runs.
    pub fn set_by_image(&self, name: &str) -> Option<&Use> {
        self.own_image.get(name)
    }

    /// The first use found of `name` in the repository's files (compose, Dockerfiles, scripts),
    /// if any.
    pub fn first_use(&self, name: &str) -> Option<&Use> {
        [&self.host, &self.run_time, &self.image]
            .into_iter()
            .filter_map(|m| m.get(name))
            .min_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)))
    }
}

/// Keeps the first use of a name (files are added in path order, uses in line order).
fn insert(map: &mut BTreeMap<String, Use>, name: String, at: Use) {
    map.entry(name).or_insert(at);
}

/// Length of the `[A-Za-z_][A-Za-z0-9_]*` name at the start of `s`.
fn name_len(s: &[u8]) -> usize {
    s.iter()
        .enumerate()
        .take_while(|(i, b)| {
            b.is_ascii_alphabetic() || **b == b'_' || (*i > 0 && b.is_ascii_digit())
        })
        .count()
}

/// Whether a first line is a shebang for a POSIX-like shell: `#!/bin/sh`, `#!/bin/bash -e`,
/// `#!/usr/bin/env bash`, `#!/command/with-contenv bash` (s6 images).
fn is_shell_shebang(line: &str) -> bool {
    let Some(command) = line.strip_prefix("#!") else {
        return false;
    };
    command.split_whitespace().take(3).any(|word| {
        let program = word.rsplit('/').next().unwrap_or(word);
        matches!(program, "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh")
    })
}

/// The names a shell script reads, with their lines: `$X`, `${X}`, `${X:-d}` (and the names in
/// the default), `${#X}`, `${!X}`; not in single quotes, comments or after a backslash. A quote
/// state ends at the end of a line, so an apostrophe in a heredoc or a comment cannot hide the
/// rest of the file. One pass.
fn shell_references(text: &str) -> Vec<(String, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut line = 1;
    let mut single = false;
    let mut double = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
            single = false;
            double = false;
            i += 1;
            continue;
        }
        if single {
            single = b != b'\'';
            i += 1;
            continue;
        }
        match b {
            b'\\' => {
                // the escaped character is skipped; an escaped line break still counts as a line
                if bytes.get(i + 1) == Some(&b'\n') {
                    line += 1;
                }
                i += 2;
            }
            b'\'' if !double => {
                single = true;
                i += 1;
            }
            b'"' => {
                double = !double;
                i += 1;
            }
            b'#' if !double
                && (i == 0 || bytes[i - 1].is_ascii_whitespace() || bytes[i - 1] == b';') =>
            {
                // a comment runs to the end of the line
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'$' => {
                let mut start = i + 1;
                if bytes.get(start) == Some(&b'{') {
                    start += 1;
                    if matches!(bytes.get(start), Some(b'#' | b'!')) {
                        start += 1;
                    }
                }
                let n = name_len(&bytes[start.min(bytes.len())..]);
                if n > 0 {
                    out.push((text[start..start + n].to_string(), line));
                }
                i = start + n;
            }
            _ => i += 1,
        }
    }
    out
}

/// A Dockerfile instruction that names variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Instruction {
    Env,
    Arg,
}

/// The names a Dockerfile's `ENV` and `ARG` instructions declare, with the line each
/// instruction starts on. `ENV A=1 B="two words"`, the older `ENV A value`, `ARG A`,
/// `ARG A=default`; a line ending in `\` continues the instruction, and comment lines inside it
/// are dropped, as docker reads them.
///
/// `ENV` of a build stage does not reach an image: a stage that later stages only copy from
/// (`COPY --from=builder`, `RUN --mount=...,from=builder`), and never build on
/// (`FROM builder`), is a builder, and its `ENV` names are left out (`ENV CRON_SECRET=test` to
/// satisfy a build-time check provides nothing at run time). `ARG` names are build arguments
/// whatever the stage. One pass over the lines, one over the names found.
fn dockerfile_names(text: &str) -> Vec<(String, usize, Instruction)> {
    let mut stages = Stages::default();
    let mut found: Vec<(String, usize, Instruction, Option<usize>)> = Vec::new();
    let mut logical = String::new();
    let mut start = 0;
    let mut continuing = false;
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if continuing && trimmed.starts_with('#') {
            continue;
        }
        if !continuing {
            logical.clear();
            start = i + 1;
        }
        match trimmed.strip_suffix('\\') {
            Some(head) => {
                logical.push_str(head);
                logical.push(' ');
                continuing = true;
            }
            None => {
                logical.push_str(trimmed);
                continuing = false;
                instruction(&logical, start, &mut stages, &mut found);
            }
        }
    }
    if continuing {
        instruction(&logical, start, &mut stages, &mut found);
    }
    found
        .into_iter()
        .filter(|(_, _, kind, stage)| {
            *kind == Instruction::Arg || !stage.is_some_and(|s| stages.is_builder(s))
        })
        .map(|(name, line, kind, _)| (name, line, kind))
        .collect()
}

/// The build stages of a Dockerfile seen so far.
#[derive(Default)]
struct Stages {
    /// How many stages have begun.
    count: usize,
    /// Stage names (lowercase: stage names ignore case) and their stages.
    names: std::collections::HashMap<String, usize>,
    /// Stages a later stage copies from, and stages a later stage is built `FROM`.
    copied: std::collections::HashSet<usize>,
    based_on: std::collections::HashSet<usize>,
}

impl Stages {
    /// The stage a `FROM` or `--from=` refers to: by name, or by index.
    fn find(&self, reference: &str) -> Option<usize> {
        let reference = reference.to_ascii_lowercase();
        self.names
            .get(&reference)
            .copied()
            .or_else(|| reference.parse().ok().filter(|i| *i < self.count))
    }

    fn is_builder(&self, stage: usize) -> bool {
        self.copied.contains(&stage) && !self.based_on.contains(&stage)
    }

    fn current(&self) -> Option<usize> {
        self.count.checked_sub(1)
    }
}

fn instruction(
    logical: &str,
    line: usize,
    stages: &mut Stages,
    out: &mut Vec<(String, usize, Instruction, Option<usize>)>,
) {
    let mut words = logical.splitn(2, char::is_whitespace);
    let keyword = words.next().unwrap_or_default().to_ascii_uppercase();
    let tokens = dockerfile_tokens(words.next().unwrap_or_default());
    let kind = match keyword.as_str() {
        "ENV" => Instruction::Env,
        "ARG" => Instruction::Arg,
        "FROM" => {
            let mut args = tokens.iter().filter(|t| !t.starts_with("--"));
            if let Some(base) = args.next().and_then(|image| stages.find(image)) {
                stages.based_on.insert(base);
            }
            if let (Some(as_word), Some(name)) = (args.next(), args.next())
                && as_word.eq_ignore_ascii_case("as")
            {
                stages
                    .names
                    .entry(name.to_ascii_lowercase())
                    .or_insert(stages.count);
            }
            stages.count += 1;
            return;
        }
        "COPY" | "ADD" | "RUN" => {
            for token in &tokens {
                let from = match token.strip_prefix("--from=") {
                    Some(stage) => Some(stage),
                    None => token.strip_prefix("--mount=").and_then(|options| {
                        options.split(',').find_map(|o| o.strip_prefix("from="))
                    }),
                };
                if let Some(stage) = from.and_then(|f| stages.find(f)) {
                    stages.copied.insert(stage);
                }
            }
            return;
        }
        _ => return,
    };
    // `ENV NAME value...`: the older form names one variable, the rest is its value
    let legacy = kind == Instruction::Env && tokens.first().is_some_and(|t| !t.contains('='));
    for token in tokens.iter().take(if legacy { 1 } else { usize::MAX }) {
        let name = token.split('=').next().unwrap_or_default();
        if !name.is_empty() && name_len(name.as_bytes()) == name.len() {
            out.push((name.to_string(), line, kind, stages.current()));
        }
    }
}

/// Splits the arguments of an instruction on whitespace outside quotes; a backslash escapes the
/// next character.
fn dockerfile_tokens(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, quote) {
            ('\\', _) => {
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            ('"' | '\'', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            (w, None) if w.is_whitespace() => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, usize)]) -> Vec<(String, usize)> {
        list.iter().map(|(n, l)| (n.to_string(), *l)).collect()
    }

    #[test]
    fn well_known_names() {
        assert_eq!(well_known("COMPOSE_PROJECT_NAME"), Some("docker compose"));
        assert_eq!(well_known("POSTGRES_PASSWORD"), Some("the postgres image"));
        assert_eq!(well_known("AWS_SECRET_ACCESS_KEY"), Some("the AWS SDKs"));
        assert_eq!(
            well_known("NEW_RELIC_LICENSE_KEY"),
            Some("the New Relic agent")
        );
        assert_eq!(well_known("TURBO_ENV_MODE"), Some("Turborepo"));
        assert_eq!(well_known("AUTHLIB_INSECURE_TRANSPORT"), Some("Authlib"));
        assert_eq!(
            well_known("https_proxy"),
            Some("HTTP clients (proxy settings)")
        );
        assert_eq!(well_known("npm_config_registry"), Some("npm"));
        assert_eq!(
            well_known("PYTHONUNBUFFERED"),
            Some("the Python interpreter")
        );
        // a prefix alone, other cases and names that merely start alike are not known
        for name in [
            "COMPOSE_",
            "compose_project_name",
            "POSTGRES_HOST",
            "AWS_S3_BUCKET",
            "MY_AWS_REGION",
            "NEWRELIC",
            "DATABASE_URL",
        ] {
            assert_eq!(well_known(name), None, "{name}");
        }
    }

    #[test]
    fn file_kinds() {
        for (name, kind) in [
            ("docker-compose.yml", Some(FileKind::Compose)),
            ("docker-compose.postgres.yaml", Some(FileKind::Compose)),
            ("compose.yaml", Some(FileKind::Compose)),
            ("compose.override.yml", Some(FileKind::Compose)),
            ("Dockerfile", Some(FileKind::Dockerfile)),
            ("Dockerfile.api.dev", Some(FileKind::Dockerfile)),
            ("api.Dockerfile", Some(FileKind::Dockerfile)),
            ("Containerfile", Some(FileKind::Dockerfile)),
            ("entrypoint.sh", Some(FileKind::Shell)),
            ("run", Some(FileKind::MaybeScript)),
            ("docker-compose.md", None),
            ("config.yml", None),
            ("app.py", None),
        ] {
            assert_eq!(file_kind(name), kind, "{name}");
        }
    }

    #[test]
    fn shebangs() {
        for line in [
            "#!/bin/sh",
            "#!/bin/bash -e",
            "#!/usr/bin/env bash",
            "#!/command/with-contenv bash",
            "#!/bin/dash",
        ] {
            assert!(is_shell_shebang(line), "{line}");
        }
        for line in ["#!/usr/bin/env python3", "#!/usr/bin/node", "# sh", "bash"] {
            assert!(!is_shell_shebang(line), "{line}");
        }
    }

    #[test]
    fn shell_reads() {
        let script = "\
#!/bin/sh
set -e
echo \"$GREETING, ${NAME:-${DEFAULT_NAME}}\" # not $IN_COMMENT
echo '$SINGLE' \\$ESCAPED ${#LENGTH} ${!INDIRECT}
echo don't $AFTER_APOSTROPHE
echo $NEXT_LINE $1 $@ x#$NOT_A_COMMENT
";
        assert_eq!(
            shell_references(script),
            pairs(&[
                ("GREETING", 3),
                ("NAME", 3),
                ("DEFAULT_NAME", 3),
                ("LENGTH", 4),
                ("INDIRECT", 4),
                ("NEXT_LINE", 6),
                ("NOT_A_COMMENT", 6),
            ])
        );
    }

    #[test]
    fn dockerfile_declarations() {
        let text = "\
FROM python:3.12 AS base
ARG VERSION
arg BUILD_DATE=unknown OTHER_ARG
ENV PNGX_CONTAINERIZED=1 \\
    # a comment inside the instruction
    LANG=\"C.UTF-8\" PATH=/app/bin:$PATH
ENV LEGACY_NAME some value with = inside
ENV QUOTED=\"a b\" NEXT=2
RUN echo ENV NOT_AN_INSTRUCTION=1
# ENV COMMENTED=1
";
        let got: Vec<(String, usize, Instruction)> = dockerfile_names(text);
        let want = [
            ("VERSION", 2, Instruction::Arg),
            ("BUILD_DATE", 3, Instruction::Arg),
            ("OTHER_ARG", 3, Instruction::Arg),
            ("PNGX_CONTAINERIZED", 4, Instruction::Env),
            ("LANG", 4, Instruction::Env),
            ("PATH", 4, Instruction::Env),
            ("LEGACY_NAME", 7, Instruction::Env),
            ("QUOTED", 8, Instruction::Env),
            ("NEXT", 8, Instruction::Env),
        ]
        .map(|(n, l, i)| (n.to_string(), l, i));
        assert_eq!(got, want);
    }

    #[test]
    fn builder_stages_set_nothing_in_the_image() {
        let text = "\
ARG GLOBAL_ARG
FROM node:22 AS Builder
ARG BUILDER_ARG
ENV CRON_SECRET=test IN_BUILDER=1
FROM python:3.12 AS base
ENV FROM_BASE=1
FROM base AS app
ENV IN_APP=1
COPY --from=builder /out /app
COPY --from=base /x /y
RUN --mount=type=bind,from=1,target=/z true
FROM alpine AS tools
ENV IN_TOOLS=1
FROM scratch
COPY --from=tools \\
    /bin/x /x
";
        let got: Vec<(String, Instruction)> = dockerfile_names(text)
            .into_iter()
            .map(|(n, _, i)| (n, i))
            .collect();
        // `base` is built on, so its ENV reaches `app`; `builder` (stage 0, `from=1` is
        // `base`) and `tools` are only copied from
        let want = [
            ("GLOBAL_ARG", Instruction::Arg),
            ("BUILDER_ARG", Instruction::Arg),
            ("FROM_BASE", Instruction::Env),
            ("IN_APP", Instruction::Env),
        ]
        .map(|(n, i)| (n.to_string(), i));
        assert_eq!(got, want);
    }

    #[test]
    fn stage_references_are_linear() {
        // many stages and many references: one map lookup each
        let mut text = String::new();
        for i in 0..20_000 {
            // each stage copies from the one before: only the last is an image
            text.push_str(&format!(
                "FROM x AS s{i}\nENV E{i}=1\nCOPY --from=s{} /a /b\n",
                i.max(1) - 1
            ));
        }
        let names: Vec<String> = dockerfile_names(&text).into_iter().map(|n| n.0).collect();
        assert_eq!(names, ["E19999"]);
    }

    #[test]
    fn only_the_scanned_codes_dockerfiles_set_its_variables() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        for d in ["apps/server/src", "apps/web"] {
            std::fs::create_dir_all(root.join(d))?;
        }
        std::fs::write(root.join("Dockerfile"), "FROM x\nENV AT_TOP=1\n")?;
        std::fs::write(
            root.join("apps/server/Dockerfile"),
            "FROM x\nENV SERVER=1\n",
        )?;
        std::fs::write(root.join("apps/web/Dockerfile"), "FROM x\nENV WEB=1\n")?;
        let c = Consumers::collect(root, &root.join("apps/server"));
        assert!(c.set_by_image("AT_TOP").is_some() && c.set_by_image("SERVER").is_some());
        // another application's image: used, but it does not provide the server's variables
        assert!(c.set_by_image("WEB").is_none() && c.used("WEB"));
        let c = Consumers::collect(root, root);
        assert!(c.set_by_image("WEB").is_some());
        Ok(())
    }

    #[test]
    fn collects_from_a_repository() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        std::fs::create_dir_all(root.join("docker"))?;
        std::fs::create_dir_all(root.join("bin"))?;
        std::fs::create_dir_all(root.join("node_modules/x"))?;
        std::fs::create_dir_all(root.join("ignored"))?;
        std::fs::write(root.join(".gitignore"), "ignored/\n")?;
        std::fs::write(
            root.join("docker/docker-compose.yml"),
            "services:\n  db:\n    image: postgres:${PG_VERSION:-16}\n    command: sh -c 'echo $${IN_DB}'\n",
        )?;
        std::fs::write(
            root.join("docker/Dockerfile"),
            "FROM x\nARG BUILD_ARG\nENV SET_BY_IMAGE=1\n",
        )?;
        std::fs::write(
            root.join("docker/entrypoint.sh"),
            "exec app --port \"$APP_PORT\"\n",
        )?;
        std::fs::write(
            root.join("bin/start"),
            "#!/usr/bin/env bash\necho $FROM_BIN\n",
        )?;
        std::fs::write(
            root.join("bin/tool"),
            "#!/usr/bin/env python3\nprint('$NOT_SHELL')\n",
        )?;
        std::fs::write(root.join("node_modules/x/run.sh"), "echo $IN_DEPENDENCY\n")?;
        std::fs::write(root.join("ignored/run.sh"), "echo $IN_IGNORED\n")?;
        let c = Consumers::collect(root, root);
        for name in ["PG_VERSION", "BUILD_ARG"] {
            assert!(c.used(name) && !c.used_at_run_time(name), "{name}");
        }
        for name in [
            "IN_DB",
            "SET_BY_IMAGE",
            "APP_PORT",
            "FROM_BIN",
            "POSTGRES_DB",
        ] {
            assert!(c.used(name) && c.used_at_run_time(name), "{name}");
        }
        for name in ["NOT_SHELL", "IN_DEPENDENCY", "IN_IGNORED", "UNKNOWN"] {
            assert!(!c.used(name), "{name}");
        }
        let image = c.set_by_image("SET_BY_IMAGE").expect("set by the image");
        assert_eq!((image.path.as_str(), image.line), ("docker/Dockerfile", 3));
        assert_eq!(c.set_by_image("BUILD_ARG"), None);
        let first = c.first_use("IN_DB").expect("used");
        assert_eq!(
            (first.kind, first.path.as_str(), first.line),
            (UseKind::ComposeCommand, "docker/docker-compose.yml", 4)
        );
        Ok(())
    }
}
