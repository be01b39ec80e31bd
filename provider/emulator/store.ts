/**
 * The emulator's state: accounts and their tokens, the credentials that may call the API,
 * and what creating, changing, resetting, deleting and expiring a token do to it.
 */
import * as crypto from "crypto";
import { HOUR_MS } from "../constants";
import { CreateTokenInput, EmulatorError, EmulatorOptions, EmulatorToken, TokenPatch, ValidationErrors } from "./types";
import { ApiModelRules, apiModelRules } from "./apiModel";
import { ValidCreate, isoToMs, validateCreate, validatePatch } from "./validation";

const FIRST_TOKEN_ID = 1001;

/** A live credential presented to the API. */
export interface Caller {
    value: string;
    /** The token behind the credential, or undefined for an extra credential. */
    token?: EmulatorToken;
}

export class TokenStore {
    private readonly accounts = new Map<number, Map<number, EmulatorToken>>();
    private readonly tokensByValue = new Map<string, EmulatorToken>();
    private readonly extraCredentials = new Map<string, Set<number>>();
    private readonly graceMs: number;
    /** The expiry rules of the API model the emulator follows. */
    readonly apiModel: ApiModelRules;
    private nextId = FIRST_TOKEN_ID;

    /** Seeds `accountId` with an admin token whose value is `credential`. */
    constructor(
        accountId: number,
        credential: string,
        options: Pick<EmulatorOptions, "graceHours" | "defaultExpiryDays" | "apiModel">,
        private readonly now: () => number,
    ) {
        this.graceMs = (options.graceHours ?? 12) * HOUR_MS;
        this.apiModel = apiModelRules(options);
        this.addAccount(accountId);
        assertCredential(credential);
        this.insertToken(accountId, {
            name: "Emulator admin",
            value: credential,
            createdBy: "Emulator",
            expiresAt: null,
            resources: [{ resource_type: "account", resource_id: accountId, access_level: 100 }],
        });
    }

    // ---- accounts and credentials ----

    addAccount(accountId: number): void {
        assertPositiveInteger(accountId, "accountId");
        if (!this.accounts.has(accountId)) this.accounts.set(accountId, new Map());
    }

    addCredential(value: string, accountIds: number[]): void {
        assertCredential(value);
        const accounts = this.extraCredentials.get(value) ?? new Set<number>();
        for (const id of accountIds) accounts.add(id);
        this.extraCredentials.set(value, accounts);
    }

    isTokenValueLive(value: string): boolean {
        if (this.extraCredentials.has(value)) return true;
        const token = this.tokensByValue.get(value);
        return token !== undefined && !this.isExpired(token);
    }

    /** The caller behind a presented credential, or undefined when it is missing, unknown or expired. */
    callerFor(value: string | undefined): Caller | undefined {
        if (!value || !this.isTokenValueLive(value)) return undefined;
        return { value, token: this.extraCredentials.has(value) ? undefined : this.tokensByValue.get(value) };
    }

    /** An extra credential on its accounts; a token only on its own account, with account admin access. */
    isAuthorized(caller: Caller, accountId: number): boolean {
        if (!caller.token) return this.extraCredentials.get(caller.value)?.has(accountId) ?? false;
        return (
            caller.token.account_id === accountId &&
            caller.token.resources.some(
                (p) => p.resource_type === "account" && String(p.resource_id) === String(accountId) && p.access_level === 100,
            )
        );
    }

    /**
     * The accounts an account-less route (`/api/api_tokens…`) acts on, "the API token's own": a
     * token's account, if it has account admin access there; an extra credential's accounts that
     * exist. Empty means refused (403). Several (an extra credential on more than one account,
     * as an organization-level token is) list and find tokens in all of them, but cannot create.
     */
    ownAccounts(caller: Caller): number[] {
        if (caller.token) return this.isAuthorized(caller, caller.token.account_id) ? [caller.token.account_id] : [];
        return [...(this.extraCredentials.get(caller.value) ?? [])].filter((accountId) => this.accounts.has(accountId));
    }

    // ---- tokens as the API sees them (live objects) ----

    /** The account's tokens by id, or undefined for an unknown account. */
    tokensOf(accountId: number): ReadonlyMap<number, EmulatorToken> | undefined {
        return this.accounts.get(accountId);
    }

    /** `POST …/api_tokens` into an existing account: a new token with a fresh value, or the 422 errors. */
    create(accountId: number, body: Record<string, unknown>, createdBy: string): EmulatorToken | { errors: ValidationErrors } {
        const result = validateCreate(body, this.apiModel.defaultExpiresAt(this.now()), this.now);
        if ("errors" in result) return result;
        return this.insertToken(accountId, { ...result, value: randomValue(), createdBy });
    }

    /**
     * `POST …/api_tokens/{id}/reset` with its body (`{}` when none): a successor with the same name
     * and permissions, the expiry the API model gives it, while the old value stays valid for the
     * grace period (or until its own expiry, if sooner). The model decides which tokens it refuses.
     */
    reset(old: EmulatorToken, body: Record<string, unknown>): EmulatorToken | { errors: ValidationErrors } {
        const refusal = this.apiModel.resetRefusal(old, this.now());
        if (refusal) return { errors: refusal };
        const expiry = this.apiModel.successorExpiry(body, this.now());
        if ("errors" in expiry) return expiry;
        const successor = this.insertToken(old.account_id, {
            name: old.name,
            value: randomValue(),
            createdBy: old.created_by,
            expiresAt: expiry.expiresAt,
            resources: old.resources,
        });
        const endOfGrace = this.now() + this.graceMs;
        if (old.expires_at === null || Date.parse(old.expires_at) > endOfGrace) old.expires_at = new Date(endOfGrace).toISOString();
        old.reset_to = successor.id;
        return successor;
    }

