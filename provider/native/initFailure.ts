/**
 * A create or update that issued a token and then failed: the token service fails with the
 * resource's `id` and the outputs that hold the issued token (FailedAfterIssue). The engine keeps
 * such a resource in state only when the failure comes back as a `pulumirpc.ErrorResourceInitFailed`
 * in the gRPC status details (`grpc-status-details-bin`), as the dynamic-provider host sends it
 * (@pulumi/pulumi/cmd/dynamic-provider, `grpcResponseFromError`); otherwise the token is lost.
 */
import * as grpc from "@grpc/grpc-js";
import * as anyproto from "google-protobuf/google/protobuf/any_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { FailedAfterIssue } from "../lifecycle/service";
import { Props, SECRET_OUTPUTS } from "./wire";

/** What a failed create or update had already made: the resource's id and its outputs. */
export interface IssuedBeforeFailure {
    id: string;
    properties: Props;
}

/** The id and outputs a failure carries, when it failed after it issued a token. */
export function issuedBeforeFailure(error: unknown): IssuedBeforeFailure | undefined {
    return error instanceof FailedAfterIssue ? { id: error.id, properties: { ...error.state } } : undefined;
}

/** The issued secrets (the token's value), which the error's one line must not show. */
export function secretValues(properties: Props, secretKeys: Set<string> = new Set()): string[] {
    return Object.entries(properties)
        .filter(([key, value]) => (SECRET_OUTPUTS.includes(key) || secretKeys.has(key)) && typeof value === "string")
        .map(([, value]) => value as string);
}

/**
 * The gRPC error the engine reads as "the resource exists but failed to initialize": `line` as
 * the status message and the only reason, `properties` already marked for the wire.
 */
export function initFailedError(line: string, id: string, properties: structproto.Struct): grpc.ServiceError {
    const detail = new provproto.ErrorResourceInitFailed().setId(id).setProperties(properties).setReasonsList([line]);
    const packed = new anyproto.Any();
    packed.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    // The engine (grpc-go) takes the whole status, code and message included, from this trailer.
    const status = new statusproto.Status().setCode(grpc.status.UNKNOWN).setMessage(line).setDetailsList([packed]);
    const metadata = new grpc.Metadata();
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
    return { code: grpc.status.UNKNOWN, details: line, message: line, name: "Error", metadata };
}
