//! Numbers in words, in Kazakh and Russian, for every value a protocol line can hold
//! (0 to 9,999,999).
//!
//! The paper protocol writes each figure twice, in digits and in words, so a smudged or altered
//! digit can be read back. This module owns only the spelling of a [`Count`]; it does not know
//! about lines, documents or layout.
//!
//! # Russian
//!
//! Cardinal numbers in the nominative, as written on Russian-language forms: `ноль`; `одна
//! тысяча`, `две тысячи` (тысяча is feminine); `один миллион`, `два миллиона`, `пять миллионов`;
//! the plural form follows the last two digits of the group (`одиннадцать тысяч`, `двадцать
//! одна тысяча`, `двадцать две тысячи`). The word `один` or `одна` is always written before
//! `тысяча` and `миллион`, as on financial and election documents, so nothing can be prefixed.
//!
//! # Kazakh
//!
//! Kazakh numerals do not change for case or number. Two written conventions exist:
//!
//! - the grammar and dictionary form (Kazakh grammars, Unicode CLDR's `kk` spell-out rules), which
//!   drops `бір` before `жүз` and `мың`: 1986 = `мың тоғыз жүз сексен алты`;
//! - the form of amounts written in words on official and financial documents, which writes `бір`
//!   before every multiplier: 1100 = `бір мың бір жүз`.
//!
//! We use the document form, because the words exist to make a figure unambiguous and hard to
//! alter, with one exception: a number that *opens* with one hundred starts with a bare `жүз`
//! (100 = `жүз`, 150 000 = `жүз елу мың`), as every reader says and writes it. Inside a larger
//! number the `бір` stays (1100 = `бір мың бір жүз`, 1 100 000 = `бір миллион бір жүз мың`), and
//! `бір` always stands before `мың` and `миллион` (1000 = `бір мың`, 1 000 000 = `бір миллион`).
//! Zero is `нөл`. The choice is made in one place, [`push_kk_triple`]'s `opens` argument.

use hattama_protocol::Count;

/// The number in Kazakh words, lowercase, words separated by single spaces.
pub fn kk(count: Count) -> String {
    let mut out = String::with_capacity(64);
    push_kk(count, &mut out);
    out
}

/// The number in Russian words, lowercase, words separated by single spaces.
pub fn ru(count: Count) -> String {
    let mut out = String::with_capacity(64);
    push_ru(count, &mut out);
    out
}

/// Appends the Kazakh words for `count` to `out` (no leading or trailing space).
pub fn push_kk(count: Count, out: &mut String) {
    push_groups(count, "нөл", out, |value, group, words| match group {
        Group::Millions => {
            push_kk_triple(value, false, words);
            words.push("миллион");
        }
        Group::Thousands { opens } => {
            push_kk_triple(value, opens, words);
            words.push("мың");
        }
        Group::Units { opens } => push_kk_triple(value, opens, words),
    });
}

/// Appends the Russian words for `count` to `out` (no leading or trailing space).
pub fn push_ru(count: Count, out: &mut String) {
    push_groups(count, "ноль", out, |value, group, words| match group {
        Group::Millions => {
            push_ru_triple(value, Gender::Masculine, words);
            words.push(ru_plural(value, "миллион", "миллиона", "миллионов"));
        }
        Group::Thousands { .. } => {
            push_ru_triple(value, Gender::Feminine, words);
            words.push(ru_plural(value, "тысяча", "тысячи", "тысяч"));
        }
        Group::Units { .. } => push_ru_triple(value, Gender::Masculine, words),
    });
}

/// A group of three digits of a count: millions, thousands or units. `opens` is true when the
/// group opens the whole number (nothing larger before it).
#[derive(Clone, Copy)]
enum Group {
    Millions,
    Thousands { opens: bool },
    Units { opens: bool },
}

