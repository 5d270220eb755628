//! Numbers in words: the tricky forms of both languages by table, and laws over every value
//! from 0 to 9,999,999 (well formed; read back to the same number).

#![expect(clippy::unwrap_used, reason = "tests")]

use std::collections::HashMap;

use hattama_print::words;
use hattama_protocol::Count;

fn count(value: u32) -> Count {
    Count::new(value).unwrap()
}

fn assert_kk(value: u32, expected: &str) {
    assert_eq!(words::kk(count(value)), expected, "kk {value}");
}

fn assert_ru(value: u32, expected: &str) {
    assert_eq!(words::ru(count(value)), expected, "ru {value}");
}

#[test]
fn kazakh_tricky_forms() {
    for (value, expected) in [
        (0, "нөл"),
        (1, "бір"),
        (2, "екі"),
        (5, "бес"),
        (9, "тоғыз"),
        (10, "он"),
        (11, "он бір"),
        (12, "он екі"),
        (16, "он алты"),
        (19, "он тоғыз"),
        (20, "жиырма"),
        (21, "жиырма бір"),
        (30, "отыз"),
        (40, "қырық"),
        (44, "қырық төрт"),
        (50, "елу"),
        (60, "алпыс"),
        (70, "жетпіс"),
        (80, "сексен"),
        (90, "тоқсан"),
        (99, "тоқсан тоғыз"),
        (100, "жүз"),
        (101, "жүз бір"),
        (111, "жүз он бір"),
        (200, "екі жүз"),
        (583, "бес жүз сексен үш"),
        (1000, "бір мың"),
        (1001, "бір мың бір"),
        (1100, "бір мың бір жүз"),
        (1874, "бір мың сегіз жүз жетпіс төрт"),
        (2000, "екі мың"),
        (5000, "бес мың"),
        (11_000, "он бір мың"),
        (21_000, "жиырма бір мың"),
        (22_000, "жиырма екі мың"),
        (100_000, "жүз мың"),
        (101_000, "жүз бір мың"),
        (150_000, "жүз елу мың"),
        (200_000, "екі жүз мың"),
        (1_000_000, "бір миллион"),
        (1_000_001, "бір миллион бір"),
        (1_100_000, "бір миллион бір жүз мың"),
        (1_001_000, "бір миллион бір мың"),
        (2_000_000, "екі миллион"),
        (5_000_000, "бес миллион"),
        (
            9_999_999,
            "тоғыз миллион тоғыз жүз тоқсан тоғыз мың тоғыз жүз тоқсан тоғыз",
        ),
    ] {
        assert_kk(value, expected);
    }
}

#[test]
fn russian_tricky_forms() {
    for (value, expected) in [
        (0, "ноль"),
        (1, "один"),
        (2, "два"),
        (5, "пять"),
        (10, "десять"),
        (11, "одиннадцать"),
        (12, "двенадцать"),
        (13, "тринадцать"),
        (14, "четырнадцать"),
        (15, "пятнадцать"),
        (16, "шестнадцать"),
        (17, "семнадцать"),
        (18, "восемнадцать"),
        (19, "девятнадцать"),
        (20, "двадцать"),
        (21, "двадцать один"),
        (40, "сорок"),
        (90, "девяносто"),
        (100, "сто"),
        (101, "сто один"),
        (111, "сто одиннадцать"),
        (200, "двести"),
        (300, "триста"),
        (400, "четыреста"),
        (500, "пятьсот"),
        (1000, "одна тысяча"),
        (1001, "одна тысяча один"),
        (1002, "одна тысяча два"),
        (2000, "две тысячи"),
        (3000, "три тысячи"),
        (4000, "четыре тысячи"),
        (5000, "пять тысяч"),
        (11_000, "одиннадцать тысяч"),
        (12_000, "двенадцать тысяч"),
        (14_000, "четырнадцать тысяч"),
        (21_000, "двадцать одна тысяча"),
        (22_000, "двадцать две тысячи"),
        (25_000, "двадцать пять тысяч"),
        (100_000, "сто тысяч"),
        (101_000, "сто одна тысяча"),
        (111_000, "сто одиннадцать тысяч"),
        (112_000, "сто двенадцать тысяч"),
        (122_000, "сто двадцать две тысячи"),
        (1_000_000, "один миллион"),
        (1_000_001, "один миллион один"),
        (1_001_000, "один миллион одна тысяча"),
        (2_000_000, "два миллиона"),
        (4_000_000, "четыре миллиона"),
        (5_000_000, "пять миллионов"),
        (
            9_999_999,
            "девять миллионов девятьсот девяносто девять тысяч девятьсот девяносто девять",
        ),
    ] {
        assert_ru(value, expected);
    }
}

/// Every value gives a non-empty text of lowercase words separated by single spaces.
#[test]
fn every_value_is_well_formed_in_both_languages() {
    let mut text = String::with_capacity(128);
    for value in 0..=Count::MAX {
        for push in [words::push_kk, words::push_ru] {
            text.clear();
            push(count(value), &mut text);
            assert!(
                !text.is_empty()
                    && !text.starts_with(' ')
                    && !text.ends_with(' ')
                    && !text.contains("  "),
                "{value}: {text:?}"
            );
        }
    }
}

