/**
 * Conformance with the vendor's own API description (`MAILTRAP_OPENAPI_SPEC`, by default
 * ../shared/vendor/mailtrap-openapi/account-management.openapi.yml beside the repository): every
 * request the project's client sends, and every answer the emulator gives, for the operations the
 * provider uses (list, get, create, delete, reset) on both route families.
 *
 * Each scenario names exactly the allowances it needs (tests/conformance/openapi.ts says what each
 * allows and why): it must conform with them, and fail without any one of them, so no allowance
 * is broader than the evidence for it and none hides in a scenario that does not need it.
 *
 * Without the file the suite skips, saying so; under CI it fails instead.
 */
import * as fs from "fs";
import { MailtrapClient } from "../../provider/client/client";
import type { ApiTokenPermission } from "../../provider/types";
import { EmulatorOptions, EmulatorPermission, MailtrapEmulator } from "../../provider/emulator/server";
import { inCi } from "../e2e/support/context";
import {
    ALLOWANCE_NAMES,
    AllowanceName,
    Answer,
    PROVIDER_OPERATIONS,
    SPEC_ENV,
    SentRequest,
    answerProblems,
    readDescription,
    requestProblems,
    specPath,
    validatorWith,
} from "./openapi";

jest.setTimeout(30_000);

const SPEC = specPath();
const present = fs.existsSync(SPEC);
const ABSENT = `the vendor's API description is not at ${SPEC} (set ${SPEC_ENV} to its path)`;
if (!present && inCi()) {
    test("the vendor's API description is there (CI requires it)", () => {
        throw new Error(ABSENT);
    });
} else if (!present) {
    process.stderr.write(`tests/conformance/openapi.test.ts: skipped: ${ABSENT}\n`);
    test.skip(`skipped: ${ABSENT}`, () => undefined);
}
const describeWithSpec = present ? describe : describe.skip;

const DATED = "2025-06-01T00:00:00.000Z";
const T0 = Date.parse("2025-01-01T00:00:00.000Z");
const ACCOUNT = 3229;
type Family = "account-less" | "in an account";
const FAMILIES: Family[] = ["account-less", "in an account"];

/** The kinds as the description spells them, and as the npm client's types do. */
const DESCRIPTION_KINDS: EmulatorPermission[] = [
    { resource_type: "sandbox", resource_id: 77, access_level: 10 },
    { resource_type: "domain", resource_id: "example.com", access_level: 100 },
];
const CLIENT_KINDS: EmulatorPermission[] = [
    { resource_type: "inbox", resource_id: 77, access_level: 10 },
    { resource_type: "sending_domain", resource_id: "example.com", access_level: 100 },
];

let emu: MailtrapEmulator;
/** A token every scenario may read, reset or delete. */
let seededId: number;

async function startEmulator(options: EmulatorOptions, kinds: EmulatorPermission[]): Promise<void> {
    emu = new MailtrapEmulator({ rateLimit: null, ...options });
    emu.setNow(T0);
    await emu.start(0);
    seededId = emu.createToken(ACCOUNT, { name: "seeded", resources: kinds, expires_at: null }).id;
}

afterEach(() => emu?.stop());

/** What must hold of a request or answer: it conforms given `allows`, and fails without any one of them. */
async function expectExactly(problemsGiven: (allows: AllowanceName[]) => Promise<string[]>, allows: AllowanceName[]): Promise<void> {
    expect(await problemsGiven(allows)).toEqual([]);
    for (const name of allows) {
        const without = await problemsGiven(allows.filter((a) => a !== name));
        expect({ without: name, fails: without.length > 0 }).toEqual({ without: name, fails: true });
    }
}

const inFamily = (family: Family, allows: AllowanceName[]): AllowanceName[] =>
    family === "in an account" ? [...allows, "account-scoped-routes"] : allows;
const accountOf = (family: Family) => (family === "in an account" ? ACCOUNT : undefined);

// ---- the project's client ----

interface ClientCall {
    does: string;
    allows: AllowanceName[];
    send(client: MailtrapClient, accountId: number | undefined): Promise<unknown>;
}

const permissions = (kinds: EmulatorPermission[]): ApiTokenPermission[] =>
    kinds.map((p) => ({
        resourceType: p.resource_type as ApiTokenPermission["resourceType"],
        resourceId: p.resource_id,
        accessLevel: p.access_level === 100 ? "admin" : "viewer",
    }));

