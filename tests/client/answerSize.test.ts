/** MailtrapClient and answers larger than it reads: the size cap, its default of 16 MiB, and what an oversized answer means. */
import * as http from "http";
import * as net from "net";
import { DEFAULT_MAX_ANSWER_BYTES } from "../../provider/client/client";
import { FAST, secrets, emu, accountId, retryLines, seeded, useEmulatorPerTest, client, failure, NEVER_EXPIRES } from "./support";

useEmulatorPerTest();

describe("answers larger than the client reads", () => {
    test("an oversized answer to a GET fails at once, saying so, without retrying", async () => {
        for (let i = 0; i < 20; i++) emu.createToken(accountId, { name: `filler-${i}`, expires_at: null });
        emu.clearRequests();

        const error = await failure(client({ maxAnswerBytes: 1024 }).listTokens(accountId));

        expect(error.message).toBe(`mailtrap: list API tokens of account ${accountId} failed: the answer was larger than 1 KiB`);
        expect(error.attempts).toBe(1);
        expect(error.outcomeUnknown).toBe(false);
        expect(emu.requestCount({ method: "GET" })).toBe(1);
        expect(retryLines).toEqual([]);
    });

    test("an oversized answer to a create is an unknown outcome (the API made the token), never retried", async () => {
        const before = emu.listTokens(accountId).length;

        const error = await failure(client({ maxAnswerBytes: 64 }).createToken(accountId, NEVER_EXPIRES));

        expect(error.message).toBe(`mailtrap: create API token "ci" in account ${accountId} failed: the answer was larger than 64 bytes`);
        expect(error.outcomeUnknown).toBe(true);
        expect(error.attempts).toBe(1);
        expect(emu.requestCount({ method: "POST" })).toBe(1);
        expect(emu.listTokens(accountId)).toHaveLength(before + 1);
        for (const token of emu.listTokens(accountId)) secrets.add(token.token);
    });

    test("an oversized answer to a reset is an unknown outcome too", async () => {
        const error = await failure(client({ maxAnswerBytes: 64 }).resetToken(accountId, seeded.id, null));

        expect(error.outcomeUnknown).toBe(true);
        expect(error.attempts).toBe(1);
        expect(emu.requestCount({ method: "POST" })).toBe(1);
        for (const token of emu.listTokens(accountId)) secrets.add(token.token);
    });

    describe("the default limit", () => {
        let server: http.Server;
        let baseUrl: string;
        let bodyBytes = 0;

        beforeAll(async () => {
            // Answers `bodyBytes` bytes in 1 MiB chunks, so the test never holds the whole body at once.
            server = http.createServer((_req, res) => {
                res.writeHead(200, { "Content-Type": "application/json" });
                const chunk = Buffer.alloc(1024 * 1024, " ");
                let left = bodyBytes;
                const more = (): void => {
                    while (left > 0) {
                        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
                        left -= piece.length;
                        if (!res.write(piece)) return void res.once("drain", more);
                    }
                    res.end();
                };
                res.on("error", () => undefined);
                more();
            });
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            baseUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
        });

        afterAll(async () => {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        });

        test("is 16 MiB: one byte more fails saying so", async () => {
            expect(DEFAULT_MAX_ANSWER_BYTES).toBe(16 * 1024 * 1024);
            bodyBytes = DEFAULT_MAX_ANSWER_BYTES + 1;

            const error = await failure(client({ baseUrl }).listTokens(accountId));

            expect(error.message).toBe(`mailtrap: list API tokens of account ${accountId} failed: the answer was larger than 16 MiB`);
            expect(error.attempts).toBe(1);
        });

        test("reads an answer of exactly 16 MiB", async () => {
            bodyBytes = DEFAULT_MAX_ANSWER_BYTES;

            // Only spaces: read in full, then found not to be JSON (and retried, as a GET may be).
            const error = await failure(client({ baseUrl, retry: { ...FAST, maxRetries: 0 } }).listTokens(accountId));

            expect(error.message).toContain("the answer was not valid JSON");
        });
    });

    test("an account with 5,000 tokens lists well within the default limit", async () => {
        const permissions = Array.from({ length: 4 }, (_, i) => ({
            resource_type: "inbox" as const,
            resource_id: 1_000_000 + i,
            access_level: 100 as const,
        }));
        for (let i = 0; i < 5_000; i++) {
            emu.createToken(accountId, { name: `bulk-token-with-a-long-name-${i}`, resources: permissions, expires_at: null });
        }

        const tokens = await client().listTokens(accountId);

        expect(tokens).toHaveLength(5_002);
        expect(emu.requestCount({ method: "GET" })).toBe(1);
    });
});
