//! [`error_codes!`](crate::error_codes): one table per coded error type, from which both its
//! `code()` and the list of every code it can carry (`codes()`) are written.
//!
//! Every crate whose errors cross to a person with a stable code (the store, the batch writer,
//! the precinct's use cases, the app) writes its table with this macro, so the list the UI's
//! `ErrorCode` type is generated from cannot forget a code, and nobody keeps a second list.
//! What a code means stays documented on its variant; this module owns only the table's shape.

/// Writes `code()` and `codes()` for an error enum from one table of `pattern => "code"` arms.
///
/// `codes { … }` are the error's own arms. A variant that wraps another coded error is listed
/// under `nested { pattern => binding: InnerType }`: its code is the inner error's, and the
/// inner error's `codes()` come first in this one's. The arms together must cover every variant
/// (they form one `match`), so a new variant does not compile until it has its code.
///
/// ```
/// #[derive(Debug)]
/// pub enum DriveError {
///     Full,
///     Lost,
/// }
///
/// hattama_protocol::error_codes! {
///     pub DriveError {
///         codes {
///             DriveError::Full => "drive.full",
///             DriveError::Lost => "drive.lost",
///         }
///     }
/// }
///
/// #[derive(Debug)]
/// pub enum ExportError {
///     Drive(DriveError),
///     NoFolder,
/// }
///
/// hattama_protocol::error_codes! {
///     pub ExportError {
///         nested {
///             ExportError::Drive(error) => error: DriveError,
///         }
///         codes {
///             ExportError::NoFolder => "export.no_folder",
///         }
///     }
/// }
///
/// assert_eq!(ExportError::Drive(DriveError::Lost).code(), "drive.lost");
/// assert_eq!(
///     ExportError::codes(),
///     ["drive.full", "drive.lost", "export.no_folder"]
/// );
/// ```
#[macro_export]
macro_rules! error_codes {
    (
        $vis:vis $error:ident {
            $( nested { $( $nested:pat => $inner:ident : $inner_type:ty ),* $(,)? } )?
            codes { $( $pattern:pat => $code:literal ),* $(,)? }
        }
    ) => {
        impl $error {
            /// The stable code, used as a message key (`error.<code>`).
            $vis fn code(&self) -> &'static str {
                match self {
                    $( $( $nested => $inner.code(), )* )?
                    $( $pattern => $code, )*
                }
            }

            /// Every code [`code`](Self::code) can return: the nested errors' first, then this
            /// error's own, in the table's order.
            $vis fn codes() -> ::std::vec::Vec<&'static str> {
                [
                    $( $( <$inner_type>::codes(), )* )?
                    ::std::vec![$( $code ),*],
                ]
                .concat()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[derive(Debug)]
    enum Inner {
        One,
        Two,
    }

    crate::error_codes! {
        Inner {
            codes {
                Inner::One => "inner.one",
                Inner::Two => "inner.two",
            }
        }
    }

    #[derive(Debug)]
    enum Outer {
        Inner(Inner),
        Wrapped { inner: Inner },
        Own,
    }

    crate::error_codes! {
        Outer {
            nested {
                Outer::Inner(error) => error: Inner,
                Outer::Wrapped { inner } => inner: Inner,
            }
            codes {
                Outer::Own => "outer.own",
            }
        }
    }

    #[test]
    fn a_code_comes_from_its_arm_and_a_nested_one_from_the_inner_error() {
        assert_eq!(Outer::Inner(Inner::One).code(), "inner.one");
        assert_eq!(Outer::Inner(Inner::Two).code(), "inner.two");
        assert_eq!(Outer::Wrapped { inner: Inner::Two }.code(), "inner.two");
        assert_eq!(Outer::Own.code(), "outer.own");
    }

    #[test]
    fn the_list_holds_the_nested_codes_then_the_own_in_table_order() {
        assert_eq!(Inner::codes(), ["inner.one", "inner.two"]);
        assert_eq!(
            Outer::codes(),
            [
                "inner.one",
                "inner.two",
                "inner.one",
                "inner.two",
                "outer.own"
            ]
        );
    }
}