const CLIENT_CALLS: ClientCall[] = [
    { does: "list", allows: [], send: (c, a) => c.listTokens(a) },
    { does: "get", allows: [], send: (c, a) => c.getToken(a, seededId) },
    {
        does: "create in the description's kinds, never expiring",
        allows: ["create-expires-at"],
        send: (c, a) =>
            c.createToken(a, {
                name: "ci",
                resources: [{ resourceType: "account", resourceId: ACCOUNT, accessLevel: "admin" }, ...permissions(DESCRIPTION_KINDS)],
                expiresAt: null,
            }),
    },
    {
        does: "create in the npm client's kinds, with an expiry",
        allows: ["create-expires-at", "older-type-names"],
        send: (c, a) => c.createToken(a, { name: "ci", resources: permissions(CLIENT_KINDS), expiresAt: DATED }),
    },
    { does: "delete", allows: [], send: (c, a) => c.deleteToken(a, seededId) },
    { does: "reset to a token that never expires", allows: ["reset-expires-at-body"], send: (c, a) => c.resetToken(a, seededId, null) },
    { does: "reset to a token with an expiry", allows: ["reset-expires-at-body"], send: (c, a) => c.resetToken(a, seededId, DATED) },
];

const CLIENT_SCENARIOS = FAMILIES.flatMap((family) =>
    CLIENT_CALLS.map((call) => ({ ...call, family, allows: inFamily(family, call.allows), named: `${call.does}, ${family}` })),
);

// ---- the emulator's answers ----

/** How the emulator is set, and whose kinds its tokens carry. */
interface Setting {
    is: string;
    options: EmulatorOptions;
    kinds: EmulatorPermission[];
    /** Needed by answers that carry permissions. */
    allows: AllowanceName[];
}

const SETTINGS: Setting[] = [
    { is: "answering the description's kinds", options: { resourceTypeNames: "renamed" }, kinds: CLIENT_KINDS, allows: [] },
    {
        is: "answering normalised permissions",
        options: { resourceTypeNames: "renamed", normalisePermissions: true },
        kinds: DESCRIPTION_KINDS,
        allows: [],
    },
    { is: "answering kinds as sent, the npm client's", options: {}, kinds: CLIENT_KINDS, allows: ["older-type-names"] },
];

interface Exchange {
    does: string;
    carriesPermissions: boolean;
    /** The request, for a path prefix (`/api` or `/api/accounts/3229`). */
    request(prefix: string): SentRequest;
    status: number;
}

const SUCCESSES: Exchange[] = [
    { does: "list", carriesPermissions: true, status: 200, request: (p) => ({ method: "GET", path: `${p}/api_tokens` }) },
    { does: "get", carriesPermissions: true, status: 200, request: (p) => ({ method: "GET", path: `${p}/api_tokens/${seededId}` }) },
    {
        does: "create",
        carriesPermissions: true,
        status: 200,
        request: (p) => ({ method: "POST", path: `${p}/api_tokens`, body: { name: "ci", resources: CLIENT_KINDS, expires_at: DATED } }),
    },
    { does: "delete", carriesPermissions: false, status: 204, request: (p) => ({ method: "DELETE", path: `${p}/api_tokens/${seededId}` }) },
    {
        does: "reset",
        carriesPermissions: true,
        status: 200,
        request: (p) => ({ method: "POST", path: `${p}/api_tokens/${seededId}/reset`, body: { expires_at: null } }),
    },
];

const prefixOf = (family: Family) => (family === "in an account" ? `/api/accounts/${ACCOUNT}` : "/api");

