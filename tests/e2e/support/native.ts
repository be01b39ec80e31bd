/**
 * What the scenarios of the native provider share: its resource type, the version the package
 * (and so the plugin) carries, the start of a Node program declaring `mailtrap:index:ApiToken`
 * without a generated SDK, and the plugin served from the installed package on PATH.
 */
import * as fs from "fs";
import * as path from "path";
import { API_TOKEN_OUTPUT_NAMES } from "../../../provider/apiToken";
import { API_TOKEN_TYPE as NATIVE_TYPE } from "../../../provider/native/schema";
import { repoRoot } from "../../harness/captureProgram";
import { E2EWorkspace } from "./pulumi";

export { NATIVE_TYPE };
export const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")) as { version: string }).version;

/**
 * A program's start: `nativeToken(name, args, opts)`, a `pulumi.CustomResource` over
 * `mailtrap:index:ApiToken` with every output declared; with `version`, it asks the engine for the
 * plugin of that version (as generated SDKs do).
 */
export function nativeImports(options: { version?: string } = {}): string {
    const version = options.version ? `version: "${options.version}", ` : "";
    return `
const pulumi = require("@pulumi/pulumi");
const config = new pulumi.Config();
const OUTPUTS = ${JSON.stringify(API_TOKEN_OUTPUT_NAMES)};
function nativeToken(name, args, opts) {
    const props = { name: undefined, accountId: undefined, resources: undefined, expiresAt: undefined, rotate: undefined,
        rotateAfterDays: undefined, expiresInDays: undefined, adoptTokenId: undefined };
    for (const key of OUTPUTS) props[key] = undefined;
    return new pulumi.CustomResource("${NATIVE_TYPE}", name, { ...props, ...args }, { ${version}...opts });
}
`;
}

/**
 * The plugin as the engine finds it first: an executable named pulumi-resource-mailtrap on PATH,
 * a two-line script running the installed package's `bin/provider/native/main.js`. The workspace
 * puts the CLI first on PATH, then this process's PATH, which this extends.
 */
export function putPluginOnPath(ws: E2EWorkspace): void {
    const pluginDir = path.join(ws.dir, "plugin-bin");
    fs.mkdirSync(pluginDir);
    const main = path.join(ws.context.packageDir, "node_modules", "pulumi-mailtrap-tokens", "bin", "provider", "native", "main.js");
    if (!fs.existsSync(main)) throw new Error(`the installed package has no ${main}`);
    fs.writeFileSync(path.join(pluginDir, "pulumi-resource-mailtrap"), `#!/bin/sh\nexec "${process.execPath}" "${main}" "$@"\n`, {
        mode: 0o755,
    });
    process.env.PATH = `${pluginDir}${path.delimiter}${process.env.PATH ?? ""}`;
}
