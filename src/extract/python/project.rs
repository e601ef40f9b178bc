//! The project pass for Python: turns per-file facts into reads once every file is parsed.
//!
//! - pydantic-settings: a class is a settings class when a base is `BaseSettings`, or a class of
//!   the project that is one (in this file or another, followed through any number of levels).
//!   Its configuration (`env_prefix`, `case_sensitive`, `env_nested_delimiter`) is its own over
//!   its settings base's.
//! - Env helpers: a call whose callee resolves to a helper function (same file, or imported from
//!   the module that defines it) with a literal first argument reads that name (and name + suffix
//!   for `os.getenv(name + "_FILE")` helpers). One level: a helper that calls another helper
//!   with its parameter is not followed.
//! - Env reader instances imported from another module (`from .base import env`).
//!
//! Modules are named from paths relative to the scanned root (`app/core/settings.py` is
//! `app.core.settings`); an import matches a module when one dotted path ends with the other,
//! so scanning a subtree still resolves `from polar.config import settings`.
//!
//! Names made here (an `env_prefix` joined to a field name, a nested delimiter, an alias, a
//! helper's suffix) come from string literals: each passes [`plausible_name`], and one that
//! does not becomes a dynamic read (ENV201) naming the field, never a read of that name.
//!
//! Work: a nested model with a delimiter makes one variable per field of the model for every
//! field annotated with it, so a class of `F` such fields over a model of `S` fields makes
//! `F × S` names. At most [`MAX_NESTED_NAMES`] are made per scan; past that, each further nested
//! field becomes one dynamic read (ENV201) saying so, rather than reads silently left out.
//! Nesting is one level deep (a nested model's own nested models are not expanded), so models
//! that refer to each other cannot recurse.

use std::collections::{HashMap, HashSet};

use super::frameworks::{HelperDef, HelperFallback, Instance, PyCall, PyClass, PyField};
use crate::extract::{DynamicRead, FileFacts, Read, ReadExtra, ReadKind, plausible_name};
use crate::span::Position;

/// The dotted module name of a path relative to the scanned root.
pub fn module_path(path: &str) -> String {
    let stem = path.strip_suffix(".py").unwrap_or(path);
    let mut parts: Vec<&str> = stem
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.last() == Some(&"__init__") {
        parts.pop();
    }
    parts.join(".")
}

/// Do two dotted module paths name the same module (one ends with the other)?
fn same_module(a: &str, b: &str) -> bool {
    a == b
        || (a.len() > b.len() && a.ends_with(b) && a.as_bytes()[a.len() - b.len() - 1] == b'.')
        || (b.len() > a.len() && b.ends_with(a) && b.as_bytes()[b.len() - a.len() - 1] == b'.')
}

/// An absolute dotted path for a reference written in `module` (`is_package`: the file is an
/// `__init__.py`): `$self.x` and relative imports (`.parsers.x`) are made absolute.
fn absolute(reference: &str, module: &str, is_package: bool) -> String {
    if let Some(rest) = reference.strip_prefix("$self.") {
        return join(module, rest);
    }
    let dots = reference.bytes().take_while(|b| *b == b'.').count();
    if dots == 0 {
        return reference.to_string();
    }
    let mut package: Vec<&str> = module.split('.').filter(|p| !p.is_empty()).collect();
    if !is_package {
        package.pop();
    }
    for _ in 1..dots {
        package.pop();
    }
    join(&package.join("."), &reference[dots..])
}

fn join(module: &str, rest: &str) -> String {
    if module.is_empty() {
        rest.to_string()
    } else {
        format!("{module}.{rest}")
    }
}

/// Splits `a.b.name` into `("a.b", "name")`.
fn split_last(path: &str) -> (&str, &str) {
    path.rsplit_once('.').unwrap_or(("", path))
}

/// One Python file as the project pass sees it.
struct Module {
    module: String,
    is_package: bool,
}

