/**
 * The policies: each a factory taking {@link MailtrapTokenPolicyOptions} and returning a
 * `ResourceValidationPolicy` that judges `ApiToken` resources only (the dynamic resource and the
 * native plugin's, whose inputs are the same), reports one violation naming the Pulumi resource,
 * the Mailtrap token and the rule, and treats a value unknown during preview as "cannot judge yet"
 * (no violation; the same check runs again at `pulumi up`).
 */
import type {
    PolicyComplianceFramework,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
} from "@pulumi/policy";
import {
    API_TOKEN_TYPES,
    checkAllowedTokenNames,
    checkMaxLifetimeDays,
    configSchema,
    DEFAULT_MAX_LIFETIME_DAYS,
    DEFAULT_PRODUCTION_STACK_PATTERN,
    enforcementLevelOf,
    MailtrapTokenPolicyOptions,
    parseStackPattern,
    POLICY_NAMES,
    stackOfUrn,
    stackPatternText,
} from "./settings";
import { isSet, PermissionRead, read, readPermissions, show, UNKNOWN } from "./values";
import { DAY_MS } from "../constants";

const TAGS = ["mailtrap", "api-token", "credentials"];

function nist(reference: string, specification: string): PolicyComplianceFramework {
    return { name: "NIST SP 800-53", version: "Rev. 5", reference, specification };
}

/** Runs `validate` on ApiToken resources, dynamic or native; any other resource is reported as not applicable. */
function onlyApiTokens(validate: ResourceValidation): ResourceValidation {
    return (args, reportViolation) => {
        if (!API_TOKEN_TYPES.includes(args.type)) {
            args.notApplicable(`applies only to Mailtrap API tokens (${API_TOKEN_TYPES.join(", ")})`);
        }
        return validate(args, reportViolation);
    };
}

/** `ApiToken "ci" (Mailtrap token "ci-sending")`: the Pulumi resource, and the token's name when known. */
function tokenLabel(args: ResourceValidationArgs): string {
    const name = read(args.props, "name");
    return typeof name === "string" ? `ApiToken "${args.name}" (Mailtrap token ${JSON.stringify(name)})` : `ApiToken "${args.name}"`;
}

/** `resources[0]: account 3229, admin`, as the program wrote it. */
function describePermission(permission: PermissionRead): string {
    const word = (value: unknown) => (typeof value === "string" ? value : show(value));
    return `resources[${permission.index}]: ${word(permission.resourceType)} ${show(permission.resourceId)}, ${word(permission.accessLevel)}`;
}

function days(value: number): string {
    return `${Math.round(value * 10) / 10} day${value === 1 ? "" : "s"}`;
}

/** Config of `mailtrap-token-max-lifetime`. */
export interface MaxLifetimeConfig {
    maxLifetimeDays?: number;
}

/**
 * Policy 1, `mailtrap-token-max-lifetime`: every token has `rotateAfterDays` or an expiry
 * (`expiresAt` or `expiresInDays`), and at least one of them keeps its value's life within
 * `maxLifetimeDays` (default 90): `rotateAfterDays` ≤ N, `expiresInDays` ≤ N, or `expiresAt`
 * within N days of now.
 */
export function maxLifetimePolicy(options: MailtrapTokenPolicyOptions = {}): ResourceValidationPolicy {
    const defaultDays = checkMaxLifetimeDays(options.maxLifetimeDays ?? DEFAULT_MAX_LIFETIME_DAYS, "option");
    const now = options.now ?? (() => new Date());
    return {
        name: POLICY_NAMES.maxLifetime,
        displayName: "Mailtrap tokens have a bounded lifetime",
        description:
            "Every Mailtrap API token sets rotateAfterDays or an expiry (expiresAt or expiresInDays) that keeps the life of its value within maxLifetimeDays.",
        ...enforcementLevelOf(POLICY_NAMES.maxLifetime, options),
        severity: "high",
        tags: [...TAGS, "rotation"],
        framework: nist("IA-5", "Authenticator management: change or refresh authenticators within an organization-defined period."),
        remediationSteps:
            "Set rotateAfterDays (rotated by the first `pulumi up` once the value is older) or expiresInDays (an expiry Mailtrap enforces, renewed before it runs out) to at most maxLifetimeDays, or expiresAt within maxLifetimeDays of now.",
        configSchema: configSchema({
            maxLifetimeDays: {
                type: "integer",
                minimum: 1,
                default: defaultDays,
                description: "The longest a token's value may live, in days.",
            },
        }),
        validateResource: onlyApiTokens((args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const config = args.getConfig<MaxLifetimeConfig>();
            const limit = config.maxLifetimeDays === undefined ? defaultDays : checkMaxLifetimeDays(config.maxLifetimeDays, "config");
            const found: string[] = [];
            let bounded = false;
            let unknown = false;
            for (const key of ["rotateAfterDays", "expiresInDays"] as const) {
                const value = read(args.props, key);
                if (value === UNKNOWN) {
                    unknown = true;
                } else if (isSet(value)) {
                    bounded ||= typeof value === "number" && value <= limit;
                    found.push(`${key} is ${show(value)}`);
                }
            }
            const expiresAt = read(args.props, "expiresAt");
            if (expiresAt === UNKNOWN) {
                unknown = true;
            } else if (isSet(expiresAt)) {
                const at = typeof expiresAt === "string" ? Date.parse(expiresAt) : NaN;
                if (Number.isNaN(at)) {
                    found.push(`expiresAt ${show(expiresAt)} is not a date`);
                } else {
                    const daysAhead = (at - now().getTime()) / DAY_MS;
                    bounded ||= daysAhead <= limit;
                    found.push(`expiresAt is ${expiresAt} (${days(daysAhead)} from now)`);
                }
            }
            if (bounded || unknown) {
                return;
            }
            const fix = `Set rotateAfterDays or expiresInDays to at most ${limit}, or expiresAt within ${limit} days.`;
            if (found.length === 0) {
                reportViolation(
                    `${tokenLabel(args)} has neither rotateAfterDays nor an expiry (expiresAt or expiresInDays), so its value is never renewed; the limit is ${days(limit)}. ${fix}`,
                );
            } else {
                reportViolation(`${tokenLabel(args)} may live longer than the ${limit}-day limit: ${found.join(", ")}. ${fix}`);
            }
        }),
    };
}

