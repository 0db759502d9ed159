/**
 * AWS provider settings that let `terraform plan` run without AWS credentials or any AWS API call
 * (OFFLINE_PLAN=1). Plans made with them are for review only: never apply one.
 */
export const OFFLINE_PROVIDER_SETTINGS = {
  accessKey: "offline-plan",
  secretKey: "offline-plan",
  skipCredentialsValidation: true,
  skipRequestingAccountId: true,
  skipMetadataApiCheck: "true",
  skipRegionValidation: true,
} as const;
