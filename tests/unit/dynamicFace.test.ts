/**
 * The dynamic face (provider/provider.ts) translates the dynamic-provider wire only: the keys it
 * adds to a resource's inputs (`__provider` from the engine, `__resourceName` and `__resourceKey`
 * from the `ApiToken` class) are taken off before the token service sees the inputs, name the
 * resource in the service's lines, and stay recorded in the checked inputs.
 */
import { ApiTokenProvider } from "../../provider/provider";

const NOW = Date.parse("2031-01-01T00:00:00Z");
const WIRE = { __provider: "exports.handler = __f0;", __resourceName: "ci", __resourceKey: "urn:parent::ci" };
const USER = { name: "ci-sending", accountId: 3229, resources: [] };

describe("the dynamic provider", () => {
    const saved = { now: process.env.MAILTRAP_PROVIDER_NOW };
    beforeAll(() => {
        process.env.MAILTRAP_PROVIDER_NOW = String(NOW);
    });
    afterAll(() => {
        if (saved.now === undefined) delete process.env.MAILTRAP_PROVIDER_NOW;
        else process.env.MAILTRAP_PROVIDER_NOW = saved.now;
    });
    afterEach(() => jest.restoreAllMocks());

    it("checks the user's inputs only, and records the wire's keys with them", async () => {
        const result = await new ApiTokenProvider().check({}, { ...USER, ...WIRE });
        expect(result.failures).toEqual([]);
        expect(result.inputs).toEqual({ ...USER, ...WIRE });
    });

    it("still reports a key the user made up", async () => {
        const result = await new ApiTokenProvider().check({}, { ...USER, ...WIRE, __mine: 1 });
        expect(result.failures).toEqual([expect.objectContaining({ property: "__mine" })]);
    });

    it("names the resource in the lines of a diff by the name the ApiToken class gave it", async () => {
        const lines: string[] = [];
        jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
        const stored = {
            ...USER,
            expiresAt: null,
            rotate: "v1",
            tokenId: 1005,
            token: "value",
            last4Digits: "1005",
            createdBy: "someone",
            issuedAt: new Date(NOW - 1000).toISOString(),
            valueExpiresAt: null,
            issuedExpiresAt: null,
            previousTokens: [],
            rotationCount: 0,
            nextRotationAt: null,
            rotationHistory: [],
            stateVersion: 4,
        };
        const diff = await new ApiTokenProvider().diff("1005", stored, { ...USER, ...WIRE, rotate: "v2" });
        expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
        expect(lines).toEqual([expect.stringContaining('ApiToken "ci" (Mailtrap token "ci-sending" 1005) will rotate')]);
    });
});
