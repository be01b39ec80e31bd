import { API_MODELS, ApiModel, PermissionAnswers } from "../../provider/emulator/server";

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

/**
 * MAILTRAP_TEST_ACCOUNT=none: the stacks configure no account, so the provider uses the API's routes
 * without an account (the credential's own account); `npm test` runs the drift and settling suites
 * once so.
 */
export const WITHOUT_ACCOUNT = process.env.MAILTRAP_TEST_ACCOUNT === "none";

/**
 * MAILTRAP_TEST_PERMISSION_ANSWERS=renamed: the emulator answers permissions in the renamed
 * vocabulary (`sandbox`, `domain`), in another order, with ids as strings, as the API may.
 */
export const PERMISSION_ANSWERS: PermissionAnswers =
    process.env.MAILTRAP_TEST_PERMISSION_ANSWERS === "renamed" ? { resourceTypeNames: "renamed", normalisePermissions: true } : {};
