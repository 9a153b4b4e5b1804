//! The TypeScript bindings the UI imports are generated from the Rust
//! commands and committed; this fails when they are stale.
//! `UPDATE_BINDINGS=1 cargo test --test shell bindings` rewrites them.

use std::path::Path;

#[test]
fn committed_bindings_are_current() {
    let committed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(clinic_desk::BINDINGS_PATH);
    let fresh_path = std::env::temp_dir().join(format!("clinic-desk-bindings-test-{}.ts", std::process::id()));
    clinic_desk::export_bindings(&fresh_path).expect("export the bindings");
    let fresh = std::fs::read_to_string(&fresh_path).unwrap();
    let _ = std::fs::remove_file(&fresh_path);
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed_path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: run `UPDATE_BINDINGS=1 cargo test --test shell bindings` and commit it",
        clinic_desk::BINDINGS_PATH
    );
    assert!(fresh.contains("export const commands"), "the bindings export the commands");
}
