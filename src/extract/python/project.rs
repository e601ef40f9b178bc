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

use super::frameworks::{HelperDef, HelperFallback, Instance, PyCall, PyClass, PyField, PyInit};
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
    // dynamic reads in the bodies of helpers whose calls all pass literal names: (file,
    // position, api) and the helper
    let mut resolved: Vec<(usize, Position, &'static str, String)> = Vec::new();
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
        let given = ctx.init_keywords(&facts);
        let mut helper_calls = HelperCalls::default();
        for (i, f) in facts.iter().enumerate() {
            for class in &f.python.classes {
                if ctx.is_settings(class) {
                    let given = given.get(&std::ptr::from_ref(class));
                    settings_reads(&ctx, i, class, given, &mut new_reads, &mut nested);
                }
            }
            for call in &f.python.calls {
                call_reads(
                    &ctx,
                    i,
                    call,
                    &helpers,
                    &instances,
                    &mut helper_calls,
                    &mut new_reads,
                );
            }
            for callee in &f.python.computed_calls {
                if let Some((helper_file, helper)) = ctx.helper(i, callee, &helpers) {
                    helper_calls
                        .computed
                        .insert((helper_file, helper.name.clone()));
                }
            }
        }
        for (i, f) in facts.iter().enumerate() {
            for key in &f.python.helper_keys {
                if helper_calls.resolves(i, &key.function, &key.param, &helpers) {
                    let how = format!("calls of {}()", key.function);
                    resolved.push((i, key.position, key.api, how));
                }
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
    for (i, position, api, how) in resolved {
        // a file's dynamic reads are sorted by position and api
        let dynamic = &mut files[i].1.dynamic;
        let at = dynamic.partition_point(|d| (d.position, d.api) < (position, api));
        for d in dynamic[at..]
            .iter_mut()
            .take_while(|d| d.position == position && d.api == api)
        {
            d.resolved.get_or_insert_with(|| how.clone());
        }
    }
    for (_, facts) in files.iter_mut() {
        facts
            .reads
            .sort_by(|a, b| (a.position, &a.name, a.api).cmp(&(b.position, &b.name, b.api)));
        facts.reads.dedup();
    }
}

/// What the calls of the project's env helpers pass.
#[derive(Default)]
struct HelperCalls {
    /// Helpers called with a literal name, by (file, helper name).
    called: HashSet<(usize, String)>,
    /// Helpers called at least once with a computed name.
    computed: HashSet<(usize, String)>,
}

impl HelperCalls {
    /// Is the function `function` of `file` a helper whose key parameter is `param`, called at
    /// least once, and only with literal names?
    fn resolves(
        &self,
        file: usize,
        function: &str,
        param: &str,
        helpers: &Index<HelperDef>,
    ) -> bool {
        let is_helper = helpers
            .by_name
            .get(function)
            .into_iter()
            .flatten()
            .any(|(f, h)| *f == file && h.key_param == param);
        let key = (file, function.to_string());
        is_helper && !self.computed.contains(&key) && self.called.contains(&key)
    }
}

/// Keyword arguments given to a class, over every call of it (and of its subclasses).
#[derive(Default)]
struct Given<'a> {
    /// How many calls.
    calls: usize,
    /// How many of them pass each keyword.
    keywords: HashMap<&'a str, usize>,
}

impl Given<'_> {
    /// Is `name` passed by every call (of which there is at least one)?
    fn always(&self, name: &str) -> bool {
        self.calls > 0 && self.keywords.get(name) == Some(&self.calls)
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
    ignore_empty: bool,
}

/// Adds one call to a class's tally. A `**values` splat may pass any field, but which is
/// unknown: the call counts, its unknown keywords do not.
fn count_init<'a>(given: &mut Given<'a>, init: &'a PyInit) {
    given.calls += 1;
    for keyword in &init.keywords {
        *given.keywords.entry(keyword.as_str()).or_default() += 1;
    }
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
        resolved: None,
        resolved_names: Vec::new(),
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

    /// The helper a callee written in `file` names, as `(file, helper)`.
    fn helper<'h>(
        &self,
        file: usize,
        callee: &str,
        helpers: &Index<'h, HelperDef>,
    ) -> Option<(usize, &'h HelperDef)> {
        let m = &self.modules[file];
        let abs = absolute(callee, &m.module, m.is_package);
        let (module, name) = split_last(&abs);
        helpers.find(self.modules, module, name)
    }

    /// For each settings class, the keyword arguments its calls pass: the calls of the class
    /// and of every settings class derived from it (a subclass's call builds the base's fields
    /// too). Each call climbs its class's settings bases, at most [`MAX_DEPTH`] classes, so the
    /// work is linear in the calls.
    fn init_keywords<'f>(&self, facts: &[&'f FileFacts]) -> HashMap<*const PyClass, Given<'f>> {
        let mut given: HashMap<*const PyClass, Given> = HashMap::new();
        for (file, f) in facts.iter().enumerate() {
            for init in &f.python.inits {
                let Some((class_file, class)) = self.base_class(file, &init.callee) else {
                    continue;
                };
                if !self.is_settings(class) {
                    continue;
                }
                let mut seen: Vec<*const PyClass> = Vec::new();
                let mut stack = vec![(class_file, class)];
                while let Some((cf, c)) = stack.pop() {
                    let key = std::ptr::from_ref(c);
                    if seen.contains(&key) || seen.len() >= MAX_DEPTH {
                        continue;
                    }
                    seen.push(key);
                    count_init(given.entry(key).or_default(), init);
                    stack.extend(
                        c.bases
                            .iter()
                            .filter_map(|b| self.base_class(cf, b))
                            .filter(|(_, b)| self.is_settings(b)),
                    );
                }
            }
        }
        given
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
            ignore_empty: false,
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
            ignore_empty: class.config.ignore_empty.unwrap_or(inherited.ignore_empty),
        }
    }
}

