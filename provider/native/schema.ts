/**
 * The Pulumi package schema of the native provider `pulumi-resource-mailtrap`: the same inputs and
 * outputs as the dynamic `ApiToken` (provider/apiToken.ts), the function `getApiTokens`, and the
 * provider's configuration. Every property has a description; `token` and `apiToken` are secret.
 */
import type { API_TOKEN_OUTPUT_NAMES } from "../apiToken";
import { INPUT_NAMES } from "../lifecycle/validation";

export const PACKAGE_NAME = "mailtrap";
export const API_TOKEN_TYPE = "mailtrap:index:ApiToken";
export const GET_API_TOKENS = "mailtrap:index:getApiTokens";

type Property = Record<string, unknown> & { description: string };

const PERMISSION_TYPE = "mailtrap:index:ApiTokenPermission";
const ROTATION_RECORD_TYPE = "mailtrap:index:RotationRecord";
const TOKEN_INFO_TYPE = "mailtrap:index:ApiTokenInfo";
const ref = (token: string) => ({ $ref: `#/types/${token}` });

/** The resource's inputs, each echoed as an output of the same name. */
const INPUTS: Record<(typeof INPUT_NAMES)[number], Property> = {
    name: { type: "string", description: "Display name, 1 to 255 characters, not only spaces. Changing it replaces the token." },
    accountId: {
        type: "integer",
        description: "Mailtrap account id; defaults to `mailtrap:accountId` (or `MAILTRAP_ACCOUNT_ID`). Changing it replaces the token.",
    },
    resources: {
        type: "array",
        items: ref(PERMISSION_TYPE),
        description: "Permissions of the token; none when omitted. Changing them replaces the token.",
    },
    expiresAt: {
        type: "string",
        description:
            "When the token stops working: an ISO 8601 date-time in the future, at most 5 years ahead. Omitted means never. Changing it replaces the token. A token with an expiry cannot be reset, so a rotation issues a new token with the same expiry, in an update, and keeps the old one for the grace period.",
    },
    expiresInDays: {
        type: "integer",
        description:
            "Rolling expiry: every token the resource issues expires this many days (1 to 1,826) after it was issued, and is renewed before then, at the first `pulumi up` once it is older than `rotateAfterDays` (default: expiresInDays less a sixth of it, at least a day). Not with `expiresAt`. A change applies at the next renewal.",
    },
    rotate: {
        oneOf: [{ type: "string" }, { type: "number" }],
        description: "Rotation trigger: any change of value (set, changed or removed) rotates the token in an update.",
    },
    rotateAfterDays: {
        type: "integer",
        description: "Rotate the token once its current value is older than this many days (checked at each preview and update).",
    },
    adoptTokenId: {
        type: "integer",
        description: "Adopt this existing token at create (one GET) instead of creating one; read only at create.",
    },
};

/** Outputs beyond the echoed inputs: the dynamic `ApiToken`'s, each of them (the type says so). */
const OUTPUTS: Record<(typeof API_TOKEN_OUTPUT_NAMES)[number], Property> = {
    tokenId: { type: "integer", description: "Id of the live token; changes on every rotation. Operations use it, never the resource id." },
    token: {
        type: "string",
        secret: true,
        description:
            "The full token value (secret). Empty for an adopted or imported token until its first rotation: the API shows a value only when it issues one.",
    },
    last4Digits: { type: "string", description: "The last four characters of the value." },
    createdBy: { type: "string", description: "Who created the token." },
    issuedAt: { type: "string", description: "When the current value was created or reset (ISO 8601)." },
    valueExpiresAt: {
        type: "string",
        description: "When the live token's value stops working, as the API last reported it; null when never.",
    },
    issuedExpiresAt: {
        type: "string",
        description:
            "The live token's expiry as the API reported it when the token was issued (null: never); a live expiry that moved away from it means the token was reset outside Pulumi.",
    },
    tokenGone: {
        type: "boolean",
        description:
            "True only when a refresh found the live token deleted while a previous token was still to be deleted: the next update issues a new token and deletes the previous one.",
    },
    previousTokenId: { type: "integer", description: "After a rotation: the replaced token, still valid during its grace period." },
    previousTokenExpiresAt: { type: "string", description: "After a rotation: when the replaced token stops working (ISO 8601)." },
    previousTokenRetiredBy: {
        type: "string",
        description:
            'How the previous token ends: "expiry" (reset: the API expires it) or "delete" (a new token took its place: deleted after its grace, or by destroy).',
    },
    rotationCount: { type: "integer", description: "Renewals of the value since the resource was created." },
    nextRotationAt: { type: "string", description: "When the schedule renews the value (ISO 8601); null without a schedule." },
    rotationHistory: {
        type: "array",
        items: ref(ROTATION_RECORD_TYPE),
        description: "The last 10 renewals, newest first (the first token included): id, last 4 digits, when, and why; never a value.",
    },
    stateVersion: { type: "integer", description: "The shape version of the outputs in state; each release reads every earlier one." },
};

