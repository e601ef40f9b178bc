//! Arbitrary bytes as the index of a repository (`.git/index`), read by `git::tracked_files`
//! the way `check` reads it: never a panic, an abort or a hang, and every listed path relative
//! and non-empty.
//!
//! The first byte picks the repository: odd, one whose config sets `index.skipHash` (the index
//! checksum is not verified, so mutations reach the entry and extension decoders); even, one
//! that verifies it. Seeds (`fuzz/seeds/git_index/`) are indexes git wrote: v2, v3
//! (intent-to-add), v4, the TREE, REUC, UNTR, EOIE/IEOT, link (split index) and sdir (sparse
//! index) extensions, and a conflict.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// Two repositories without objects, made once per process under the temp directory.
fn repositories() -> &'static [PathBuf; 2] {
    static REPOS: OnceLock<[PathBuf; 2]> = OnceLock::new();
    REPOS.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("envcheck-fuzz-git-{}", std::process::id()));
        let make = |name: &str, config: &str| {
            let repo = base.join(name);
            for dir in [".git/objects/info", ".git/objects/pack", ".git/refs/heads"] {
                std::fs::create_dir_all(repo.join(dir)).expect("mkdir");
            }
            std::fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n").expect("HEAD");
            std::fs::write(repo.join(".git/config"), config).expect("config");
            std::fs::create_dir_all(repo.join("app")).expect("mkdir");
            repo
        };
        let core = "[core]\n\trepositoryformatversion = 0\n\tbare = false\n";
        [
            make("verify", core),
            make("skip-hash", &format!("{core}[index]\n\tskipHash = true\n")),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, index)) = data.split_first() else {
        return;
    };
    let repo = &repositories()[usize::from(pick & 1)];
    std::fs::write(repo.join(".git/index"), index).expect("write index");
    for root in [repo.clone(), repo.join("app")] {
        if let Some(files) = envcheck::git::tracked_files(&root) {
            for file in files {
                assert!(!file.is_empty() && !file.starts_with('/'), "{file:?}");
            }
        }
    }
});
