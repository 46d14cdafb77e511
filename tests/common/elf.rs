//! What an ELF file asks of the system to start: a program interpreter (the dynamic loader) and
//! shared libraries. Read from the file itself, so that no `ldd` or `readelf` is needed.

use std::path::Path;

/// What the ELF file asks of the system to start.
#[derive(Debug, PartialEq, Eq)]
pub struct Needs {
    pub interpreter: bool,
    pub shared_libraries: usize,
}

fn u16_at(b: &[u8], at: usize) -> usize {
    u16::from_le_bytes(b[at..at + 2].try_into().unwrap()) as usize
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

/// Reads the program headers of a 64-bit little-endian ELF file, and its dynamic section.
pub fn needs(binary: &Path) -> Needs {
    const PT_DYNAMIC: u32 = 2;
    const PT_INTERP: u32 = 3;
    const DT_NEEDED: u64 = 1;
    let b = std::fs::read(binary).unwrap();
    assert_eq!(&b[..4], b"\x7fELF", "{} is not ELF", binary.display());
    assert_eq!((b[4], b[5]), (2, 1), "64-bit little-endian ELF expected");
    let (phoff, phentsize, phnum) = (
        u64_at(&b, 0x20) as usize,
        u16_at(&b, 0x36),
        u16_at(&b, 0x38),
    );
    let mut found = Needs {
        interpreter: false,
        shared_libraries: 0,
    };
    for i in 0..phnum {
        let ph = phoff + i * phentsize;
        match u32_at(&b, ph) {
            PT_INTERP => found.interpreter = true,
            PT_DYNAMIC => {
                let (offset, size) = (u64_at(&b, ph + 8) as usize, u64_at(&b, ph + 32) as usize);
                for entry in b[offset..offset + size].chunks_exact(16) {
                    match u64_at(entry, 0) {
                        0 => break,
                        DT_NEEDED => found.shared_libraries += 1,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    found
}

impl Needs {
    /// Neither an interpreter nor a shared library: the file starts on its own.
    pub const STATIC: Needs = Needs {
        interpreter: false,
        shared_libraries: 0,
    };
}