const CONFIG: Record<string, Property> = {
    apiToken: {
        type: "string",
        secret: true,
        description: "The Mailtrap API token the provider acts with; falls back to `MAILTRAP_API_TOKEN`.",
    },
    accountId: {
        type: "integer",
        description: "The account of tokens that name none; falls back to `MAILTRAP_ACCOUNT_ID`.",
    },
    baseUrl: {
        type: "string",
        description: "The API's base URL; falls back to `MAILTRAP_BASE_URL`, then https://mailtrap.io. Plain http only for loopback.",
    },
    maxRetries: { type: "integer", description: "Retries of a failed request (0 to 20); falls back to `MAILTRAP_MAX_RETRIES`." },
    requestTimeoutMs: {
        type: "integer",
        description: "Timeout of one request in milliseconds; falls back to `MAILTRAP_REQUEST_TIMEOUT_MS`.",
    },
    operationTimeoutMs: {
        type: "integer",
        description: "Time budget of one operation and its retries in milliseconds; falls back to `MAILTRAP_OPERATION_TIMEOUT_MS`.",
    },
    requestsPer10Seconds: {
        type: "integer",
        description: "Requests per 10 seconds the provider allows itself (0: no limit); falls back to `MAILTRAP_REQUESTS_PER_10_SECONDS`.",
    },
};

const PERMISSION_PROPERTIES: Record<string, Property> = {
    resourceType: { type: "string", description: "The kind of Mailtrap object: `account`, `project`, `inbox` or `sending_domain`." },
    resourceId: { oneOf: [{ type: "integer" }, { type: "string" }], description: "The id of that object (the account id for `account`)." },
    accessLevel: { type: "string", description: "`viewer` (read) or `admin` (manage)." },
};

/** The schema as the engine's GetSchema answer carries it. */
export function packageSchema(version: string): Record<string, unknown> {
    const inputProperties = INPUTS;
    return {
        name: PACKAGE_NAME,
        displayName: "Mailtrap",
        version,
        description: "Mailtrap API tokens as code: declare, rotate and audit them.",
        license: "Apache-2.0",
        config: { variables: CONFIG },
        provider: {
            description: "The provider's settings; each falls back to its environment variable.",
            inputProperties: CONFIG,
        },
        types: {
            [PERMISSION_TYPE]: {
                type: "object",
                description: "One permission of an API token.",
                properties: PERMISSION_PROPERTIES,
                required: ["resourceType", "resourceId", "accessLevel"],
            },
            [ROTATION_RECORD_TYPE]: {
                type: "object",
                description: "A token the resource issued or took over; never a value.",
                properties: {
                    tokenId: { type: "integer", description: "The token's id." },
                    last4Digits: { type: "string", description: "The last four characters of its value." },
                    issuedAt: { type: "string", description: "When it was issued (or adopted), ISO 8601." },
                    cause: {
                        type: "string",
                        description: "Why: created, adopted, trigger, age, expiry, reset-outside or recovered.",
                    },
                },
                required: ["tokenId", "last4Digits", "issuedAt", "cause"],
            },
            [TOKEN_INFO_TYPE]: {
                type: "object",
                description: "A token as the API describes it: everything but the value, which is shown only once.",
                properties: {
                    id: { type: "integer", description: "The token's id." },
                    name: { type: "string", description: "The token's display name." },
                    last4Digits: { type: "string", description: "The last four characters of the value." },
                    createdBy: { type: "string", description: "Who created the token." },
                    expiresAt: { type: "string", description: "When the token stops working (ISO 8601), or null when it never expires." },
                    resources: { type: "array", items: ref(PERMISSION_TYPE), description: "The token's permissions." },
                },
                required: ["id", "name", "last4Digits", "createdBy", "resources"],
            },
        },
        resources: {
            [API_TOKEN_TYPE]: {
                description:
                    "A Mailtrap API token managed as code. The full value is the secret output `token`. Rotation (a `rotate` change, or `rotateAfterDays` elapsing) resets the token in an update: `tokenId` and `token` change, and the previous token keeps working for its grace period. Import with the id `<accountId>/<tokenId>`; an imported token's value stays empty until its first rotation.",
                inputProperties,
                requiredInputs: ["name"],
                properties: { ...INPUTS, ...OUTPUTS },
                required: ["name", "accountId", "resources", "tokenId", "token", "last4Digits", "createdBy", "issuedAt", "rotationCount"],
            },
        },
        functions: {
            [GET_API_TOKENS]: {
                description: "Lists the account's API tokens (one GET). Never returns a token value: the API does not show them again.",
                inputs: {
                    properties: {
                        accountId: { type: "integer", description: "The account to list; defaults to the provider's `accountId`." },
                        apiToken: {
                            type: "string",
                            secret: true,
                            description: "The credential; defaults to the provider's `apiToken`.",
                        },
                        baseUrl: { type: "string", description: "The API's base URL; defaults to the provider's `baseUrl`." },
                    },
                },
                outputs: {
                    properties: {
                        tokens: { type: "array", items: ref(TOKEN_INFO_TYPE), description: "The account's tokens, without values." },
                    },
                    required: ["tokens"],
                },
            },
        },
        language: {
            // sdk/nodejs (`npm run gen-sdk`): the npm package `@mailtrap-tokens/pulumi-mailtrap`, versioned as
            // this schema; built from the clone (not published), on the same @pulumi/pulumi range as this package.
            nodejs: {
                respectSchemaVersion: true,
                packageName: "@mailtrap-tokens/pulumi-mailtrap",
                packageDescription: "Typed Node.js SDK of the Pulumi provider pulumi-resource-mailtrap: Mailtrap API tokens",
                dependencies: { "@pulumi/pulumi": ">=3.139.0 <3.249.0" },
                devDependencies: { typescript: "^5.9.3" },
            },
            // sdk/python (`npm run gen-sdk`): the package `pulumi_mailtrap`, versioned as this schema.
            python: { respectSchemaVersion: true, packageName: "pulumi_mailtrap", pyproject: { enabled: true } },
        },
    };
}