/// Things defined at module level, indexed by their name (and by module and name, so that the
/// common case, a name defined in the module that asks, is one lookup however many modules
/// define it).
struct Index<'a, T> {
    by_name: HashMap<&'a str, Vec<(usize, &'a T)>>,
    by_module: HashMap<(&'a str, &'a str), (usize, &'a T)>,
}

impl<'a, T> Index<'a, T> {
    fn new() -> Self {
        Index {
            by_name: HashMap::new(),
            by_module: HashMap::new(),
        }
    }

    fn add(&mut self, modules: &'a [Module], name: &'a str, file: usize, item: &'a T) {
        self.by_name.entry(name).or_default().push((file, item));
        self.by_module
            .entry((modules[file].module.as_str(), name))
            .or_insert((file, item));
    }

    /// The item named `name` in the module `module`.
    fn find(&self, modules: &[Module], module: &str, name: &str) -> Option<(usize, &'a T)> {
        if let Some(found) = self.by_module.get(&(module, name)) {
            return Some(*found);
        }
        let candidates = self.by_name.get(name)?;
        candidates
            .iter()
            .find(|(f, _)| modules[*f].module == module)
            .or_else(|| {
                candidates
                    .iter()
                    .find(|(f, _)| same_module(&modules[*f].module, module))
            })
            .copied()
    }
}

/// Resolves every file's Python facts into reads, appended to each file's `reads`.
pub fn resolve(files: &mut [(&str, &mut FileFacts)]) {
    if files.iter().all(|(_, f)| f.python.is_empty()) {
        return;
    }
    let modules: Vec<Module> = files
        .iter()
        .map(|(path, _)| Module {
            module: module_path(path),
            is_package: path.ends_with("__init__.py"),
        })
        .collect();
    let mut new_reads: Vec<(usize, Read)> = Vec::new();
    let cut: Vec<(usize, DynamicRead)>;
    {
        let facts: Vec<&FileFacts> = files.iter().map(|(_, f)| &**f).collect();
        let mut classes = Index::new();
        let mut helpers: Index<HelperDef> = Index::new();
        let mut instances: Index<Instance> = Index::new();
        for (i, f) in facts.iter().enumerate() {
            for c in &f.python.classes {
                classes.add(&modules, &c.name, i, c);
            }
            for h in &f.python.helpers {
                helpers.add(&modules, &h.name, i, h);
            }
            for (name, inst) in &f.python.instances {
                instances.add(&modules, name, i, inst);
            }
        }
        let mut ctx = Project {
            modules: &modules,
            classes: &classes,
            settings: HashSet::new(),
        };
        ctx.settings = ctx.settings_classes(&facts);
        let mut nested = Nested {
            left: MAX_NESTED_NAMES,
            cut: Vec::new(),
        };
        for (i, f) in facts.iter().enumerate() {
            for class in &f.python.classes {
                if ctx.is_settings(class) {
                    settings_reads(&ctx, i, class, &mut new_reads, &mut nested);
                }
            }
            for call in &f.python.calls {
                call_reads(&ctx, i, call, &helpers, &instances, &mut new_reads);
            }
        }
        cut = nested.cut;
    }
    for (i, dynamic) in cut {
        files[i].1.dynamic.push(dynamic);
    }
    for (i, read) in new_reads {
        if plausible_name(&read.name) {
            files[i].1.reads.push(read);
        } else {
            // a literal that is no variable name: the read exists, but cannot be checked
            files[i].1.dynamic.push(unchecked(&read, None));
        }
    }
    for (_, facts) in files.iter_mut() {
        facts
            .reads
            .sort_by(|a, b| (a.position, &a.name, a.api).cmp(&(b.position, &b.name, b.api)));
        facts.reads.dedup();
    }
}

struct Project<'a> {
    modules: &'a [Module],
    classes: &'a Index<'a, PyClass>,
    /// The settings classes, by address (see [`Project::settings_classes`]).
    settings: HashSet<*const PyClass>,
}

/// Settings configuration after inheritance.
struct Config {
    prefix: String,
    case_sensitive: bool,
    delimiter: Option<String>,
}

