//! The settings every VictoriaMetrics component shares, read from the component's section.

use crate::intent::diagnostic::Diagnostics;
use crate::intent::fields::Fields;
use crate::intent::model::Component;
use crate::intent::scalar::{Resources, ResourcesPatch};

/// Reads the fields every component has (`replicas`, `resources`, …) from a section whose
/// other fields the caller reads.
pub(super) fn component(s: &mut Fields, def: Component, d: &mut Diagnostics) -> Component {
    Component {
        replicas: s.or("replicas", def.replicas, d),
        resources: resources(s, &def.resources, d),
        extra_args: s.or("extraArgs", def.extra_args, d),
        max_unavailable: s.or_spanned("maxUnavailable", def.max_unavailable, d),
        priority_class_name: s.opt("priorityClassName", d).or(def.priority_class_name),
    }
}

/// A section with only the shared settings.
pub(super) fn plain(
    f: &mut Fields,
    key: &'static str,
    def: Component,
    d: &mut Diagnostics,
) -> Component {
    let mut s = f.section(key, d);
    let c = component(&mut s, def, d);
    s.finish(d);
    c
}

/// A section's `resources`, laid over its defaults (one limit written keeps every other request
/// and limit).
pub(super) fn resources(s: &mut Fields, def: &Resources, d: &mut Diagnostics) -> Resources {
    let path = s.path_of("resources");
    match s.opt::<ResourcesPatch>("resources", d) {
        Some(patch) => patch.over(def, &path, d),
        None => def.clone(),
    }
}
