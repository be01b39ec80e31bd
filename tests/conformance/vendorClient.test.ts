/**
 * Conformance with the vendor's official npm client, `mailtrap` 4.10.0: driven through its API-token
 * calls, the emulator (today's model) answers as that client's documentation says the API does; and
 * the project's client sends the same request shapes as the official one for the same intent.
 * Where the official client and the emulator disagree, the emulator is wrong.
 */
import { MailtrapClient } from "../../provider/client/client";
import { MailtrapEmulator, RequestLogEntry } from "../../provider/emulator/server";
import { VendorApiTokens, vendorApiTokens, vendorFailure } from "./vendorClient";

jest.setTimeout(20_000);

const T0 = Date.parse("2025-01-01T00:00:00.000Z");
const HOUR = 3_600_000;
const ONE_YEAR_LATER = "2026-01-01T00:00:00.000Z";
const END_OF_GRACE = new Date(T0 + 12 * HOUR).toISOString();
const DATED = "2025-06-01T00:00:00.000Z";
const PAST = "2024-12-31T00:00:00.000Z";
const UNKNOWN_ID = 987654;
const INBOX_VIEWER = { resource_type: "inbox", resource_id: 77, access_level: 10 } as const;

let emu: MailtrapEmulator;
let vendor: VendorApiTokens;
const tokensPath = () => `/api/accounts/${emu.accountId}/api_tokens`;
const tokenPath = (id: number) => `${tokensPath()}/${id}`;

beforeEach(async () => {
    emu = new MailtrapEmulator({ apiModel: "today" });
    emu.setNow(T0);
    await emu.start(0);
    vendor = vendorApiTokens(emu);
});

afterEach(() => emu.stop());

/** The last request the emulator saw. */
function lastRequest(): RequestLogEntry {
    expect(emu.requests.length).toBeGreaterThan(0);
    return emu.requests[emu.requests.length - 1];
}

/** A token made out of band (not logged), never expiring unless told otherwise. */
function seedToken(expiresAt: string | null = null): number {
    return emu.createToken(emu.accountId, { name: "seeded", resources: [INBOX_VIEWER], expires_at: expiresAt }).id;
}

describe("the official client mailtrap 4.10.0 against the emulator (today's model)", () => {
    test("getList sends GET …/api_tokens and gets the tokens, without values", async () => {
        const listed = await vendor.getList();
        expect(lastRequest()).toMatchObject({ method: "GET", path: tokensPath(), status: 200, authenticated: true });
        expect(listed).toEqual([expect.objectContaining({ name: "Emulator admin", expires_at: null })]);
        expect(listed[0]).not.toHaveProperty("token");
    });

    test("create without expires_at sends no expires_at key and gets the one-year default", async () => {
        const created = await vendor.create({ name: "defaulted", resources: [INBOX_VIEWER] });
        expect(lastRequest()).toMatchObject({ method: "POST", path: tokensPath(), status: 200 });
        expect(Object.keys(lastRequest().body as object).sort()).toEqual(["name", "resources"]);
        expect(created).toMatchObject({ name: "defaulted", resources: [INBOX_VIEWER], expires_at: ONE_YEAR_LATER });
        expect(created.token).toMatch(/^[0-9a-f]{32}$/);
    });

    test("create with expires_at null sends JSON null and gets a token that never expires", async () => {
        const created = await vendor.create({ name: "never", resources: [INBOX_VIEWER], expires_at: null });
        expect(lastRequest().body).toStrictEqual({ name: "never", resources: [INBOX_VIEWER], expires_at: null });
        expect(created.expires_at).toBeNull();
    });

    test("create with a date sends it and gets a token expiring then", async () => {
        const created = await vendor.create({ name: "dated", resources: [INBOX_VIEWER], expires_at: DATED });
        expect(lastRequest().body).toStrictEqual({ name: "dated", resources: [INBOX_VIEWER], expires_at: DATED });
        expect(created.expires_at).toBe(DATED);
    });

    test("get sends GET …/api_tokens/{id} and gets the token, without its value", async () => {
        const id = seedToken();
        const token = await vendor.get(id);
        expect(lastRequest()).toMatchObject({ method: "GET", path: tokenPath(id), status: 200 });
        expect(token).toEqual({
            id,
            name: "seeded",
            last_4_digits: expect.stringMatching(/^[0-9a-f]{4}$/),
            created_by: "Emulator",
            expires_at: null,
            resources: [INBOX_VIEWER],
        });
    });

    test("reset without params sends no body; the successor gets the one-year default and the old token the grace", async () => {
        const id = seedToken();
        const successor = await vendor.reset(id);
        expect(lastRequest()).toMatchObject({ method: "POST", path: `${tokenPath(id)}/reset`, status: 200 });
        expect(lastRequest()).not.toHaveProperty("body");
        expect(successor).toMatchObject({ name: "seeded", resources: [INBOX_VIEWER], expires_at: ONE_YEAR_LATER });
        expect(successor.id).not.toBe(id);
        expect(emu.getToken(emu.accountId, id)).toMatchObject({ expires_at: END_OF_GRACE, reset_to: successor.id });
    });

    test("reset with expires_at null sends { expires_at: null } and gets a successor that never expires", async () => {
        const id = seedToken();
        const successor = await vendor.reset(id, { expires_at: null });
        expect(lastRequest().body).toStrictEqual({ expires_at: null });
        expect(successor.expires_at).toBeNull();
    });

    test("reset with a date sends it and gets a successor expiring then", async () => {
        const id = seedToken();
        const successor = await vendor.reset(id, { expires_at: DATED });
        expect(lastRequest().body).toStrictEqual({ expires_at: DATED });
        expect(successor.expires_at).toBe(DATED);
    });

    test("reset of a token created with a future expiry succeeds", async () => {
        const id = seedToken(DATED);
        await expect(vendor.reset(id, { expires_at: null })).resolves.toMatchObject({ expires_at: null });
    });

    test("delete sends DELETE …/api_tokens/{id}, answered 204, and the token is gone", async () => {
        const id = seedToken();
        await vendor.delete(id);
        expect(lastRequest()).toMatchObject({ method: "DELETE", path: tokenPath(id), status: 204 });
        expect(emu.getToken(emu.accountId, id)).toBeUndefined();
    });

    test("reset of a token already reset fails with 422, saying so", async () => {
        const id = seedToken();
        await vendor.reset(id, { expires_at: null });
        const failure = await vendorFailure(vendor.reset(id, { expires_at: null }));
        expect(failure).toMatchObject({ status: 422, message: "token has already been reset and cannot be reset again" });
        expect(lastRequest().status).toBe(422);
    });

    test("reset of a token that has expired fails with 422, saying so", async () => {
        const id = seedToken(new Date(T0 + HOUR).toISOString());
        emu.advance(HOUR + 1);
        const failure = await vendorFailure(vendor.reset(id, { expires_at: null }));
        expect(failure).toMatchObject({ status: 422, message: "token has expired and cannot be reset" });
    });

    test("create with a past date fails with 422 naming expires_at, and creates nothing", async () => {
        const failure = await vendorFailure(vendor.create({ name: "late", resources: [], expires_at: PAST }));
        expect(failure).toMatchObject({ status: 422, body: { errors: { expires_at: ["must be in the future"] } } });
        expect(failure.message).toBe("expires_at: must be in the future");
        expect(emu.listTokens(emu.accountId)).toHaveLength(1);
    });

    test("reset with a past date fails with 422 naming expires_at, and resets nothing", async () => {
        const id = seedToken();
        const failure = await vendorFailure(vendor.reset(id, { expires_at: PAST }));
        expect(failure).toMatchObject({ status: 422, body: { errors: { expires_at: ["must be in the future"] } } });
        expect(emu.getToken(emu.accountId, id)?.expires_at).toBeNull();
    });

    test("get of an unknown id fails with 404", async () => {
        expect(await vendorFailure(vendor.get(UNKNOWN_ID))).toMatchObject({ status: 404, body: { error: "Not Found" } });
        expect(lastRequest()).toMatchObject({ method: "GET", path: tokenPath(UNKNOWN_ID), status: 404 });
    });

    test("delete of an unknown id fails with 404", async () => {
        expect(await vendorFailure(vendor.delete(UNKNOWN_ID))).toMatchObject({ status: 404 });
        expect(lastRequest()).toMatchObject({ method: "DELETE", path: tokenPath(UNKNOWN_ID), status: 404 });
    });
});