const MAX_DEPTH: usize = 32;

/// The most variables nested models with a delimiter make in one scan.
pub const MAX_NESTED_NAMES: usize = 20_000;

/// What nested models with a delimiter may still make, and the fields cut past that.
struct Nested {
    left: usize,
    cut: Vec<(usize, DynamicRead)>,
}

/// A read envcheck cannot check, as a dynamic read at the read's place: its name is no variable
/// name, or (`limit`) the nested fields it stands for were past [`MAX_NESTED_NAMES`].
fn unchecked(read: &Read, limit: Option<usize>) -> DynamicRead {
    let what = read.extra.detail.clone().unwrap_or_else(|| "…".to_string());
    DynamicRead {
        position: read.position,
        api: read.api,
        expression: match limit {
            Some(n) => format!("{what}: nested fields past the limit of {n} per scan"),
            None => what,
        },
        prefix: None,
    }
}

impl Project<'_> {
    /// The class a base path names, as `(file, class)`.
    fn base_class(&self, file: usize, base: &str) -> Option<(usize, &PyClass)> {
        let m = &self.modules[file];
        let abs = absolute(base, &m.module, m.is_package);
        let (module, name) = split_last(&abs);
        self.classes.find(self.modules, module, name)
    }

    /// Every settings class of the project: those with a base named `BaseSettings`, then, going
    /// down the inheritance edges, every class derived from one. Linear in the classes and
    /// their bases, whatever the inheritance graph looks like (chains, diamonds, cycles).
    fn settings_classes(&self, facts: &[&FileFacts]) -> HashSet<*const PyClass> {
        let mut derived: HashMap<*const PyClass, Vec<&PyClass>> = HashMap::new();
        let mut queue: Vec<&PyClass> = Vec::new();
        for (file, f) in facts.iter().enumerate() {
            for class in &f.python.classes {
                for base in &class.bases {
                    if split_last(base).1 == "BaseSettings" {
                        queue.push(class);
                    } else if let Some((_, parent)) = self.base_class(file, base) {
                        derived
                            .entry(std::ptr::from_ref(parent))
                            .or_default()
                            .push(class);
                    }
                }
            }
        }
        let mut settings = HashSet::new();
        while let Some(class) = queue.pop() {
            let key = std::ptr::from_ref(class);
            if settings.insert(key)
                && let Some(children) = derived.get(&key)
            {
                queue.extend(children.iter().copied());
            }
        }
        settings
    }

    fn is_settings(&self, class: &PyClass) -> bool {
        self.settings.contains(&std::ptr::from_ref(class))
    }

    fn config(&self, file: usize, class: &PyClass, depth: usize) -> Config {
        let inherited = class
            .bases
            .iter()
            .filter(|_| depth < MAX_DEPTH)
            .filter_map(|b| self.base_class(file, b))
            .find(|(_, c)| !std::ptr::eq(*c, class) && self.is_settings(c))
            .map(|(f, c)| self.config(f, c, depth + 1));
        let inherited = inherited.unwrap_or(Config {
            prefix: String::new(),
            case_sensitive: false,
            delimiter: None,
        });
        Config {
            prefix: class.config.env_prefix.clone().unwrap_or(inherited.prefix),
            case_sensitive: class
                .config
                .case_sensitive
                .unwrap_or(inherited.case_sensitive),
            delimiter: class
                .config
                .nested_delimiter
                .clone()
                .or(inherited.delimiter),
        }
    }
}

fn settings_reads(
    ctx: &Project,
    file: usize,
    class: &PyClass,
    out: &mut Vec<(usize, Read)>,
    nested: &mut Nested,
) {
    let config = ctx.config(file, class, 0);
    for field in &class.fields {
        field_reads(ctx, file, class, field, &config, out, nested);
    }
}

fn env_name(config: &Config, name: &str) -> String {
    if config.case_sensitive {
        name.to_string()
    } else {
        name.to_uppercase()
    }
}

