//! Generates the built-in demo election definition (`crates/protocol/data/demo-2023.json`).
//!
//! The 20 regions in CEC order, the real 7 Majilis parties in ballot order, regional party lists,
//! and single-member districts whose candidates are invented (marked `invented`). The output is
//! deterministic: the same program always writes the same bytes, so the committed file can be
//! checked against it and its hash stays stable.

use hattama_protocol::definition::{Contest, DEFINITION_FORMAT, Definition, Precinct, Region, Row};
use hattama_protocol::template::RegionKind;
use hattama_protocol::{Mode, Text};

/// Where the generated file lives, relative to the workspace root.
pub(crate) const PATH: &str = "crates/protocol/data/demo-2023.json";

/// Precincts generated per region.
const PRECINCTS_PER_REGION: u32 = 15;

/// (id, kk, ru, en, kind, town kk, town en)
const REGIONS: [(&str, &str, &str, &str, RegionKind, &str, &str); 20] = [
    (
        "abai",
        "Абай облысы",
        "Абайская область",
        "Abai Region",
        RegionKind::Oblast,
        "Семей",
        "Semey",
    ),
    (
        "akmola",
        "Ақмола облысы",
        "Акмолинская область",
        "Akmola Region",
        RegionKind::Oblast,
        "Көкшетау",
        "Kokshetau",
    ),
    (
        "aktobe",
        "Ақтөбе облысы",
        "Актюбинская область",
        "Aktobe Region",
        RegionKind::Oblast,
        "Ақтөбе",
        "Aktobe",
    ),
    (
        "almaty-region",
        "Алматы облысы",
        "Алматинская область",
        "Almaty Region",
        RegionKind::Oblast,
        "Қонаев",
        "Konayev",
    ),
    (
        "atyrau",
        "Атырау облысы",
        "Атырауская область",
        "Atyrau Region",
        RegionKind::Oblast,
        "Атырау",
        "Atyrau",
    ),
    (
        "west-kazakhstan",
        "Батыс Қазақстан облысы",
        "Западно-Казахстанская область",
        "West Kazakhstan Region",
        RegionKind::Oblast,
        "Орал",
        "Oral",
    ),
    (
        "zhambyl",
        "Жамбыл облысы",
        "Жамбылская область",
        "Zhambyl Region",
        RegionKind::Oblast,
        "Тараз",
        "Taraz",
    ),
    (
        "zhetysu",
        "Жетісу облысы",
        "Жетысуская область",
        "Zhetysu Region",
        RegionKind::Oblast,
        "Талдықорған",
        "Taldykorgan",
    ),
    (
        "karaganda",
        "Қарағанды облысы",
        "Карагандинская область",
        "Karaganda Region",
        RegionKind::Oblast,
        "Қарағанды",
        "Karaganda",
    ),
    (
        "kostanay",
        "Қостанай облысы",
        "Костанайская область",
        "Kostanay Region",
        RegionKind::Oblast,
        "Қостанай",
        "Kostanay",
    ),
    (
        "kyzylorda",
        "Қызылорда облысы",
        "Кызылординская область",
        "Kyzylorda Region",
        RegionKind::Oblast,
        "Қызылорда",
        "Kyzylorda",
    ),
    (
        "mangystau",
        "Маңғыстау облысы",
        "Мангистауская область",
        "Mangystau Region",
        RegionKind::Oblast,
        "Ақтау",
        "Aktau",
    ),
    (
        "pavlodar",
        "Павлодар облысы",
        "Павлодарская область",
        "Pavlodar Region",
        RegionKind::Oblast,
        "Павлодар",
        "Pavlodar",
    ),
    (
        "north-kazakhstan",
        "Солтүстік Қазақстан облысы",
        "Северо-Казахстанская область",
        "North Kazakhstan Region",
        RegionKind::Oblast,
        "Петропавл",
        "Petropavl",
    ),
    (
        "turkistan",
        "Түркістан облысы",
        "Туркестанская область",
        "Turkistan Region",
        RegionKind::Oblast,
        "Түркістан",
        "Turkistan",
    ),
    (
        "ulytau",
        "Ұлытау облысы",
        "Улытауская область",
        "Ulytau Region",
        RegionKind::Oblast,
        "Жезқазған",
        "Zhezkazgan",
    ),
    (
        "east-kazakhstan",
        "Шығыс Қазақстан облысы",
        "Восточно-Казахстанская область",
        "East Kazakhstan Region",
        RegionKind::Oblast,
        "Өскемен",
        "Oskemen",
    ),
    (
        "astana",
        "Астана қаласы",
        "город Астана",
        "Astana",
        RegionKind::City,
        "Астана",
        "Astana",
    ),
    (
        "almaty",
        "Алматы қаласы",
        "город Алматы",
        "Almaty",
        RegionKind::City,
        "Алматы",
        "Almaty",
    ),
    (
        "shymkent",
        "Шымкент қаласы",
        "город Шымкент",
        "Shymkent",
        RegionKind::City,
        "Шымкент",
        "Shymkent",
    ),
];