/// Appends `zero` for nought, else hands each non-zero group of `count` (1 to 999) to `group`,
/// largest first: the one way both languages walk a number.
fn push_groups(
    count: Count,
    zero: &str,
    out: &mut String,
    mut group: impl FnMut(u32, Group, &mut Words<'_>),
) {
    let value = count.get();
    if value == 0 {
        out.push_str(zero);
        return;
    }
    let millions = value / 1_000_000;
    let thousands = value / 1000 % 1000;
    let rest = value % 1000;
    let mut words = Words { out, first: true };
    if 0 < millions {
        group(millions, Group::Millions, &mut words);
    }
    if 0 < thousands {
        group(
            thousands,
            Group::Thousands {
                opens: millions == 0,
            },
            &mut words,
        );
    }
    if 0 < rest {
        group(
            rest,
            Group::Units {
                opens: millions == 0 && thousands == 0,
            },
            &mut words,
        );
    }
}

/// Appends words to a string with exactly one space between them.
struct Words<'a> {
    out: &'a mut String,
    first: bool,
}

impl Words<'_> {
    fn push(&mut self, word: &str) {
        if !self.first {
            self.out.push(' ');
        }
        self.first = false;
        self.out.push_str(word);
    }
}

const KK_UNITS: [&str; 10] = [
    "",
    "бір",
    "екі",
    "үш",
    "төрт",
    "бес",
    "алты",
    "жеті",
    "сегіз",
    "тоғыз",
];
const KK_TENS: [&str; 10] = [
    "",
    "он",
    "жиырма",
    "отыз",
    "қырық",
    "елу",
    "алпыс",
    "жетпіс",
    "сексен",
    "тоқсан",
];

/// Appends 1..=999 in Kazakh. `opens` is true when these words open the whole number: then one
/// hundred is a bare `жүз` (see the module documentation).
fn push_kk_triple(value: u32, opens: bool, words: &mut Words<'_>) {
    let [hundreds, tens, units] = places(value);
    if 0 < hundreds {
        if hundreds != 1 || !opens {
            words.push(KK_UNITS[hundreds]);
        }
        words.push("жүз");
    }
    if 0 < tens {
        words.push(KK_TENS[tens]);
    }
    if 0 < units {
        words.push(KK_UNITS[units]);
    }
}

/// Grammatical gender of the noun a Russian number counts: `тысяча` is feminine.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gender {
    Masculine,
    Feminine,
}

const RU_UNITS: [&str; 10] = [
    "",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
];
const RU_TEENS: [&str; 10] = [
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
];
const RU_TENS: [&str; 10] = [
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
];
const RU_HUNDREDS: [&str; 10] = [
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
];

/// Appends 1..=999 in Russian, with `один`/`два` agreeing with `gender`.
fn push_ru_triple(value: u32, gender: Gender, words: &mut Words<'_>) {
    let [hundreds, tens, units] = places(value);
    if 0 < hundreds {
        words.push(RU_HUNDREDS[hundreds]);
    }
    if tens == 1 {
        words.push(RU_TEENS[units]);
        return;
    }
    if 0 < tens {
        words.push(RU_TENS[tens]);
    }
    match (units, gender) {
        (0, _) => {}
        (1, Gender::Feminine) => words.push("одна"),
        (2, Gender::Feminine) => words.push("две"),
        (units, _) => words.push(RU_UNITS[units]),
    }
}

/// The Russian noun form after a number: `one` for 1, 21, 31…; `few` for 2–4, 22–24…; `many`
/// for 0, 5–20, 25–30… (11–14 take `many` whatever their last digit).
fn ru_plural(value: u32, one: &'static str, few: &'static str, many: &'static str) -> &'static str {
    match (value % 100, value % 10) {
        (11..=14, _) => many,
        (_, 1) => one,
        (_, 2..=4) => few,
        _ => many,
    }
}

/// A decimal digit as an index; the callers pass `value % 10` or `value / 100` of a number below
/// 1000, so it is always below 10.
/// The hundreds, tens and units digits of `value` (below 1,000).
fn places(value: u32) -> [usize; 3] {
    [
        digit(value / 100),
        digit(value / 10 % 10),
        digit(value % 10),
    ]
}

fn digit(value: u32) -> usize {
    usize::from(u8::try_from(value % 10).expect("a value modulo 10 fits in a byte"))
}
