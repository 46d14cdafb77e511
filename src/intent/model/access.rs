//! Who may write to and read from the global store through vmauth, and with which credentials:
//! the agents of `agents`, the users of `vmauth.users`, Grafana; on an agent, the credentials its
//! remote write presents. Credentials are never values of the intent: a key of a secret store,
//! an existing Secret, or a password the operator generates.

use super::SecretStoreKind;
use crate::intent::choice::choices;
use crate::intent::scalar::{GoDuration, Setting, Tenant, Text, literal};
use crate::intent::spanned::Spanned;

choices! {
    /// What a user may do (`access`).
    pub enum AccessKind {
        /// `/select/<tenant>/…`: queries, never writes.
        Read = "read",
        /// `/insert/<tenant>/…`: every ingestion protocol, never queries.
        Write = "write",
    }
}

choices! {
    /// How a client authenticates to vmauth (`auth.type`).
    pub enum CredentialType {
        /// A username and a password (the default).
        Basic = "basic",
        /// A bearer token (`Authorization: Bearer …`).
        Bearer = "bearer",
    }
}

/// A user of `vmauth.users`: one VMUser.
#[derive(Debug, Clone)]
pub struct User {
    /// A DNS label; the VMUser is `<release>-user-<name>`.
    pub name: Spanned<String>,
    pub access: AccessKind,
    /// Default `0`; readers may take `multitenant` (every tenant, with `vm_account_id` labels).
    pub tenant: Spanned<Tenant>,
    pub credentials: Credentials,
}

/// An entry of `agents`: a cluster watched for silence and, with credentials, a VMUser that may
/// write to its tenant.
#[derive(Debug, Clone)]
pub struct AgentAccess {
    /// The agent's `cluster` label.
    pub cluster: Spanned<String>,
    /// The tenant its writes go to. Default `0`.
    pub tenant: Spanned<Tenant>,
    /// `None`: no VMUser (the agent writes to vminsert without vmauth).
    pub credentials: Option<Credentials>,
}

/// What a VMUser (or an agent's remote write) authenticates with, and where the secret is.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The `auth` section's path, for the checks that cite it.
    pub path: String,
    pub kind: CredentialKind,
    pub source: CredentialSource,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CredentialKind {
    /// A username (not a secret: it is written into the VMUser and the agent's Secret
    /// template) and a password from the source.
    Basic { username: Spanned<Text> },
    /// A bearer token from the source.
    Bearer,
}

impl CredentialKind {
    pub fn kind(&self) -> CredentialType {
        match self {
            CredentialKind::Basic { .. } => CredentialType::Basic,
            CredentialKind::Bearer => CredentialType::Bearer,
        }
    }

    /// The key of the secret value in the Secret vmstack has built.
    pub fn secret_key(&self) -> &'static str {
        match self {
            CredentialKind::Basic { .. } => CREDENTIAL_PASSWORD_KEY,
            CredentialKind::Bearer => CREDENTIAL_TOKEN_KEY,
        }
    }
}

/// The keys of the Secrets vmstack has External Secrets build (and expects in an existing one).
pub const CREDENTIAL_USERNAME_KEY: &str = "username";
pub const CREDENTIAL_PASSWORD_KEY: &str = "password";
pub const CREDENTIAL_TOKEN_KEY: &str = "token";

#[derive(Debug, Clone, PartialEq)]
pub enum CredentialSource {
    /// An ExternalSecret builds the Secret from a key of a secret store.
    Store(StoreKey),
    /// The operator generates the password and keeps it in its Secret `vmuser-<VMUser>` (basic
    /// auth on the global role only: nothing outside the cluster can read it).
    Generated,
    /// An existing Secret of the intent's namespace, with the keys `username` and `password`
    /// (basic) or `token` (bearer). Agent role only.
    Existing(String),
}

/// A key of a secret store, read by an ExternalSecret.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreKey {
    pub store: Text,
    pub store_kind: SecretStoreKind,
    pub key: Spanned<Text>,
    /// The property of the key holding the password or token.
    pub property: Text,
    pub refresh_interval: Setting<GoDuration>,
}

impl StoreKey {
    pub fn default_property(kind: CredentialType) -> Text {
        match kind {
            CredentialType::Basic => CREDENTIAL_PASSWORD_KEY.into(),
            CredentialType::Bearer => CREDENTIAL_TOKEN_KEY.into(),
        }
    }

    pub fn default_refresh_interval() -> Setting<GoDuration> {
        literal("1h".into())
    }
}

/// The Ingress the operator creates in front of vmauth (`vmauth.ingress`).
#[derive(Debug, Clone)]
pub struct AuthIngress {
    pub path: String,
    pub host: Text,
    pub class_name: Option<Text>,
    /// With it, TLS for `host` from this Secret (cert-manager or your own).
    pub tls_secret_name: Option<Text>,
    pub annotations: Vec<(String, String)>,
}

/// The VMUser names vmstack gives (also the ExternalSecrets' and their Secrets'): the operator
/// labels each VMUser's objects with it, so it must stay a label value (≤ 63).
pub fn agent_user_name(release: &str, cluster: &str) -> String {
    format!("{release}-agent-{cluster}")
}

pub fn user_name(release: &str, name: &str) -> String {
    format!("{release}-user-{name}")
}

pub fn grafana_user_name(release: &str) -> String {
    format!("{release}-grafana")
}

/// The basic-auth username of Grafana's VMUser.
pub const GRAFANA_USERNAME: &str = "grafana";

/// Whom a VMUser is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    Grafana,
    Agent(String),
    User(String),
}

/// One VMUser vmstack generates, whoever it is for.
#[derive(Debug, Clone)]
pub struct Account {
    /// The VMUser's name (also of the ExternalSecret and Secret holding its credentials).
    pub object_name: String,
    pub subject: Subject,
    /// The field that declares it (for diagnostics).
    pub declared_at: String,
    pub access: AccessKind,
    pub tenant: Tenant,
    pub credentials: Credentials,
}

impl super::Global {
    /// Every VMUser of the stack, in a fixed order: Grafana's, the agents', the users'. None
    /// while vmauth is off.
    pub fn accounts(&self, release: &str) -> Vec<Account> {
        if !self.vmauth.enabled {
            return Vec::new();
        }
        let mut out = Vec::new();
        if self.grafana_through_vmauth() {
            out.push(Account {
                object_name: grafana_user_name(release),
                subject: Subject::Grafana,
                declared_at: "spec.grafana".into(),
                access: AccessKind::Read,
                tenant: self.read_tenant(),
                credentials: Credentials {
                    path: "spec.grafana".into(),
                    kind: CredentialKind::Basic {
                        username: Spanned::new(GRAFANA_USERNAME.into(), "spec.grafana"),
                    },
                    source: CredentialSource::Generated,
                },
            });
        }
        for a in &self.agents {
            if let Some(c) = &a.credentials {
                out.push(Account {
                    object_name: agent_user_name(release, &a.cluster),
                    subject: Subject::Agent(a.cluster.value.clone()),
                    declared_at: a.cluster.path.clone(),
                    access: AccessKind::Write,
                    tenant: a.tenant.value.clone(),
                    credentials: c.clone(),
                });
            }
        }
        for u in &self.vmauth.users {
            out.push(Account {
                object_name: user_name(release, &u.name),
                subject: Subject::User(u.name.value.clone()),
                declared_at: u.name.path.clone(),
                access: u.access,
                tenant: u.tenant.value.clone(),
                credentials: u.credentials.clone(),
            });
        }
        out
    }
}
