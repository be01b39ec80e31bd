/**
 * Moves a stack's tokens from the dynamic resource (`pulumi-nodejs:dynamic/mailtrap:ApiToken`) to
 * the native one (`mailtrap:index:ApiToken`, served by `pulumi-resource-mailtrap`) by rewriting a
 * `pulumi stack export`: no token is created, reset or deleted, and each keeps its id and value.
 *
 * Each dynamic ApiToken becomes what the native provider would have written for it: the same id,
 * its inputs and outputs without the dynamic provider's `__provider` and `__resourceName`, its
 * outputs in the current state version, no `token` in `additionalSecretOutputs` (the native
 * provider marks it secret itself), and the default native provider as its provider. Its URN
 * changes type, and so does every reference to it. Secrets are left as they are (encrypted or not).
 * What it does not understand, it refuses, naming the resource.
 *
 * The default provider it adds holds only `{ version }`: the engine gives a default provider the
 * stack's `mailtrap:*` config as inputs, `mailtrap:apiToken` encrypted, which this command cannot
 * encrypt. The engine fills them in at the next `pulumi up`, as an internal step (no change is
 * shown or counted, so `pulumi preview --expect-no-changes` passes, and nothing is called).
 */
import { randomUUID } from "crypto";
import { upgradeState } from "../lifecycle/stateVersion";
import { DYNAMIC_API_TOKEN_TYPE as DYNAMIC_TYPE, NATIVE_API_TOKEN_TYPE as NATIVE_TYPE } from "../constants";

export { DYNAMIC_TYPE, NATIVE_TYPE };
export const NATIVE_PROVIDER_TYPE = "pulumi:providers:mailtrap";
const DYNAMIC_PROVIDER_TYPE = "pulumi:providers:pulumi-nodejs";
/** Keys the dynamic resource keeps in state that the native one never writes. */
const DYNAMIC_ONLY_KEYS = ["__provider", "__resourceName", "__resourceKey"];

/** The fields of a resource in a version 3 deployment this command knows (CLI v3.274.1's apitype.ResourceV3). */
const KNOWN_FIELDS = new Set([
    "urn",
    "custom",
    "delete",
    "id",
    "type",
    "inputs",
    "outputs",
    "parent",
    "protect",
    "taint",
    "external",
    "dependencies",
    "initErrors",
    "provider",
    "propertyDependencies",
    "pendingReplacement",
    "additionalSecretOutputs",
    "aliases",
    "customTimeouts",
    "importID",
    "retainOnDelete",
    "deletedWith",
    "replaceWith",
    "created",
    "modified",
    "sourcePosition",
    "stackTrace",
    "ignoreChanges",
    "hideDiff",
    "replaceOnChanges",
    "replacementTrigger",
    "refreshBeforeUpdate",
    "viewOf",
    "resourceHooks",
]);

// A JSON document walked field by field: its values are checked where they are read.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** A deployment this command will not rewrite; the message names the resource and says why. */
export class MigrationRefused extends Error {
    constructor(message: string) {
        super(`mailtrap-migrate-state: ${message}`);
        this.name = "MigrationRefused";
    }
}

export interface MigrateOptions {
    /** The native provider's version, as the program requests it (the `version` resource option). */
    providerVersion: string;
    /** The new provider's id (default: a fresh UUID, as the engine makes). */
    newProviderId?: () => string;
    /** When the new provider was created (default: now), for its `created` and `modified`. */
    now?: () => Date;
}

