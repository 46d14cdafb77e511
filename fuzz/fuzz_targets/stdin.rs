//! ResourceList mode on arbitrary stdin bytes; the properties are in checks/stdin.rs.
#![no_main]

#[path = "../checks/stdin.rs"]
mod stdin;

libfuzzer_sys::fuzz_target!(|data: &[u8]| stdin::check(data));
