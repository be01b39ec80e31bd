import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./harness/captureProgram";
import { installPackedPackage, UserProject } from "./harness/packedInstall";

/**
 * Installing the packed tarball, as a user does, on the Node.js version this runs under (CI runs
 * it on Node 20 and, through scripts/test-on-node.sh, on 22 and 24): npm says nothing about this
 * package, and the project holds one copy of `@pulumi/pulumi`, the project's own.
 */
describe("installing the packed tarball", () => {
    let project: UserProject;

    beforeAll(() => {
        project = installPackedPackage();
    }, 300_000);

    afterAll(() => {
        project.remove();
    });

    it("prints no warning naming this package (npm 11 lists a tarball's `prepare` among install scripts)", () => {
        const ours = project.installLog.split("\n").filter((line) => /warn/i.test(line) && line.includes("pulumi-mailtrap-tokens"));
        expect(ours).toEqual([]);
        // The other install-scripts line npm prints is @pulumi/pulumi's dependency protobufjs, not ours.
        const packages = project.installLog.split("\n").filter((line) => /^npm warn install-scripts {3}\S+@/.test(line));
        expect(packages.filter((line) => !/ protobufjs@/.test(line))).toEqual([]);
    });

    it("packs a package.json without `prepare`, which the repository keeps for git-URL installs", () => {
        const packed = JSON.parse(execFileSync("tar", ["-xzOf", project.tarball, "package/package.json"], { encoding: "utf8" }));
        expect(packed.scripts.prepare).toBeUndefined();
        const repository = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8"));
        expect(repository.scripts.prepare).toBeDefined();
        expect({ ...packed.scripts, prepare: repository.scripts.prepare }).toEqual(repository.scripts);
    });

    it("leaves one copy of @pulumi/pulumi in the project, at the project's version", () => {
        const copies = execFileSync("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], { cwd: project.dir, encoding: "utf8" })
            .trim()
            .split("\n")
            .filter((line) => line.endsWith(path.join("@pulumi", "pulumi")));
        expect([...new Set(copies)]).toEqual([path.join(fs.realpathSync(project.dir), "node_modules", "@pulumi", "pulumi")]);
        const wanted = JSON.parse(fs.readFileSync(path.join(repoRoot(), "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"));
        const installed = JSON.parse(fs.readFileSync(path.join(project.dir, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"));
        expect(installed.version).toBe(wanted.version);
    });
});
