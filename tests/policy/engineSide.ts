/**
 * The Pulumi engine's side of the Analyzer protocol, for driving a policy pack in tests as
 * `pulumi preview --policy-pack` does (pkg/resource/plugin/analyzer_plugin.go in pulumi/pulumi):
 * ConfigureStack, GetAnalyzerInfo, Configure (the policy config, when there is some), then one
 * Analyze per resource, its request built as the engine builds it:
 *
 * - `urn`, `type`, `name`: the resource's, the URN naming the stack (`urn:pulumi:<stack>::…`);
 * - `properties`: the inputs, marshalled with KeepUnknowns (a value not known during preview is
 *   an unknown sentinel string), KeepSecrets (a secret stays wrapped) and SkipInternalKeys
 *   (`__provider`, `__resourceName` and other `__` keys left out);
 * - `options`: protect, parent, custom timeouts (zero when unset) and the rest;
 * - `provider`: the resource's default provider (a dynamic resource's is `pulumi-nodejs`, the native
 *   plugin's `mailtrap`).
 *
 * The transport is either the handlers a pack registered with its gRPC server, called in-process,
 * or a gRPC client connected to a pack running in its own process.
 */
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
// The engine side of the wire: strings through native UTF-8 (see protobufStrings.ts).
import "../harness/protobufStrings";
import type { ProgramRun } from "../harness/captureProgram";
import type { Registration } from "../programs/policy/registrations";

/** The project the harness's program runner gives every program. */
export const PROJECT = "mailtrap-test";

/** The engine's sentinel for an unknown value (`UnknownStringValue`, what a computed input from the Node.js SDK marshals to). */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * A secret input as the engine marshals it (KeepSecrets): how an input the program gave as a secret
 * reaches the analyzer, the native plugin's Check having returned it marked.
 */
export function secretInput(value: unknown): Record<string, unknown> {
    return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}

/** A resource's default provider type: `pulumi-nodejs` for a dynamic resource, else its package's. */
function defaultProviderType(type: string): string {
    return `pulumi:providers:${type.startsWith("pulumi-nodejs:dynamic/") ? "pulumi-nodejs" : type.split(":")[0]}`;
}

type Method = "configureStack" | "getAnalyzerInfo" | "configure" | "analyze";
export type Invoke = (method: Method, request: unknown) => Promise<unknown>;

type Handler = (call: { request: unknown }, callback: (error: unknown, response?: unknown) => void) => unknown;

/** Calls the handlers a policy pack gave its gRPC server, in this process. */
export function inProcess(handlers: Record<string, Handler>): Invoke {
    return (method, request) =>
        new Promise((resolve, reject) => {
            void handlers[method]({ request }, (error, response) => (error ? reject(error) : resolve(response)));
        });
}

type ClientMethod = (request: unknown, callback: (error: unknown, response?: unknown) => void) => unknown;

/** Calls a policy pack over gRPC. */
export function overGrpc(client: object): Invoke {
    return (method, request) =>
        new Promise((resolve, reject) => {
            const call = (client as Record<string, ClientMethod>)[method].bind(client);
            call(request, (error, response) => (error ? reject(error) : resolve(response)));
        });
}

/** A resource a program registered: what the mocks saw, and what the registration asked of the engine. */
export interface ProgramResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    registration: Registration;
}

/** The resources of a run of a program from tests/programs/policy, joined with their registration records. */
export function programResources(run: ProgramRun): ProgramResource[] {
    const registrations = (run.exports as { registrations: Registration[] }).registrations;
    return run.resources.map((resource) => {
        const registration = registrations.find((r) => r.type === resource.type && r.name === resource.name);
        if (!registration) {
            throw new Error(`no registration recorded for ${resource.type} ${resource.name}`);
        }
        return { type: resource.type, name: resource.name, inputs: resource.inputs, registration };
    });
}

export type EnforcementLevelName = "advisory" | "mandatory" | "disabled" | "remediate";
const LEVELS: Record<EnforcementLevelName, number> = {
    advisory: analyzerproto.EnforcementLevel.ADVISORY,
    mandatory: analyzerproto.EnforcementLevel.MANDATORY,
    disabled: analyzerproto.EnforcementLevel.DISABLED,
    remediate: analyzerproto.EnforcementLevel.REMEDIATE,
};
const LEVEL_NAMES = Object.fromEntries(Object.entries(LEVELS).map(([name, value]) => [value, name])) as Record<
    number,
    EnforcementLevelName
