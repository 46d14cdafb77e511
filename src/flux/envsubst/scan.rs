//! The scanner of Flux's envsubst (`envsubst/parse/scan.go`), quirks included, since they decide
//! what is a syntax error: the parser switches its mode (which tokens it wants) and its accept rule
//! (which runes belong to a token) before each token.
//!
//! Go's scanner deletes an escape character from its buffer when it meets one (`$$`, `\/`, `\\`);
//! here the buffer stays whole, the deleted positions of the current token are remembered, and
//! [`Scanner::token`] leaves them out. Positions only move back over runes read since the last
//! deletion, so the two views always agree.

use crate::flux::gostr::decode_rune;

/// Go's scanner reads a NUL byte as its end-of-input rune, so text after a NUL is dropped.
pub const EOF: u32 = 0;

pub const SCAN_IDENT: u8 = 1;
pub const SCAN_LBRACK: u8 = 2;
pub const SCAN_RBRACK: u8 = 4;
pub const SCAN_ESCAPE: u8 = 8;

pub const ESCAPE_DOLLAR: u8 = 1;
pub const ESCAPE_BACKSLASH: u8 = 2;
pub const ESCAPE_ALL: u8 = ESCAPE_DOLLAR | ESCAPE_BACKSLASH;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Illegal,
    Eof,
    Ident,
    Lbrack,
    Rbrack,
}

/// Which runes a token takes; the position is the byte offset of the rune's end in the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    Rune,
    Ident,
    Colon,
    OneHash,
    NotClosing,
    HashFunc,
    PercentFunc,
    DefaultFunc,
    ReplaceFunc,
    OneEqual,
    OneColon,
    RejectColonClose,
    Slash,
    NotSlash,
    CasingFunc,
}

fn is(r: u32, c: char) -> bool {
    r == u32::from(c)
}

impl Accept {
    fn takes(self, r: u32, i: usize) -> bool {
        match self {
            Accept::Rune => true,
            Accept::Ident => {
                crate::flux::gostr::is_letter(r) || crate::flux::gostr::is_digit(r) || is(r, '_')
            }
            Accept::Colon => is(r, ':'),
            Accept::OneHash => is(r, '#') && i == 1,
            Accept::NotClosing => !is(r, '}'),
            Accept::HashFunc => is(r, '#') && i < 3,
            Accept::PercentFunc => is(r, '%') && i < 3,
            Accept::DefaultFunc => {
                (i == 1 && is(r, ':'))
                    || (i == 2 && (is(r, '=') || is(r, '-') || is(r, '?') || is(r, '+')))
            }
            Accept::ReplaceFunc => {
                (i == 1 && is(r, '/')) || (i == 2 && (is(r, '/') || is(r, '#') || is(r, '%')))
            }
            Accept::OneEqual => i == 1 && is(r, '='),
            Accept::OneColon => i == 1 && is(r, ':'),
            Accept::RejectColonClose => !is(r, ':') && !is(r, '}'),
            Accept::Slash => is(r, '/'),
            Accept::NotSlash => !is(r, '/'),
            Accept::CasingFunc => (is(r, ',') || is(r, '^')) && i < 3,
        }
    }
}

pub struct Scanner<'a> {
    buf: &'a [u8],
    pub pos: usize,
    /// Where the last rune read starts: what a parse error points at.
    pub last: usize,
    start: usize,
    width: usize,
    pub mode: u8,
    pub escape_chars: u8,
    pub accept: Accept,
    /// Positions of the escape characters deleted from the current token.
    deleted: Vec<usize>,
    /// Whether a token that takes every rune skips the bytes that cannot end or escape it in
    /// one step (off only to test that it reads as rune by rune).
    skip_runs: bool,
}

