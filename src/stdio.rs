//! The KRM function as a whole process, in library code: the raw bytes of stdin in; the
//! ResourceList to write on stdout, the lines for stderr and the exit status out. In
//! ResourceList mode a ResourceList is always written, whatever the input: a failure to read
//! it (not UTF-8, over a limit, not YAML, not a ResourceList) is its one error result.

use std::io::Write;

use crate::function::{self, Layout};
use crate::krm::input::{self, InputError};
use crate::krm::{Limits, ProtocolError, ResourceList};

/// What the process writes, and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    /// 0 when every intent expanded, 1 on any error result.
    pub status: u8,
}

/// The function on one input, as read from stdin (or the error reading it).
pub fn resource_list(input: Result<Vec<u8>, InputError>, limits: &Limits) -> Outcome {
    let read = input
        .map_err(ProtocolError::from)
        .and_then(|bytes| ResourceList::read(bytes, limits));
    let out = match read {
        Ok(rl) => function::process_items(rl, Layout::Files),
        Err(e) => ResourceList::failed(&e),
    };
    let stderr: String = out
        .results
        .iter()
        .map(|r| format!("{}\n", r.to_line()))
        .collect();
    Outcome {
        stdout: out.to_yaml(&function::variable_style),
        stderr,
        status: u8::from(out.has_errors()),
    }
}

/// Reads stdin within the default limits, runs the function, writes stdout and stderr, and
/// gives the exit status.
pub fn run_resource_list() -> u8 {
    let limits = Limits::default();
    let input = input::read_limited(std::io::stdin().lock(), &limits);
    let outcome = resource_list(input, &limits);
    eprint!("{}", outcome.stderr);
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(outcome.stdout.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => outcome.status,
        Err(e) => {
            eprintln!("vmstack: writing the ResourceList to stdout: {e}");
            1
        }
    }
}
