//! Hostile media at the precinct: an export or a saved PDF aimed at a folder that is, or passes
//! through, a symbolic link, or with a link planted at the name it writes, is refused with
//! `batch.link_in_path` and writes nothing outside; an honest save leaves exactly the file.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

#[path = "../../store/tests/common/mod.rs"]
pub mod common;

use std::path::{Path, PathBuf};

use hattama_precinct::export::{self, Target};
use hattama_precinct::print::{Document, Pdf, save_as, save_in};
use hattama_precinct::{PrecinctError, device_key};

use common::{NOW, P1, clean_p1, file_names, precinct};

const PASSPHRASE: &str = "chair passphrase 2023";

/// A folder `elsewhere` holding one file, and `stick/link` pointing at it.
fn planted(dir: &Path) -> (PathBuf, PathBuf) {
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("keep.txt"), b"keep").unwrap();
    let stick = dir.join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    let link = stick.join("link");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    (elsewhere, link)
}

#[test]
fn an_export_to_a_symlinked_folder_is_refused_before_anything_is_signed() {
    let mut p = precinct();
    p.type_both(&clean_p1());
    p.store.finalize(&p.chair, P1, NOW).unwrap();
    device_key::make(&mut p.store, &p.chair, PASSPHRASE, PASSPHRASE, NOW).unwrap();
    let (elsewhere, link) = planted(p.dir.path());
    let error = export::export(
        &mut p.store,
        &p.chair,
        PASSPHRASE,
        &Target::Folder(link.display().to_string()),
        "0.1.0",
        NOW,
    )
    .unwrap_err();
    assert_eq!(error.code(), "batch.link_in_path");
    assert_eq!(
        error.params().get("path"),
        Some(&link.display().to_string())
    );
    assert!(p.store.exports().unwrap().is_empty(), "nothing signed");
    assert_eq!(file_names(&elsewhere), ["keep.txt"]);
}

fn pdf() -> Pdf {
    Pdf {
        document: Document::Blank,
        file_name: "blank.pdf".into(),
        bytes: b"%PDF-1.7 test".to_vec(),
    }
}

#[test]
fn a_pdf_saved_into_a_symlinked_folder_is_refused_and_nothing_lands_outside() {
    let dir = tempfile::tempdir().unwrap();
    let (elsewhere, link) = planted(dir.path());
    let error = save_in(link.to_str().unwrap(), &[pdf()]).unwrap_err();
    assert!(matches!(error, PrecinctError::Write(_)), "{error:?}");
    assert_eq!(error.code(), "batch.link_in_path");
    let error = save_as(&link.join("blank.pdf"), b"%PDF").unwrap_err();
    assert_eq!(error.code(), "batch.link_in_path");
    assert_eq!(file_names(&elsewhere), ["keep.txt"]);
}

#[test]
fn a_link_planted_at_the_pdf_or_its_temporary_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, b"secret").unwrap();
    let folder = dir.path().join("stick");
    std::fs::create_dir_all(&folder).unwrap();
    for name in ["blank.pdf.part", "blank.pdf"] {
        let planted = folder.join(name);
        std::os::unix::fs::symlink(&secret, &planted).unwrap();
        let error = save_in(folder.to_str().unwrap(), &[pdf()]).unwrap_err();
        assert_eq!(error.code(), "batch.link_in_path", "{name}");
        assert_eq!(std::fs::read(&secret).unwrap(), b"secret");
        std::fs::remove_file(&planted).unwrap();
    }
    // Without the links: saved, and only the PDF is left.
    let saved = save_in(folder.to_str().unwrap(), &[pdf()]).unwrap();
    assert_eq!(std::fs::read(&saved[0].path).unwrap(), b"%PDF-1.7 test");
    assert_eq!(file_names(&folder), ["blank.pdf"]);
    // Saving again replaces it.
    save_in(folder.to_str().unwrap(), &[pdf()]).unwrap();
    assert_eq!(file_names(&folder), ["blank.pdf"]);
}