/** Sends the request as it is, with `credential` (the emulator's own by default), and returns the answer. */
async function exchange(request: SentRequest, credential = emu.credential): Promise<Answer> {
    const response = await fetch(emu.baseUrl + request.path, {
        method: request.method,
        headers: { "Api-Token": credential, ...(request.body === undefined ? {} : { "Content-Type": "application/json" }) },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    return { request, status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}

/** A token with only viewer access to the account: refused (403) wherever account admin access is needed. */
function viewerCredential(): string {
    return emu.createToken(ACCOUNT, {
        name: "viewer",
        resources: [{ resource_type: "account", resource_id: ACCOUNT, access_level: 10 }],
        expires_at: null,
    }).token;
}

interface Refusal {
    is: string;
    status: number;
    allows: AllowanceName[];
    answer(): Promise<Answer>;
}

const REFUSALS: Refusal[] = [
    ...Object.entries({ list: "GET /api/api_tokens", get: "GET /api/api_tokens/1001", create: "POST /api/api_tokens" }).map(
        ([does, line]): Refusal => ({
            is: `${does} with an unknown credential`,
            status: 401,
            allows: [],
            answer: () =>
                exchange(
                    { method: line.split(" ")[0], path: line.split(" ")[1], body: does === "create" ? { name: "x" } : undefined },
                    "unknown",
                ),
        }),
    ),
    {
        is: "delete with an unknown credential",
        status: 401,
        allows: [],
        answer: () => exchange({ method: "DELETE", path: "/api/api_tokens/1001" }, "unknown"),
    },
    {
        is: "reset with an unknown credential",
        status: 401,
        allows: [],
        answer: () => exchange({ method: "POST", path: "/api/api_tokens/1001/reset" }, "unknown"),
    },
    {
        is: "list in an account with an unknown credential",
        status: 401,
        allows: ["account-scoped-routes"],
        answer: () => exchange({ method: "GET", path: `/api/accounts/${ACCOUNT}/api_tokens` }, "unknown"),
    },
    { is: "get of an unknown token", status: 404, allows: [], answer: () => exchange({ method: "GET", path: "/api/api_tokens/987654" }) },
    {
        is: "delete of an unknown token",
        status: 404,
        allows: [],
        answer: () => exchange({ method: "DELETE", path: "/api/api_tokens/987654" }),
    },
    {
        is: "reset of an unknown token",
        status: 404,
        allows: [],
        answer: () => exchange({ method: "POST", path: "/api/api_tokens/987654/reset" }),
    },
    {
        is: "create with a blank name",
        status: 422,
        allows: [],
        answer: () => exchange({ method: "POST", path: "/api/api_tokens", body: { name: " " } }),
    },
    {
        is: "reset of a token already reset",
        status: 422,
        allows: [],
        answer: async () => {
            emu.resetToken(ACCOUNT, seededId, null);
            return exchange({ method: "POST", path: `/api/api_tokens/${seededId}/reset` });
        },
    },
    {
        is: "create by a viewer",
        status: 403,
        allows: [],
        answer: () => exchange({ method: "POST", path: "/api/api_tokens", body: { name: "x" } }, viewerCredential()),
    },
    {
        is: "delete by a viewer",
        status: 403,
        allows: [],
        answer: () => exchange({ method: "DELETE", path: `/api/api_tokens/${seededId}` }, viewerCredential()),
    },
    {
        is: "reset by a viewer",
        status: 403,
        allows: [],
        answer: () => exchange({ method: "POST", path: `/api/api_tokens/${seededId}/reset` }, viewerCredential()),
    },
    {
        is: "list by a viewer",
        status: 403,
        allows: ["forbidden-on-list-and-get"],
        answer: () => exchange({ method: "GET", path: "/api/api_tokens" }, viewerCredential()),
    },
    {
        is: "get by a viewer",
        status: 403,
        allows: ["forbidden-on-list-and-get"],
        answer: () => exchange({ method: "GET", path: `/api/api_tokens/${seededId}` }, viewerCredential()),
    },
    {
        is: "list in an account the credential cannot reach",
        status: 403,
        allows: ["forbidden-on-list-and-get", "account-scoped-routes"],
        answer: () => exchange({ method: "GET", path: "/api/accounts/4242/api_tokens" }),
    },
];

describeWithSpec("the vendor's API description", () => {
    test("is OpenAPI 3.1 (read as JSON Schema 2020-12) and names the five operations the provider uses", async () => {
        expect(readDescription().openapi).toMatch(/^3\.1\./);
        const api = await validatorWith([]);
        expect(Object.keys(PROVIDER_OPERATIONS).map((id) => api.router.getOperation(id)?.operationId)).toEqual(
            Object.keys(PROVIDER_OPERATIONS),
        );
    });

    test("every allowance in the table is needed by some scenario", () => {
        const named = new Set([...CLIENT_SCENARIOS, ...SETTINGS, ...REFUSALS].flatMap((s) => s.allows));
        expect(ALLOWANCE_NAMES.filter((name) => !named.has(name))).toEqual([]);
    });
});

describeWithSpec("the project's client sends what the description allows", () => {
    beforeEach(() => startEmulator({}, CLIENT_KINDS));

    test.each(CLIENT_SCENARIOS)("$named: conforms given exactly $allows", async ({ send, family, allows }) => {
        await send(new MailtrapClient({ baseUrl: emu.baseUrl, apiToken: emu.credential, rateLimit: null }), accountOf(family));

        expect(emu.requests.map((r) => r.status)).toEqual([expect.any(Number)]);
        const [{ method, path, body }] = emu.requests;
        await expectExactly((given) => requestProblems({ method, path, body }, given), allows);
    });
});

describeWithSpec("the emulator answers what the description allows", () => {
    const successes = SETTINGS.flatMap((setting) =>
        FAMILIES.flatMap((family) =>
            SUCCESSES.map((exchanged) => ({
                setting,
                family,
                exchanged,
                allows: inFamily(family, exchanged.carriesPermissions ? setting.allows : []),
                named: `${exchanged.does} (${exchanged.status}), ${family}, ${setting.is}`,
            })),
        ),
    );

    test.each(successes)("$named: conforms given exactly $allows", async ({ setting, family, exchanged, allows }) => {
        await startEmulator(setting.options, setting.kinds);

        const answer = await exchange(exchanged.request(prefixOf(family)));

        expect(answer.status).toBe(exchanged.status);
        await expectExactly((given) => answerProblems(answer, given), allows);
    });

    test.each(REFUSALS)("$is ($status): conforms given exactly $allows", async ({ status, allows, answer: answered }) => {
        await startEmulator(SETTINGS[0].options, SETTINGS[0].kinds);

        const answer = await answered();

        expect(answer.status).toBe(status);
        await expectExactly((given) => answerProblems(answer, given), allows);
    });
});
