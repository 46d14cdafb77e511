//! Which input items are vmstack's own earlier output, to replace or prune, and which belong to
//! someone else and are kept: the rule of docs/ownership.md.
//!
//! The owner annotation alone proves nothing: it is copied with a file, a template or a snippet.
//! So every generated object also carries a fingerprint of where it stands (its owner, API
//! group, kind, namespace, name and file). An item is taken for earlier output only when its
//! fingerprint matches it, or when this run generates an object of exactly its owner, identity
//! and file (output written before fingerprints, or an object written again in place). The
//! fingerprint is a checksum against accidents, not a signature: anyone can compute it, but an
//! object copied elsewhere, renamed or given another owner no longer matches it.
//!
//! Knows KRM objects and annotations, not VictoriaMetrics.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write;

use serde_json::Value;

use crate::code::Code;
use crate::decimal::push_decimal;
use crate::krm::object::{self, Object};
use crate::krm::{KrmResult, Severity};

/// Marks every generated object with the intent that produced it (`<namespace>/<name>`).
pub const OWNER: &str = "vmstack.dev/owner";

/// The fingerprint of a generated object's owner, identity and file (docs/ownership.md).
pub const FINGERPRINT: &str = "vmstack.dev/fingerprint";

/// The kind of an intent. An intent is never pruned, whatever its annotations or apiVersion.
const INTENT_KIND: &str = "VictoriaMetricsStack";

/// The API group of an `apiVersion` (`""` for the core group): `policy/v1` and `policy/v1beta1`
/// name one object.
fn group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// What the API server and kpt tell objects apart by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Identity<'a> {
    group: &'a str,
    kind: &'a str,
    namespace: &'a str,
    name: &'a str,
}

impl<'a> Identity<'a> {
    fn of(o: Object<'a>) -> Self {
        // The metadata looked up once: every item of a run is asked this, some several times.
        let metadata = o.0.get("metadata");
        let in_metadata = |key| {
            metadata
                .and_then(|m| m.get(key))
                .and_then(Value::as_str)
                .unwrap_or("")
        };
        Identity {
            group: group(o.api_version()),
            kind: o.kind(),
            namespace: in_metadata("namespace"),
            name: in_metadata("name"),
        }
    }
}

/// The file an object is placed in (`""` when the host gives none).
fn path_of(o: Object<'_>) -> String {
    o.file_ref().map(|f| f.path).unwrap_or_default()
}

/// FNV-1a, 64 bits: stable across platforms and Rust versions (std's hashers are not), and
/// enough to tell accidental copies apart.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn digest(owner: &str, id: Identity<'_>, path: &str) -> String {
    // Each field with its length first, so no two tuples share one text. Built by hand: the
    // formatting machinery cost more than the hash, and every owned item is checked.
    let fields = [owner, id.group, id.kind, id.namespace, id.name, path];
    let mut text = String::with_capacity(9 + fields.iter().map(|f| f.len() + 8).sum::<usize>());
    text.push_str("vmstack/1");
    for field in fields {
        text.push('|');
        push_decimal(&mut text, field.len() as u64, false);
        text.push(':');
        text.push_str(field);
    }
    let hash = fnv1a(text.as_bytes());
    (0..16)
        .rev()
        .map(|nibble| char::from(b"0123456789abcdef"[(hash >> (4 * nibble) & 0xf) as usize]))
        .collect()
}

/// Writes the fingerprint of a generated object, once it is named, owned and placed.
pub fn stamp(obj: &mut Value) {
    let path = path_of(Object(obj));
    stamp_at(obj, &path);
}

/// Writes the fingerprint of a generated object for the file `path`, for a writer that places
/// objects without the placement annotations (the command line's `-o`).
pub fn stamp_at(obj: &mut Value, path: &str) {
    let o = Object(obj);
    if let Some(owner) = o.annotation(OWNER) {
        let f = digest(owner, Identity::of(o), path);
        object::set_annotation(obj, FINGERPRINT, &f);
    }
}

/// Whether an object is as vmstack generated it: it has an owner, and the fingerprint of that
/// owner, its identity and its file.
pub fn is_generated(o: Object<'_>) -> bool {
    is_generated_at(o, &path_of(o))
}

/// [`is_generated`] for an object read from the file `path`, whatever its annotations say.
pub fn is_generated_at(o: Object<'_>, path: &str) -> bool {
    o.annotation(OWNER)
        .is_some_and(|owner| fingerprint_matches(o, owner, Identity::of(o), path))
}

