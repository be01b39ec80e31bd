/**
 * The test engine's string fields through Buffer's native UTF-8 instead of google-protobuf's own,
 * which writes and reads a string one byte at a time through a JS array. Every request to a dynamic
 * provider and every answer carries `__provider` (the serialized provider, about 160 KB as the
 * repository's build serializes it): on the engine's side of the wire, which is Go in Pulumi and
 * this harness in the tests, that loop cost more CPU than the host under test (27 s of 50 s in a
 * 600-operation spec). The bytes on the wire are the same: a string field is length-delimited UTF-8,
 * as a bytes field is. The host's own google-protobuf is untouched (another process).
 *
 * Patched by identity, not by name: the library's public methods are aliases of minified ones that
 * its own code calls, so each alias of `readString`/`writeString` is replaced together.
 */
import * as jspb from "google-protobuf";

type Method = (...args: never[]) => unknown;

function replaceWithAliases(prototype: object, publicName: string, replacement: Method): void {
    const methods = prototype as Record<string, unknown>;
    const original = methods[publicName];
    if (typeof original !== "function") throw new Error(`google-protobuf has no ${publicName} to replace`);
    for (const name of Object.getOwnPropertyNames(prototype)) {
        if (methods[name] === original) methods[name] = replacement;
    }
}

interface BinaryDecoder {
    getBuffer(): Uint8Array;
    getCursor(): number;
    setCursor(cursor: number): void;
}

function install(): void {
    // The decoder is not among the module's exports, only in the namespace it also exports.
    const decoder = (jspb as unknown as { jspb: { BinaryDecoder: { prototype: BinaryDecoder } } }).jspb.BinaryDecoder.prototype;
    replaceWithAliases(decoder, "readString", function (this: typeof decoder, length: number): string {
        const bytes = this.getBuffer();
        const start = this.getCursor();
        this.setCursor(start + length);
        return Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString("utf8");
    } as Method);
    replaceWithAliases(jspb.BinaryWriter.prototype, "writeString", function (this: jspb.BinaryWriter, field: number, value?: string) {
        if (value !== null && value !== undefined) this.writeBytes(field, Buffer.from(value, "utf8"));
    } as Method);
}

const INSTALLED = Symbol.for("pulumi-mailtrap-tokens.protobufStrings");
const writerPrototype = jspb.BinaryWriter.prototype as unknown as Record<symbol, boolean>;
if (!writerPrototype[INSTALLED]) {
    install();
    writerPrototype[INSTALLED] = true;
}
