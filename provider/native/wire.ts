/**
 * What crosses the gRPC wire: the engine's secret markers taken off on the way in and put on on
 * the way out, protobuf Structs to plain objects and back, the resource's name from its URN, and
 * the `mailtrap:*` settings from what Configure received.
 */
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { UNKNOWN_VALUE } from "../constants";
import { SECRET_PROPERTIES } from "../lifecycle/properties";

/** How the engine marks a secret on the wire (its unknown marker is in provider/constants.ts). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Outputs that are always secret (the table of properties says which). */
export const SECRET_OUTPUTS: readonly string[] = SECRET_PROPERTIES;

export type Props = Record<string, unknown>;

function isSecret(value: unknown): value is { value?: unknown } {
    return value !== null && typeof value === "object" && (value as Props)[SIG_KEY] === SECRET_SIG;
}

/** The value without secret markers, at any depth. */
export function unwrapSecrets(value: unknown): unknown {
    if (isSecret(value)) return unwrapSecrets(value.value);
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value as Props).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

function secret(value: unknown): Props {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/** Top-level keys holding a secret (at any depth) in a request's properties. */
export function secretKeys(...sources: (Props | undefined)[]): Set<string> {
    const keys = new Set<string>();
    const holds = (value: unknown): boolean =>
        isSecret(value) ||
        (Array.isArray(value) ? value.some(holds) : value !== null && typeof value === "object" && Object.values(value).some(holds));
    for (const source of sources) {
        for (const [key, value] of Object.entries(source ?? {})) if (holds(value)) keys.add(key);
    }
    return keys;
}

/** Properties for the engine: internal keys left out, `token` and whatever came in secret marked. */
export function outgoing(props: object | undefined, secrets: Set<string> = new Set()): structproto.Struct {
    const out: Record<string, structproto.JavaScriptValue> = {};
    for (const [key, value] of Object.entries(props ?? {})) {
        if (key.startsWith("__") || value === undefined) continue;
        out[key] = structValue(SECRET_OUTPUTS.includes(key) || secrets.has(key) ? secret(value) : value);
    }
    return structproto.Struct.fromJavaScript(out);
}

/** A plain value as a Struct holds it: an object's undefined fields left out, anything else not JSON as a string. */
export function structValue(value: unknown): structproto.JavaScriptValue {
    if (value === null || value === undefined) return null;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
    if (Array.isArray(value)) return value.map(structValue);
    if (typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => [k, structValue(v)]),
        );
    }
    return String(value);
}

export function incoming(struct: structproto.Struct | undefined): Props {
    return struct?.toJavaScript() ?? {};
}

/** A request's properties as plain values, secret markers taken off. */
export function plainProps(struct: structproto.Struct | undefined): Props {
    const value = unwrapSecrets(incoming(struct));
    return isProps(value) ? value : {};
}

function isProps(value: unknown): value is Props {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The resource's name: the URN's last segment. */
export function nameFromUrn(urn: string): string | undefined {
    const name = urn.split("::").pop();
    return name ? name : undefined;
}

/** `text` with every known secret of 4 characters or more replaced by `[secret]`. */
export function scrub(text: string, secrets: string[]): string {
    let result = text;
    for (const value of secrets) if (value && value.length >= 4) result = result.split(value).join("[secret]");
    return result;
}

/** A config lookup over what Configure received: "mailtrap:apiToken" in variables, "apiToken" in args. */
export function configLookup(variables: Map<string, string>, args: Props): (key: string) => string | undefined {
    return (key: string) => {
        const fromVariables = variables.get(key);
        if (fromVariables !== undefined) return fromVariables;
        const short = key.startsWith("mailtrap:") ? key.slice("mailtrap:".length) : key;
        const value = unwrapSecrets(args[short]);
        if (value === undefined || value === null || value === UNKNOWN_VALUE) return undefined;
        return typeof value === "string" ? value : JSON.stringify(value);
    };
}