export interface MigrateResult {
    /** The rewritten `pulumi stack export` document, ready for `pulumi stack import`. */
    exported: Json;
    /** Old URN -> new URN of each resource moved. */
    moved: Map<string, string>;
    /** The URN of the native default provider the moved resources use. */
    providerUrn: string;
    /** Whether that provider was added (false when the deployment already held it). */
    providerAdded: boolean;
    /** The URNs of dynamic default providers left without a resource, removed. */
    removedProviders: string[];
}

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` in its parts. */
function parseUrn(urn: string): { stack: string; project: string; qualifiedType: string; name: string } | undefined {
    const match = /^urn:pulumi:([^:]+)::([^:]+)::(.+?)::(.*)$/s.exec(urn);
    return match ? { stack: match[1], project: match[2], qualifiedType: match[3], name: match[4] } : undefined;
}

/** The provider reference `<urn>::<id>` in its parts. */
function parseReference(reference: string): { urn: string; id: string } | undefined {
    const at = reference.lastIndexOf("::");
    return at > 0 ? { urn: reference.slice(0, at), id: reference.slice(at + 2) } : undefined;
}

/** `default_0_2_0` for 0.2.0, as the engine names a default provider of a given version. */
export function defaultProviderName(version: string): string {
    return `default_${version.replace(/[.+-]/g, "_")}`;
}

/**
 * Rewrites an exported deployment (`pulumi stack export`): see the file's comment. Throws
 * {@link MigrationRefused} when anything is not as expected; the input is not modified.
 */
export function migrateDeployment(exported: unknown, options: MigrateOptions): MigrateResult {
    const doc = structuredClone(exported) as Json;
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
        throw new MigrationRefused("the input is not a `pulumi stack export` document (a JSON object)");
    }
    if (doc.version !== 3) {
        throw new MigrationRefused(`the deployment has version ${JSON.stringify(doc.version)}; this command reads version 3`);
    }
    const deployment = doc.deployment as Json | undefined;
    if (!deployment || typeof deployment !== "object") {
        throw new MigrationRefused("the document has no `deployment`");
    }
    const resources: Json[] = deployment.resources ?? [];
    if (!Array.isArray(resources)) throw new MigrationRefused("the deployment's `resources` is not a list");

    for (const op of (deployment.pending_operations ?? []) as Json[]) {
        const urn = String(op?.resource?.urn ?? "");
        if (isDynamicToken(op?.resource) || urn.includes(`${DYNAMIC_TYPE}::`) || urn.includes(`${DYNAMIC_TYPE}$`)) {
            throw new MigrationRefused(
                `${urn} has a pending ${String(op.type)} operation (an earlier update was interrupted): run \`pulumi refresh\` (or \`pulumi cancel\`) and clear it first`,
            );
        }
    }

    const tokens = resources.filter(isDynamicToken);
    const moved = new Map<string, string>();
    for (const resource of tokens) {
        const urn = String(resource.urn);
        const parts = parseUrn(urn);
        if (!parts) throw new MigrationRefused(`resource ${urn}: its URN is not of the form urn:pulumi:<stack>::<project>::<type>::<name>`);
        const types = parts.qualifiedType.split("$");
        if (types[types.length - 1] !== DYNAMIC_TYPE) {
            throw new MigrationRefused(`resource ${urn}: its URN's type does not end in ${DYNAMIC_TYPE}`);
        }
        types[types.length - 1] = NATIVE_TYPE;
        moved.set(urn, `urn:pulumi:${parts.stack}::${parts.project}::${types.join("$")}::${parts.name}`);
    }
    // A resource whose parent is a token has the token's type in its URN: nothing this package makes.
    for (const resource of resources) {
        const urn = String(resource.urn);
        if (!isDynamicToken(resource) && urn.includes(DYNAMIC_TYPE)) {
            throw new MigrationRefused(`resource ${urn} has an ApiToken in its URN's type (a child of a token?): not migrated`);
        }
    }

    const emptyResult = (): MigrateResult => ({ exported: doc, moved, providerUrn: "", providerAdded: false, removedProviders: [] });
    if (tokens.length === 0) return emptyResult();

    const first = parseUrn(String(tokens[0].urn))!;
    const providerUrn = `urn:pulumi:${first.stack}::${first.project}::${NATIVE_PROVIDER_TYPE}::${defaultProviderName(options.providerVersion)}`;
    const existing = resources.find((r) => r.urn === providerUrn && !r.delete);
    if (existing && existing.inputs?.version !== options.providerVersion) {
        throw new MigrationRefused(
            `the deployment already holds ${providerUrn} with version ${JSON.stringify(existing.inputs?.version)}, not ${options.providerVersion}`,
        );
    }
    const now = (options.now ?? (() => new Date()))().toISOString();
    const provider: Json = existing ?? {
        urn: providerUrn,
        custom: true,
        id: (options.newProviderId ?? randomUUID)(),
        type: NATIVE_PROVIDER_TYPE,
        inputs: { version: options.providerVersion },
        outputs: { version: options.providerVersion },
        created: now,
        modified: now,
    };
    const providerReference = `${providerUrn}::${provider.id}`;

    for (const resource of tokens) rewriteToken(resource, providerReference, resources);

    // Every reference to a moved URN follows it.
    const follow = (urn: unknown) => (typeof urn === "string" && moved.has(urn) ? moved.get(urn)! : urn);
    for (const resource of resources) {
        resource.urn = follow(resource.urn);
        if (resource.parent !== undefined) resource.parent = follow(resource.parent);
        if (resource.deletedWith !== undefined) resource.deletedWith = follow(resource.deletedWith);
        if (resource.viewOf !== undefined) resource.viewOf = follow(resource.viewOf);
        for (const key of ["dependencies", "aliases", "replaceWith"]) {
            if (Array.isArray(resource[key])) resource[key] = resource[key].map(follow);
        }
        if (resource.propertyDependencies && typeof resource.propertyDependencies === "object") {
            for (const [key, urns] of Object.entries(resource.propertyDependencies as Record<string, unknown>)) {
                if (Array.isArray(urns)) resource.propertyDependencies[key] = urns.map(follow);
            }
        }
        if (typeof resource.provider === "string") {
            const ref = parseReference(resource.provider);
            if (ref && moved.has(ref.urn)) resource.provider = `${moved.get(ref.urn)}::${ref.id}`;
        }
    }

    // The new provider goes before the first resource that uses it, as the engine orders them.
    let result = resources;
    if (!existing) {
        const at = resources.indexOf(tokens[0]);
        result = [...resources.slice(0, at), provider, ...resources.slice(at)];
    }
    // A dynamic default provider nothing uses any more is gone, as after a native deployment.
    const stillUsed = new Set(result.map((r) => (typeof r.provider === "string" ? parseReference(r.provider)?.urn : undefined)));
    const removedProviders: string[] = [];
    result = result.filter((r) => {
        const parts = parseUrn(String(r.urn));
        const unused =
            r.type === DYNAMIC_PROVIDER_TYPE &&
            parts !== undefined &&
            /^default(_|$)/.test(parts.name) &&
            !stillUsed.has(r.urn) &&
            !result.some((other) => (other.dependencies ?? []).includes(r.urn));
        if (unused) removedProviders.push(String(r.urn));
        return !unused;
    });
    deployment.resources = result;
    return { exported: doc, moved, providerUrn, providerAdded: !existing, removedProviders };
}

