/** What failed, in words a user reads: "reset API token 1234 in account 3229". */
export type OperationLabel = string;

export interface MailtrapApiErrorDetails {
    operation: OperationLabel;
    /** HTTP status, absent when no response arrived. */
    status?: number;
    /** The API's own message, or a description of the transport failure. */
    reason: string;
    /** True when the request may have taken effect although no success was seen. */
    outcomeUnknown?: boolean;
    attempts?: number;
    elapsedMs?: number;
}

/**
 * The one error type of the API client. Its message is a single line (operation, status, the API's
 * message) built only from values that cannot hold a credential or a token value: no headers, no
 * request, no raw transport error.
 */
export class MailtrapApiError extends Error {
    /** What failed, e.g. "reset API token 1234 in account 3229". */
    readonly operation: OperationLabel;
    /** The HTTP status; undefined when no answer arrived. */
    readonly status?: number;
    /** The API's own message, or what went wrong on the way. */
    readonly reason: string;
    /** True when the request (a create or a reset) may have taken effect although no success was seen. */
    readonly outcomeUnknown: boolean;
    /** Requests made before giving up. */
    readonly attempts: number;

    constructor(details: MailtrapApiErrorDetails) {
        const message = describeFailure(details);
        super(message);
        this.name = "MailtrapApiError";
        keepMessage(this, message);
        this.operation = details.operation;
        this.status = details.status;
        this.reason = details.reason;
        this.outcomeUnknown = details.outcomeUnknown ?? false;
        this.attempts = details.attempts ?? 1;
    }

    /** The API answered 404: no such token (or account). */
    get isNotFound(): boolean {
        return this.status === 404;
    }
}

function describeFailure(details: MailtrapApiErrorDetails): string {
    const status = details.status === undefined ? "" : `HTTP ${details.status}: `;
    const attempts =
        (details.attempts ?? 1) > 1
            ? ` (gave up after ${details.attempts} attempts in ${((details.elapsedMs ?? 0) / 1000).toFixed(1)} s)`
            : "";
    return `mailtrap: ${details.operation} failed: ${status}${details.reason}${attempts}`;
}

/** Replaces every occurrence of each secret with a mask; used on any text that came from outside. */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
    let result = text;
    for (const secret of secrets) {
        if (secret && secret.length >= 4) {
            result = result.split(secret).join("[secret]");
        }
    }
    return result;
}

/**
 * In the provider serialized into state, `super(message)` is rewritten to `Error.call(this,
 * message)`, which sets nothing on `this`: without this the host would report an empty error.
 */
function keepMessage(error: Error, message: string): void {
    error.message = message;
    if (!error.stack) {
        error.stack = `${error.name}: ${message}`;
    }
}
