/**
 * The table of properties (provider/lifecycle/properties.ts) against what is derived from it and
 * what is written from it: the native schema, the replacing inputs, the always-secret outputs, and
 * the sections npm run gen-properties writes (state types, the dynamic class, the reference tables).
 */
import * as fs from "fs";
import * as path from "path";
import { REPLACE_INPUTS } from "../../provider/lifecycle/diff";
import { INPUT_NAMES, OUTPUT_NAMES, PROPERTIES, SECRET_PROPERTIES } from "../../provider/lifecycle/properties";
import { API_TOKEN_TYPE, packageSchema } from "../../provider/native/schema";
import { SECRET_OUTPUTS } from "../../provider/native/wire";
import { GENERATED_FILES, generated, staleFiles } from "../../scripts/gen-properties";

const ROOT = path.resolve(__dirname, "../..");

describe("the table of properties", () => {
    const resource = packageSchema("0.0.0").resources as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
    const schema = resource[API_TOKEN_TYPE];

    it("gives the native schema its inputs, in order, and every property its description and secrecy", () => {
        expect(Object.keys(schema.inputProperties)).toEqual(INPUT_NAMES);
        expect(Object.keys(schema.properties)).toEqual([...INPUT_NAMES, ...OUTPUT_NAMES]);
        for (const [name, property] of Object.entries(PROPERTIES)) {
            expect(schema.properties[name].description).toBe(property.description);
            expect(Boolean(schema.properties[name].secret)).toBe(property.secret);
        }
    });

    it("names the inputs whose change replaces the token, and the outputs always secret", () => {
        expect(REPLACE_INPUTS).toEqual(["name", "accountId", "resources", "expiresAt"]);
        expect(SECRET_PROPERTIES).toEqual(["token"]);
        expect(SECRET_OUTPUTS).toEqual(SECRET_PROPERTIES);
    });

    it("has written its sections of types.ts, apiToken.ts and docs/inputs-outputs.md (npm run gen-properties)", () => {
        expect(GENERATED_FILES).toEqual(["provider/types.ts", "provider/apiToken.ts", "docs/inputs-outputs.md"]);
        expect(staleFiles(ROOT)).toEqual([]);
    });

    it("lists in docs/inputs-outputs.md every input with whether it replaces, and every output, a secret one said to be secret", () => {
        const doc = fs.readFileSync(path.join(ROOT, "docs/inputs-outputs.md"), "utf8");
        for (const name of INPUT_NAMES) {
            const row = doc.split("\n").find((line) => line.startsWith(`| \`${name}\` |`)) ?? "";
            expect([name, row.trimEnd().endsWith("| replace |") || row.includes("| replace (")]).toEqual([name, PROPERTIES[name].replaces]);
        }
        for (const name of OUTPUT_NAMES) {
            const row = doc.split("\n").find((line) => line.startsWith(`| \`${name}\` |`)) ?? "";
            expect([name, /secret/.test(row)]).toEqual([name, PROPERTIES[name].secret]);
        }
    });

    it("finds a section that is stale, naming its file", () => {
        const text = fs.readFileSync(path.join(ROOT, "provider/types.ts"), "utf8");
        const stale = text.replace("    stateVersion: number;\n", "");
        expect(stale).not.toBe(text);
        expect(generated("provider/types.ts", stale)).toBe(text);
        expect(() => generated("provider/types.ts", "export {};\n")).toThrow(/provider\/types.ts has no section state-types/);
    });
});
