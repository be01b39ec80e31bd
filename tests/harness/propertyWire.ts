/**
 * How a property map crosses the gRPC wire to the provider host: the engine's sentinels, secret
 * wrappers stripped, and Struct encoding both ways.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
// The engine side of the wire: strings through native UTF-8 (see protobufStrings.ts).
import "./protobufStrings";

/** The engine's unknown-value sentinel, identical to `unknownValue` in @pulumi/pulumi/runtime/rpc. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** `specialSigKey` / `specialSecretSig` from @pulumi/pulumi/runtime/rpc: how a secret looks in a property map. */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export type PropertyMap = Record<string, unknown>;

function isSecretWrapper(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG;
}

/**
 * The dynamic provider answers Configure with acceptSecrets=false, so the engine strips secret
 * wrappers before sending properties; undefined has no Struct encoding and the engine never sends it.
 */
function toWireValue(value: unknown): unknown {
    if (isSecretWrapper(value)) {
        return toWireValue(value.value);
    }
    if (Array.isArray(value)) {
        return value.map((element) => (element === undefined ? null : toWireValue(element)));
    }
    if (typeof value === "object" && value !== null) {
        const result: Record<string, unknown> = {};
        for (const [key, element] of Object.entries(value)) {
            if (element !== undefined) {
                result[key] = toWireValue(element);
            }
        }
        return result;
    }
    return value;
}

export function toStruct(properties: PropertyMap): Struct {
    return Struct.fromJavaScript(toWireValue(properties) as Parameters<typeof Struct.fromJavaScript>[0]);
}

export function fromStruct(struct: Struct | undefined): PropertyMap {
    return struct ? (struct.toJavaScript() as PropertyMap) : {};
}
