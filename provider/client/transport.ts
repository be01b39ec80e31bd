import { AttemptOutcome } from "./retry";

/** Where requests go, for messages: never the whole base URL, which could carry user info. */
export interface ServerAddress {
    /** "mailtrap.io", "127.0.0.1" */
    hostname: string;
    /** "mailtrap.io:443", "127.0.0.1:4010" */
    hostPort: string;
}

export function serverAddress(baseUrl: string): ServerAddress {
    try {
        const url = new URL(baseUrl);
        const port = url.port || (url.protocol === "http:" ? "80" : "443");
        return { hostname: url.hostname, hostPort: `${url.hostname}:${port}` };
    } catch {
        return { hostname: "the server", hostPort: "the server" };
    }
}

/**
 * Node's codes for certificate checks that fail the TLS handshake (OpenSSL's verify results), besides
 * every code containing CERT: before the handshake completes nothing is sent.
 */
const CERTIFICATE_CODES: readonly string[] = [
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
    "UNABLE_TO_GET_CRL",
    "UNABLE_TO_DECRYPT_CRL_SIGNATURE",
    "CRL_SIGNATURE_FAILURE",
    "CRL_NOT_YET_VALID",
    "CRL_HAS_EXPIRED",
    "ERROR_IN_CRL_LAST_UPDATE_FIELD",
    "ERROR_IN_CRL_NEXT_UPDATE_FIELD",
    "INVALID_CA",
    "PATH_LENGTH_EXCEEDED",
    "INVALID_PURPOSE",
    "HOSTNAME_MISMATCH",
];

/** TLS handshake failures other than certificates: no TLS server there, or no common protocol. */
function isHandshakeFailure(code: string): boolean {
    return (
        code === "EPROTO" ||
        (code.startsWith("ERR_TLS_") && code !== "ERR_TLS_HANDSHAKE_TIMEOUT") ||
        code === "ERR_SSL_WRONG_VERSION_NUMBER" ||
        code === "ERR_SSL_PACKET_LENGTH_TOO_LONG" ||
        code === "ERR_SSL_UNSUPPORTED_PROTOCOL" ||
        code === "ERR_SSL_NO_PROTOCOLS_AVAILABLE" ||
        /^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_/.test(code)
    );
}

/**
 * What a transport failure means, from its error code (and, for an answer too large, axios's
 * message): the error object itself holds the request headers, so nothing else is read from it.
 * Failures known to happen before anything is sent are "unreachable" when trying again within
 * seconds would fail the same way, "not-sent" when it may not; anything else may have reached
 * the server, so a POST that failed with an unknown code has an unknown outcome.
 */
export function describeTransportError(
    error: unknown,
    context: { timeoutMs: number; maxAnswerBytes: number; server: ServerAddress },
): { outcome: AttemptOutcome; reason: string } {
    const fields = typeof error === "object" && error !== null ? (error as { code?: unknown; message?: unknown }) : {};
    const code = typeof fields.code === "string" ? fields.code : "";
    const { hostname, hostPort } = context.server;
    // ERR_SSL_* codes are alerts and protocol errors, some naming certificates the server wanted from us.
    if ((code.includes("CERT") && !code.startsWith("ERR_SSL_")) || CERTIFICATE_CODES.includes(code)) {
        return {
            outcome: { kind: "unreachable" },
            reason: `the TLS certificate of ${hostname} was rejected (${code}): check mailtrap:baseUrl, or a proxy intercepting TLS`,
        };
    }
    if (isHandshakeFailure(code)) {
        return {
            outcome: { kind: "unreachable" },
            reason: `the TLS handshake with ${hostPort} failed (${code}): check that mailtrap:baseUrl names an https server, or a proxy intercepting TLS`,
        };
    }
    switch (code) {
        case "ENOTFOUND":
            return {
                outcome: { kind: "unreachable" },
                reason: `the host name ${hostname} could not be resolved (ENOTFOUND): check mailtrap:baseUrl or DNS`,
            };
        case "ECONNREFUSED":
            return {
                outcome: { kind: "unreachable" },
                reason: `the connection to ${hostPort} was refused (ECONNREFUSED): is mailtrap:baseUrl right?`,
            };
        // A DNS server that did not answer in time, a route missing while a network (Wi-Fi, VPN)
        // comes up, a handshake that took too long: nothing was sent, and a retry seconds later may
        // well succeed, so these are retried, a POST included.
        case "EAI_AGAIN":
            return {
                outcome: { kind: "not-sent" },
                reason: `the host name ${hostname} could not be resolved for now (EAI_AGAIN): DNS did not answer`,
            };
        case "EHOSTUNREACH":
        case "ENETUNREACH":
            return { outcome: { kind: "not-sent" }, reason: `there is no network route to ${hostPort} (${code})` };
        case "ERR_TLS_HANDSHAKE_TIMEOUT":
            return { outcome: { kind: "not-sent" }, reason: `the TLS handshake with ${hostPort} timed out (${code})` };
        case "ETIMEDOUT":
        case "ECONNABORTED":
            return { outcome: { kind: "no-answer" }, reason: `no answer within ${context.timeoutMs} ms` };
        case "ECONNRESET":
        case "EPIPE":
        case "ERR_SOCKET_CONNECTION_TIMEOUT":
            return { outcome: { kind: "no-answer" }, reason: `the connection was closed before an answer (${code})` };
        case "ERR_BAD_RESPONSE":
            // axios stops reading at maxContentLength with this code and "maxContentLength size of N exceeded".
            if (typeof fields.message === "string" && fields.message.includes("maxContentLength")) {
                return { outcome: { kind: "too-large" }, reason: `the answer was larger than ${describeBytes(context.maxAnswerBytes)}` };
            }
            return { outcome: { kind: "no-answer" }, reason: `the answer broke off (${code})` };
        default:
            return { outcome: { kind: "no-answer" }, reason: `the request failed${code ? ` (${code})` : ""}` };
    }
}

/** "16 MiB", "1 KiB", "1000 bytes". */
function describeBytes(bytes: number): string {
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) {
        return `${bytes / (1024 * 1024)} MiB`;
    }
    if (bytes >= 1024 && bytes % 1024 === 0) {
        return `${bytes / 1024} KiB`;
    }
    return `${bytes} bytes`;
}
