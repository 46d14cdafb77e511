//! http(s) URLs, parsed once into the parts the renderers and checks use.

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::setting::record_variables;
use crate::code::Code;
use crate::intent::decode::Decode;
use crate::intent::diagnostic::{Diagnostic, Diagnostics};
use crate::intent::variables::{self, ValueKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

/// What a literal http(s) URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts {
    pub scheme: Scheme,
    /// Without user info and port.
    pub host: String,
    pub port: Option<u16>,
}

impl UrlParts {
    /// The parts of an http(s) URL with a host, or why it is not one.
    pub fn parse(s: &str) -> Result<UrlParts, String> {
        let Some((scheme, rest)) = s.split_once("://") else {
            return Err("has no scheme (http:// or https://)".into());
        };
        let scheme = match scheme {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            other => return Err(format!("scheme {other:?} is not http or https")),
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host_port = authority.rsplit('@').next().unwrap_or("");
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || host_port.starts_with('[') => (h, Some(p)),
            _ => (host_port, None),
        };
        if host.is_empty() {
            return Err("has no host".into());
        }
        if host.contains(|c: char| c.is_whitespace()) {
            return Err("has white space in the host".into());
        }
        let port = match port {
            None => None,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => Some(n),
                _ => return Err(format!("port {p:?} is not a number from 1 to 65535")),
            },
        };
        if s.contains(char::is_whitespace) {
            return Err("contains white space".into());
        }
        Ok(UrlParts {
            scheme,
            host: host.to_string(),
            port,
        })
    }

    /// The port the URL connects to: its own, or its scheme's.
    pub fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(match self.scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        })
    }
}

/// An http(s) URL as written (without a trailing `/`), and its parts unless Flux variables
/// hide them. Written out as its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Url {
    text: String,
    parts: Option<UrlParts>,
}

impl Url {
    /// A URL without variables.
    pub fn literal(s: &str) -> Result<Url, String> {
        let parts = UrlParts::parse(s)?;
        Ok(Url {
            text: s.trim_end_matches('/').to_string(),
            parts: Some(parts),
        })
    }

    /// `http://<host>:<port>`, for a URL vmstack derives from names it knows.
    pub fn http(host: String, port: u16) -> Url {
        Url {
            text: format!("http://{host}:{port}"),
            parts: Some(UrlParts {
                scheme: Scheme::Http,
                host,
                port: Some(port),
            }),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// `None` when a variable stands for part of the URL.
    pub fn parts(&self) -> Option<&UrlParts> {
        self.parts.as_ref()
    }
}

impl Serialize for Url {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// A URL with variables is checked around them: the whole URL one variable, or a URL whose shape
/// holds with each variable replaced by a placeholder host name.
impl Decode for Url {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let s = String::decode(v, path, d)?;
        let has_vars = record_variables(&s, path, ValueKind::Url, d)?;
        if has_vars && variables::is_one_variable(&s) {
            return Some(Url {
                text: s,
                parts: None,
            });
        }
        let checked = if has_vars {
            let shape = variables::with_placeholders(&s, "placeholder");
            UrlParts::parse(&shape).map(|_| Url {
                text: s.trim_end_matches('/').to_string(),
                parts: None,
            })
        } else {
            Url::literal(&s)
        };
        match checked {
            Ok(url) => Some(url),
            Err(problem) => {
                d.push(
                    Diagnostic::new(Code::InvalidUrl, path, format!("{s:?} {problem}"))
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
    use serde_json::json;

    #[test]
    fn urls() {
        let parts = UrlParts::parse("http://vminsert-x.ns.svc:8480").unwrap();
        assert_eq!(parts.host, "vminsert-x.ns.svc");
        assert_eq!(parts.port_or_default(), 8480);
        assert_eq!(
            UrlParts::parse("https://h/p?q=1")
                .unwrap()
                .port_or_default(),
            443
        );
        assert_eq!(UrlParts::parse("http://u:p@h:81").unwrap().host, "h");
        assert!(UrlParts::parse("vminsert:8480").is_err());
        assert!(UrlParts::parse("ftp://h").is_err());
        assert!(UrlParts::parse("http://:80").is_err());
        assert!(UrlParts::parse("http://h:99999").is_err());
        let mut d = Diagnostics::default();
        let whole = Url::decode(&json!("${ENDPOINT}"), "u", &mut d).unwrap();
        assert_eq!((whole.text(), whole.parts()), ("${ENDPOINT}", None));
        assert!(Url::decode(&json!("http://${HOST}:8480"), "u", &mut d).is_some());
        assert_eq!(
            Url::decode(&json!("http://h:1/"), "u", &mut d)
                .unwrap()
                .text(),
            "http://h:1"
        );
        assert!(d.is_empty());
        assert!(Url::decode(&json!("${HOST}:8480"), "u", &mut d).is_none());
    }
}
