import * as fs from "fs";
import * as path from "path";
import { packageSchema } from "../../provider/native/schema";
import { PACKAGE_VERSION } from "./support/native";
import { pluginArchive, timeToPortLine, unpackPlugin, writeNodeLauncher } from "./support/pluginBinary";
import { E2EWorkspace } from "./support/pulumi";

/**
 * The self-contained linux-amd64 plugin against today's Node launcher, in the same run: how long
 * each takes from start to the port line the engine waits for (alternating, five starts each,
 * the median kept), and the schema the executable serves (`pulumi package get-schema`), which
 * must be the one provider/native/schema.ts makes for this version: the bundle carries the
 * version and release.json as built.
 */
const STARTS = 5;
const ws = new E2EWorkspace("plugin-start");
const archive = pluginArchive(ws.context, PACKAGE_VERSION);
const describeWhenBuilt = archive ? describe : describe.skip;
if (!archive) process.stderr.write("pluginStart.e2e skipped: no self-contained plugin was built (see test:e2e's lines)\n");

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describeWhenBuilt("the self-contained plugin (linux-amd64) beside the Node launcher", () => {
    let binary: string;
    let launcher: string;

    beforeAll(() => {
        binary = unpackPlugin(archive!, path.join(ws.dir, "binary"));
        launcher = writeNodeLauncher(ws.context, path.join(ws.dir, "node"));
    });

    it("reaches the port line the engine waits for, as the Node launcher does; the times of both go to the report", async () => {
        const times: Record<"binary" | "node", number[]> = { binary: [], node: [] };
        for (let i = 0; i < STARTS; i++) {
            times.binary.push(await timeToPortLine(binary));
            times.node.push(await timeToPortLine(launcher));
        }
        const line = (kind: "binary" | "node", what: string) =>
            `${what}: median ${median(times[kind]).toFixed(0)} ms to the port line (${times[kind].map((ms) => ms.toFixed(0)).join(", ")})`;
        const report = [line("binary", "self-contained (Bun) executable"), line("node", "Node launcher (node main.js)")].join("\n");
        console.log(report);
        ws.record("plugin-start.txt", report);
        // Timings belong in the report, not in an assertion: a shared machine's noise must not fail the suite.
        expect(times.binary.every((ms) => Number.isFinite(ms) && ms > 0)).toBe(true);
        expect(times.node.every((ms) => Number.isFinite(ms) && ms > 0)).toBe(true);
    });

    it("serves, through `pulumi package get-schema`, the schema provider/native/schema.ts makes for this version", async () => {
        const got = await ws.pulumi(ws.dir, ["package", "get-schema", binary]);

        expect(JSON.parse(got.stdout)).toEqual(JSON.parse(JSON.stringify(packageSchema(PACKAGE_VERSION))));
    });

    it("is one file beside its licence", () => {
        expect(fs.readdirSync(path.dirname(binary)).sort()).toEqual(["LICENSE", "pulumi-resource-mailtrap"]);
        ws.record(
            "plugin-size.txt",
            `${path.basename(archive!)}: ${(fs.statSync(archive!).size / 1048576).toFixed(1)} MiB packed, ` +
                `executable ${(fs.statSync(binary).size / 1048576).toFixed(1)} MiB`,
        );
    });
});
