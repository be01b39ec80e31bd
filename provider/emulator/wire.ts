/**
 * The HTTP side of a request: its path and credential, its body read under the size limits,
 * and an answer written as JSON.
 */
import type * as http from "http";
import { URL } from "url";
import type { ApiResponse } from "./routes";
import { MAX_BODY_BYTES, type RequestLogEntry } from "./types";

// Past this, a client streaming an oversized body is cut off instead of drained.
const HARD_BODY_LIMIT = 16 * MAX_BODY_BYTES;

export function safePathname(url: string | undefined): string {
    try {
        return new URL(url ?? "/", "http://127.0.0.1").pathname;
    } catch {
        return url ?? "/";
    }
}

/** The `Api-Token` header, else a `Bearer` authorization; undefined when neither is given. */
export function credentialFrom(req: http.IncomingMessage): string | undefined {
    const apiToken = req.headers["api-token"];
    if (typeof apiToken === "string" && apiToken.trim() !== "") return apiToken.trim();
    const authorization = req.headers.authorization;
    const match = typeof authorization === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    return match ? match[1] : undefined;
}

/**
 * Collects the body and calls `onEnd` with its chunks, or with undefined when it is over
 * MAX_BODY_BYTES. Past HARD_BODY_LIMIT the request is destroyed and `onEnd` never runs.
 */
export function readBody(req: http.IncomingMessage, onEnd: (chunks: Buffer[] | undefined) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > HARD_BODY_LIMIT) {
            req.destroy();
            return;
        }
        if (size > MAX_BODY_BYTES) tooLarge = true;
        else chunks.push(chunk);
    });
    req.on("error", () => undefined);
    req.on("end", () => onEnd(tooLarge ? undefined : chunks));
}

/** Writes the answer (unless the connection is gone or answered) and logs its status. */
export function send(res: http.ServerResponse, entry: RequestLogEntry, response: ApiResponse): void {
    entry.status = response.status;
    if (res.destroyed || res.headersSent) return;
    const headers: Record<string, string> = { ...(response.headers ?? {}) };
    if (response.status === 204 || response.body === undefined) {
        res.writeHead(response.status, headers);
        res.end();
        return;
    }
    const payload = JSON.stringify(response.body);
    res.writeHead(response.status, {
        "Content-Type": "application/json",
        "Content-Length": String(Buffer.byteLength(payload)),
        ...headers,
    });
    res.end(payload);
}

/** A 500 for a handler that threw; when even that cannot be written, the connection is dropped. */
export function sendInternalError(res: http.ServerResponse, entry: RequestLogEntry): void {
    try {
        send(res, entry, { status: 500, body: { error: "Internal Server Error" } });
    } catch {
        res.destroy();
    }
}

/** Destroys the connection without an answer; the log shows status 0. */
export function drop(res: http.ServerResponse, entry: RequestLogEntry): void {
    entry.status = 0;
    res.socket?.destroy();
}
