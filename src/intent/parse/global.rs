//! The global role: the store, the query side, alerting and Grafana.

use super::fields::*;
use super::rules::*;
use crate::intent::chart_line::ChartLine;
use crate::intent::decode::Fields;
use crate::intent::diagnostic::Diagnostics;
use crate::intent::model::*;
use crate::intent::scalar::{
    Duration, DurationStyle, Quantity, Resources, Retention, Setting, Text,
};

pub(super) fn grafana(f: &mut Fields, release: &str, d: &mut Diagnostics) -> Grafana {
    let mut g = f.section("grafana", d);
    let enabled = g.or("enabled", true, d);
    let replicas = g.or("replicas", 1, d);
    let resources = g.or(
        "resources",
        Resources::of(
            &[("cpu", "100m"), ("memory", "256Mi")],
            &[("cpu", "1"), ("memory", "512Mi")],
        ),
        d,
    );
    let admin = g.raw("adminCredentials").and_then(|a| {
        let mut a = Fields::new(a, &g.path_of("adminCredentials"), d)?;
        let creds = AdminCredentials {
            store: a.req("store", d).unwrap_or(Text(String::new())),
            store_kind: choice(
                &mut a,
                "storeKind",
                &["ClusterSecretStore", "SecretStore"],
                "ClusterSecretStore",
                d,
            ),
            key: a.req("key", d).unwrap_or(Text(String::new())),
            username_property: a.or("usernameProperty", Text("username".into()), d),
            password_property: a.or("passwordProperty", Text("password".into()), d),
            secret_name: name_or(&mut a, "secretName", &format!("{release}-grafana-admin"), d),
            refresh_interval: duration(&mut a, "refreshInterval", DurationStyle::Go, "1h", d),
        };
        a.finish(d);
        Some(creds)
    });
    let persistence = match g.raw("persistence") {
        None => Some(Persistence {
            size: literal(Quantity("10Gi".into())),
            storage_class: None,
        }),
        Some(p) => Fields::new(p, &g.path_of("persistence"), d).and_then(|mut p| {
            let on = p.or("enabled", true, d);
            let persistence = Persistence {
                size: quantity(&mut p, "size", "10Gi", d),
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

pub(super) fn global(f: &mut Fields, release: &str, chart: &Chart, d: &mut Diagnostics) -> Global {
    let storage_class: Option<Text> = f.opt("storageClass", d);
    let retention: Setting<Retention> = f.or("retention", literal(Retention("30d".into())), d);
    let replication_factor: Setting<u32> = f.or("replicationFactor", literal(2), d);
    let dedup_interval = duration(f, "dedupInterval", DurationStyle::Metrics, "30s", d);

    let mut size = literal(Quantity("50Gi".into()));
    let mut storage_class_override = None;
    let vmstorage = component(
        f,
        "vmstorage",
        (
            3,
            Resources::of(
                &[("cpu", "500m"), ("memory", "2Gi")],
                &[("cpu", "2"), ("memory", "4Gi")],
            ),
        ),
        |s, d| {
            size = quantity(s, "size", "50Gi", d);
            storage_class_override = s.opt("storageClass", d);
        },
        d,
    );
    let mut cache_size = literal(Quantity("10Gi".into()));
    let mut max_points = literal(30000);
    let vmselect = component(
        f,
        "vmselect",
        (
            3,
            Resources::of(
                &[("cpu", "200m"), ("memory", "500Mi")],
                &[("cpu", "2"), ("memory", "2Gi")],
            ),
        ),
        |s, d| {
            cache_size = quantity(s, "cacheSize", "10Gi", d);
            max_points = s.or("maxPointsPerTimeseries", literal(30000), d);
        },
        d,
    );
    let vminsert = component(
        f,
        "vminsert",
        (
            3,
            Resources::of(
                &[("cpu", "200m"), ("memory", "500Mi")],
                &[("cpu", "1"), ("memory", "1Gi")],
            ),
        ),
        |_, _| {},
        d,
    );
    let mut evaluation_interval = literal(Duration("15s".into()));
    let vmalert = component(
        f,
        "vmalert",
        (
            2,
            Resources::of(
                &[("cpu", "100m"), ("memory", "256Mi")],
                &[("cpu", "1"), ("memory", "512Mi")],
            ),
        ),
        |s, d| {
            evaluation_interval =
                duration(s, "evaluationInterval", DurationStyle::Metrics, "15s", d)
        },
        d,
    );
    let mut am_retention = literal(Duration("120h".into()));
    let mut am_size = literal(Quantity("10Gi".into()));
    let alertmanager = component(
        f,
        "alertmanager",
        (
            3,
            Resources::of(
                &[("cpu", "50m"), ("memory", "128Mi")],
                &[("cpu", "1"), ("memory", "256Mi")],
            ),
        ),
        |s, d| {
            am_retention = duration(s, "retention", DurationStyle::Go, "120h", d);
            am_size = quantity(s, "size", "10Gi", d);
        },
        d,
    );
    let mut auth_enabled = true;
    let mut anonymous_read = false;
    let vmauth = component(
        f,
        "vmauth",
        (
            1,
            Resources::of(
                &[("cpu", "100m"), ("memory", "128Mi")],
                &[("cpu", "1"), ("memory", "256Mi")],
            ),
        ),
        |s, d| {
            auth_enabled = s.or("enabled", true, d);
            anonymous_read = s.or("anonymousRead", false, d);
        },
        d,
    );
    let grafana = grafana(f, release, d);
    let mut agent_enabled = true;
    let vmagent = component(
        f,
        "vmagent",
        (
            1,
            Resources::of(
                &[("cpu", "100m"), ("memory", "256Mi")],
                &[("cpu", "1"), ("memory", "1Gi")],
            ),
        ),
        |s, d| agent_enabled = s.or("enabled", true, d),
        d,
    );
    let groups = ChartLine::of(&chart.version).map_or(&[][..], ChartLine::rule_groups);
    let rules = rules(f, groups, chart.content, d);
    let agents = crate::intent::alerting::agents(f, d);
    let slos = crate::intent::alerting::slos(f, d);
    Global {
        retention,
        replication_factor,
        dedup_interval,
        storage_class,
        vmstorage: Storage {
            component: vmstorage,
            size,
            storage_class: storage_class_override,
        },
        vmselect: Select {
            component: vmselect,
            cache_size,
            max_points_per_timeseries: max_points,
        },
        vminsert,
        vmalert: Alert {
            component: vmalert,
            evaluation_interval,
        },
        alertmanager: Alertmanager {
            component: alertmanager,
            retention: am_retention,
            size: am_size,
        },
        vmauth: Auth {
            enabled: auth_enabled,
            anonymous_read,
            component: vmauth,
        },
        grafana,
        vmagent: SelfScrape {
            enabled: agent_enabled,
            component: vmagent,
        },
        rules,
        remote_write_from: None,
        agents,
        slos,
    }
}
