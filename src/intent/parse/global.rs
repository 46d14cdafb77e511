//! The global role: the store, the query side and alerting (Grafana, rules and the alerting
//! fields have their own readers).

use super::component::{component, plain};
use super::{access, alerting, grafana, remote_write, rules};
use crate::intent::chart_line::ChartLine;
use crate::intent::diagnostic::Diagnostics;
use crate::intent::fields::Fields;
use crate::intent::model::*;

/// Reads the global role's fields of the spec. Without a known chart, no chart rule group is
/// accepted in `rules.defaultGroups`.
pub(super) fn global(
    f: &mut Fields,
    release: &str,
    chart: Option<&Chart>,
    namespace: &str,
    d: &mut Diagnostics,
) -> Global {
    let def = Global::default();
    let groups = chart.map_or(&[][..], |c| ChartLine::rule_groups(c.line));
    let content = chart.map_or(ChartContent::Chart, |c| c.content);
    // Grafana first: its admin's secret store is where vmauth users' keys are read by default.
    let grafana = grafana::grafana(f, def.grafana, release, d);
    let default_store = grafana.admin.as_ref().map(|a| (&a.store, a.store_kind));
    Global {
        storage_class: f.opt("storageClass", d),
        retention: f.or_spanned("retention", def.retention, d),
        replication_factor: f.or_spanned("replicationFactor", def.replication_factor, d),
        dedup_interval: f.or("dedupInterval", def.dedup_interval, d),
        vmstorage: storage(f, def.vmstorage, d),
        vmselect: select(f, def.vmselect, d),
        vminsert: plain(f, "vminsert", def.vminsert, d),
        vmalert: alert(f, def.vmalert, d),
        alertmanager: alertmanager(f, def.alertmanager, d),
        vmauth: auth(f, def.vmauth, default_store, d),
        vmagent: self_scrape(f, def.vmagent, d),
        rules: rules::rules(f, def.rules, groups, content, d),
        agents: access::agents(f, default_store, d),
        slos: alerting::slos(f, d),
        remote_write_from: remote_write::remote_write_from(f, namespace, d),
        grafana,
    }
}

fn storage(f: &mut Fields, def: Storage, d: &mut Diagnostics) -> Storage {
    let mut s = f.section("vmstorage", d);
    let storage = Storage {
        component: component(&mut s, def.component, d),
        size: s.or_spanned("size", def.size, d),
        storage_class: s.opt("storageClass", d),
    };
    s.finish(d);
    storage
}

fn select(f: &mut Fields, def: Select, d: &mut Diagnostics) -> Select {
    let mut s = f.section("vmselect", d);
    let select = Select {
        component: component(&mut s, def.component, d),
        cache_size: s.or("cacheSize", def.cache_size, d),
        max_points_per_timeseries: s.or("maxPointsPerTimeseries", def.max_points_per_timeseries, d),
    };
    s.finish(d);
    select
}

fn alert(f: &mut Fields, def: Alert, d: &mut Diagnostics) -> Alert {
    let mut s = f.section("vmalert", d);
    let alert = Alert {
        component: component(&mut s, def.component, d),
        evaluation_interval: s.or("evaluationInterval", def.evaluation_interval, d),
    };
    s.finish(d);
    alert
}

fn alertmanager(f: &mut Fields, def: Alertmanager, d: &mut Diagnostics) -> Alertmanager {
    let mut s = f.section("alertmanager", d);
    let alertmanager = Alertmanager {
        component: component(&mut s, def.component, d),
        retention: s.or("retention", def.retention, d),
        size: s.or("size", def.size, d),
    };
    s.finish(d);
    alertmanager
}

fn auth(
    f: &mut Fields,
    def: Auth,
    default_store: Option<(&crate::intent::scalar::Text, SecretStoreKind)>,
    d: &mut Diagnostics,
) -> Auth {
    let mut s = f.section("vmauth", d);
    let auth = Auth {
        component: component(&mut s, def.component, d),
        enabled: s.or("enabled", def.enabled, d),
        anonymous_read: s.or("anonymousRead", def.anonymous_read, d),
        users: access::users(&mut s, default_store, d),
        ingress: access::ingress(&mut s, d),
    };
    s.finish(d);
    auth
}

fn self_scrape(f: &mut Fields, def: SelfScrape, d: &mut Diagnostics) -> SelfScrape {
    let mut s = f.section("vmagent", d);
    let vmagent = SelfScrape {
        component: component(&mut s, def.component, d),
        enabled: s.or("enabled", def.enabled, d),
    };
    s.finish(d);
    vmagent
}
