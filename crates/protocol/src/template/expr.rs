//! The rule expression language: parse, type-check, compile to a stack program, evaluate.
//!
//! ```text
//! rule    := or
//! or      := and ("or" and)*
//! and     := not ("and" not)*
//! not     := "not" not | cmp
//! cmp     := arith (("==" | "=" | "!=" | "<" | "<=" | ">" | ">=") arith)?
//! arith   := term (("+" | "-") term)*
//! term    := factor ("*" factor)*
//! factor  := INT | LINE | "ref." LINE | ("sum" | "max" | "min") "(" BLOCK ")"
//!          | "(" rule ")" | "-" factor
//! ```
//!
//! Values are whole numbers (`i64`); there is no division and no floating point, so a percentage
//! is written by multiplying both sides: "L6 at most 5 % of L5" is `100 * L6 <= 5 * L5`.
//! Everything that can go wrong is found when the template loads: syntax, unknown lines, type
//! errors (a number where a truth value is needed and back), and arithmetic that could overflow
//! for some valid input. Evaluating a compiled program never allocates and never fails; a line
//! that has no value yet makes the result [`Eval::Missing`].

use std::fmt;

use crate::count::Count;

/// Rows a row block may hold at most; bounds `sum(...)` for the overflow analysis.
pub const MAX_ROWS: usize = 1000;
/// Deepest evaluation stack a rule may need.
const MAX_STACK: usize = 32;
/// Largest magnitude any intermediate value may reach (proven at load time).
const MAX_MAGNITUDE: u128 = 1 << 62;

/// Which protocol a line reference reads: the one being checked, or (in precinct rules) the
/// reference protocol named by the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The protocol being checked.
    This,
    /// The precinct rule's reference protocol (`ref.L1`).
    Ref,
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `==` (also written `=`).
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

impl CmpOp {
    /// Applies the comparison.
    pub fn holds(self, left: i64, right: i64) -> bool {
        match self {
            CmpOp::Eq => left == right,
            CmpOp::Ne => left != right,
            CmpOp::Lt => left < right,
            CmpOp::Le => left <= right,
            CmpOp::Gt => left > right,
            CmpOp::Ge => left >= right,
        }
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// An aggregate over a row block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Agg {
    Sum,
    Max,
    Min,
}

/// What a name in an expression refers to, as the template resolves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operand {
    /// A fixed line, by its slot in the protocol's fixed values.
    Line(u16),
    /// The row block (only valid inside `sum`, `max`, `min`).
    Block,
}

/// One step of a compiled program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Const(i64),
    Line(Side, u16),
    Agg(Agg, Side),
    Add,
    Sub,
    Mul,
    Neg,
    Cmp(CmpOp),
    And,
    Or,
    Not,
}

/// The values a program reads: the fixed lines by slot and the rows of the row block.
#[derive(Clone, Copy, Debug)]
pub struct View<'a> {
    /// Fixed lines in slot order; `None` where nothing was entered yet.
    pub fixed: &'a [Option<Count>],
    /// Rows of the row block, in ballot order.
    pub rows: &'a [Option<Count>],
}

/// The result of evaluating a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eval {
    /// A value (truth values are 0 and 1).
    Value(i64),
    /// A line it reads has no value yet.
    Missing,
}

/// A compiled, type-checked expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    ops: Vec<Op>,
}

impl Program {
    /// Evaluates against `this` (and `reference`, for precinct rules). Never allocates.
    pub fn eval(&self, this: View<'_>, reference: Option<View<'_>>) -> Eval {
        let mut stack = [0_i64; MAX_STACK];
        let mut depth = 0_usize;
        for op in &self.ops {
            let value = match *op {
                Op::Const(value) => value,
                Op::Line(side, slot) => {
                    let view = match pick(side, this, reference) {
                        Some(view) => view,
                        None => return Eval::Missing,
                    };
                    match view.fixed.get(usize::from(slot)).copied().flatten() {
                        Some(count) => i64::from(count.get()),
                        None => return Eval::Missing,
                    }
                }
                Op::Agg(agg, side) => {
                    let view = match pick(side, this, reference) {
                        Some(view) => view,
                        None => return Eval::Missing,
                    };
                    match aggregate(agg, view.rows) {
                        Some(value) => value,
                        None => return Eval::Missing,
                    }
                }
                Op::Neg => {
                    let top = &mut stack[depth - 1];
                    *top = -*top;
                    continue;
                }
                Op::Not => {
                    let top = &mut stack[depth - 1];
                    *top = i64::from(*top == 0);
                    continue;
                }
                Op::Add | Op::Sub | Op::Mul | Op::Cmp(_) | Op::And | Op::Or => {
                    depth -= 1;
                    let right = stack[depth];
                    let left = stack[depth - 1];
                    // Magnitudes were bounded at load time, so these cannot overflow.
                    stack[depth - 1] = match *op {
                        Op::Add => left + right,
                        Op::Sub => left - right,
                        Op::Mul => left * right,
                        Op::Cmp(cmp) => i64::from(cmp.holds(left, right)),
                        Op::And => i64::from(left != 0 && right != 0),
                        _ => i64::from(left != 0 || right != 0),
                    };
                    continue;
                }
            };
            stack[depth] = value;
            depth += 1;
        }
        Eval::Value(stack[0])
    }
}

