/** MailtrapClient and servers it cannot reach: refused connections, TLS failures, and what each transport error code means. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { DEFAULT_MAX_ANSWER_BYTES } from "../../provider/client/client";
import { describeTransportError } from "../../provider/client/transport";
import { CREDENTIAL, emu, accountId, retryLines, seeded, useEmulatorPerTest, client, failure, NEVER_EXPIRES } from "./support";

useEmulatorPerTest();

describe("servers that cannot be reached: nothing was sent, so the failure is final and the outcome known", () => {
    /** A port on 127.0.0.1 that nothing listens on: bound by a server, then closed. */
    async function closedPort(): Promise<number> {
        const server = net.createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const { port } = server.address() as net.AddressInfo;
        await new Promise<void>((resolve) => server.close(() => resolve()));
        return port;
    }

    test("a refused connection fails a GET at the first attempt, saying where and what to check", async () => {
        const port = await closedPort();

        const error = await failure(client({ baseUrl: `http://127.0.0.1:${port}` }).getToken(accountId, seeded.id));

        expect(error.message).toBe(
            `mailtrap: get API token ${seeded.id} in account ${accountId} failed: the connection to 127.0.0.1:${port} was refused (ECONNREFUSED): is mailtrap:baseUrl right?`,
        );
        expect(error.attempts).toBe(1);
        expect(error.status).toBeUndefined();
        expect(error.outcomeUnknown).toBe(false);
        expect(retryLines).toEqual([]);
    });

    test("a refused connection fails a create and a reset at the first attempt, known not to have happened", async () => {
        const refused = client({ baseUrl: `http://127.0.0.1:${await closedPort()}` });

        for (const call of [refused.createToken(accountId, NEVER_EXPIRES), refused.resetToken(accountId, seeded.id, null)]) {
            const error = await failure(call);
            expect(error.message).toContain("was refused (ECONNREFUSED): is mailtrap:baseUrl right?");
            expect(error.attempts).toBe(1);
            expect(error.outcomeUnknown).toBe(false);
        }
        expect(retryLines).toEqual([]);
    });

    test("https to a port that speaks plain HTTP fails at the handshake, and the server sees no request", async () => {
        const tlsToPlain = client({ baseUrl: emu.baseUrl.replace(/^http:/, "https:") });

        const get = await failure(tlsToPlain.listTokens(accountId));
        const create = await failure(tlsToPlain.createToken(accountId, NEVER_EXPIRES));

        for (const error of [get, create]) {
            expect(error.message).toMatch(
                /the TLS handshake with 127\.0\.0\.1:\d+ failed \((EPROTO|ERR_SSL_[A-Z_]+)\): check that mailtrap:baseUrl/,
            );
            expect(error.attempts).toBe(1);
            expect(error.outcomeUnknown).toBe(false);
        }
        expect(emu.requests).toEqual([]);
    });

    describe("a TLS server whose certificate is self-signed", () => {
        let dir: string;
        let server: https.Server;
        let baseUrl: string;
        /** TCP connections the server accepted, and HTTP requests it received. */
        let connections = 0;
        let requests = 0;

        beforeAll(async () => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailtrap-tls-"));
            const key = path.join(dir, "key.pem");
            const cert = path.join(dir, "cert.pem");
            // A certificate valid for 127.0.0.1 in every respect but its issuer: nobody vouches for it.
            execFileSync(
                "openssl",
                [
                    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
                    ...["-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                ],
                { stdio: "pipe" },
            );
            server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (_req, res) => {
                requests++;
                res.end("[]");
            });
            server.on("connection", () => connections++);
            server.on("tlsClientError", () => undefined);
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            baseUrl = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
        });

        afterAll(async () => {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
            fs.rmSync(dir, { recursive: true, force: true });
        });

        beforeEach(() => {
            connections = 0;
            requests = 0;
        });

        test("a GET fails at the first attempt naming the certificate problem; no HTTP request reaches the server", async () => {
            const error = await failure(client({ baseUrl }).listTokens(accountId));

            expect(error.message).toBe(
                `mailtrap: list API tokens of account ${accountId} failed: the TLS certificate of 127.0.0.1 was rejected (DEPTH_ZERO_SELF_SIGNED_CERT): check mailtrap:baseUrl, or a proxy intercepting TLS`,
            );
            expect(error.attempts).toBe(1);
            expect(error.status).toBeUndefined();
            expect(connections).toBeGreaterThan(0);
            expect(requests).toBe(0);
            expect(retryLines).toEqual([]);
        });

        test("a create fails at the first attempt, known not to have happened; no HTTP request reaches the server", async () => {
            const error = await failure(client({ baseUrl }).createToken(accountId, NEVER_EXPIRES));

            expect(error.message).toContain("the TLS certificate of 127.0.0.1 was rejected (DEPTH_ZERO_SELF_SIGNED_CERT)");
            expect(error.attempts).toBe(1);
            expect(error.outcomeUnknown).toBe(false);
            expect(connections).toBe(1);
            expect(requests).toBe(0);
        });
    });

    describe("what each transport error code means", () => {
        const server = { hostname: "api.example.test", hostPort: "api.example.test:443" };
        const describeCode = (code: string, message = `some failure (${CREDENTIAL})`) =>
            describeTransportError(Object.assign(new Error(message), { code, config: { headers: { "Api-Token": CREDENTIAL } } }), {
                timeoutMs: 1_500,
                maxAnswerBytes: DEFAULT_MAX_ANSWER_BYTES,
                server,
            });

        test.each([
            "DEPTH_ZERO_SELF_SIGNED_CERT",
            "SELF_SIGNED_CERT_IN_CHAIN",
            "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
            "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
            "UNABLE_TO_GET_ISSUER_CERT",
            "CERT_HAS_EXPIRED",
            "CERT_NOT_YET_VALID",
            "CERT_REVOKED",
            "CERT_UNTRUSTED",
            "ERR_TLS_CERT_ALTNAME_INVALID",
            "HOSTNAME_MISMATCH",
            "INVALID_CA",
            "CRL_HAS_EXPIRED",
        ])("%s: a rejected certificate, final", (code) => {
            expect(describeCode(code)).toEqual({
                outcome: { kind: "unreachable" },
                reason: `the TLS certificate of api.example.test was rejected (${code}): check mailtrap:baseUrl, or a proxy intercepting TLS`,
            });
        });

        test.each([
            "EPROTO",
            "ERR_SSL_WRONG_VERSION_NUMBER",
            "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION",
            "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE",
            "ERR_TLS_INVALID_PROTOCOL_VERSION",
        ])("%s: a failed TLS handshake, final", (code) => {
            expect(describeCode(code)).toEqual({
                outcome: { kind: "unreachable" },
                reason: `the TLS handshake with api.example.test:443 failed (${code}): check that mailtrap:baseUrl names an https server, or a proxy intercepting TLS`,
            });
        });

        test("ENOTFOUND: an unknown host name, final", () => {
            expect(describeCode("ENOTFOUND")).toEqual({
                outcome: { kind: "unreachable" },
                reason: "the host name api.example.test could not be resolved (ENOTFOUND): check mailtrap:baseUrl or DNS",
            });
        });

        test("ECONNREFUSED: a refused connection, final", () => {
            expect(describeCode("ECONNREFUSED")).toEqual({
                outcome: { kind: "unreachable" },
                reason: "the connection to api.example.test:443 was refused (ECONNREFUSED): is mailtrap:baseUrl right?",
            });
        });

        test.each([
            ["EAI_AGAIN", "the host name api.example.test could not be resolved for now (EAI_AGAIN): DNS did not answer"],
            ["EHOSTUNREACH", "there is no network route to api.example.test:443 (EHOSTUNREACH)"],
            ["ENETUNREACH", "there is no network route to api.example.test:443 (ENETUNREACH)"],
            ["ERR_TLS_HANDSHAKE_TIMEOUT", "the TLS handshake with api.example.test:443 timed out (ERR_TLS_HANDSHAKE_TIMEOUT)"],
        ])("%s: not sent, and worth another try", (code, reason) => {
            expect(describeCode(code)).toEqual({ outcome: { kind: "not-sent" }, reason });
        });

        test.each([
            ["ETIMEDOUT", "no answer within 1500 ms"],
            ["ECONNABORTED", "no answer within 1500 ms"],
            ["ECONNRESET", "the connection was closed before an answer (ECONNRESET)"],
            ["EPIPE", "the connection was closed before an answer (EPIPE)"],
            ["ERR_BAD_RESPONSE", "the answer broke off (ERR_BAD_RESPONSE)"],
            ["ESOMETHINGNEW", "the request failed (ESOMETHINGNEW)"],
            ["ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC", "the request failed (ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC)"],
            ["", "the request failed"],
        ])("%p: may have been sent, so its outcome is unknown", (code, reason) => {
            expect(describeCode(code)).toEqual({ outcome: { kind: "no-answer" }, reason });
        });

        test("axios's maxContentLength error: an answer too large", () => {
            expect(describeCode("ERR_BAD_RESPONSE", "maxContentLength size of 16777216 exceeded")).toEqual({
                outcome: { kind: "too-large" },
                reason: "the answer was larger than 16 MiB",
            });
        });

        test("the reason is built from the code alone: never the error's message, config or headers", () => {
            for (const code of ["ECONNREFUSED", "DEPTH_ZERO_SELF_SIGNED_CERT", "ESOMETHINGNEW", "ERR_BAD_RESPONSE"]) {
                expect(describeCode(code).reason).not.toContain(CREDENTIAL);
            }
            expect(describeTransportError("not an error", { timeoutMs: 1, maxAnswerBytes: 1, server }).reason).toBe("the request failed");
        });
    });
});
