/**
 * Every property of an `ApiToken` in one table: whether the user sets it (an input, echoed as an
 * output of the same name) or the provider records it (an output), its value type, how the stored
 * state holds it, whether it is always secret, whether a change replaces the token, and the text
 * both faces and the docs give it. Adding an input is a row here plus its rule in validation.ts,
 * then `npm run gen-properties` (and `npm run gen-sdk` for the native SDKs).
 *
 * Derived from it at run time: validation's input names, the inputs whose change replaces the
 * token, the outputs' names, the always-secret outputs, what `stateFor`/`inputsOf` echo
 * (tokenState.ts), the native schema's types and descriptions (native/schema.ts, so the SDKs').
 * Written from it by `npm run gen-properties` (scripts/gen-properties.ts), between generated
 * markers: the stored state's and the checked inputs' types (types.ts), the dynamic class's
 * arguments and outputs (apiToken.ts), and the reference tables of docs/inputs-outputs.md;
 * tests/unit/properties.test.ts fails when a generated section is stale, and the compile-time
 * checks below and in apiToken.ts fail before it.
 */
import type { ApiTokenInputs, ApiTokenState } from "../types";

/**
 * The value types a property can have. Each face maps every one to its own wire or language type
 * (native/schema.ts, scripts/gen-properties.ts), so a new property of a known type needs no code there.
 */
export type ValueType =
    | "string"
    | "integer"
    | "boolean"
    | "date-time"
    | "string or number"
    | "permissions"
    | "answered permissions"
    | "previous tokens"
    | "retirement"
    | "rotation records";

/** How the stored state holds a property: always, `null` when there is none, or only when set. */
export type Stored = "always" | "or null" | "when set";

interface CommonProperty {
    type: ValueType;
    stored: Stored;
    /** Always secret, in state and on the wire. */
    secret: boolean;
    /** What the user reads: the schema's, the SDKs' and the dynamic class's description. */
    description: string;
}

/** A property the user sets; the outputs echo it. */
export interface InputProperty extends CommonProperty {
    role: "input";
    /** The program must give it. */
    required: boolean;
    /** A change needs a new token: the API cannot change it on an existing one. */
    replaces: boolean;
    /** The reference docs' columns: what is allowed, what omitting it means, what a change does. */
    docs: { allowed: string; omitted: string; change: string };
}

/** A property the provider records. */
export interface OutputProperty extends CommonProperty {
    role: "output";
    replaces: false;
}

export type Property = InputProperty | OutputProperty;

