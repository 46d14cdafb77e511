//! VictoriaMetrics cluster tenants: `accountID` or `accountID:projectID` (each a 32-bit number),
//! or `multitenant`, the read path over every tenant.

use serde::Serialize;
use serde_json::Value;

use crate::code::Code;
use crate::intent::decode::{Decode, scalar_text};
use crate::intent::diagnostic::{Diagnostic, Diagnostics};

/// The path word of the read (and write) endpoints that span every tenant.
pub const MULTITENANT: &str = "multitenant";

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Tenant(String);

impl Tenant {
    /// The tenant the chart and vmstack write to when none is named.
    pub fn default_tenant() -> Tenant {
        Tenant("0".into())
    }

    pub fn multitenant() -> Tenant {
        Tenant(MULTITENANT.into())
    }

    pub fn is_multitenant(&self) -> bool {
        self.0 == MULTITENANT
    }

    /// As it stands in a path: `/insert/<this>/…`, `/select/<this>/…`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A vmauth path regex part matching every spelling of this tenant: `7` and `7:0` name one
    /// tenant, and a client may write either.
    pub fn path_pattern(&self) -> String {
        match self.0.split_once(':') {
            _ if self.is_multitenant() => self.0.clone(),
            None => format!("{}(:0)?", self.0),
            Some((account, "0")) => format!("{account}(:0)?"),
            Some(_) => self.0.clone(),
        }
    }

    /// The same tenant: `7` and `7:0` name one.
    pub fn same_as(&self, other: &Tenant) -> bool {
        self.canonical() == other.canonical()
    }

    fn canonical(&self) -> String {
        match self.0.split_once(':') {
            Some((account, "0")) => account.to_string(),
            _ => self.0.clone(),
        }
    }
}

impl std::fmt::Display for Tenant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a text is not a tenant, if it is not one.
pub fn tenant_problem(s: &str) -> Option<String> {
    if s == MULTITENANT {
        return None;
    }
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() > 2 {
        return Some("has more than one ':'".into());
    }
    for p in parts {
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) {
            return Some("is not accountID or accountID:projectID (numbers)".into());
        }
        if p.parse::<u32>().is_err() {
            return Some(format!("{p} is above 4294967295"));
        }
    }
    None
}

/// A number or a string; `multitenant` is read here and refused by the fields that cannot take it.
impl Decode for Tenant {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let s = scalar_text(v, path, "a tenant (accountID or accountID:projectID)", d)?;
        match tenant_problem(&s) {
            None => Some(Tenant(s)),
            Some(p) => {
                d.push(
                    Diagnostic::new(
                        Code::WrongType,
                        path,
                        format!("{s:?} is not a tenant id: it {p}"),
                    )
                    .with_current(v),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenants() {
        assert_eq!(tenant_problem("0"), None);
        assert_eq!(tenant_problem("7:3"), None);
        assert_eq!(tenant_problem("multitenant"), None);
        assert!(tenant_problem("").is_some());
        assert!(tenant_problem("a").is_some());
        assert!(tenant_problem("1:2:3").is_some());
        assert!(tenant_problem("4294967296").is_some());
        assert!(tenant_problem("${TENANT}").is_some());
        assert!(Tenant("7".into()).same_as(&Tenant("7:0".into())));
        assert!(!Tenant("7".into()).same_as(&Tenant("7:1".into())));
        assert_eq!(Tenant("7".into()).path_pattern(), "7(:0)?");
        assert_eq!(Tenant("7:0".into()).path_pattern(), "7(:0)?");
        assert_eq!(Tenant("7:3".into()).path_pattern(), "7:3");
        assert_eq!(Tenant::multitenant().path_pattern(), "multitenant");
    }
}
