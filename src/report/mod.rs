//! Emitters: each output format writes to a `&mut dyn Write`; the library never prints.

pub mod check;
pub mod github;
pub mod gitlab;
pub mod markdown;
pub mod sarif;
pub mod scan;

mod fingerprint;
