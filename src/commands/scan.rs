//! `envcheck scan`.

use std::io::Write;

use crate::ExitStatus;
use crate::cli::{ScanArgs, ScanFormat};
use crate::report;
use crate::scan::{self, ScanOptions};
use crate::walk::WalkOptions;

pub fn run(args: ScanArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let roots = super::existing_roots(&args.walk.paths)?;
    // the configuration decides what is source (include, exclude, include-tests), as for check
    let loaded = crate::config::load(args.config.as_deref(), &roots[0])?;
    let config = &loaded.config;
    let options = ScanOptions {
        walk: WalkOptions {
            include_tests: args.walk.include_tests || config.include_tests.unwrap_or(false),
            threads: args.walk.threads,
            include: config.include.clone(),
            exclude: config.exclude.clone(),
            glob_base: loaded.dir().map(std::path::Path::to_path_buf),
            skip: Vec::new(),
        },
        no_prefilter: args.no_prefilter,
        cache: args.walk.cache(
            crate::boundary::Boundary::for_project(&roots[0], loaded.path.as_deref()).root(),
        ),
        display_base: None,
        borrowed: Vec::new(),
        given: Vec::new(),
    };
    let inventory = scan::scan(&roots, &options)?;
    match args.format {
        ScanFormat::Full => report::scan::full(&inventory, args.quiet, out)?,
        ScanFormat::Json => report::scan::json(&inventory, out)?,
    }
    // quiet: errors (unreadable files) still, notes not
    super::check::print_file_notes(&inventory, args.quiet, err)?;
    Ok(if inventory.errors.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}