fn pick<'a>(side: Side, this: View<'a>, reference: Option<View<'a>>) -> Option<View<'a>> {
    match side {
        Side::This => Some(this),
        Side::Ref => reference,
    }
}

fn aggregate(agg: Agg, rows: &[Option<Count>]) -> Option<i64> {
    let mut result: Option<i64> = None;
    for row in rows {
        let value = i64::from((*row)?.get());
        result = Some(match (agg, result) {
            (_, None) => value,
            (Agg::Sum, Some(acc)) => acc + value,
            (Agg::Max, Some(acc)) => acc.max(value),
            (Agg::Min, Some(acc)) => acc.min(value),
        });
    }
    Some(result.unwrap_or(0))
}

/// The type of an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// A whole number.
    Number,
    /// A truth value.
    Bool,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::Number => "a number",
            Type::Bool => "a truth value",
        })
    }
}

/// Why an expression does not compile. `pos` is the 1-based character column.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("column {pos}: {kind}")]
pub struct ExprError {
    /// 1-based character column in the expression.
    pub pos: usize,
    /// What is wrong there.
    pub kind: ExprErrorKind,
}

/// What is wrong in an expression.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExprErrorKind {
    /// A character that starts no token.
    #[error("unexpected character `{0}`")]
    UnexpectedChar(char),
    /// Something other than what the grammar allows here.
    #[error("expected {expected}, found {found}")]
    Expected {
        /// What the grammar allows.
        expected: &'static str,
        /// What was there.
        found: String,
    },
    /// A line id the template does not have.
    #[error("unknown line `{0}`")]
    UnknownLine(String),
    /// A function other than `sum`, `max`, `min`.
    #[error("unknown function `{0}` (use sum, max or min)")]
    UnknownFunction(String),
    /// `sum(...)` of something that is not the row block, or the row block outside an aggregate.
    #[error(
        "`{0}` is not usable here: aggregates take the row block, and the row block needs an aggregate"
    )]
    BadAggregate(String),
    /// `ref.` in a rule that has no reference protocol, or another qualifier.
    #[error("`{0}.` is not allowed here (only `ref.` in precinct rules)")]
    BadQualifier(String),
    /// A number where a truth value is needed, or the other way round.
    #[error("expected {expected}, found {found}")]
    Type {
        /// The type needed.
        expected: Type,
        /// The type found.
        found: Type,
    },
    /// An integer literal too large.
    #[error("number too large")]
    NumberTooLarge,
    /// The expression could overflow 64-bit arithmetic for some valid protocol.
    #[error("the arithmetic could overflow for some valid protocol")]
    MayOverflow,
    /// Nested too deeply to evaluate without allocating.
    #[error("expression nested too deeply")]
    TooDeep,
    /// Longer than [`MAX_LEN`] characters.
    #[error("expression longer than {MAX_LEN} characters")]
    TooLong,
}

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
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.at.min(self.tokens.len() - 1)].0
    }

    fn pos(&self) -> usize {
        self.tokens[self.at.min(self.tokens.len() - 1)].1
    }

    fn bump(&mut self) -> (Tok, usize) {
        let token = self.tokens[self.at.min(self.tokens.len() - 1)].clone();
        self.at += 1;
        token
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
    let mut parser = Parser {
        tokens,
        at: 0,
        depth: 0,
    };
    let node = parser.or()?;
    if *parser.peek() != Tok::End {
        return Err(parser.expected("an operator or the end"));
    }
    Ok(node)
}

/// A line that an expression reads, for marking fields and for `{L…}` placeholders.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LineRef {
    /// Which protocol.
    pub side: Side,
    /// The line id as written (a fixed line, or the row block's id inside an aggregate).
    pub id: String,
}

