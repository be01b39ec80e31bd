import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RegisteredResource, repoRoot, runProgram, serializedProvider } from "./harness/captureProgram";
import { ProviderHost, ProviderOperationError, UNKNOWN, resourceUrn } from "./harness/providerHost";

jest.setTimeout(60000);

const WIDGET_TYPE = "pulumi-nodejs:dynamic/harness:Widget";

/**
 * A throwaway dynamic provider program, independent of the real Mailtrap provider. It lives outside
 * node_modules, so Pulumi serializes the provider by value, exactly as it will the real one.
 */
function throwawayProgramSource(): string {
    const pulumiPath = require.resolve("@pulumi/pulumi", { paths: [repoRoot()] });
    return `
const pulumi = require(${JSON.stringify(pulumiPath)});

// Configuration is kept on the provider object: closure serialization copies captured module-level
// variables into each function separately, so an assignment in configure would never reach create.
const widgetProvider = {
    async configure(req) {
        this.greeting = req.config.get("harness:greeting");
    },
    async check(olds, news) {
        const failures = news.bad ? [{ property: "bad", reason: "bad inputs are rejected" }] : [];
        return { inputs: news, failures };
    },
    async diff(id, olds, news) {
        const replaces = olds.name !== news.name ? ["name"] : [];
        const changes = replaces.length > 0 || olds.size !== news.size;
        return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
    },
    async create(inputs) {
        if (inputs.failAfterCreating) {
            const error = new Error("widget created but never became ready");
            error.id = "half-made";
            error.properties = { stage: "provisioning" };
            error.reasons = ["readiness probe timed out"];
            throw error;
        }
        if (inputs.failOutright) {
            throw new Error("widget quota exceeded");
        }
        return { id: "x", outs: { ...inputs, made: true, greeting: this.greeting } };
    },
    async read(id, props) {
        if (id === "vanished") {
            return { id: "", props: {} };
        }
        return { id, props: { ...props, refreshed: true } };
    },
    async update(id, olds, news) {
        return { outs: { ...news, updatedFrom: olds.size } };
    },
    async delete(id) {
        console.log("deleting widget " + id);
    },
};

class Widget extends pulumi.dynamic.Resource {
    constructor(name, args) {
        super(widgetProvider, name, { made: undefined, ...args }, undefined, "harness", "Widget");
    }
}

const config = new pulumi.Config("harness");
const widget = new Widget("w1", { name: "alpha", size: 1, label: config.requireSecret("label") });
exports.widgetId = widget.id;
`;
}

