//! How long an expansion takes, as ratios that stay meaningful on a shared, noisy machine:
//! the whole function against merely reading and writing the same ResourceList (the floor any
//! KRM function pays), and the cost per intent with many intents against one (linear scaling).
//!
//! Run with `scripts/bench.sh` (or `cargo bench --bench render`); nothing here is a pass/fail test.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vmstack::function::{self, Layout};
use vmstack::krm::{ResourceList, yaml};

fn intent(name: &str, role_file: &str) -> Value {
    let path = format!(
        "{}/examples/seed/{role_file}/vmstack.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut v = yaml::parse_document(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["metadata"]["name"] = json!(name);
    v["spec"]["directory"] = json!(name);
    v
}

/// A ResourceList as kpt would send it: `n` intents, alternating global and agent.
fn input(n: usize) -> String {
    let items: Vec<Value> = (0..n)
        .map(|i| {
            intent(
                &format!("stack-{i}"),
                if i % 2 == 0 { "infra" } else { "apps" },
            )
        })
        .collect();
    yaml::to_yaml(
        &json!({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": items}),
    )
}

/// The median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn read_and_write(text: &str) {
    let rl = ResourceList::parse(text).unwrap();
    black_box(rl.to_yaml());
}

fn expand(text: &str) {
    let rl = ResourceList::parse(text).unwrap();
    let out = function::process(rl, Layout::Files);
    assert!(!out.has_errors());
    black_box(out.to_yaml());
}

fn main() {
    let runs = 31;
    let one = input(1);
    let many_n = 40;
    let many = input(many_n);

    let floor_one = median(runs, || read_and_write(&one));
    let expand_one = median(runs, || expand(&one));
    let expand_many = median(runs, || expand(&many));

    println!(
        "expand 1 intent:            {:>10.3} ms",
        expand_one.as_secs_f64() * 1e3
    );
    println!(
        "read+write the same list:   {:>10.3} ms",
        floor_one.as_secs_f64() * 1e3
    );
    println!(
        "expand {many_n} intents:          {:>10.3} ms",
        expand_many.as_secs_f64() * 1e3
    );
    println!(
        "ratio expand / read+write (1 intent):       {:.1}",
        expand_one.as_secs_f64() / floor_one.as_secs_f64()
    );
    println!(
        "ratio per-intent cost, {many_n} intents / 1 intent: {:.2}   (1.0 = linear)",
        expand_many.as_secs_f64() / many_n as f64 / expand_one.as_secs_f64()
    );
}