/// Resolves names while compiling.
pub(crate) trait Resolve {
    /// The operand `id` names on `side`, or `None` when there is no such line.
    fn resolve(&self, side: Side, id: &str) -> Option<Operand>;
    /// Whether `ref.` may be used.
    fn has_reference(&self) -> bool;
}

/// Compiles `node`, which must have type `want`, appending its lines to `lines`.
pub(crate) fn compile(
    node: &Node,
    want: Type,
    resolve: &dyn Resolve,
    lines: &mut Vec<LineRef>,
) -> Result<Program, ExprError> {
    let mut ops = Vec::new();
    let (found, _) = emit(node, resolve, &mut ops, lines)?;
    if found != want {
        return Err(ExprError {
            pos: first_pos(node),
            kind: ExprErrorKind::Type {
                expected: want,
                found,
            },
        });
    }
    if MAX_STACK < stack_need(&ops) {
        return Err(ExprError {
            pos: first_pos(node),
            kind: ExprErrorKind::TooDeep,
        });
    }
    Ok(Program { ops })
}

fn stack_need(ops: &[Op]) -> usize {
    let mut depth: usize = 0;
    let mut most = 0;
    for op in ops {
        match op {
            Op::Const(_) | Op::Line(..) | Op::Agg(..) => depth += 1,
            Op::Neg | Op::Not => {}
            _ => depth = depth.saturating_sub(1),
        }
        most = most.max(depth);
    }
    most
}

/// The column where `node` starts (best effort, for error messages).
pub(crate) fn first_pos(node: &Node) -> usize {
    match node {
        Node::Line { pos, .. } | Node::Agg { pos, .. } => *pos,
        Node::Cmp(_, left, ..)
        | Node::Arith(_, left, _)
        | Node::And(left, _)
        | Node::Or(left, _) => first_pos(left),
        Node::Neg(inner) | Node::Not(inner) => first_pos(inner).saturating_sub(1).max(1),
        Node::Int(_) => 1,
    }
}

/// Emits ops for `node`; returns its type and, for numbers, a bound on its magnitude.
fn emit(
    node: &Node,
    resolve: &dyn Resolve,
    ops: &mut Vec<Op>,
    lines: &mut Vec<LineRef>,
) -> Result<(Type, u128), ExprError> {
    let number =
        |node: &Node, ops: &mut Vec<Op>, lines: &mut Vec<LineRef>| -> Result<u128, ExprError> {
            let (found, bound) = emit(node, resolve, ops, lines)?;
            if found != Type::Number {
                return Err(ExprError {
                    pos: first_pos(node),
                    kind: ExprErrorKind::Type {
                        expected: Type::Number,
                        found,
                    },
                });
            }
            Ok(bound)
        };
    let boolean =
        |node: &Node, ops: &mut Vec<Op>, lines: &mut Vec<LineRef>| -> Result<(), ExprError> {
            let (found, _) = emit(node, resolve, ops, lines)?;
            if found != Type::Bool {
                return Err(ExprError {
                    pos: first_pos(node),
                    kind: ExprErrorKind::Type {
                        expected: Type::Bool,
                        found,
                    },
                });
            }
            Ok(())
        };
    let checked = |bound: Option<u128>, pos: usize| -> Result<u128, ExprError> {
        match bound {
            Some(bound) if bound <= MAX_MAGNITUDE => Ok(bound),
            _ => Err(ExprError {
                pos,
                kind: ExprErrorKind::MayOverflow,
            }),
        }
    };
    match node {
        Node::Int(value) => {
            ops.push(Op::Const(*value));
            Ok((Type::Number, u128::from(value.unsigned_abs())))
        }
        Node::Line { side, id, pos } => {
            if *side == Side::Ref && !resolve.has_reference() {
                return Err(ExprError {
                    pos: *pos,
                    kind: ExprErrorKind::BadQualifier("ref".to_owned()),
                });
            }
            match resolve.resolve(*side, id) {
                Some(Operand::Line(slot)) => {
                    ops.push(Op::Line(*side, slot));
                    note_line(lines, *side, id);
                    Ok((Type::Number, u128::from(Count::MAX)))
                }
                Some(Operand::Block) => Err(ExprError {
                    pos: *pos,
                    kind: ExprErrorKind::BadAggregate(id.clone()),
                }),
                None => Err(ExprError {
                    pos: *pos,
                    kind: ExprErrorKind::UnknownLine(id.clone()),
                }),
            }
        }
        Node::Agg {
            agg_name,
            side,
            id,
            pos,
        } => {
            let agg = match agg_name.as_str() {
                "sum" => Agg::Sum,
                "max" => Agg::Max,
                "min" => Agg::Min,
                _ => {
                    return Err(ExprError {
                        pos: *pos,
                        kind: ExprErrorKind::UnknownFunction(agg_name.clone()),
                    });
                }
            };
            if *side == Side::Ref && !resolve.has_reference() {
                return Err(ExprError {
                    pos: *pos,
                    kind: ExprErrorKind::BadQualifier("ref".to_owned()),
                });
            }
            match resolve.resolve(*side, id) {
                Some(Operand::Block) => {
                    ops.push(Op::Agg(agg, *side));
                    note_line(lines, *side, id);
                    let rows = if agg == Agg::Sum { MAX_ROWS as u128 } else { 1 };
                    Ok((Type::Number, u128::from(Count::MAX) * rows))
                }
                Some(Operand::Line(_)) => Err(ExprError {
                    pos: *pos,
                    kind: ExprErrorKind::BadAggregate(id.clone()),
                }),
                None => Err(ExprError {
                    pos: *pos,
                    kind: ExprErrorKind::UnknownLine(id.clone()),
                }),
            }
        }
        Node::Neg(inner) => {
            let bound = number(inner, ops, lines)?;
            ops.push(Op::Neg);
            Ok((Type::Number, bound))
        }
        Node::Arith(op, left, right) => {
            let left_bound = number(left, ops, lines)?;
            let right_bound = number(right, ops, lines)?;
            let (op, bound) = match op {
                ArithOp::Add => (Op::Add, left_bound.checked_add(right_bound)),
                ArithOp::Sub => (Op::Sub, left_bound.checked_add(right_bound)),
                ArithOp::Mul => (Op::Mul, left_bound.checked_mul(right_bound)),
            };
            let bound = checked(bound, first_pos(node))?;
            ops.push(op);
            Ok((Type::Number, bound))
        }
        Node::Cmp(op, left, right) => {
            number(left, ops, lines)?;
            number(right, ops, lines)?;
            ops.push(Op::Cmp(*op));
            Ok((Type::Bool, 1))
        }
        Node::And(left, right) | Node::Or(left, right) => {
            boolean(left, ops, lines)?;
            boolean(right, ops, lines)?;
            ops.push(if matches!(node, Node::And(..)) {
                Op::And
            } else {
                Op::Or
            });
            Ok((Type::Bool, 1))
        }
        Node::Not(inner) => {
            boolean(inner, ops, lines)?;
            ops.push(Op::Not);
            Ok((Type::Bool, 1))
        }
    }
}

