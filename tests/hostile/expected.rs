//! A case's `expected` file: what the run must answer (format in tests/fixtures/hostile/README.md).

use std::path::Path;

/// The field a result must name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// `-`: none (on the command line, where a field may not be shown: not checked).
    Absent,
    /// `*`: any, or none.
    Any,
    Path(String),
}

/// One result the run must give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedResult {
    pub severity: String,
    pub code: String,
    pub field: Field,
    pub fragment: String,
}

impl std::fmt::Display for ExpectedResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "result: {} {} {} | {}",
            self.severity,
            self.code,
            match &self.field {
                Field::Absent => "-".into(),
                Field::Any => "*".into(),
                Field::Path(f) => quoted_if_needed(f, false),
            },
            quoted_if_needed(&self.fragment, true)
        )
    }
}

/// How many items the ResourceList written holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Items {
    Exactly(usize),
    AtLeast(usize),
}

impl Items {
    pub fn admits(self, n: usize) -> bool {
        match self {
            Items::Exactly(m) => n == m,
            Items::AtLeast(m) => n >= m,
        }
    }
}

/// How the case runs vmstack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// ResourceList mode: the case's input on stdin.
    Stdin,
    /// The command line, with these arguments, in the case's folder.
    Cli(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub run: Run,
    pub exit: i32,
    /// The number of items in the ResourceList written (`N`), or the least (`N+`).
    pub items: Option<Items>,
    pub results: Vec<ExpectedResult>,
    pub stdout: Vec<String>,
    pub stdout_not: Vec<String>,
    pub stderr: Vec<String>,
    pub stderr_not: Vec<String>,
    /// Paths (relative to the folder the command line ran in) that must not exist after the run.
    pub not_written: Vec<String>,
    /// Why the case fails today: it runs, and its failure is reported, not counted.
    pub known_failure: Option<String>,
}

/// A fragment as written: a JSON string when it starts with `"` (for `\n`, `\t`, `\u001b`),
/// else the text itself.
fn fragment(text: &str) -> Result<String, String> {
    if text.starts_with('"') {
        serde_json::from_str(text).map_err(|e| format!("{text}: not a JSON string: {e}"))
    } else {
        Ok(text.to_string())
    }
}

/// As a fragment or field is written in the file: quoted where the plain text would not read back.
fn quoted_if_needed(text: &str, spaces: bool) -> String {
    let plain = !text.starts_with('"') && (spaces || !text.contains(' '));
    if !plain || text.chars().any(|c| c.is_control()) || text.trim() != text {
        serde_json::to_string(text).unwrap()
    } else {
        text.to_string()
    }
}

/// `severity code field | fragment`; the field may be a JSON string too (for spaces, `\n`).
fn result(text: &str) -> Result<ExpectedResult, String> {
    let want = || format!("{text}: want `severity code field | fragment` (field `-` for none)");
    let (head, tail) = text
        .split_once(" |")
        .map_or((text, ""), |(h, t)| (h, t.trim()));
    let mut words = head.trim().splitn(3, ' ');
    let (Some(severity), Some(code), Some(field)) = (words.next(), words.next(), words.next())
    else {
        return Err(want());
    };
    let field = match field.trim() {
        "-" => Field::Absent,
        "*" => Field::Any,
        f if f.starts_with('"') => Field::Path(fragment(f)?),
        f if f.contains(char::is_whitespace) => return Err(want()),
        f => Field::Path(f.to_string()),
    };
    if !matches!(severity, "error" | "warning" | "info") {
        return Err(format!("{text}: severity is error, warning or info"));
    }
    Ok(ExpectedResult {
        severity: severity.into(),
        code: code.into(),
        field,
        fragment: fragment(tail)?,
    })
}

