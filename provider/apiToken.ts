import * as pulumi from "@pulumi/pulumi";
import { INPUT_NAMES, InputName, OUTPUT_NAMES, PropertyName, SameNames, SECRET_PROPERTIES } from "./lifecycle/properties";
import { storedProvider } from "./state/facade";
import { AccessLevel, ApiTokenPermission, PreviousToken, PreviousTokenRetirement, ResourceType, RotationRecord } from "./types";

/** One permission, as a resource input. */
export interface ApiTokenPermissionArgs {
    /**
     * The kind of Mailtrap object: `account`, `project`, `sandbox` (or its older name `inbox`) or
     * `domain` (or its older name `sending_domain`); sent as declared, compared as one kind.
     */
    resourceType: pulumi.Input<ResourceType>;
    /** The id of that object (the account id for `account`). */
    resourceId: pulumi.Input<number | string>;
    /** `viewer` (read) or `admin` (manage). */
    accessLevel: pulumi.Input<AccessLevel>;
}

// generated:arguments (npm run gen-properties, from provider/lifecycle/properties.ts)
/** The inputs of an {@link ApiToken}. */
export interface ApiTokenArgs {
    /** Display name, 1 to 255 characters, not only spaces. Changing it replaces the token. */
    name: pulumi.Input<string>;
    /** Mailtrap account id; defaults to `mailtrap:accountId` (or `MAILTRAP_ACCOUNT_ID`); with none anywhere, the API's routes without an account serve the token (the API token's own account). An existing resource keeps the account its state records when the configuration drops it; a different account id replaces the token. */
    accountId?: pulumi.Input<number>;
    /** Permissions of the token; none when omitted. Changing them replaces the token. */
    resources?: pulumi.Input<pulumi.Input<ApiTokenPermissionArgs>[]>;
    /** When the token stops working: an ISO 8601 date-time in the future, at most 5 years ahead. Omitted means never. Changing it replaces the token. A token with an expiry cannot be reset, so a rotation issues a new token with the same expiry, in an update, and keeps the old one for the grace period. */
    expiresAt?: pulumi.Input<string>;
    /** Rolling expiry: every token the resource issues expires this many days (1 to 1,826) after it was issued, and is renewed before then, at the first `pulumi up` once it is older than `rotateAfterDays` (default: expiresInDays less a sixth of it, at least a day). Not with `expiresAt`. A change applies at the next renewal. */
    expiresInDays?: pulumi.Input<number>;
    /** Rotation trigger: any change of value (set, changed or removed) rotates the token in an update. */
    rotate?: pulumi.Input<string | number>;
    /** Rotate the token once its current value is older than this many days (checked at each preview and update). */
    rotateAfterDays?: pulumi.Input<number>;
    /** Adopt this existing token at create (one GET) instead of creating one; read only at create. */
    adoptTokenId?: pulumi.Input<number>;
}
// end generated:arguments

/** Every input and output of an ApiToken, from the table of properties (lifecycle/properties.ts). */
const API_TOKEN_PROPERTIES = [...INPUT_NAMES, ...OUTPUT_NAMES];

/**
 * A Mailtrap API token managed as code. The full value is the secret output `token`. Rotation (a
 * `rotate` change, or `rotateAfterDays` elapsing) resets the token in an update: `tokenId` and
 * `token` change, and the previous token keeps working for its grace period.
 */
