// Each integration-test binary compiles its own copy of this module (`mod common;`) and uses only
// part of it, so items unused by one binary would otherwise warn there (and fail clippy -D warnings).
#![allow(dead_code)]

pub mod elf;
pub mod files;
pub mod fixtures;
pub mod process;
pub mod shared;
pub mod tools;
pub mod validate;
