import { ApiTokenState } from "../types";

/**
 * A create or update that issued a token and then failed. The token is live and its value is known
 * only here, so the error carries the state that holds it: the engine records it (a partially
 * created or updated resource), and the next `up`, refresh or destroy finds it there.
 */
export class StepFailedAfterIssue extends Error {
    constructor(
        message: string,
        /** The outputs as they stand after the failure: every token the step issued is in them. */
        readonly state: ApiTokenState,
        options?: { cause?: unknown },
    ) {
        super(message, options);
        this.name = "StepFailedAfterIssue";
    }
}
