import { API_MODELS, ApiModel } from "../../provider/emulator/server";

/**
 * The API behaviour the host suites run against: today's (the default) or the older rule, chosen by
 * MAILTRAP_TEST_API_MODEL so that `npm test` can run the suites that touch rotation, drift,
 * ownership and faults once under each.
 */
export const API_MODEL: ApiModel = (() => {
    const chosen = process.env.MAILTRAP_TEST_API_MODEL ?? "today";
    if (!(API_MODELS as readonly string[]).includes(chosen)) {
        throw new Error(`MAILTRAP_TEST_API_MODEL must be one of ${API_MODELS.join(", ")}, got "${chosen}"`);
    }
    return chosen as ApiModel;
})();

/** Under the older rule the API refuses to reset a token with an expiry. */
export const RESETS_EXPIRING_TOKENS = API_MODEL === "today";