fn field_reads(
    ctx: &Project,
    file: usize,
    class: &PyClass,
    field: &PyField,
    config: &Config,
    out: &mut Vec<(usize, Read)>,
    nested: &mut Nested,
) {
    let detail = format!("{}.{}", class.name, field.name);
    let read = |name: String, kind: ReadKind| Read {
        name,
        position: field.position,
        end: after(field.position, field.name.chars().count()),
        kind,
        api: "pydantic",
        extra: ReadExtra {
            default: field.default.clone(),
            detail: Some(detail.clone()),
            case_insensitive: !config.case_sensitive,
            when: field.when,
            context: field.context.clone(),
            ..ReadExtra::default()
        },
    };
    if !field.aliases.is_empty() {
        // Aliases are not prefixed. With several choices, any one satisfies the field: the
        // first carries the field's kind, the others are alternatives.
        for (i, alias) in field.aliases.iter().enumerate() {
            let kind = if i == 0 {
                field.kind
            } else {
                ReadKind::Optional
            };
            out.push((file, read(env_name(config, alias), kind)));
        }
        return;
    }
    let base = format!("{}{}", config.prefix, field.name);
    // A nested model with a delimiter: one variable per nested field, `PARENT__CHILD`.
    if let Some(delimiter) = &config.delimiter {
        let annotation = field.annotation.trim();
        let model = ctx
            .base_class(file, &format!("$self.{annotation}"))
            .filter(|(_, c)| !ctx.is_settings(c) && !c.fields.is_empty());
        if let Some((_, model)) = model {
            if model.fields.len() > nested.left {
                // every later nested field is cut too, each one a dynamic read saying so
                nested.left = 0;
                let stand_in = read(base, field.kind);
                nested
                    .cut
                    .push((file, unchecked(&stand_in, Some(MAX_NESTED_NAMES))));
                return;
            }
            nested.left -= model.fields.len();
            for sub in &model.fields {
                let kind = match field.kind {
                    ReadKind::Required => sub.kind,
                    _ if sub.kind == ReadKind::Required => ReadKind::Optional,
                    _ => sub.kind,
                };
                let name = format!("{base}{delimiter}{}", sub.name);
                out.push((file, read(env_name(config, &name), kind)));
            }
            return;
        }
    }
    out.push((file, read(env_name(config, &base), field.kind)));
}

fn call_reads(
    ctx: &Project,
    file: usize,
    call: &PyCall,
    helpers: &Index<HelperDef>,
    instances: &Index<Instance>,
    out: &mut Vec<(usize, Read)>,
) {
    let m = &ctx.modules[file];
    let abs = absolute(&call.callee, &m.module, m.is_package);
    let (module, name) = split_last(&abs);
    // An env helper function.
    if let Some(name_arg) = &call.name
        && let Some((helper_file, helper)) = helpers.find(ctx.modules, module, name)
    {
        // every suffix variant of the helper, from the file that defines it
        let variants = helpers.by_name.get(name).into_iter().flatten();
        for (_, h) in variants.filter(|(f, h)| *f == helper_file && h.name == helper.name) {
            out.push((
                file,
                Read {
                    name: format!("{name_arg}{}", h.suffix),
                    position: call.position,
                    end: quoted_end(call),
                    kind: helper_kind(h, call),
                    api: "env helper",
                    extra: ReadExtra {
                        detail: Some(h.name.clone()),
                        when: call.when,
                        context: call.context.clone(),
                        ..ReadExtra::default()
                    },
                },
            ));
        }
        return;
    }

    // A django-environ / decouple instance from another module: `env.str("X")`, `env("X")`.
    for (instance_path, method) in [(abs.as_str(), ""), (module, name)] {
        let (inst_module, inst_name) = split_last(instance_path);
        let Some((_, instance)) = instances.find(ctx.modules, inst_module, inst_name) else {
            continue;
        };
        if let Some(read) = instance_read(instance, method, call) {
            out.push((file, read));
        }
        return;
    }
}

