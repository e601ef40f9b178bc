//! Emitters: each output format writes to a `&mut dyn Write`; the library never prints.

pub mod check;
pub mod markdown;
pub mod scan;
