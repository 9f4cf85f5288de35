//! Tokenizer: OpenQASM 2.0 source text to tokens with 1-based line and column.
//!
//! Line ends may be `\n`, `\r\n` or a lone `\r`; columns count characters (not bytes).
//! Comments (`//` to end of line, `/* ... */`) may contain any Unicode; outside comments
//! and strings only ASCII is accepted.

use crate::error::{qasm_error, Pos};
use ferroq_core::Result;

/// The kinds of token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// An identifier or keyword.
    Ident(String),
    /// A non-negative integer literal, kept as text (checked where it is used).
    Int(String),
    /// A real literal.
    Real(f64),
    /// A string literal (without the quotes).
    Str(String),
    Semi,
    Comma,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Arrow,
    EqEq,
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    Eof,
}

impl Tok {
    /// How the token is named in "expected X, found Y" messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Int(s) => format!("the number `{s}`"),
            Tok::Real(v) => format!("the number `{v:?}`"),
            Tok::Str(s) => format!("the string \"{s}\""),
            Tok::Eof => "the end of the input".to_string(),
            t => format!("`{}`", t.symbol()),
        }
    }

    fn symbol(&self) -> &'static str {
        match self {
            Tok::Semi => ";",
            Tok::Comma => ",",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Arrow => "->",
            Tok::EqEq => "==",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Caret => "^",
            _ => "?",
        }
    }
}

/// A token and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub pos: Pos,
}

struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
    col: usize,
}

impl Lexer<'_> {
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        match c {
            '\n' => {
                self.line += 1;
                self.col = 1;
            }
            '\r' => {
                if self.peek() == Some('\n') {
                    // The `\n` that follows ends the line.
                    self.col += 1;
                } else {
                    self.line += 1;
                    self.col = 1;
                }
            }
            _ => self.col += 1,
        }
        Some(c)
    }

    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.col,
        }
    }

    fn digits(&mut self, out: &mut String) {
        while let Some(c) = self.peek().filter(char::is_ascii_digit) {
            out.push(c);
            self.bump();
        }
    }

    fn number(&mut self, start: Pos) -> Result<Tok> {
        let mut text = String::new();
        self.digits(&mut text);
        let mut real = false;
        if self.peek() == Some('.') {
            real = true;
            text.push('.');
            self.bump();
            self.digits(&mut text);
        }
        if text == "." {
            return Err(qasm_error(start, "expected a digit before or after `.`"));
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            real = true;
            text.push('e');
            self.bump();
            if let Some(sign @ ('+' | '-')) = self.peek() {
                text.push(sign);
                self.bump();
            }
            let before = text.len();
            self.digits(&mut text);
            if text.len() == before {
                return Err(qasm_error(
                    self.pos(),
                    format!("malformed number `{text}`: expected digits after the exponent"),
                ));
            }
        }
        if !real {
            return Ok(Tok::Int(text));
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Tok::Real(v)),
            _ => Err(qasm_error(
                start,
                format!("number `{text}` is out of range"),
            )),
        }
    }

    /// Skips whitespace and comments; errors on an unterminated block comment.
    fn skip_trivia(&mut self) -> Result<()> {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() || c == '\u{feff}' => {
                    self.bump();
                }
                Some('/') => {
                    let mut ahead = self.chars.clone();
                    ahead.next();
                    match ahead.next() {
                        Some('/') => {
                            while let Some(c) = self.peek() {
                                if c == '\n' || c == '\r' {
                                    break;
                                }
                                self.bump();
                            }
                        }
                        Some('*') => {
                            let start = self.pos();
                            self.bump();
                            self.bump();
                            let mut prev = ' ';
                            loop {
                                match self.bump() {
                                    None => {
                                        return Err(qasm_error(
                                            start,
                                            "unterminated block comment: expected `*/`",
                                        ))
                                    }
                                    Some('/') if prev == '*' => break,
                                    Some(c) => prev = c,
                                }
                            }
                        }
                        _ => return Ok(()),
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn next_token(&mut self) -> Result<Token> {
        self.skip_trivia()?;
        let pos = self.pos();
        let Some(c) = self.peek() else {
            return Ok(Token { tok: Tok::Eof, pos });
        };
        let tok = match c {
            'a'..='z' | 'A'..='Z' | '_' => {
                let mut s = String::new();
                while let Some(c) = self
                    .peek()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    s.push(c);
                    self.bump();
                }
                Tok::Ident(s)
            }
            '0'..='9' | '.' => self.number(pos)?,
            '"' => {
                self.bump();
                let mut s = String::new();
                loop {
                    match self.bump() {
                        Some('"') => break,
                        Some('\n' | '\r') | None => {
                            return Err(qasm_error(pos, "unterminated string: expected `\"`"))
                        }
                        Some(c) => s.push(c),
                    }
                }
                Tok::Str(s)
            }
            '-' => {
                self.bump();
                if self.peek() == Some('>') {
                    self.bump();
                    Tok::Arrow
                } else {
                    Tok::Minus
                }
            }
            '=' => {
                self.bump();
                if self.peek() == Some('=') {
                    self.bump();
                    Tok::EqEq
                } else {
                    return Err(qasm_error(
                        pos,
                        "expected `==` (a lone `=` is not OpenQASM 2.0)",
                    ));
                }
            }
            _ => {
                let t = match c {
                    ';' => Tok::Semi,
                    ',' => Tok::Comma,
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    '[' => Tok::LBracket,
                    ']' => Tok::RBracket,
                    '{' => Tok::LBrace,
                    '}' => Tok::RBrace,
                    '+' => Tok::Plus,
                    '*' => Tok::Star,
                    '/' => Tok::Slash,
                    '^' => Tok::Caret,
                    _ => {
                        return Err(qasm_error(
                            pos,
                            format!("unexpected character {c:?} (outside comments only ASCII OpenQASM is allowed)"),
                        ))
                    }
                };
                self.bump();
                t
            }
        };
        Ok(Token { tok, pos })
    }
}

/// Splits `text` into tokens, ending with [`Tok::Eof`].
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>> {
    let mut lx = Lexer {
        chars: text.chars().peekable(),
        line: 1,
        col: 1,
    };
    let mut out = Vec::new();
    loop {
        let t = lx.next_token()?;
        let end = t.tok == Tok::Eof;
        out.push(t);
        if end {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn numbers_and_symbols() {
        assert_eq!(
            kinds("1 2.5 .5 1e3 3.E-2 -> == ^"),
            vec![
                Tok::Int("1".into()),
                Tok::Real(2.5),
                Tok::Real(0.5),
                Tok::Real(1000.0),
                Tok::Real(0.03),
                Tok::Arrow,
                Tok::EqEq,
                Tok::Caret,
                Tok::Eof
            ]
        );
    }

    #[test]
    fn positions_with_crlf_and_comments() {
        let t = tokenize("a // é comment\r\n/* x\r\n y */ b\rc").unwrap();
        let p: Vec<(usize, usize)> = t.iter().map(|t| (t.pos.line, t.pos.column)).collect();
        assert_eq!(p, vec![(1, 1), (3, 7), (4, 1), (4, 2)]);
    }

    #[test]
    fn errors() {
        assert!(tokenize("/* never closed").is_err());
        assert!(tokenize("\"open").is_err());
        assert!(tokenize("a = b").is_err());
        assert!(tokenize("qé").is_err());
        assert!(tokenize("1e").is_err());
        assert!(tokenize("1e999").is_err());
    }
}
