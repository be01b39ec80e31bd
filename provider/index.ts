export { ApiToken, ApiTokenArgs, ApiTokenPermissionArgs } from "./apiToken";
export { getApiTokens, GetApiTokensArgs } from "./getApiTokens";
export { AccessLevel, ApiTokenInfo, ApiTokenPermission, ResourceType, RotationCauseName, RotationRecord } from "./types";
export { MailtrapApiError } from "./client/errors";
