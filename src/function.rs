//! The function proper: which intents to expand, where their output goes, and how it replaces the
//! previous run's (what is earlier output is [`crate::ownership`]'s to say), after checking it
//! against the settings in the input.
//! Knows intents and ResourceLists, not VictoriaMetrics.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::capacity;
use crate::code::Code;
use crate::intent::{self, Diagnostic, Stack};
use crate::krm::index::Index;
use crate::krm::item::{self, Item};
use crate::krm::object::{self, Object};
use crate::krm::yaml;
use crate::krm::{FieldRef, KrmResult, ResourceList};
use crate::ownership;
use crate::parallel;
use crate::render::{self, Output};
use crate::settings::{self, Expansion};
use crate::settings_index::SettingsIndex;
use crate::terminal::escape;

pub use crate::ownership::OWNER;

/// Whether an item is one vmstack generated: it carries its owner, and the fingerprint that
/// proves it is the object generated there ([`ownership`]).
pub fn is_generated(item: &Value) -> bool {
    ownership::is_generated(Object(item))
}

/// Objects as a multi-document YAML stream. A variable is written like any other string (quoted
/// only where YAML needs it): Flux writes every object again before substituting, so quoting
/// could not keep a type anyway, and every YAML reader takes `${X}` for the same string.
pub fn to_stream(items: &[Value]) -> String {
    yaml::to_yaml_stream(items)
}

/// Every Flux variable the generated objects read, one line each: the variable, the object and
/// field that use it, and the Flux Kustomization that substitutes it (its parent's job for the
/// Kustomization itself). Lines for a terminal: each field is escaped.
pub fn variable_inventory(generated: &[Value]) -> Vec<String> {
    let substituter = |owner: &str| {
        generated
            .iter()
            .find(|g| {
                Object(g).is("kustomize.toolkit.fluxcd.io/v1", "Kustomization")
                    && Object(g).annotation(OWNER) == Some(owner)
            })
            .map(|k| {
                format!(
                    "Kustomization {}/{}",
                    Object(k).namespace(),
                    Object(k).name()
                )
            })
    };
    let mut lines = Vec::new();
    for obj in generated {
        let o = Object(obj);
        let by = if o.is("kustomize.toolkit.fluxcd.io/v1", "Kustomization") {
            "the Kustomization that applies this one".to_string()
        } else {
            o.annotation(OWNER)
                .and_then(substituter)
                .unwrap_or_else(|| "no Flux Kustomization of vmstack (flux.enabled: false)".into())
        };
        for r in settings::inventory_reads(obj) {
            let default = if r.has_default {
                " (has a default)"
            } else {
                ""
            };
            // Tabs separate the columns: no field may hold one, nor a line break.
            lines.push(format!(
                "{}{default}\t{}/{}/{}\t{}\t{}",
                escape(&r.name),
                escape(&r.object.kind),
                escape(&r.object.namespace),
                escape(&r.object.name),
                escape(&r.field),
                escape(&by)
            ));
        }
    }
    lines
}

/// How the output is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// kpt and kustomize's KRM mode: files placed in the package with path/index annotations,
    /// plus a kustomization.yaml listing the folder.
    Files,
    /// kustomize's legacy exec plugin: a plain stream of objects.
    Stream,
}

/// How one run expands its intents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub layout: Layout,
    /// Substitute every intent's variables from the settings among the items, as if each set
    /// `spec.flux.substitute`.
    pub substitute: bool,
    /// Keep each generated object as the text the output writes for it, not as a value, from
    /// the moment it is final, once at least this many intents expand: for a caller that only
    /// writes the list out (a fleet's objects as values are ten times their text). The output
    /// is the same bytes either way.
    pub text_from: Option<usize>,
}

/// The intents from which the binary keeps generated objects as text ([`Options::text_from`]).
/// Below it the values are small, and writing them once, straight to the output, costs less
/// than writing each to its own text and copying that (3 % of a seed re-render's instructions).
pub const FLEET_INTENTS: usize = 8;

