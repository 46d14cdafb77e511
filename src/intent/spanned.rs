//! A value together with the intent field it was read from, so that a check made after reading
//! (across fields, or across intents) names the field without spelling its path again.

use std::fmt;
use std::ops::Deref;

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::decode::Decode;
use super::diagnostic::Diagnostics;

#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    /// Where the value was read from, or would have been (for a default).
    pub path: String,
}

impl<T> Spanned<T> {
    pub fn new(value: T, path: impl Into<String>) -> Self {
        Spanned {
            value,
            path: path.into(),
        }
    }

    /// A default in the model, before a reader gives it the path of its field.
    pub fn unread(value: T) -> Self {
        Spanned::new(value, "")
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned::new(f(self.value), self.path)
    }
}

/// Read at `path`, and remembering it.
impl<T: Decode> Decode for Spanned<T> {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        T::decode(v, path, d).map(|t| Spanned::new(t, path))
    }
}

impl<T> Deref for Spanned<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// Written out as the value alone.
impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}
