/**
 * A create or update that fails after it issued a token hands the engine what it issued: the error
 * carries the resource's `id` and the outputs holding the token as `properties` (the host turns
 * that into ErrorResourceInitFailed, which the engine stores), with `__provider` added, since the
 * host adds it only on success. The lifecycle no longer fails after an issue, so the lifecycle
 * functions are made to throw StepFailedAfterIssue here.
 */
import * as createModule from "../../provider/lifecycle/create";
import * as rotateModule from "../../provider/lifecycle/rotate";
import { StepFailedAfterIssue } from "../../provider/lifecycle/stepFailure";
import { ApiTokenProvider } from "../../provider/provider";
import { ApiTokenState } from "../../provider/types";

const SERIALIZED_PROVIDER = "exports.handler = __f0; // the serialized provider, as the engine sends it";
const INPUTS = {
    name: "ci-sending",
    accountId: 3229,
    resources: [{ resourceType: "project", resourceId: 42, accessLevel: "viewer" }],
    rotate: "2",
    __resourceName: "token",
    __provider: SERIALIZED_PROVIDER,
};

/** What a step left issued: token 1005 live, the token before it still held as the previous one. */
const ISSUED: ApiTokenState = {
    name: "ci-sending",
    accountId: 3229,
    resources: [{ resourceType: "project", resourceId: 42, accessLevel: "viewer" }],
    expiresAt: null,
    rotate: "2",
    tokenId: 1005,
    token: "f37570698f2597b4f5be5c938d671005",
    last4Digits: "1005",
    createdBy: "Emulator admin",
    issuedAt: "2031-03-01T09:00:00.000Z",
    valueExpiresAt: null,
    issuedExpiresAt: null,
    issuedResources: [{ resourceType: "project", resourceId: 42, accessLevel: "viewer" }],
    previousTokens: [{ tokenId: 1002, expiresAt: "2031-03-01T21:00:00.000Z", retiredBy: "delete" }],
    previousTokenId: 1002,
    previousTokenExpiresAt: "2031-03-01T21:00:00.000Z",
    previousTokenRetiredBy: "delete",
    rotationCount: 1,
    nextRotationAt: null,
    rotationHistory: [{ tokenId: 1005, last4Digits: "1005", issuedAt: "2031-03-01T09:00:00.000Z", cause: "trigger" }],
    stateVersion: 5,
};

/** The olds of the update: the state before the step (token 1002), as the engine sends it. */
const OLDS = {
    ...ISSUED,
    rotate: "1",
    tokenId: 1002,
    token: "f37570698f2597b4f5be5c938d671002",
    last4Digits: "1002",
    previousTokens: [],
    previousTokenId: undefined,
    previousTokenExpiresAt: undefined,
    previousTokenRetiredBy: undefined,
    rotationCount: 0,
    __provider: SERIALIZED_PROVIDER,
};

const failedAfterIssue = () =>
    new StepFailedAfterIssue("mailtrap: delete API token 1002 in account 3229 failed: HTTP 503: Service Unavailable", ISSUED);

async function failureOf(step: Promise<unknown>): Promise<Error & { id?: unknown; properties?: Record<string, unknown> }> {
    const failure = await step.then(
        () => undefined,
        (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    return failure as Error & { id?: unknown; properties?: Record<string, unknown> };
}

describe("a create or update that fails after it issued a token", () => {
    const savedToken = process.env.MAILTRAP_API_TOKEN;
    beforeAll(() => {
        // The provider refuses to reach the lifecycle without a credential.
        process.env.MAILTRAP_API_TOKEN = "unit0credential00000000000000000000";
    });
    afterAll(() => {
        if (savedToken === undefined) {
            delete process.env.MAILTRAP_API_TOKEN;
        } else {
            process.env.MAILTRAP_API_TOKEN = savedToken;
        }
    });
    afterEach(() => jest.restoreAllMocks());

    describe("update", () => {
        it("throws an error carrying the resource's id and the outputs that hold the issued token", async () => {
            jest.spyOn(rotateModule, "rotateApiToken").mockRejectedValue(failedAfterIssue());
            const failure = await failureOf(new ApiTokenProvider().update("1002", OLDS, INPUTS));
            expect(failure.id).toBe("1002");
            expect(failure.properties).toMatchObject({ ...ISSUED });
        });

        it("adds the inputs' __provider to the properties, so the stored resource can load its provider", async () => {
            jest.spyOn(rotateModule, "rotateApiToken").mockRejectedValue(failedAfterIssue());
            const failure = await failureOf(new ApiTokenProvider().update("1002", OLDS, INPUTS));
            expect(failure.properties!.__provider).toBe(SERIALIZED_PROVIDER);
        });

        it("keeps the step's message, in one line", async () => {
            jest.spyOn(rotateModule, "rotateApiToken").mockRejectedValue(failedAfterIssue());
            const failure = await failureOf(new ApiTokenProvider().update("1002", OLDS, INPUTS));
            expect(failure.message).toBe("mailtrap: delete API token 1002 in account 3229 failed: HTTP 503: Service Unavailable");
            expect(failure.message).not.toContain("\n");
        });

        it("passes any other error through unchanged, with no id or properties", async () => {
            const other = new Error("mailtrap: reset API token 1002 in account 3229 failed: HTTP 403: Access forbidden");
            jest.spyOn(rotateModule, "rotateApiToken").mockRejectedValue(other);
            const failure = await failureOf(new ApiTokenProvider().update("1002", OLDS, INPUTS));
            expect(failure).toBe(other);
            expect(failure.id).toBeUndefined();
            expect(failure.properties).toBeUndefined();
        });
    });

    describe("create", () => {
        it("throws an error whose id is the issued token's and whose properties hold it, with the inputs' __provider", async () => {
            jest.spyOn(createModule, "createApiToken").mockRejectedValue(failedAfterIssue());
            const failure = await failureOf(new ApiTokenProvider().create(INPUTS));
            expect(failure.id).toBe("1005");
            expect(failure.properties).toMatchObject({ ...ISSUED, __provider: SERIALIZED_PROVIDER });
            expect(failure.message).not.toContain("\n");
        });
    });
});
