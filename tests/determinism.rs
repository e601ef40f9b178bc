//! Output is the same for any thread count and across runs, in every command and format; a
//! panic never prints its payload.

use std::path::Path;

use assert_cmd::Command;

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, Vec<u8>, Vec<u8>) {
    let out = Command::cargo_bin("envcheck")
        .expect("binary")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run");
    (out.status.code(), out.stdout, out.stderr)
}

#[test]
fn same_output_for_one_thread_and_many_in_every_format() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop");
    let mut commands: Vec<Vec<&str>> = vec![vec!["scan", "--format", "json"], vec!["scan"]];
    for format in ["full", "concise", "json", "markdown"] {
        commands.push(vec!["check", "--format", format]);
        commands.push(vec!["diff", "prod", "--format", format]);
    }
    for args in commands {
        let mut one = args.clone();
        one.extend(["--threads", "1"]);
        let first = run(&example, &one);
        assert!(!first.1.is_empty(), "{args:?} printed nothing");
        for threads in ["1", "8"] {
            let mut again = args.clone();
            again.extend(["--threads", threads]);
            assert_eq!(
                run(&example, &again),
                first,
                "{args:?} with --threads {threads}"
            );
        }
    }
}

/// The test hook panics on a thread the run joins, as a scan worker or the base revision's
/// thread would: its message gets out while the main thread waits (a stream locked for the whole
/// run hung here; the timeout makes that a failure, not a stuck suite).
#[test]
fn a_panic_prints_no_payload_and_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::cargo_bin("envcheck")
        .expect("binary")
        .current_dir(dir.path())
        .timeout(std::time::Duration::from_secs(60))
        .env("ENVCHECK_PANIC_FOR_TESTS", "CANARY-PANIC-PAYLOAD")
        .args(["scan"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("internal error"), "{err}");
    assert!(!err.contains("CANARY"), "{err}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("CANARY"));
}
