//! Variables that the platform sets: [`is_platform_variable`].
//!
//! The operating system, the login shell, language runtimes, CI services and hosting platforms
//! set these, so they are never reported missing or undocumented.
//!
//! Choices:
//!
//! - `HOST` is not a platform variable: applications usually define it. `PORT` is. Vite's
//!   `import.meta.env` built-ins (`MODE`, `DEV`, `PROD`, `SSR`, `BASE_URL`) are not here: the
//!   extractor never reports them as reads, so a Python `BASE_URL` is still checked.
//! - Under a platform prefix (`HEROKU_`, `VERCEL_`, `FLY_`, ...), a secret-named variable
//!   (`FLY_API_TOKEN`, `HEROKU_API_KEY`) is the project's own, except for the few secrets the
//!   platform injects itself (`CI_JOB_TOKEN`, `ACTIONS_RUNTIME_TOKEN`, ...). GitHub's variables
//!   are listed one by one rather than as `GITHUB_*`, because applications define
//!   `GITHUB_TOKEN`, `GITHUB_CLIENT_ID` and `GITHUB_SECRET` themselves.
//! - Case-insensitive, for names read through case-insensitive settings classes, except npm's
//!   lower-case `npm_*`.

use super::names::is_secret_name;

/// Set by the operating system, the login shell or the terminal.
const OS_NAMES: &[&str] = &[
    "HOME",
    "PATH",
    "USER",
    "LOGNAME",
    "SHELL",
    "PWD",
    "OLDPWD",
    "SHLVL",
    "LANG",
    "LANGUAGE",
    "TZ",
    "TERM",
    "COLORTERM",
    "HOSTNAME",
    "TMPDIR",
    "TEMP",
    "TMP",
    // Windows.
    "USERPROFILE",
    "USERNAME",
    "APPDATA",
    "LOCALAPPDATA",
    "COMPUTERNAME",
    "SYSTEMROOT",
    "WINDIR",
    "COMSPEC",
    "PATHEXT",
];
/// Locale and XDG base directories, set by the system or the desktop session.
const OS_PREFIXES: &[&str] = &["LC_", "XDG_"];

/// Set by language runtimes, package managers and virtual environments.
const RUNTIME_NAMES: &[&str] = &[
    // Node, and frameworks and hosts that set the mode.
    "NODE_ENV",
    "NODE_OPTIONS",
    // Python and its virtual environments.
    "PYTHONPATH",
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONHASHSEED",
    "PYTHONIOENCODING",
    "VIRTUAL_ENV",
    // Next.js, during build and at run time.
    "NEXT_RUNTIME",
    "NEXT_PHASE",
];
/// Next.js internals, Deno and Bun.
const RUNTIME_PREFIXES: &[&str] = &["__NEXT_", "DENO_", "BUN_"];

/// Set by CI services for every job.
const CI_NAMES: &[&str] = &["CI", "GITLAB_CI", "CIRCLECI", "TRAVIS", "BUILDKITE"];
/// GitHub Actions' default variables, one by one: applications define other `GITHUB_*` names
/// themselves.
const GITHUB_ACTIONS_NAMES: &[&str] = &[
    "GITHUB_ACTION",
    "GITHUB_ACTION_PATH",
    "GITHUB_ACTION_REPOSITORY",
    "GITHUB_ACTIONS",
    "GITHUB_ACTOR",
    "GITHUB_ACTOR_ID",
    "GITHUB_API_URL",
    "GITHUB_BASE_REF",
    "GITHUB_ENV",
    "GITHUB_EVENT_NAME",
    "GITHUB_EVENT_PATH",
    "GITHUB_GRAPHQL_URL",
    "GITHUB_HEAD_REF",
    "GITHUB_JOB",
    "GITHUB_OUTPUT",
    "GITHUB_PATH",
    "GITHUB_REF",
    "GITHUB_REF_NAME",
    "GITHUB_REF_PROTECTED",
    "GITHUB_REF_TYPE",
    "GITHUB_REPOSITORY",
    "GITHUB_REPOSITORY_ID",
    "GITHUB_REPOSITORY_OWNER",
    "GITHUB_REPOSITORY_OWNER_ID",
    "GITHUB_RETENTION_DAYS",
    "GITHUB_RUN_ATTEMPT",
    "GITHUB_RUN_ID",
    "GITHUB_RUN_NUMBER",
    "GITHUB_SERVER_URL",
    "GITHUB_SHA",
    "GITHUB_STATE",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_TRIGGERING_ACTOR",
    "GITHUB_WORKFLOW",
    "GITHUB_WORKFLOW_REF",
    "GITHUB_WORKFLOW_SHA",
    "GITHUB_WORKSPACE",
];
/// GitHub Actions runners (`RUNNER_OS`, `ACTIONS_RUNTIME_URL`), GitLab CI (`CI_COMMIT_SHA`,
/// `GITLAB_USER_LOGIN`), Buildkite, CircleCI, Travis CI.
const CI_PREFIXES: &[&str] = &[
    "RUNNER_",
    "ACTIONS_",
    "CI_",
    "GITLAB_USER_",
    "BUILDKITE_",
    "CIRCLE_",
    "TRAVIS_",
];

