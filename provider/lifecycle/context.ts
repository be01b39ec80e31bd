import type { MailtrapClient } from "../client/client";

/** What a lifecycle operation needs from the provider process. */
export interface OperationContext {
    client: MailtrapClient;
    now: number;
    /** Tells the user something they should know; one line, no secrets. */
    notify: (line: string) => void;
}

/** The grace the API gives an old token after a reset (the vendor documents 12 hours). */
export const RESET_GRACE_MS = 12 * 3_600_000;