/// The reads of a settings class's fields, with what the class's configuration and its calls
/// add to [`field_reads`]:
///
/// - `env_ignore_empty=True`: an empty variable is ignored, so empty counts as unset;
/// - a field that every call of the class (and of its subclasses) in the project passes as a
///   keyword argument (`Settings(secret=...)`, by name or alias) gets its value from the code:
///   the variable can only be overridden there, so it is never required. Its reads are kept, as
///   optional, so an example file that documents it is not told the key is unread.
fn settings_reads(
    ctx: &Project,
    file: usize,
    class: &PyClass,
    given: Option<&Given>,
    out: &mut Vec<(usize, Read)>,
    nested: &mut Nested,
) {
    let config = ctx.config(file, class, 0);
    for field in &class.fields {
        let start = out.len();
        field_reads(ctx, file, class, field, &config, out, nested);
        let passed = given
            .is_some_and(|g| g.always(&field.name) || field.aliases.iter().any(|a| g.always(a)));
        for (_, read) in &mut out[start..] {
            read.extra.empty_is_unset |= config.ignore_empty;
            if passed && read.kind == ReadKind::Required {
                read.kind = ReadKind::Optional;
            }
        }
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
    helper_calls: &mut HelperCalls,
    out: &mut Vec<(usize, Read)>,
) {
    let m = &ctx.modules[file];
    let abs = absolute(&call.callee, &m.module, m.is_package);
    let (module, name) = split_last(&abs);
    // An env helper function.
    if let Some(name_arg) = &call.name
        && let Some((helper_file, helper)) = helpers.find(ctx.modules, module, name)
    {
        helper_calls
            .called
            .insert((helper_file, helper.name.clone()));
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
    let mut empty_is_unset = false;
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
            // as in the file that makes the instance: `default=None` turns "" into None,
            // `env.bool` takes "" as false
            empty_is_unset = method == "bool" || default == Some(false);
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
            empty_is_unset,
            ..ReadExtra::default()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{DynamicRead, ReadKind::*, When, extract};
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

    /// `(path, read)` and `(path, dynamic read)` pairs of a project.
    type Facts = (Vec<(String, Read)>, Vec<(String, DynamicRead)>);

    /// Every read of a project of in-memory files, with its path, and every dynamic read.
    fn project_facts(files: &[(&str, &str)]) -> Facts {
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
        let mut reads = Vec::new();
        let mut dynamic = Vec::new();
        for ((path, _), f) in files.iter().zip(facts) {
            reads.extend(f.reads.into_iter().map(|r| (path.to_string(), r)));
            dynamic.extend(f.dynamic.into_iter().map(|d| (path.to_string(), d)));
        }
        (reads, dynamic)
    }

    fn find<'r>(reads: &'r [(String, Read)], name: &str) -> &'r Read {
        let found: Vec<&Read> = reads
            .iter()
            .filter(|(_, r)| r.name == name)
            .map(|(_, r)| r)
            .collect();
        assert_eq!(found.len(), 1, "{name} in {reads:?}");
        found[0]
    }

    /// pydantic's defaulting forms are never required.
    #[test]
    fn pydantic_defaults_are_never_required() {
        let src = r#"
from typing import Annotated, Optional
from pydantic import Field
from pydantic_settings import BaseSettings

class Settings(BaseSettings):
    a: str | None = None
    b: Optional[str] = None
    c: str = Field(default="c")
    d: str | None = Field(None)
    e: list[str] = Field(default_factory=list)
    f: Annotated[str, Field(default="f")]
    g: Annotated[str | None, Field(alias="G_ALIAS")] = None
    h: int = Field(default=None, ge=1)
    required: str
    required_too: str = Field(..., min_length=1)
"#;
        let (reads, _) = project_facts(&[("app/config.py", src)]);
        for (name, kind) in [
            ("A", Optional),
            ("B", Optional),
            ("C", Default),
            ("D", Optional),
            ("E", Default),
            ("F", Default),
            ("G_ALIAS", Optional),
            ("H", Optional),
            ("REQUIRED", Required),
            ("REQUIRED_TOO", Required),
        ] {
            let read = find(&reads, name);
            assert_eq!(read.kind, kind, "{name}");
            assert_eq!(read.extra.when, When::Startup, "{name}");
            assert!(!read.extra.empty_is_unset, "{name}");
        }
    }

    /// A field that every call of the settings class (and of its subclasses) passes as a
    /// keyword argument gets its value from the code: optional, not required.
    #[test]
    fn pydantic_fields_always_passed_at_init_are_not_required() {
        let config = r#"
from pydantic import Field
from pydantic_settings import BaseSettings

class Settings(BaseSettings):
    secret: str
    api_key: str = Field(alias="SERVICE_API_KEY")
    region: str
    token: str

class Worker(Settings):
    queue: str
"#;
        let main = r#"
from app.config import Settings, Worker
from app import config

settings = Settings(secret=load_secret(), SERVICE_API_KEY=key(), _env_file=".env", token="t")
other = config.Settings(secret="x", SERVICE_API_KEY="y", region="eu")
worker = Worker(secret="x", SERVICE_API_KEY="y", queue="q", **overrides)
"#;
        let (reads, _) = project_facts(&[("app/config.py", config), ("app/main.py", main)]);
        // passed at all three calls (the subclass's included)
        assert_eq!(find(&reads, "SECRET").kind, Optional);
        assert_eq!(find(&reads, "SERVICE_API_KEY").kind, Optional);
        // passed at some calls only; the splat may pass anything, but nothing for sure
        assert_eq!(find(&reads, "REGION").kind, Required);
        assert_eq!(find(&reads, "TOKEN").kind, Required);
        assert_eq!(find(&reads, "QUEUE").kind, Optional);
        // never called in the project: nothing is known, the field stays required
        let (reads, _) = project_facts(&[("app/config.py", config)]);
        assert_eq!(find(&reads, "SECRET").kind, Required);
        // called without arguments somewhere: required
        let bare = "from app.config import Settings\nsettings = Settings()\nother = Settings(secret='x')\n";
        let (reads, _) = project_facts(&[("app/config.py", config), ("app/main.py", bare)]);
        assert_eq!(find(&reads, "SECRET").kind, Required);
    }

    /// `env_ignore_empty=True` makes an empty variable count as unset, also in subclasses.
    #[test]
    fn pydantic_env_ignore_empty() {
        let src = "from pydantic_settings import BaseSettings, SettingsConfigDict\nclass Base(BaseSettings):\n    model_config = SettingsConfigDict(env_ignore_empty=True)\n    a: str\nclass Child(Base):\n    b: str = 'b'\nclass Plain(BaseSettings):\n    c: str\n";
        let (reads, _) = project_facts(&[("s.py", src)]);
        assert!(find(&reads, "A").extra.empty_is_unset);
        assert!(find(&reads, "B").extra.empty_is_unset);
        assert!(!find(&reads, "C").extra.empty_is_unset);
    }

    /// Settings classes run with their class body: at import at module level, on use when the
    /// class is defined in a function. Helper calls take the timing of the call.
    #[test]
    fn when_settings_classes_and_helper_calls_run() {
        let src = r#"
import os
from pydantic_settings import BaseSettings

def env_int(name, default=None):
    value = os.getenv(name)
    return int(value) if value else default

class Settings(BaseSettings):
    at_import: str

if os.getenv("USE_EXTRA"):
    class Extra(BaseSettings):
        in_branch: str

def make_settings():
    class Local(BaseSettings):
        in_factory: str
    return Local()

WORKERS = env_int("WORKERS")

def timeout():
    return env_int("TIMEOUT", 30)
"#;
        let (reads, _) = project_facts(&[("app/settings.py", src)]);
        let when = |name: &str| {
            let r = find(&reads, name);
            (r.extra.when, r.extra.context.clone())
        };
        assert_eq!(when("AT_IMPORT"), (When::Startup, None));
        // a class in a branch is defined only on that path
        assert_eq!(
            when("IN_BRANCH"),
            (When::OnUse, Some("if os.getenv(\"USE_EXTRA\")".to_string()))
        );
        assert_eq!(
            when("IN_FACTORY"),
            (When::OnUse, Some("make_settings()".to_string()))
        );
        assert_eq!(when("WORKERS"), (When::Startup, None));
        assert_eq!(
            when("TIMEOUT"),
            (When::OnUse, Some("timeout()".to_string()))
        );
    }

    /// The dynamic reads in a helper's body are resolved once every call of the helper in the
    /// project passes a literal name; one call with a computed name keeps them unresolved.
    #[test]
    fn helper_bodies_resolved_by_their_calls() {
        let parsers = r#"
import os

def get_int_from_env(key, default=None):
    if key not in os.environ:
        return default
    return int(os.environ[key])

def get_bool_from_env(key, default="NO"):
    return os.getenv(key, default).lower() in ("yes", "1")

def unused(key):
    return os.environ[key]

def secret(name):
    return os.getenv(name + "_FILE")

def other(key):
    return os.getenv(PREFIX + key)
"#;
        let settings = r#"
from .parsers import get_int_from_env, get_bool_from_env, secret, other

WORKERS = get_int_from_env("WORKERS")
THREADS = get_int_from_env("THREADS", 4)
DEBUG = get_bool_from_env("DEBUG")
DB = secret("DB_PASSWORD")
X = other("X")

def flag(name):
    return get_bool_from_env(name)
"#;
        let (_, dynamic) = project_facts(&[
            ("pkg/settings/parsers.py", parsers),
            ("pkg/settings/__init__.py", settings),
        ]);
        let resolved: Vec<(usize, Option<&str>)> = dynamic
            .iter()
            .map(|(_, d)| (d.position.line, d.resolved.as_deref()))
            .collect();
        assert_eq!(
            resolved,
            vec![
                (5, Some("calls of get_int_from_env()")),
                (7, Some("calls of get_int_from_env()")),
                // `flag(name)` passes a computed name
                (10, None),
                // never called
                (13, None),
                (16, Some("calls of secret()")),
                // the key is not the parameter alone
                (19, None),
            ]
        );
    }

    #[test]
    fn calls_to_unrelated_functions_are_not_reads() {
        let src = "import logging\nlog = logging.getLogger('APP')\nprint('HELLO')\nd = {}\nd.get('KEY')\n";
        assert!(project(&[("a.py", src)]).is_empty());
    }
}