impl Expected {
    pub fn read(path: &Path) -> Result<Expected, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Expected::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Expected, String> {
        let mut run = None;
        let mut exit = None;
        let mut e = Expected {
            run: Run::Stdin,
            exit: 0,
            items: None,
            results: Vec::new(),
            stdout: Vec::new(),
            stdout_not: Vec::new(),
            stderr: Vec::new(),
            stderr_not: Vec::new(),
            not_written: Vec::new(),
            known_failure: None,
        };
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if line.trim_start().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let at = |m: String| format!("line {}: {m}", n + 1);
            let (key, value) = line
                .split_once(':')
                .ok_or_else(|| at(format!("{line}: want `key: value`")))?;
            let value = value.trim();
            match key {
                "run" if value == "stdin" => run = Some(Run::Stdin),
                "run" => {
                    run = Some(Run::Cli(
                        value.split_whitespace().map(str::to_string).collect(),
                    ))
                }
                "exit" => exit = Some(value.parse().map_err(|_| at(format!("exit {value}")))?),
                "items" => {
                    let count = |n: &str| n.parse().map_err(|_| at(format!("items {value}")));
                    e.items = Some(match value.strip_suffix('+') {
                        Some(least) => Items::AtLeast(count(least)?),
                        None => Items::Exactly(count(value)?),
                    });
                }
                "result" => e.results.push(result(value).map_err(at)?),
                "stdout" => e.stdout.push(fragment(value).map_err(at)?),
                "stdout-not" => e.stdout_not.push(fragment(value).map_err(at)?),
                "stderr" => e.stderr.push(fragment(value).map_err(at)?),
                "stderr-not" => e.stderr_not.push(fragment(value).map_err(at)?),
                "not-written" => e.not_written.push(value.to_string()),
                "known-failure" => e.known_failure = Some(value.to_string()),
                other => return Err(at(format!("unknown key {other:?}"))),
            }
        }
        e.run = run.ok_or("no `run:` line")?;
        e.exit = exit.ok_or("no `exit:` line")?;
        if e.items.is_some() && e.run != Run::Stdin {
            return Err("`items:` is for ResourceList mode (run: stdin)".into());
        }
        if !e.not_written.is_empty() && e.run == Run::Stdin {
            return Err("`not-written:` is for the command line".into());
        }
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_kind_is_read() {
        let e = Expected::parse(
            "# a comment\nrun: stdin\nexit: 1\nitems: 2\n\
             result: error VMS119 metadata.name | has a `..`\n\
             result: warning VMS504 - | \"a\\tb\"\nstderr-not: \"\\nerror[\"\n\
             result: error VMS100 \"spec.a b\\nc\" | unknown\n",
        )
        .unwrap();
        assert_eq!(e.run, Run::Stdin);
        assert_eq!((e.exit, e.items), (1, Some(Items::Exactly(2))));
        let least = Expected::parse("run: stdin\nexit: 0\nitems: 2+\n").unwrap();
        assert!(least.items.unwrap().admits(24) && !least.items.unwrap().admits(1));
        assert_eq!(e.results[0].field, Field::Path("metadata.name".into()));
        assert_eq!(e.results[1].field, Field::Absent);
        assert_eq!(e.results[1].fragment, "a\tb");
        assert_eq!(e.stderr_not, ["\nerror["]);
        assert_eq!(e.results[2].field, Field::Path("spec.a b\nc".into()));
        let any = Expected::parse("run: stdin\nexit: 1\nresult: error VMS100 * | x\n").unwrap();
        assert_eq!(any.results[0].field, Field::Any);
        let cli = Expected::parse("run: check package\nexit: 0\n").unwrap();
        assert_eq!(cli.run, Run::Cli(vec!["check".into(), "package".into()]));
    }

    #[test]
    fn mistakes_in_the_file_are_refused() {
        for text in [
            "exit: 1\n",
            "run: stdin\n",
            "run: stdin\nexit: 1\nresult: error VMS001\n",
            "run: stdin\nexit: 1\nresult: fatal VMS001 - | x\n",
            "run: stdin\nexit: one\n",
            "run: stdin\nexit: 1\nexpect: 3\n",
            "run: check x\nexit: 1\nitems: 3\n",
        ] {
            assert!(Expected::parse(text).is_err(), "{text}");
        }
    }
}