/// The Majilis parties in ballot order (domain.md §8): (id, kk, ru, en).
const PARTIES: [(&str, &str, &str, &str); 7] = [
    ("amanat", "«AMANAT» партиясы", "партия «AMANAT»", "AMANAT"),
    (
        "auyl",
        "«Ауыл» халықтық-демократиялық патриоттық партиясы",
        "НДПП «Ауыл»",
        "Auyl",
    ),
    (
        "respublica",
        "«Respublica» партиясы",
        "партия «Respublica»",
        "Respublica",
    ),
    (
        "peoples-party",
        "Қазақстан Халық партиясы",
        "Народная партия Казахстана",
        "People's Party of Kazakhstan",
    ),
    (
        "baytaq",
        "«Baytaq» Қазақстандық жасылдар партиясы",
        "партия зелёных «Байтақ»",
        "Baytaq",
    ),
    (
        "ak-zhol",
        "«Ақ жол» демократиялық партиясы",
        "ДПК «Ак жол»",
        "Ak Zhol",
    ),
    (
        "osdp",
        "Жалпыұлттық социал-демократиялық партия",
        "ОСДП",
        "Nationwide Social Democratic Party",
    ),
];

/// Invented surnames (male form, kk and en); the female form adds `а` / `a`.
const SURNAMES: [(&str, &str); 20] = [
    ("Әбенов", "Abenov"),
    ("Байжанов", "Baizhanov"),
    ("Дәулетов", "Dauletov"),
    ("Ерғалиев", "Yergaliyev"),
    ("Жақсылықов", "Zhaksylykov"),
    ("Иманбаев", "Imanbayev"),
    ("Қасымов", "Kasymov"),
    ("Құрманов", "Kurmanov"),
    ("Мұратов", "Muratov"),
    ("Нұрланов", "Nurlanov"),
    ("Оспанов", "Ospanov"),
    ("Сәрсенов", "Sarsenov"),
    ("Тоқтаров", "Toktarov"),
    ("Өтепов", "Otepov"),
    ("Ұлықбеков", "Ulykbekov"),
    ("Шәріпов", "Sharipov"),
    ("Ысқақов", "Yskakov"),
    ("Әлиев", "Aliyev"),
    ("Бекмұханов", "Bekmukhanov"),
    ("Ғабитов", "Gabitov"),
];

const MALE_NAMES: [(&str, &str); 10] = [
    ("Айдар", "Aidar"),
    ("Бауыржан", "Bauyrzhan"),
    ("Ерлан", "Yerlan"),
    ("Мақсат", "Maksat"),
    ("Нұрлан", "Nurlan"),
    ("Серік", "Serik"),
    ("Талғат", "Talgat"),
    ("Асқар", "Askar"),
    ("Дархан", "Darkhan"),
    ("Ғалым", "Galym"),
];

const FEMALE_NAMES: [(&str, &str); 8] = [
    ("Айгүл", "Aigul"),
    ("Гүлнар", "Gulnar"),
    ("Дина", "Dina"),
    ("Жанар", "Zhanar"),
    ("Мәдина", "Madina"),
    ("Сәуле", "Saule"),
    ("Әсел", "Assel"),
    ("Ләззат", "Lazzat"),
];

/// The Kazakh alphabet, for sorting candidates as the ballot does.
const KAZAKH_ALPHABET: &str = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ";

/// A tiny deterministic generator (64-bit LCG), so the file is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next()).unwrap_or(0) % n
    }
}

/// Kazakh-specific letters as Russian documents usually write them.
fn to_russian(kk: &str) -> String {
    kk.chars()
        .map(|c| match c {
            'ә' => 'а',
            'Ә' => 'А',
            'ғ' => 'г',
            'Ғ' => 'Г',
            'қ' => 'к',
            'Қ' => 'К',
            'ң' => 'н',
            'Ң' => 'Н',
            'ө' => 'о',
            'Ө' => 'О',
            'ұ' | 'ү' => 'у',
            'Ұ' | 'Ү' => 'У',
            'һ' => 'х',
            'Һ' => 'Х',
            'і' => 'и',
            'І' => 'И',
            other => other,
        })
        .collect()
}