export const PROPERTIES = {
    name: {
        role: "input",
        type: "string",
        stored: "always",
        required: true,
        secret: false,
        replaces: true,
        description: "Display name, 1 to 255 characters, not only spaces. Changing it replaces the token.",
        docs: { allowed: "string, 1 to 255 characters, not only spaces", omitted: "required", change: "replace" },
    },
    accountId: {
        role: "input",
        type: "integer",
        stored: "when set",
        required: false,
        secret: false,
        replaces: true,
        description:
            "Mailtrap account id; defaults to `mailtrap:accountId` (or `MAILTRAP_ACCOUNT_ID`); with none anywhere, the API's routes without an account serve the token (the API token's own account). An existing resource keeps the account its state records when the configuration drops it; a different account id replaces the token.",
        docs: {
            allowed: "positive integer",
            omitted:
                "`mailtrap:accountId`, else none: the routes without an account; an existing resource keeps the account its state records",
            change: "replace (a different account id)",
        },
    },
    resources: {
        role: "input",
        type: "permissions",
        stored: "always",
        required: false,
        secret: false,
        replaces: true,
        description: "Permissions of the token; none when omitted. Changing them replaces the token.",
        docs: {
            allowed:
                'list of `{ resourceType: "account" \\| "project" \\| "sandbox" \\| "inbox" \\| "domain" \\| "sending_domain", resourceId: number \\| string, accessLevel: "viewer" \\| "admin" }`',
            omitted: "none",
            change: "replace",
        },
    },
    expiresAt: {
        role: "input",
        type: "date-time",
        stored: "or null",
        required: false,
        secret: false,
        replaces: true,
        description:
            "When the token stops working: an ISO 8601 date-time in the future, at most 5 years ahead. Omitted means never. Changing it replaces the token. A token with an expiry cannot be reset, so a rotation issues a new token with the same expiry, in an update, and keeps the old one for the grace period.",
        docs: { allowed: "ISO 8601 date-time, in the future, at most 5 years ahead", omitted: "never expires", change: "replace" },
    },
    expiresInDays: {
        role: "input",
        type: "integer",
        stored: "when set",
        required: false,
        secret: false,
        replaces: false,
        description:
            "Rolling expiry: every token the resource issues expires this many days (1 to 1,826) after it was issued, and is renewed before then, at the first `pulumi up` once it is older than `rotateAfterDays` (default: expiresInDays less a sixth of it, at least a day). Not with `expiresAt`. A change applies at the next renewal.",
        docs: {
            allowed: "whole days, 1 to 1,826; not with `expiresAt`",
            omitted: "no rolling expiry",
            change: "rolling expiry: every token issued expires this many days after issue; see [rotation](rotation-policy.md#rolling-expiry) for when a change applies",
        },
    },
    rotate: {
        role: "input",
        type: "string or number",
        stored: "when set",
        required: false,
        secret: false,
        replaces: false,
        description: "Rotation trigger: any change of value (set, changed or removed) rotates the token in an update.",
        docs: {
            allowed: "string or number",
            omitted: "no trigger",
            change: 'any change (set, changed, removed) rotates; values compare as text, so `1` and `"1"` are the same',
        },
    },
    rotateAfterDays: {
        role: "input",
        type: "integer",
        stored: "when set",
        required: false,
        secret: false,
        replaces: false,
        description: "Rotate the token once its current value is older than this many days (checked at each preview and update).",
        docs: {
            allowed: "positive number; below `expiresInDays`",
            omitted: "no age limit; with `expiresInDays`: expiresInDays less a sixth, at least 1 (90 → 75)",
            change: "rotates once the value is older than this",
        },
    },
    adoptTokenId: {
        role: "input",
        type: "integer",
        stored: "when set",
        required: false,
        secret: false,
        replaces: false,
        description: "Adopt this existing token at create (one GET) instead of creating one; read only at create.",
        docs: {
            allowed: "positive integer",
            omitted: "a new token is created",
            change: "read only at the first create: adopt this token (a later replacement creates a new one); see [adoption](lookup-adoption.md)",
        },
    },
    tokenId: {
        role: "output",
        type: "integer",
        stored: "always",
        secret: false,
        replaces: false,
        description: "Id of the live token; changes on every rotation. Operations use it, never the resource id.",
    },
    token: {
        role: "output",
        type: "string",
        stored: "always",
        secret: true,
        replaces: false,
        description:
            "The full token value (secret). Empty for an adopted or imported token until its first rotation: the API shows a value only when it issues one.",
    },
    last4Digits: {
        role: "output",
        type: "string",
        stored: "always",
        secret: false,
        replaces: false,
        description: "The last four characters of the value.",
    },
    createdBy: {
        role: "output",
        type: "string",
        stored: "always",
        secret: false,
        replaces: false,
        description: "Who created the token.",
    },
    issuedAt: {
        role: "output",
        type: "date-time",
        stored: "always",
        secret: false,
        replaces: false,
        description: "When the current value was created or reset (ISO 8601).",
    },
    valueExpiresAt: {
        role: "output",
        type: "date-time",
        stored: "or null",
        secret: false,
        replaces: false,
        description:
            "When the live token's value stops working, as the API last reported it; null when never. For a token reset outside Pulumi, the end of its grace period.",
    },
    issuedExpiresAt: {
        role: "output",
        type: "date-time",
        stored: "or null",
        secret: false,
        replaces: false,
        description:
            "The live token's expiry as the API reported it when the token was issued (null: never); a live expiry that moved away from it means the token was reset outside Pulumi.",
    },
    issuedResources: {
        role: "output",
        type: "answered permissions",
        stored: "always",
        secret: false,
        replaces: false,
        description:
            "The live token's permissions as the API answered when it was issued (created, reset, or first read when adopted or imported). An answer that only reorders them, respells a kind (`inbox`/`sandbox`) or types an id differently is no change; any other change (permissions edited outside Pulumi) is drift: refresh shows it and the next `pulumi up` replaces the token.",
    },
    tokenGone: {
        role: "output",
        type: "boolean",
        stored: "when set",
        secret: false,
        replaces: false,
        description:
            "True only when a refresh found the live token deleted while a previous token was still to be deleted: the next update issues a new token and deletes the previous one.",
    },
    previousTokens: {
        role: "output",
        type: "previous tokens",
        stored: "always",
        secret: false,
        replaces: false,
        description:
            "Every token a renewal replaced that is still valid, oldest first: each stays until its grace ends, however many renewals follow; destroy deletes those still valid.",
    },
    previousTokenId: {
        role: "output",
        type: "integer",
        stored: "when set",
        secret: false,
        replaces: false,
        description: "After a rotation: the replaced token, still valid during its grace period.",
    },
    previousTokenExpiresAt: {
        role: "output",
        type: "date-time",
        stored: "when set",
        secret: false,
        replaces: false,
        description: "After a rotation: when the replaced token stops working (ISO 8601); the vendor documents 12 hours from a reset.",
    },
    previousTokenRetiredBy: {
        role: "output",
        type: "retirement",
        stored: "when set",
        secret: false,
        replaces: false,
        description:
            'How the previous token ends: "expiry" (reset: the API expires it) or "delete" (a new token took its place: deleted after its grace, or by destroy).',
    },
    rotationCount: {
        role: "output",
        type: "integer",
        stored: "always",
        secret: false,
        replaces: false,
        description: "Renewals of the value since the resource was created.",
    },
    nextRotationAt: {
        role: "output",
        type: "date-time",
        stored: "or null",
        secret: false,
        replaces: false,
        description: "When the schedule renews the value (ISO 8601); null without a schedule.",
    },
    rotationHistory: {
        role: "output",
        type: "rotation records",
        stored: "always",
        secret: false,
        replaces: false,
        description:
            "The last 10 renewals, newest first (the first token included): id, last 4 digits, when, and why (created, adopted, trigger, age, expiry, expiry-mismatch, reset-outside or recovered); never a value.",
    },
    stateVersion: {
        role: "output",
        type: "integer",
        stored: "always",
        secret: false,
        replaces: false,
        description: "The shape version of the outputs in state; each release reads every earlier one.",
    },
} as const satisfies Record<string, Property>;

