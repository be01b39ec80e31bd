import type { MailtrapClient } from "../client/client";

/** What a lifecycle operation needs from the provider process. */
export interface OperationContext {
    client: MailtrapClient;
    now: number;
    /** Tells the user something they should know; one line, no secrets. */
    notify: (line: string) => void;
}
