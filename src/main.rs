use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use envcheck::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr().lock();
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
