use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use envcheck::cli::{Cli, ColorChoice};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let choice = match cli.color {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    // Emitters write styled text; the stream strips the styles when colour is off (not a
    // terminal, NO_COLOR, --color never) and keeps them with CLICOLOR_FORCE or --color always.
    let stdout = anstream::AutoStream::new(std::io::stdout().lock(), choice);
    let mut out = std::io::BufWriter::new(stdout);
    let mut err = anstream::AutoStream::new(std::io::stderr().lock(), choice);
    let status = envcheck::run(cli, &mut out, &mut err);
    if let Err(e) = out.flush() {
        // A closed pipe (`envcheck scan | head`) is not an error worth a message.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            let _ = writeln!(err, "envcheck: error: writing output: {e}");
            return ExitCode::from(2);
        }
    }
    ExitCode::from(status.code())
}
