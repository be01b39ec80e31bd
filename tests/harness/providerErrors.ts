/** How a failed gRPC call to the provider host reads: the provider's message, and the resource a failed create left behind. */
import * as grpc from "@grpc/grpc-js";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import * as statusProto from "@pulumi/pulumi/proto/status_pb";
import { PropertyMap, fromStruct } from "./propertyWire";

const INIT_FAILURE_TYPE_NAME = "pulumirpc.ErrorResourceInitFailed";

export interface InitFailure {
    id: string;
    properties: PropertyMap;
    reasons: string[];
}

/** A failed gRPC call to the provider host; `message` is the gRPC details, i.e. the provider's error message. */
export class ProviderOperationError extends Error {
    readonly code: number;
    readonly details: string;
    /** Present when create/update failed after the resource was (partially) created: the provider threw an error carrying `id`. */
    readonly initFailure?: InitFailure;

    constructor(operation: string, code: number, details: string, initFailure?: InitFailure) {
        super(details);
        this.name = `ProviderOperationError(${operation})`;
        this.code = code;
        this.details = details;
        this.initFailure = initFailure;
    }
}

export function decodeInitFailure(metadata: grpc.Metadata | undefined): InitFailure | undefined {
    const encoded = metadata?.get("grpc-status-details-bin") ?? [];
    for (const entry of encoded) {
        const bytes = typeof entry === "string" ? Buffer.from(entry, "base64") : entry;
        const status = statusProto.Status.deserializeBinary(new Uint8Array(bytes));
        for (const detail of status.getDetailsList()) {
            if (detail.getTypeName() !== INIT_FAILURE_TYPE_NAME) {
                continue;
            }
            const failure = providerProto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
            return {
                id: failure.getId(),
                properties: fromStruct(failure.getProperties()),
                reasons: failure.getReasonsList(),
            };
        }
    }
    return undefined;
}
