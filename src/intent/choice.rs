//! Fields that take one of a fixed set of words, read into enums.

use serde_json::Value;

use super::decode::{Decode, nearest};
use super::diagnostic::{Diagnostic, Diagnostics};
use crate::code::Code;

/// An enum the intent spells as one of a few words.
pub trait Choice: Copy + PartialEq + 'static {
    /// Every choice, as the intent spells it, in the order messages list them.
    const CHOICES: &'static [(&'static str, Self)];

    fn name(self) -> &'static str {
        Self::CHOICES
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("", |(n, _)| n)
    }

    /// Reads the choice at `path`; a string outside the choices is reported with the nearest
    /// one.
    fn read(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let s = String::decode(v, path, d)?;
        Self::parse(&s, path, d)
    }

    /// The choice a word names, or `None` (reported at `path`).
    fn parse(s: &str, path: &str, d: &mut Diagnostics) -> Option<Self> {
        match Self::CHOICES.iter().find(|(n, _)| *n == s) {
            Some((_, c)) => Some(*c),
            None => {
                let names: Vec<&str> = Self::CHOICES.iter().map(|(n, _)| *n).collect();
                invalid_choice(d, path, s, &names);
                None
            }
        }
    }
}

/// Reports a value outside its choices, naming the nearest one.
pub fn invalid_choice(d: &mut Diagnostics, path: &str, s: &str, allowed: &[&str]) {
    let mut diag = Diagnostic::new(
        Code::InvalidChoice,
        path,
        format!("{s:?} is not one of {}", allowed.join(", ")),
    )
    .with_current(&Value::String(s.to_string()));
    if let Some(n) = nearest(s, allowed) {
        diag.message.push_str(&format!("; did you mean {n:?}?"));
        diag = diag.with_proposed(Value::String(n.to_string()));
    }
    d.push(diag);
}

/// An enum of choices, each with the word the intent spells it as (and the output writes).
macro_rules! choices {
    ($(#[$meta:meta])* pub enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $word:literal,)*
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $crate::intent::choice::Choice for $name {
            const CHOICES: &'static [(&'static str, Self)] = &[$(($word, $name::$variant),)*];
        }

        impl From<$name> for serde_json::Value {
            fn from(choice: $name) -> Self {
                serde_json::Value::String($crate::intent::choice::Choice::name(choice).into())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($crate::intent::choice::Choice::name(*self))
            }
        }
    };
}
pub(crate) use choices;
