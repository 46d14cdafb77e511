//! The library's stages, one at a time: parse, validate, render, settings check, serialise and
//! the whole expansion, on the seed intent, on fleets, and on pass-through lists; beside them
//! the floors: a bare parse + emit of the same text with serde-saphyr, and the parser's events
//! alone. Run with `cargo bench -p vmstack-bench` (bench/compare.sh times whole processes).

use divan::Bencher;
use serde_json::Value;
use vmstack::function::{self, Layout};
use vmstack::krm::index::Index;
use vmstack::krm::{ResourceList, yaml};
use vmstack::render::Output;
use vmstack::settings::{self, Expansion};
use vmstack::settings_index::SettingsIndex;
use vmstack::{intent, render};

fn main() {
    divan::main();
}

fn seed() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/seed/infra");
    let read = |f: &str| {
        yaml::parse_document(&std::fs::read_to_string(format!("{dir}/{f}")).unwrap()).unwrap()
    };
    let items = vec![
        read("Kptfile"),
        read("vmstack.yaml"),
        read("cluster-settings.yaml"),
    ];
    let rl = ResourceList::new(items, None).into_items();
    rl.to_yaml()
}

fn input(name: &str) -> String {
    match name {
        "seed" => seed(),
        "fleet-250" => vmstack_bench::fleet(250),
        "pass-through-5000" => vmstack_bench::pass_through(5000),
        other => panic!("no input {other}"),
    }
}

const INPUTS: &[&str] = &["seed", "fleet-250", "pass-through-5000"];
const INTENT_INPUTS: &[&str] = &["seed", "fleet-250"];

fn intents(text: &str) -> Vec<Value> {
    let rl = ResourceList::parse(text).unwrap();
    rl.items
        .into_iter()
        .filter(|i| function::is_intent(i.object().0))
        .map(|i| i.into_value().unwrap())
        .collect()
}

#[divan::bench(args = INPUTS, sample_count = 10)]
fn parse(b: Bencher, name: &str) {
    let text = input(name);
    b.bench(|| ResourceList::parse(&text).unwrap());
}

#[divan::bench(args = INTENT_INPUTS, sample_count = 10)]
fn validate(b: Bencher, name: &str) {
    let intents = intents(&input(name));
    b.bench(|| {
        intents
            .iter()
            .map(|i| intent::parse(i).unwrap())
            .collect::<Vec<_>>()
    });
}

#[divan::bench(args = INTENT_INPUTS, sample_count = 10)]
fn render(b: Bencher, name: &str) {
    let stacks: Vec<_> = intents(&input(name))
        .iter()
        .map(|i| intent::parse(i).unwrap())
        .collect();
    b.bench(|| stacks.iter().map(render::render).collect::<Vec<_>>());
}

#[divan::bench(args = INTENT_INPUTS, sample_count = 10)]
fn settings_check(b: Bencher, name: &str) {
    let text = input(name);
    let intents = intents(&text);
    let stacks: Vec<_> = intents.iter().map(|i| intent::parse(i).unwrap()).collect();
    let all: Vec<&intent::Stack> = stacks.iter().collect();
    // The settings as the function finds them: through the index of the scanned items.
    let mut items = ResourceList::parse(&text).unwrap().items;
    let index = Index::new(&items, function::OWNER);
    let settings = SettingsIndex::find(&mut items, &index, &all).unwrap();
    let generated: Vec<Vec<Output>> = stacks.iter().map(render::render).collect();
    b.with_inputs(|| generated.clone())
        .bench_values(|generated| {
            let mut expansions: Vec<Expansion> = intents
                .iter()
                .zip(&stacks)
                .zip(generated)
                .map(|((intent, stack), generated)| Expansion {
                    intent,
                    stack,
                    generated,
                })
                .collect();
            settings::check_and_substitute(&settings, &mut expansions, &all, false)
        });
}

#[divan::bench(args = INPUTS, sample_count = 10)]
fn serialise(b: Bencher, name: &str) {
    let out = function::process_items(ResourceList::parse(&input(name)).unwrap(), Layout::Files);
    assert!(!out.has_errors(), "{:?}", out.results);
    b.bench(|| out.to_yaml());
}

#[divan::bench(args = INPUTS, sample_count = 10)]
fn whole(b: Bencher, name: &str) {
    let text = input(name);
    b.bench(|| {
        let rl = ResourceList::parse(&text).unwrap();
        function::process_items(rl, Layout::Files).to_yaml()
    });
}

/// The floor of a full read: serde-saphyr, the library vmstack decodes with, parsing all of
/// the text into values and writing them back out.
#[divan::bench(args = INPUTS, sample_count = 10)]
fn floor_parse_emit(b: Bencher, name: &str) {
    let text = input(name);
    b.bench(|| {
        let options = serde_saphyr::options! { budget: None };
        let v: Value = serde_saphyr::from_str_with_options(&text, options).unwrap();
        serde_saphyr::to_string(&v).unwrap()
    });
}

/// The floor of any scan: the parser's events alone.
#[divan::bench(args = INPUTS, sample_count = 10)]
fn floor_events(b: Bencher, name: &str) {
    let text = input(name);
    b.bench(|| granit_parser::Parser::new_from_str(&text).count());
}
