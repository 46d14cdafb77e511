//! The scan of a large ResourceList spread over threads, one piece of `items` each.
//!
//! Hosts write `items` as a block sequence at column 0, so each line that starts with `- ` at
//! column 0 after the `items:` line opens an entry, and the first other line at column 0 that is
//! neither blank nor a comment ends the sequence. Nothing else can be at column 0 inside an entry
//! (its content is indented; a block scalar there is indented further), except the continuation
//! line of a quoted scalar, which leaves its piece unterminated. The text is cut at such entry
//! lines into pieces of about equal size: the first is the document up to its cut, the others are
//! entries only (a block sequence of their own), and what follows the entries is a piece of its
//! own, read by the same rules (an anchor there has the one pass decode the list whole, so it
//! must stop the pieces too); each is scanned alone.
//!
//! The pieces are only trusted when every one of them reads cleanly as what it should be, and
//! the envelope reads; anything else (a cut in the wrong place, a limit, an error, another
//! layout) has the whole text scanned in one pass as before, which then says what is wrong.
//! Either way the items, their texts and heads are the same.

use std::ops::Range;
use std::sync::Arc;

use serde_json::Value;

use super::{Found, Piece, Scanned, finish, is_document_marker, scan_blocks, scan_events};
use crate::krm::item::Source;
use crate::krm::limits::Limits;
use crate::parallel;

/// Below this size one thread scans sooner than two start and meet: since the line reader, a
/// list of 2 MB took 15.0 ms on one thread and 15.9 ms on two, one of 5.4 MB 35.0 against 32.5.
const MIN_BYTES: usize = 4 << 20;

/// The scan in pieces, one per thread, or `None` to scan the text in one pass.
pub(super) fn scan_in_pieces(source: &Arc<Source>) -> Option<Scanned> {
    // Before the cores are looked up (a dozen system calls), which a small input never needs.
    if source.text.len() < MIN_BYTES {
        return None;
    }
    scan_split(source, parallel::threads(), MIN_BYTES)
}

pub(super) fn scan_split(source: &Arc<Source>, pieces: usize, min_bytes: usize) -> Option<Scanned> {
    let text = source.text.as_str();
    if pieces < 2 || text.len() < min_bytes {
        return None;
    }
    let layout = Layout::of(text)?;
    let cuts = layout.cuts(pieces);
    if cuts.len() < 2 {
        return None;
    }
    let mut parts: Vec<(Range<usize>, Part)> = cuts
        .iter()
        .enumerate()
        .map(|(i, &start)| {
            let end = cuts.get(i + 1).copied().unwrap_or(layout.region_end);
            if i == 0 {
                (0..end, Part::Head)
            } else {
                (start..end, Part::Entries)
            }
        })
        .collect();
    // What follows the items is read too, by the same rules (an anchor there, a long string, a
    // nesting too deep: whatever the one pass would see in it).
    if layout.region_end < text.len() {
        parts.push((layout.region_end..text.len(), Part::Tail));
    }
    let limits = &source.limits;
    let found = parallel::map(&parts, |(range, part)| {
        let piece = match part {
            Part::Head | Part::Tail => Piece::Document,
            Part::Entries => Piece::Entries,
        };
        scan_events(&text[range.clone()], piece, limits).ok()
    });
    let mut starts = Vec::new();
    let mut heads = Vec::new();
    let mut envelope_slow = false;
    for ((range, part), found) in parts.iter().zip(found) {
        let found = found?;
        let fits = match part {
            // The items run to the end of the piece, and the entries' from its start.
            Part::Head => found.items_end == Some(usize::MAX) && !found.starts.is_empty(),
            Part::Entries => {
                found.items_end == Some(usize::MAX) && found.starts.first() == Some(&0)
            }
            // The rest of the root mapping: no items there.
            Part::Tail => found.items_end.is_none() && found.starts.is_empty(),
        };
        if !fits {
            return None;
        }
        envelope_slow |= found.envelope_slow;
        starts.extend(found.starts.iter().map(|s| s + range.start));
        heads.extend(found.heads);
    }
    if starts.len() > limits.items {
        return None;
    }
    let items_end = if layout.region_end < text.len() {
        Some(layout.region_end)
    } else {
        Some(usize::MAX)
    };
    let found = Found {
        starts,
        heads,
        items_end,
        envelope_slow,
    };
    finish(source, found).ok()
}

/// An item's head, text and decoded value.
type ItemOutline = (Value, Option<String>, Option<Value>);

