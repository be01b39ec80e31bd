/**
 * A renewal whose step fails, through Pulumi's dynamic-provider host and the emulator: whatever an
 * update issued reaches the state. A rolling token found past its expiry is deleted first and then
 * renewed by a new token; when that DELETE fails (a burst of 503s longer than the client's retries),
 * the renewal still happens and the expired token stays in the state, to be deleted at the next up.
 * The same under both API models: an expired token cannot be reset under either.
 */
import { ProviderOperationError } from "../../harness/providerHost";
import { Engine, RecordedResource } from "../../harness/engine";
import { PropertyMap } from "../../harness/providerHost";
import {
    DAY_MS,
    T0,
    ACCOUNT,
    stack,
    inputs,
    useRotationStack,
    daysLater,
    requestsOf,
    outputOf,
    create,
    tokensPath,
    tokenIdsOfTheName,
} from "./support";

/** Retries of the hosts in this file (MAILTRAP_MAX_RETRIES): a burst of MAX_RETRIES + 1 503s outlasts them. */
const MAX_RETRIES = 2;
const rolling: PropertyMap = { ...inputs, expiresInDays: 90 };

/**
 * What the engine records after an up of one resource: the new state when it succeeded; the state
 * the error carries when it failed after issuing (ErrorResourceInitFailed); the old state otherwise.
 */
async function up(engine: Engine, prior: RecordedResource): Promise<{ recorded: RecordedResource; error?: ProviderOperationError }> {
    try {
        return { recorded: (await engine.register("token", rolling, prior)).resource! };
    } catch (error) {
        if (!(error instanceof ProviderOperationError)) {
            throw error;
        }
        const failure = error.initFailure;
        return { recorded: failure ? { ...prior, id: failure.id, outputs: failure.properties } : prior, error };
    }
}

/** The token ids a recorded state holds: its live token and its previous one. */
function heldBy(resource: RecordedResource): number[] {
    return [resource.outputs.tokenId, resource.outputs.previousTokenId]
        .filter((id): id is number => typeof id === "number")
        .sort((a, b) => a - b);
}

/** Day 91: the rolling token created at T0 expired on day 90; every DELETE of it answers 503 until the client gives up. */
async function renewedWhileTheDeleteFails() {
    const resource = await create(rolling);
    const later = await daysLater(91);
    const expired = { method: "DELETE", path: `${tokensPath}/${String(resource.outputs.tokenId)}` };
    stack.emulator.injectFault({ ...expired, times: MAX_RETRIES + 1, fault: { kind: "status", status: 503 } });
    const step = await requestsOf(() => up(later, resource));
    stack.emulator.clearFaults();
    return { resource, later, expired, ...step.result, requests: step.requests };
}

describe("a renewal whose step fails through the dynamic-provider host", () => {
    const saved = process.env.MAILTRAP_MAX_RETRIES;
    beforeAll(() => {
        // Every host of this file inherits it, the later ones too: the 503 burst ends in a second.
        process.env.MAILTRAP_MAX_RETRIES = String(MAX_RETRIES);
    });
    afterAll(() => {
        if (saved === undefined) {
            delete process.env.MAILTRAP_MAX_RETRIES;
        } else {
            process.env.MAILTRAP_MAX_RETRIES = saved;
        }
    });
    useRotationStack();

    describe("a rolling token past its expiry whose DELETE fails (503 burst)", () => {
        it("deletes the expired token first, then issues the new one: the failed DELETE comes before any issue", async () => {
            const { expired, requests } = await renewedWhileTheDeleteFails();
            expect(requests).toEqual([...Array<typeof expired>(MAX_RETRIES + 1).fill(expired), { method: "POST", path: tokensPath }]);
        });

        it("every token of the resource's name the emulator holds is held by the recorded state", async () => {
            const { recorded } = await renewedWhileTheDeleteFails();
            expect(tokenIdsOfTheName()).toHaveLength(2);
            expect(heldBy(recorded)).toEqual(tokenIdsOfTheName());
        });

        it("the update succeeds with the new token in its outputs, live, its value the one the API issued", async () => {
            const { resource, recorded, error } = await renewedWhileTheDeleteFails();
            expect(error).toBeUndefined();
            expect(recorded.id).toBe(resource.id);
            const newId = recorded.outputs.tokenId as number;
            expect(newId).not.toBe(resource.outputs.tokenId);
            expect(recorded.outputs.token).toBe(stack.emulator.getToken(ACCOUNT, newId)!.token);
            expect(stack.emulator.isTokenValueLive(recorded.outputs.token as string)).toBe(true);
            expect(recorded.outputs).toMatchObject({
                valueExpiresAt: new Date(T0 + 181 * DAY_MS).toISOString(),
                rotationCount: 1,
            });
            expect((recorded.outputs.rotationHistory as { cause: string }[]).map((r) => r.cause)).toEqual(["expiry", "created"]);
        });

        it("keeps the expired token in the state as the previous token, retired by delete", async () => {
            const { resource, recorded } = await renewedWhileTheDeleteFails();
            const { previousTokenId, previousTokenExpiresAt, previousTokenRetiredBy } = recorded.outputs;
            expect({ previousTokenId, previousTokenExpiresAt, previousTokenRetiredBy }).toEqual({
                previousTokenId: resource.outputs.tokenId,
                previousTokenExpiresAt: new Date(T0 + 90 * DAY_MS).toISOString(),
                previousTokenRetiredBy: "delete",
            });
        });

        it("says in a line that the expired token stays in the stack and is deleted at the next up", async () => {
            const { resource, later } = await renewedWhileTheDeleteFails();
            const id = String(resource.outputs.tokenId);
            const pattern = new RegExp(`expired token ${id} stays in the stack and is deleted at the next pulumi up`);
            const line = (await outputOf(later.host, pattern)).split("\n").find((l) => pattern.test(l));
            expect(line).toMatch(
                new RegExp(
                    `^mailtrap: ApiToken "token" \\(Mailtrap token "ci-sending" ${id}\\): delete API token ${id} in account ${ACCOUNT} failed: HTTP 503\\b.*; expired token ${id} stays in the stack`,
                ),
            );
        });

        it("the next up deletes the expired token (one DELETE), after which the emulator holds only the new token", async () => {
            const { resource, recorded } = await renewedWhileTheDeleteFails();
            const next = await daysLater(92);
            const step = await requestsOf(() => next.register("token", rolling, recorded));
            expect(step.result.kind).toBe("update");
            expect(step.requests).toEqual([{ method: "DELETE", path: `${tokensPath}/${String(resource.outputs.tokenId)}` }]);
            const after = step.result.resource!;
            expect(after.outputs.previousTokenId).toBeUndefined();
            expect(after.outputs.tokenId).toBe(recorded.outputs.tokenId);
            expect(tokenIdsOfTheName()).toEqual([recorded.outputs.tokenId]);
        });
    });
});