/// Whether the object's fingerprint is that of `owner`, `id` and `path`.
fn fingerprint_matches(o: Object<'_>, owner: &str, id: Identity<'_>, path: &str) -> bool {
    o.annotation(FINGERPRINT)
        .is_some_and(|f| digest(owner, id, path) == f)
}

/// Whether an object is an intent: never pruned, whatever it carries.
pub fn is_intent(o: Object<'_>) -> bool {
    o.kind() == INTENT_KIND
}

/// `Kind namespace/name` (or `Kind name`), and its file when the host gives one.
fn describe(o: Object<'_>) -> String {
    let mut s = if o.namespace().is_empty() {
        format!("{} {}", o.kind(), o.name())
    } else {
        format!("{} {}/{}", o.kind(), o.namespace(), o.name())
    };
    if let Some(f) = o.file_ref() {
        let _ = write!(s, " ({} #{})", f.path, f.index);
    }
    s
}

fn about(mut r: KrmResult, o: Object<'_>) -> KrmResult {
    r.resource_ref = Some(o.resource_ref());
    r.file = o.file_ref();
    r
}

/// What becomes of the input items: which stay, and what was said about them.
#[derive(Debug, Default)]
pub struct Sorted {
    /// One entry per input item, in order: `true` for an item that stays.
    pub keep: Vec<bool>,
    /// In the order of the items: an error for an item that stays and collides with a generated
    /// object; else a warning for an item that stays and looks generated, an info for an item
    /// removed that this run does not generate again.
    pub results: Vec<KrmResult>,
}

/// What an input item is to this run.
enum Verdict {
    /// Kept; a warning when it looks generated.
    Keep(Option<KrmResult>),
    /// Earlier output, replaced; an info when it is not generated again.
    Replace(Option<KrmResult>),
}

/// Sorts the input `items` into what stays and what this run's `generated` objects replace.
/// `expanded` holds the keys (`namespace/name`) of the intents expanded now, `present` those of
/// every intent in the input. Then checks that no generated object collides with an item that
/// stays: the same group, kind, namespace and name (for objects that reach a cluster), or the
/// same file and index.
pub fn sort<'a>(
    items: impl IntoIterator<Item = Object<'a>>,
    generated: &[Object<'_>],
    expanded: &BTreeSet<String>,
    present: &BTreeSet<String>,
) -> Sorted {
    let fresh = Fresh::new(generated);
    let mut sorted = Sorted::default();
    for o in items {
        let verdict = judge(o, &fresh, expanded, present);
        let (keep, note) = match verdict {
            Verdict::Keep(note) => (true, note),
            Verdict::Replace(note) => (false, note),
        };
        let collisions = if keep {
            fresh.collisions(o)
        } else {
            Vec::new()
        };
        if collisions.is_empty() {
            sorted.results.extend(note);
        } else {
            // The error says all the warning would: one result per item.
            sorted.results.extend(collisions);
        }
        sorted.keep.push(keep);
    }
    sorted
}

fn judge(
    o: Object<'_>,
    fresh: &Fresh<'_>,
    expanded: &BTreeSet<String>,
    present: &BTreeSet<String>,
) -> Verdict {
    let Some(owner) = o.annotation(OWNER) else {
        return Verdict::Keep(None);
    };
    let note =
        |code: Code, severity, message: String| Some(about(code.result(severity, message), o));
    if is_intent(o) {
        return Verdict::Keep(note(
            Code::NotGenerated,
            Severity::Warning,
            format!(
                "this {INTENT_KIND} carries {OWNER}: {owner}, which marks generated objects; \
                 an intent is never pruned, so it is kept and the annotation ignored: remove it"
            ),
        ));
    }
    // Read once: every owned item is asked some of what follows.
    let id = Identity::of(o);
    let path = path_of(o);
    let generated = || fingerprint_matches(o, owner, id, &path);
    if expanded.contains(owner) {
        if !(generated() || fresh.written_again(owner, id, &path)) {
            return Verdict::Keep(note(
                Code::NotGenerated,
                Severity::Warning,
                format!(
                    "{} carries {OWNER}: {owner}, but is not an object vmstack generated (its \
                     {FINGERPRINT} is missing, or does not match its kind, namespace, name and \
                     file): kept. Remove the annotation if the object is yours; delete the \
                     object if it is stale output",
                    describe(o)
                ),
            ));
        }
        if fresh.generates(owner, id) {
            return Verdict::Replace(None);
        }
        return Verdict::Replace(note(
            Code::PrunedOutput,
            Severity::Info,
            format!(
                "removed {}: intent {owner} no longer generates it",
                describe(o)
            ),
        ));
    }
    if present.contains(owner) {
        // Output of an intent that is not expanded in this run.
        return Verdict::Keep(None);
    }
    if generated() && fresh.in_place(id, &path) {
        // The intent was renamed: its output, in place, is generated again.
        return Verdict::Replace(note(
            Code::PrunedOutput,
            Severity::Info,
            format!(
                "replaced {}: generated by intent {owner}, which is not in the input any more, \
                 and generated again in its place",
                describe(o)
            ),
        ));
    }
    Verdict::Keep(note(
        Code::OrphanedOutput,
        Severity::Warning,
        format!(
            "generated by intent {owner}, which is not in the input any more; delete this \
             object, or restore the intent"
        ),
    ))
}