describe("the project's client sends the official client's request shapes for the same intent", () => {
    let ours: MailtrapClient;

    beforeEach(() => {
        ours = new MailtrapClient({ baseUrl: emu.baseUrl, apiToken: emu.credential, rateLimit: null });
    });

    /** What must match: method, path (token id as {id}) and body, compared strictly (keys, types, JSON null). */
    async function requestShape(send: () => Promise<unknown>, tokenId?: number) {
        await send();
        const { method, path, status, body } = lastRequest();
        expect(status).toBe(200);
        return { method, path: tokenId === undefined ? path : path.replace(`/${tokenId}/`, "/{id}/"), body };
    }

    test("create of a token that never expires: expires_at JSON null", async () => {
        const official = await requestShape(() => vendor.create({ name: "never", resources: [INBOX_VIEWER], expires_at: null }));
        const project = await requestShape(() =>
            ours.createToken(emu.accountId, {
                name: "never",
                resources: [{ resourceType: "inbox", resourceId: 77, accessLevel: "viewer" }],
                expiresAt: null,
            }),
        );
        expect(project).toStrictEqual(official);
        expect(project.body).toHaveProperty("expires_at", null);
    });

    test("create of a token with a date: expires_at the ISO string", async () => {
        const official = await requestShape(() => vendor.create({ name: "dated", resources: [INBOX_VIEWER], expires_at: DATED }));
        const project = await requestShape(() =>
            ours.createToken(emu.accountId, {
                name: "dated",
                resources: [{ resourceType: "inbox", resourceId: 77, accessLevel: "viewer" }],
                expiresAt: DATED,
            }),
        );
        expect(project).toStrictEqual(official);
    });

    test("reset to a successor that never expires: body { expires_at: null }", async () => {
        const [first, second] = [seedToken(), seedToken()];
        const official = await requestShape(() => vendor.reset(first, { expires_at: null }), first);
        const project = await requestShape(() => ours.resetToken(emu.accountId, second, null), second);
        expect(project).toStrictEqual(official);
        expect(project.body).toStrictEqual({ expires_at: null });
    });

    test("reset to a successor with a date: body { expires_at: the ISO string }", async () => {
        const [first, second] = [seedToken(), seedToken()];
        const official = await requestShape(() => vendor.reset(first, { expires_at: DATED }), first);
        const project = await requestShape(() => ours.resetToken(emu.accountId, second, DATED), second);
        expect(project).toStrictEqual(official);
    });
});
