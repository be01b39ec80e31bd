/**
 * What every specification of the emulator shares: starting one on a fixed clock, plain HTTP calls
 * to it, and its fixed facts (the admin token's account, the wire fields of a token). A spec file
 * calls `useEmulators()` once, at its top level, so each test's emulator is stopped after it.
 */
import { EmulatorOptions, MailtrapEmulator } from "../../provider/emulator/server";

export const T0 = Date.parse("2025-01-01T00:00:00.000Z");
export const HOUR = 3_600_000;
export const TOKEN_FIELDS = ["created_by", "expires_at", "id", "last_4_digits", "name", "resources"];
export const ADMIN = { resource_type: "account", resource_id: 3229, access_level: 100 } as const;

export interface Reply {
    status: number;
    headers: Headers;
    text: string;
    json: any;
}

/** The emulator under test: the one `call` talks to and the after-each hook stops. Importers read it through a live binding. */
export let emu: MailtrapEmulator;

/** Makes `made` the emulator under test. */
export function track(made: MailtrapEmulator): MailtrapEmulator {
    emu = made;
    return emu;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<MailtrapEmulator> {
    emu = new MailtrapEmulator(options);
    emu.setNow(T0);
    await emu.start(0);
    return emu;
}

/** Registers the spec file's timeout and the hook stopping each test's emulator. */
export function useEmulators(): void {
    jest.setTimeout(10_000);

    afterEach(async () => {
        await emu?.stop();
    });
}

export async function call(
    method: string,
    path: string,
    opts: { credential?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Reply> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const credential = opts.credential === undefined ? emu.credential : opts.credential;
    if (credential !== null && !("Authorization" in headers)) headers["Api-Token"] = credential;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers["Content-Type"] = "application/json";
    }
    const res = await fetch(emu.baseUrl + path, { method, headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000) });
    const text = await res.text();
    let json: unknown;
    try {
        json = text === "" ? undefined : JSON.parse(text);
    } catch {
        json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
}

/** Whether the promise settles within ms, without leaving a timer behind. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
        return await Promise.race([promise.then(() => true), timeout]);
    } finally {
        clearTimeout(timer);
    }
}

/** Polls `condition` every 5 ms until it holds (true) or `timeoutMs` passes (false). */
export async function until(condition: () => boolean, timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() >= deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return true;
}

export const tokensPath = (accountId = 3229) => `/api/accounts/${accountId}/api_tokens`;
export const tokenPath = (id: number, accountId = 3229) => `${tokensPath(accountId)}/${id}`;

export async function createViaApi(body: Record<string, unknown> = { name: "ci", expires_at: null }, credential?: string) {
    const reply = await call("POST", tokensPath(), { body, credential });
    expect(reply.status).toBe(200);
    return reply.json as { id: number; token: string; expires_at: string | null; name: string };
}
