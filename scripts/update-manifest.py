#!/usr/bin/env python3
"""Builds the updater manifest (latest.json) of a release from its bundles.

    scripts/update-manifest.py --version 0.2.0 --assets dist/ \
        --base-url https://github.com/OWNER/REPO/releases/download/v0.2.0 > latest.json

`--assets` holds the release's files as the release workflow downloads them:
each updater bundle beside its `.sig` (what `tauri build` signs with
TAURI_SIGNING_PRIVATE_KEY when `bundle.createUpdaterArtifacts` is on). The
manifest is Tauri's static format plus `schema`, the newest migration's
version in `migrations/`: a station refuses an update its clinic database
cannot take (crates/station/src/updates.rs).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

# Which bundle updates which platform: (platform key, file name suffix).
# The first match of a platform key wins; Windows prefers the NSIS
# installer the updater runs quietly, macOS takes the universal app.
UPDATERS = [
    ("linux-x86_64", ".AppImage"),
    ("linux-x86_64-appimage", ".AppImage"),
    ("linux-x86_64-deb", ".deb"),
    ("linux-x86_64-rpm", ".rpm"),
    ("windows-x86_64", "-setup.exe"),
    ("windows-x86_64-nsis", "-setup.exe"),
    ("windows-x86_64-msi", ".msi"),
    ("windows-x86_64", ".msi"),
    ("darwin-aarch64", ".app.tar.gz"),
    ("darwin-x86_64", ".app.tar.gz"),
]


def newest_migration(migrations: Path) -> int:
    versions = [int(p.name.split("_", 1)[0]) for p in migrations.glob("*.sql") if p.name.split("_", 1)[0].isdigit()]
    if not versions:
        sys.exit(f"no migrations in {migrations}")
    return max(versions)


def manifest(version: str, notes: str, assets: Path, base_url: str, schema: int, now: datetime.datetime) -> dict:
    platforms: dict[str, dict[str, str]] = {}
    files = sorted(p for p in assets.iterdir() if p.is_file())
    for key, suffix in UPDATERS:
        if key in platforms:
            continue
        for bundle in files:
            signature = bundle.with_name(bundle.name + ".sig")
            if bundle.name.endswith(suffix) and signature.is_file():
                platforms[key] = {
                    "signature": signature.read_text(encoding="utf-8").strip(),
                    "url": f"{base_url.rstrip('/')}/{bundle.name}",
                }
                break
    if not platforms:
        sys.exit(f"no signed updater bundle in {assets} (is bundle.createUpdaterArtifacts on?)")
    return {
        "version": version.removeprefix("v"),
        "notes": notes,
        "pub_date": now.astimezone(datetime.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "platforms": platforms,
        "schema": schema,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", required=True)
    parser.add_argument("--assets", required=True, type=Path)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--notes", default="")
    parser.add_argument("--migrations", type=Path, default=Path(__file__).resolve().parent.parent / "migrations")
    args = parser.parse_args(argv)
    built = manifest(
        args.version,
        args.notes,
        args.assets,
        args.base_url,
        newest_migration(args.migrations),
        datetime.datetime.now(datetime.timezone.utc),
    )
    json.dump(built, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