function isDynamicToken(resource: Json | undefined): boolean {
    return resource !== null && typeof resource === "object" && resource.type === DYNAMIC_TYPE;
}

/** One dynamic token as the native provider would have written it (its URN is rewritten by the caller). */
function rewriteToken(resource: Json, providerReference: string, all: Json[]): void {
    const urn = String(resource.urn);
    const unknownFields = Object.keys(resource).filter((key) => !KNOWN_FIELDS.has(key));
    if (unknownFields.length > 0) {
        throw new MigrationRefused(`resource ${urn} has fields this command does not know: ${unknownFields.join(", ")}`);
    }
    if (resource.custom !== true) throw new MigrationRefused(`resource ${urn} is not a custom resource`);
    if (typeof resource.id !== "string" || resource.id === "") {
        throw new MigrationRefused(`resource ${urn} has no id (its create did not finish): run \`pulumi refresh\` or \`pulumi up\` first`);
    }
    const ref = typeof resource.provider === "string" ? parseReference(resource.provider) : undefined;
    const providerParts = ref ? parseUrn(ref.urn) : undefined;
    if (!ref || !providerParts || providerParts.qualifiedType !== DYNAMIC_PROVIDER_TYPE || !/^default(_|$)/.test(providerParts.name)) {
        throw new MigrationRefused(
            `resource ${urn} uses provider ${JSON.stringify(resource.provider)}, not the default ${DYNAMIC_PROVIDER_TYPE} provider`,
        );
    }
    if (!all.some((r) => r.urn === ref.urn && r.id === ref.id)) {
        throw new MigrationRefused(`resource ${urn} uses provider ${resource.provider}, which is not in the deployment`);
    }
    for (const key of ["inputs", "outputs"] as const) {
        const props = resource[key];
        if (props === undefined) continue;
        if (props === null || typeof props !== "object" || Array.isArray(props)) {
            throw new MigrationRefused(`resource ${urn}: its ${key} are not an object`);
        }
        const strange = Object.keys(props).filter((k) => k.startsWith("__") && !DYNAMIC_ONLY_KEYS.includes(k));
        if (strange.length > 0)
            throw new MigrationRefused(`resource ${urn}: its ${key} hold ${strange.join(", ")}, unknown to this command`);
        for (const k of DYNAMIC_ONLY_KEYS) delete props[k];
    }
    if (resource.outputs) {
        try {
            resource.outputs = upgradeState(resource.outputs);
        } catch (error) {
            throw new MigrationRefused(`resource ${urn}: ${error instanceof Error ? error.message : String(error)}`);
        }
    }
    if (resource.propertyDependencies && typeof resource.propertyDependencies === "object") {
        for (const k of DYNAMIC_ONLY_KEYS) delete resource.propertyDependencies[k];
    }
    // The dynamic class asks for `token` to be secret; the native provider marks it secret itself.
    if (Array.isArray(resource.additionalSecretOutputs)) {
        const rest = resource.additionalSecretOutputs.filter((key: unknown) => key !== "token");
        if (rest.length > 0) resource.additionalSecretOutputs = rest;
        else delete resource.additionalSecretOutputs;
    }
    resource.type = NATIVE_TYPE;
    resource.provider = providerReference;
}
