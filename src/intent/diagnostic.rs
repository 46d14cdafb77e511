//! Problems found in an intent, each with a stable code and the field path it is about.

use crate::code::Code;
use crate::krm::Severity;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    /// An error, unless the intent itself allows what is found (a warning then says so).
    pub severity: Severity,
    /// Dotted path from the object root, list items as `[i]`: `spec.vmstorage.replicas`.
    pub path: String,
    pub message: String,
    pub current: Option<serde_json::Value>,
    pub proposed: Option<serde_json::Value>,
}

impl Diagnostic {
    pub fn new(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            path: path.into(),
            message: message.into(),
            current: None,
            proposed: None,
        }
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn with_current(mut self, v: &serde_json::Value) -> Self {
        self.current = Some(v.clone());
        self
    }

    pub fn with_proposed(mut self, v: serde_json::Value) -> Self {
        self.proposed = Some(v);
        self
    }
}

/// What decoding learns besides the model: every problem (decoding carries on, so one run
/// reports them all), and every Flux variable the intent uses, with where and as what.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub list: Vec<Diagnostic>,
    pub variables: Vec<super::variables::VariableUse>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    pub fn report(&mut self, code: Code, path: &str, message: impl Into<String>) {
        self.push(Diagnostic::new(code, path, message));
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
