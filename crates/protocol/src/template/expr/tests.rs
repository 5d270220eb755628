//! Unit tests of the expression language: parsing, type errors, overflow bounds, evaluation.

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