/// Reads words back to a number: units and tens add up, `жүз`/hundreds multiply what precedes
/// (or stand for one hundred), `мың`/`миллион` close a group.
fn parse(text: &str, lexicon: &HashMap<&str, u32>) -> u32 {
    let mut total = 0;
    let mut group = 0;
    let mut hundreds = 0;
    for word in text.split(' ') {
        let value = *lexicon
            .get(word)
            .unwrap_or_else(|| panic!("unknown word {word:?} in {text:?}"));
        match value {
            100 if lexicon.contains_key("жүз") => {
                hundreds = group.max(1) * 100;
                group = 0;
            }
            1000 | 1_000_000 => {
                total += (hundreds + group).max(1) * value;
                group = 0;
                hundreds = 0;
            }
            _ => group += value,
        }
    }
    total + hundreds + group
}

fn kk_lexicon() -> HashMap<&'static str, u32> {
    let mut lexicon = HashMap::new();
    for (word, value) in [
        ("нөл", 0),
        ("бір", 1),
        ("екі", 2),
        ("үш", 3),
        ("төрт", 4),
        ("бес", 5),
        ("алты", 6),
        ("жеті", 7),
        ("сегіз", 8),
        ("тоғыз", 9),
        ("он", 10),
        ("жиырма", 20),
        ("отыз", 30),
        ("қырық", 40),
        ("елу", 50),
        ("алпыс", 60),
        ("жетпіс", 70),
        ("сексен", 80),
        ("тоқсан", 90),
        ("жүз", 100),
        ("мың", 1000),
        ("миллион", 1_000_000),
    ] {
        lexicon.insert(word, value);
    }
    lexicon
}

fn ru_lexicon() -> HashMap<&'static str, u32> {
    let mut lexicon = HashMap::new();
    let words: [(&str, u32); 40] = [
        ("ноль", 0),
        ("один", 1),
        ("одна", 1),
        ("два", 2),
        ("две", 2),
        ("три", 3),
        ("четыре", 4),
        ("пять", 5),
        ("шесть", 6),
        ("семь", 7),
        ("восемь", 8),
        ("девять", 9),
        ("десять", 10),
        ("одиннадцать", 11),
        ("двенадцать", 12),
        ("тринадцать", 13),
        ("четырнадцать", 14),
        ("пятнадцать", 15),
        ("шестнадцать", 16),
        ("семнадцать", 17),
        ("восемнадцать", 18),
        ("девятнадцать", 19),
        ("двадцать", 20),
        ("тридцать", 30),
        ("сорок", 40),
        ("пятьдесят", 50),
        ("шестьдесят", 60),
        ("семьдесят", 70),
        ("восемьдесят", 80),
        ("девяносто", 90),
        ("сто", 100),
        ("двести", 200),
        ("триста", 300),
        ("четыреста", 400),
        ("пятьсот", 500),
        ("шестьсот", 600),
        ("семьсот", 700),
        ("восемьсот", 800),
        ("девятьсот", 900),
        ("тысяча", 1000),
    ];
    for (word, value) in words {
        lexicon.insert(word, value);
    }
    for (word, value) in [
        ("тысячи", 1000),
        ("тысяч", 1000),
        ("миллион", 1_000_000),
        ("миллиона", 1_000_000),
        ("миллионов", 1_000_000),
    ] {
        lexicon.insert(word, value);
    }
    lexicon
}

/// Words read back to the number they were made from: every value up to 200,000, then every
/// 13th to the maximum (all of them takes half a minute).
#[test]
fn words_read_back_to_the_number() {
    let kk = kk_lexicon();
    let ru = ru_lexicon();
    let values = (0..=200_000)
        .chain((200_000..=Count::MAX).step_by(13))
        .chain([Count::MAX]);
    for value in values {
        assert_eq!(parse(&words::kk(count(value)), &kk), value, "kk {value}");
        assert_eq!(parse(&words::ru(count(value)), &ru), value, "ru {value}");
    }
}

/// The Russian noun agrees with the last two digits of its group, for every group value.
#[test]
fn russian_thousands_and_millions_agree_with_their_number() {
    for group in 1..=999 {
        let expected = match (group % 100, group % 10) {
            (11..=14, _) => "тысяч",
            (_, 1) => "тысяча",
            (_, 2..=4) => "тысячи",
            _ => "тысяч",
        };
        let text = words::ru(count(group * 1000));
        assert_eq!(text.rsplit(' ').next().unwrap(), expected, "{text}");
        if group % 10 == 1 && group % 100 != 11 {
            assert!(text.contains("одна тысяча"), "{text}");
        }
        if group % 10 == 2 && group % 100 != 12 {
            assert!(text.contains("две тысячи"), "{text}");
        }
    }
    for (millions, noun) in [
        (1, "миллион"),
        (2, "миллиона"),
        (3, "миллиона"),
        (4, "миллиона"),
    ]
    .into_iter()
    .chain((5..=9).map(|millions| (millions, "миллионов")))
    {
        let text = words::ru(count(millions * 1_000_000));
        assert_eq!(text.rsplit(' ').next().unwrap(), noun, "{text}");
    }
}
