//! Election definitions: the election, its regions, contests and precincts, as the higher
//! commission hands them out (JSON, `docs/definitions.md`), with a content hash.
//!
//! Loading checks the definition against the template set it names, so that afterwards every
//! precinct's contests exist, use known templates, and match its kind of region; a contest's rows
//! are what its protocol's row block lists. The hash is SHA-256 of the exact file bytes, so the
//! commission can publish it and anyone can compare.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::template::{MAX_ROWS, RegionKind, Template, TemplateSet};
use crate::text::Text;

/// The definition file format version this build reads.
pub const DEFINITION_FORMAT: u32 = 1;

/// Whether results count: test runs (training, rehearsal) are refused where live results are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Training and rehearsal.
    Test,
    /// Election night.
    Live,
}

/// An election definition as written in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// The file format version.
    pub format: u32,
    /// The election id, e.g. `kz-2023-03-19`.
    pub id: String,
    /// The election's name.
    pub name: Text,
    /// Election day, `YYYY-MM-DD`.
    pub date: String,
    /// Test or live.
    pub mode: Mode,
    /// True for the built-in demonstration definition, whose candidates are invented.
    #[serde(default)]
    pub demo: bool,
    /// The template set its contests use.
    pub templates: String,
    /// Regions in CEC order.
    pub regions: Vec<Region>,
    /// Contests (one ballot each).
    pub contests: Vec<Contest>,
    /// Precincts.
    pub precincts: Vec<Precinct>,
}

/// A region: an oblast or a city of republican significance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// A short id, e.g. `abai`.
    pub id: String,
    /// The name.
    pub name: Text,
    /// Oblast or city.
    pub kind: RegionKind,
}

/// One contest: a ballot, and so one protocol per precinct that holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contest {
    /// A unique id, e.g. `majilis-smd-7`.
    pub id: String,
    /// The template of its protocol, e.g. `P2`.
    pub template: String,
    /// Its name (the body and district).
    pub name: Text,
    /// The district number for single-member districts.
    #[serde(default)]
    pub district: Option<u32>,
    /// The region it belongs to, for regional contests.
    #[serde(default)]
    pub region: Option<String>,
    /// Parties in ballot order, or candidates in Kazakh alphabetical order.
    pub rows: Vec<Row>,
}

/// A party or candidate on a ballot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    /// A unique id within the contest.
    pub id: String,
    /// The name.
    pub name: Text,
    /// True when the name is invented (demo definitions).
    #[serde(default)]
    pub invented: bool,
}

/// A precinct, identified by (region, number).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Precinct {
    /// The region id.
    pub region: String,
    /// The number, unique within the region.
    pub number: u32,
    /// Where it sits.
    pub address: Text,
    /// The contests it holds, one per ballot the voters receive.
    pub contests: Vec<String>,
}

/// A precinct's identity: precinct numbers repeat across regions.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PrecinctId {
    /// The region id.
    pub region: String,
    /// The number within the region.
    pub number: u32,
}

impl fmt::Display for PrecinctId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.region, self.number)
    }
}

/// A definition that loaded and passed every check, with the hash of its bytes.
#[derive(Clone, Debug)]
pub struct LoadedDefinition {
    /// The definition.
    pub definition: Definition,
    /// SHA-256 of the file bytes, lowercase hex.
    pub hash: String,
    contests_by_id: HashMap<String, usize>,
    precincts_by_id: HashMap<PrecinctId, usize>,
}

impl LoadedDefinition {
    fn new(definition: Definition, hash: String) -> LoadedDefinition {
        let contests_by_id = definition
            .contests
            .iter()
            .enumerate()
            .map(|(idx, c)| (c.id.clone(), idx))
            .collect();
        let precincts_by_id = definition
            .precincts
            .iter()
            .enumerate()
            .map(|(idx, p)| {
                (
                    PrecinctId {
                        region: p.region.clone(),
                        number: p.number,
                    },
                    idx,
                )
            })
            .collect();
        LoadedDefinition {
            definition,
            hash,
            contests_by_id,
            precincts_by_id,
        }
    }

