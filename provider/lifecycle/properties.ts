/**
 * The outputs of an ApiToken that are not inputs echoed: both faces declare them, the dynamic
 * `ApiToken` class (apiToken.ts) and the native schema (native/schema.ts), and `stateFor`
 * (tokenState.ts) records each of them.
 */
export const OUTPUT_NAMES = [
    "tokenId",
    "token",
    "last4Digits",
    "createdBy",
    "issuedAt",
    "valueExpiresAt",
    "issuedExpiresAt",
    "issuedResources",
    "tokenGone",
    "previousTokens",
    "previousTokenId",
    "previousTokenExpiresAt",
    "previousTokenRetiredBy",
    "rotationCount",
    "nextRotationAt",
    "rotationHistory",
    "stateVersion",
] as const;
