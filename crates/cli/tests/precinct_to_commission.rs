//! The whole road of a protocol through the `hattama` binary: a precinct set up, typed twice,
//! finalized, its device key registered, the batch exported to a drive folder, the protocol
//! printed with its QR; then at the commission the batch verified, imported and tallied, and the
//! QR read back from the rendered page and verified (and refused with an unregistered key).

#[path = "support/binary.rs"]
mod binary;
#[path = "support/run.rs"]
pub mod run;

use std::process::Command;

use run::{
    CHAIR_PIN, add_user, enter_p1, export_to, hattama, hattama_env, ok, ok_env, registry_init,
    setup_demo,
};

const VALUES: &str = r#"{"L1": 1000, "L2": 1000, "L3": 800, "L3a": 10, "L3b": 20, "L4": 200, "L5": 800, "L5b": 20,
"L6": 20, "L7": 780, "L8.1": 300, "L8.2": 100, "L8.3": 100, "L8.4": 80, "L8.5": 50, "L8.6": 60, "L8.7": 40, "L9": 50}"#;

#[test]
fn from_the_precinct_to_the_commission() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("precinct.db");
    let values = dir.path().join("values.json");
    std::fs::write(&values, VALUES).unwrap();
    let values = values.to_str().unwrap();

    setup_demo(&db, CHAIR_PIN);
    for (name, role, pin) in [("Ana", "clerk", "268135"), ("Bek", "clerk", "731946")] {
        // The chair's PIN, then the new user's, one line each.
        add_user(&db, CHAIR_PIN, name, role, pin);
    }
    for (name, position) in [
        ("Aigul Sarsenova", "chair"),
        ("Bolat Nurlanov", "deputy_chair"),
        ("Dana Kasymova", "secretary"),
    ] {
        ok_env(
            &db,
            &[
                "member",
                "add",
                "--user",
                "Aigul",
                "--name",
                name,
                "--position",
                position,
            ],
            &[("HATTAMA_PIN", CHAIR_PIN)],
        );
    }
    ok_env(
        &db,
        &enter_p1("Ana", "1", values),
        &[("HATTAMA_PIN", "268135")],
    );
    ok_env(
        &db,
        &enter_p1("Bek", "2", values),
        &[("HATTAMA_PIN", "731946")],
    );
    ok_env(
        &db,
        &["finalize", "--contest", "majilis-list", "--user", "Aigul"],
        &[("HATTAMA_PIN", CHAIR_PIN)],
    );

    // Printing before exporting is refused: the paper carries the batch hash.
    let out = dir.path().join("protocol.pdf");
    let print = [
        "print",
        "--user",
        "Aigul",
        "--contest",
        "majilis-list",
        "--out",
        out.to_str().unwrap(),
    ];
    let early = hattama_env(&db, &print, &[("HATTAMA_PIN", CHAIR_PIN)]);
    assert_eq!(early.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&early.stderr).contains("[print.not_exported]"));

    let key = ok_env(
        &db,
        &["device-key", "--user", "Aigul"],
        &[("HATTAMA_PIN", CHAIR_PIN)],
    );
    let public_key = key["public_key"].as_str().unwrap().to_owned();
    let stick = dir.path().join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    let export = export_to(&stick);
    let exported = ok_env(&db, &export, &[("HATTAMA_PIN", CHAIR_PIN)]);
    assert_eq!(exported["sequence"], 1);
    assert_eq!(exported["safe_to_remove"], true);
    let again = ok_env(&db, &export, &[("HATTAMA_PIN", CHAIR_PIN)]);
    assert_eq!(
        (again["hash"].clone(), again["reused"].clone()),
        (exported["hash"].clone(), serde_json::Value::Bool(true))
    );

    ok_env(&db, &print, &[("HATTAMA_PIN", CHAIR_PIN)]);
    let text = Command::new("pdftotext")
        .arg(&out)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Барлығына қарсы") && text.contains("Против всех"),
        "kk and ru labels"
    );
    assert!(
        text.contains("Aigul Sarsenova"),
        "the signature block names the members"
    );
    let hash = exported["hash"].as_str().unwrap();
    assert!(text.contains(&hash[..4]), "the batch hash is printed");
    for (document, extra) in [
        ("posting", vec!["--contest", "majilis-list"]),
        ("blank", vec!["--contest", "majilis-list"]),
        ("enrolment", vec![]),
    ] {
        let file = dir.path().join(format!("{document}.pdf"));
        let mut args = vec![
            "print",
            "--user",
            "Aigul",
            "--document",
            document,
            "--out",
            file.to_str().unwrap(),
        ];
        args.extend(extra);
        ok_env(&db, &args, &[("HATTAMA_PIN", CHAIR_PIN)]);
        assert!(std::fs::read(&file).unwrap().starts_with(b"%PDF"));
    }

    // The commission: registry, import, tally.
    let registry = dir.path().join("registry");
    let receiver = dir.path().join("receiver.db");
    let election = "kz-2023-03-19-demo";
    ok(&db, &registry_init(&registry, election));
    let registry_str = registry.to_str().unwrap();
    ok(
        &db,
        &[
            "registry",
            "add",
            "--dir",
            registry_str,
            "--public-key",
            &public_key,
            "--region",
            "abai",
            "--precinct",
            "1",
        ],
    );
    let imported = ok(
        &db,
        &[
            "import",
            stick.to_str().unwrap(),
            "--db",
            receiver.to_str().unwrap(),
            "--registry",
            registry_str,
            "--mode",
            "test",
            "--quiet",
        ],
    );
    assert_eq!(imported["imported"], 1);
    let tally = ok(&db, &["tally", "--db", receiver.to_str().unwrap()]);
    let totals = tally["tally"]["contests"]["majilis-list"]["totals"]
        .as_array()
        .unwrap();
    assert!(
        totals
            .iter()
            .any(|pair| pair[0] == "L8.1" && pair[1] == 300)
    );

    // The QR, read from the rendered last page of the protocol (where the signature block is).
    let page = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "150", "-png"])
        .arg(&out)
        .arg(&page)
        .status()
        .expect("pdftoppm (poppler-utils)");
    assert!(status.success());
    let mut pngs: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pngs.sort();
    let png = pngs.last().unwrap();
    let verified = ok(
        &db,
        &[
            "verify-qr",
            png.to_str().unwrap(),
            "--registry",
            registry_str,
            "--mode",
            "test",
        ],
    );
    assert_eq!(verified["verified"], true);
    assert_eq!(verified["values"][10], 300, "L8.1 as typed");
    // The demo is a test definition: a reader in live mode refuses its protocols.
    let live = hattama(
        &db,
        &[
            "verify-qr",
            png.to_str().unwrap(),
            "--registry",
            registry_str,
        ],
    );
    assert_eq!(live.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&live.stderr).contains("[qr.test_in_live_mode]"));

    // The same picture against a registry that does not hold the device key is refused.
    let other = dir.path().join("other-registry");
    ok(&db, &registry_init(&other, election));
    let refused = hattama(
        &db,
        &[
            "verify-qr",
            png.to_str().unwrap(),
            "--registry",
            other.to_str().unwrap(),
            "--mode",
            "test",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
}