impl From<Layout> for Options {
    fn from(layout: Layout) -> Self {
        Options {
            layout,
            substitute: false,
            text_from: None,
        }
    }
}

pub fn is_intent(v: &Value) -> bool {
    Object(v).is(intent::API_VERSION, intent::KIND)
}

fn key(v: &Value) -> String {
    let o = Object(v);
    format!("{}/{}", o.namespace(), o.name())
}

/// Diagnostics of one intent, as results pointing at the intent and the field.
pub fn diagnostic_results(intent: &Value, diagnostics: &[Diagnostic]) -> Vec<KrmResult> {
    let o = Object(intent);
    diagnostics
        .iter()
        .map(|d| {
            let mut r = d.code.result(d.severity, &d.message);
            r.resource_ref = Some(o.resource_ref());
            if !d.path.is_empty() {
                r.field = Some(FieldRef {
                    path: d.path.clone(),
                    current_value: d.current.clone(),
                    proposed_value: d.proposed.clone(),
                });
            }
            r.file = o.file_ref();
            r
        })
        .collect()
}

struct Target {
    intent: Value,
    stack: Stack,
}

/// One intent's generated objects, final, and what checking them found.
struct Expanded {
    chart: Vec<KrmResult>,
    settings: Vec<KrmResult>,
    items: Vec<Item>,
}

impl Target {
    fn as_capacity(&self) -> capacity::Intent<'_> {
        capacity::Intent {
            object: &self.intent,
            stack: &self.stack,
        }
    }
}

/// kpt's `fn eval` sends a ConfigMap named `function-input` holding the `-- key=value`
/// arguments; with none given it is empty, and means "no configuration".
fn is_empty_kpt_input(v: &Value) -> bool {
    let o = Object(v);
    o.is("v1", "ConfigMap")
        && o.name() == "function-input"
        && v.get("data")
            .is_none_or(|d| d.as_object().is_none_or(|m| m.is_empty()))
}

/// At most this many intents in one run: each expands to some 30 objects, so this is already
/// 300,000 generated objects (a fleet of 5,000 clusters takes about 2.5 s).
pub const MAX_INTENTS: usize = 10_000;

/// Decodes the intents among the items (the only items read whole, besides the settings the
/// intents name). Errors come back as results.
fn decode_intents(items: &mut [Item]) -> Vec<KrmResult> {
    let count = items.iter().filter(|i| is_intent(i.object().0)).count();
    if count > MAX_INTENTS {
        return vec![Code::TooManyIntents.error(format!(
            "{count} {} intents in one ResourceList, more than {MAX_INTENTS} (the intent \
             limit): split the package",
            intent::KIND
        ))];
    }
    item::decode_where(items, |i| is_intent(i.object().0))
        .into_iter()
        .map(|(i, e)| unreadable(&items[i], "the intent", &e))
        .collect()
}

fn unreadable(item: &Item, what: &str, e: &yaml::YamlError) -> KrmResult {
    let o = item.object();
    let code = e.limit().map_or(Code::UnreadableInput, Code::of_limit);
    let mut r = code.error(format!("{what} is not readable: {e}"));
    r.resource_ref = Some(o.resource_ref());
    r.file = o.file_ref();
    r
}

fn decoded_intents(items: &[Item]) -> impl Iterator<Item = &Value> {
    items
        .iter()
        .filter_map(Item::value)
        .filter(|v| is_intent(v))
}

/// Reads the intents to expand. Errors come back as results.
fn targets(rl: &ResourceList<Item>) -> Result<Vec<Value>, Vec<KrmResult>> {
    match &rl.function_config {
        Some(fc) if is_empty_kpt_input(fc) => Ok(decoded_intents(&rl.items).cloned().collect()),
        None => Ok(decoded_intents(&rl.items).cloned().collect()),
        Some(fc) if is_intent(fc) => Ok(vec![fc.clone()]),
        Some(fc) => {
            let o = Object(fc);
            let mut r = Code::UnreadableInput.error(format!(
                "functionConfig {} {:?} is not accepted: give a {} ({}) as functionConfig, \
                 or none to expand every {} among the items",
                if o.kind().is_empty() {
                    "<no kind>"
                } else {
                    o.kind()
                },
                o.name(),
                intent::KIND,
                intent::API_VERSION,
                intent::KIND
            ));
            r.resource_ref = Some(o.resource_ref());
            Err(vec![r])
        }
    }
}

