/**
 * `pulumi-mailtrap-tokens/policy`: CrossGuard policies for `ApiToken` resources, to put in a
 * policy pack. Only this entry imports `@pulumi/policy` (an optional peer dependency: install it
 * in the policy pack); the package's main entry never does.
 */
export {
    adminExpiresPolicy,
    mailtrapTokenPolicies,
    MailtrapTokenPolicies,
    maxLifetimePolicy,
    MaxLifetimeConfig,
    noAccountAdminPolicy,
    NoAccountAdminConfig,
    protectedInProductionPolicy,
    ProtectedInProductionConfig,
} from "./policies";
export {
    API_TOKEN_TYPE,
    API_TOKEN_TYPES,
    DEFAULT_MAX_LIFETIME_DAYS,
    DEFAULT_PRODUCTION_STACK_PATTERN,
    MailtrapTokenPolicyName,
    MailtrapTokenPolicyOptions,
    NATIVE_API_TOKEN_TYPE,
    POLICY_NAMES,
    stackOfUrn,
} from "./settings";
export { UNKNOWN_SENTINELS } from "./values";
