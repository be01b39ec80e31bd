/**
 * `npm run demo`: the basic example's lifecycle, on a fresh machine, with no credentials and no
 * Pulumi CLI. It starts the Mailtrap emulator, runs the program under Pulumi's mocks to get the
 * serialized provider, and drives Pulumi's own dynamic-provider host as the engine would:
 * create, a preview of a rotation, the rotation, a refresh, destroy.
 */
import { MailtrapEmulator } from "../../provider/emulator/server";
import { runProgram, serializedProvider } from "../harness/captureProgram";
import { Engine, RecordedResource } from "../harness/engine";
import { ProviderHost } from "../harness/providerHost";
import { BASIC_EXAMPLE } from "../harness/stack";

const PROGRAM_PROJECT = "mailtrap-test";
/** The project the demo's token may read: examples/basic requires it, as `pulumi config set projectId 12345` would give it. */
const DEMO_PROJECT_ID = "12345";

function masked(value: unknown): string {
    const text = String(value ?? "");
    return text.length >= 4 ? `****${text.slice(-4)}` : "(none)";
}

async function main(): Promise<void> {
    const emulator = new MailtrapEmulator();
    const baseUrl = await emulator.start(0);
    const host = await ProviderHost.start();
    const say = (line = "") => console.log(line);
    const requestsSince = (from: number) => emulator.requests.slice(from).map((r) => `${r.method} ${r.path} -> ${r.status}`);
    try {
        say(`Mailtrap emulator on ${baseUrl}, account ${emulator.accountId}`);
        say(`Config given to examples/basic: projectId ${DEMO_PROJECT_ID}, rotation "1" (then "2")`);
        const program = async (rotation: string) => {
            const run = await runProgram(BASIC_EXAMPLE, {
                config: {
                    "mailtrap:accountId": String(emulator.accountId),
                    [`${PROGRAM_PROJECT}:projectId`]: DEMO_PROJECT_ID,
                    [`${PROGRAM_PROJECT}:rotation`]: rotation,
                },
            });
            const token = run.resources.find((r) => r.type === "pulumi-nodejs:dynamic/mailtrap:ApiToken")!;
            return { provider: serializedProvider(run.resources), name: token.name, inputs: token.inputs };
        };
        const first = await program("1");
        say(
            `Program examples/basic declares ApiToken "${first.name}"; its serialized provider is ${first.provider.length} bytes and holds no credential: ${!first.provider.includes(emulator.credential)}`,
        );
        await host.configure({
            "mailtrap:apiToken": emulator.credential,
            "mailtrap:accountId": String(emulator.accountId),
            "mailtrap:baseUrl": baseUrl,
        });
        const engine = new Engine(host, first.provider);

        const step = async (title: string, action: () => Promise<string[]>) => {
            const from = emulator.requests.length;
            const printedFrom = host.output().length;
            const lines = await action();
            say();
            say(title);
            lines.forEach((line) => say(`  ${line}`));
            const printed = host.output().slice(printedFrom).trim();
            if (printed) {
                printed.split("\n").forEach((line) => say(`  provider: ${line}`));
            }
            const requests = requestsSince(from);
            say(`  API requests: ${requests.length}${requests.length ? ` (${requests.join(", ")})` : ""}`);
        };

        let resource: RecordedResource | undefined;
        await step("1. pulumi up: create", async () => {
            const created = await engine.register(first.name, first.inputs);
            resource = created.resource!;
            return [
                `+ created token ${resource.outputs.tokenId} "${resource.outputs.name}", value ${masked(resource.outputs.token)} (secret)`,
            ];
        });

        const second = await program("2");
        await step("2. pulumi preview, after `pulumi config set rotation 2`", async () => {
            const preview = await engine.register(second.name, second.inputs, resource, { preview: true });
            return [`~ ${preview.kind}: rotate "1" -> "2" (a reset: new tokenId and value; resource id stays ${resource!.id})`];
        });

        await step("3. pulumi up: the rotation", async () => {
            const before = resource!;
            resource = (await engine.register(second.name, second.inputs, resource)).resource!;
            return [
                `~ updated: tokenId ${before.outputs.tokenId} -> ${resource.outputs.tokenId}, value ${masked(before.outputs.token)} -> ${masked(resource.outputs.token)}`,
                `  token ${resource.outputs.previousTokenId} keeps working until ${resource.outputs.previousTokenExpiresAt} (grace period)`,
            ];
        });

        await step("4. pulumi refresh", async () => {
            const refreshed = await engine.refresh(resource!);
            if (!refreshed) {
                throw new Error("the token vanished on refresh");
            }
            const kept = refreshed.outputs.token === resource!.outputs.token;
            resource = refreshed;
            return [`token ${refreshed.outputs.tokenId} is live; its value is kept in state: ${kept}`];
        });

        await step("5. pulumi destroy", async () => {
            await engine.destroy(resource!);
            const left = emulator.listTokens(emulator.accountId).filter((t) => t.name === resource!.outputs.name);
            return [
                `- deleted token ${resource!.outputs.tokenId}`,
                ...left.map((t) => `  token ${t.id} (the previous one) is left to expire at ${t.expires_at}`),
            ];
        });

        const printedEverything = host.output();
        if (printedEverything.includes(emulator.credential) || (resource && printedEverything.includes(String(resource.outputs.token)))) {
            throw new Error("a secret appeared in the provider's output");
        }
        say();
        say(`Done: ${emulator.requests.length} API requests in all; no secret appeared in the provider's output.`);
    } finally {
        await host.stop();
        await emulator.stop();
    }
}

main().catch((error: Error) => {
    console.error(`demo failed: ${error.message}`);
    process.exit(1);
});
