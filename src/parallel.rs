//! Independent pieces of one run spread over the machine's cores, their answers in input order.
//!
//! Every piece handed here depends only on its own input and shared read-only state, so the
//! output is the same bytes whatever the number of threads: the pieces are taken one at a time
//! by whichever thread is free (their costs differ: a HelmRelease takes many times a Service),
//! and the answers are put back in input order. A map called from inside a worker runs on that
//! worker, so nested maps never start more threads than the machine has.
//!
//! `VMSTACK_THREADS` sets the number of threads (1: everything on the calling thread); by
//! default, the cores the process may use.

use std::cell::Cell;
use std::sync::{Mutex, OnceLock};
use std::thread;

/// The environment variable that sets the number of threads.
pub const THREADS_VARIABLE: &str = "VMSTACK_THREADS";

thread_local! {
    static IN_WORKER: Cell<bool> = const { Cell::new(false) };
}

/// Marks the thread as a worker while it lives, a panic included.
struct Worker;

impl Worker {
    fn enter() -> Worker {
        IN_WORKER.with(|w| w.set(true));
        Worker
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        IN_WORKER.with(|w| w.set(false));
    }
}

/// How many threads a map may use.
pub fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| {
        let available = thread::available_parallelism().map_or(1, usize::from);
        threads_from(std::env::var(THREADS_VARIABLE).ok().as_deref(), available)
    })
}

/// The threads `VMSTACK_THREADS` asks for: a whole number from 1; anything else (unset, empty,
/// 0, not a number) leaves the cores the process may use. A tuning knob that cannot change the
/// output is not worth failing a render over.
fn threads_from(variable: Option<&str>, available: usize) -> usize {
    variable
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(available)
}

/// `f` applied to each item, the answers in the items' order.
pub fn map<'a, T: Sync, R: Send>(items: &'a [T], f: impl Fn(&'a T) -> R + Sync) -> Vec<R> {
    run(items.iter(), items.len(), f)
}

/// `f` applied to each item, which it may change, the answers in the items' order.
pub fn map_mut<'a, T: Send, R: Send>(
    items: &'a mut [T],
    f: impl Fn(&'a mut T) -> R + Sync,
) -> Vec<R> {
    let n = items.len();
    run(items.iter_mut(), n, f)
}

fn run<I, R>(pieces: I, n: usize, f: impl Fn(I::Item) -> R + Sync) -> Vec<R>
where
    I: Iterator + Send,
    I::Item: Send,
    R: Send,
{
    // One piece, or already on a worker, or one thread: nothing to share (and the cores are
    // only looked up, a dozen system calls, when there is something to share).
    if n < 2 || IN_WORKER.with(Cell::get) || threads() < 2 {
        return pieces.map(f).collect();
    }
    let workers = threads().min(n);
    let queue = Mutex::new(pieces.enumerate());
    let next = || {
        // A worker that panicked while holding the lock took nothing half-way: the queue is
        // an iterator, and its state is whole between two `next` calls.
        queue.lock().unwrap_or_else(|e| e.into_inner()).next()
    };
    let work = || {
        let _worker = Worker::enter();
        let mut done = Vec::new();
        while let Some((i, piece)) = next() {
            done.push((i, f(piece)));
        }
        done
    };
    let finished: Vec<Vec<(usize, R)>> = thread::scope(|scope| {
        let helpers: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        let mine = work();
        let mut finished = vec![mine];
        for helper in helpers {
            match helper.join() {
                Ok(done) => finished.push(done),
                // The panic as it was, for the caller's guard to report.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        finished
    });
    let mut slots: Vec<Option<R>> = (0..n).map(|_| None).collect();
    for (i, answer) in finished.into_iter().flatten() {
        slots[i] = Some(answer);
    }
    slots.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_sets_the_threads_and_anything_else_leaves_the_cores() {
        assert_eq!(threads_from(Some("1"), 8), 1);
        assert_eq!(threads_from(Some(" 3 "), 8), 3);
        for ignored in [None, Some(""), Some("0"), Some("two"), Some("-1")] {
            assert_eq!(threads_from(ignored, 8), 8, "{ignored:?}");
        }
    }

    #[test]
    fn answers_come_back_in_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        // Uneven costs, so that the threads finish out of order.
        let answers = map(&items, |n| {
            let mut x = *n;
            for _ in 0..(n % 7) * 1000 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            }
            (*n, x)
        });
        assert_eq!(answers.len(), items.len());
        assert!(answers.iter().zip(&items).all(|((n, _), m)| n == m));
    }

    #[test]
    fn every_item_may_be_changed_once() {
        let mut items: Vec<String> = (0..257).map(|n| n.to_string()).collect();
        let lengths = map_mut(&mut items, |s| {
            s.push('!');
            s.len()
        });
        assert!(items.iter().enumerate().all(|(i, s)| *s == format!("{i}!")));
        assert_eq!(lengths, items.iter().map(String::len).collect::<Vec<_>>());
    }

    #[test]
    fn a_nested_map_runs_on_its_worker() {
        let outer: Vec<usize> = (0..8).collect();
        let inner = map(&outer, |_| {
            let nested: Vec<usize> = (0..8).collect();
            map(&nested, |_| IN_WORKER.with(Cell::get) || threads() < 2)
        });
        assert!(inner.into_iter().flatten().all(|on_worker| on_worker));
    }

    #[test]
    fn a_panic_reaches_the_caller_with_its_message() {
        let items: Vec<usize> = (0..64).collect();
        let caught = std::panic::catch_unwind(|| {
            map(&items, |n| {
                if *n == 40 {
                    panic!("piece 40 failed");
                }
                *n
            })
        })
        .unwrap_err();
        let message = caught
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| caught.downcast_ref::<String>().cloned());
        assert_eq!(message.as_deref(), Some("piece 40 failed"));
    }
}
