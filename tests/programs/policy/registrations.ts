/**
 * For the policy tests: what each resource registration asked of the engine that the mock
 * monitor does not pass on to the mocks (their `MockResourceArgs` hold no resource options): the
 * URN the monitor answered, the parent, and the `protect` option. The engine hands the policy
 * analyzer exactly these (`AnalyzeRequest.urn`, `options.parent`, `options.protect`).
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registration {
    type: string;
    name: string;
    urn: string;
    parent: string;
    protect: boolean;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProtect(): boolean | undefined;
}

interface RegisterResponse {
    getUrn(): string;
}

type Callback = (error: unknown, response?: RegisterResponse) => void;

interface Monitor {
    registerResource(request: RegisterRequest, callback: Callback): void;
}

/** Records every resource registered from now on; call it before declaring resources. */
export function recordRegistrations(): Registration[] {
    const monitor = pulumi.runtime.getMonitor() as unknown as Monitor | undefined;
    if (!monitor) {
        throw new Error("no resource monitor: run this program under the harness's mocks");
    }
    const records: Registration[] = [];
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) =>
        register(request, (error, response) => {
            if (!error && response) {
                records.push({
                    type: request.getType(),
                    name: request.getName(),
                    urn: response.getUrn(),
                    parent: request.getParent(),
                    protect: request.getProtect() === true,
                });
            }
            callback(error, response);
        });
    return records;
}