    /// The contest with this id.
    pub fn contest(&self, id: &str) -> Option<&Contest> {
        self.contests_by_id
            .get(id)
            .and_then(|idx| self.definition.contests.get(*idx))
    }

    /// The precinct with this identity.
    pub fn precinct(&self, id: &PrecinctId) -> Option<&Precinct> {
        self.precincts_by_id
            .get(id)
            .and_then(|idx| self.definition.precincts.get(*idx))
    }

    /// The region with this id.
    pub fn region(&self, id: &str) -> Option<&Region> {
        self.definition
            .regions
            .iter()
            .find(|region| region.id == id)
    }
}

/// Why a definition did not load.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    /// Not JSON, or not the shape of a definition.
    #[error("not a valid definition file: {0}")]
    Syntax(String),
    /// A format version this build does not read.
    #[error("unsupported definition format {0} (this build reads {DEFINITION_FORMAT})")]
    Format(u32),
    /// The definition names another template set than the one given.
    #[error("the definition uses template set `{wanted}`, but `{have}` is loaded")]
    TemplateSet {
        /// The set the definition names.
        wanted: String,
        /// The set at hand.
        have: String,
    },
    /// The date is not `YYYY-MM-DD`.
    #[error("`{0}` is not a date (YYYY-MM-DD)")]
    BadDate(String),
    /// A blank text.
    #[error("{what} has no {lang} text")]
    BlankText {
        /// Which text.
        what: String,
        /// The language code.
        lang: &'static str,
    },
    /// An id used twice, or a precinct (region, number) used twice.
    #[error("{0} is defined twice")]
    Duplicate(String),
    /// An id that is empty, too long or has characters other than letters, digits, `-` and `_`.
    #[error("`{0}` is not a valid id")]
    BadId(String),
    /// A reference to a region, contest or template that does not exist.
    #[error("{what} `{id}` does not exist")]
    Unknown {
        /// What kind of thing.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// A contest with no rows or more rows than a form can hold.
    #[error("contest `{contest}` has {rows} rows; it needs 1 to {MAX_ROWS}")]
    RowCount {
        /// The contest.
        contest: String,
        /// How many rows it has.
        rows: usize,
    },
    /// A precinct whose contests do not match what its kind of region holds.
    #[error(
        "precinct {precinct} must hold one contest of each of {expected:?}, but holds {found:?}"
    )]
    PrecinctContests {
        /// The precinct.
        precinct: PrecinctId,
        /// Template ids its region kind holds.
        expected: Vec<String>,
        /// Template ids of the contests it names.
        found: Vec<String>,
    },
    /// Precinct number 0.
    #[error("precinct numbers start at 1 ({0})")]
    BadNumber(String),
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(byte & 15), 16).unwrap_or('0'));
    }
    out
}

/// Whether `id` is an id as a definition's (election, region, contest, row): 1 to 64 ASCII
/// letters, digits, `-` or `_`. Ids go into file names and signed comments, so nothing else is
/// one.
pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn valid_date(date: &str) -> bool {
    let bytes = date.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = date.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    matches!((digits(0..4), digits(5..7), digits(8..10)), (Some(_), Some(month), Some(day)) if (1..=12).contains(&month) && (1..=31).contains(&day))
}

fn text(what: &str, text: &Text) -> Result<(), DefinitionError> {
    match text.blank_lang() {
        Some(lang) => Err(DefinitionError::BlankText {
            what: what.to_owned(),
            lang: lang.code(),
        }),
        None => Ok(()),
    }
}

/// Parses and checks a definition file against `templates`.
pub fn load_definition(
    bytes: &[u8],
    templates: &TemplateSet,
) -> Result<LoadedDefinition, DefinitionError> {
    let definition: Definition = serde_json::from_slice(bytes)
        .map_err(|error| DefinitionError::Syntax(error.to_string()))?;
    validate(&definition, templates)?;
    Ok(LoadedDefinition::new(definition, sha256_hex(bytes)))
}

