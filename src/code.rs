//! Every diagnostic code vmstack reports, in one registry, and the one constructor of a result
//! that carries a code.
//!
//! Codes are part of the interface (docs/diagnostics.md lists them, and a test holds the two
//! together): never renumber one, only add.

use std::fmt;

use crate::krm::input::InputError;
use crate::krm::{KrmResult, Limit, ProtocolError, Severity};

macro_rules! registry {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the order of their numbers.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }
        }
    };
}

registry! {
    /// The input is not a ResourceList, or the functionConfig is not an intent.
    UnreadableInput = "VMS001",
    /// The command line read no intent: nothing to render.
    NothingToRender = "VMS002",
    /// The input is not UTF-8 text: invalid bytes, or UTF-16/UTF-32 with a byte order mark.
    NotUtf8 = "VMS003",
    /// The input is larger than the input size limit.
    InputTooLarge = "VMS004",
    /// Mappings and sequences nested deeper than the nesting limit.
    NestingTooDeep = "VMS005",
    /// Aliases used more often, or expanding to more, than the alias limits allow.
    TooManyAliases = "VMS006",
    /// More items than the item limit.
    TooManyItems = "VMS007",
    /// More intents in one run than the intent limit.
    TooManyIntents = "VMS008",
    /// A string (key or value) longer than the string size limit.
    StringTooLong = "VMS009",
    /// Stdin could not be read (an I/O error).
    StdinUnreadable = "VMS010",
    /// vmstack failed inside (a panic: a bug), in ResourceList mode.
    InternalError = "VMS011",
    UnknownField = "VMS100",
    WrongType = "VMS101",
    MissingField = "VMS102",
    InvalidChoice = "VMS103",
    InvalidQuantity = "VMS110",
    InvalidDuration = "VMS111",
    InvalidUrl = "VMS112",
    InvalidVariable = "VMS113",
    InvalidName = "VMS114",
    NameTooLong = "VMS115",
    OutOfRange = "VMS116",
    InvalidFlag = "VMS117",
    InvalidCidr = "VMS118",
    ReplicationAboveReplicas = "VMS200",
    DisruptionTooLarge = "VMS201",
    GrafanaReplicasNeedDatabase = "VMS202",
    ValuesConflict = "VMS203",
    WrongRole = "VMS204",
    /// Two intents with one name, or writing to one folder.
    DuplicateIntent = "VMS205",
    InvalidRuleGroup = "VMS206",
    RemoteWriteConflict = "VMS207",
    DuplicateAgentCluster = "VMS208",
    InvalidSlo = "VMS209",
    /// The HelmRelease's values meet a condition under which the chart refuses to render.
    ChartWouldFail = "VMS210",
    /// The chart's rule switches beside `chart.rulesAndDashboards: vmstack`.
    ChartContentConflict = "VMS211",
    /// A password, token or other secret written into the intent as text.
    PlaintextSecret = "VMS212",
    /// vmauth users that clash: one identity reading and writing one tenant, a name, username or
    /// credential used twice.
    AccessConflict = "VMS213",
    /// Two intents in the input that disagree about an agent: its cluster missing from the
    /// global `agents`, or its tenant, credentials or route not what the global grants.
    IntentsDisagree = "VMS214",
    /// vmauth access that cannot work as written (users or credentials with vmauth off, a
    /// generated password for another cluster, a writer choosing its tenant, …).
    AccessImpossible = "VMS215",
    /// A generated object whose intent is no longer in the input.
    OrphanedOutput = "VMS302",
    UndefinedVariable = "VMS400",
    MissingSettings = "VMS401",
    VariableValueMismatch = "VMS402",
    UnknownEndpoint = "VMS403",
    SettingsIncomplete = "VMS404",
    SubstitutionImpossible = "VMS405",
    /// A settings key that is not a variable name: Flux fails every object it substitutes.
    SettingsKeyRefused = "VMS406",
    /// A generated field that Flux's substitution turns into another JSON type.
    TypeDrift = "VMS407",
    /// Flux's substitution of an object fails (its YAML breaks, a panic, a limit).
    SubstitutionFails = "VMS408",
    /// The settings define no variable, so Flux substitutes nothing.
    NothingSubstituted = "VMS409",
    /// vmstorage's disks cannot hold the declared load for the retention.
    StorageTooSmall = "VMS500",
    /// (info) The load the configured vmstorage holds, when none is declared.
    StorageHolds = "VMS501",
    /// A capacity number behind a Flux variable that the settings in the input do not resolve.
    CapacityUnchecked = "VMS502",
    /// (warning) Fewer vmstorage nodes than keep every copy of new samples with a node down.
    TooFewStorageNodes = "VMS503",
    /// (warning) 3 vmstorage nodes or fewer: losing one raises the others' load by 50% or more.
    FewStorageNodes = "VMS504",
    /// (warning) A retention over a month without free space for the monthly deduplication.
    NoDedupHeadroom = "VMS505",
    /// (warning) A CPU limit of a VictoriaMetrics component that is not whole cores.
    FractionalCpu = "VMS506",
    /// (warning) vmselect's memory limit below what its query limits let concurrent queries use.
    QueryMemory = "VMS507",
}

