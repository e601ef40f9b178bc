//! Kubernetes manifests from arbitrary text: never a panic, bounded work (aliases, nesting).
#![no_main]

use envcheck::sources::kubernetes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let files = vec![("k8s/app.yaml".to_string(), text.to_string())];
    let _ = kubernetes::read(&files, None);
    let _ = kubernetes::read(&files, Some("api"));
});
