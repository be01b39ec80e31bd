/**
 * `npm run gen-properties`: writes what the table of properties (provider/lifecycle/properties.ts)
 * decides into the sections it owns, between generated markers: the stored state's and the checked
 * inputs' types (provider/types.ts), the dynamic class's arguments and outputs (provider/apiToken.ts),
 * and the reference tables of docs/inputs-outputs.md. `--check` writes nothing and fails naming the
 * stale files; tests/unit/properties.test.ts runs the same comparison. Run without type checking
 * (`tsc --noCheck`, package.json): a new row makes the compile-time checks fail until it has run.
 */
import * as fs from "fs";
import * as path from "path";
import {
    INPUT_NAMES,
    InputName,
    InputProperty,
    OUTPUT_NAMES,
    PROPERTIES,
    Property,
    PropertyName,
    ValueType,
} from "../provider/lifecycle/properties";

/** The repository: npm runs scripts there. */
const ROOT = process.cwd();

/** Each value type as TypeScript: the core's type, and the dynamic class's argument type where it differs. */
const TYPESCRIPT: Record<ValueType, { core: string; args?: string }> = {
    string: { core: "string" },
    integer: { core: "number" },
    boolean: { core: "boolean" },
    "date-time": { core: "string" },
    "string or number": { core: "string | number" },
    permissions: { core: "ApiTokenPermission[]", args: "pulumi.Input<pulumi.Input<ApiTokenPermissionArgs>[]>" },
    "answered permissions": { core: "ApiTokenPermission[]" },
    "previous tokens": { core: "PreviousToken[]" },
    retirement: { core: "PreviousTokenRetirement" },
    "rotation records": { core: "RotationRecord[]" },
};

const NAMES = Object.keys(PROPERTIES) as PropertyName[];
const row = (name: PropertyName): Property => PROPERTIES[name];
const input = (name: InputName): InputProperty => PROPERTIES[name];
const doc = (text: string, indent: string) => `${indent}/** ${text.replace(/\*\//g, "*\\/")} */`;

/** The value type as the stored state holds it. */
function storedType(name: PropertyName): string {
    const { type, stored } = row(name);
    return stored === "or null" ? `${TYPESCRIPT[type].core} | null` : TYPESCRIPT[type].core;
}

function stateTypes(): string[] {
    const lines = [
        "/**",
        " * The state the provider records for an `ApiToken`: every input echoed, plus what the API said.",
        " * Field names are the resource's output names.",
        " */",
        "export interface ApiTokenState {",
    ];
    for (const name of NAMES) {
        lines.push(doc(row(name).description, "    "), `    ${name}${row(name).stored === "when set" ? "?" : ""}: ${storedType(name)};`);
    }
    lines.push("}", "", "/** Inputs after `check`: validated, with the account resolved. */", "export interface ApiTokenInputs {");
    for (const name of INPUT_NAMES) {
        lines.push(
            doc(row(name).description, "    "),
            `    ${name}${input(name).required ? "" : "?"}: ${TYPESCRIPT[row(name).type].core};`,
        );
    }
    lines.push("}");
    return lines;
}

function dynamicArgs(): string[] {
    const lines = ["/** The inputs of an {@link ApiToken}. */", "export interface ApiTokenArgs {"];
    for (const name of INPUT_NAMES) {
        const { type } = row(name);
        const args = TYPESCRIPT[type].args ?? `pulumi.Input<${TYPESCRIPT[type].core}>`;
        lines.push(doc(row(name).description, "    "), `    ${name}${input(name).required ? "" : "?"}: ${args};`);
    }
    lines.push("}");
    return lines;
}

function dynamicOutputs(): string[] {
    const lines: string[] = [];
    for (const name of NAMES) {
        const type = row(name).stored === "when set" ? `${storedType(name)} | undefined` : storedType(name);
        lines.push(doc(row(name).description, "    "), `    public readonly ${name}!: pulumi.Output<${type}>;`);
    }
    return lines;
}

const cell = (text: string) => text.replace(/\n/g, " ");

function docsInputs(): string[] {
    const lines = ["| input | type | required | a change means |", "|---|---|---|---|"];
    for (const name of INPUT_NAMES) {
        const { required, docs } = input(name);
        lines.push(`| \`${name}\` | ${cell(docs.allowed)} | ${required ? "yes" : `no (${cell(docs.omitted)})`} | ${cell(docs.change)} |`);
    }
    return lines;
}

function docsOutputs(): string[] {
    const lines = ["| output | meaning |", "|---|---|"];
    for (const name of OUTPUT_NAMES) lines.push(`| \`${name}\` | ${cell(row(name).description)} |`);
    return lines;
}

/** A generated section: its file, its name, how its markers are written there, and its lines. */
interface Section {
    file: string;
    name: string;
    comment: "ts" | "md";
    indent: string;
    lines: () => string[];
}

const SECTIONS: Section[] = [
    { file: "provider/types.ts", name: "state-types", comment: "ts", indent: "", lines: stateTypes },
    { file: "provider/apiToken.ts", name: "arguments", comment: "ts", indent: "", lines: dynamicArgs },
    { file: "provider/apiToken.ts", name: "outputs", comment: "ts", indent: "    ", lines: dynamicOutputs },
    { file: "docs/inputs-outputs.md", name: "inputs", comment: "md", indent: "", lines: docsInputs },
    { file: "docs/inputs-outputs.md", name: "outputs", comment: "md", indent: "", lines: docsOutputs },
];

function markers(section: Section): [string, string] {
    const what = `generated:${section.name} (npm run gen-properties, from provider/lifecycle/properties.ts)`;
    return section.comment === "ts"
        ? [`${section.indent}// ${what}`, `${section.indent}// end generated:${section.name}`]
        : [`<!-- ${what} -->`, `<!-- end generated:${section.name} -->`];
}

/** A file's text with its generated sections rewritten from the table. */
export function generated(file: string, text: string): string {
    for (const section of SECTIONS.filter((s) => s.file === file)) {
        const [start, end] = markers(section);
        const from = text.indexOf(start + "\n");
        const to = text.indexOf(end, from);
        if (from < 0 || to < 0) throw new Error(`${file} has no section ${section.name}: it needs the lines "${start}" and "${end}"`);
        text = text.slice(0, from + start.length + 1) + section.lines().join("\n") + "\n" + text.slice(to);
    }
    return text;
}

/** The files with a generated section, relative to the repository. */
export const GENERATED_FILES = [...new Set(SECTIONS.map((s) => s.file))];

/** The files whose generated sections differ from the table. */
export function staleFiles(root = ROOT): string[] {
    return GENERATED_FILES.filter((file) => {
        const text = fs.readFileSync(path.join(root, file), "utf8");
        return generated(file, text) !== text;
    });
}

if (require.main === module) {
    if (process.argv[2] === "--check") {
        const stale = staleFiles();
        if (stale.length > 0) {
            console.error(
                `gen-properties: stale against provider/lifecycle/properties.ts: ${stale.join(", ")} (run npm run gen-properties)`,
            );
            process.exit(1);
        }
    } else {
        for (const file of GENERATED_FILES) {
            const full = path.join(ROOT, file);
            const text = fs.readFileSync(full, "utf8");
            const next = generated(file, text);
            if (next !== text) {
                fs.writeFileSync(full, next);
                console.log(`gen-properties: rewrote ${file}`);
            }
        }
    }
}
