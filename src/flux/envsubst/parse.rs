//! The parser of Flux's envsubst (`envsubst/parse/parse.go`): which `${…}` forms exist and what
//! their parts are. It drives [`Scanner`] token by token exactly as Flux does, so the same texts
//! are syntax errors, for the same reason, with one addition: a nesting limit, since each `${`
//! inside another is a level of recursion.

use super::scan::{
    Accept, ESCAPE_ALL, ESCAPE_DOLLAR, SCAN_ESCAPE, SCAN_IDENT, SCAN_LBRACK, SCAN_RBRACK, Scanner,
    Token,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Text(Vec<u8>),
    Func(Func),
}

/// One `${…}`: the variable, the operator as Flux names it (`""`, `":-"`, `"#"`, `"//"`, …) and
/// its arguments (a default may have several, concatenated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Func {
    /// Byte offset of its `${` in the text.
    pub at: usize,
    pub param: String,
    pub op: String,
    pub args: Vec<Node>,
}

/// Flux's parse errors, with its own messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseFailure {
    BadSubstitution,
    MissingClosingBrace,
    VariableName,
    FuncSubstitution,
    DefaultFunction,
    /// vmstack's own limit, not Flux's.
    TooDeep(usize),
}

impl ParseFailure {
    pub fn flux_message(self) -> String {
        match self {
            ParseFailure::BadSubstitution => "bad substitution".into(),
            ParseFailure::MissingClosingBrace => "missing closing brace".into(),
            ParseFailure::VariableName => "unable to parse variable name".into(),
            ParseFailure::FuncSubstitution => "unable to parse substitution within function".into(),
            ParseFailure::DefaultFunction => "unable to parse default function".into(),
            ParseFailure::TooDeep(limit) => format!("more than {limit} nested ${{…}}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub failure: ParseFailure,
    /// Byte offset of the rune the parser choked on (the text's length at its end).
    pub at: usize,
    /// Byte offset of the top-level `${` that holds the problem.
    pub opened: usize,
}

type Parsed<T> = Result<T, ParseFailure>;

struct Parser<'a> {
    s: Scanner<'a>,
    depth: usize,
    max_depth: usize,
    opened: usize,
}

pub fn parse(text: &str, max_depth: usize) -> Result<Vec<Node>, ParseError> {
    parse_with(Scanner::new(text.as_bytes()), max_depth)
}

fn parse_with(scanner: Scanner<'_>, max_depth: usize) -> Result<Vec<Node>, ParseError> {
    let mut p = Parser {
        s: scanner,
        depth: 0,
        max_depth,
        opened: 0,
    };
    p.any().map_err(|failure| ParseError {
        failure,
        at: p.s.last,
        opened: p.opened,
    })
}

fn rune(c: char) -> u32 {
    u32::from(c)
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

impl Parser<'_> {
    /// The top level: text and `${…}`, `$$` standing for `$`.
    fn any(&mut self) -> Parsed<Vec<Node>> {
        let mut nodes = Vec::new();
        loop {
            self.s.accept = Accept::Rune;
            self.s.mode = SCAN_IDENT | SCAN_LBRACK | SCAN_ESCAPE;
            self.s.escape_chars = ESCAPE_DOLLAR;
            match self.s.scan() {
                Token::Ident => nodes.push(Node::Text(self.s.token())),
                Token::Eof => return Ok(nodes),
                Token::Lbrack => {
                    self.opened = self.s.pos - 2;
                    nodes.push(Node::Func(self.func()?));
                }
                _ => return Err(ParseFailure::BadSubstitution),
            }
        }
    }

    /// After `${`.
    fn func(&mut self) -> Parsed<Func> {
        if self.depth >= self.max_depth {
            return Err(ParseFailure::TooDeep(self.max_depth));
        }
        self.depth += 1;
        let at = self.s.pos - 2;
        let f = self.func_body();
        self.depth -= 1;
        f.map(|f| Func { at, ..f })
    }

    fn func_body(&mut self) -> Parsed<Func> {
        self.s.escape_chars = ESCAPE_ALL;
        if self.s.peek() == rune('#') {
            return self.length();
        }
        self.s.accept = Accept::Ident;
        self.s.mode = SCAN_IDENT;
        let name = match self.s.scan() {
            Token::Ident => text(self.s.token()),
            _ => return Err(ParseFailure::VariableName),
        };
        match char::from_u32(self.s.peek()) {
            Some(':') => self.default_or_substring(name),
            Some('=') => self.default(name),
            Some(',' | '^') => self.casing(name),
            Some('/') => self.replace(name),
            Some('#') => self.remove(name, Accept::HashFunc),
            Some('%') => self.remove(name, Accept::PercentFunc),
            _ => {
                self.s.accept = Accept::Ident;
                self.s.mode = SCAN_RBRACK;
                match self.s.scan() {
                    Token::Rbrack => Ok(Func {
                        at: 0,
                        param: name,
                        op: String::new(),
                        args: vec![],
                    }),
                    _ => Err(ParseFailure::MissingClosingBrace),
                }
            }
        }
    }

    /// One argument: a nested `${…}` or a run of text.
    fn param(&mut self, accept: Accept, mode: u8) -> Parsed<Node> {
        self.s.accept = accept;
        self.s.mode = mode | SCAN_LBRACK;
        match self.s.scan() {
            Token::Lbrack => Ok(Node::Func(self.func()?)),
            Token::Ident | Token::Rbrack => Ok(Node::Text(self.s.token())),
            _ => Err(ParseFailure::FuncSubstitution),
        }
    }

    /// The operator token under the current accept rule, or `failure`.
    fn op(&mut self, accept: Accept, failure: ParseFailure) -> Parsed<String> {
        self.s.accept = accept;
        self.s.mode = SCAN_IDENT;
        match self.s.scan() {
            Token::Ident => Ok(text(self.s.token())),
            _ => Err(failure),
        }
    }

    fn close(&mut self) -> Parsed<()> {
        self.s.mode = SCAN_RBRACK;
        match self.s.scan() {
            Token::Rbrack => Ok(()),
            _ => Err(ParseFailure::BadSubstitution),
        }
    }

    fn default_or_substring(&mut self, name: String) -> Parsed<Func> {
        // Flux reads the colon, peeks at the next rune and steps back by that rune's width: for
        // a multi-byte rune it lands before the colon, and the substring parse then fails.
        self.s.read();
        let next = self.s.peek();
        self.s.unread();
        match char::from_u32(next) {
            Some('=' | '-' | '?' | '+') => self.default(name),
            _ => self.substring(name),
        }
    }

    fn substring(&mut self, name: String) -> Parsed<Func> {
        let op = self.op(Accept::OneColon, ParseFailure::BadSubstitution)?;
        let mut args = vec![self.param(Accept::RejectColonClose, SCAN_IDENT)?];
        self.s.accept = Accept::Colon;
        self.s.mode = SCAN_IDENT | SCAN_RBRACK;
        match self.s.scan() {
            Token::Rbrack => {
                return Ok(Func {
                    at: 0,
                    param: name,
                    op,
                    args,
                });
            }
            Token::Ident => {}
            _ => return Err(ParseFailure::BadSubstitution),
        }
        args.push(self.param(Accept::NotClosing, SCAN_IDENT)?);
        self.close()?;
        Ok(Func {
            at: 0,
            param: name,
            op,
            args,
        })
    }

    fn remove(&mut self, name: String, accept: Accept) -> Parsed<Func> {
        let op = self.op(accept, ParseFailure::BadSubstitution)?;
        let args = vec![self.param(Accept::NotClosing, SCAN_IDENT)?];
        self.close()?;
        Ok(Func {
            at: 0,
            param: name,
            op,
            args,
        })
    }

    fn replace(&mut self, name: String) -> Parsed<Func> {
        let op = self.op(Accept::ReplaceFunc, ParseFailure::BadSubstitution)?;
        let mut args = vec![self.param(Accept::NotSlash, SCAN_IDENT | SCAN_ESCAPE)?];
        self.op(Accept::Slash, ParseFailure::BadSubstitution)?;
        if self.s.peek() != rune('}') {
            args.push(self.param(Accept::NotClosing, SCAN_IDENT | SCAN_ESCAPE)?);
        }
        self.close()?;
        Ok(Func {
            at: 0,
            param: name,
            op,
            args,
        })
    }

    fn default(&mut self, name: String) -> Parsed<Func> {
        let accept = if self.s.peek() == rune('=') {
            Accept::OneEqual
        } else {
            Accept::DefaultFunc
        };
        let op = self.op(accept, ParseFailure::DefaultFunction)?;
        let mut args = Vec::new();
        loop {
            if self.s.peek() == rune('}') {
                self.close()?;
                return Ok(Func {
                    at: 0,
                    param: name,
                    op,
                    args,
                });
            }
            args.push(self.param(Accept::NotClosing, SCAN_IDENT)?);
        }
    }

    fn casing(&mut self, name: String) -> Parsed<Func> {
        let op = self.op(Accept::CasingFunc, ParseFailure::BadSubstitution)?;
        self.close()?;
        Ok(Func {
            at: 0,
            param: name,
            op,
            args: vec![],
        })
    }

    /// `${#name}`.
    fn length(&mut self) -> Parsed<Func> {
        let op = self.op(Accept::OneHash, ParseFailure::BadSubstitution)?;
        let param = self.op(Accept::Ident, ParseFailure::BadSubstitution)?;
        self.close()?;
        Ok(Func {
            at: 0,
            param,
            op,
            args: vec![],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        // The scanner skips the runs of a text token in one step; the parse must be the one
        // Go's rune-by-rune reading gives, errors and their positions included.
        #[test]
        fn skipping_runs_parses_as_reading_rune_by_rune(
            text in r"([a-z}{:=#%/,^ ]|\$|\\|\x00|é|\x{fffd}){0,24}",
            invalid in proptest::option::of(0..24usize),
        ) {
            let mut bytes = text.into_bytes();
            // A byte that does not start a valid character reads as a rune of its own.
            if let Some(at) = invalid {
                bytes.insert(at.min(bytes.len()), 0xC3);
            }
            let skipping = parse_with(Scanner::new(&bytes), 8);
            let rune_by_rune = parse_with(Scanner::rune_by_rune(&bytes), 8);
            proptest::prop_assert_eq!(skipping, rune_by_rune, "{:?}", bytes);
        }
    }
}
