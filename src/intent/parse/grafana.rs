//! Grafana on the global role, and its admin credentials from a secret store.

use super::name_or;
use crate::intent::diagnostic::Diagnostics;
use crate::intent::fields::Fields;
use crate::intent::model::*;
use crate::intent::scalar::Text;

pub(super) fn grafana(f: &mut Fields, def: Grafana, release: &str, d: &mut Diagnostics) -> Grafana {
    let mut g = f.section("grafana", d);
    let enabled = g.or("enabled", def.enabled, d);
    let replicas = g.or_spanned("replicas", def.replicas, d);
    let resources = super::component::resources(&mut g, &def.resources, d);
    let admin_path = g.path_of("adminCredentials");
    let admin = g
        .raw("adminCredentials")
        .and_then(|a| Fields::new(a, &admin_path, d))
        .and_then(|mut a| {
            let credentials = admin_credentials(&mut a, release, d);
            a.finish(d);
            credentials
        });
    let persistence_path = g.path_of("persistence");
    let def_on = def.persistence.is_some();
    let persistence = match g.raw("persistence") {
        None => def.persistence,
        Some(p) => Fields::new(p, &persistence_path, d).and_then(|mut p| {
            let def = def.persistence.unwrap_or_default();
            let on = p.or("enabled", def_on, d);
            let persistence = Persistence {
                size: p.or("size", def.size, d),
                storage_class: p.opt("storageClass", d),
            };
            p.finish(d);
            on.then_some(persistence)
        }),
    };
    g.finish(d);
    Grafana {
        enabled,
        replicas,
        resources,
        admin,
        persistence,
    }
}

fn admin_credentials(
    a: &mut Fields,
    release: &str,
    d: &mut Diagnostics,
) -> Option<AdminCredentials> {
    let store = a.req::<Text>("store", d);
    let store_kind = a
        .choice("storeKind", d)
        .unwrap_or(AdminCredentials::DEFAULT_STORE_KIND);
    let key = a.req::<Text>("key", d);
    let username_property = a.or(
        "usernameProperty",
        AdminCredentials::default_username_property(),
        d,
    );
    let password_property = a.or(
        "passwordProperty",
        AdminCredentials::default_password_property(),
        d,
    );
    let secret_name = name_or(
        a,
        "secretName",
        AdminCredentials::default_secret_name(release),
        d,
    );
    let refresh_interval = a.or(
        "refreshInterval",
        AdminCredentials::default_refresh_interval(),
        d,
    );
    Some(AdminCredentials {
        store: store?,
        store_kind,
        key: key?,
        username_property,
        password_property,
        secret_name,
        refresh_interval,
    })
}
