/**
 * What the scenarios of the native provider share: its resource type, the version the package
 * (and so the plugin) carries, the start of a Node program declaring `mailtrap:index:ApiToken`
 * without a generated SDK, and the plugin on PATH.
 */
import * as fs from "fs";
import * as path from "path";
import { OUTPUT_NAMES as API_TOKEN_OUTPUT_NAMES } from "../../../provider/lifecycle/properties";
import { API_TOKEN_TYPE as NATIVE_TYPE } from "../../../provider/native/schema";
import { repoRoot } from "../../harness/captureProgram";
import { PluginKind, pluginKind, writePlugin } from "./pluginBinary";
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
 * the self-contained build (or, with MAILTRAP_E2E_PLUGIN=node, a script running the installed
 * package's `bin/provider/native/main.js`; ./pluginBinary). The workspace puts the CLI first on
 * PATH, then this process's PATH, which this extends. Returns which plugin it is.
 */
export function putPluginOnPath(ws: E2EWorkspace): PluginKind {
    const pluginDir = path.join(ws.dir, "plugin-bin");
    const kind = pluginKind(ws.context, PACKAGE_VERSION);
    writePlugin(ws.context, PACKAGE_VERSION, kind, pluginDir);
    process.env.PATH = `${pluginDir}${path.delimiter}${process.env.PATH ?? ""}`;
    return kind;
}
