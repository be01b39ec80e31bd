import * as fs from "fs";
import * as path from "path";

/**
 * Set by scripts/build-plugins.sh (`bun build --define`) in the self-contained plugin, whose code
 * has no package.json beside it: the package's version.
 */
declare const MAILTRAP_PLUGIN_VERSION: string | undefined;

/** This package's version, from the package.json above this file (source or compiled), or the one built into the plugin. */
export function packageVersion(): string {
    if (typeof MAILTRAP_PLUGIN_VERSION === "string") return MAILTRAP_PLUGIN_VERSION;
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
            if (pkg.name === "pulumi-mailtrap-tokens" && pkg.version) return pkg.version;
        }
        if (path.dirname(dir) === dir) return "0.0.0";
    }
}