/** Config of `mailtrap-token-no-account-admin`. */
export interface NoAccountAdminConfig {
    allowedTokenNames?: string[];
}

/**
 * Policy 2, `mailtrap-token-no-account-admin`: no token holds `admin` on the whole account (a
 * `resources` entry with `resourceType: "account"` and `accessLevel: "admin"`) unless its `name`
 * is in `allowedTokenNames` (default: none).
 */
export function noAccountAdminPolicy(options: MailtrapTokenPolicyOptions = {}): ResourceValidationPolicy {
    const defaultNames = checkAllowedTokenNames(options.accountAdminAllowedTokenNames ?? [], "option");
    return {
        name: POLICY_NAMES.noAccountAdmin,
        displayName: "No account-wide admin Mailtrap tokens",
        description: "No Mailtrap API token has admin access to the whole account, unless its name is in allowedTokenNames.",
        ...enforcementLevelOf(POLICY_NAMES.noAccountAdmin, options),
        severity: "critical",
        tags: [...TAGS, "least-privilege"],
        framework: nist("AC-6", "Least privilege: allow only the access needed for the task."),
        remediationSteps:
            "Grant admin on the projects, inboxes or sending domains the token needs instead of the account, or add the token's name to allowedTokenNames.",
        configSchema: configSchema({
            allowedTokenNames: {
                type: "array",
                items: { type: "string" },
                default: defaultNames,
                description: "Token names (the name input, exactly) that may hold admin on the whole account.",
            },
        }),
        validateResource: onlyApiTokens((args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const config = args.getConfig<NoAccountAdminConfig>();
            const allowed =
                config.allowedTokenNames === undefined ? defaultNames : checkAllowedTokenNames(config.allowedTokenNames, "config");
            const permissions = readPermissions(args.props);
            if (permissions === UNKNOWN) {
                return;
            }
            // Only entries known to be account-wide admin count; a partly unknown one cannot be judged yet.
            const accountAdmin = permissions.filter((p) => p.resourceType === "account" && p.accessLevel === "admin");
            if (accountAdmin.length === 0) {
                return;
            }
            const name = read(args.props, "name");
            if (allowed.length > 0 && name === UNKNOWN) {
                return;
            }
            if (typeof name === "string" && allowed.includes(name)) {
                return;
            }
            const configured =
                allowed.length === 0 ? "none are configured" : `configured: ${allowed.map((n) => JSON.stringify(n)).join(", ")}`;
            const addName = typeof name === "string" ? `, or add ${JSON.stringify(name)} to allowedTokenNames` : "";
            reportViolation(
                `${tokenLabel(args)} has admin access to the whole account (${accountAdmin.map(describePermission).join("; ")}); ` +
                    `only tokens named in allowedTokenNames may (${configured}). ` +
                    `Grant admin on the projects, inboxes or sending domains it needs instead${addName}.`,
            );
        }),
    };
}

/**
 * Policy 3, `mailtrap-admin-token-expires`: a token with any `admin` permission has an expiry
 * (`expiresAt` or `expiresInDays`), so a leaked admin token stops working by itself.
 */