fn is_local(o: Object<'_>) -> bool {
    o.annotation(object::LOCAL_CONFIG) == Some("true")
}

/// This run's generated objects, by what the input items are compared on.
struct Fresh<'g> {
    /// Owner, identity and file of each.
    placed: HashSet<(&'g str, Identity<'g>, String)>,
    /// Owner and identity of each.
    owned: HashSet<(&'g str, Identity<'g>)>,
    /// Identity and file of each.
    at: HashSet<(Identity<'g>, String)>,
    /// The objects that reach a cluster, by identity.
    by_identity: HashMap<Identity<'g>, Object<'g>>,
    /// Every object placed in a file, by file and index.
    by_place: HashMap<(String, u64), Object<'g>>,
}

impl<'g> Fresh<'g> {
    fn new(generated: &[Object<'g>]) -> Self {
        // Sized up front: grown one doubling at a time, the five sets rehashed every key again
        // (a tenth of the ownership check of a 5,000-intent fleet).
        let n = generated.len();
        let mut fresh = Fresh {
            placed: HashSet::with_capacity(n),
            owned: HashSet::with_capacity(n),
            at: HashSet::with_capacity(n),
            by_identity: HashMap::with_capacity(n),
            by_place: HashMap::with_capacity(n),
        };
        for g in generated {
            let (owner, id, path) = (
                g.annotation(OWNER).unwrap_or(""),
                Identity::of(*g),
                path_of(*g),
            );
            fresh.placed.insert((owner, id, path.clone()));
            fresh.owned.insert((owner, id));
            fresh.at.insert((id, path));
            if !is_local(*g) {
                fresh.by_identity.entry(id).or_insert(*g);
            }
            if let Some(f) = g.file_ref() {
                fresh.by_place.entry((f.path, f.index)).or_insert(*g);
            }
        }
        fresh
    }

    /// The same object generated again for `owner`, in the same file.
    fn written_again(&self, owner: &str, id: Identity<'_>, path: &str) -> bool {
        self.placed.contains(&(owner, id, path.to_string()))
    }

    /// The same object generated again for `owner`, in whichever file.
    fn generates(&self, owner: &str, id: Identity<'_>) -> bool {
        self.owned.contains(&(owner, id))
    }

    /// The same object generated in the same file, for whichever owner.
    fn in_place(&self, id: Identity<'_>, path: &str) -> bool {
        self.at.contains(&(id, path.to_string()))
    }

    /// An error for each generated object that would stand beside the item `k`, which stays: the
    /// same object on the cluster, or the same place in the same file.
    fn collisions(&self, k: Object<'_>) -> Vec<KrmResult> {
        let owned = match k.annotation(OWNER) {
            Some(owner) => {
                format!(" (it carries {OWNER}: {owner}, but is not vmstack's output in that place)")
            }
            None => String::new(),
        };
        let mut results = Vec::new();
        let same_object = (!is_local(k))
            .then(|| self.by_identity.get(&Identity::of(k)))
            .flatten();
        if let Some(g) = same_object {
            results.push(about(
                Code::CollidesWithInput.error(format!(
                    "vmstack generates {} for intent {}, and the input already holds {}{}: the \
                     same object twice. Rename, move out or delete the input's object, or change \
                     the intent",
                    describe(*g),
                    g.annotation(OWNER).unwrap_or(""),
                    describe(k),
                    owned
                )),
                k,
            ));
        }
        let same_place = k
            .file_ref()
            .and_then(|f| self.by_place.get(&(f.path, f.index)));
        if let Some(g) = same_place.filter(|g| same_object.is_none_or(|s| s.0 != g.0)) {
            results.push(about(
                Code::CollidesWithInput.error(format!(
                    "vmstack generates {} for intent {}, in the place of {}{}: two objects at one \
                     file and index. Move the input's object to a file of its own",
                    describe(*g),
                    g.annotation(OWNER).unwrap_or(""),
                    describe(k),
                    owned
                )),
                k,
            ));
        }
        results
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn placed(kind: &str, name: &str, owner: Option<&str>, path: &str, index: usize) -> Value {
        let mut v = json!({
            "apiVersion": "v1", "kind": kind,
            "metadata": {"name": name, "namespace": "ns"},
        });
        if let Some(owner) = owner {
            object::set_annotation(&mut v, OWNER, owner);
        }
        object::set_file(&mut v, path, index);
        v
    }

    fn stamped(mut v: Value) -> Value {
        stamp(&mut v);
        v
    }

    fn keys(keys: &[&str]) -> BTreeSet<String> {
        keys.iter().map(|k| k.to_string()).collect()
    }

    fn codes(results: &[KrmResult]) -> Vec<(Code, Severity)> {
        results
            .iter()
            .map(|r| {
                let code = Code::ALL.iter().find(|c| c.as_str() == r.tags["code"]);
                (*code.unwrap(), r.severity)
            })
            .collect()
    }

    #[test]
    fn the_fingerprint_covers_owner_identity_and_file() {
        let base = stamped(placed("ConfigMap", "a", Some("ns/vm"), "vm/a.yaml", 0));
        assert!(is_generated(Object(&base)));
        let f = base["metadata"]["annotations"][FINGERPRINT]
            .as_str()
            .unwrap();
        assert_eq!(f.len(), 16);
        // The index and the apiVersion's version are not part of it.
        let mut moved_down = base.clone();
        object::set_file(&mut moved_down, "vm/a.yaml", 3);
        moved_down["apiVersion"] = json!("v2");
        assert!(is_generated(Object(&moved_down)));
        for change in [
            ("/metadata/name", json!("b")),
            ("/metadata/namespace", json!("other")),
            ("/kind", json!("Secret")),
            ("/apiVersion", json!("apps/v1")),
            (
                "/metadata/annotations/vmstack.dev~1owner",
                json!("ns/other"),
            ),
            (
                "/metadata/annotations/internal.config.kubernetes.io~1path",
                json!("mine/a.yaml"),
            ),
        ] {
            let mut copy = base.clone();
            *copy.pointer_mut(change.0).unwrap() = change.1.clone();
            assert!(!is_generated(Object(&copy)), "{change:?} still matches");
        }
        // Pinned (checked with an independent FNV-1a of the same text): the fingerprint is in
        // every output file, and must not drift between versions.
        assert_eq!(f, "4f3164767be727bf");
    }

    #[test]
    fn earlier_output_is_replaced_lookalikes_are_kept() {
        let expanded = keys(&["ns/vm"]);
        let old_output = stamped(placed("ConfigMap", "a", Some("ns/vm"), "vm/a.yaml", 0));
        let no_longer = stamped(placed("ConfigMap", "gone", Some("ns/vm"), "vm/a.yaml", 1));
        let unstamped = placed("ConfigMap", "a", Some("ns/vm"), "vm/a.yaml", 0);
        let lookalike = placed("ConfigMap", "mine", Some("ns/vm"), "app/mine.yaml", 0);
        let copied = {
            let mut c = old_output.clone();
            object::set_file(&mut c, "app/copy.yaml", 0);
            c
        };
        let intent = {
            let mut i = placed(INTENT_KIND, "vm", Some("ns/vm"), "vmstack.yaml", 0);
            stamp(&mut i);
            i
        };
        let fresh = stamped(placed("ConfigMap", "a", Some("ns/vm"), "vm/a.yaml", 0));

        let items = [&old_output, &no_longer, &unstamped, &lookalike, &intent];
        let sorted = sort(
            items.iter().map(|v| Object(v)),
            &[Object(&fresh)],
            &expanded,
            &expanded,
        );
        assert_eq!(sorted.keep, [false, false, false, true, true]);
        assert_eq!(
            codes(&sorted.results),
            [
                (Code::PrunedOutput, Severity::Info),
                (Code::NotGenerated, Severity::Warning),
                (Code::NotGenerated, Severity::Warning),
            ]
        );
        assert!(sorted.results[0].message.contains("ConfigMap ns/gone"));

        // A copy of generated output in another file is the user's, and the same object twice.
        let sorted = sort([Object(&copied)], &[Object(&fresh)], &expanded, &expanded);
        assert_eq!(sorted.keep, [true]);
        assert_eq!(
            codes(&sorted.results),
            [(Code::CollidesWithInput, Severity::Error)],
            "one result for the item"
        );
        let clash = &sorted.results[0].message;
        assert!(
            clash.contains("vm/a.yaml") && clash.contains("app/copy.yaml"),
            "{clash}"
        );
    }

    #[test]
    fn output_of_an_intent_not_expanded_now_stays() {
        let other = stamped(placed("ConfigMap", "b", Some("ns/other"), "o/b.yaml", 0));
        let gone = stamped(placed("ConfigMap", "c", Some("ns/gone"), "g/c.yaml", 0));
        let sorted = sort(
            [Object(&other), Object(&gone)],
            &[],
            &keys(&["ns/vm"]),
            &keys(&["ns/vm", "ns/other"]),
        );
        assert_eq!(sorted.keep, [true, true]);
        assert_eq!(
            codes(&sorted.results),
            [(Code::OrphanedOutput, Severity::Warning)]
        );
    }

    #[test]
    fn a_renamed_intent_takes_over_its_output_in_place() {
        let old = stamped(placed("ConfigMap", "a", Some("ns/old"), "vm/a.yaml", 0));
        let fresh = stamped(placed("ConfigMap", "a", Some("ns/new"), "vm/a.yaml", 0));
        let new = keys(&["ns/new"]);
        let sorted = sort([Object(&old)], &[Object(&fresh)], &new, &new);
        assert_eq!(sorted.keep, [false]);
        assert_eq!(
            codes(&sorted.results),
            [(Code::PrunedOutput, Severity::Info)]
        );
        // Not in place: kept, and the same object twice.
        let mut elsewhere = old.clone();
        object::set_file(&mut elsewhere, "old/a.yaml", 0);
        stamp(&mut elsewhere);
        let sorted = sort([Object(&elsewhere)], &[Object(&fresh)], &new, &new);
        assert_eq!(sorted.keep, [true]);
        assert_eq!(
            codes(&sorted.results),
            [(Code::CollidesWithInput, Severity::Error)],
            "one result for the item"
        );
    }

    #[test]
    fn collisions_by_object_and_by_place() {
        let fresh = stamped(placed("ConfigMap", "a", Some("ns/vm"), "vm/a.yaml", 0));
        let same_name = placed("ConfigMap", "a", None, "app/a.yaml", 0);
        let mut other_version = same_name.clone();
        other_version["apiVersion"] = json!("v2");
        let other_group = {
            let mut v = same_name.clone();
            v["apiVersion"] = json!("example.com/v1");
            v
        };
        let same_place = placed("Secret", "s", None, "vm/a.yaml", 0);
        let next_place = placed("Secret", "s", None, "vm/a.yaml", 1);
        let both = placed("ConfigMap", "a", None, "vm/a.yaml", 0);
        let expanded = keys(&["ns/vm"]);
        let errors = |item: &Value| {
            let sorted = sort([Object(item)], &[Object(&fresh)], &expanded, &expanded);
            assert_eq!(sorted.keep, [true]);
            sorted.results.iter().filter(|r| r.is_error()).count()
        };
        assert_eq!(errors(&same_name), 1);
        assert_eq!(errors(&other_version), 1, "one group, one object");
        assert_eq!(errors(&other_group), 0);
        assert_eq!(errors(&same_place), 1);
        assert_eq!(errors(&next_place), 0);
        assert_eq!(errors(&both), 1, "one error for one pair");

        // Local config never reaches a cluster: only its place counts.
        let mut local_fresh = fresh.clone();
        object::set_annotation(&mut local_fresh, object::LOCAL_CONFIG, "true");
        let sorted = sort(
            [Object(&same_name)],
            &[Object(&local_fresh)],
            &expanded,
            &expanded,
        );
        assert!(sorted.results.is_empty(), "{:?}", sorted.results);
    }
}
