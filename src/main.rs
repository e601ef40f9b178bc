use std::io::Write;
use std::process::ExitCode;

use clap::Parser as _;
use envcheck::cli::{Cli, ColorChoice};

/// mimalloc for Rust's allocations and tree-sitter's: a scan builds and drops one syntax tree per
/// file from every thread, which glibc's allocator served with a tenth of all instructions and
/// heavy page-fault (sys) time; benches/RESULTS.md has the measurements.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // The one unsafe block of the crate (`unsafe_code` is denied everywhere else).
    // SAFETY: first thing in main, before any tree-sitter object exists, so every tree-sitter
    // allocation is made and freed by the same allocator.
    #[allow(unsafe_code)]
    unsafe {
        tree_sitter::set_allocator(
            Some(libmimalloc_sys::mi_malloc),
            Some(libmimalloc_sys::mi_calloc),
            Some(libmimalloc_sys::mi_realloc),
            Some(libmimalloc_sys::mi_free),
        );
    }
    // A panic message may quote input (a value, a line of an env file): print only where in
    // envcheck it happened, never the payload.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("envcheck: internal error{at}; this is a bug, please report it");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // help and version go to standard output as clap prints them; usage errors get
        // envcheck's own error style, with clap's usage and hint lines after it
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let rendered = e.render().to_string();
            let text = rendered.strip_prefix("error: ").unwrap_or(&rendered);
            eprint!("envcheck: error: {text}");
            return ExitCode::from(2);
        }
    };
    let choice = match cli.color {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    // Emitters write styled text; the stream strips the styles when colour is off (not a
    // terminal, NO_COLOR, --color never) and keeps them with CLICOLOR_FORCE or --color always.
    let stdout = anstream::AutoStream::new(std::io::stdout().lock(), choice);
    let mut out = std::io::BufWriter::new(stdout);
    // standard error unlocked: a worker thread's panic prints through the hook above while this
    // thread waits for it, which a lock held here for the whole run would block for ever
    let mut err = anstream::AutoStream::new(std::io::stderr(), choice);
    let status = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // lets the test suite check that a panic payload never reaches the user; on a thread of
        // its own, as a scan worker's or the base revision's, whose panic the run resumes here
        if let Ok(payload) = std::env::var("ENVCHECK_PANIC_FOR_TESTS") {
            std::thread::scope(|scope| {
                let worker = scope.spawn(move || -> () { panic!("{payload}") });
                worker
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p));
            });
        }
        envcheck::run(cli, &mut out, &mut err)
    })) {
        Ok(status) => status,
        Err(_) => return ExitCode::from(2),
    };
    if let Err(e) = out.flush() {
        // A closed pipe (`envcheck scan | head`) is not an error worth a message.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            let _ = writeln!(err, "envcheck: error: writing output: {e}");
            return ExitCode::from(2);
        }
    }
    ExitCode::from(status.code())
}
