//! Build script: a digest of the sources the binary is built from, so that the result cache
//! (src/cache.rs) of one build is never read by another that extracts differently. The version
//! alone does not change between development builds.

use std::hash::{DefaultHasher, Hasher};
use std::path::Path;

fn main() {
    let mut files = Vec::new();
    for dir in ["src", "grammars"] {
        println!("cargo:rerun-if-changed={dir}");
        collect(Path::new(dir), &mut files);
    }
    println!("cargo:rerun-if-changed=Cargo.lock");
    files.push(Path::new("Cargo.lock").to_path_buf());
    files.sort();
    // SipHash with fixed keys: the same sources give the same digest on every machine.
    let mut hasher = DefaultHasher::new();
    for file in &files {
        hasher.write(file.to_string_lossy().as_bytes());
        hasher.write(&std::fs::read(file).unwrap_or_default());
    }
    println!(
        "cargo:rustc-env=ENVCHECK_BUILD_DIGEST={:016x}",
        hasher.finish()
    );
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}