/// The position `chars` characters after `start` on the same line.
fn after(start: Position, chars: usize) -> Position {
    Position {
        line: start.line,
        column: start.column + chars,
    }
}

/// The end of a call's literal first argument (`"X"`, quotes included), or of the call's
/// position when it has none.
fn quoted_end(call: &PyCall) -> Position {
    after(
        call.position,
        call.name.as_ref().map_or(1, |n| n.chars().count() + 2),
    )
}

fn helper_kind(helper: &HelperDef, call: &PyCall) -> ReadKind {
    match &helper.fallback {
        HelperFallback::None => helper.inner,
        HelperFallback::Value => ReadKind::Default,
        HelperFallback::Param {
            index,
            name,
            declared,
        } => match call.arg(*index, name) {
            Some(true) => ReadKind::Default,
            Some(false) => helper.inner,
            None if *declared => ReadKind::Default,
            None => helper.inner,
        },
    }
}

fn instance_read(instance: &Instance, method: &str, call: &PyCall) -> Option<Read> {
    let (name, kind, api) = match instance {
        Instance::Decouple => {
            if !method.is_empty() {
                return None;
            }
            let kind = match call.arg(1, "default") {
                Some(true) => ReadKind::Default,
                Some(false) => ReadKind::Optional,
                None => ReadKind::Required,
            };
            (call.name.clone()?, kind, "decouple")
        }
        Instance::DjangoEnv { scheme_defaults } => {
            let implied = match method {
                "" | "str" | "bool" | "int" | "float" | "json" | "list" | "tuple" | "dict"
                | "url" | "path" | "bytes" => None,
                "db" | "db_url" => Some("DATABASE_URL"),
                "cache" | "cache_url" => Some("CACHE_URL"),
                "email" | "email_url" => Some("EMAIL_URL"),
                "search_url" => Some("SEARCH_URL"),
                _ => return None,
            };
            let name = call.name.clone().or(implied.map(str::to_string))?;
            let default = match method {
                "" | "list" | "tuple" | "dict" => call
                    .keywords
                    .iter()
                    .find(|(n, _)| n == "default")
                    .map(|(_, v)| *v),
                _ => call.arg(1, "default"),
            };
            let kind = match default {
                Some(true) => ReadKind::Default,
                Some(false) => ReadKind::Optional,
                None if scheme_defaults.contains(&name) => ReadKind::Default,
                None => ReadKind::Required,
            };
            (name, kind, "django-environ")
        }
    };
    Some(Read {
        end: quoted_end(call),
        name,
        position: call.position,
        kind,
        api,
        extra: ReadExtra {
            when: call.when,
            context: call.context.clone(),
            ..ReadExtra::default()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{ReadKind::*, extract};
    use crate::lang::{Language, Parsers};

    /// `(path, name, kind, api)` of every read in a project of in-memory files.
    fn project(files: &[(&str, &str)]) -> Vec<(String, String, ReadKind, &'static str)> {
        let mut parsers = Parsers::default();
        let mut facts: Vec<FileFacts> = files
            .iter()
            .map(|(_, src)| extract(Language::Python, src.as_bytes(), &mut parsers))
            .collect();
        let mut refs: Vec<(&str, &mut FileFacts)> = files
            .iter()
            .map(|(p, _)| *p)
            .zip(facts.iter_mut())
            .collect();
        resolve(&mut refs);
        let mut out = Vec::new();
        for ((path, _), f) in files.iter().zip(&facts) {
            for r in &f.reads {
                out.push((path.to_string(), r.name.clone(), r.kind, r.api));
            }
        }
        out
    }

    fn has(
        reads: &[(String, String, ReadKind, &'static str)],
        path: &str,
        name: &str,
        kind: ReadKind,
    ) -> bool {
        reads
            .iter()
            .any(|(p, n, k, _)| p == path && n == name && *k == kind)
    }

    fn names(reads: &[(String, String, ReadKind, &'static str)]) -> Vec<String> {
        let mut v: Vec<String> = reads.iter().map(|r| r.1.clone()).collect();
        v.sort();
        v.dedup();
        v
    }

    #[test]
    fn module_paths_and_matching() {
        assert_eq!(module_path("src/app/settings.py"), "src.app.settings");
        assert_eq!(module_path("src/app/__init__.py"), "src.app");
        assert!(same_module(
            "src.paperless.settings.parsers",
            "paperless.settings.parsers"
        ));
        assert!(same_module("config", "polar.config"));
        assert!(!same_module("myconfig", "config"));
        assert_eq!(
            absolute(".parsers.get", "pkg.settings", true),
            "pkg.settings.parsers.get"
        );
        assert_eq!(
            absolute(".parsers.get", "pkg.settings.base", false),
            "pkg.settings.parsers.get"
        );
        assert_eq!(absolute("..util.f", "pkg.a.b", false), "pkg.util.f");
        assert_eq!(absolute("$self.f", "pkg.a", false), "pkg.a.f");
    }

    #[test]
    fn pydantic_v2_fields_prefix_aliases_and_kinds() {
        let src = r#"
from typing import ClassVar, Optional
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

class Settings(BaseSettings):
    database_url: str
    debug: bool = False
    sentry_dsn: str | None = None
    region: Optional[str] = None
    workers: int = Field(4, ge=1)
    secret: str = Field(...)
    tags: list[str] = Field(default_factory=list)
    api_key: str = Field(validation_alias="SERVICE_API_KEY")
    redis: str = Field("redis://", validation_alias=AliasChoices("REDIS_URL", "CACHE_URL"))
    _private: str = "x"
    VERSION: ClassVar[str] = "1"

    model_config = SettingsConfigDict(env_prefix="app_")

    @property
    def computed(self) -> str:
        return "x"

    def method(self):
        pass
"#;
        let reads = project(&[("app/config.py", src)]);
        let want = [
            ("APP_DATABASE_URL", Required),
            ("APP_DEBUG", Default),
            ("APP_SENTRY_DSN", Optional),
            ("APP_REGION", Optional),
            ("APP_WORKERS", Default),
            ("APP_SECRET", Required),
            ("APP_TAGS", Default),
            ("SERVICE_API_KEY", Required),
            ("REDIS_URL", Default),
            ("CACHE_URL", Optional),
        ];
        for (name, kind) in want {
            assert!(
                has(&reads, "app/config.py", name, kind),
                "{name} {kind:?} in {reads:?}"
            );
        }
        assert_eq!(reads.len(), want.len(), "{reads:?}");
    }

    #[test]
    fn pydantic_prefix_after_the_fields_and_case_sensitivity() {
        let src = "from pydantic_settings import BaseSettings, SettingsConfigDict\nclass S(BaseSettings):\n    POLAR_X: str = 'a'\n    y: int = 1\n    model_config = SettingsConfigDict(env_prefix='polar_', case_sensitive=False)\n\nclass T(BaseSettings):\n    mixedCase: str = 'a'\n    model_config = SettingsConfigDict(case_sensitive=True)\n";
        let reads = project(&[("config.py", src)]);
        assert_eq!(names(&reads), vec!["POLAR_POLAR_X", "POLAR_Y", "mixedCase"]);
    }

    #[test]
    fn pydantic_v1_config_and_env_field() {
        let src = "from pydantic import BaseSettings, Field\nclass S(BaseSettings):\n    token: str = Field(..., env='GITHUB_TOKEN')\n    level: str = 'info'\n    class Config:\n        env_prefix = 'svc_'\n";
        let reads = project(&[("s.py", src)]);
        assert!(has(&reads, "s.py", "GITHUB_TOKEN", Required), "{reads:?}");
        assert!(has(&reads, "s.py", "SVC_LEVEL", Default), "{reads:?}");
    }

    #[test]
    fn pydantic_inheritance_across_files() {
        let base = "from pydantic_settings import BaseSettings, SettingsConfigDict\nclass Base(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix='shop_')\n    log_level: str = 'info'\n";
        let app = "from app.core.base import Base\n\nclass AppSettings(Base):\n    database_url: str\n\nclass Plain:\n    x: int\n";
        let other =
            "from pydantic import BaseModel\nclass NotSettings(BaseModel):\n    not_env: str\n";
        let reads = project(&[
            ("app/core/base.py", base),
            ("app/settings.py", app),
            ("app/models.py", other),
        ]);
        assert!(
            has(&reads, "app/core/base.py", "SHOP_LOG_LEVEL", Default),
            "{reads:?}"
        );
        assert!(
            has(&reads, "app/settings.py", "SHOP_DATABASE_URL", Required),
            "{reads:?}"
        );
        assert_eq!(names(&reads), vec!["SHOP_DATABASE_URL", "SHOP_LOG_LEVEL"]);
    }

    #[test]
    fn pydantic_nested_models() {
        let src = "from pydantic import BaseModel\nfrom pydantic_settings import BaseSettings, SettingsConfigDict\nclass Db(BaseModel):\n    host: str\n    port: int = 5432\nclass S(BaseSettings):\n    db: Db\n    model_config = SettingsConfigDict(env_nested_delimiter='__')\nclass T(BaseSettings):\n    db: Db\n";
        let reads = project(&[("s.py", src)]);
        assert!(has(&reads, "s.py", "DB__HOST", Required), "{reads:?}");
        assert!(has(&reads, "s.py", "DB__PORT", Default), "{reads:?}");
        // without a delimiter the nested model is one JSON variable
        assert!(has(&reads, "s.py", "DB", Required), "{reads:?}");
    }

    #[test]
    fn plain_models_and_field_aliases_outside_settings_are_not_reads() {
        let src = "from pydantic import BaseModel, Field\nclass User(BaseModel):\n    name: str = Field(alias='userName')\n    age: int\n";
        assert!(project(&[("m.py", src)]).is_empty());
    }

    #[test]
    fn django_environ() {
        let settings = r#"
import environ
env = environ.Env(DEBUG=(bool, False), ALLOWED=(list,))
environ.Env.read_env()
DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY")
ALLOWED = env.list("ALLOWED_HOSTS", default=[])
TIMEOUT = env.int("TIMEOUT", 30)
ITEMS = env.list("ITEMS", str)
DATABASES = {"default": env.db()}
CACHES = {"default": env.cache_url("REDIS_URL", default="redis://")}
EMAIL = env.email()
OPT = env.str("OPT", default=None)
"#;
        let reads = project(&[("proj/settings/base.py", settings)]);
        let want = [
            ("DEBUG", Default),
            ("SECRET_KEY", Required),
            ("ALLOWED_HOSTS", Default),
            ("TIMEOUT", Default),
            ("ITEMS", Required),
            ("DATABASE_URL", Required),
            ("REDIS_URL", Default),
            ("EMAIL_URL", Required),
            ("OPT", Optional),
        ];
        for (name, kind) in want {
            assert!(
                has(&reads, "proj/settings/base.py", name, kind),
                "{name} {kind:?} in {reads:?}"
            );
        }
        assert_eq!(reads.len(), want.len(), "{reads:?}");
    }

    #[test]
    fn django_environ_instance_imported_from_another_module() {
        let base = "import environ\nenv = environ.Env(CACHE_TTL=(int, 60))\n";
        let prod = "from .base import env\nfrom proj.settings.base import env as e2\nSENTRY = env('SENTRY_DSN')\nTTL = env.int('CACHE_TTL')\nDB = e2.db()\n";
        let reads = project(&[
            ("proj/settings/base.py", base),
            ("proj/settings/prod.py", prod),
        ]);
        assert!(
            has(&reads, "proj/settings/prod.py", "SENTRY_DSN", Required),
            "{reads:?}"
        );
        assert!(
            has(&reads, "proj/settings/prod.py", "CACHE_TTL", Default),
            "{reads:?}"
        );
        assert!(
            has(&reads, "proj/settings/prod.py", "DATABASE_URL", Required),
            "{reads:?}"
        );
    }

    #[test]
    fn decouple() {
        let src = "from decouple import config as cfg, Csv\nfrom decouple import AutoConfig\nDEBUG = cfg('DEBUG', default=False, cast=bool)\nSECRET = cfg('SECRET_KEY')\nHOSTS = cfg('ALLOWED_HOSTS', cast=Csv())\nauto = AutoConfig(search_path='/etc')\nAPI = auto('API_URL', 'http://x')\nNONE = cfg('MAYBE', default=None)\n";
        let reads = project(&[("s.py", src)]);
        for (name, kind) in [
            ("DEBUG", Default),
            ("SECRET_KEY", Required),
            ("ALLOWED_HOSTS", Required),
            ("API_URL", Default),
            ("MAYBE", Optional),
        ] {
            assert!(
                has(&reads, "s.py", name, kind),
                "{name} {kind:?} in {reads:?}"
            );
        }
        // `config` from elsewhere is not decouple
        let other = "from myapp import config\nconfig('NOT_ENV')\n";
        assert!(project(&[("o.py", other)]).is_empty());
    }

    #[test]
    fn helpers_defined_in_another_module() {
        let parsers = r#"
import os

def get_bool_from_env(key: str, default: str = "NO") -> bool:
    return os.getenv(key, default).lower() in ("yes", "1")

def get_int_from_env(key: str, default: int | None = None) -> int | None:
    if key not in os.environ:
        return default
    return int(os.environ[key])

def require(name):
    return os.environ[name]

def get_path(key, default=None):
    if key not in os.environ:
        return default if default is None else Path(default).resolve()
    return Path(os.environ[key])

def get_list(key, separator=",", default=None):
    value = os.environ.get(key)
    if value is None:
        return default or []
    return value.split(separator)

def secret(name, default=None):
    path = os.getenv(name + "_FILE")
    return open(path).read() if path else os.getenv(name, default)
"#;
        let settings = r#"
from paperless.settings.parsers import get_bool_from_env, get_int_from_env
from .parsers import require, secret, get_path, get_list
import os

DEBUG = get_bool_from_env("PAPERLESS_DEBUG")
WORKERS = get_int_from_env("PAPERLESS_WORKERS")
THREADS = get_int_from_env("PAPERLESS_THREADS", 4)
KEY = require("PAPERLESS_KEY")
DB_PASS = secret("DB_PASSWORD")
LOCAL = local_env("LOCAL_X")
CERT = get_path("CERT_PATH")
MEDIA = get_path("MEDIA_ROOT", "/media")
HOSTS = get_list("ALLOWED_HOSTS", default=["localhost"])
PLAIN_LIST = get_list("PLAIN_LIST")

def local_env(name):
    return os.environ.get(name, "fallback")
"#;
        let reads = project(&[
            ("src/paperless/settings/parsers.py", parsers),
            ("src/paperless/settings/__init__.py", settings),
        ]);
        let p = "src/paperless/settings/__init__.py";
        for (name, kind) in [
            ("PAPERLESS_DEBUG", Default),
            ("PAPERLESS_WORKERS", Optional),
            ("PAPERLESS_THREADS", Default),
            ("PAPERLESS_KEY", Required),
            ("DB_PASSWORD", Optional),
            ("DB_PASSWORD_FILE", Optional),
            ("LOCAL_X", Default),
            ("CERT_PATH", Optional),
            ("MEDIA_ROOT", Default),
            ("ALLOWED_HOSTS", Default),
            ("PLAIN_LIST", Optional),
        ] {
            assert!(has(&reads, p, name, kind), "{name} {kind:?} in {reads:?}");
        }
    }

    #[test]
    fn calls_to_unrelated_functions_are_not_reads() {
        let src = "import logging\nlog = logging.getLogger('APP')\nprint('HELLO')\nd = {}\nd.get('KEY')\n";
        assert!(project(&[("a.py", src)]).is_empty());
    }
}
