/**
 * Stands in for bowser (a browser user-agent parser, about 34 KB) in the Lambda bundles
 * (infra/constructs/function-bundle.ts aliases it): the AWS SDK imports it only from its browser
 * user-agent provider, which Node never calls.
 */
export function parse(): never {
  throw new Error("bowser is not in this bundle: the AWS SDK parses a browser's user agent only in browsers");
}
