/**
 * `pulumi-resource-mailtrap` serving: the ResourceProvider service (./service) on a loopback port.
 * The pieces are re-exported here for callers and tests.
 */
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import { API_TOKEN_TYPE } from "./schema";
import { NativeProviderService } from "./service";

export { LineSink } from "./lineSink";
export { NativeProviderService } from "./service";
export { packageVersion } from "../version";
export { configLookup, nameFromUrn, unwrapSecrets } from "./wire";

/** The resource type this provider serves (for callers that check). */
export const RESOURCE_TYPE = API_TOKEN_TYPE;

/**
 * Serves the provider on a free loopback port and prints the port, the first line the engine
 * reads. The token service's lines go to the engine's Log with the resource's URN, through the
 * service's own sink (./lineSink): nothing else in the process is redirected.
 */
export async function serve(args: string[]): Promise<{ port: number; server: grpc.Server; service: NativeProviderService }> {
    const engineAddress = args.find((arg) => !arg.startsWith("-"));
    const service = new NativeProviderService(engineAddress);
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(provrpc.ResourceProviderService, service.handlers());
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
            error ? reject(error) : resolve(bound),
        ),
    );
    process.stdout.write(`${port}\n`);
    return { port, server, service };
}
