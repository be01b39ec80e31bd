import * as fs from "fs";
import * as path from "path";

/** This package's version, from the package.json above this file (source or compiled). */
export function packageVersion(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
            if (pkg.name === "pulumi-mailtrap-tokens" && pkg.version) return pkg.version;
        }
        if (path.dirname(dir) === dir) return "0.0.0";
    }
}
