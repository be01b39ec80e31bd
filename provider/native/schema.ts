/**
 * The Pulumi package schema of the native provider `pulumi-resource-mailtrap`: the same inputs and
 * outputs as the dynamic `ApiToken` (provider/apiToken.ts), the function `getApiTokens`, and the
 * provider's configuration. Every property has a description; `token` and `apiToken` are secret;
 * a value that is one of a set is an enum. `npm run gen-sdk` writes it to sdk/schema.json and
 * generates the SDKs from it; the plugin serves the same (GetSchema).
 */
import type { API_TOKEN_OUTPUT_NAMES } from "../apiToken";
import { INPUT_NAMES } from "../lifecycle/validation";
import type { AccessLevel, PreviousTokenRetirement, ResourceType, RotationCauseName } from "../types";
// The one place a release names its GitHub owner: the plugin's download URL and the Go module path come from it.
import release from "./release.json";

export const PACKAGE_NAME = "mailtrap";
export const API_TOKEN_TYPE = "mailtrap:index:ApiToken";
export const GET_API_TOKENS = "mailtrap:index:getApiTokens";

type Property = Record<string, unknown> & { description: string };

const PERMISSION_TYPE = "mailtrap:index:ApiTokenPermission";
/** A permission as the API answers it: a kind or level the provider does not know is kept as answered. */
const ANSWERED_PERMISSION_TYPE = "mailtrap:index:AnsweredPermission";
const ROTATION_RECORD_TYPE = "mailtrap:index:RotationRecord";
const PREVIOUS_TOKEN_TYPE = "mailtrap:index:PreviousToken";
const TOKEN_INFO_TYPE = "mailtrap:index:ApiTokenInfo";
const RESOURCE_TYPE_ENUM = "mailtrap:index:ResourceType";
const ACCESS_LEVEL_ENUM = "mailtrap:index:AccessLevel";
const ROTATION_CAUSE_ENUM = "mailtrap:index:RotationCause";
const RETIREMENT_ENUM = "mailtrap:index:PreviousTokenRetirement";
const ref = (token: string) => ({ $ref: `#/types/${token}` });

/** Where releases live: `github://` makes the CLI fetch the plugin from the repository's GitHub releases. */
export const REPOSITORY_URL = `https://github.com/${release.owner}/${release.repository}`;
export const PLUGIN_DOWNLOAD_URL = `github://api.github.com/${release.owner}/${release.repository}`;
/** The Go SDK's import path; its module (sdk/go/go.mod) is the folder above. */
export const GO_IMPORT_BASE_PATH = `github.com/${release.owner}/${release.repository}/sdk/go/mailtrap`;

/**
 * An enum type from every value of a union, each with its description: a Record over the union, so
 * a value added to provider/types.ts fails to compile here until it is described.
 */
function enumType<T extends string>(description: string, values: Record<T, [name: string, description: string]>): Record<string, unknown> {
    return {
        type: "string",
        description,
        enum: Object.entries<[string, string]>(values).map(([value, [name, text]]) => ({ name, value, description: text })),
    };
}

const ENUMS: Record<string, Record<string, unknown>> = {
    [RESOURCE_TYPE_ENUM]: enumType<ResourceType>("The kind of Mailtrap object a permission covers.", {
        account: ["Account", "The whole account (the resource id is the account id)."],
        project: ["Project", "A project of Email Testing."],
        sandbox: ["Sandbox", "A sandbox (inbox) of Email Testing; the same kind as `inbox`, its name since 2026-05-15."],
        inbox: ["Inbox", "A sandbox (inbox) of Email Testing: the older name of `sandbox`, the same kind."],
        domain: ["Domain", "A sending domain of Email Sending; the same kind as `sending_domain`, its name since 2026-05-15."],
        sending_domain: ["SendingDomain", "A sending domain of Email Sending: the older name of `domain`, the same kind."],
    }),
    [ACCESS_LEVEL_ENUM]: enumType<AccessLevel>("How much a permission allows.", {
        viewer: ["Viewer", "Read the object (and list what it holds)."],
        admin: ["Admin", "Manage the object: read, change and delete it."],
    }),
    [ROTATION_CAUSE_ENUM]: enumType<RotationCauseName>("Why a token value was issued: the first token, or the cause of a renewal.", {
        created: ["Created", "The resource's first token, created by it."],
        adopted: ["Adopted", "An existing token taken over (`adoptTokenId`, or `pulumi import`)."],
        trigger: ["Trigger", "The `rotate` input changed."],
        age: ["Age", "The value was older than `rotateAfterDays` (or the rolling schedule of `expiresInDays`)."],
        expiry: ["Expiry", "The token expired before any `pulumi up` renewed it."],
        "expiry-mismatch": ["ExpiryMismatch", "The live expiry differed from the declared one."],
        "reset-outside": ["ResetOutside", "The token was reset outside Pulumi (its live expiry moved)."],
        recovered: ["Recovered", "The live token was gone or its value unknown: a new one was issued."],
    }),
    [RETIREMENT_ENUM]: enumType<PreviousTokenRetirement>("How the previous token ends.", {
        expiry: ["Expiry", "A reset: the API expires it at the end of its grace."],
        delete: ["Delete", "A new token took its place: deleted after its grace, or by destroy."],
    }),
};