impl<'a> Scanner<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Scanner {
            buf,
            pos: 0,
            last: 0,
            start: 0,
            width: 0,
            mode: 0,
            escape_chars: 0,
            accept: Accept::Rune,
            deleted: Vec::new(),
            skip_runs: true,
        }
    }

    /// A scanner that reads every rune on its own, as Go's does.
    #[cfg(test)]
    pub fn rune_by_rune(buf: &'a [u8]) -> Self {
        Scanner {
            skip_runs: false,
            ..Scanner::new(buf)
        }
    }

    pub fn read(&mut self) -> u32 {
        self.last = self.pos;
        if self.pos >= self.buf.len() {
            self.width = 0;
            return EOF;
        }
        let (r, w) = decode_rune(&self.buf[self.pos..]);
        self.width = w;
        self.pos += w;
        r
    }

    /// Steps back by the width of the last rune read, whichever that was (Go's own rule; the
    /// parser relies on it once, see `parse_default_or_substr`).
    pub fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(self.width);
    }

    pub fn peek(&mut self) -> u32 {
        let r = self.read();
        self.unread();
        r
    }

    /// Drops the escape character just read; the character it escapes joins the token unread.
    fn skip(&mut self) {
        self.deleted.push(self.pos - 1);
        self.pos += 1;
    }

    /// The text of the token just scanned.
    pub fn token(&self) -> Vec<u8> {
        let end = self.pos.min(self.buf.len());
        let mut out = Vec::with_capacity(end.saturating_sub(self.start));
        let mut from = self.start;
        // `deleted` is in ascending order: copy the runs between deleted bytes.
        for &d in self.deleted.iter().filter(|&&d| d >= self.start && d < end) {
            out.extend_from_slice(&self.buf[from..d]);
            from = d + 1;
        }
        out.extend_from_slice(&self.buf[from.min(end)..end]);
        out
    }

    /// Bytes of the current token so far, escapes deleted.
    fn token_len(&self) -> usize {
        self.pos - self.start - self.deleted.len()
    }

    pub fn scan(&mut self) -> Token {
        self.start = self.pos;
        self.deleted.clear();
        let r = self.read();
        if r == EOF {
            Token::Eof
        } else if self.scan_lbrack(r) {
            Token::Lbrack
        } else if self.scan_rbrack(r) {
            Token::Rbrack
        } else if self.scan_ident(r) {
            Token::Ident
        } else {
            Token::Illegal
        }
    }

    fn scan_ident(&mut self, r: u32) -> bool {
        if self.mode & SCAN_IDENT == 0 {
            return false;
        }
        if self.scan_escaped(r) {
            self.skip();
        } else if !self.accept.takes(r, self.token_len()) {
            return false;
        }
        loop {
            if self.skip_runs && self.accept == Accept::Rune {
                // Only `$` (a `${` or `$$`), a backslash (an escape) and NUL (Go's end of
                // input) can stop or change a token that takes every rune, and each is one
                // byte that no other rune's encoding holds (an invalid byte is a rune of its
                // own): every rune before the next of them is taken, so the scan may stand on
                // it at once. What reading leaves behind (the last rune's start and width) is
                // set again when it is read.
                let rest = self.buf.get(self.pos..).unwrap_or_default();
                let run = rest
                    .iter()
                    .position(|&b| matches!(b, b'$' | b'\\' | 0))
                    .unwrap_or(rest.len());
                self.pos += run;
            }
            let r = self.read();
            if r == EOF {
                self.unread();
                break;
            }
            if self.scan_lbrack(r) {
                self.unread();
                self.unread();
                break;
            }
            if self.scan_escaped(r) {
                self.skip();
                continue;
            }
            if !self.accept.takes(r, self.token_len()) {
                self.unread();
                break;
            }
        }
        true
    }

    fn scan_lbrack(&mut self, r: u32) -> bool {
        if self.mode & SCAN_LBRACK == 0 {
            return false;
        }
        if is(r, '$') {
            if is(self.read(), '{') {
                return true;
            }
            self.unread();
        }
        false
    }

    fn scan_rbrack(&self, r: u32) -> bool {
        self.mode & SCAN_RBRACK != 0 && is(r, '}')
    }

    fn scan_escaped(&mut self, r: u32) -> bool {
        if self.mode & SCAN_ESCAPE == 0 {
            return false;
        }
        if is(r, '$') && self.escape_chars & ESCAPE_DOLLAR != 0 && is(self.peek(), '$') {
            return true;
        }
        if is(r, '\\') && self.escape_chars & ESCAPE_BACKSLASH != 0 {
            let next = self.peek();
            return is(next, '/') || is(next, '\\');
        }
        false
    }
}