type Table = typeof PROPERTIES;
export type PropertyName = keyof Table;
export type InputName = { [K in PropertyName]: Table[K]["role"] extends "input" ? K : never }[PropertyName];
export type OutputName = Exclude<PropertyName, InputName>;
export type ReplacingInput = { [K in InputName]: Table[K]["replaces"] extends true ? K : never }[InputName];

const NAMES = Object.keys(PROPERTIES) as PropertyName[];

/** The inputs, in the table's order. */
export const INPUT_NAMES: readonly InputName[] = NAMES.filter((name): name is InputName => PROPERTIES[name].role === "input");

/** The outputs that are not inputs echoed, in the table's order: both faces declare them, and `stateFor` (tokenState.ts) records each. */
export const OUTPUT_NAMES: readonly OutputName[] = NAMES.filter((name): name is OutputName => PROPERTIES[name].role === "output");

/** Inputs whose change needs a new token. */
export const REPLACING_INPUTS: readonly ReplacingInput[] = INPUT_NAMES.filter((name): name is ReplacingInput => PROPERTIES[name].replaces);

/** Properties that are always secret. */
export const SECRET_PROPERTIES: readonly PropertyName[] = NAMES.filter((name) => PROPERTIES[name].secret);

/** True when A and B are the same set of names. */
export type SameNames<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;

/**
 * Compile-time checks: a property the table has and the stored state lacks (or the other way
 * round), or an input the table has and the checked inputs lack, fails to compile here.
 */
export type TableChecks = [Holds<SameNames<keyof ApiTokenState, PropertyName>>, Holds<SameNames<keyof ApiTokenInputs, InputName>>];
