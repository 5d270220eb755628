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

mod compile;
mod parse;

pub use compile::LineRef;
pub(crate) use compile::{Resolve, compile};
pub use parse::MAX_LEN;
pub(crate) use parse::{Node, parse};

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

#[cfg(test)]
mod tests;
