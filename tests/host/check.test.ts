import { PropertyMap, UNKNOWN } from "../harness/providerHost";
import { startStack, TestStack } from "../harness/stack";

/** Bad input is refused by check, through the host, before any API call. */
describe("check through the dynamic-provider host", () => {
    let stack: TestStack;
    const valid: PropertyMap = { name: "ci", resources: [{ resourceType: "inbox", resourceId: 7, accessLevel: "admin" }] };
    const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

    beforeAll(async () => {
        stack = await startStack();
    });
    afterAll(async () => {
        await stack.stop();
    });
    beforeEach(() => stack.emulator.clearRequests());
    afterEach(() => expect(stack.emulator.requests).toHaveLength(0));

    async function failuresFor(news: PropertyMap) {
        const urn = stack.engine.urn("token");
        return (await stack.host.check(urn, {}, { ...news, __provider: stack.engine.serializedProvider })).failures;
    }

    it("accepts valid inputs and fills the account from config", async () => {
        const urn = stack.engine.urn("token");
        const checked = await stack.host.check(urn, {}, { ...valid, __provider: stack.engine.serializedProvider });
        expect(checked.failures).toEqual([]);
        expect(checked.inputs.accountId).toBe(3229);
    });

    it.each<[string, PropertyMap, string, RegExp]>([
        ["a missing name", { name: undefined }, "name", /is required and must be a string of 1 to 255 characters/],
        ["a name of only spaces", { name: "   " }, "name", /other than spaces/],
        ["a name over 255 characters", { name: "n".repeat(256) }, "name", /at most 255 characters/],
        ["a name that is a number", { name: 5 }, "name", /must be a string/],
        ["accountId 0", { accountId: 0 }, "accountId", /positive integer/],
        ["accountId as text", { accountId: "3229" }, "accountId", /positive integer/],
        ["resources that are not a list", { resources: "inbox" }, "resources", /must be a list/],
        [
            "an unknown resourceType",
            { resources: [{ resourceType: "mailbox", resourceId: 1, accessLevel: "admin" }] },
            "resources",
            /^resources\[0\]\.resourceType must be one of account, project, sandbox, inbox, domain, sending_domain/,
        ],
        [
            "an access level given as a number",
            { resources: [{ resourceType: "inbox", resourceId: 1, accessLevel: 100 }] },
            "resources",
            /^resources\[0\]\.accessLevel must be one of viewer, admin/,
        ],
        [
            "a resourceId of 0",
            { resources: [{ resourceType: "inbox", resourceId: 0, accessLevel: "admin" }] },
            "resources",
            /^resources\[0\]\.resourceId must be a positive integer or a non-empty string/,
        ],
        [
            "a duplicated permission",
            {
                resources: [
                    { resourceType: "inbox", resourceId: 1, accessLevel: "admin" },
                    { resourceType: "inbox", resourceId: "1", accessLevel: "viewer" },
                ],
            },
            "resources",
            /^resources\[1\] duplicates resources\[0\]/,
        ],
        [
            "an unknown permission field",
            { resources: [{ resourceType: "inbox", resourceId: 1, accessLevel: "admin", level: 1 }] },
            "resources",
            /^resources\[0\]\.level is not a permission field/,
        ],
        ["an expiry that is not a date", { expiresAt: "next week" }, "expiresAt", /ISO 8601 date-time/],
        ["an expiry in the past", { expiresAt: "2020-01-01T00:00:00Z" }, "expiresAt", /in the future/],
        ["an expiry over 5 years ahead", { expiresAt: future(6 * 366) }, "expiresAt", /at most 5 calendar years ahead/],
        ["an empty rotate trigger", { rotate: "" }, "rotate", /non-empty string/],
        ["a boolean rotate trigger", { rotate: true }, "rotate", /or a finite number/],
        ["rotateAfterDays 0", { rotateAfterDays: 0 }, "rotateAfterDays", /positive number of days/],
        ["rotateAfterDays as text", { rotateAfterDays: "30" }, "rotateAfterDays", /positive number of days/],
        ["adoptTokenId 1.5", { adoptTokenId: 1.5 }, "adoptTokenId", /positive integer/],
        ["a misspelled input", { rotation: "1" }, "rotation", /not an ApiToken input; the inputs are name, accountId, resources/],
    ])("refuses %s, naming the (top-level) property, the path inside it, and what is allowed", async (_case, change, property, reason) => {
        const failures = await failuresFor({ ...valid, ...change });
        expect(failures).toEqual([expect.objectContaining({ property, reason: expect.stringMatching(reason) })]);
    });

    it("lets values unknown during preview through", async () => {
        const failures = await failuresFor({ name: UNKNOWN, accountId: UNKNOWN, resources: UNKNOWN, rotate: UNKNOWN });
        expect(failures).toEqual([]);
    });
});

describe("check without an account", () => {
    it("accepts a token with no account anywhere, recording none: the routes without an account serve it", async () => {
        const stack = await startStack({ config: { "mailtrap:accountId": "" } });
        try {
            const urn = stack.engine.urn("token");
            const { inputs, failures } = await stack.host.check(urn, {}, { name: "ci", __provider: stack.engine.serializedProvider });
            expect(failures).toEqual([]);
            expect(inputs).not.toHaveProperty("accountId");
            expect(stack.emulator.requests).toHaveLength(0);
        } finally {
            await stack.stop();
        }
    });

    it("refuses a plain-http base URL that is not loopback", async () => {
        const stack = await startStack({ config: { "mailtrap:baseUrl": "http://mailtrap.example.com" } });
        try {
            const urn = stack.engine.urn("token");
            const { failures } = await stack.host.check(urn, {}, { name: "ci", __provider: stack.engine.serializedProvider });
            expect(failures).toEqual([{ property: "mailtrap:baseUrl", reason: expect.stringMatching(/must use https/) }]);
        } finally {
            await stack.stop();
        }
    });
});
