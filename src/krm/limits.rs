//! The bounds on what vmstack reads, so that a hostile or broken input stops early with a
//! message instead of exhausting the machine. Each limit has its own stable code (in
//! src/code.rs); all of them are documented in docs/diagnostics.md.
//!
//! The defaults admit far more than real packages hold (a 5,000-cluster fleet rendered a second
//! time, with its previous output, is about 175,000 items and 90 MB), while an endless or
//! explosive input stops within a few hundred milliseconds.

/// The bounds of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes read from the input; reading stops one byte past it.
    pub input_bytes: usize,
    /// Nested mappings and sequences, counted from the document's root. Decoding recurses,
    /// so this also bounds the stack: 64 is serde-saphyr's own default, and leaves a CRD's
    /// schema more than 25 levels of nested objects.
    pub depth: usize,
    /// Items in the ResourceList.
    pub items: usize,
    /// Bytes of one string (a key or a value).
    pub string_bytes: usize,
    /// Alias (`*name`) uses in the input, and the events replayed by expanding them.
    pub aliases: usize,
    pub alias_events: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            input_bytes: 256 << 20,
            depth: 64,
            items: 500_000,
            string_bytes: 4 << 20,
            aliases: 10_000,
            alias_events: 1_000_000,
        }
    }
}

/// Which bound an input broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    InputBytes,
    Depth,
    Items,
    StringBytes,
    Aliases,
}
