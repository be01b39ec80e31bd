import { E2EStack, E2EWorkspace, opsOf, requestLines } from "./support/pulumi";
import { IMPORTS, program } from "./support/programs";

/**
 * Reading tokens Pulumi did not make: `ApiToken.get` reads one (one GET, no value), and
 * `getApiTokens` lists the account's tokens without their values.
 */
describe("looking up tokens through the Pulumi CLI", () => {
    const ws = new E2EWorkspace("lookup");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;

    beforeAll(() => ws.start());
    afterAll(() => ws.stop());

    describe("ApiToken.get", () => {
        let stack: E2EStack;
        let byId: number;
        let byAddress: number;

        beforeAll(async () => {
            byId = ws.emulator.createToken(ws.accountId, {
                name: "made in the UI",
                resources: [{ resource_type: "inbox", resource_id: 5, access_level: 10 }],
                expires_at: null,
            }).id;
            byAddress = ws.emulator.createToken(ws.accountId, { name: "made elsewhere", expires_at: null }).id;
            const source = program(
                IMPORTS,
                `const byId = ApiToken.get("by-id", config.require("byId"));
                const byAddress = ApiToken.get("by-address", config.require("byAddress"));
                exports.byId = { name: byId.name, tokenId: byId.tokenId, last4Digits: byId.last4Digits, resources: byId.resources };
                exports.byAddress = { name: byAddress.name, tokenId: byAddress.tokenId, accountId: byAddress.accountId };
                exports.byIdToken = byId.token;`,
            );
            stack = await ws.project("get", source).newStack("dev");
            await stack.setConfig("byId", String(byId));
            await stack.setConfig("byAddress", `${ws.accountId}/${byAddress}`);
        });

        it('reads a token by "<tokenId>" and by "<accountId>/<tokenId>", one GET each, its value left empty', async () => {
            const up = await stack.up();
            const outputs = await stack.outputs({ showSecrets: true });

            expect(opsOf(up, "by-id")).toEqual(["read"]);
            expect(opsOf(up, "by-address")).toEqual(["read"]);
            expect(requestLines(up).sort()).toEqual([`GET ${tokens()}/${byAddress}`, `GET ${tokens()}/${byId}`].sort());
            const live = ws.emulator.getToken(ws.accountId, byId)!;
            expect(outputs.byId).toEqual({
                name: "made in the UI",
                tokenId: byId,
                last4Digits: live.last_4_digits,
                resources: [{ resourceType: "inbox", resourceId: 5, accessLevel: "viewer" }],
            });
            expect(outputs.byAddress).toEqual({ name: "made elsewhere", tokenId: byAddress, accountId: ws.accountId });
            expect(outputs.byIdToken).toBe("");
        });

        it("leaves the token alone on `pulumi destroy`", async () => {
            const destroy = await stack.destroy();

            expect(destroy.requests).toEqual([]);
            expect(ws.emulator.getToken(ws.accountId, byId)).toBeDefined();
            expect(ws.emulator.getToken(ws.accountId, byAddress)).toBeDefined();
        });
    });

    describe("getApiTokens", () => {
        it("lists the account's tokens in a program, with no value", async () => {
            const source = program(
                IMPORTS,
                `const token = new ApiToken("ci-token", { name: "e2e-listed" });
                // Listed once the token exists, so the list includes it.
                exports.listing = token.tokenId.apply(() => getApiTokens());
                exports.tokenId = token.tokenId;`,
            );
            const stack = await ws.project("list", source).newStack("dev");

            const preview = await stack.preview();
            expect(preview.requests).toEqual([]);
            const up = await stack.up();
            expect(requestLines(up)).toEqual([`POST ${tokens()}`, `GET ${tokens()}`]);
            const { listing, tokenId } = await stack.outputs({ showSecrets: true });

            const expected = ws.emulator.listTokens(ws.accountId).map((t) => ({
                id: t.id,
                name: t.name,
                last4Digits: t.last_4_digits,
                createdBy: t.created_by,
                expiresAt: t.expires_at,
            }));
            expect(
                listing.map((t: any) => ({
                    id: t.id,
                    name: t.name,
                    last4Digits: t.last4Digits,
                    createdBy: t.createdBy,
                    expiresAt: t.expiresAt,
                })),
            ).toEqual(expected);
            expect(listing.map((t: any) => t.id)).toContain(tokenId);
            for (const entry of listing) {
                expect(Object.keys(entry).sort()).toEqual(["createdBy", "expiresAt", "id", "last4Digits", "name", "resources"]);
            }
            const text = JSON.stringify(listing);
            for (const token of ws.emulator.listTokens(ws.accountId)) {
                expect(text).not.toContain(token.token);
            }
            await stack.destroy();
        });
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
