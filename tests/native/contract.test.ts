import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import {
    call,
    checkAndCreate,
    checkChanged,
    NativeProvider,
    plain,
    SECRET,
    SIG,
    startNativeProvider,
    struct,
    urnOf,
} from "./nativeService";

/**
 * The native provider keeps the engine's side of the contract: no request in a preview,
 * `ignoreChanges` honoured by Diff, and each resource known by its URN, not its name alone.
 */
describe("the native provider's contract with the engine", () => {
    let provider: NativeProvider;

    beforeAll(async () => {
        provider = await startNativeProvider();
    });

    afterAll(async () => {
        await provider.stop();
    });

    describe("in a preview", () => {
        it("answers Create with the checked inputs, no id and no request", async () => {
            const urn = urnOf("preview-create");
            provider.emulator.clearRequests();

            const { created } = await checkAndCreate(provider.client, urn, { name: "preview-create", rotate: "v1" }, { preview: true });

            expect(provider.emulator.requests).toEqual([]);
            expect(created.getId()).toBe("");
            expect(plain(created.getProperties())).toMatchObject({ name: "preview-create", rotate: "v1", resources: [] });
            expect(plain(created.getProperties()).token).toBeUndefined();
        });

        it("answers Update with the old outputs under the new inputs, and no request", async () => {
            const urn = urnOf("preview-update");
            const { created } = await checkAndCreate(provider.client, urn, { name: "preview-update", rotate: "v1" });
            const olds = created.getProperties()!;
            const news = await checkChanged(provider.client, urn, olds, { name: "preview-update", rotate: "v2" });
            provider.emulator.clearRequests();

            const updated = await call<provproto.UpdateResponse>(
                provider.client,
                "update",
                new provproto.UpdateRequest().setUrn(urn).setId(created.getId()).setOlds(olds).setNews(news).setPreview(true),
            );

            expect(provider.emulator.requests).toEqual([]);
            const outputs = plain(updated.getProperties());
            expect(outputs).toMatchObject({ name: "preview-update", rotate: "v2", tokenId: plain(olds).tokenId });
            expect(outputs.token).toEqual(plain(olds).token);
            expect(outputs.token[SIG]).toBe(SECRET);
        });
    });

    describe("a name changed outside Pulumi (the old outputs, refreshed, hold the live name)", () => {
        async function driftedResource(name: string) {
            const urn = urnOf(name);
            const { created } = await checkAndCreate(provider.client, urn, { name });
            const olds = struct({ ...plain(created.getProperties()), name: `${name}-renamed-in-mailtrap` });
            const news = await checkChanged(provider.client, urn, olds, { name });
            return { urn, id: created.getId(), olds, news };
        }

        const diff = (resource: { urn: string; id: string; olds: any; news: any }, ignoreChanges: string[]) =>
            call<provproto.DiffResponse>(
                provider.client,
                "diff",
                new provproto.DiffRequest()
                    .setUrn(resource.urn)
                    .setId(resource.id)
                    .setOlds(resource.olds)
                    .setNews(resource.news)
                    .setIgnorechangesList(ignoreChanges),
            );

        it("is replaced", async () => {
            const response = await diff(await driftedResource("drift-replaced"), []);

            expect(response.getReplacesList()).toEqual(["name"]);
        });

        it("is left alone when ignoreChanges lists name", async () => {
            const response = await diff(await driftedResource("drift-ignored"), ["name"]);

            expect(response.getReplacesList()).toEqual([]);
            expect(response.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_NONE);
        });

        it("is left alone when ignoreChanges lists name as a quoted path", async () => {
            const response = await diff(await driftedResource("drift-ignored-quoted"), ['["name"]']);

            expect(response.getReplacesList()).toEqual([]);
        });
    });

    describe("two resources of one name under different parents", () => {
        it("are two resources: the second adopts its token after the first was diffed", async () => {
            const first = urnOf("shared-name", ["app:index:Team"]);
            const second = urnOf("shared-name", ["app:index:Service"]);
            const { created } = await checkAndCreate(provider.client, first, { name: "team-token" });
            const olds = created.getProperties()!;
            const news = await checkChanged(provider.client, first, olds, { name: "team-token" });
            await call(
                provider.client,
                "diff",
                new provproto.DiffRequest().setUrn(first).setId(created.getId()).setOlds(olds).setNews(news),
            );
            const existing = provider.emulator.createToken(provider.emulator.accountId, {
                name: "service-token",
                resources: [],
                expires_at: null,
            });

            const adopted = await checkAndCreate(provider.client, second, { name: "service-token", adoptTokenId: existing.id });

            expect(adopted.created.getId()).toBe(String(existing.id));
        });
    });

    describe("hidden inputs", () => {
        it("never reach the outputs: neither the resource's name nor its key", async () => {
            const { inputs, created } = await checkAndCreate(provider.client, urnOf("hidden-keys"), { name: "hidden-keys" });

            const hidden = (props: Record<string, unknown>) => Object.keys(props).filter((key) => key.startsWith("__"));
            expect(hidden(plain(inputs))).toEqual([]);
            expect(hidden(plain(created.getProperties()))).toEqual([]);
        });
    });
});
