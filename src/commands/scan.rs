//! `envcheck scan`.

use std::io::Write;

use crate::ExitStatus;
use crate::cli::{ScanArgs, ScanFormat};
use crate::report;
use crate::scan::{self, ScanOptions};
use crate::walk::WalkOptions;

pub fn run(args: ScanArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let roots = super::existing_roots(&args.walk.paths)?;
    let options = ScanOptions {
        walk: WalkOptions {
            include_tests: args.walk.include_tests,
            threads: args.walk.threads,
            ..WalkOptions::default()
        },
        no_prefilter: args.no_prefilter,
        cache: args
            .walk
            .cache(crate::boundary::Boundary::for_project(&roots[0], None).root()),
    };
    let inventory = scan::scan(&roots, &options)?;
    match args.format {
        ScanFormat::Full => report::scan::full(&inventory, out)?,
        ScanFormat::Json => report::scan::json(&inventory, out)?,
    }
    super::check::print_file_notes(&inventory, false, err)?;
    Ok(if inventory.errors.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}
