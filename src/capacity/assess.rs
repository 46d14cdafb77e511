//! What each global stack of an input is asked to hold: its own numbers (retention, copies,
//! nodes, size, resolved from the settings where they are variables) and the load declared for
//! it, its own plus that of every agent of the same input that writes to it.

use serde_json::Value;

use super::formula::{Sizing, retention_seconds};
use super::resolve::{Resolved, Settings, resolve, settings_for, substitute};
use crate::flux::substitute_from::Items;
use crate::intent::scalar::UrlParts;
use crate::intent::{Agent, Global, RemoteWriteVia, Role, Stack};
use crate::krm::object::Object;
use crate::operator::Names;

/// One intent of the input, with the object it was read from (for its file and its settings).
#[derive(Clone, Copy)]
pub struct Intent<'a> {
    pub object: &'a Value,
    pub stack: &'a Stack,
}

impl Intent<'_> {
    /// `<namespace>/<name>`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.stack.namespace, self.stack.name)
    }

    pub fn file(&self) -> Option<String> {
        Object(self.object).file_ref().map(|f| f.path)
    }

    /// Its identity in an input: the key, in its file (packages of several clusters may each
    /// hold an intent of the same name).
    pub fn id(&self) -> String {
        format!("{}#{}", self.file().unwrap_or_default(), self.key())
    }
}

/// The load one source declares (`spec.capacity`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Declared {
    pub rate: Option<f64>,
    pub active_series: Option<u64>,
    pub churn_rate: Option<u64>,
}

impl Declared {
    fn of(stack: &Stack) -> Declared {
        let c = &stack.capacity;
        Declared {
            rate: c.ingestion_rate.as_ref().map(|r| r.value),
            active_series: c.active_series.as_ref().map(|a| a.value),
            churn_rate: c.churn_rate.as_ref().map(|c| c.value),
        }
    }

    fn is_empty(&self) -> bool {
        *self == Declared::default()
    }
}

/// An agent of the input and where it writes.
pub struct Placement<'a> {
    pub agent: Intent<'a>,
    /// Its `cluster` label, variables resolved where its settings allow.
    pub cluster: String,
    pub declared: Declared,
    /// The global stack (index into [`Assessment::globals`]) its load is counted for, or why
    /// it is not counted for any.
    pub target: Result<usize, String>,
}

/// One global stack: what it is asked to hold, and with what.
pub struct Storage<'a> {
    pub intent: Intent<'a>,
    /// Its `cluster` label (if any), variables resolved where its settings allow.
    pub cluster: String,
    pub global: &'a Global,
    pub retention: Resolved<f64>,
    pub replication_factor: Resolved<u32>,
    pub nodes: Resolved<u32>,
    /// Bytes per vmstorage node.
    pub size: Resolved<f64>,
    pub own: Declared,
    /// The agents of the input whose load is counted here: (intent key, cluster, load).
    pub agents: Vec<(String, String, Declared)>,
}

impl Storage<'_> {
    /// The formula's inputs, when every number is known.
    pub fn sizing(&self) -> Option<Sizing> {
        let capacity = &self.intent.stack.capacity;
        let nodes = *self.nodes.value()?;
        let replication_factor = *self.replication_factor.value()?;
        (nodes > 0 && replication_factor > 0).then_some(())?;
        Some(Sizing {
            bytes_per_sample: capacity.bytes_per_sample.value,
            index_overhead: capacity.index_overhead.value,
            replication_factor,
            nodes,
            retention_seconds: *self.retention.value()?,
        })
    }

    /// Every source's declaration: the stack's own first, then each agent's.
    fn sources(&self) -> impl Iterator<Item = &Declared> {
        std::iter::once(&self.own).chain(self.agents.iter().map(|(_, _, d)| d))
    }

    /// The declared ingestion rate, summed over the sources; `None` when none declares one.
    pub fn load(&self) -> Option<f64> {
        self.sources().filter_map(|d| d.rate).reduce(|a, b| a + b)
    }

    pub fn active_series(&self) -> Option<u64> {
        self.sources()
            .filter_map(|d| d.active_series)
            .reduce(|a, b| a + b)
    }

    pub fn churn_rate(&self) -> Option<u64> {
        self.sources()
            .filter_map(|d| d.churn_rate)
            .reduce(|a, b| a + b)
    }

    pub fn names(&self) -> Names {
        self.intent.stack.names()
    }
}

/// Every global stack of an input and every agent, assessed together.
pub struct Assessment<'a> {
    pub globals: Vec<Storage<'a>>,
    pub agents: Vec<Placement<'a>>,
}

