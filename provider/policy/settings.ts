/**
 * The pack's settings: the options given to {@link mailtrapTokenPolicies} in code, the policy
 * pack config given at run time (`pulumi preview --policy-pack-config`, or Pulumi Cloud), and how
 * they combine. Run-time config wins; the options are the defaults the config schema advertises.
 */
import type { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";
import { DYNAMIC_API_TOKEN_TYPE, NATIVE_API_TOKEN_TYPE } from "../constants";

/** The type token of the dynamic `ApiToken` (a `pulumi.dynamic.Resource` with module `mailtrap`, type `ApiToken`). */
export const API_TOKEN_TYPE = DYNAMIC_API_TOKEN_TYPE;

/**
 * The type token of the native plugin's `ApiToken` (`pulumi-resource-mailtrap`), with the same
 * inputs. From provider/constants.ts, which imports nothing: this entry stays light.
 */
export { NATIVE_API_TOKEN_TYPE };

/**
 * Every type the policies judge: the dynamic resource and the native one, so a stack moved to the
 * plugin (`mailtrap-migrate-state`) keeps its policies.
 */
export const API_TOKEN_TYPES: readonly string[] = [API_TOKEN_TYPE, NATIVE_API_TOKEN_TYPE];

/** The policies' names, as config keys and in violation reports. */
export const POLICY_NAMES = {
    maxLifetime: "mailtrap-token-max-lifetime",
    noAccountAdmin: "mailtrap-token-no-account-admin",
    adminExpires: "mailtrap-admin-token-expires",
    protectedInProduction: "mailtrap-token-protected-in-production",
} as const;

export type MailtrapTokenPolicyName = (typeof POLICY_NAMES)[keyof typeof POLICY_NAMES];

export const DEFAULT_MAX_LIFETIME_DAYS = 90;
export const DEFAULT_PRODUCTION_STACK_PATTERN = "prod";

/** Options of {@link mailtrapTokenPolicies} and of each policy factory. Every one is optional. */
export interface MailtrapTokenPolicyOptions {
    /**
     * Enforcement level of every policy here. Omitted: the PolicyPack's level (`advisory` unless
     * the pack says otherwise). Run-time config (`enforcementLevel` of a policy) wins.
     */
    enforcementLevel?: EnforcementLevel;
    /** Enforcement level per policy, by name; wins over `enforcementLevel`. `"disabled"` turns one off. */
    enforcementLevels?: Partial<Record<MailtrapTokenPolicyName, EnforcementLevel>>;
    /**
     * The longest a token's value may live, in whole days (default 90): `rotateAfterDays` or
     * `expiresInDays` at most this, or `expiresAt` at most this many days from now.
     * Config key of `mailtrap-token-max-lifetime`: `maxLifetimeDays`.
     */
    maxLifetimeDays?: number;
    /**
     * Token names (the `name` input, exactly) that may hold `admin` on the whole account
     * (default: none). Config key of `mailtrap-token-no-account-admin`: `allowedTokenNames`.
     */
    accountAdminAllowedTokenNames?: string[];
    /**
     * Which stacks are production (default `prod`: any stack whose name contains "prod"). A
     * RegExp, or a string: a regular expression source (`^prod(-|$)`) or a literal with flags
     * (`/prod/i`). The `g` and `y` flags are ignored. Config key of
     * `mailtrap-token-protected-in-production`: `productionStackPattern` (a string).
     */
    productionStackPattern?: string | RegExp;
    /** The clock `expiresAt` is measured against (default: the real one). For tests. */
    now?: () => Date;
}

const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** The `enforcementLevel` a policy gets from the options, if any (the key is left out otherwise). */
export function enforcementLevelOf(
    name: MailtrapTokenPolicyName,
    options: MailtrapTokenPolicyOptions,
): { enforcementLevel?: EnforcementLevel } {
    const level = options.enforcementLevels?.[name] ?? options.enforcementLevel;
    if (level === undefined) {
        return {};
    }
    if (!ENFORCEMENT_LEVELS.includes(level)) {
        throw new TypeError(`${name}: enforcement level must be one of ${ENFORCEMENT_LEVELS.join(", ")}; got ${JSON.stringify(level)}`);
    }
    return { enforcementLevel: level };
}

/** `maxLifetimeDays`, checked: a whole number of days, 1 or more. */
export function checkMaxLifetimeDays(value: unknown, source: string): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
        throw new RangeError(
            `${POLICY_NAMES.maxLifetime}: ${source} maxLifetimeDays must be a whole number of days, 1 or more; got ${JSON.stringify(value)}`,
        );
    }
    return value;
}

/** `allowedTokenNames`, checked: a list of strings. */
export function checkAllowedTokenNames(value: unknown, source: string): string[] {
    if (!Array.isArray(value) || value.some((entry) => typeof entry !== "string")) {
        throw new TypeError(
            `${POLICY_NAMES.noAccountAdmin}: ${source} allowedTokenNames must be a list of token names; got ${JSON.stringify(value)}`,
        );
    }
    return [...(value as string[])];
}

/** The string form of a stack pattern, as config holds it: a RegExp becomes `/source/flags`. */
export function stackPatternText(pattern: string | RegExp): string {
    return pattern instanceof RegExp ? `/${pattern.source}/${pattern.flags}` : pattern;
}

/** A stack pattern as a RegExp: `/source/flags` literals and plain sources alike; `g` and `y` dropped (they make `test` stateful). */
export function parseStackPattern(pattern: unknown, source: string): RegExp {
    const fail = (why: string): never => {
        throw new TypeError(
            `${POLICY_NAMES.protectedInProduction}: ${source} productionStackPattern ${why}; got ${JSON.stringify(String(pattern))}`,
        );
    };
    if (pattern instanceof RegExp) {
        return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
    }
    if (typeof pattern !== "string" || pattern === "") {
        return fail("must be a non-empty regular expression");
    }
    const literal = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
    try {
        return literal ? new RegExp(literal[1], literal[2].replace(/[gy]/g, "")) : new RegExp(pattern);
    } catch (error) {
        return fail(`is not a valid regular expression (${(error as Error).message})`);
    }
}

/**
 * The stack a resource belongs to, from its URN (`urn:pulumi:<stack>::<project>::<type>::<name>`).
 * @pulumi/policy 1.21 passes a resource policy no stack name of its own (its ConfigureStack handler
 * keeps only the stack's tags), but every Analyze request carries the resource's URN.
 */
export function stackOfUrn(urn: unknown): string | undefined {
    if (typeof urn !== "string") {
        return undefined;
    }
    const match = /^urn:pulumi:([^:]+)::/.exec(urn);
    return match ? match[1] : undefined;
}

/** A config schema, leaving out `undefined` (the analyzer sends the schema as a protobuf Struct). */
export function configSchema(properties: PolicyConfigSchema["properties"]): PolicyConfigSchema {
    return { properties: JSON.parse(JSON.stringify(properties)) as PolicyConfigSchema["properties"] };
}