/// Set by hosting platforms and orchestrators in the running service.
const HOSTING_NAMES: &[&str] = &[
    // Heroku, Render, Railway, Fly.io, Cloud Run, App Engine, ... all pass the listening port.
    "PORT",
    // Heroku.
    "DYNO",
    // Vercel, Netlify, Render.
    "VERCEL",
    "NETLIFY",
    "RENDER",
    // AWS Lambda and ECS.
    "AWS_EXECUTION_ENV",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "ECS_CONTAINER_METADATA_URI",
    "ECS_CONTAINER_METADATA_URI_V4",
    // Cloud Run (Knative).
    "K_SERVICE",
    "K_REVISION",
    "K_CONFIGURATION",
];
/// Kubernetes service links (kubelet), Heroku dyno metadata and add-ons, Vercel system
/// variables (also exposed to Next.js), Render, Fly.io, Railway, AWS Lambda, App Engine, Cloud
/// Functions, Cloud Run jobs.
const HOSTING_PREFIXES: &[&str] = &[
    "KUBERNETES_",
    "HEROKU_",
    "VERCEL_",
    "NEXT_PUBLIC_VERCEL_",
    "RENDER_",
    "FLY_",
    "RAILWAY_",
    "AWS_LAMBDA_",
    "GAE_",
    "FUNCTION_",
    "CLOUD_RUN_",
];

/// Secrets that CI services and hosts inject themselves, although the name says secret.
const INJECTED_SECRETS: &[&str] = &[
    "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "CI_JOB_TOKEN",
    "CI_JOB_JWT",
    "CI_JOB_JWT_V1",
    "CI_JOB_JWT_V2",
    "CI_REGISTRY_PASSWORD",
    "CI_DEPLOY_PASSWORD",
    "CI_DEPENDENCY_PROXY_PASSWORD",
    "BUILDKITE_AGENT_ACCESS_TOKEN",
    "VERCEL_OIDC_TOKEN",
    "VERCEL_AUTOMATION_BYPASS_SECRET",
];

/// dotenv-vault and dotenvx decryption keys: they unlock the env files and are read by the
/// loader, not by the project's code.
const DOTENV_KEY_PREFIXES: &[&str] = &["DOTENV_KEY", "DOTENV_PRIVATE_KEY", "DOTENV_PUBLIC_KEY"];

/// Whether `name` is set by the operating system, a runtime, a CI service or a hosting platform,
/// so that it is never reported missing or undocumented. A secret-named variable under a
/// platform prefix (`FLY_API_TOKEN`) is the project's own unless the platform injects it
/// (`CI_JOB_TOKEN`). Case-insensitive, except npm's lower-case `npm_*`.
pub fn is_platform_variable(name: &str) -> bool {
    // npm run injects npm_package_*, npm_config_*, npm_lifecycle_event, ...
    if name.starts_with("npm_") {
        return true;
    }
    let exact = [
        OS_NAMES,
        RUNTIME_NAMES,
        CI_NAMES,
        GITHUB_ACTIONS_NAMES,
        HOSTING_NAMES,
        INJECTED_SECRETS,
    ];
    if exact
        .iter()
        .any(|list| list.iter().any(|n| n.eq_ignore_ascii_case(name)))
    {
        return true;
    }
    if DOTENV_KEY_PREFIXES
        .iter()
        .any(|p| starts_with_ignore_case(name, p))
    {
        return true;
    }
    let prefixed = [OS_PREFIXES, RUNTIME_PREFIXES, CI_PREFIXES, HOSTING_PREFIXES]
        .iter()
        .any(|list| list.iter().any(|p| starts_with_ignore_case(name, p)));
    prefixed && !is_secret_name(name)
}