/** The resource's inputs, each echoed as an output of the same name. */
const INPUTS: Record<(typeof INPUT_NAMES)[number], Property> = {
    name: { type: "string", description: "Display name, 1 to 255 characters, not only spaces. Changing it replaces the token." },
    accountId: {
        type: "integer",
        description:
            "Mailtrap account id; defaults to `mailtrap:accountId` (or `MAILTRAP_ACCOUNT_ID`); with none anywhere, the API's routes without an account serve the token (the API token's own account). An existing resource keeps the account its state records when the configuration drops it; a different account id replaces the token.",
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
    issuedResources: {
        type: "array",
        items: ref(ANSWERED_PERMISSION_TYPE),
        description:
            "The live token's permissions as the API answered when it was issued (created, reset, or first read when adopted or imported). An answer that only reorders them, respells a kind (`inbox`/`sandbox`) or types an id differently is no change; any other change (permissions edited outside Pulumi) is drift: refresh shows it and the next `pulumi up` replaces the token.",
    },
    tokenGone: {
        type: "boolean",
        description:
            "True only when a refresh found the live token deleted while a previous token was still to be deleted: the next update issues a new token and deletes the previous one.",
    },
    previousTokens: {
        type: "array",
        items: ref(PREVIOUS_TOKEN_TYPE),
        description:
            "Every token a renewal replaced that is still valid, oldest first: each stays until its grace ends, however many renewals follow; destroy deletes those still valid.",
    },
    previousTokenId: { type: "integer", description: "After a rotation: the replaced token, still valid during its grace period." },
    previousTokenExpiresAt: { type: "string", description: "After a rotation: when the replaced token stops working (ISO 8601)." },
    previousTokenRetiredBy: {
        ...ref(RETIREMENT_ENUM),
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
        description:
            "The account of tokens that name none; falls back to `MAILTRAP_ACCOUNT_ID`. Optional: without one, the API's routes without an account serve the API token's own account.",
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
    resourceType: {
        ...ref(RESOURCE_TYPE_ENUM),
        description:
            "The kind of Mailtrap object: `account`, `project`, `sandbox` (or its older name `inbox`) or `domain` (or its older name `sending_domain`); sent as declared, compared as one kind.",
    },
    resourceId: { oneOf: [{ type: "integer" }, { type: "string" }], description: "The id of that object (the account id for `account`)." },
    accessLevel: { ...ref(ACCESS_LEVEL_ENUM), description: "`viewer` (read) or `admin` (manage)." },
};

/** The SDKs' README (PyPI's and npm's long description). */
const SDK_README = [
    "# Mailtrap API tokens for Pulumi",
    "",
    "Declare, rotate and audit Mailtrap API tokens as code, through the Pulumi provider `pulumi-resource-mailtrap`.",
    "The CLI downloads the plugin from the repository's releases the first time a program uses this SDK.",
    "",
    `Documentation, examples and releases: ${REPOSITORY_URL}`,
    "",
].join("\n");

/** The schema as the engine's GetSchema answer carries it. */
export function packageSchema(version: string): Record<string, unknown> {
    const inputProperties = INPUTS;
    return {
        name: PACKAGE_NAME,
        displayName: "Mailtrap",
        version,
        description: "Mailtrap API tokens as code: declare, rotate and audit them.",
        // The registry's metadata; `category/utility` as providers of a vendor's credentials are.
        publisher: release.owner,
        homepage: REPOSITORY_URL,
        repository: REPOSITORY_URL,
        license: "Apache-2.0",
        keywords: ["pulumi", "mailtrap", "api-tokens", "category/utility", "kind/native"],
        pluginDownloadURL: PLUGIN_DOWNLOAD_URL,
        // A go.mod in sdk/go (and the Python SDK's own version in _utilities.py), as `pulumi package gen-sdk` writes for packable SDKs.
        meta: { supportPack: true },
        config: { variables: CONFIG },
        provider: {
            description: "The provider's settings; each falls back to its environment variable.",
            inputProperties: CONFIG,
        },
        types: {
            ...ENUMS,
            [PERMISSION_TYPE]: {
                type: "object",
                description: "One permission of an API token.",
                properties: PERMISSION_PROPERTIES,
                required: ["resourceType", "resourceId", "accessLevel"],
            },
            [ANSWERED_PERMISSION_TYPE]: {
                type: "object",
                description:
                    "One permission of an API token as the API answered it: a kind or access level the provider does not know is kept as answered.",
                properties: {
                    resourceType: {
                        type: "string",
                        description:
                            "The kind of Mailtrap object as answered: `account`, `project`, `sandbox` (`inbox`), `domain` (`sending_domain`), or a kind added later.",
                    },
                    resourceId: PERMISSION_PROPERTIES.resourceId,
                    accessLevel: {
                        oneOf: [{ type: "string" }, { type: "integer" }],
                        description: "`viewer` or `admin`; a level without a name as the number the API gave (for example 50).",
                    },
                },
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
                        ...ref(ROTATION_CAUSE_ENUM),
                        description: "Why: created, adopted, trigger, age, expiry, expiry-mismatch, reset-outside or recovered.",
                    },
                },
                required: ["tokenId", "last4Digits", "issuedAt", "cause"],
            },
            [PREVIOUS_TOKEN_TYPE]: {
                type: "object",
                description: "A token a renewal replaced that is still valid.",
                properties: {
                    tokenId: { type: "integer", description: "The token's id." },
                    expiresAt: { type: "string", description: "The end of its grace (ISO 8601)." },
                    retiredBy: {
                        ...ref(RETIREMENT_ENUM),
                        description:
                            'How it ends: "expiry" (reset: the API expires it) or "delete" (the provider deletes it after its grace).',
                    },
                },
                required: ["tokenId", "expiresAt", "retiredBy"],
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
                    resources: { type: "array", items: ref(ANSWERED_PERMISSION_TYPE), description: "The token's permissions, as answered." },
                },
                required: ["id", "name", "last4Digits", "createdBy", "resources"],
            },
        },
        resources: {
            [API_TOKEN_TYPE]: {
                description:
                    "A Mailtrap API token managed as code. The full value is the secret output `token`. Rotation (a `rotate` change, or `rotateAfterDays` elapsing) resets the token in an update: `tokenId` and `token` change, and the previous token keeps working for its grace period. Import with the id `<accountId>/<tokenId>`, or `<tokenId>` (the configured account, else the API token's own); an imported token's value stays empty until its first rotation.",
                inputProperties,
                requiredInputs: ["name"],
                properties: {
                    ...INPUTS,
                    // As an output, `resources` may hold what a refresh found (a kind or level the provider does not know).
                    resources: { ...INPUTS.resources, items: ref(ANSWERED_PERMISSION_TYPE) },
                    ...OUTPUTS,
                },
                required: ["name", "resources", "tokenId", "token", "last4Digits", "createdBy", "issuedAt", "rotationCount"],
            },
        },
        functions: {
            [GET_API_TOKENS]: {
                description: "Lists the account's API tokens (one GET). Never returns a token value: the API does not show them again.",
                inputs: {
                    properties: {
                        accountId: {
                            type: "integer",
                            description: "The account to list; defaults to the provider's `accountId`, else the API token's own account.",
                        },
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
            // this schema, released as a tarball (scripts/release.sh). Its own @pulumi/pulumi range, not the dynamic
            // package's: the generated `ApiToken.exists` calls `runtime.existsResource`, added in 3.269.0.
            nodejs: {
                respectSchemaVersion: true,
                packageName: "@mailtrap-tokens/pulumi-mailtrap",
                packageDescription: "Typed Node.js SDK of the Pulumi provider pulumi-resource-mailtrap: Mailtrap API tokens",
                readme: SDK_README,
                dependencies: { "@pulumi/pulumi": ">=3.269.0 <4.0.0" },
                devDependencies: { typescript: "^5.9.3" },
            },
            // sdk/python (`npm run gen-sdk`): the package `pulumi_mailtrap`, versioned as this schema, released as a wheel and sdist.
            python: { respectSchemaVersion: true, packageName: "pulumi_mailtrap", readme: SDK_README, pyproject: { enabled: true } },
            // sdk/go (`npm run gen-sdk`): the module of GO_IMPORT_BASE_PATH's folder, committed (Go installs from the repository).
            go: { importBasePath: GO_IMPORT_BASE_PATH, respectSchemaVersion: true, generateResourceContainerTypes: true },
        },
    };
}
