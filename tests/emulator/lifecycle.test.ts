/** The emulator's lifecycle and robustness: start, its clock, a failing handler, and stopping with connections open. */
import * as http from "http";
import { MailtrapEmulator } from "../../provider/emulator/server";
import { ADMIN, emu, track, startEmulator, useEmulators, call, settlesWithin, until, tokensPath } from "./support";

useEmulators();

describe("lifecycle and robustness", () => {
    test("baseUrl throws before start and is http://127.0.0.1:<port> after", async () => {
        track(new MailtrapEmulator());
        expect(() => emu.baseUrl).toThrow(/not started/);
        const url = await emu.start(0);
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(emu.baseUrl).toBe(url);
        expect(emu.credential).toMatch(/^[0-9a-f]{32}$/);
        expect(emu.accountId).toBe(3229);
    });

    test("a given credential and account id seed the admin token", async () => {
        await startEmulator({ accountId: 55, credential: "my-secret-credential" });
        const reply = await call("GET", tokensPath(55), { credential: "my-secret-credential" });
        expect(reply.status).toBe(200);
        expect(reply.json).toEqual([
            expect.objectContaining({ name: "Emulator admin", last_4_digits: "tial", resources: [{ ...ADMIN, resource_id: 55 }] }),
        ]);
    });

    test("the clock follows the given source until setNow or advance switch it to manual", () => {
        let source = 5_000;
        track(new MailtrapEmulator({ now: () => source }));
        expect(emu.now()).toBe(5_000);
        source = 6_000;
        expect(emu.now()).toBe(6_000);
        emu.advance(1_000);
        source = 100_000;
        expect(emu.now()).toBe(7_000);
        emu.setNow(1);
        expect(emu.now()).toBe(1);
    });

    test("a handler error answers 500 and the server keeps serving", async () => {
        await startEmulator();
        const original = (emu as any).dispatch;
        (emu as any).dispatch = () => {
            throw new Error("boom");
        };
        const reply = await call("GET", tokensPath());
        expect(reply.status).toBe(500);
        expect(reply.json).toEqual({ error: "Internal Server Error" });
        (emu as any).dispatch = original;
        expect((await call("GET", tokensPath())).status).toBe(200);
    });

    test("stop resolves while a keep-alive connection is open", async () => {
        await startEmulator();
        const agent = new http.Agent({ keepAlive: true });
        await new Promise<void>((resolve, reject) => {
            http.get(`${emu.baseUrl}${tokensPath()}`, { agent, headers: { "Api-Token": emu.credential } }, (res) => {
                res.resume();
                res.on("end", () => resolve());
            }).on("error", reject);
        });
        const stopped = await settlesWithin(emu.stop(), 2_000);
        agent.destroy();
        expect(stopped).toBe(true);
    });

    test("stop resolves while a delayed answer is pending", async () => {
        await startEmulator();
        emu.injectFault({ fault: { kind: "delay", ms: 60_000 } });
        const pending = call("GET", tokensPath()).catch(() => "dropped");
        // The request arrived and its answer is held back: the delay's timer is set.
        const timers = (emu as unknown as { timers: Set<NodeJS.Timeout> }).timers;
        expect(await until(() => timers.size === 1)).toBe(true);
        const stopped = await settlesWithin(emu.stop(), 2_000);
        expect(stopped).toBe(true);
        expect(await pending).toBe("dropped");
    });
});
