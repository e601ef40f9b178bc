//! `envcheck diff <ENV>`: what the code needs against what a target environment provides.
//!
//! Rules grade a variable by the consequence of its absence, from the reads that concern this
//! target ([`Need`]): a read in a settings module of another profile (`settings/test.py` for
//! `prod`) does not, nor does a build-time read (the build, not the running service, needs it).
//! Of the rest, a required read at start-up stops the service (ENV101, error); a required read
//! only on use fails one path (ENV107, warning); a read without a default leaves a feature off
//! (ENV102, info).

use std::collections::BTreeSet;

use globset::GlobSet;

use crate::extract::{ReadKind, When};
use crate::finding::{Finding, Span};
use crate::model::{Inventory, Site, Variable};
use crate::rules;
use crate::secret_shapes;
use crate::target::{Lookup, Target};

/// Everything the diff rules look at.
pub struct DiffProject<'a> {
    pub inventory: &'a Inventory,
    pub target: &'a Target,
    pub ignore_vars: &'a GlobSet,
    pub require_platform_vars: &'a BTreeSet<String>,
}

/// What the code needs of one variable in this target: the reads that concern it.
pub struct Need<'a> {
    pub variable: &'a Variable,
    /// Runtime reads in files of no profile or of one of the target's profiles, sorted.
    pub reads: Vec<&'a Site>,
    /// The strongest kind over [`Need::reads`].
    pub requirement: ReadKind,
}

impl<'a> Need<'a> {
    pub fn name(&self) -> &'a str {
        &self.variable.name
    }

    /// The first required read evaluated at start-up, if any: a missing value stops the
    /// service.
    pub fn startup_required(&self) -> Option<&'a Site> {
        self.reads
            .iter()
            .copied()
            .find(|r| r.kind == ReadKind::Required && r.extra.when == When::Startup)
    }

    /// The read that decides the requirement: a start-up read first, else the first read of
    /// the requirement's kind.
    pub fn deciding(&self) -> &'a Site {
        self.reads
            .iter()
            .copied()
            .find(|r| r.kind == self.requirement && r.extra.when == When::Startup)
            .or_else(|| {
                self.reads
                    .iter()
                    .copied()
                    .find(|r| r.kind == self.requirement)
            })
            .unwrap_or(self.reads[0])
    }

    /// Whether every read of the requirement's kind treats an empty value as unset.
    pub fn empty_is_unset(&self) -> bool {
        self.reads
            .iter()
            .filter(|r| r.kind == self.requirement)
            .all(|r| r.extra.empty_is_unset)
    }
}

impl<'a> DiffProject<'a> {
    pub fn is_checked(&self, name: &str) -> bool {
        !self.ignore_vars.is_match(name)
            && (!secret_shapes::is_platform_variable(name)
                || self.require_platform_vars.contains(name))
    }

    /// Whether a read concerns this target: a runtime read, in a file of no profile or of one
    /// the target deploys.
    pub fn concerns(&self, site: &Site) -> bool {
        site.extra.when != When::Build
            && site
                .profile
                .is_none_or(|p| self.target.profiles.iter().any(|t| t == p))
    }

    /// The variables this target must provide, each with what the target says about it.
    pub fn lookups(&self) -> impl Iterator<Item = (Need<'a>, Lookup)> + '_ {
        self.inventory
            .variables
            .iter()
            .filter(|v| self.is_checked(&v.name))
            .filter_map(|v| {
                let reads: Vec<&Site> = v.reads.iter().filter(|r| self.concerns(r)).collect();
                if reads.is_empty() {
                    return None;
                }
                let requirement = reads
                    .iter()
                    .map(|r| r.kind)
                    .max_by_key(|k| k.strength())
                    .unwrap_or(ReadKind::Presence);
                let insensitive = reads.iter().all(|r| r.extra.case_insensitive);
                let lookup = self.target.lookup(&v.name, insensitive);
                Some((
                    Need {
                        variable: v,
                        reads,
                        requirement,
                    },
                    lookup,
                ))
            })
    }

    /// A finding about `need` at `site`.
    pub fn at(
        &self,
        rule: &'static rules::RuleInfo,
        need: &Need,
        site: &Site,
        message: String,
    ) -> Finding {
        let mut f = Finding::new(rule, &site.path, Span::of(site), message).variable(need.name());
        f.environment = Some(self.target.name.clone());
        f
    }
}

/// The first read whose kind is the variable's requirement.
pub fn deciding_read(variable: &Variable) -> &Site {
    variable
        .reads
        .iter()
        .find(|r| r.kind == variable.requirement)
        .unwrap_or(&variable.reads[0])
}

/// Which path needs a read on use, for messages: "only when `send_email()` runs", "only when
/// `FEATURE_X`", "only in an exception handler".
pub fn only_when(site: &Site) -> String {
    match site.extra.context.as_deref() {
        Some(c) if c.ends_with("()") => format!("only when `{c}` runs"),
        Some(c) => match c.strip_prefix("if ").or_else(|| c.strip_prefix("elif ")) {
            Some(condition) => format!("only when `{condition}`"),
            None => format!("only in {c}"),
        },
        None => "only on use".to_string(),
    }
}

/// Runs every diff rule.
pub fn run_rules(project: &DiffProject) -> Vec<Finding> {
    let mut out = Vec::new();
    rules::missing_required::check(project, &mut out);
    rules::missing_optional::check(project, &mut out);
    rules::empty_value::check(project, &mut out);
    rules::unused_in_target::check(project, &mut out);
    rules::unverified::check(project, &mut out);
    rules::undecryptable_source::check(project, &mut out);
    rules::missing_on_use::check(project, &mut out);
    out
}