fn starts_with_ignore_case(name: &str, prefix: &str) -> bool {
    name.len() >= prefix.len()
        && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_variables() {
        let names = [
            "PORT",
            "HOME",
            "PATH",
            "USER",
            "SHELL",
            "PWD",
            "LANG",
            "LANGUAGE",
            "LC_ALL",
            "LC_CTYPE",
            "TZ",
            "TERM",
            "HOSTNAME",
            "TMPDIR",
            "TEMP",
            "TMP",
            "XDG_CONFIG_HOME",
            "NODE_ENV",
            "NODE_OPTIONS",
            "CI",
            "GITHUB_ACTIONS",
            "GITHUB_SHA",
            "GITHUB_REF_NAME",
            "GITHUB_WORKSPACE",
            "RUNNER_OS",
            "RUNNER_TEMP",
            "ACTIONS_RUNTIME_TOKEN",
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "GITLAB_CI",
            "CI_COMMIT_SHA",
            "CI_JOB_TOKEN",
            "CI_REGISTRY_PASSWORD",
            "GITLAB_USER_LOGIN",
            "BUILDKITE",
            "BUILDKITE_BRANCH",
            "BUILDKITE_AGENT_ACCESS_TOKEN",
            "CIRCLECI",
            "CIRCLE_SHA1",
            "TRAVIS",
            "TRAVIS_BRANCH",
            "KUBERNETES_SERVICE_HOST",
            "KUBERNETES_PORT",
            "DYNO",
            "HEROKU_APP_NAME",
            "HEROKU_SLUG_COMMIT",
            "VERCEL",
            "VERCEL_ENV",
            "VERCEL_URL",
            "VERCEL_GIT_COMMIT_SHA",
            "NEXT_PUBLIC_VERCEL_URL",
            "VERCEL_OIDC_TOKEN",
            "NETLIFY",
            "RENDER",
            "RENDER_EXTERNAL_URL",
            "FLY_APP_NAME",
            "FLY_REGION",
            "RAILWAY_ENVIRONMENT",
            "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_EXECUTION_ENV",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "K_SERVICE",
            "K_REVISION",
            "GAE_SERVICE",
            "FUNCTION_TARGET",
            "PYTHONPATH",
            "PYTHONUNBUFFERED",
            "PYTHONDONTWRITEBYTECODE",
            "VIRTUAL_ENV",
            "npm_package_version",
            "npm_lifecycle_event",
            "npm_config_registry",
            "NEXT_RUNTIME",
            "NEXT_PHASE",
            "__NEXT_PRIVATE_ORIGIN",
            "DENO_DEPLOYMENT_ID",
            "BUN_INSTALL",
            "DOTENV_KEY",
            "DOTENV_KEY_PRODUCTION",
            "DOTENV_PRIVATE_KEY",
            "DOTENV_PRIVATE_KEY_PRODUCTION",
            "DOTENV_PUBLIC_KEY_CI",
            // Case-insensitive, for names read through case-insensitive settings classes.
            "port",
            "home",
            "node_env",
        ];
        for name in names {
            assert!(is_platform_variable(name), "{name}");
        }
    }

    #[test]
    fn project_variables_are_not_platform_variables() {
        let names = [
            "HOST",
            "DATABASE_URL",
            "API_URL",
            "SECRET_KEY",
            "LOG_LEVEL",
            "GITHUB_TOKEN",
            "GITHUB_CLIENT_ID",
            "GITHUB_CLIENT_SECRET",
            "GITHUB_ID",
            "GITHUB_SECRET",
            "GITHUB_APP_PRIVATE_KEY",
            "GITLAB_TOKEN",
            "HEROKU_API_KEY",
            "VERCEL_TOKEN",
            "FLY_API_TOKEN",
            "RAILWAY_TOKEN",
            "RENDER_API_KEY",
            "NPM_TOKEN",
            "NODE_AUTH_TOKEN",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "NEXT_PUBLIC_API_URL",
            "VITE_API_URL",
            "MODE_OF_OPERATION",
            "DEVELOPER_EMAIL",
            "PATH_PREFIX",
            "",
        ];
        for name in names {
            assert!(!is_platform_variable(name), "{name}");
        }
    }

    // --- SecretShape -------------------------------------------------------------------------
}