export class ApiToken extends pulumi.dynamic.Resource {
    // generated:outputs (npm run gen-properties, from provider/lifecycle/properties.ts)
    /** Display name, 1 to 255 characters, not only spaces. Changing it replaces the token. */
    public readonly name!: pulumi.Output<string>;
    /** Mailtrap account id; defaults to `mailtrap:accountId` (or `MAILTRAP_ACCOUNT_ID`); with none anywhere, the API's routes without an account serve the token (the API token's own account). An existing resource keeps the account its state records when the configuration drops it; a different account id replaces the token. */
    public readonly accountId!: pulumi.Output<number | undefined>;
    /** Permissions of the token; none when omitted. Changing them replaces the token. */
    public readonly resources!: pulumi.Output<ApiTokenPermission[]>;
    /** When the token stops working: an ISO 8601 date-time in the future, at most 5 years ahead. Omitted means never. Changing it replaces the token. A token with an expiry cannot be reset, so a rotation issues a new token with the same expiry, in an update, and keeps the old one for the grace period. */
    public readonly expiresAt!: pulumi.Output<string | null>;
    /** Rolling expiry: every token the resource issues expires this many days (1 to 1,826) after it was issued, and is renewed before then, at the first `pulumi up` once it is older than `rotateAfterDays` (default: expiresInDays less a sixth of it, at least a day). Not with `expiresAt`. A change applies at the next renewal. */
    public readonly expiresInDays!: pulumi.Output<number | undefined>;
    /** Rotation trigger: any change of value (set, changed or removed) rotates the token in an update. */
    public readonly rotate!: pulumi.Output<string | number | undefined>;
    /** Rotate the token once its current value is older than this many days (checked at each preview and update). */
    public readonly rotateAfterDays!: pulumi.Output<number | undefined>;
    /** Adopt this existing token at create (one GET) instead of creating one; read only at create. */
    public readonly adoptTokenId!: pulumi.Output<number | undefined>;
    /** Id of the live token; changes on every rotation. Operations use it, never the resource id. */
    public readonly tokenId!: pulumi.Output<number>;
    /** The full token value (secret). Empty for an adopted or imported token until its first rotation: the API shows a value only when it issues one. */
    public readonly token!: pulumi.Output<string>;
    /** The last four characters of the value. */
    public readonly last4Digits!: pulumi.Output<string>;
    /** Who created the token. */
    public readonly createdBy!: pulumi.Output<string>;
    /** When the current value was created or reset (ISO 8601). */
    public readonly issuedAt!: pulumi.Output<string>;
    /** When the live token's value stops working, as the API last reported it; null when never. For a token reset outside Pulumi, the end of its grace period. */
    public readonly valueExpiresAt!: pulumi.Output<string | null>;
    /** The live token's expiry as the API reported it when the token was issued (null: never); a live expiry that moved away from it means the token was reset outside Pulumi. */
    public readonly issuedExpiresAt!: pulumi.Output<string | null>;
    /** The live token's permissions as the API answered when it was issued (created, reset, or first read when adopted or imported). An answer that only reorders them, respells a kind (`inbox`/`sandbox`) or types an id differently is no change; any other change (permissions edited outside Pulumi) is drift: refresh shows it and the next `pulumi up` replaces the token. */
    public readonly issuedResources!: pulumi.Output<ApiTokenPermission[]>;
    /** True only when a refresh found the live token deleted while a previous token was still to be deleted: the next update issues a new token and deletes the previous one. */
    public readonly tokenGone!: pulumi.Output<boolean | undefined>;
    /** Every token a renewal replaced that is still valid, oldest first: each stays until its grace ends, however many renewals follow; destroy deletes those still valid. */
    public readonly previousTokens!: pulumi.Output<PreviousToken[]>;
    /** After a rotation: the replaced token, still valid during its grace period. */
    public readonly previousTokenId!: pulumi.Output<number | undefined>;
    /** After a rotation: when the replaced token stops working (ISO 8601); the vendor documents 12 hours from a reset. */
    public readonly previousTokenExpiresAt!: pulumi.Output<string | undefined>;
    /** How the previous token ends: "expiry" (reset: the API expires it) or "delete" (a new token took its place: deleted after its grace, or by destroy). */
    public readonly previousTokenRetiredBy!: pulumi.Output<PreviousTokenRetirement | undefined>;
    /** Renewals of the value since the resource was created. */
    public readonly rotationCount!: pulumi.Output<number>;
    /** When the schedule renews the value (ISO 8601); null without a schedule. */
    public readonly nextRotationAt!: pulumi.Output<string | null>;
    /** The last 10 renewals, newest first (the first token included): id, last 4 digits, when, and why (created, adopted, trigger, age, expiry, expiry-mismatch, reset-outside or recovered); never a value. */
    public readonly rotationHistory!: pulumi.Output<RotationRecord[]>;
    /** The shape version of the outputs in state; each release reads every earlier one. */
    public readonly stateVersion!: pulumi.Output<number>;
    // end generated:outputs

    /**
     * Declares a Mailtrap API token.
     * @param name The Pulumi resource name.
     * @param args The token's inputs.
     * @param opts Resource options; `token` is always added to `additionalSecretOutputs`.
     */
    constructor(name: string, args: ApiTokenArgs, opts?: pulumi.CustomResourceOptions) {
        if (opts?.import !== undefined) {
            // The engine sends a dynamic provider no code on import, so it could only fail later with a host stack trace.
            throw new pulumi.RunError(
                `mailtrap: ApiToken "${name}": the import option cannot work for a dynamic resource (Pulumi sends it no provider); to take over token ${String(opts.import)}, drop the import option and set adoptTokenId: ${String(opts.import)} instead`,
            );
        }
        // The SDK makes an output only for a key it is given: every input and output is named here.
        // `__resourceName` lets the provider name this resource in the lines it prints (the CLI shows them
        // without a URN); the CLI's diffs leave out keys starting with "__".
        // `__resourceKey` (the parent's URN with the name) is what the provider process remembers the
        // resource by, so resources named alike under different parents stay apart. A plain promise:
        // an output of the parent would make this resource depend on it.
        const props: Record<string, unknown> = {
            ...Object.fromEntries(API_TOKEN_PROPERTIES.map((key) => [key, undefined])),
            ...args,
            __resourceName: name,
            __resourceKey: resourceKey(name, opts?.parent),
        };
        const secretOptions: pulumi.CustomResourceOptions = { additionalSecretOutputs: [...SECRET_PROPERTIES] };
        super(storedProvider, name, props, pulumi.mergeOptions(opts, secretOptions), "mailtrap", "ApiToken");
    }

    /**
     * Looks up an existing token (one GET); `id` is `"<tokenId>"` or `"<accountId>/<tokenId>"`.
     * Its `token` output is empty: the API shows a value only when it issues one.
     */
    public static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): ApiToken {
        return new ApiToken(name, {} as ApiTokenArgs, { ...opts, id });
    }
}

/** "<parent URN>::<name>", or the name alone for a resource at the stack's top level. */
function resourceKey(name: string, parent: pulumi.Resource | undefined): Promise<string> | string {
    if (!parent) {
        return name;
    }
    return new Promise<string>((resolve) => {
        parent.urn.apply((urn) => {
            resolve(`${urn}::${name}`);
            return urn;
        });
    });
}

type Holds<T extends true> = T;

/**
 * Compile-time checks against the table of properties: the arguments are exactly its inputs, and
 * the class declares an output for each of its properties.
 */
export type ApiTokenChecks = [
    Holds<SameNames<keyof ApiTokenArgs, InputName>>,
    Holds<[Exclude<PropertyName, keyof ApiToken>] extends [never] ? true : false>,
];
