import * as path from "path";
import { repoRoot, runProgram } from "./harness/captureProgram";

/** examples/evidence, compiled and run under mocks: two rolling-expiry tokens and a report of their evidence. */
const PROGRAM = path.join(repoRoot(), "bin", "examples", "evidence", "index.js");

describe("examples/evidence", () => {
    it("declares two rolling-expiry tokens named per stack on the configured project, and exports a report", async () => {
        const run = await runProgram(PROGRAM, { config: { "mailtrap:accountId": "3229", "mailtrap-test:projectId": "4242" } });
        expect(run.resources.map((r) => [r.name, r.inputs.name, r.inputs.expiresInDays, r.inputs.rotateAfterDays])).toEqual([
            ["sending", expect.stringMatching(/^sending-/), 90, undefined],
            ["project-admin", expect.stringMatching(/^project-admin-/), 30, 20],
        ]);
        expect(run.resources.every((r) => (r.inputs.resources as { resourceId: number }[])[0].resourceId === 4242)).toBe(true);
        expect(Object.keys((run.exports as { rotationReport: Record<string, unknown> }).rotationReport)).toEqual(["sending", "admin"]);
    });

    it("refuses to run without projectId, naming it", async () => {
        await expect(runProgram(PROGRAM, { config: { "mailtrap:accountId": "3229" } })).rejects.toThrow(/projectId/);
    });
});
