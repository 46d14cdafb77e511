//! The real binary, run with a bound on its address space and its CPU time (`prlimit --as
//! --cpu`) and a wall-clock kill: safety nets, so that a case that would exhaust the machine or
//! never end fails alone, not speed targets (the bounds are far above what any case needs, in a
//! debug build on a machine shared with other builds).

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::input::Stdin;

/// Address space of one run.
pub const MEMORY_BYTES: u64 = 2 << 30;
/// CPU time of one run, in seconds: the process is killed past it (SIGXCPU, then SIGKILL).
pub const CPU_SECONDS: u64 = 20;
/// Wall clock of one run: on a busy machine a run may wait for a core far longer than it works.
pub const WALL_CLOCK: Duration = Duration::from_secs(90);

#[derive(Debug)]
pub struct Outcome {
    /// `None` when the process did not exit by itself (killed by a signal or at the deadline).
    pub exit: Option<i32>,
    pub timed_out: bool,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

fn drain(mut from: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut out = Vec::new();
        let _ = from.read_to_end(&mut out);
        out
    })
}

/// Runs `vmstack args` in `dir`, feeding `stdin` (nothing when `None`).
pub fn run(dir: &Path, args: &[String], stdin: Option<Stdin>) -> Outcome {
    let mut child = Command::new("prlimit")
        .arg(format!("--as={MEMORY_BYTES}"))
        .arg(format!("--cpu={CPU_SECONDS}"))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_vmstack"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running prlimit (util-linux) with vmstack");
    let writer = child.stdin.take().zip(stdin).map(|(mut pipe, input)| {
        thread::spawn(move || {
            // The process may stop reading at any point (a limit, a refused encoding): a broken
            // pipe is an answer, not a failure.
            if pipe.write_all(&input.bytes).is_err() {
                return;
            }
            if let Some(chunk) = input.endless {
                let block = chunk.repeat((64 << 10) / chunk.len().max(1) + 1);
                while pipe.write_all(&block).is_ok() {}
            }
        })
    });
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let deadline = Instant::now() + WALL_CLOCK;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for vmstack") {
            break status;
        }
        if Instant::now() >= deadline {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("waiting for the killed vmstack");
        }
        thread::sleep(Duration::from_millis(10));
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    Outcome {
        exit: status.code(),
        timed_out,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}
