//! Env files whose values are stand-ins by convention: [`env_file_kind`].
//!
//! An example or template file (`.env.example`, `.env.docker.example`, `secrets.env.template`,
//! `.env.dist`, `.env.defaults`, `example.env`) documents keys with placeholders; a test env
//! file (`.env.test`, `.env.test.local`, `.env.testing`, `.env.ci`, `.env.e2e`) holds fixtures
//! for a test run. Their values are not the deployment's, so a committed one leaks nothing by
//! being a plaintext value; what matters in them is a value that looks like a *real* secret.
//!
//! Choices:
//!
//! - Judged on the file name's words, split at `.`, `-` and `_`, case-insensitive: a word that
//!   marks an example (`example`, `sample`, `template`, `tmpl`, `tpl`, `dist`, `defaults`) or a
//!   test run (`test`, `tests`, `testing`, `ci`, `e2e`, `spec`, `integration`, `jest`,
//!   `vitest`, `playwright`, `cypress`). Words, not substrings: `.env.latest` and
//!   `.env.distribution` are ordinary env files.
//! - A file under a test or fixture directory (`tests/`, `__tests__/`, `testdata/`,
//!   `fixtures/`, `e2e/`) is a test file whatever its name.
//! - An example mark wins over a test mark: `.env.test.example` documents a test setup.
//!
//! Work: one pass over the path.

/// What an env file holds, by the convention of its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvFileKind {
    /// Placeholders that document the keys: `.env.example`, `.env.template`, `.env.defaults`.
    Example,
    /// Fixtures for a test run: `.env.test`, `.env.testing`, `.env.ci`, `tests/.env`.
    Test,
    /// Anything else: values some environment runs with.
    Real,
}

/// Words of a file name that mark an example or template.
const EXAMPLE_WORDS: &[&str] = &[
    "example",
    "examples",
    "sample",
    "samples",
    "template",
    "templates",
    "tmpl",
    "tpl",
    "dist",
    "defaults",
];

/// Words of a file name that mark a test run's fixtures.
const TEST_WORDS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "ci",
    "e2e",
    "spec",
    "integration",
    "jest",
    "vitest",
    "playwright",
    "cypress",
];

/// Directories whose env files are test fixtures.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "testdata",
    "fixtures",
    "__fixtures__",
    "e2e",
];

/// The kind of the env file at `path` (relative, `/`-separated) by its name and directories.
pub fn env_file_kind(path: &str) -> EnvFileKind {
    let (dirs, name) = path.rsplit_once('/').unwrap_or(("", path));
    let mut test = false;
    for word in name
        .split(['.', '-', '_'])
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
    {
        if EXAMPLE_WORDS.contains(&word.as_str()) {
            return EnvFileKind::Example;
        }
        test |= TEST_WORDS.contains(&word.as_str());
    }
    if test
        || dirs
            .split('/')
            .any(|d| TEST_DIRS.iter().any(|t| t.eq_ignore_ascii_case(d)))
    {
        EnvFileKind::Test
    } else {
        EnvFileKind::Real
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        let cases = [
            (".env.example", EnvFileKind::Example),
            ("apps/web/.env.example", EnvFileKind::Example),
            (".env.sample", EnvFileKind::Example),
            (".env.template", EnvFileKind::Example),
            ("dev/secrets.env.template", EnvFileKind::Example),
            (".env.docker.example", EnvFileKind::Example),
            (".env.docker-lightweight.example", EnvFileKind::Example),
            (".env.local.example", EnvFileKind::Example),
            (".env.dist", EnvFileKind::Example),
            (".env.defaults", EnvFileKind::Example),
            ("example.env", EnvFileKind::Example),
            (".env.EXAMPLE", EnvFileKind::Example),
            (".env_sample", EnvFileKind::Example),
            (".env.test.example", EnvFileKind::Example),
            (".env.test", EnvFileKind::Test),
            (".env.test.local", EnvFileKind::Test),
            ("server/.env.testing", EnvFileKind::Test),
            (".env.ci", EnvFileKind::Test),
            (".env.e2e", EnvFileKind::Test),
            ("test.env", EnvFileKind::Test),
            ("tests/.env", EnvFileKind::Test),
            ("src/__tests__/fixtures/.env.production", EnvFileKind::Test),
            (".env", EnvFileKind::Real),
            (".env.production", EnvFileKind::Real),
            (".env.local", EnvFileKind::Real),
            (".env.dev", EnvFileKind::Real),
            (".env.latest", EnvFileKind::Real),
            (".env.distribution", EnvFileKind::Real),
            (".env.contest", EnvFileKind::Real),
            ("docker/compose/docker-compose.env", EnvFileKind::Real),
            ("latest/.env", EnvFileKind::Real),
            ("", EnvFileKind::Real),
        ];
        for (path, kind) in cases {
            assert_eq!(env_file_kind(path), kind, "{path}");
        }
    }
}
