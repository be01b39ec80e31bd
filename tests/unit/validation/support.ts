/** What every specification of checkApiTokenInputs shares: a fixed clock, a valid input set, and readers of the failures. */
import { CheckFailure, checkApiTokenInputs } from "../../../provider/lifecycle/validation";

export const NOW = Date.parse("2026-01-01T00:00:00Z");
export const DAY_MS = 86_400_000;
export const iso = (ms: number) => new Date(ms).toISOString();

export const VALID: Record<string, unknown> = {
    name: "ci-token",
    accountId: 42,
    resources: [
        { resourceType: "account", resourceId: 42, accessLevel: "admin" },
        { resourceType: "project", resourceId: "7", accessLevel: "viewer" },
    ],
    expiresAt: "2026-06-01T00:00:00Z",
    rotate: "2026-q1",
    rotateAfterDays: 90,
    adoptTokenId: 1234,
};

export interface Options {
    olds?: Record<string, unknown>;
    defaultAccountId?: number;
}

export function check(news: Record<string, unknown>, options: Options = {}) {
    return checkApiTokenInputs(options.olds ?? {}, news, { defaultAccountId: options.defaultAccountId, now: NOW });
}

/** The inputs of a minimal valid token with `overrides` applied (an `undefined` value removes the key). */
export function withInputs(overrides: Record<string, unknown>): Record<string, unknown> {
    const news: Record<string, unknown> = { name: "ci-token", accountId: 42, ...overrides };
    for (const key of Object.keys(news)) {
        if (news[key] === undefined) {
            delete news[key];
        }
    }
    return news;
}

export function failuresFor(overrides: Record<string, unknown>, options?: Options): CheckFailure[] {
    return check(withInputs(overrides), options).failures;
}

export function propertiesOf(failures: CheckFailure[]): string[] {
    return failures.map((f) => f.property);
}

export function reasonFor(failures: CheckFailure[], property: string): string {
    const failure = failures.find((f) => f.property === property);
    if (!failure) {
        throw new Error(`expected a failure for ${property}, got ${JSON.stringify(failures)}`);
    }
    return failure.reason;
}

export function permission(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { resourceType: "inbox", resourceId: 5, accessLevel: "viewer", ...overrides };
}