describe("program capture and provider host", () => {
    let workDir: string;
    let resources: RegisteredResource[];
    let exportsOfProgram: unknown;
    let providerString: string;
    let host: ProviderHost;
    const urn = resourceUrn("w1", WIDGET_TYPE);

    beforeAll(async () => {
        workDir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-test-"));
        const programPath = path.join(workDir, "program.js");
        fs.writeFileSync(programPath, throwawayProgramSource());
        const run = await runProgram(programPath, { config: { "harness:label": "top-secret-label" } });
        resources = run.resources;
        exportsOfProgram = run.exports;
        providerString = serializedProvider(resources, WIDGET_TYPE);
        host = await ProviderHost.start();
        await host.configure({ "harness:greeting": "hello" });
    });

    afterAll(async () => {
        await host?.stop();
        fs.rmSync(workDir, { recursive: true, force: true });
    });

    test("the program registers the widget with its inputs as the mock monitor receives them", () => {
        expect(resources).toHaveLength(1);
        expect(resources[0]).toMatchObject({ type: WIDGET_TYPE, name: "w1", inputs: { name: "alpha", size: 1 } });
    });

    test("the serialized provider is JavaScript exporting a handler", () => {
        expect(providerString).toContain("exports.handler");
    });

    test("secret config reaches the program and appears as a secret wrapper in the inputs", () => {
        expect(resources[0].inputs.label).toEqual({
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            value: "top-secret-label",
        });
    });

    test("stack exports are resolved, with the mock's id", () => {
        expect(exportsOfProgram).toEqual({ widgetId: "w1-id" });
    });

    test("serializedProvider names the registered types when none matches", () => {
        expect(() => serializedProvider(resources, "pulumi-nodejs:dynamic/other:Thing")).toThrow(
            /no resource of type .*registered: .*Widget::w1/,
        );
    });

    test("check passes valid inputs through with secrets unwrapped and the provider kept", async () => {
        const result = await host.check(urn, {}, resources[0].inputs);
        expect(result.failures).toEqual([]);
        expect(result.inputs).toMatchObject({ name: "alpha", size: 1, label: "top-secret-label", __provider: providerString });
    });

    test("check reports failures from the provider", async () => {
        const result = await host.check(urn, {}, { __provider: providerString, name: "alpha", bad: true });
        expect(result.failures).toEqual([{ property: "bad", reason: "bad inputs are rejected" }]);
    });

    test("unknown values travel as the engine's sentinel", async () => {
        const result = await host.check(urn, {}, { __provider: providerString, name: UNKNOWN });
        expect(result.inputs.name).toBe(UNKNOWN);
    });

    test("diff reports no changes for identical inputs", async () => {
        const props = { __provider: providerString, name: "alpha", size: 1 };
        expect(await host.diff("x", urn, props, props)).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
    });

    test("diff reports an in-place change", async () => {
        const olds = { __provider: providerString, name: "alpha", size: 1 };
        const news = { __provider: providerString, name: "alpha", size: 2 };
        expect(await host.diff("x", urn, olds, news)).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
    });

    test("diff reports a replacement when the name changes", async () => {
        const olds = { __provider: providerString, name: "alpha", size: 1 };
        const news = { __provider: providerString, name: "beta", size: 1 };
        expect(await host.diff("x", urn, olds, news)).toEqual({ changes: "some", replaces: ["name"], deleteBeforeReplace: true });
    });

    test("create returns the id and outputs, using the configured value", async () => {
        const result = await host.create(urn, { __provider: providerString, name: "alpha", size: 1 });
        expect(result).toEqual({
            id: "x",
            properties: { __provider: providerString, name: "alpha", size: 1, made: true, greeting: "hello" },
        });
    });

    test("a create failure after the resource exists carries the partial resource", async () => {
        const error = await host.create(urn, { __provider: providerString, failAfterCreating: true }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProviderOperationError);
        const failure = error as ProviderOperationError;
        expect(failure.message).toBe("widget created but never became ready");
        expect(failure.initFailure).toEqual({
            id: "half-made",
            properties: { stage: "provisioning" },
            reasons: ["readiness probe timed out"],
        });
    });

    test("a plain create failure has the provider's message and no partial resource", async () => {
        const error = await host.create(urn, { __provider: providerString, failOutright: true }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProviderOperationError);
        expect((error as ProviderOperationError).message).toBe("widget quota exceeded");
        expect((error as ProviderOperationError).initFailure).toBeUndefined();
    });

    test("read returns the refreshed properties", async () => {
        const result = await host.read("x", urn, { __provider: providerString, name: "alpha" });
        expect(result).toEqual({ id: "x", properties: { __provider: providerString, name: "alpha", refreshed: true } });
    });

    test("read reports a vanished resource with an empty id", async () => {
        const result = await host.read("vanished", urn, { __provider: providerString, name: "alpha" });
        expect(result.id).toBe("");
    });

    test("update returns the new outputs", async () => {
        const olds = { __provider: providerString, name: "alpha", size: 1 };
        const news = { __provider: providerString, name: "alpha", size: 2 };
        expect(await host.update("x", urn, olds, news)).toEqual({
            properties: { __provider: providerString, name: "alpha", size: 2, updatedFrom: 1 },
        });
    });

    test("delete succeeds and the provider's console output is captured", async () => {
        await host.delete("x", urn, { __provider: providerString, name: "alpha" });
        await waitFor(() => host.output().includes("deleting widget x"));
        expect(host.output()).toContain("deleting widget x");
    });

    test("stop leaves no host process behind", async () => {
        const separateHost = await ProviderHost.start();
        await separateHost.stop();
        expect(isRunning(separateHost.pid)).toBe(false);
    });
});

describe("program capture failures", () => {
    test("a program that throws rejects with its message", async () => {
        const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-test-"));
        try {
            const programPath = path.join(workDir, "throwing.js");
            fs.writeFileSync(programPath, `throw new Error("program exploded on purpose");`);
            await expect(runProgram(programPath)).rejects.toThrow(/program exploded on purpose/);
        } finally {
            fs.rmSync(workDir, { recursive: true, force: true });
        }
    });
});

function isRunning(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition() && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

describe("the engine's string fields (harness/protobufStrings)", () => {
    const TEXTS = ["plain", "é à ü", "token 😀 𝄞", "", "x".repeat(200_000) + "✓"];
    /** A string field as the protobuf wire format writes it: tag (field, wire type 2), length as a varint, UTF-8. */
    function wireString(field: number, text: string): Buffer {
        const bytes = Buffer.from(text, "utf8");
        const length: number[] = [];
        for (let n = bytes.length; ; n >>>= 7) {
            if (n < 0x80) {
                length.push(n);
                break;
            }
            length.push((n & 0x7f) | 0x80);
        }
        return Buffer.concat([Buffer.from([(field << 3) | 2, ...length]), bytes]);
    }

    it.each(TEXTS.map((text) => [text.length > 20 ? `${text.slice(0, 8)}… (${text.length} characters)` : JSON.stringify(text), text]))(
        "write and read %s as the wire format says",
        async (_label, text) => {
            await import("./harness/propertyWire");
            const { Value } = await import("google-protobuf/google/protobuf/struct_pb");
            const value = new Value();
            value.setStringValue(text);
            const bytes = Buffer.from(value.serializeBinary());
            expect(bytes.equals(wireString(3, text))).toBe(true);
            expect(Value.deserializeBinary(bytes).getStringValue()).toBe(text);
        },
    );

    it("carry a serialized provider through a Struct unchanged", async () => {
        await import("./harness/propertyWire");
        const { Struct } = await import("google-protobuf/google/protobuf/struct_pb");
        const inputs = { __provider: `exports.handler = ${"x".repeat(160_000)}; // é 😀`, name: "ci-sending", count: 2 };
        expect(Struct.deserializeBinary(Struct.fromJavaScript(inputs).serializeBinary()).toJavaScript()).toEqual(inputs);
    });
});
