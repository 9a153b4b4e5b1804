//! Finding the system's PostgreSQL server binaries (`initdb`, `postgres`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::LocalPgError;

/// Environment variable that names the folder holding `initdb` and `postgres`,
/// for machines where they are somewhere unusual.
pub const BIN_DIR_ENV: &str = "CLINIC_PG_BIN_DIR";

/// The folder holding `initdb` and `postgres`, looked up in this order: the
/// binaries shipped with the app (`bundled`, the installer's
/// `postgresql/` resource folder), the `CLINIC_PG_BIN_DIR` variable,
/// `pg_config --bindir`, `PATH`, then the places packagers put them (newest
/// major version first).
pub fn find_bin_dir(bundled: Option<&Path>) -> Result<PathBuf, LocalPgError> {
    if let Some(dir) = bundled.and_then(bundled_bin_dir) {
        return Ok(dir);
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(dir) = std::env::var_os(BIN_DIR_ENV) {
        candidates.push(dir.into());
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        if out.status.success() {
            candidates.push(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path));
    }
    for pattern_root in ["/usr/lib/postgresql", "/opt/homebrew/opt", "/usr/local/opt", "C:\\Program Files\\PostgreSQL"]
    {
        candidates.extend(versioned_bin_dirs(Path::new(pattern_root)));
    }
    candidates.push("/usr/local/pgsql/bin".into());
    candidates.push("/Applications/Postgres.app/Contents/Versions/latest/bin".into());

    candidates.into_iter().find(|dir| has_server_binaries(dir)).ok_or(LocalPgError::BinariesNotFound)
}

/// The server binaries in a bundled `postgresql/` folder: `bin/` (the
/// EnterpriseDB layout of the Windows and macOS builds) or
/// `lib/postgresql/<major>/bin` (the Debian layout, kept so the server finds
/// its `share/` and `lib/` relative to itself). None when it has none.
pub fn bundled_bin_dir(root: &Path) -> Option<PathBuf> {
    std::iter::once(root.join("bin"))
        .chain(versioned_bin_dirs(&root.join("lib").join("postgresql")))
        .find(|dir| has_server_binaries(dir))
}

fn has_server_binaries(dir: &Path) -> bool {
    let exe = std::env::consts::EXE_SUFFIX;
    dir.join(format!("initdb{exe}")).is_file() && dir.join(format!("postgres{exe}")).is_file()
}

/// `<root>/<version>/bin` (Debian, Windows) and `<root>/postgresql@<version>/bin`
/// (Homebrew), newest version first.
fn versioned_bin_dirs(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut found: Vec<(u32, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let version = name.strip_prefix("postgresql@").unwrap_or(&name);
            let major: u32 = version.split('.').next()?.parse().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .collect();
    found.sort_by_key(|(major, _)| std::cmp::Reverse(*major));
    found.into_iter().map(|(_, dir)| dir).collect()
}
