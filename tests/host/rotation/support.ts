/**
 * What every rotation specification shares: a stack per test whose provider clock and emulator
 * clock start at T0, later `pulumi up`s as new host processes "days later", and readers of the
 * requests a step made and of what a host printed. A spec file calls `useRotationStack()` once,
 * inside its top-level describe.
 */
import { MailtrapEmulator } from "../../../provider/emulator/server";
import { Engine, RecordedResource } from "../../harness/engine";
import { PropertyMap, ProviderHost } from "../../harness/providerHost";
import { startStack, TestStack } from "../../harness/stack";
import { WITHOUT_ACCOUNT } from "../../harness/apiModel";

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
/** "Now" for the first `pulumi up`: whole milliseconds, so ages come out exact. */
export const T0 = Date.parse("2031-03-01T09:00:00.000Z");
export const ACCOUNT = 3229;

/** What the provider prints when a preview renews a token's value (rotation or rotation by replacement). */
export const ROTATION_NOTICE = /will (rotate|be replaced)/;

export let stack: TestStack;
let laterHosts: ProviderHost[] = [];

export const inputs: PropertyMap = {
    name: "ci-sending",
    resources: [{ resourceType: "project", resourceId: 42, accessLevel: "viewer" }],
    rotate: "1",
};

/** Registers the spec file's hooks: a fresh stack at T0 for every test, and every later host stopped after it. */
export function useRotationStack(): void {
    beforeEach(async () => {
        stack = await startStack({ hostEnv: { MAILTRAP_PROVIDER_NOW: new Date(T0).toISOString() } });
        stack.emulator.setNow(T0);
    });
    afterEach(async () => {
        await Promise.all(laterHosts.map((host) => host.stop()));
        laterHosts = [];
        await stack.stop();
    });
}

/** A later `pulumi up`: a new host whose provider clock reads T0 + days; the emulator's clock moves along. */
export async function daysLater(days: number): Promise<Engine> {
    const now = T0 + days * DAY_MS;
    const host = await ProviderHost.start({
        env: {
            MAILTRAP_API_TOKEN: undefined,
            MAILTRAP_ACCOUNT_ID: undefined,
            MAILTRAP_BASE_URL: undefined,
            MAILTRAP_PROVIDER_NOW: new Date(now).toISOString(),
        },
    });
    laterHosts.push(host);
    await host.configure(stack.config);
    stack.emulator.setNow(now);
    return new Engine(host, stack.engine.serializedProvider);
}

/** Runs a step and returns what it returned and the requests it made, in order. */
export async function requestsOf<T>(step: () => Promise<T>): Promise<{ result: T; requests: { method: string; path: string }[] }> {
    stack.emulator.clearRequests();
    const result = await step();
    return { result, requests: stack.emulator.requests.map(({ method, path }) => ({ method, path })) };
}

/**
 * What a host printed, once it has arrived: the provider's console output and the gRPC answer
 * travel on different pipes. With a pattern, waits (bounded) for it; without one, waits for a
 * marker line the provider prints after everything before it, so nothing in flight is missed.
 */
export async function outputOf(host: ProviderHost, expected?: RegExp): Promise<string> {
    if (!expected) {
        return outputBefore(host, await printMarker(host));
    }
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !expected.test(host.output())) {
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return host.output();
}

let markers = 0;
/** Has the provider print a line naming a fresh marker (a preview diff of a trigger change: no request). */
async function printMarker(host: ProviderHost): Promise<string> {
    const marker = `output-marker-${++markers}`;
    const engine = new Engine(host, stack.engine.serializedProvider);
    const prior: RecordedResource = {
        urn: engine.urn(marker),
        id: "1",
        inputs: {},
        outputs: {
            name: marker,
            accountId: ACCOUNT,
            resources: [],
            expiresAt: null,
            rotate: "a",
            tokenId: 1,
            token: "x",
            issuedAt: new Date(T0).toISOString(),
        },
    };
    await engine.register(marker, { name: marker, rotate: "b" }, prior, { preview: true });
    return marker;
}

async function outputBefore(host: ProviderHost, marker: string): Promise<string> {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !host.output().includes(marker)) {
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const output = host.output();
    expect(output).toContain(marker);
    return output.slice(0, output.indexOf(marker));
}

export async function create(programInputs: PropertyMap): Promise<RecordedResource> {
    const step = await stack.engine.register("token", programInputs);
    expect(step.kind).toBe("create");
    return step.resource!;
}

/** The routes the provider uses: the account's, or without an account (MAILTRAP_TEST_ACCOUNT=none). */
export const tokensPath = WITHOUT_ACCOUNT ? "/api/api_tokens" : `/api/accounts/${ACCOUNT}/api_tokens`;
export const resetOf = (tokenId: unknown) => ({ method: "POST", path: `${tokensPath}/${String(tokenId)}/reset` });

/** The token ids an emulator holds under the specs' token name, live or expired, in order. */
export function tokenIdsOfTheName(emulator: MailtrapEmulator = stack.emulator): number[] {
    return emulator
        .listTokens(ACCOUNT)
        .filter((t) => t.name === inputs.name)
        .map((t) => t.id)
        .sort((a, b) => a - b);
}
