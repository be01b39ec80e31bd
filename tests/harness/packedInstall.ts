import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "./captureProgram";

/** A fresh project with the packed package installed, as a user would have it. */
export interface UserProject {
    dir: string;
    tarball: string;
    remove(): void;
}

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * Packs the repository (its build must be current) and installs the tarball into a new temporary
 * project, next to the same `@pulumi/pulumi` version the repository uses.
 */
export function installPackedPackage(): UserProject {
    const root = repoRoot();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailtrap-tokens-user-"));
    const packed = execFileSync(NPM, ["pack", "--silent", "--pack-destination", dir], { cwd: root, encoding: "utf8" });
    const tarball = path.join(dir, packed.trim().split("\n").pop()!);
    const pulumiManifest = path.join(root, "node_modules", "@pulumi", "pulumi", "package.json");
    const pulumiVersion = (JSON.parse(fs.readFileSync(pulumiManifest, "utf8")) as { version: string }).version;
    fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({
            name: "user-project",
            private: true,
            dependencies: { "@pulumi/pulumi": pulumiVersion, "pulumi-mailtrap-tokens": `file:${tarball}` },
        }),
    );
    execFileSync(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
        cwd: dir,
        stdio: "pipe",
        timeout: 240_000,
    });
    return { dir, tarball, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A one-token program using the installed package, compiled to `index.js` in the project. */
export function writeUserProgram(project: UserProject): string {
    fs.writeFileSync(
        path.join(project.dir, "index.ts"),
        [
            'import { ApiToken, ApiTokenArgs, ApiTokenInfo, getApiTokens } from "pulumi-mailtrap-tokens";',
            'const args: ApiTokenArgs = { name: "from-the-package", resources: [{ resourceType: "inbox", resourceId: 7, accessLevel: "viewer" }], rotate: 1 };',
            'const token = new ApiToken("user-token", args);',
            "export const tokenId = token.tokenId;",
            "export const listing: (a?: { accountId?: number }) => Promise<ApiTokenInfo[]> = getApiTokens;",
        ].join("\n"),
    );
    fs.writeFileSync(
        path.join(project.dir, "tsconfig.json"),
        JSON.stringify({
            compilerOptions: { strict: true, target: "ES2020", module: "commonjs", esModuleInterop: true, skipLibCheck: true, types: [] },
            files: ["index.ts"],
        }),
    );
    const tsc = path.join(repoRoot(), "node_modules", "typescript", "bin", "tsc");
    execFileSync(process.execPath, [tsc, "-p", project.dir], { cwd: project.dir, stdio: "pipe" });
    return path.join(project.dir, "index.js");
}