export function adminExpiresPolicy(options: MailtrapTokenPolicyOptions = {}): ResourceValidationPolicy {
    return {
        name: POLICY_NAMES.adminExpires,
        displayName: "Admin Mailtrap tokens expire",
        description: "A Mailtrap API token with any admin permission sets an expiry (expiresAt or expiresInDays).",
        ...enforcementLevelOf(POLICY_NAMES.adminExpires, options),
        severity: "high",
        tags: [...TAGS, "least-privilege", "expiry"],
        framework: nist("AC-6", "Least privilege: privileged access lasts no longer than needed."),
        remediationSteps:
            "Set expiresInDays (every issued token expires that many days after issue and is renewed before then) or expiresAt on every token with an admin permission.",
        validateResource: onlyApiTokens((args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const permissions = readPermissions(args.props);
            if (permissions === UNKNOWN) {
                return;
            }
            const admin = permissions.filter((p) => p.accessLevel === "admin");
            if (admin.length === 0) {
                return;
            }
            const expiresAt = read(args.props, "expiresAt");
            const expiresInDays = read(args.props, "expiresInDays");
            if (expiresAt === UNKNOWN || expiresInDays === UNKNOWN || isSet(expiresAt) || isSet(expiresInDays)) {
                return;
            }
            reportViolation(
                `${tokenLabel(args)} has admin permissions (${admin.map(describePermission).join("; ")}) but never expires. ` +
                    "Set expiresInDays (renewed before it runs out) or expiresAt, so a leaked admin token stops working by itself.",
            );
        }),
    };
}

/** Config of `mailtrap-token-protected-in-production`. */
export interface ProtectedInProductionConfig {
    productionStackPattern?: string;
}

/**
 * Policy 4, `mailtrap-token-protected-in-production`: in a production stack (its name matches
 * `productionStackPattern`, default /prod/) every token has the `protect` resource option. The
 * stack comes from the resource's URN; in any other stack the policy is not applicable.
 */
export function protectedInProductionPolicy(options: MailtrapTokenPolicyOptions = {}): ResourceValidationPolicy {
    const defaultPattern = stackPatternText(options.productionStackPattern ?? DEFAULT_PRODUCTION_STACK_PATTERN);
    parseStackPattern(defaultPattern, "option");
    return {
        name: POLICY_NAMES.protectedInProduction,
        displayName: "Mailtrap tokens are protected in production",
        description:
            "In a production stack (its name matches productionStackPattern) every Mailtrap API token has the protect resource option.",
        ...enforcementLevelOf(POLICY_NAMES.protectedInProduction, options),
        severity: "medium",
        tags: [...TAGS, "production"],
        framework: nist("CM-3", "Configuration change control: deleting or replacing a production credential is a deliberate change."),
        remediationSteps:
            "Add { protect: true } to the token's resource options. To delete or replace it on purpose, remove the option first (or `pulumi state unprotect`).",
        configSchema: configSchema({
            productionStackPattern: {
                type: "string",
                minLength: 1,
                default: defaultPattern,
                description: "Regular expression matching production stack names: a source (^prod) or a literal with flags (/prod/i).",
            },
        }),
        validateResource: onlyApiTokens((args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const config = args.getConfig<ProtectedInProductionConfig>();
            const pattern =
                config.productionStackPattern === undefined
                    ? parseStackPattern(defaultPattern, "option")
                    : parseStackPattern(config.productionStackPattern, "config");
            const stack = stackOfUrn(args.urn);
            if (stack === undefined) {
                return;
            }
            if (!pattern.test(stack)) {
                args.notApplicable(`stack "${stack}" is not a production stack (production stacks match ${pattern})`);
            }
            if (args.opts?.protect === true) {
                return;
            }
            reportViolation(
                `${tokenLabel(args)} in production stack "${stack}" is not protected (production stacks match ${pattern}). ` +
                    "Set { protect: true } on it, so deleting or replacing the token its consumers depend on is refused until the protection is removed on purpose.",
            );
        }),
    };
}

/** The four policies, in order. */
export type MailtrapTokenPolicies = [
    maxLifetime: ResourceValidationPolicy,
    noAccountAdmin: ResourceValidationPolicy,
    adminExpires: ResourceValidationPolicy,
    protectedInProduction: ResourceValidationPolicy,
];

/**
 * Every policy of this package, configured by `options`, for `new PolicyPack(name, { policies })`:
 *
 * ```ts
 * import { PolicyPack } from "@pulumi/policy";
 * import { mailtrapTokenPolicies } from "pulumi-mailtrap-tokens/policy";
 *
 * new PolicyPack("mailtrap-tokens", { policies: mailtrapTokenPolicies({ maxLifetimeDays: 60 }) });
 * ```
 */
export function mailtrapTokenPolicies(options: MailtrapTokenPolicyOptions = {}): MailtrapTokenPolicies {
    return [maxLifetimePolicy(options), noAccountAdminPolicy(options), adminExpiresPolicy(options), protectedInProductionPolicy(options)];
}
