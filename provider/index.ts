export { ApiToken, ApiTokenArgs, ApiTokenPermissionArgs } from "./apiToken";
export { getApiTokens, GetApiTokensArgs, getApiTokensOutput, GetApiTokensOutputArgs, GetApiTokensOutputOptions } from "./getApiTokens";
export { AccessLevel, ApiTokenInfo, ApiTokenPermission, ResourceType, RotationCauseName, RotationRecord } from "./types";
export { MailtrapApiError } from "./client/errors";
