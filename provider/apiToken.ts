import * as pulumi from "@pulumi/pulumi";
import { INPUT_NAMES } from "./lifecycle/validation";
import { storedProvider } from "./state/facade";
import { AccessLevel, ApiTokenPermission, PreviousToken, ResourceType, RotationRecord } from "./types";

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

/** The inputs of an {@link ApiToken}. */
export interface ApiTokenArgs {
    /** Display name, 1 to 255 characters, not only spaces. Changing it replaces the token. */
    name: pulumi.Input<string>;
    /**
     * Mailtrap account id; defaults to `mailtrap:accountId` (or `MAILTRAP_ACCOUNT_ID`); with none
     * anywhere, the API's routes without an account serve the token (the API token's own account).
     * An existing resource keeps the account its state records; a different account id replaces the token.
     */
    accountId?: pulumi.Input<number>;
    /** Permissions of the token; none when omitted. Changing them replaces the token. */
    resources?: pulumi.Input<pulumi.Input<ApiTokenPermissionArgs>[]>;
    /**
     * When the token stops working: an ISO 8601 date-time in the future, at most 5 years ahead.
     * Omitted means never. Changing it replaces the token. A rotation resets the token with the same
     * expiry, in an update; where the API refuses to reset a token with an expiry, it issues a new
     * token with the same expiry and keeps the old one for the grace period.
     */
    expiresAt?: pulumi.Input<string>;
    /**
     * Rolling expiry: every token the resource issues expires this many days (1 to 1,826) after it
     * was issued, and is renewed before then, at the first `pulumi up` once it is older than
     * `rotateAfterDays` (default: expiresInDays less a sixth of it, at least a day; 90 → 75), by one
     * reset with the new expiry. Not with `expiresAt`. A lower value renews at the next `up` a token
     * that would outlive it; a higher one applies at the next renewal.
     */
    expiresInDays?: pulumi.Input<number>;
    /** Rotation trigger: any change of value (set, changed or removed) rotates the token in an update. */
    rotate?: pulumi.Input<string | number>;
    /** Rotate the token once its current value is older than this many days (checked at each preview and update). */
    rotateAfterDays?: pulumi.Input<number>;
    /** Adopt this existing token at create (one GET) instead of creating one; read only at create. */
    adoptTokenId?: pulumi.Input<number>;
}

/** The outputs of an ApiToken that are not inputs echoed (the native resource declares the same). */
export const API_TOKEN_OUTPUT_NAMES = [
    "tokenId",
    "token",
    "last4Digits",
    "createdBy",
    "issuedAt",
    "valueExpiresAt",
    "issuedExpiresAt",
    "issuedResources",
    "tokenGone",
    "previousTokens",
    "previousTokenId",
    "previousTokenExpiresAt",
    "previousTokenRetiredBy",
    "rotationCount",
    "nextRotationAt",
    "rotationHistory",
    "stateVersion",
] as const;

/** Every input and output of an ApiToken. */
const API_TOKEN_PROPERTIES = [...INPUT_NAMES, ...API_TOKEN_OUTPUT_NAMES];

/**
 * A Mailtrap API token managed as code. The full value is the secret output `token`. Rotation (a
 * `rotate` change, or `rotateAfterDays` elapsing) resets the token in an update: `tokenId` and
 * `token` change, and the previous token keeps working for its grace period.
 */
export class ApiToken extends pulumi.dynamic.Resource {
    /** The token's display name. */
    public readonly name!: pulumi.Output<string>;
    /** The account of the token's routes; undefined when the routes without an account serve it (the API token's own account). */
    public readonly accountId!: pulumi.Output<number | undefined>;
    /** The token's permissions. */
    public readonly resources!: pulumi.Output<ApiTokenPermission[]>;
    /** The declared expiry (ISO 8601), or null when the token never expires. */
    public readonly expiresAt!: pulumi.Output<string | null>;
    /** The rotation trigger, as given. */
    public readonly rotate!: pulumi.Output<string | number | undefined>;
    /** The age limit in days, as given. */
    public readonly rotateAfterDays!: pulumi.Output<number | undefined>;
    /** The adopted token's id, as given. */
    public readonly adoptTokenId!: pulumi.Output<number | undefined>;
    /** Id of the live token; changes on every rotation. */
    public readonly tokenId!: pulumi.Output<number>;
    /** The full token value (secret). Empty for an adopted or looked-up token until its first rotation. */
    public readonly token!: pulumi.Output<string>;
    /** The last four characters of the value. */
    public readonly last4Digits!: pulumi.Output<string>;
    /** Who created the token. */
    public readonly createdBy!: pulumi.Output<string>;
    /** When the current value was created or reset (ISO 8601). */
    public readonly issuedAt!: pulumi.Output<string>;
    /** When the live token's value stops working, as the API last reported it; null when never. */
    public readonly valueExpiresAt!: pulumi.Output<string | null>;
    /** The live token's expiry as the API reported it when the token was issued; a live expiry that moved away from it means a reset made outside Pulumi. */
    public readonly issuedExpiresAt!: pulumi.Output<string | null>;
    /** The live token's permissions as the API answered when it was issued (or adopted); drift of permissions is a change from these. */
    public readonly issuedResources!: pulumi.Output<ApiTokenPermission[]>;
    /** True only when a refresh found the live token deleted while a previous token was still to be deleted; the next update issues a new one. */
    public readonly tokenGone!: pulumi.Output<boolean | undefined>;
    /** Every token a renewal replaced that is still valid, oldest first (each until its grace ends); destroy deletes them. */
    public readonly previousTokens!: pulumi.Output<PreviousToken[]>;
    /** After a rotation: the replaced token, still valid during its grace period. */
    public readonly previousTokenId!: pulumi.Output<number | undefined>;
    /** After a rotation: when the replaced token stops working (ISO 8601). */
    public readonly previousTokenExpiresAt!: pulumi.Output<string | undefined>;
    /** How the previous token ends: "expiry" (reset: the API expires it) or "delete" (renewed: deleted after its grace, or by destroy). */
    public readonly previousTokenRetiredBy!: pulumi.Output<"expiry" | "delete" | undefined>;
    /** The rolling lifetime in days, as given. */
    public readonly expiresInDays!: pulumi.Output<number | undefined>;
    /** Renewals of the value since the resource was created. */
    public readonly rotationCount!: pulumi.Output<number>;
    /** When the schedule renews the value (ISO 8601); null without a schedule. */
    public readonly nextRotationAt!: pulumi.Output<string | null>;
    /** The last 10 renewals, newest first (the first token included): id, last 4 digits, when, and why; never a value. */
    public readonly rotationHistory!: pulumi.Output<RotationRecord[]>;
    /** The shape version of the outputs in state; each release reads every earlier one. */
    public readonly stateVersion!: pulumi.Output<number>;

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
        const secretOptions: pulumi.CustomResourceOptions = { additionalSecretOutputs: ["token"] };
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