fn note_line(lines: &mut Vec<LineRef>, side: Side, id: &str) {
    if !lines.iter().any(|line| line.side == side && line.id == id) {
        lines.push(LineRef {
            side,
            id: id.to_owned(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Lines;
    impl Resolve for Lines {
        fn resolve(&self, _side: Side, id: &str) -> Option<Operand> {
            match id {
                "A" => Some(Operand::Line(0)),
                "B" => Some(Operand::Line(1)),
                "R" => Some(Operand::Block),
                _ => None,
            }
        }
        fn has_reference(&self) -> bool {
            false
        }
    }

    fn run(source: &str, fixed: &[Option<u32>], rows: &[Option<u32>]) -> Eval {
        let node = parse(source).unwrap();
        let program = compile(&node, Type::Bool, &Lines, &mut Vec::new()).unwrap();
        let fixed: Vec<Option<Count>> = fixed
            .iter()
            .map(|v| v.map(|v| Count::new(v).unwrap()))
            .collect();
        let rows: Vec<Option<Count>> = rows
            .iter()
            .map(|v| v.map(|v| Count::new(v).unwrap()))
            .collect();
        program.eval(
            View {
                fixed: &fixed,
                rows: &rows,
            },
            None,
        )
    }

    fn error(source: &str) -> ExprError {
        match parse(source) {
            Err(error) => error,
            Ok(node) => compile(&node, Type::Bool, &Lines, &mut Vec::new()).unwrap_err(),
        }
    }

    #[test]
    fn evaluates_arithmetic_comparisons_and_logic() {
        assert_eq!(run("A == B + 1", &[Some(3), Some(2)], &[]), Eval::Value(1));
        assert_eq!(run("A = B", &[Some(3), Some(2)], &[]), Eval::Value(0));
        assert_eq!(
            run("100 * A <= 5 * B", &[Some(5), Some(100)], &[]),
            Eval::Value(1)
        );
        assert_eq!(
            run("100 * A <= 5 * B", &[Some(6), Some(100)], &[]),
            Eval::Value(0)
        );
        // Each operator decides the result on its own: no outer `or` or `and` fixes it.
        assert_eq!(run("A - B == 1", &[Some(3), Some(2)], &[]), Eval::Value(1));
        assert_eq!(run("A - B == 1", &[Some(2), Some(3)], &[]), Eval::Value(0));
        assert_eq!(run("A > B", &[Some(3), Some(2)], &[]), Eval::Value(1));
        assert_eq!(run("A > B", &[Some(2), Some(2)], &[]), Eval::Value(0));
        assert_eq!(run("A < B", &[Some(2), Some(3)], &[]), Eval::Value(1));
        assert_eq!(run("A < B", &[Some(2), Some(2)], &[]), Eval::Value(0));
        assert_eq!(run("not (A > 1)", &[Some(1), Some(0)], &[]), Eval::Value(1));
        assert_eq!(run("not (A > 1)", &[Some(2), Some(0)], &[]), Eval::Value(0));
        assert_eq!(
            run("-A + 2 * (B - 1) == 0", &[Some(2), Some(2)], &[]),
            Eval::Value(1)
        );
        assert_eq!(
            run("-A + 2 * (B - 1) == 0", &[Some(3), Some(2)], &[]),
            Eval::Value(0)
        );
        assert_eq!(run("A != B", &[Some(2), Some(2)], &[]), Eval::Value(0));
        assert_eq!(
            run("A == 2 and B == 2", &[Some(2), Some(3)], &[]),
            Eval::Value(0)
        );
        assert_eq!(
            run("A == 3 or B == 2", &[Some(2), Some(2)], &[]),
            Eval::Value(1)
        );
        assert_eq!(
            run(
                "sum(R) == A and max(R) == B and min(R) == 1",
                &[Some(6), Some(3)],
                &[Some(1), Some(2), Some(3)]
            ),
            Eval::Value(1)
        );
        assert_eq!(run("sum(R) == 0", &[], &[]), Eval::Value(1));
    }

    #[test]
    fn missing_values_make_the_result_missing() {
        assert_eq!(run("A == B", &[Some(3), None], &[]), Eval::Missing);
        assert_eq!(
            run("sum(R) == A", &[Some(3)], &[Some(1), None]),
            Eval::Missing
        );
    }

    #[test]
    fn errors_name_the_column() {
        assert_eq!(
            error("A == C"),
            ExprError {
                pos: 6,
                kind: ExprErrorKind::UnknownLine("C".into())
            }
        );
        assert_eq!(
            error("A == B +"),
            ExprError {
                pos: 9,
                kind: ExprErrorKind::Expected {
                    expected: "a number, a line or `(`",
                    found: "the end".into()
                }
            }
        );
        assert_eq!(error("A # B").kind, ExprErrorKind::UnexpectedChar('#'));
        assert_eq!(
            error("A + B").kind,
            ExprErrorKind::Type {
                expected: Type::Bool,
                found: Type::Number
            }
        );
        assert_eq!(
            error("(A == B) + 1").kind,
            ExprErrorKind::Type {
                expected: Type::Number,
                found: Type::Bool
            }
        );
        assert_eq!(
            error("A and B == 1").kind,
            ExprErrorKind::Type {
                expected: Type::Bool,
                found: Type::Number
            }
        );
        assert_eq!(
            error("avg(R) == 1").kind,
            ExprErrorKind::UnknownFunction("avg".into())
        );
        assert_eq!(
            error("sum(A) == 1").kind,
            ExprErrorKind::BadAggregate("A".into())
        );
        assert_eq!(
            error("R == 1").kind,
            ExprErrorKind::BadAggregate("R".into())
        );
        assert_eq!(
            error("ref.A == 1").kind,
            ExprErrorKind::BadQualifier("ref".into())
        );
        assert_eq!(
            error("x.A == 1").kind,
            ExprErrorKind::BadQualifier("x".into())
        );
        assert_eq!(
            error("A == B B").kind,
            ExprErrorKind::Expected {
                expected: "an operator or the end",
                found: "`B`".into()
            }
        );
        assert_eq!(error("A * A * A * A == 1").kind, ExprErrorKind::MayOverflow);
        assert_eq!(
            error("A == 99999999999999999").kind,
            ExprErrorKind::NumberTooLarge
        );
        let deep = format!("{}A{} == 1", "(".repeat(100), ")".repeat(100));
        assert_eq!(error(&deep).kind, ExprErrorKind::TooDeep);
    }
}
