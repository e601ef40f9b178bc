//! `envcheck diff <ENV>`: what the code needs against what a target environment provides.

use std::collections::BTreeSet;

use globset::GlobSet;

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

impl<'a> DiffProject<'a> {
    pub fn is_checked(&self, name: &str) -> bool {
        !self.ignore_vars.is_match(name)
            && (!secret_shapes::is_platform_variable(name)
                || self.require_platform_vars.contains(name))
    }

    /// Variables worth looking up, each with what the target says about it.
    pub fn lookups(&self) -> impl Iterator<Item = (&'a Variable, Lookup)> + '_ {
        self.inventory
            .variables
            .iter()
            .filter(|v| self.is_checked(&v.name))
            .map(|v| {
                let insensitive = v.reads.iter().all(|r| r.extra.case_insensitive);
                (v, self.target.lookup(&v.name, insensitive))
            })
    }

    /// A finding at the read that decides the variable's requirement.
    pub fn at_read(
        &self,
        rule: &'static rules::RuleInfo,
        variable: &Variable,
        message: String,
    ) -> Finding {
        let site = deciding_read(variable);
        let mut f =
            Finding::new(rule, &site.path, Span::of(site), message).variable(&variable.name);
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

/// Runs every diff rule.
pub fn run_rules(project: &DiffProject) -> Vec<Finding> {
    let mut out = Vec::new();
    rules::missing_required::check(project, &mut out);
    rules::missing_optional::check(project, &mut out);
    rules::empty_value::check(project, &mut out);
    rules::unused_in_target::check(project, &mut out);
    rules::unverified::check(project, &mut out);
    rules::undecryptable_source::check(project, &mut out);
    out
}
