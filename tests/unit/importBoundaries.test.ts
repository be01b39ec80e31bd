/**
 * The package's layers and which may import which, read from the code's own imports (the
 * TypeScript compiler's pre-processor: `import`, `import type`, `export … from`, `require`,
 * `import()`). The two faces of the token service, the dynamic provider and the native plugin,
 * stand side by side over the lifecycle core: neither imports the other, and the core imports
 * neither. A module in no layer fails too, so a new file is placed on purpose.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "../..");

type Layer = "leaf" | "model" | "client" | "core" | "dynamic" | "native" | "policy" | "migrate" | "emulator";

/** Each layer by its files and folders (a folder ends with "/"), relative to the repository. */
export const LAYERS: Record<Layer, readonly string[]> = {
    /** Modules that import nothing of the package: the engine's constants, the package version. */
    leaf: ["provider/constants.ts", "provider/version.ts"],
    /** The types of tokens, permissions and the stored state. */
    model: ["provider/types.ts"],
    /** The Mailtrap API client and the process-wide state it paces requests with. */
    client: ["provider/client/", "provider/processState.ts"],
    /** The lifecycle core: the token service and its rules, the settings it reads, the listing behind getApiTokens. */
    core: ["provider/lifecycle/", "provider/settings.ts", "provider/apiTokenList.ts"],
    /** The dynamic face: the pulumi.dynamic.ResourceProvider, the ApiToken class, the function, the exports, what state stores. */
    dynamic: ["provider/provider.ts", "provider/apiToken.ts", "provider/getApiTokens.ts", "provider/index.ts", "provider/state/"],
    /** The native face: the plugin's gRPC service, its wire, schema and serving. */
    native: ["provider/native/"],
    /** The policy pack, a separate light entry (`pulumi-mailtrap-tokens/policy`). */
    policy: ["provider/policy/"],
    /** `mailtrap-migrate-state`: a stack export's dynamic tokens rewritten as native ones. */
    migrate: ["provider/migrate/"],
    /** The local Mailtrap API, an independent check: it shares no rule with the provider. */
    emulator: ["provider/emulator/"],
};

/** What each layer may import besides itself. */
export const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
    leaf: [],
    model: ["leaf"],
    client: ["leaf", "model"],
    core: ["leaf", "model", "client"],
    dynamic: ["leaf", "model", "client", "core"],
    native: ["leaf", "model", "client", "core"],
    policy: ["leaf", "model"],
    migrate: ["leaf", "model", "core"],
    emulator: ["leaf"],
};

const FACES: Record<string, string> = { dynamic: "the dynamic face", native: "the native face", core: "the lifecycle core" };

/** The layer of a repository-relative path, or undefined when it is in none. */
export function layerOf(file: string): Layer | undefined {
    const found = (Object.entries(LAYERS) as [Layer, readonly string[]][]).filter(([, places]) =>
        places.some((place) => (place.endsWith("/") ? file.startsWith(place) : file === place)),
    );
    return found.length === 1 ? found[0][0] : undefined;
}

/** The package modules `source` (a repository-relative path) imports, resolved to repository-relative paths. */
export function importsOf(file: string, source: string): string[] {
    const { importedFiles } = ts.preProcessFile(source, true, true);
    return importedFiles
        .map((imported) => imported.fileName)
        .filter((specifier) => specifier.startsWith("."))
        .map((specifier) => resolve(path.posix.join(path.posix.dirname(file), specifier)));
}

function resolve(target: string): string {
    const candidates = [target, `${target}.ts`, `${target}/index.ts`];
    return (
        candidates.find((candidate) => fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile()) ??
        `${target}.ts`
    );
}

/** Every import that crosses a boundary it may not, one line each. */
export function violations(modules: Record<string, string>): string[] {
    const found: string[] = [];
    for (const [file, source] of Object.entries(modules)) {
        const from = layerOf(file);
        for (const target of importsOf(file, source)) {
            const to = layerOf(target);
            if (!from || !to || from === to || MAY_IMPORT[from].includes(to)) {
                continue;
            }
            found.push(`${file} (${FACES[from] ?? from}) imports ${target} (${FACES[to] ?? to}), which ${from} may not import`);
        }
    }
    return found;
}

function packageModules(): Record<string, string> {
    const modules: Record<string, string> = {};
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
            const relative = path.posix.join(dir, entry.name);
            if (entry.isDirectory()) walk(relative);
            else if (entry.name.endsWith(".ts")) modules[relative] = fs.readFileSync(path.join(ROOT, relative), "utf8");
        }
    };
    walk("provider");
    return modules;
}

describe("import boundaries of provider/", () => {
    const modules = packageModules();

    it("places every module in exactly one layer", () => {
        expect(Object.keys(modules).filter((file) => layerOf(file) === undefined)).toEqual([]);
    });

    it("has no import a layer may not make: neither face imports the other, the core imports no face", () => {
        expect(violations(modules)).toEqual([]);
    });

    it("reads the imports there are", () => {
        // A check that reads no import would pass anything: the faces import the core.
        expect(importsOf("provider/provider.ts", modules["provider/provider.ts"])).toContain("provider/lifecycle/service.ts");
        expect(importsOf("provider/native/service.ts", modules["provider/native/service.ts"])).toContain("provider/lifecycle/service.ts");
    });

    describe("names each kind of crossing", () => {
        it.each([
            ["the native face importing the dynamic face", "provider/native/service.ts", 'import { ApiTokenProvider } from "../provider";'],
            [
                "the native face importing the dynamic face's type only",
                "provider/native/schema.ts",
                'import type { ApiTokenArgs } from "../apiToken";',
            ],
            ["the dynamic face importing the native face", "provider/provider.ts", 'import { outgoing } from "./native/wire";'],
            [
                "the stored provider's entry importing the native face",
                "provider/state/entry.ts",
                'export { serve } from "../native/server";',
            ],
            ["the core importing the dynamic face", "provider/lifecycle/service.ts", 'import { ApiTokenProvider } from "../provider";'],
            ["the core importing the native face", "provider/lifecycle/create.ts", 'const wire = require("../native/wire");'],
            ["the policy pack importing the core", "provider/policy/values.ts", 'import { isUnknown } from "../lifecycle/values";'],
            ["the emulator importing the client", "provider/emulator/server.ts", 'import { MailtrapClient } from "../client/client";'],
        ])("%s", (_label, file, line) => {
            const found = violations({ [file]: `${modules[file]}\n${line}\n` });
            expect(found).toHaveLength(1);
            expect(found[0]).toMatch(new RegExp(`^${file.replace(/[.]/g, "\\.")} \\(`));
        });
    });
});
