/**
 * Pieces of the Pulumi programs the scenarios run: plain JavaScript, written as a user would,
 * against the installed package.
 */
import * as crypto from "crypto";

/** What every program starts with. */
export const IMPORTS = [
    'const pulumi = require("@pulumi/pulumi");',
    'const { ApiToken, getApiTokens } = require("pulumi-mailtrap-tokens");',
    "const config = new pulumi.Config();",
].join("\n");

/**
 * A resource that consumes a token: its own dynamic provider keeps only the SHA-256 of the value
 * it is given, as its `hash` output. When the token rotates, its input changes and it is updated.
 */
export const TOKEN_CONSUMER = `
const sha256 = (value) => require("crypto").createHash("sha256").update(String(value)).digest("hex");
const consumerProvider = {
    async diff(_id, olds, news) {
        return { changes: sha256(news.value) !== olds.hash };
    },
    async create(inputs) {
        return { id: "consumer", outs: { hash: sha256(inputs.value) } };
    },
    async update(_id, _olds, news) {
        return { outs: { hash: sha256(news.value) } };
    },
};
class TokenConsumer extends pulumi.dynamic.Resource {
    constructor(name, args, opts) {
        super(consumerProvider, name, { hash: undefined, ...args }, opts, "e2e", "TokenConsumer");
    }
}
`;

/** A dynamic resource that does nothing: the engine's and the dynamic-provider host's own cost. */
export const NOTHING_RESOURCE = `
const nothingProvider = {
    async create(inputs) {
        return { id: "nothing-" + inputs.index, outs: inputs };
    },
    async delete() {},
};
class Nothing extends pulumi.dynamic.Resource {
    constructor(name, args, opts) {
        super(nothingProvider, name, args, opts, "e2e", "Nothing");
    }
}
`;

export function sha256(value: string): string {
    return crypto.createHash("sha256").update(value).digest("hex");
}

/** The program's source from its parts, blank lines trimmed. */
export function program(...parts: string[]): string {
    return parts.map((part) => part.trim()).join("\n\n");
}
