/**
 * The histories' stack through Pulumi's own dynamic-provider host, as the engine drives it: every
 * `up`, preview, refresh and destroy starts a new host process (tests/harness/providerHost.ts)
 * whose provider clock is MAILTRAP_PROVIDER_NOW at the stack's clock, configures it, and calls
 * check, diff, create, update, read and delete over gRPC; everything crosses the wire, the stored
 * provider is deserialized by the host, and a partial create or update comes back as the engine
 * receives it (an init failure carrying the resource's state).
 *
 * The resources carry the provider a stack stores (`__provider` as the latest golden state records
 * it, the same bytes a packed install serializes: a forwarder to `require("pulumi-mailtrap-tokens/state")`),
 * and each host runs in a project whose node_modules links this package, so the host runs this
 * build. The provider the repository serializes from source embeds the whole lifecycle (about
 * 150 KB): a partial update carrying it exceeds what a gRPC trailer holds, and the call hangs.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ApiModel } from "../../provider/emulator/types";
import { ApiTokenState } from "../../provider/types";
import { WITHOUT_ACCOUNT } from "../harness/apiModel";
import { repoRoot } from "../harness/captureProgram";
import { goldenStates } from "../harness/goldenState";
import { PropertyMap, ProviderHost, ProviderOperationError, resourceUrn } from "../harness/providerHost";
import { EngineStack, ProviderProcess, RESOURCE } from "./historyStack";

/** As the in-process stack's client: one retry, no pacing; the retry timing has its own specs. */
const CONFIG = {
    "mailtrap:maxRetries": "1",
    "mailtrap:requestsPer10Seconds": "0",
    "mailtrap:operationTimeoutMs": "60000",
};

export class HostHistoryStack extends EngineStack {
    static async start(apiModel: ApiModel): Promise<HostHistoryStack> {
        return new HostHistoryStack(await EngineStack.emulatorAt(apiModel));
    }

    /** One host process: started with the stack's clock, configured, its output added to `notices` once it has exited. */
    protected async inProviderProcess<T>(step: (provider: ProviderProcess) => Promise<T>): Promise<T> {
        const host = await ProviderHost.start({
            cwd: linkedProject(),
            env: {
                MAILTRAP_API_TOKEN: undefined,
                MAILTRAP_ACCOUNT_ID: undefined,
                MAILTRAP_BASE_URL: undefined,
                MAILTRAP_PROVIDER_NOW: new Date(this.now).toISOString(),
            },
        });
        try {
            await host.configure({
                "mailtrap:apiToken": this.emulator.credential,
                ...(WITHOUT_ACCOUNT ? {} : { "mailtrap:accountId": String(this.emulator.accountId) }),
                "mailtrap:baseUrl": this.emulator.baseUrl,
                ...CONFIG,
            });
            return await step(throughHost(host, storedProvider()));
        } finally {
            const output = await host.stopAndReadOutput();
            this.notices.push(...output.split("\n").filter((line) => line !== ""));
        }
    }
}

/** The dynamic provider's methods as the engine calls them on the host: the stored provider in every resource's inputs. */
function throughHost(host: ProviderHost, provider: string): ProviderProcess {
    const urnOf = (props: PropertyMap) => resourceUrn(typeof props.__resourceName === "string" ? props.__resourceName : RESOURCE);
    return {
        check: (olds, news) => host.check(urnOf(news), olds, { ...news, __provider: provider }),
        diff: async (id, olds, news) => {
            const diff = await host.diff(id, urnOf(news), olds as unknown as PropertyMap, news);
            return { changes: diff.changes === "unknown" ? undefined : diff.changes === "some", replaces: diff.replaces };
        },
        create: async (inputs) => {
            const created = await host.create(urnOf(inputs), inputs).catch(asPartial);
            return { id: created.id, outs: created.properties };
        },
        read: async (id, props) => {
            const read = await host.read(id, resourceUrn(RESOURCE), (props ?? {}) as unknown as PropertyMap);
            return read.id ? { id: read.id, props: read.properties } : {};
        },
        update: async (id, olds, news) => {
            const updated = await host.update(id, urnOf(news), olds as unknown as PropertyMap, news).catch(asPartial);
            return { outs: updated.properties };
        },
        delete: (id, props) => host.delete(id, resourceUrn(RESOURCE), props as unknown as PropertyMap),
    };
}

/** A create or update that failed after it issued a token: the engine records the init failure's id and properties. */
function asPartial(error: unknown): never {
    if (error instanceof ProviderOperationError && error.initFailure) {
        throw Object.assign(error, { id: error.initFailure.id, properties: error.initFailure.properties as unknown as ApiTokenState });
    }
    throw error;
}

let cachedProvider: string | undefined;

/** The `__provider` a stack stores, as the latest golden state records it. */
export function storedProvider(): string {
    if (cachedProvider === undefined) {
        const latest = goldenStates().at(-1)!;
        const provider = latest.resources[0].inputs.__provider as string;
        const requires = [...provider.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
        if (requires.join() !== "pulumi-mailtrap-tokens/state") {
            throw new Error(
                `the stored provider of golden state ${latest.version} requires ${requires.join(", ")}, not the state entry only`,
            );
        }
        cachedProvider = provider;
    }
    return cachedProvider;
}

/**
 * A project whose node_modules/pulumi-mailtrap-tokens is this repository: one per checkout, in the
 * temporary folder, made once and kept (it holds a link only), so a run killed midway leaves nothing new.
 */
export function linkedProject(): string {
    const root = repoRoot();
    const dir = path.join(os.tmpdir(), `mailtrap-histories-host-${createHash("sha256").update(root).digest("hex").slice(0, 12)}`);
    const link = path.join(dir, "node_modules", "pulumi-mailtrap-tokens");
    fs.mkdirSync(path.dirname(link), { recursive: true });
    try {
        fs.symlinkSync(root, link, "dir");
    } catch (error) {
        // Made by an earlier run or by another test process at the same time.
        if ((error as NodeJS.ErrnoException).code !== "EEXIST" || fs.realpathSync(link) !== fs.realpathSync(root)) throw error;
    }
    return dir;
}
