/**
 * The engine's constants and the units of time, each spelled once. This module imports nothing, so
 * every part of the package may use it: the lifecycle core, both faces (the dynamic provider and the
 * native plugin), the policy pack (a separate entry, `pulumi-mailtrap-tokens/policy`, that stays
 * light), the migration tool and the emulator.
 */

/**
 * The engine's placeholder for a value not known yet during preview. On the gRPC wire every
 * unknown travels as this string (`UnknownStringValue` in the engine's property marshalling); the
 * policy pack also meets the engine's other sentinels (see provider/policy/values.ts).
 */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The type token of the dynamic `ApiToken` (a `pulumi.dynamic.Resource`, module `mailtrap`, type `ApiToken`) in state. */
export const DYNAMIC_API_TOKEN_TYPE = "pulumi-nodejs:dynamic/mailtrap:ApiToken";

/** The type token of the native plugin's `ApiToken` (`pulumi-resource-mailtrap`), in its schema and in state. */
export const NATIVE_API_TOKEN_TYPE = "mailtrap:index:ApiToken";

/** An hour in milliseconds. */
export const HOUR_MS = 3_600_000;

/** A day in milliseconds: the unit of `expiresInDays`, `rotateAfterDays` and the policies' limits. */
export const DAY_MS = 24 * HOUR_MS;
