/**
 * Stands in for semver (about 29 KB) in the Lambda bundles (infra/constructs/function-bundle.ts
 * aliases it): the X-Ray SDK loads it only to check the version of the AWS SDK v2 handed to
 * `captureAWS`; Powertools Tracer traces our v3 clients with `captureAWSv3Client`, which never
 * calls it.
 */
export function gte(): never {
  throw new Error("semver is not in this bundle: the X-Ray SDK's captureAWS (AWS SDK v2) is not used");
}
