//! Lexing and parsing an expression into a [`Node`] tree.

use std::fmt;

use super::{CmpOp, ExprError, ExprErrorKind, Side};

/// The longest expression accepted, in characters.
pub const MAX_LEN: usize = 1000;

/// A parsed expression, before compiling.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    Int(i64),
    Line {
        side: Side,
        id: String,
        pos: usize,
    },
    Agg {
        agg_name: String,
        side: Side,
        id: String,
        pos: usize,
    },
    Neg(Box<Node>),
    Not(Box<Node>),
    Arith(ArithOp, Box<Node>, Box<Node>),
    Cmp(CmpOp, Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
}

impl Node {
    /// Whether the value is scaled by a multiplication somewhere, so that it is no longer a count
    /// of ballots or voters (`100 * L6` in a percentage rule).
    pub(crate) fn scales(&self) -> bool {
        match self {
            Node::Int(_) | Node::Line { .. } | Node::Agg { .. } => false,
            Node::Arith(ArithOp::Mul, _, _) => true,
            Node::Neg(inner) | Node::Not(inner) => inner.scales(),
            Node::Arith(_, left, right)
            | Node::Cmp(_, left, right)
            | Node::And(left, right)
            | Node::Or(left, right) => left.scales() || right.scales(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Int(i64),
    Ident(String),
    Dot,
    LParen,
    RParen,
    Plus,
    Minus,
    Star,
    Cmp(CmpOp),
    End,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Int(value) => write!(f, "`{value}`"),
            Tok::Ident(name) => write!(f, "`{name}`"),
            Tok::Dot => f.write_str("`.`"),
            Tok::LParen => f.write_str("`(`"),
            Tok::RParen => f.write_str("`)`"),
            Tok::Plus => f.write_str("`+`"),
            Tok::Minus => f.write_str("`-`"),
            Tok::Star => f.write_str("`*`"),
            Tok::Cmp(op) => write!(f, "`{}`", op.symbol()),
            Tok::End => f.write_str("the end"),
        }
    }
}

/// Splits an expression into tokens with their 1-based columns.
fn lex(source: &str) -> Result<Vec<(Tok, usize)>, ExprError> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut idx = 0;
    while idx < chars.len() {
        let c = chars[idx];
        let pos = idx + 1;
        if c.is_whitespace() {
            idx += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let mut value: i64 = 0;
            while idx < chars.len() && chars[idx].is_ascii_digit() {
                let digit = i64::from(chars[idx].to_digit(10).unwrap_or(0));
                value = value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(digit))
                    .filter(|v| *v <= 1_000_000_000_000)
                    .ok_or(ExprError {
                        pos,
                        kind: ExprErrorKind::NumberTooLarge,
                    })?;
                idx += 1;
            }
            tokens.push((Tok::Int(value), pos));
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = idx;
            while idx < chars.len() && (chars[idx].is_ascii_alphanumeric() || chars[idx] == '_') {
                idx += 1;
            }
            tokens.push((Tok::Ident(chars[start..idx].iter().collect()), pos));
            continue;
        }
        let next = chars.get(idx + 1).copied();
        let (tok, len) = match (c, next) {
            ('=', Some('=')) => (Tok::Cmp(CmpOp::Eq), 2),
            ('!', Some('=')) => (Tok::Cmp(CmpOp::Ne), 2),
            ('<', Some('=')) => (Tok::Cmp(CmpOp::Le), 2),
            ('>', Some('=')) => (Tok::Cmp(CmpOp::Ge), 2),
            ('=', _) => (Tok::Cmp(CmpOp::Eq), 1),
            ('<', _) => (Tok::Cmp(CmpOp::Lt), 1),
            ('>', _) => (Tok::Cmp(CmpOp::Gt), 1),
            ('.', _) => (Tok::Dot, 1),
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            ('+', _) => (Tok::Plus, 1),
            ('-', _) => (Tok::Minus, 1),
            ('*', _) => (Tok::Star, 1),
            _ => {
                return Err(ExprError {
                    pos,
                    kind: ExprErrorKind::UnexpectedChar(c),
                });
            }
        };
        tokens.push((tok, pos));
        idx += len;
    }
    tokens.push((Tok::End, chars.len() + 1));
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(Tok, usize)>,
    at: usize,
    depth: usize,
    /// The position of the closing [`Tok::End`], which reading past the tokens keeps seeing.
    end: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.tokens.get(self.at).map_or(&Tok::End, |(tok, _)| tok)
    }

    fn pos(&self) -> usize {
        self.tokens.get(self.at).map_or(self.end, |&(_, pos)| pos)
    }

    fn bump(&mut self) -> (Tok, usize) {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token.unwrap_or((Tok::End, self.end))
    }

    fn is_keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Ident(name) if name == word)
    }

    fn expected(&self, expected: &'static str) -> ExprError {
        ExprError {
            pos: self.pos(),
            kind: ExprErrorKind::Expected {
                expected,
                found: self.peek().to_string(),
            },
        }
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if 64 < self.depth {
            return Err(ExprError {
                pos: self.pos(),
                kind: ExprErrorKind::TooDeep,
            });
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Node, ExprError> {
        let mut left = self.and()?;
        while self.is_keyword("or") {
            self.bump();
            let right = self.and()?;
            left = Node::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Node, ExprError> {
        let mut left = self.not()?;
        while self.is_keyword("and") {
            self.bump();
            let right = self.not()?;
            left = Node::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Node, ExprError> {
        if self.is_keyword("not") {
            self.bump();
            self.enter()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Node::Not(Box::new(inner)));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Node, ExprError> {
        let left = self.arith()?;
        if let Tok::Cmp(op) = *self.peek() {
            self.bump();
            let right = self.arith()?;
            return Ok(Node::Cmp(op, Box::new(left), Box::new(right)));
        }
        Ok(left)
    }

    fn arith(&mut self) -> Result<Node, ExprError> {
        let mut left = self.term()?;
        loop {
            let op = match self.peek() {
                Tok::Plus => ArithOp::Add,
                Tok::Minus => ArithOp::Sub,
                _ => return Ok(left),
            };
            self.bump();
            let right = self.term()?;
            left = Node::Arith(op, Box::new(left), Box::new(right));
        }
    }

    fn term(&mut self) -> Result<Node, ExprError> {
        let mut left = self.factor()?;
        while *self.peek() == Tok::Star {
            self.bump();
            let right = self.factor()?;
            left = Node::Arith(ArithOp::Mul, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn factor(&mut self) -> Result<Node, ExprError> {
        self.enter()?;
        let node = self.factor_inner();
        self.depth -= 1;
        node
    }

    fn factor_inner(&mut self) -> Result<Node, ExprError> {
        let (tok, pos) = self.bump();
        match tok {
            Tok::Int(value) => Ok(Node::Int(value)),
            Tok::Minus => Ok(Node::Neg(Box::new(self.factor()?))),
            Tok::LParen => {
                let inner = self.or()?;
                if *self.peek() != Tok::RParen {
                    return Err(self.expected("`)`"));
                }
                self.bump();
                Ok(inner)
            }
            Tok::Ident(name) if name == "and" || name == "or" || name == "not" => {
                self.at -= 1;
                Err(self.expected("a number, a line or `(`"))
            }
            Tok::Ident(name) => {
                if *self.peek() == Tok::LParen {
                    self.bump();
                    let (side, id, id_pos) = self.line_ref()?;
                    if *self.peek() != Tok::RParen {
                        return Err(self.expected("`)`"));
                    }
                    self.bump();
                    let _ = id_pos;
                    return Ok(Node::Agg {
                        agg_name: name,
                        side,
                        id,
                        pos,
                    });
                }
                self.at -= 1;
                let (side, id, pos) = self.line_ref()?;
                Ok(Node::Line { side, id, pos })
            }
            _ => {
                self.at -= 1;
                Err(self.expected("a number, a line or `(`"))
            }
        }
    }

    /// `L1` or `ref.L1`.
    fn line_ref(&mut self) -> Result<(Side, String, usize), ExprError> {
        let (tok, pos) = self.bump();
        let Tok::Ident(first) = tok else {
            self.at -= 1;
            return Err(self.expected("a line id"));
        };
        if *self.peek() != Tok::Dot {
            return Ok((Side::This, first, pos));
        }
        self.bump();
        let (tok, id_pos) = self.bump();
        let Tok::Ident(id) = tok else {
            self.at -= 1;
            return Err(self.expected("a line id after `.`"));
        };
        if first != "ref" {
            return Err(ExprError {
                pos,
                kind: ExprErrorKind::BadQualifier(first),
            });
        }
        Ok((Side::Ref, id, id_pos))
    }
}

/// Parses an expression into a tree (no name resolution yet).
pub(crate) fn parse(source: &str) -> Result<Node, ExprError> {
    if MAX_LEN < source.chars().count() {
        return Err(ExprError {
            pos: MAX_LEN + 1,
            kind: ExprErrorKind::TooLong,
        });
    }
    let tokens = lex(source)?;
    let end = tokens.last().map_or(0, |&(_, pos)| pos);
    let mut parser = Parser {
        tokens,
        at: 0,
        depth: 0,
        end,
    };
    let node = parser.or()?;
    if *parser.peek() != Tok::End {
        return Err(parser.expected("an operator or the end"));
    }
    Ok(node)
}