fn kazakh_key(name: &str) -> Vec<usize> {
    name.chars()
        .map(|c| {
            let upper = c.to_uppercase().next().unwrap_or(c);
            KAZAKH_ALPHABET
                .chars()
                .position(|letter| letter == upper)
                .unwrap_or(100)
        })
        .collect()
}

fn text(kk: &str, ru: &str, en: &str) -> Text {
    Text::new(kk, ru, en)
}

fn candidates(rng: &mut Lcg, n: usize) -> Vec<Row> {
    let mut names: Vec<(String, String)> = Vec::new();
    while names.len() < n {
        let (surname_kk, surname_en) = SURNAMES[rng.below(SURNAMES.len())];
        let female = rng.below(3) == 0;
        let (given_kk, given_en) = if female {
            FEMALE_NAMES[rng.below(FEMALE_NAMES.len())]
        } else {
            MALE_NAMES[rng.below(MALE_NAMES.len())]
        };
        let suffix = if female { ("а", "a") } else { ("", "") };
        let kk = format!("{surname_kk}{} {given_kk}", suffix.0);
        let en = format!("{given_en} {surname_en}{}", suffix.1);
        if !names.iter().any(|(existing, _)| *existing == kk) {
            names.push((kk, en));
        }
    }
    names.sort_by_key(|(kk, _)| kazakh_key(kk));
    names
        .into_iter()
        .enumerate()
        .map(|(idx, (kk, en))| Row {
            id: format!("c{}", idx + 1),
            name: text(&kk, &to_russian(&kk), &en),
            invented: true,
        })
        .collect()
}

fn party_rows(indices: &[usize]) -> Vec<Row> {
    indices
        .iter()
        .map(|&idx| {
            let (id, kk, ru, en) = PARTIES[idx];
            Row {
                id: id.to_owned(),
                name: text(kk, ru, en),
                invented: false,
            }
        })
        .collect()
}

/// How many Majilis single-member districts each region has (29 in all).
fn majilis_districts(region_idx: usize) -> usize {
    match REGIONS[region_idx].0 {
        "almaty" => 3,
        "astana" | "shymkent" | "turkistan" | "almaty-region" | "karaganda" | "zhambyl"
        | "east-kazakhstan" => 2,
        _ => 1,
    }
}

