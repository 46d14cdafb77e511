//! `spec.security`: the safe defaults the intent lets its `values` relax.

use crate::intent::choice::Choice;
use crate::intent::decode::index;
use crate::intent::diagnostic::Diagnostics;
use crate::intent::fields::Fields;
use crate::intent::model::{Relaxation, Security};

pub(super) fn security(f: &mut Fields, d: &mut Diagnostics) -> Security {
    let mut s = f.section("security", d);
    let path = s.path_of("relax");
    let mut relax = Vec::new();
    if let Some(words) = s.opt::<Vec<String>>("relax", d) {
        for (i, w) in words.iter().enumerate() {
            if let Some(r) = Relaxation::parse(w, &index(&path, i), d)
                && !relax.contains(&r)
            {
                relax.push(r);
            }
        }
    }
    s.finish(d);
    Security { relax }
}
