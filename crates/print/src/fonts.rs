//! The fonts the documents are set in, and finding them where the operating system installed
//! them.
//!
//! The documents use `DejaVu Sans` (regular and bold) and `DejaVu Sans Mono`, from Debian's
//! [`PACKAGE`] (`fonts-dejavu-core`), which covers Kazakh Cyrillic (ә ғ қ ң ө ұ ү һ і) and is on
//! almost every Debian system. The font files are not part of this repository. [`Fonts`] holds
//! their bytes; the PDF functions take a `&Fonts` and never look for files themselves. This module
//! is the one place in the crate that reads files, and only when a caller asks it to.

use std::fmt;
use std::path::{Path, PathBuf};

/// The Debian package that ships the fonts.
pub const PACKAGE: &str = "fonts-dejavu-core";

/// The folders [`load_installed`] searches, in order: Debian and Ubuntu, Arch and Fedora layouts.
pub const SEARCH_DIRS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/share/fonts/dejavu",
];

/// Letters every font must have: the Kazakh letters beyond Russian, and the signs the documents
/// print.
pub const REQUIRED_CHARS: &str = "әғқңөұүһіӘҒҚҢӨҰҮҺІАаЯяЁё№«»–—·";

/// One of the three faces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    /// Body text: `DejaVu Sans`.
    Regular,
    /// Titles and figures: `DejaVu Sans Bold`.
    Bold,
    /// Hashes, key fingerprints and ids: `DejaVu Sans Mono`.
    Mono,
}

impl Face {
    /// Every face, in the order [`Fonts`] stores them.
    pub const ALL: [Face; 3] = [Face::Regular, Face::Bold, Face::Mono];

    /// The file name in [`PACKAGE`].
    pub fn file_name(self) -> &'static str {
        match self {
            Face::Regular => "DejaVuSans.ttf",
            Face::Bold => "DejaVuSans-Bold.ttf",
            Face::Mono => "DejaVuSansMono.ttf",
        }
    }

    /// The index of this face in [`Face::ALL`].
    pub(crate) fn index(self) -> usize {
        match self {
            Face::Regular => 0,
            Face::Bold => 1,
            Face::Mono => 2,
        }
    }
}

impl fmt::Display for Face {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file_name())
    }
}

/// The bytes of the three font files, checked to be TrueType fonts that cover Kazakh.
#[derive(Clone)]
pub struct Fonts {
    files: [Vec<u8>; 3],
}

impl fmt::Debug for Fonts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fonts")
            .field("bytes", &self.files.each_ref().map(Vec::len))
            .finish()
    }
}

impl Fonts {
    /// Fonts from the bytes of the regular, bold and mono files.
    pub fn from_bytes(regular: Vec<u8>, bold: Vec<u8>, mono: Vec<u8>) -> Result<Fonts, FontError> {
        let files = [regular, bold, mono];
        for face in Face::ALL {
            check_font(face, &files[face.index()])?;
        }
        Ok(Fonts { files })
    }

    /// The bytes of `face`.
    pub fn bytes(&self, face: Face) -> &[u8] {
        &self.files[face.index()]
    }
}

/// Why the fonts could not be had.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    /// No searched folder holds the file: the font package is not installed.
    #[error(
        "font file {file} not found in {searched:?}; install the Debian package `{package}` \
         (apt-get install {package})"
    )]
    NotFound {
        /// The file looked for.
        file: &'static str,
        /// The folders searched.
        searched: Vec<PathBuf>,
        /// The package that ships it.
        package: &'static str,
    },
    /// The file exists but cannot be read.
    #[error("cannot read font file {path}: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The bytes are not a TrueType or OpenType font.
    #[error("{face} is not a TrueType font")]
    NotAFont {
        /// Which face.
        face: Face,
    },
    /// The font lacks letters the documents need (Kazakh Cyrillic, №, quotes).
    #[error("{face} has no glyph for {missing:?}")]
    MissingGlyphs {
        /// Which face.
        face: Face,
        /// The letters it lacks.
        missing: String,
    },
}

/// Loads the fonts from the first of [`SEARCH_DIRS`] that holds all three files.
pub fn load_installed() -> Result<Fonts, FontError> {
    let dirs: Vec<PathBuf> = SEARCH_DIRS.iter().map(PathBuf::from).collect();
    load_from_dirs(&dirs)
}

/// Loads the fonts from the first of `dirs` that holds all three files.
pub fn load_from_dirs(dirs: &[PathBuf]) -> Result<Fonts, FontError> {
    let dir = dirs.iter().find(|dir| {
        Face::ALL
            .iter()
            .all(|face| dir.join(face.file_name()).is_file())
    });
    let Some(dir) = dir else {
        let missing = Face::ALL
            .into_iter()
            .find(|face| !dirs.iter().any(|dir| dir.join(face.file_name()).is_file()))
            .unwrap_or(Face::Regular);
        return Err(FontError::NotFound {
            file: missing.file_name(),
            searched: dirs.to_vec(),
            package: PACKAGE,
        });
    };
    let read = |face: Face| read_file(&dir.join(face.file_name()));
    Fonts::from_bytes(read(Face::Regular)?, read(Face::Bold)?, read(Face::Mono)?)
}

fn read_file(path: &Path) -> Result<Vec<u8>, FontError> {
    std::fs::read(path).map_err(|source| FontError::Unreadable {
        path: path.to_owned(),
        source,
    })
}

fn check_font(face: Face, bytes: &[u8]) -> Result<(), FontError> {
    let parsed = ttf_parser::Face::parse(bytes, 0).map_err(|_| FontError::NotAFont { face })?;
    let missing: String = REQUIRED_CHARS
        .chars()
        .filter(|ch| parsed.glyph_index(*ch).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(FontError::MissingGlyphs { face, missing });
    }
    Ok(())
}