/// What a scan gives, in a form to compare: each item's outline, and the envelope.
fn outline(s: &Scanned) -> (Vec<ItemOutline>, Value) {
    let items = s
        .items
        .iter()
        .map(|i| {
            (
                i.object().0.clone(),
                i.text().map(str::to_string),
                i.value().cloned(),
            )
        })
        .collect();
    (items, s.envelope.clone())
}

/// Whether the pieces, cut two to five ways whatever the text's size, read `text` exactly as the
/// one pass does whenever they read it at all (`Ok(true)`: they did at least once), for the
/// property tests and the fuzz target; `Err` says how they differ.
pub fn pieces_agree(text: &str, limits: &Limits) -> Result<bool, String> {
    let src = Arc::new(Source {
        text: text.to_string(),
        limits: *limits,
    });
    let mut answered = false;
    for pieces in 2..=5 {
        let Some(split) = scan_split(&src, pieces, 0) else {
            continue;
        };
        let Ok(whole) = scan_blocks(&src) else {
            return Err(format!(
                "{pieces} pieces read what one pass refuses:\n{text}"
            ));
        };
        if outline(&split) != outline(&whole) {
            return Err(format!(
                "{pieces} pieces read otherwise than one pass:\n{text}"
            ));
        }
        answered = true;
    }
    Ok(answered)
}

/// What a piece of the text is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The document up to the first cut.
    Head,
    /// Entries of `items` only.
    Entries,
    /// What follows the items: the rest of the root mapping.
    Tail,
}

/// Where `items` lies in the text, as its lines say.
struct Layout {
    /// Each line at column 0 that opens an entry.
    entries: Vec<usize>,
    /// The first line after the entries that is not theirs, or the end of the text.
    region_end: usize,
}

impl Layout {
    fn of(text: &str) -> Option<Layout> {
        if text.contains('\r') {
            return None;
        }
        let mut lines = LineStarts::new(text);
        // The one `items:` line at column 0.
        let after_key = lines
            .by_ref()
            .find_map(|(at, line)| is_items_key(line).then_some(at + line.len()))?;
        let mut entries = Vec::new();
        let mut region_end = text.len();
        for (at, line) in LineStarts::new(&text[after_key..]) {
            let at = at + after_key;
            match line.as_bytes().first() {
                None | Some(b' ' | b'\n' | b'#') => {}
                Some(b'-') if opens_entry(line) => entries.push(at),
                Some(_) => {
                    region_end = at;
                    break;
                }
            }
        }
        let tail = &text[region_end..];
        // A second `items:` or a document marker after the entries: the one pass judges.
        if tail
            .split_inclusive('\n')
            .any(|l| is_items_key(l) || is_document_marker(l))
        {
            return None;
        }
        Some(Layout {
            entries,
            region_end,
        })
    }

    /// The first entry, then entries about evenly spaced so as to make `pieces` pieces.
    fn cuts(&self, pieces: usize) -> Vec<usize> {
        let Some(&first) = self.entries.first() else {
            return Vec::new();
        };
        let span = self.region_end - first;
        let mut cuts = vec![first];
        for j in 1..pieces {
            let target = first + span / pieces * j;
            let next = self.entries.partition_point(|&e| e < target);
            if let Some(&cut) = self.entries.get(next)
                && cut > *cuts.last().unwrap_or(&0)
            {
                cuts.push(cut);
            }
        }
        cuts
    }
}

/// `items:` at column 0, with at most blanks or a comment after it.
fn is_items_key(line: &str) -> bool {
    line.strip_prefix("items:").is_some_and(|rest| {
        let rest = rest.trim_start_matches(' ');
        rest.is_empty() || rest.starts_with('\n') || rest.starts_with('#')
    })
}

/// `- ` or a lone `-` at column 0: a block sequence entry.
fn opens_entry(line: &str) -> bool {
    matches!(line.strip_prefix('-'), Some(rest) if rest.is_empty() || rest.starts_with([' ', '\n']))
}

/// The lines of a text with the offset each starts at, line breaks included.
struct LineStarts<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> LineStarts<'t> {
    fn new(text: &'t str) -> Self {
        LineStarts { text, at: 0 }
    }
}

