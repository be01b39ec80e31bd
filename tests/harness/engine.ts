import { CheckFailure, DiffResult, PropertyMap, ProviderHost, resourceUrn } from "./providerHost";

const PROVIDER_KEY = "__provider";

/** A resource as the engine records it in the stack's state. */
export interface RecordedResource {
    urn: string;
    id: string;
    inputs: PropertyMap;
    outputs: PropertyMap;
}

export type StepKind = "create" | "same" | "update" | "replace";

export interface Step {
    kind: StepKind;
    diff?: DiffResult;
    /** The state after the step (after a preview: the state as it was). */
    resource?: RecordedResource;
}

export class CheckFailedError extends Error {
    constructor(readonly failures: CheckFailure[]) {
        super(`check failed: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    }
}

/**
 * The steps the Pulumi engine takes for one dynamic resource, in its order: check, diff, then
 * create, update, or create-before-delete replace (with Check run again with no olds first, as the
 * engine does); refresh is a read; destroy is a delete. A no-change step keeps the old outputs, and
 * an update keeps the resource's id. It calls the real dynamic-provider host, so everything
 * crosses gRPC and the serialized provider.
 */
export class Engine {
    constructor(
        readonly host: ProviderHost,
        readonly serializedProvider: string,
    ) {}

    urn(name: string): string {
        return resourceUrn(name);
    }

    /** `pulumi up` (or `pulumi preview` with `preview: true`) for one resource. */
    async register(name: string, programInputs: PropertyMap, prior?: RecordedResource, options: { preview?: boolean } = {}): Promise<Step> {
        const urn = this.urn(name);
        // As the ApiToken class does: the resource's name travels as the `__resourceName` input.
        const news = { ...programInputs, __resourceName: name, [PROVIDER_KEY]: this.serializedProvider };
        const checked = await this.host.check(urn, prior?.inputs ?? {}, news);
        if (checked.failures.length > 0) {
            throw new CheckFailedError(checked.failures);
        }
        if (!prior) {
            if (options.preview) {
                return { kind: "create" };
            }
            const created = await this.host.create(urn, checked.inputs);
            return { kind: "create", resource: { urn, id: created.id, inputs: checked.inputs, outputs: created.properties } };
        }
        const diff = await this.host.diff(prior.id, urn, prior.outputs, checked.inputs);
        if (diff.changes === "none") {
            return { kind: "same", diff, resource: { ...prior, inputs: checked.inputs } };
        }
        if (diff.replaces.length > 0) {
            if (options.preview) {
                return { kind: "replace", diff, resource: prior };
            }
            // As the engine does before a replacement: Check again with no olds, to recompute defaults.
            const rechecked = await this.host.check(urn, {}, news);
            if (rechecked.failures.length > 0) {
                throw new CheckFailedError(rechecked.failures);
            }
            const created = await this.host.create(urn, rechecked.inputs);
            await this.host.delete(prior.id, urn, prior.outputs);
            return { kind: "replace", diff, resource: { urn, id: created.id, inputs: rechecked.inputs, outputs: created.properties } };
        }
        if (options.preview) {
            return { kind: "update", diff, resource: prior };
        }
        const updated = await this.host.update(prior.id, urn, prior.outputs, checked.inputs);
        return { kind: "update", diff, resource: { ...prior, inputs: checked.inputs, outputs: updated.properties } };
    }

    /** `pulumi refresh`: undefined when the resource is gone. */
    async refresh(resource: RecordedResource): Promise<RecordedResource | undefined> {
        const read = await this.host.read(resource.id, resource.urn, resource.outputs, resource.inputs);
        if (!read.id) {
            return undefined;
        }
        return { urn: resource.urn, id: read.id, inputs: read.inputs ?? resource.inputs, outputs: read.properties };
    }

    /** `ApiToken.get(name, id)`: a read with nothing but the id and the provider. */
    async get(name: string, id: string): Promise<RecordedResource | undefined> {
        const urn = this.urn(name);
        const read = await this.host.read(id, urn, { [PROVIDER_KEY]: this.serializedProvider });
        return read.id ? { urn, id: read.id, inputs: read.inputs ?? {}, outputs: read.properties } : undefined;
    }

    /** `pulumi destroy` for one resource. */
    async destroy(resource: RecordedResource): Promise<void> {
        await this.host.delete(resource.id, resource.urn, resource.outputs);
    }
}