impl<'a> Assessment<'a> {
    /// The global stack of an intent.
    pub fn storage(&self, intent: &Intent) -> Option<&Storage<'a>> {
        let id = intent.id();
        self.globals.iter().find(|g| g.intent.id() == id)
    }
}

fn storage<'a>(
    input: &(impl Items + ?Sized),
    intent: Intent<'a>,
    global: &'a Global,
) -> Storage<'a> {
    let settings = settings_for(input, intent.object, intent.stack);
    let whole = |s: &str| s.parse::<u32>().ok();
    Storage {
        intent,
        cluster: cluster_of(input, intent),
        global,
        retention: resolve(&global.retention, &settings, retention_seconds),
        replication_factor: resolve(&global.replication_factor, &settings, whole),
        nodes: resolve(&global.vmstorage.component.replicas, &settings, whole),
        size: resolve(&global.vmstorage.size, &settings, |s| {
            crate::intent::scalar::Quantity(s.into()).value()
        }),
        own: Declared::of(intent.stack),
        agents: Vec::new(),
    }
}

/// The global stacks an agent's remote write reaches: the one whose vminsert or vmauth Service,
/// or vmauth Ingress host, the agent's URL names (its variables resolved from its settings), or
/// the release and namespace of a cross-cluster write.
fn targets_of(
    agent: Intent,
    a: &Agent,
    input: &(impl Items + ?Sized),
    globals: &[Storage],
) -> Result<Vec<usize>, String> {
    let matching = |f: &dyn Fn(&Storage) -> bool| -> Vec<usize> {
        (0..globals.len()).filter(|i| f(&globals[*i])).collect()
    };
    match &a.remote_write.via {
        RemoteWriteVia::CrossCluster(t) => Ok(matching(&|g| {
            g.intent.stack.release.value == t.release.value
                && g.intent.stack.namespace == t.namespace
        })),
        RemoteWriteVia::Url => {
            let text = a.remote_write.url.text();
            let url = if text.contains("${") {
                let settings: Settings = settings_for(input, agent.object, agent.stack);
                substitute(text, &settings)
                    .map_err(|why| format!("its remoteWrite.url {text}: {why}"))?
            } else {
                text.to_string()
            };
            let parts = UrlParts::parse(&url).map_err(|why| format!("{url:?} {why}"))?;
            Ok(matching(&|g| {
                g.intent
                    .stack
                    .receives_writes_at(&parts.host, &agent.stack.namespace)
            }))
        }
    }
}

/// A stack's cluster label, its variables resolved where the settings allow.
fn cluster_of(input: &(impl Items + ?Sized), intent: Intent) -> String {
    let text = intent.stack.cluster.as_ref().map_or("", |c| c.0.as_str());
    if text.contains("${") {
        let settings = settings_for(input, intent.object, intent.stack);
        substitute(text, &settings).unwrap_or_else(|_| text.to_string())
    } else {
        text.to_string()
    }
}

/// Assesses every global stack of `intents` against the load declared for it. `input` is the
/// whole input, where the settings are looked up. Stacks and agents come out in the order of
/// their keys.
pub fn assess<'a>(input: &(impl Items + ?Sized), intents: &[Intent<'a>]) -> Assessment<'a> {
    // In a fixed order, whatever the order of the input: the agents' shares are listed so.
    let mut intents = intents.to_vec();
    intents.sort_by_key(|i| (i.key(), i.id()));
    let intents = intents.as_slice();
    let mut globals: Vec<Storage<'a>> = intents
        .iter()
        .filter_map(|i| match &i.stack.role {
            Role::Global(g) => Some(storage(input, *i, g)),
            Role::Agent(_) => None,
        })
        .collect();
    let mut agents = Vec::new();
    for intent in intents {
        let Role::Agent(a) = &intent.stack.role else {
            continue;
        };
        let declared = Declared::of(intent.stack);
        let target = match targets_of(*intent, a, input, &globals) {
            Ok(found) => match found.as_slice() {
                [one] => Ok(*one),
                [] => Err("writes to no global stack of the input".to_string()),
                many => Err(format!(
                    "writes to a Service that {} global intents of the input create: {}",
                    many.len(),
                    many.iter()
                        .map(|i| {
                            let g = globals[*i].intent;
                            match g.file() {
                                Some(f) => format!("{} ({f})", g.key()),
                                None => g.key(),
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            },
            Err(why) => Err(format!("cannot tell where it writes: {why}")),
        };
        let cluster = cluster_of(input, *intent);
        if let Ok(i) = target
            && !declared.is_empty()
        {
            globals[i]
                .agents
                .push((intent.key(), cluster.clone(), declared));
        }
        agents.push(Placement {
            agent: *intent,
            cluster,
            declared,
            target,
        });
    }
    Assessment { globals, agents }
}
