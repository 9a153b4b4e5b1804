// Every way the station can refuse is said in both languages: each code of
// the generated error types, and each field the Rust names in a validation
// error, has its text in English and Ukrainian.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import en from "./locales/en.json";
import uk from "./locales/uk.json";
import i18n from "./i18n";
import { errorText, fieldErrors } from "./errors";

const repo = join(__dirname, "..", "..");
const bindings = readFileSync(join(__dirname, "bindings.ts"), "utf8");

/** The members of a string union in the generated bindings. */
function union(name: string): string[] {
  const declared = bindings.match(new RegExp(`export type ${name} = ([^;]+);`));
  if (!declared) throw new Error(`${name} is not in bindings.ts`);
  return [...declared[1].matchAll(/"([A-Za-z]+)"/g)].map((m) => m[1]);
}

function rustSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return rustSources(path);
    return name.endsWith(".rs") && name !== "testing.rs" ? [path] : [];
  });
}

/** Field names the Rust code gives validation errors, outside its tests:
 * the first argument of the functions that build them. */
function validatedFields(): Set<string> {
  const builders =
    /\b(?:validation|validation_within|required_text|optional_text|check|Field|unknown|file_too_large|validate_week|parse_time_zone|(?:Money|StaffLogin|PhoneNumber|Stars|WallTime|SlotLength|Email|StaffGroup)::parse)\(\s*"([a-z][A-Za-z]*)"/g;
  const roots = ["crates/domain/src", "crates/store/src", "crates/station/src", "crates/local-store/src", "src-tauri/src"];
  const fields = new Set<string>();
  for (const file of roots.flatMap((root) => rustSources(join(repo, root)))) {
    const code = readFileSync(file, "utf8").split("#[cfg(test)]")[0];
    for (const m of code.matchAll(builders)) fields.add(m[1]);
  }
  return fields;
}

type Tree = { [key: string]: string | string[] | Tree };
const has = (tree: Tree, path: string) =>
  typeof path
    .split(".")
    .reduce<Tree | string | string[] | undefined>(
      (node, key) => (typeof node === "object" && !Array.isArray(node) ? node[key] : undefined),
      tree,
    ) === "string";

describe("error translations", () => {
  const languages: [string, Tree][] = [
    ["en", en as unknown as Tree],
    ["uk", uk as unknown as Tree],
  ];

  it("say every validation and conflict code, and name every entity, in both languages", () => {
    const keys = [
      ...union("ValidationCode").map((code) => `error.${code}`),
      ...union("ConflictCode").map((code) => `error.conflict_${code}`),
      ...union("Entity").map((entity) => `entity.${entity}`),
    ];
    expect(keys.length).toBeGreaterThan(25);
    for (const [language, tree] of languages) {
      expect(keys.filter((key) => !has(tree, key)).map((key) => `${language}: ${key}`)).toEqual([]);
    }
  });

  it("label every field the Rust names in a validation error, in both languages", () => {
    const fields = [...validatedFields()];
    expect(fields).toEqual(expect.arrayContaining(["fullName", "slotMinutes", "startsAt", "capacity", "timeZone"]));
    for (const [language, tree] of languages) {
      expect(fields.filter((field) => !has(tree, `field.${field}`)).map((field) => `${language}: ${field}`)).toEqual([]);
    }
  });

  it("say a refusal in the chosen language, with the field's label and the limits", async () => {
    const range = {
      kind: "validation" as const,
      field: "slotMinutes",
      code: "outOfRange" as const,
      message: "must be from 5 to 480 minutes",
      limits: { min: 5, max: 480 },
    };
    expect(errorText(range)).toBe("Visit length: Must be from 5 to 480");
    expect(fieldErrors(range)).toEqual({ slotMinutes: "Must be from 5 to 480" });
    await i18n.changeLanguage("uk");
    try {
      expect(errorText(range)).toBe("Тривалість прийому: Має бути від 5 до 480");
      const big = {
        kind: "validation" as const,
        field: "file",
        code: "tooLarge" as const,
        message: "…",
        limits: { min: 0, max: 26214400 },
      };
      expect(errorText(big)).toBe("Файл: Більше за дозволені 25 MB");
      // A field with no label is never shown by its id.
      expect(errorText({ ...range, field: "someInternalId" })).toBe("Має бути від 5 до 480");
    } finally {
      await i18n.changeLanguage("en");
    }
  });
});
