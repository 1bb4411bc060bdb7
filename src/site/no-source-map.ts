/**
 * Stands in for source-map (about 27 KB) in the Lambda bundles (infra/constructs/function-bundle.ts
 * aliases it): Handlebars' compiler loads it to map precompiled templates back to their source and,
 * finding no SourceNode, uses its own plain code builder, which is all that compiling templates at
 * run time needs.
 */
export const SourceNode = undefined;