/// The settings the expansions read, decoded; errors come back as results.
fn settings_of(items: &mut [Item], stacks: &[&Stack]) -> Result<SettingsIndex, Vec<KrmResult>> {
    let index = Index::new(items, OWNER);
    SettingsIndex::find(items, &index, stacks).map_err(|errors| {
        errors
            .into_iter()
            .map(|(i, e)| unreadable(&items[i], "the settings", &e))
            .collect()
    })
}

/// The annotations by which a host says where an intent's file is: kpt's, and the legacy one
/// kustomize and older hosts pass (kpt passes both).
const PLACEMENT: [&str; 2] = [object::PATH, object::LEGACY_PATH];

/// The folder an intent's files go to, relative to the package root: its own folder (when the
/// host says where the intent file is) joined with the intent's `directory`. Every path
/// annotation the intent carries must be a path inside the package, as `spec.directory` must
/// ([`intent::scalar::package_path`]), or nothing is placed beside it.
fn output_folder(intent: &Value, stack: &Stack) -> Result<String, Vec<Diagnostic>> {
    let o = Object(intent);
    let mut problems = Vec::new();
    let mut base = None;
    for annotation in PLACEMENT {
        let Some(path) = o.annotation(annotation) else {
            continue;
        };
        match intent::scalar::package_path(path) {
            Ok(file) => {
                base.get_or_insert_with(|| {
                    file.rsplit_once('/')
                        .map_or(String::new(), |(dir, _)| dir.to_string())
                });
            }
            Err(why) => problems.push(
                Diagnostic::new(
                    Code::UnsafePath,
                    format!("metadata.annotations.{annotation}"),
                    format!("annotation {annotation}: {path:?} {why}"),
                )
                .with_current(&Value::String(path.to_string())),
            ),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let base = base.unwrap_or_default();
    // Both are normalised: `""` is the package root, and neither holds a `.` segment.
    Ok(match (base.as_str(), stack.directory.as_str()) {
        (b, "") => b.to_string(),
        ("", d) => d.to_string(),
        (b, d) => format!("{b}/{d}"),
    })
}

/// Expands the intents of a ResourceList. Results carry every problem; with any error the items
/// go back unchanged, so no partial output is ever taken for success.
pub fn process(rl: ResourceList, options: impl Into<Options>) -> ResourceList {
    let out = process_items(rl.into_items(), options);
    let api_version = out.api_version.clone();
    // Items made from values are decoded already, so this cannot fail; were it to, say so.
    out.into_values().unwrap_or_else(|e| {
        let mut rl = ResourceList::failed(Code::UnreadableInput.error(e));
        rl.api_version = api_version;
        rl
    })
}

/// [`process`] on items as read from a host: the items vmstack does not own are never decoded,
/// and go back as their own text.
pub fn process_items(
    mut rl: ResourceList<Item>,
    options: impl Into<Options>,
) -> ResourceList<Item> {
    let Options {
        layout,
        substitute,
        text_from,
    } = options.into();
    let decode_errors = decode_intents(&mut rl.items);
    if !decode_errors.is_empty() {
        rl.results.extend(decode_errors);
        return rl;
    }
    let intents = match targets(&rl) {
        Ok(t) => t,
        Err(results) => {
            rl.results.extend(results);
            return rl;
        }
    };

    let mut results = Vec::new();
    let mut expanded: Vec<Target> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut sorted = intents;
    sorted.sort_by_key(key);
    for intent in sorted {
        if !seen.insert(key(&intent)) {
            let mut r = Code::DuplicateIntent.error(format!(
                "intent {} appears twice: each VictoriaMetricsStack needs its own name",
                key(&intent)
            ));
            r.resource_ref = Some(Object(&intent).resource_ref());
            r.file = Object(&intent).file_ref();
            results.push(r);
            continue;
        }
        match intent::parse(&intent) {
            Ok(stack) => expanded.push(Target { intent, stack }),
            Err(diags) => results.extend(diagnostic_results(&intent, &diags)),
        }
    }

    // Intents among the items that are not expanded now still tell which Services exist, and
    // what a global stack expects of its agents.
    let expanded_keys: BTreeSet<String> = expanded.iter().map(|t| key(&t.intent)).collect();
    let mut others: Vec<(Value, Stack)> = decoded_intents(&rl.items)
        .filter(|i| !expanded_keys.contains(&key(i)))
        .filter_map(|i| intent::parse(i).ok().map(|s| (i.clone(), s)))
        .collect();
    // Their problems are reported in the order of their keys, whatever the order of the items.
    others.sort_by_key(|(i, _)| key(i));
    {
        let all: Vec<(&Value, &Stack)> = expanded
            .iter()
            .map(|t| (&t.intent, &t.stack))
            .chain(others.iter().map(|(i, s)| (i, s)))
            .collect();
        let stacks: Vec<&Stack> = all.iter().map(|(_, s)| *s).collect();
        for (i, diag) in intent::across(&stacks) {
            results.extend(diagnostic_results(all[i].0, std::slice::from_ref(&diag)));
        }
    }

    let mut folders: BTreeMap<String, String> = BTreeMap::new();
    if layout == Layout::Files {
        for t in &expanded {
            let folder = match output_folder(&t.intent, &t.stack) {
                Ok(folder) => folder,
                Err(problems) => {
                    results.extend(diagnostic_results(&t.intent, &problems));
                    continue;
                }
            };
            if let Some(other) = folders.insert(folder.clone(), key(&t.intent)) {
                let mut r = Code::DuplicateIntent.error(format!(
                    "intents {other} and {} both write to folder {folder:?}: give one a \
                     different spec.directory",
                    key(&t.intent)
                ));
                r.resource_ref = Some(Object(&t.intent).resource_ref());
                r.field = Some(FieldRef {
                    path: t.stack.directory.path.clone(),
                    current_value: Some(Value::String(t.stack.directory.value.clone())),
                    proposed_value: None,
                });
                results.push(r);
            }
        }
    }

    // The intents that validated go on to the settings check even when others did not, so one
    // run reports every problem of every intent; with any error the items go back unchanged.

    let owners: BTreeSet<String> = expanded.iter().map(|t| key(&t.intent)).collect();
    let present: BTreeSet<String> = decoded_intents(&rl.items).map(key).collect();

    // Intents among the items that are not expanded now still tell which Services exist, and
    // what load their agents send.
    let others: Vec<(Value, Stack)> = decoded_intents(&rl.items)
        .filter(|i| !owners.contains(&key(i)))
        .filter_map(|i| intent::parse(i).ok().map(|s| (i.clone(), s)))
        .collect();
    let everyone: Vec<capacity::Intent> = expanded
        .iter()
        .map(Target::as_capacity)
        .chain(
            others
                .iter()
                .map(|(object, stack)| capacity::Intent { object, stack }),
        )
        .collect();
    let stacks: Vec<&Stack> = everyone.iter().map(|i| i.stack).collect();
    // Every lookup of settings below (capacity, the settings check) goes through this index.
    let settings = settings_of(&mut rl.items, &stacks).unwrap_or_else(|errors| {
        results.extend(errors);
        SettingsIndex::default()
    });
    let assessment = capacity::assess(&settings, &everyone);
    for t in &expanded {
        results.extend(capacity::results(&assessment, t.as_capacity()));
    }

    let checker = settings::Checker::new(&stacks, substitute);
    let as_text = text_from.is_some_and(|least| expanded.len() >= least);
    // Each intent's objects go from render to their last change in one go and, when asked, on
    // to their text: a fleet's objects never all wait as values at once.
    let mut expansions: Vec<Expanded> = parallel::map(&expanded, |t| {
        let mut generated = render::render(&t.stack);
        if let Some(storage) = assessment.storage(&t.as_capacity()) {
            generated.extend(
                render::capacity::render(&t.stack, &storage.thresholds())
                    .into_iter()
                    .map(render::Output::from),
            );
        }
        if layout == Layout::Files {
            let index = render::folder_index(&t.stack, &generated);
            generated.push(index);
        }
        // A folder that is not safe is an error above, and nothing generated is kept.
        let folder = output_folder(&t.intent, &t.stack).unwrap_or_default();
        let mut e = Expansion {
            intent: &t.intent,
            stack: &t.stack,
            generated: place(generated, &key(&t.intent), &folder, layout),
        };
        // A release the chart would refuse to render must not ship.
        let release = e
            .generated
            .iter()
            .find(|o| Object(&o.object).is("helm.toolkit.fluxcd.io/v2", "HelmRelease"));
        let chart = match release.and_then(|r| r.object.get("spec")?.get("values")) {
            Some(values) => diagnostic_results(e.intent, &crate::chart::check(e.stack, values)),
            None => Vec::new(),
        };
        let settings = checker.check(&settings, &mut e);
        let items = e
            .generated
            .into_iter()
            .map(|mut o| {
                ownership::stamp(&mut o.object);
                if as_text {
                    Item::written(&o.object)
                } else {
                    Item::from(o.object)
                }
            })
            .collect();
        Expanded {
            chart,
            settings,
            items,
        }
    });
    // The results in the order they always had: every chart check, then every settings check.
    let (mut chart_results, mut settings_results) = (Vec::new(), Vec::new());
    for e in &mut expansions {
        chart_results.append(&mut e.chart);
        settings_results.append(&mut e.settings);
    }
    results.extend(chart_results);
    results.extend(settings_results);
    let generated: Vec<Object> = expansions
        .iter()
        .flat_map(|e| e.items.iter().map(Item::object))
        .collect();
    // Which items stay: the earlier output of the intents expanded now is replaced.
    let sorted = ownership::sort(
        rl.items.iter().map(Item::object),
        &generated,
        &owners,
        &present,
    );
    results.extend(sorted.results);
    if results.iter().any(KrmResult::is_error) {
        rl.results.extend(results);
        return rl;
    }
    let generated: Vec<Item> = expansions.into_iter().flat_map(|e| e.items).collect();
    let mut items = Vec::with_capacity(rl.items.len() + generated.len());
    for (mut item, kept) in std::mem::take(&mut rl.items).into_iter().zip(sorted.keep) {
        if !kept {
            continue;
        }
        let expanded_now = item.value().is_some_and(|v| {
            is_intent(v)
                && owners.contains(&key(v))
                && Object(v).annotation(object::LOCAL_CONFIG) != Some("true")
        });
        if expanded_now && let Ok(value) = item.value_mut() {
            // The intent configures the function; it must never reach a cluster.
            object::set_annotation(value, object::LOCAL_CONFIG, "true");
        }
        items.push(item);
    }
    items.extend(generated);
    rl.items = items;
    rl.results.extend(results);
    rl
}

/// Annotates generated objects with their owner and, for files, their place in the package.
fn place(generated: Vec<Output>, owner: &str, folder: &str, layout: Layout) -> Vec<Output> {
    // Files in the order they first appear, objects within a file in render order: a stable
    // sort by the file's first position, moving the objects rather than copying them.
    let mut order: Vec<&str> = Vec::new();
    for g in &generated {
        if !order.contains(&g.file) {
            order.push(g.file);
        }
    }
    let mut generated = generated;
    generated.sort_by_key(|g| order.iter().position(|f| *f == g.file));
    let mut per_file: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(generated.len());
    for mut g in generated {
        let obj = &mut g.object;
        object::set_annotation(obj, OWNER, owner);
        if layout == Layout::Files {
            let i = per_file.entry(g.file).or_insert(0);
            let path = if folder.is_empty() {
                g.file.to_string()
            } else {
                format!("{folder}/{}", g.file)
            };
            object::set_file(obj, &path, *i);
            *i += 1;
        }
        out.push(g);
    }
    out
}
