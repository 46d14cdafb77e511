//! Access through vmauth: its users, the agents' access and the credentials both roles read
//! (`parse/access.rs`).

use schemars::JsonSchema;

use crate::intent::{AccessKind, CredentialType, SecretStoreKind};
use crate::schema::value::{Flag, GoDuration, Name, StringMap, Tenant, Text, Words};

/// Where a VMUser's (or an agent's) secret comes from. The secret itself is never in the
/// intent: a password or token written as text anywhere in it is an error (VMS212).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    /// `basic` (a username and a password) or `bearer` (a token)
    ///
    /// Default: `basic`
    r#type: Option<Words<CredentialType>>,
    /// Basic only; not a secret, so it is written into the VMUser and the agent's Secret
    /// template
    ///
    /// Default: the user's `name`, the agent's cluster
    username: Option<Text>,
    /// The secret's key in the store; one source of the secret is **required**: `key`, or
    /// `generatePassword` or `existingSecret` where they apply
    key: Option<Text>,
    /// The property of the key holding it
    ///
    /// Default: `password` (basic), `token` (bearer)
    property: Option<Text>,
    /// The External Secrets store
    ///
    /// Default: `grafana.adminCredentials`' store (global role); **required** on an agent
    store: Option<Text>,
    /// `ClusterSecretStore` or `SecretStore`
    ///
    /// Default: `grafana.adminCredentials`' kind (global role), else `ClusterSecretStore`
    store_kind: Option<Words<SecretStoreKind>>,
    /// The ExternalSecret's
    ///
    /// Default: `1h`
    refresh_interval: Option<GoDuration>,
    /// `vmauth.users` only, basic only, instead of `key`: the operator generates the password
    /// into its Secret `vmuser-<VMUser>`
    ///
    /// Default: `false`
    generate_password: Option<Flag>,
    /// `remoteWrite.auth` only, instead of `key`: a Secret of the namespace that already exists,
    /// with `username` and `password`, or `token`
    ///
    /// Default: none
    existing_secret: Option<Name>,
}

/// A reader or writer of one tenant: one VMUser `<release>-user-<name>`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct User {
    /// Unique among the users
    name: Name,
    /// `read` (`/select/<tenant>/…`, queries) or `write` (`/insert/<tenant>/…`, ingestion)
    access: Words<AccessKind>,
    /// `accountID` or `accountID:projectID`; a reader may take `multitenant` (every tenant)
    ///
    /// Default: `"0"`
    tenant: Option<Tenant>,
    auth: Credentials,
}

/// An agent cluster expected to write here: its name, or `{cluster, tenant, auth}`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum AgentEntry {
    Cluster(Name),
    Access(AgentAccess),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct AgentAccess {
    /// The agent's `cluster` label
    cluster: Name,
    /// The tenant it writes to
    ///
    /// Default: `"0"`
    tenant: Option<Tenant>,
    /// With `auth` the agent gets a VMUser `<release>-agent-<cluster>` that may write its
    /// tenant's remote-write path through vmauth, nothing else ([vmauth.md](vmauth.md))
    ///
    /// Default: none
    auth: Option<Credentials>,
}

/// The Ingress the operator creates in front of vmauth.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Ingress {
    /// The host clients reach vmauth at
    host: Text,
    /// The IngressClass
    ///
    /// Default: the cluster's default
    class_name: Option<Text>,
    /// TLS for `host` from this Secret
    tls_secret_name: Option<Text>,
    /// The Ingress's (the controller's settings)
    annotations: Option<StringMap>,
}
