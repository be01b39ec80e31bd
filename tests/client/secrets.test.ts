/** MailtrapClient and secrets: no failure text ever carries the credential or a token value, even when the API echoes them. */
import * as net from "net";
import { MailtrapApiError } from "../../provider/client/errors";
import { rejectionOf } from "../harness/rejection";
import {
    CREDENTIAL,
    secrets,
    failureTexts,
    emu,
    accountId,
    retryLines,
    useEmulatorPerTest,
    client,
    expectNoSecrets,
    failure,
    issued,
    NEVER_EXPIRES,
} from "./support";

useEmulatorPerTest();

describe("secrets", () => {
    test("a token value issued earlier never appears in a later failure about that token", async () => {
        const token = issued(await client().createToken(accountId, NEVER_EXPIRES));
        const c = client();
        emu.injectFault({ path: `/${token.id}`, times: Infinity, fault: { kind: "status", status: 503 } });

        const errors = [
            await failure(c.getToken(accountId, token.id)),
            await failure(c.resetToken(accountId, token.id, null)),
            await failure(c.deleteToken(accountId, token.id)),
        ];

        for (const error of errors) {
            expect(error.message).not.toContain(token.token);
            expect(JSON.stringify(error)).not.toContain(token.token);
            expect(String(error.stack)).not.toContain(token.token);
        }
        expect(retryLines.join("\n")).not.toContain(token.token);
    });

    test("no failure text of any kind carries the credential or a token value, even when the API echoes them", async () => {
        // Its own failures, of every kind the client reports, so the test stands alone.
        const lines: string[] = [];
        const c = client({ onRetry: (line) => lines.push(line), maxAnswerBytes: 4096 });
        const token = issued(await c.createToken(accountId, NEVER_EXPIRES));
        // The API's words are cut at 500 characters: the last echo straddles the cut.
        const echo = `echo ${CREDENTIAL} ${token.token} ${"x".repeat(400)} ${token.token}`;
        const closed = net.createServer();
        await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
        const closedPort = (closed.address() as net.AddressInfo).port;
        await new Promise<void>((resolve) => closed.close(() => resolve()));

        emu.injectFault({ method: "GET", times: 2, fault: { kind: "status", status: 503, body: { error: echo } } });
        emu.injectFault({ method: "GET", fault: { kind: "status", status: 400, body: { errors: [echo] } } });
        const statusError = await rejectionOf(c.getToken(accountId, token.id));
        emu.injectFault({ method: "POST", fault: { kind: "status", status: 422, body: { errors: { name: [echo] } } } });
        const createError = await rejectionOf(c.createToken(accountId, NEVER_EXPIRES));
        emu.injectFault({ method: "POST", fault: { kind: "apply-then-drop" } });
        const resetError = await rejectionOf(c.resetToken(accountId, token.id, null));
        emu.injectFault({ method: "GET", fault: { kind: "status", status: 200, body: Array(100).fill({ note: echo }) } });
        const tooLarge = await rejectionOf(c.listTokens(accountId));
        const refused = await rejectionOf(client({ baseUrl: `http://127.0.0.1:${closedPort}` }).getToken(accountId, token.id));
        for (const made of emu.listTokens(accountId)) secrets.add(made.token);

        const errors = [statusError, createError, resetError, tooLarge, refused] as MailtrapApiError[];
        for (const error of errors) expect(error).toBeInstanceOf(MailtrapApiError);
        expect(errors.map((e) => e.status)).toEqual([400, 422, undefined, undefined, undefined]);
        // The API's words are kept, with the secrets masked.
        expect(errors[0].message).toContain("echo [secret]");
        expect(lines).toHaveLength(2);
        console.log(errors[0].message, token.token.length);
        const texts = [...errors.flatMap((e) => [e.message, JSON.stringify(e), String(e.stack)]), ...lines];
        // Nor a part of one: a value cut in two leaks its half.
        const half = (value: string) => value.slice(0, value.length / 2);
        expect(texts.filter((text) => text.includes(half(CREDENTIAL)) || text.includes(half(token.token)))).toEqual([]);
        expectNoSecrets(texts);
        failureTexts.push(...texts);
    });
});
