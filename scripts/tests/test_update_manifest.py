"""scripts/update-manifest.py against a release's files laid out as the
release workflow downloads them (a .deb, an AppImage, the Windows
installers and the macOS app, each with its signature)."""

import datetime
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "update-manifest.py"
spec = importlib.util.spec_from_file_location("update_manifest", SCRIPT)
update_manifest = importlib.util.module_from_spec(spec)
spec.loader.exec_module(update_manifest)

BASE = "https://github.com/clinic/desk/releases/download/v0.2.0"


def release(folder: Path, signed: dict[str, str], unsigned: list[str] = ()) -> None:
    for name, signature in signed.items():
        (folder / name).write_bytes(b"bundle")
        (folder / f"{name}.sig").write_text(signature + "\n")
    for name in unsigned:
        (folder / name).write_bytes(b"bundle")


class UpdateManifest(unittest.TestCase):
    def test_every_platform_points_at_its_signed_bundle_and_the_schema_is_the_newest_migration(self):
        with tempfile.TemporaryDirectory() as tmp:
            assets = Path(tmp)
            release(
                assets,
                {
                    "Clinic Desk_0.2.0_amd64.AppImage": "sig-appimage",
                    "Clinic Desk_0.2.0_amd64.deb": "sig-deb",
                    "Clinic Desk_0.2.0_x64-setup.exe": "sig-nsis",
                    "Clinic Desk_0.2.0_x64_en-US.msi": "sig-msi",
                    "Clinic Desk_universal.app.tar.gz": "sig-mac",
                },
                unsigned=["Clinic Desk-0.2.0-1.x86_64.rpm", "Clinic Desk_0.2.0_universal.dmg"],
            )
            out = subprocess.run(
                [sys.executable, str(SCRIPT), "--version", "v0.2.0", "--assets", str(assets), "--base-url", BASE],
                check=True,
                capture_output=True,
                text=True,
            )
            built = json.loads(out.stdout)
        newest = max(int(p.name.split("_")[0]) for p in (ROOT / "migrations").glob("*.sql"))
        self.assertEqual(built["schema"], newest)
        self.assertEqual(built["version"], "0.2.0")
        platforms = built["platforms"]
        self.assertEqual(platforms["linux-x86_64"], {"signature": "sig-appimage", "url": f"{BASE}/Clinic Desk_0.2.0_amd64.AppImage"})
        self.assertEqual(platforms["linux-x86_64-deb"]["signature"], "sig-deb")
        self.assertNotIn("linux-x86_64-rpm", platforms, "an unsigned bundle is not offered")
        self.assertEqual(platforms["windows-x86_64"]["signature"], "sig-nsis")
        self.assertEqual(platforms["windows-x86_64-msi"]["signature"], "sig-msi")
        self.assertEqual(platforms["darwin-aarch64"], platforms["darwin-x86_64"])
        self.assertTrue(built["pub_date"].endswith("Z"))

    def test_the_station_reads_the_schema_it_writes(self):
        # crates/station/src/updates.rs reads `schema` as a number (or a string of one).
        built = update_manifest.manifest(
            "0.2.0", "", self._one_signed(), BASE, 20261201000019, datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
        )
        self.assertIsInstance(json.loads(json.dumps(built))["schema"], int)
        self.assertEqual(built["pub_date"], "2026-12-01T00:00:00Z")

    def test_a_release_without_signatures_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            release(Path(tmp), {}, unsigned=["Clinic Desk_0.2.0_amd64.deb"])
            out = subprocess.run(
                [sys.executable, str(SCRIPT), "--version", "0.2.0", "--assets", tmp, "--base-url", BASE],
                capture_output=True,
                text=True,
            )
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("createUpdaterArtifacts", out.stderr)

    def _one_signed(self) -> Path:
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        release(folder, {"Clinic Desk_0.2.0_amd64.AppImage": "sig"})
        return folder


if __name__ == "__main__":
    unittest.main()