/// The demo definition.
pub(crate) fn definition() -> Definition {
    let mut rng = Lcg(20_230_319);
    let mut contests = vec![Contest {
        id: "majilis-list".to_owned(),
        template: "P1".to_owned(),
        name: text(
            "Қазақстан Республикасы Парламентінің Мәжілісі, партиялық тізімдер",
            "Мажилис Парламента Республики Казахстан, партийные списки",
            "Majilis of the Parliament, party lists",
        ),
        district: None,
        region: None,
        rows: party_rows(&[0, 1, 2, 3, 4, 5, 6]),
    }];
    let mut regions = Vec::new();
    let mut precincts = Vec::new();
    let mut next_smd = 1_u32;
    for (region_idx, &(id, kk, ru, en, kind, town_kk, town_en)) in REGIONS.iter().enumerate() {
        regions.push(Region {
            id: id.to_owned(),
            name: text(kk, ru, en),
            kind,
        });
        let town_ru = to_russian(town_kk);
        // Majilis single-member districts in this region.
        let mut smds = Vec::new();
        for _ in 0..majilis_districts(region_idx) {
            let n = next_smd;
            next_smd += 1;
            // District 1 has 42 candidates, the most any district had in 2023.
            let n_candidates = if n == 1 { 42 } else { 5 + rng.below(10) };
            let contest_id = format!("majilis-smd-{n}");
            contests.push(Contest {
                id: contest_id.clone(),
                template: "P2".to_owned(),
                name: text(
                    &format!("Мәжіліс, №{n} бір мандатты аумақтық сайлау округі"),
                    &format!("Мажилис, одномандатный территориальный избирательный округ №{n}"),
                    &format!("Majilis, single-member district No. {n}"),
                ),
                district: Some(n),
                region: Some(id.to_owned()),
                rows: candidates(&mut rng, n_candidates),
            });
            smds.push(contest_id);
        }
        // The regional maslikhat party list: the four largest parties and a draw of the others.
        let mut list = vec![0, 1, 2, 3];
        for party in 4..7 {
            if rng.below(2) == 0 {
                list.push(party);
            }
        }
        let list_id = format!("{id}-list");
        let (body_kk, body_ru, body_en) = match kind {
            RegionKind::Oblast => (
                kk.replace("облысы", "облыстық мәслихаты"),
                format!("{} маслихат", oblast_adjective(ru)),
                format!("{en} maslikhat"),
            ),
            RegionKind::City => (
                format!("{town_kk} қаласының мәслихаты"),
                format!("Маслихат города {town_ru}"),
                format!("{town_en} city maslikhat"),
            ),
        };
        contests.push(Contest {
            id: list_id.clone(),
            template: "P3".to_owned(),
            name: text(
                &format!("{body_kk}, партиялық тізімдер"),
                &format!("{body_ru}, партийные списки"),
                &format!("{body_en}, party lists"),
            ),
            district: None,
            region: Some(id.to_owned()),
            rows: party_rows(&list),
        });
        let mut regional_smds = Vec::new();
        for k in 1..=3_u32 {
            let contest_id = format!("{id}-smd-{k}");
            let n_candidates = 3 + rng.below(6);
            contests.push(Contest {
                id: contest_id.clone(),
                template: "P4".to_owned(),
                name: text(
                    &format!("{body_kk}, №{k} бір мандатты округ"),
                    &format!("{body_ru}, одномандатный округ №{k}"),
                    &format!("{body_en}, single-member district No. {k}"),
                ),
                district: Some(k),
                region: Some(id.to_owned()),
                rows: candidates(&mut rng, n_candidates),
            });
            regional_smds.push(contest_id);
        }
        let mut local_smds = Vec::new();
        if kind == RegionKind::Oblast {
            for k in 1..=2_u32 {
                let contest_id = format!("{id}-district-{k}");
                let n_candidates = 3 + rng.below(4);
                contests.push(Contest {
                    id: contest_id.clone(),
                    template: "P5".to_owned(),
                    name: text(
                        &format!("{town_kk} қаласының мәслихаты, №{k} бір мандатты округ"),
                        &format!("Маслихат города {town_ru}, одномандатный округ №{k}"),
                        &format!("{town_en} city maslikhat, single-member district No. {k}"),
                    ),
                    district: Some(k),
                    region: Some(id.to_owned()),
                    rows: candidates(&mut rng, n_candidates),
                });
                local_smds.push(contest_id);
            }
        }
        for idx in 0..PRECINCTS_PER_REGION {
            let number = idx + 1;
            let school = 1 + idx * 3 + u32::try_from(rng.below(3)).unwrap_or(0);
            let mut held = vec![
                "majilis-list".to_owned(),
                smds[pick(idx, smds.len())].clone(),
                list_id.clone(),
            ];
            held.push(regional_smds[pick(idx, regional_smds.len())].clone());
            if !local_smds.is_empty() {
                held.push(local_smds[pick(idx, local_smds.len())].clone());
            }
            precincts.push(Precinct {
                region: id.to_owned(),
                number,
                address: text(
                    &format!("{town_kk} қ., №{school} жалпы білім беретін мектеп"),
                    &format!("г. {town_ru}, общеобразовательная школа №{school}"),
                    &format!("{town_en}, secondary school No. {school}"),
                ),
                contests: held,
            });
        }
    }
    Definition {
        format: DEFINITION_FORMAT,
        id: "kz-2023-03-19-demo".to_owned(),
        name: text(
            "2023 жылғы 19 наурыздағы сайлау (ДЕМО: кандидаттардың есімдері ойдан шығарылған)",
            "Выборы 19 марта 2023 года (ДЕМО: имена кандидатов вымышлены)",
            "Elections of 19 March 2023 (DEMO: candidate names are invented)",
        ),
        date: "2023-03-19".to_owned(),
        mode: Mode::Test,
        demo: true,
        templates: "results-2023".to_owned(),
        regions,
        contests,
        precincts,
    }
}

fn pick(idx: u32, n: usize) -> usize {
    usize::try_from(idx).unwrap_or(0) % n
}

/// The Russian adjective of an oblast's maslikhat: "Абайская область" → "Абайский областной".
fn oblast_adjective(ru: &str) -> String {
    let adjective = ru.trim_end_matches(" область");
    let stem = adjective.trim_end_matches("ая");
    format!("{stem}ий областной")
}

/// The bytes of the generated file.
pub(crate) fn bytes() -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(&definition())?;
    bytes.push(b'\n');
    Ok(bytes)
}
