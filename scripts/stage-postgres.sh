#!/usr/bin/env bash
# Puts a PostgreSQL server into target/postgresql/ for the installer's
# resources (src-tauri/bundled-postgres.conf.json), so the demo clinic runs
# on a computer with no PostgreSQL of its own. Used by the release workflow
# on Windows and macOS (the Linux packages depend on the distribution's).
#
#   POSTGRES_BINARIES_VERSION=15.10-1 POSTGRES_BINARIES_SHA256=<sha256> \
#     scripts/stage-postgres.sh Windows|macOS
#
# The binaries are EnterpriseDB's relocatable zips (bin/, lib/, share/ side by
# side, the layout crates/local-pg/src/binaries.rs looks for); the checksum is
# required: verify a download once and keep it in the repository's secrets
# (POSTGRES_BINARIES_SHA256_WINDOWS / _MACOS, read by the release workflow).
set -euo pipefail
cd "$(dirname "$0")/.."
os="${1:?Windows or macOS}"
version="${POSTGRES_BINARIES_VERSION:?the EnterpriseDB binaries version, e.g. 15.10-1}"
expected="${POSTGRES_BINARIES_SHA256:?the SHA-256 of the zip (a repository variable)}"
case "$os" in
  Windows) zip="postgresql-${version}-windows-x64-binaries.zip" ;;
  macOS) zip="postgresql-${version}-osx-binaries.zip" ;;
  *) echo "unknown platform: $os" >&2; exit 2 ;;
esac

mkdir -p target
curl --fail --silent --show-error --location --retry 3 -o "target/$zip" "https://get.enterprisedb.com/postgresql/$zip"
actual=$(python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "target/$zip")
if [ "$actual" != "$expected" ]; then
  echo "target/$zip has SHA-256 $actual, expected $expected" >&2
  exit 1
fi

rm -rf target/pg-unzipped target/postgresql
unzip -q "target/$zip" -d target/pg-unzipped
mkdir -p target/postgresql
# Only what a server needs: no pgAdmin, Stack Builder, documentation,
# headers, debug symbols or static libraries.
cp -R target/pg-unzipped/pgsql/bin target/pg-unzipped/pgsql/lib target/pg-unzipped/pgsql/share target/postgresql/
rm -rf target/postgresql/lib/pgxs
find target/postgresql/lib -name '*.a' -delete
find target/postgresql/lib -name '*.lib' -delete
for tool in initdb postgres pg_ctl; do
  ls target/postgresql/bin/"$tool"* >/dev/null
done
echo "PostgreSQL $version for $os staged: $(du -sh target/postgresql | cut -f1) uncompressed"
