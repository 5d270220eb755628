//! Type-checking a [`Node`] tree and compiling it to a stack program, with the overflow analysis.

use super::parse::{ArithOp, Node};
use super::*;

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
