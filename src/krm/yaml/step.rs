//! The YAML events vmstack's readers share: what granit-parser gives, in the form the line
//! reader ([`super::lines`]) gives too, so that the scan and the fast decode read either.

use std::borrow::Cow;

use granit_parser::{Event, ScalarStyle, StructureStyle};

/// One parser event, from granit-parser or from the line reader.
pub(crate) enum Step<'a> {
    Scalar {
        value: Cow<'a, str>,
        plain: bool,
        anchored: bool,
        tagged: bool,
    },
    Start {
        map: bool,
        block: bool,
        anchored: bool,
        tagged: bool,
    },
    End,
    Alias,
    Document,
}

impl<'a> Step<'a> {
    /// The step of a granit-parser event; `None` for those of no account to a tree of nodes
    /// (the stream's start and end, a document's end, and metadata such as comments, which
    /// granit-parser's documentation says to ignore).
    pub(crate) fn of(event: Event<'a>) -> Option<Self> {
        let map = matches!(event, Event::MappingStart(..));
        Some(match event {
            Event::Scalar(value, style, anchor, tag) => Step::Scalar {
                value,
                plain: style == ScalarStyle::Plain,
                anchored: anchor != 0,
                tagged: tag.is_some(),
            },
            Event::SequenceStart(style, anchor, tag) | Event::MappingStart(style, anchor, tag) => {
                Step::Start {
                    map,
                    block: style == StructureStyle::Block,
                    anchored: anchor != 0,
                    tagged: tag.is_some(),
                }
            }
            Event::SequenceEnd | Event::MappingEnd => Step::End,
            Event::Alias(_) | Event::UnresolvedAlias(_) => Step::Alias,
            Event::DocumentStart(..) => Step::Document,
            _ => return None,
        })
    }
}
