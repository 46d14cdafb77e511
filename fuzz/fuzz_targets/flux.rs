//! Flux's YAML conversions and envsubst on arbitrary bytes; the properties are in
//! checks/flux.rs.
#![no_main]

#[path = "../checks/flux.rs"]
mod flux;

libfuzzer_sys::fuzz_target!(|data: &[u8]| flux::check(data));
