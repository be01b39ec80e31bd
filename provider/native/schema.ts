/**
 * The Pulumi package schema of the native provider `pulumi-resource-mailtrap`: the same inputs and
 * outputs as the dynamic `ApiToken` (the lifecycle core names them), the function `getApiTokens`,
 * and the provider's configuration. Every property has a description; `token` and `apiToken` are secret;
 * a value that is one of a set is an enum. `npm run gen-sdk` writes it to sdk/schema.json and
 * generates the SDKs from it; the plugin serves the same (GetSchema).
 */
import { NATIVE_API_TOKEN_TYPE } from "../constants";
import { INPUT_NAMES, OUTPUT_NAMES, PROPERTIES, PropertyName, ValueType } from "../lifecycle/properties";
import type { AccessLevel, PreviousTokenRetirement, ResourceType, RotationCauseName } from "../types";
// The one place a release names its GitHub owner: the plugin's download URL and the Go module path come from it.
import release from "./release.json";

export const PACKAGE_NAME = "mailtrap";
/** The resource's type token (provider/constants.ts). */
export const API_TOKEN_TYPE = NATIVE_API_TOKEN_TYPE;
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

/** A property's type on the wire; its description and whether it is secret come from the table of properties. */
type WireType = Record<string, unknown>;

/**
 * Each value type of the table of properties on the wire, as an input and as an output: a Record
 * over the table's value types, so a new value type fails to compile here until it has a wire type.
 */
const WIRE_TYPES: Record<ValueType, { input: WireType; output?: WireType }> = {
    string: { input: { type: "string" } },
    integer: { input: { type: "integer" } },
    boolean: { input: { type: "boolean" } },
    "date-time": { input: { type: "string" } },
    "string or number": { input: { oneOf: [{ type: "string" }, { type: "number" }] } },
    // As an output, permissions may hold what a refresh found (a kind or level the provider does not know).
    permissions: { input: { type: "array", items: ref(PERMISSION_TYPE) }, output: { type: "array", items: ref(ANSWERED_PERMISSION_TYPE) } },
    "answered permissions": { input: { type: "array", items: ref(ANSWERED_PERMISSION_TYPE) } },
    "previous tokens": { input: { type: "array", items: ref(PREVIOUS_TOKEN_TYPE) } },
    retirement: { input: ref(RETIREMENT_ENUM) },
    "rotation records": { input: { type: "array", items: ref(ROTATION_RECORD_TYPE) } },
};

/** Each property with its wire type, then `secret` and the description from the table of properties. */
function described(names: readonly PropertyName[], as: "input" | "output"): Record<string, Property> {
    return Object.fromEntries(
        names.map((name) => {
            const wire = WIRE_TYPES[PROPERTIES[name].type];
            return [
                name,
                {
                    ...(as === "output" ? (wire.output ?? wire.input) : wire.input),
                    ...(PROPERTIES[name].secret ? { secret: true } : {}),
                    description: PROPERTIES[name].description,
                },
            ];
        }),
    );
}

const INPUTS = described(INPUT_NAMES, "input");
const OUTPUTS = described([...INPUT_NAMES, ...OUTPUT_NAMES], "output");

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
                    resources: {
                        type: "array",
                        items: ref(ANSWERED_PERMISSION_TYPE),
                        description: "The token's permissions, as answered.",
                    },
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
                properties: OUTPUTS,
                // The outputs the SDKs type as always present (since 0.1.0); later outputs stay optional there, since
                // a state recorded before them lacks them.
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