>;
const SEVERITY_NAMES: Record<number, string> = {
    [analyzerproto.PolicySeverity.POLICY_SEVERITY_UNSPECIFIED]: "",
    [analyzerproto.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
    [analyzerproto.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
    [analyzerproto.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
    [analyzerproto.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

/** Policy config as `--policy-pack-config` gives it: per policy, an enforcement level and properties. */
export type PolicyPackConfig = Record<string, { enforcementLevel: EnforcementLevelName } & Record<string, unknown>>;

export interface Diagnostic {
    policyName: string;
    policyPackName: string;
    description: string;
    message: string;
    enforcementLevel: EnforcementLevelName;
    severity: string;
}

export interface Analysis {
    diagnostics: Diagnostic[];
    notApplicable: Array<{ policyName: string; reason: string }>;
}

/** Moves a URN to another stack: the URN the same program's resource has there. */
export function inStack(urn: string, stack: string): string {
    return urn === "" ? "" : urn.replace(/^urn:pulumi:[^:]+::/, `urn:pulumi:${stack}::`);
}

/** The engine, analyzing one stack's resources with one policy pack. */
export class EngineSide {
    constructor(
        private readonly invoke: Invoke,
        readonly stack: string,
    ) {}

    /** ConfigureStack, then Configure when there is policy config. */
    async configure(config?: PolicyPackConfig): Promise<void> {
        const stackRequest = new analyzerproto.AnalyzerStackConfigureRequest();
        stackRequest.setStack(this.stack);
        stackRequest.setProject(PROJECT);
        stackRequest.setOrganization("organization");
        stackRequest.setDryRun(true);
        await this.invoke("configureStack", stackRequest);
        if (config && Object.keys(config).length > 0) {
            const request = new analyzerproto.ConfigureAnalyzerRequest();
            for (const [policy, { enforcementLevel, ...properties }] of Object.entries(config)) {
                const policyConfig = new analyzerproto.PolicyConfig();
                policyConfig.setEnforcementlevel(LEVELS[enforcementLevel]);
                policyConfig.setProperties(Struct.fromJavaScript(properties as Record<string, never>));
                request.getPolicyconfigMap().set(policy, policyConfig);
            }
            await this.invoke("configure", request);
        }
    }

    async analyzerInfo(): Promise<analyzerproto.AnalyzerInfo> {
        return (await this.invoke("getAnalyzerInfo", new Empty())) as analyzerproto.AnalyzerInfo;
    }

    /** One Analyze call; `inputs` replaces the registered inputs (to put unknowns in, as a preview has them). */
    async analyze(resource: ProgramResource, inputs: Record<string, unknown> = resource.inputs): Promise<Analysis> {
        const request = new analyzerproto.AnalyzeRequest();
        request.setUrn(inStack(resource.registration.urn, this.stack));
        request.setType(resource.type);
        request.setName(resource.name);
        const marshalled = Object.fromEntries(
            Object.entries(inputs).filter(([key, value]) => !key.startsWith("__") && value !== undefined),
        );
        request.setProperties(Struct.fromJavaScript(marshalled as Record<string, never>));
        const options = new analyzerproto.AnalyzerResourceOptions();
        options.setProtect(resource.registration.protect);
        options.setParent(inStack(resource.registration.parent, this.stack));
        options.setCustomtimeouts(new analyzerproto.AnalyzerResourceOptions.CustomTimeouts());
        request.setOptions(options);
        const provider = new analyzerproto.AnalyzerProviderResource();
        const providerType = defaultProviderType(resource.type);
        provider.setType(providerType);
        provider.setName("default");
        provider.setUrn(`urn:pulumi:${this.stack}::${PROJECT}::${providerType}::default`);
        provider.setProperties(Struct.fromJavaScript({}));
        request.setProvider(provider);

        const response = (await this.invoke("analyze", request)) as analyzerproto.AnalyzeResponse;
        return {
            diagnostics: response.getDiagnosticsList().map((d) => ({
                policyName: d.getPolicyname(),
                policyPackName: d.getPolicypackname(),
                description: d.getDescription(),
                message: d.getMessage(),
                enforcementLevel: LEVEL_NAMES[d.getEnforcementlevel()],
                severity: SEVERITY_NAMES[d.getSeverity()],
            })),
            notApplicable: response.getNotApplicableList().map((n) => ({ policyName: n.getPolicyName(), reason: n.getReason() })),
        };
    }
}
