//! Problems found in an intent, each with a stable code and the field path it is about.

use std::fmt;

/// Stable diagnostic codes. They are part of the interface (docs/diagnostics.md lists them):
/// never renumber one, only add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    NotAnIntent,
    UnknownField,
    WrongType,
    MissingField,
    InvalidChoice,
    InvalidQuantity,
    InvalidDuration,
    InvalidUrl,
    InvalidVariable,
    InvalidName,
    NameTooLong,
    OutOfRange,
    InvalidFlag,
    ReplicationAboveReplicas,
    DisruptionTooLarge,
    GrafanaReplicasNeedDatabase,
    ValuesConflict,
    WrongRole,
    DuplicateIntent,
    InvalidRuleGroup,
    UndefinedVariable,
    MissingSettings,
    VariableValueMismatch,
    UnknownEndpoint,
    SettingsIncomplete,
    SubstitutionImpossible,
    InvalidCidr,
    RemoteWriteConflict,
    InvalidSlo,
    DuplicateAgentCluster,
    ChartWouldFail,
    ChartContentConflict,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::NotAnIntent => "VMS001",
            Code::UnknownField => "VMS100",
            Code::WrongType => "VMS101",
            Code::MissingField => "VMS102",
            Code::InvalidChoice => "VMS103",
            Code::InvalidQuantity => "VMS110",
            Code::InvalidDuration => "VMS111",
            Code::InvalidUrl => "VMS112",
            Code::InvalidVariable => "VMS113",
            Code::InvalidName => "VMS114",
            Code::NameTooLong => "VMS115",
            Code::OutOfRange => "VMS116",
            Code::InvalidFlag => "VMS117",
            Code::ReplicationAboveReplicas => "VMS200",
            Code::DisruptionTooLarge => "VMS201",
            Code::GrafanaReplicasNeedDatabase => "VMS202",
            Code::ValuesConflict => "VMS203",
            Code::WrongRole => "VMS204",
            Code::DuplicateIntent => "VMS205",
            Code::InvalidRuleGroup => "VMS206",
            Code::UndefinedVariable => "VMS400",
            Code::MissingSettings => "VMS401",
            Code::VariableValueMismatch => "VMS402",
            Code::UnknownEndpoint => "VMS403",
            Code::SettingsIncomplete => "VMS404",
            Code::SubstitutionImpossible => "VMS405",
            Code::InvalidCidr => "VMS118",
            Code::RemoteWriteConflict => "VMS207",
            Code::InvalidSlo => "VMS209",
            Code::DuplicateAgentCluster => "VMS208",
            Code::ChartWouldFail => "VMS210",
            Code::ChartContentConflict => "VMS211",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
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
            path: path.into(),
            message: message.into(),
            current: None,
            proposed: None,
        }
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