/// Checks a parsed definition against `templates`.
pub fn validate(definition: &Definition, templates: &TemplateSet) -> Result<(), DefinitionError> {
    if definition.format != DEFINITION_FORMAT {
        return Err(DefinitionError::Format(definition.format));
    }
    if definition.templates != templates.id {
        return Err(DefinitionError::TemplateSet {
            wanted: definition.templates.clone(),
            have: templates.id.clone(),
        });
    }
    if !is_id(&definition.id) {
        return Err(DefinitionError::BadId(definition.id.clone()));
    }
    text("the election name", &definition.name)?;
    if !valid_date(&definition.date) {
        return Err(DefinitionError::BadDate(definition.date.clone()));
    }
    let mut regions: HashMap<&str, RegionKind> = HashMap::new();
    for region in &definition.regions {
        if !is_id(&region.id) {
            return Err(DefinitionError::BadId(region.id.clone()));
        }
        text(&format!("region {}", region.id), &region.name)?;
        if regions.insert(&region.id, region.kind).is_some() {
            return Err(DefinitionError::Duplicate(format!("region {}", region.id)));
        }
    }
    let mut contests: HashMap<&str, &Template> = HashMap::new();
    for contest in &definition.contests {
        if !is_id(&contest.id) {
            return Err(DefinitionError::BadId(contest.id.clone()));
        }
        text(&format!("contest {}", contest.id), &contest.name)?;
        let Some(template) = templates.template(&contest.template) else {
            return Err(DefinitionError::Unknown {
                what: "template",
                id: contest.template.clone(),
            });
        };
        if let Some(region) = &contest.region
            && !regions.contains_key(region.as_str())
        {
            return Err(DefinitionError::Unknown {
                what: "region",
                id: region.clone(),
            });
        }
        if contest.rows.is_empty() || MAX_ROWS < contest.rows.len() {
            return Err(DefinitionError::RowCount {
                contest: contest.id.clone(),
                rows: contest.rows.len(),
            });
        }
        let mut row_ids = HashSet::new();
        for row in &contest.rows {
            if !is_id(&row.id) {
                return Err(DefinitionError::BadId(row.id.clone()));
            }
            if !row_ids.insert(&row.id) {
                return Err(DefinitionError::Duplicate(format!(
                    "row {} of contest {}",
                    row.id, contest.id
                )));
            }
            text(
                &format!("row {} of contest {}", row.id, contest.id),
                &row.name,
            )?;
        }
        if contests.insert(&contest.id, template).is_some() {
            return Err(DefinitionError::Duplicate(format!(
                "contest {}",
                contest.id
            )));
        }
    }
    let mut precincts = HashSet::new();
    for precinct in &definition.precincts {
        let id = PrecinctId {
            region: precinct.region.clone(),
            number: precinct.number,
        };
        let Some(kind) = regions.get(precinct.region.as_str()) else {
            return Err(DefinitionError::Unknown {
                what: "region",
                id: precinct.region.clone(),
            });
        };
        if precinct.number == 0 {
            return Err(DefinitionError::BadNumber(id.to_string()));
        }
        text(&format!("the address of precinct {id}"), &precinct.address)?;
        let mut found = Vec::new();
        for contest_id in &precinct.contests {
            match contests.get(contest_id.as_str()) {
                Some(template) => found.push(template.id.clone()),
                None => {
                    return Err(DefinitionError::Unknown {
                        what: "contest",
                        id: contest_id.clone(),
                    });
                }
            }
        }
        let expected: Vec<String> = templates
            .templates()
            .iter()
            .filter(|template| template.region_kinds.contains(kind))
            .map(|template| template.id.clone())
            .collect();
        let mut expected = expected;
        expected.sort();
        let mut sorted = found.clone();
        sorted.sort();
        if sorted != expected {
            return Err(DefinitionError::PrecinctContests {
                precinct: id,
                expected,
                found,
            });
        }
        if !precincts.insert(id.clone()) {
            return Err(DefinitionError::Duplicate(format!("precinct {id}")));
        }
    }
    Ok(())
}