impl Code {
    /// A result with this code: the message starts with the code, for hosts that show only the
    /// message, and `tags.code` holds it, for tools that filter by code.
    pub fn result(self, severity: Severity, message: impl fmt::Display) -> KrmResult {
        let mut r = KrmResult::new(severity, format!("{self}: {message}"));
        r.tags.insert("code".into(), self.as_str().into());
        r
    }

    pub fn error(self, message: impl fmt::Display) -> KrmResult {
        self.result(Severity::Error, message)
    }

    /// The code of an input bound.
    pub fn of_limit(limit: Limit) -> Code {
        match limit {
            Limit::InputBytes => Code::InputTooLarge,
            Limit::Depth => Code::NestingTooDeep,
            Limit::Aliases => Code::TooManyAliases,
            Limit::Items => Code::TooManyItems,
            Limit::StringBytes => Code::StringTooLong,
        }
    }

    /// The code of a failure to read the raw input.
    pub fn of_input_error(e: &InputError) -> Code {
        match e {
            InputError::TooLarge { .. } => Code::InputTooLarge,
            InputError::Encoding(_) | InputError::InvalidUtf8 { .. } => Code::NotUtf8,
            InputError::Io(_) => Code::StdinUnreadable,
        }
    }

    /// The code of a failure to read the input as a ResourceList.
    pub fn of_protocol_error(e: &ProtocolError) -> Code {
        match e {
            ProtocolError::Input(e) => Code::of_input_error(e),
            ProtocolError::Yaml(e) => e.limit().map_or(Code::UnreadableInput, Code::of_limit),
            ProtocolError::Shape(_) => Code::UnreadableInput,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn documented() -> Vec<String> {
        let docs = include_str!("../docs/diagnostics.md");
        docs.lines()
            .filter_map(|l| l.strip_prefix("| VMS"))
            .map(|rest| format!("VMS{}", &rest[..3]))
            .collect()
    }

    #[test]
    fn the_registry_is_the_documented_table() {
        let ours: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let docs = documented();
        assert_eq!(
            ours, docs,
            "docs/diagnostics.md lists other codes, or in another order"
        );
        let unique: BTreeSet<&str> = ours.iter().copied().collect();
        assert_eq!(unique.len(), ours.len(), "a code is used twice");
    }

    /// A code written out anywhere else would bypass the registry (and could drift from it).
    #[test]
    fn no_code_is_spelled_outside_the_registry() {
        fn visit(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    visit(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("src/code.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (n, line) in text.lines().enumerate() {
                        let code_like = line.match_indices("VMS").any(|(i, _)| {
                            line[i + 3..]
                                .chars()
                                .take(3)
                                .filter(char::is_ascii_digit)
                                .count()
                                == 3
                        });
                        if code_like && !line.trim_start().starts_with("//") {
                            found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        visit(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(
            found.is_empty(),
            "codes outside src/code.rs:\n{}",
            found.join("\n")
        );
    }
}