    deleteToken(accountId: number, id: number): boolean {
        const tokens = this.accounts.get(accountId);
        const token = tokens?.get(id);
        if (!tokens || !token) return false;
        tokens.delete(id);
        this.tokensByValue.delete(token.token);
        return true;
    }

    // ---- out-of-band changes (copies in, copies out; refused as the API would refuse them) ----

    createToken(accountId: number, input: CreateTokenInput): EmulatorToken {
        this.requireAccount(accountId);
        const body: Record<string, unknown> = { name: input.name };
        if (input.resources !== undefined) body.resources = input.resources;
        if (input.expires_at !== undefined) body.expires_at = input.expires_at;
        const result = this.create(accountId, body, "Emulator");
        if ("errors" in result) throw new EmulatorError(`invalid token: ${JSON.stringify(result.errors)}`, 422, result.errors);
        return copyToken(result);
    }

    seedToken(token: Omit<EmulatorToken, "last_4_digits" | "created_at"> & { created_at?: string }): EmulatorToken {
        const tokens = this.requireAccount(token.account_id);
        if (tokens.has(token.id) || this.tokensByValue.has(token.token)) {
            throw new EmulatorError(`token ${token.id} (or its value) is already in the emulator`, 422, {});
        }
        const seeded: EmulatorToken = {
            ...token,
            resources: token.resources.map((p) => ({ ...p })),
            last_4_digits: token.token.slice(-4),
            created_at: token.created_at ?? new Date(this.now()).toISOString(),
        };
        tokens.set(seeded.id, seeded);
        this.tokensByValue.set(seeded.token, seeded);
        this.nextId = Math.max(this.nextId, seeded.id + 1);
        return copyToken(seeded);
    }

    getToken(accountId: number, id: number): EmulatorToken | undefined {
        const token = this.accounts.get(accountId)?.get(id);
        return token && copyToken(token);
    }

    listTokens(accountId: number): EmulatorToken[] {
        return [...(this.accounts.get(accountId)?.values() ?? [])].map(copyToken);
    }

    updateToken(accountId: number, id: number, patch: TokenPatch): void {
        const token = this.requireToken(accountId, id);
        const errors = validatePatch(patch);
        if (Object.keys(errors).length > 0) throw new EmulatorError(`invalid change: ${JSON.stringify(errors)}`, 422, errors);
        if (patch.name !== undefined) token.name = patch.name;
        if (patch.resources !== undefined) token.resources = patch.resources.map((p) => ({ ...p }));
        if (patch.expires_at !== undefined) {
            token.expires_at = patch.expires_at === null ? null : new Date(isoToMs(patch.expires_at)!).toISOString();
        }
    }

    /** `expiresAt` is the reset body's `expires_at` (omitted when undefined); the older model ignores it. */
    resetToken(accountId: number, id: number, expiresAt?: string | null): EmulatorToken {
        const result = this.reset(this.requireToken(accountId, id), expiresAt === undefined ? {} : { expires_at: expiresAt });
        if ("errors" in result) {
            throw new EmulatorError(`token ${id} cannot be reset: ${JSON.stringify(result.errors)}`, 422, result.errors);
        }
        return copyToken(result);
    }

    // ---- internals ----

    private insertToken(accountId: number, spec: ValidCreate & { value: string; createdBy: string }): EmulatorToken {
        const token: EmulatorToken = {
            id: this.nextId++,
            account_id: accountId,
            name: spec.name,
            last_4_digits: spec.value.slice(-4),
            created_by: spec.createdBy,
            expires_at: spec.expiresAt,
            resources: spec.resources.map((p) => ({ ...p })),
            token: spec.value,
            created_at: new Date(this.now()).toISOString(),
        };
        this.accounts.get(accountId)!.set(token.id, token);
        this.tokensByValue.set(token.token, token);
        return token;
    }

    private isExpired(token: EmulatorToken): boolean {
        return token.expires_at !== null && this.now() > Date.parse(token.expires_at);
    }

    private requireAccount(accountId: number): Map<number, EmulatorToken> {
        const tokens = this.accounts.get(accountId);
        if (!tokens) throw new EmulatorError(`unknown account ${accountId}`, 404);
        return tokens;
    }

    private requireToken(accountId: number, id: number): EmulatorToken {
        const token = this.requireAccount(accountId).get(id);
        if (!token) throw new EmulatorError(`unknown token ${id} in account ${accountId}`, 404);
        return token;
    }
}

/** A fresh 32-hex token value. */
export function randomValue(): string {
    return crypto.randomBytes(16).toString("hex");
}

function assertCredential(value: string): void {
    if (!value) throw new Error("credential must not be empty");
}

function assertPositiveInteger(value: number, what: string): void {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got ${value}`);
}

function copyToken(token: EmulatorToken): EmulatorToken {
    return { ...token, resources: token.resources.map((p) => ({ ...p })) };
}
