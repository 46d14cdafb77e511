//! The KRM function as a whole process, in library code: the raw bytes of stdin in; the
//! ResourceList to write on stdout, the lines for stderr and the exit status out. In
//! ResourceList mode a ResourceList is always written, whatever the input: a failure to read
//! it (not UTF-8, over a limit, not YAML, not a ResourceList) is its one error result.

use std::io::Write;

use crate::code::Code;
use crate::function::{self, Layout, Options};
use crate::krm::input::{self, InputError};
use crate::krm::{Item, Limits, ProtocolError, ResourceList};

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
    let out = expand(input, limits);
    Outcome {
        stdout: out.to_yaml(),
        stderr: stderr_of(&out),
        status: u8::from(out.has_errors()),
    }
}

fn expand(input: Result<Vec<u8>, InputError>, limits: &Limits) -> ResourceList<Item> {
    guarded(move || {
        let read = input
            .map_err(ProtocolError::from)
            .and_then(|bytes| ResourceList::read(bytes, limits));
        match read {
            Ok(rl) => function::process_items(
                rl,
                Options {
                    layout: Layout::Files,
                    substitute: false,
                    text_from: Some(function::FLEET_INTENTS),
                },
            ),
            Err(e) => ResourceList::failed(Code::of_protocol_error(&e).error(&e)),
        }
    })
}

/// Runs the function so that even a panic, which would be a bug (bad input is meant to give
/// results, never a panic), still answers with a ResourceList and its error result: a host
/// shows that, where an empty stdout tells the user nothing.
fn guarded(run: impl FnOnce() -> ResourceList<Item>) -> ResourceList<Item> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        ResourceList::failed(Code::InternalError.error(format!(
            "vmstack failed inside ({why}): a bug; please report it with the input"
        )))
    })
}

fn stderr_of(out: &ResourceList<Item>) -> String {
    out.results
        .iter()
        .map(|r| format!("{}\n", r.to_line()))
        .collect()
}

/// Reads stdin within the default limits, runs the function, writes stdout and stderr, and
/// gives the exit status.
pub fn run_resource_list() -> u8 {
    let limits = Limits::default();
    let input = input::read_limited(std::io::stdin().lock(), &limits);
    let out = expand(input, &limits);
    eprint!("{}", stderr_of(&out));
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = out.write_yaml(&mut stdout).and_then(|()| stdout.flush());
    let status = u8::from(out.has_errors());
    // The process ends right after: freeing a fleet's objects one by one would cost as much
    // as a good part of writing them.
    std::mem::forget(out);
    match written {
        Ok(()) => status,
        Err(e) => {
            eprintln!("vmstack: writing the ResourceList to stdout: {e}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_still_answers_with_a_resource_list() {
        let out = guarded(|| panic!("boom"));
        assert!(out.has_errors());
        assert_eq!(out.results[0].tags["code"], Code::InternalError.as_str());
        assert!(out.results[0].message.contains("boom"), "{:?}", out.results);
        let text = out.to_yaml();
        assert!(text.starts_with("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"));
    }
}