impl<'t> Iterator for LineStarts<'t> {
    type Item = (usize, &'t str);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = &self.text[self.at..];
        if rest.is_empty() {
            return None;
        }
        let len = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let line = (self.at, &rest[..len]);
        self.at += len;
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::krm::limits::Limits;

    fn source(text: &str, limits: Limits) -> Arc<Source> {
        Arc::new(Source {
            text: text.to_string(),
            limits,
        })
    }

    fn agrees(text: &str, limits: Limits) -> bool {
        pieces_agree(text, &limits).unwrap_or_else(|why| panic!("{why}"))
    }

    fn config_maps(n: usize) -> String {
        let mut text =
            String::from("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n");
        for i in 0..n {
            text.push_str(&format!(
                "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c{i}\n    annotations:\n      a: 'x{i}'\n  data:\n    k: |\n      - not an entry\n      items:\n"
            ));
        }
        text.push_str("functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n");
        text
    }

    #[test]
    fn an_ordinary_list_is_read_in_pieces_as_in_one_pass() {
        assert!(agrees(&config_maps(40), Limits::default()));
        let big = config_maps(40_000);
        assert!(big.len() > MIN_BYTES);
        let src = source(&big, Limits::default());
        assert!(
            scan_split(&src, 2, MIN_BYTES).is_some(),
            "a large list is read in pieces"
        );
        let small = source(&config_maps(3), Limits::default());
        assert!(scan_in_pieces(&small).is_none());
    }

    #[test]
    fn what_the_pieces_cannot_be_sure_of_is_left_to_one_pass() {
        let limits = Limits::default();
        let head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n";
        for tail in [
            // A quoted scalar whose next line is at column 0.
            "- kind: A\n  q: \"one\n- two\"\n- kind: B\n",
            // An anchor used by a later item.
            "- &a {kind: A}\n- kind: B\n  copy: *a\n",
            // A document marker after the items.
            "- kind: A\n- kind: B\n...\n",
            "- kind: A\n- kind: B\n---\nkind: C\n",
            // items given twice.
            "- kind: A\n- kind: B\nitems:\n- kind: C\n",
            // An anchor after the items (the fuzzer's find: the one pass decodes such a list
            // whole, so the pieces must not take it).
            "- kind: A\n- kind: B\ndata:\n  a: &a x\n",
            // Something at column 0 that is not a key.
            "- kind: A\n- kind: B\n\tx: 1\n",
        ] {
            let text = format!("{head}{tail}");
            let src = source(&text, limits);
            for pieces in 2..=3 {
                assert!(scan_split(&src, pieces, 0).is_none(), "{pieces}: {text}");
            }
        }
        // Over the item limit: one pass says so.
        let limited = Limits {
            items: 10,
            ..Limits::default()
        };
        assert!(scan_split(&source(&config_maps(20), limited), 2, 0).is_none());
    }

    const PARTS: &[&str] = &[
        "- kind: A\n  metadata: {name: a}\n",
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n    annotations:\n      config.kubernetes.io/path: b.yaml\n",
        "- # a comment\n  kind: C\n",
        "-\n  kind: D\n",
        "# between items\n",
        "\n",
        "- kind: E\n  text: |\n    - inside a block\n    items:\n\n    x\n",
        "- kind: F\n  q: \"a\n  b\"\n",
        "- kind: G\n  p: plain\n    continued\n",
        "- kind: H\n  name: 0x1F\n",
        "- kind: I\n  list:\n  - a\n  - b\n",
        "- {kind: J, metadata: {name: j}}\n",
        "- kind: K\n  k: v\n  k: w\n",
        "- kind: L\n  q: \"one\n- two\"\n",
        "- 1\n",
        "- &x {kind: M}\n",
        "- kind: N\n  r: *x\n",
        "  - kind: O\n",
        "- kind: P\n\tq: 1\n",
        "-kind: Q\n",
    ];
    const TAILS: &[&str] = &[
        "",
        "functionConfig:\n  kind: ConfigMap\n",
        "# the end\nfunctionConfig: {}\n",
        "results: []\n",
        "...\n",
        "---\nkind: X\n",
        "items: []\n",
        "functionConfig: |\n  - x\n  items:\n",
        "data:\n  a: &a x\n  b: *a\n",
        "data:\n  deep: [[[[[[1]]]]]]\n",
    ];

    proptest::proptest! {
        #[test]
        fn pieces_agree_with_one_pass(
            parts in proptest::collection::vec(0..PARTS.len(), 1..24),
            before in proptest::bool::ANY,
            tail in 0..TAILS.len(),
        ) {
            let mut text = String::from("apiVersion: config.kubernetes.io/v1\n");
            if before {
                text.push_str("functionConfig:\n  kind: ConfigMap\n");
            }
            text.push_str("kind: ResourceList\nitems:\n");
            for p in parts {
                text.push_str(PARTS[p]);
            }
            text.push_str(TAILS[tail]);
            agrees(&text, Limits::default());
        }
    }
}
