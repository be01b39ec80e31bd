/**
 * The table of properties (provider/lifecycle/properties.ts) against what is derived from it and
 * what is written by hand beside it: the native schema, the replacing inputs, the always-secret
 * outputs, the dynamic class's property list, and the reference tables of docs/inputs-outputs.md.
 */
import * as fs from "fs";
import * as path from "path";
import { REPLACE_INPUTS } from "../../provider/lifecycle/diff";
import { INPUT_NAMES, OUTPUT_NAMES, PROPERTIES, SECRET_PROPERTIES } from "../../provider/lifecycle/properties";
import { API_TOKEN_TYPE, packageSchema } from "../../provider/native/schema";
import { SECRET_OUTPUTS } from "../../provider/native/wire";

const DOC = fs.readFileSync(path.resolve(__dirname, "../../docs/inputs-outputs.md"), "utf8");

/** The rows of the Markdown table whose header starts with `| <first> |`, each as its cells (`\|` kept inside a cell). */
function tableRows(first: string): string[][] {
    const lines = DOC.split("\n");
    const start = lines.findIndex((line) => line.startsWith(`| ${first} |`));
    expect(start).toBeGreaterThanOrEqual(0);
    const rows: string[][] = [];
    for (const line of lines.slice(start + 2)) {
        if (!line.startsWith("|")) break;
        rows.push(
            line
                .slice(1, -1)
                .split(/(?<!\\)\|/)
                .map((cell) => cell.trim()),
        );
    }
    return rows;
}

/** The property names a row's first cell lists: "`last4Digits`, `createdBy`". */
const namesIn = (cell: string) => [...cell.matchAll(/`([A-Za-z0-9]+)`/g)].map(([, name]) => name);

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

    it("is what docs/inputs-outputs.md lists as inputs, in order, a replacing input's change reading 'replace'", () => {
        const rows = tableRows("input");
        expect(rows.map(([cell]) => namesIn(cell)[0])).toEqual(INPUT_NAMES);
        for (const [cell, , , change] of rows) {
            const name = namesIn(cell)[0] as keyof typeof PROPERTIES;
            expect([name, change.startsWith("replace")]).toEqual([name, PROPERTIES[name].replaces]);
        }
    });

    it("is what docs/inputs-outputs.md lists as outputs: each output once, a secret one said to be secret", () => {
        const rows = tableRows("output");
        const listed = rows.flatMap(([cell]) => namesIn(cell));
        expect(listed.filter((name) => !(name in PROPERTIES))).toEqual([]);
        expect(OUTPUT_NAMES.filter((name) => !listed.includes(name))).toEqual([]);
        expect(new Set(listed).size).toBe(listed.length);
        for (const [cell, meaning] of rows) {
            for (const name of namesIn(cell)) {
                if (PROPERTIES[name as keyof typeof PROPERTIES].secret) expect(meaning).toMatch(/secret/);
            }
        }
    });
});
