import { beforeAll, describe, expect, test } from "vitest";
import { resourcesOf, type SynthesisedGazette, sharedGazette } from "./helpers.js";

/**
 * Bounded consumers (issue 10): no queue consumer may scale without limit, so a 1,000-page archive
 * job or a fan-out to 10,000 sites cannot take the account's concurrency from the API.
 */

/** What the queue consumers may take together, at most: a small part of even a 100-slot account. */
const CONSUMERS_BUDGET = 50;

describe("queue consumer concurrency", () => {
  let gazette: SynthesisedGazette;
  let mappings: { id: string; functionId: string; max: number | undefined }[];
  beforeAll(() => {
    gazette = sharedGazette();
    mappings = Object.entries(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::EventSourceMapping")).map(
      ([id, m]) => ({
        id,
        functionId: (m.Properties?.FunctionName as { Ref?: string } | undefined)?.Ref ?? "",
        max: (m.Properties?.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency,
      }),
    );
  });

  test("every SQS event source has a maximum concurrency within SQS's 2–1000", () => {
    expect(mappings.length).toBeGreaterThanOrEqual(5);
    for (const m of mappings) {
      expect(m.max, m.id).toBeGreaterThanOrEqual(2);
      expect(m.max, m.id).toBeLessThanOrEqual(1000);
    }
  });

  test("the consumers together stay within their budget, leaving the account's concurrency to the API", () => {
    const total = mappings.reduce((sum, m) => sum + (m.max ?? Number.POSITIVE_INFINITY), 0);
    expect(total).toBeLessThanOrEqual(CONSUMERS_BUDGET);
  });

  test("the archive OCR consumer and the repost fan-out are each capped in single digits", () => {
    const stack = gazette.stateless;
    const idOf = (fn: { node: { defaultChild?: unknown } }) =>
      stack.resolve((fn.node.defaultChild as { logicalId: string }).logicalId) as string;
    const archive = idOf(stack.archive.consumer.function);
    const fanout = idOf(stack.reposts.fanoutFunction.function);
    for (const fn of [archive, fanout]) {
      const mapping = mappings.find((m) => m.functionId === fn);
      expect(mapping?.max, fn).toBeLessThanOrEqual(9);
    }
  });
});
