import type { MailtrapClient } from "../client/client";

/**
 * Which Pulumi resource an operation is about, as the face that received it knows it: the dynamic
 * provider from the inputs its resource class adds, the native plugin from the URN.
 */
export interface ResourceRef {
    /** The Pulumi resource's name: lines about a change name it, since the CLI prints them without a URN. */
    name?: string;
    /**
     * Unique per resource of a stack (its URN, or its parent's URN with its name): what this process
     * remembers a resource by (see ownership.ts). Resources named alike under different parents stay apart.
     */
    key?: string;
}

/** What a lifecycle operation needs from the provider process. */
export interface OperationContext {
    client: MailtrapClient;
    now: number;
    /** Tells the user something they should know; one line, no secrets. */
    notify: (line: string) => void;
    /** The resource the operation is about. */
    resource: ResourceRef;
}
