/**
 * Merkle tree hashing and proofs as in RFC 9162 (Certificate Transparency 2.0) §2.1: leaf hash
 * SHA-256(0x00 ‖ data), node hash SHA-256(0x01 ‖ left ‖ right), the tree of n leaves split at the
 * largest power of two below n. Proof generation works on the leaf hashes; verification follows
 * the RFC's algorithms (§2.1.3.2 inclusion, §2.1.4.2 consistency) step by step.
 */
import { createHash } from "node:crypto";

export type Hash = Uint8Array;

function sha256(...parts: Uint8Array[]): Hash {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function leafHash(data: Uint8Array): Hash {
  return sha256(new Uint8Array([0]), data);
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return sha256(new Uint8Array([1]), left, right);
}

/** The largest power of two smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes; the empty tree's hash is SHA-256 of nothing. */
export function rootHash(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return nodeHash(rootHash(leaves.slice(0, k)), rootHash(leaves.slice(k)));
}

/** PATH(m, D[n]): the inclusion proof of leaf m. */
export function inclusionProof(index: number, leaves: readonly Hash[]): Hash[] {
  if (index < 0 || index >= leaves.length)
    throw new RangeError(`No leaf ${index} in a tree of ${leaves.length}`);
  if (leaves.length === 1) return [];
  const k = split(leaves.length);
  return index < k
    ? [...inclusionProof(index, leaves.slice(0, k)), rootHash(leaves.slice(k))]
    : [...inclusionProof(index - k, leaves.slice(k)), rootHash(leaves.slice(0, k))];
}

/** PROOF(m, D[n]): the consistency proof between the first m leaves and all n. */
export function consistencyProof(m: number, leaves: readonly Hash[]): Hash[] {
  if (m < 1 || m > leaves.length) throw new RangeError(`No consistency proof from ${m} to ${leaves.length}`);
  return subproof(m, leaves, true);
}

function subproof(m: number, leaves: readonly Hash[], complete: boolean): Hash[] {
  const n = leaves.length;
  if (m === n) return complete ? [] : [rootHash(leaves)];
  const k = split(n);
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), complete), rootHash(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), rootHash(leaves.slice(0, k))];
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, n) => x === b[n]);
}

/** RFC 9162 §2.1.3.2: whether `proof` shows leaf `leaf` at `index` in the tree of `size` with `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>>= 1;
    sn >>>= 1;
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 §2.1.4.2: whether `proof` shows the tree (size2, root2) extends (size1, root1). */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Hash,
  root2: Hash,
  proof: readonly Hash[],
): boolean {
  if (size1 < 1 || size2 < size1) return false;
  if (size1 === size2) return proof.length === 0 && equal(root1, root2);
  let path = [...proof];
  if (isPowerOfTwo(size1)) path = [root1, ...path];
  if (path.length === 0) return false;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn >>>= 1;
    sn >>>= 1;
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>>= 1;
    sn >>>= 1;
  }
  return equal(fr, root1) && equal(sr, root2) && sn === 0;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}
