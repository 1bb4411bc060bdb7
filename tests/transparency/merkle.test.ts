import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from "../../src/transparency/merkle.js";

/** RFC 9162 §2.1: hashing, inclusion and consistency proofs, and that a changed tree fails them. */
const leavesOf = (n: number) =>
  Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`entry ${i}`)));

describe("the log's Merkle tree (RFC 9162)", () => {
  it("hashes leaves and nodes with the RFC's domain separation", () => {
    const [a, b, c] = leavesOf(3);
    expect(rootHash([a!])).toEqual(a);
    expect(rootHash([a!, b!])).toEqual(nodeHash(a!, b!));
    expect(rootHash([a!, b!, c!])).toEqual(nodeHash(nodeHash(a!, b!), c!));
    // The empty tree is SHA-256 of the empty string.
    expect(Buffer.from(rootHash([])).toString("hex")).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("proves every leaf's inclusion, and refuses a proof for another leaf or root", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), (n, pick) => {
        const leaves = leavesOf(n);
        const index = pick % n;
        const root = rootHash(leaves);
        const proof = inclusionProof(index, leaves);
        expect(verifyInclusion(index, n, leaves[index]!, proof, root)).toBe(true);
        const other = leafHash(new TextEncoder().encode("not in the log"));
        expect(verifyInclusion(index, n, other, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion((index + 1) % n, n, leaves[index]!, proof, root)).toBe(false);
      }),
    );
  });

  it("proves that a tree extends each of its prefixes, and refuses a rewritten one", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 0, max: 70 }),
        fc.nat(),
        (m, extra, at) => {
          const leaves = leavesOf(m + extra);
          const n = m + extra;
          const proof = consistencyProof(m, leaves);
          const oldRoot = rootHash(leaves.slice(0, m));
          expect(verifyConsistency(m, n, oldRoot, rootHash(leaves), proof)).toBe(true);
          // A fork: one of the first m entries rewritten in the newer tree.
          const forked = leaves.slice();
          forked[at % m] = leafHash(new TextEncoder().encode("rewritten"));
          const forkedProof = consistencyProof(m, forked);
          expect(verifyConsistency(m, n, oldRoot, rootHash(forked), forkedProof)).toBe(false);
        },
      ),
    );
  });
});
