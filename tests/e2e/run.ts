/**
 * `npm run test:e2e`: the real Pulumi CLI path, through the Automation API, against the emulator:
 * `up`, `preview` of a rotation, `up`, `refresh`, `stack export` (the token value only encrypted),
 * `destroy`. The program is the repository's own project (Pulumi.yaml, examples/basic), with a
 * local file backend and a passphrase secrets provider. Without the `pulumi` CLI on PATH it says
 * so in one line and exits 0 without claiming a pass.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MailtrapEmulator } from "../../provider/emulator/server";
import { repoRoot } from "../harness/captureProgram";

function pulumiOnPath(): boolean {
    try {
        execFileSync("pulumi", ["version"], { stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

async function main(): Promise<void> {
    if (!pulumiOnPath()) {
        console.log("test:e2e skipped: the pulumi CLI is not on PATH (https://www.pulumi.com/docs/install/); nothing was tested");
        return;
    }
    // Loaded only when the CLI is present: the Automation API is of no use without it.
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const root = repoRoot();
    const backend = fs.mkdtempSync(path.join(os.tmpdir(), "mailtrap-tokens-e2e-"));
    const emulator = new MailtrapEmulator();
    const baseUrl = await emulator.start(0);
    const stackName = `e2e-${process.pid}`;
    const step = (text: string) => console.log(`e2e: ${text}`);
    const envVars = {
        PULUMI_BACKEND_URL: `file://${backend}`,
        PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: root }, { envVars });
    try {
        await stack.setAllConfig({
            "mailtrap:apiToken": { value: emulator.credential, secret: true },
            "mailtrap:accountId": { value: String(emulator.accountId) },
            "mailtrap:baseUrl": { value: baseUrl },
            rotation: { value: "1" },
        });

        const first = await stack.up();
        const tokenId = first.outputs.tokenId.value as number;
        const token = first.outputs.token;
        assert.strictEqual(token.secret, true, "the token output is a secret");
        assert.strictEqual(token.value, emulator.getToken(emulator.accountId, tokenId)?.token);
        step(`up created token ${tokenId}`);

        await stack.setConfig("rotation", { value: "2" });
        const preview = await stack.preview();
        assert.strictEqual(
            preview.changeSummary.update,
            1,
            `the rotation previews as one update: ${JSON.stringify(preview.changeSummary)}`,
        );
        assert.strictEqual(preview.changeSummary.replace ?? 0, 0);
        step("preview shows the rotation as an update");

        const second = await stack.up();
        const rotatedId = second.outputs.tokenId.value as number;
        assert.notStrictEqual(rotatedId, tokenId, "the rotation issues a new token");
        assert.strictEqual(second.outputs.token.value, emulator.getToken(emulator.accountId, rotatedId)?.token);
        step(`up rotated to token ${rotatedId}`);

        await stack.refresh();
        const refreshed = await stack.outputs();
        assert.strictEqual(refreshed.token.value, second.outputs.token.value, "refresh keeps the token value");
        step("refresh kept the value");

        const exported = JSON.stringify(await stack.exportStack());
        for (const value of [emulator.credential, first.outputs.token.value as string, second.outputs.token.value as string]) {
            assert.ok(!exported.includes(value), "no secret appears in plain text in the exported state");
        }
        assert.ok(exported.includes("ciphertext"), "the token is stored encrypted");
        step("stack export holds the token only encrypted");

        await stack.destroy();
        assert.strictEqual(emulator.getToken(emulator.accountId, rotatedId), undefined, "destroy deleted the live token");
        step("destroy deleted the token");
        console.log("test:e2e passed");
    } finally {
        await stack.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
        fs.rmSync(path.join(root, `Pulumi.${stackName}.yaml`), { force: true });
        fs.rmSync(backend, { recursive: true, force: true });
        await emulator.stop();
    }
}

main().catch((error: Error) => {
    console.error(`test:e2e failed: ${error.message}`);
    process.exit(1);
});
