import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeJsonStringify, safeJsonText } from "../../src/http/json.js";

/** Text that may carry the characters a page or a script would read as markup or line ends. */
const riskyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom("<", ">", "&", "\u2028", "\u2029", "/", '"', "\\", "政", "府"),
    fc.string({ unit: "grapheme", maxLength: 1 }),
  ),
});

describe("JSON answers safe to embed in a page", () => {
  it("escapes <, >, & and the line separators so none is left raw, and reads back the same", () => {
    fc.assert(
      fc.property(fc.oneof(riskyText, fc.dictionary(riskyText, riskyText)), (value) => {
        // Act
        const json = safeJsonStringify(value);
        // Assess
        expect(json).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(json)).toEqual(value);
      }),
    );
  });

  it("gives back plain JSON unchanged when it holds nothing to escape", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const plain = JSON.stringify(value);
        fc.pre(!/[<>&\u2028\u2029]/.test(plain));
        expect(safeJsonText(plain)).toBe(plain);
      }),
    );
  });

  it("escapes a script close tag in a document title", () => {
    // Prepare
    const title = "关于印发</script><script>alert(1)</script>的通知 & 附件\u2028";
    // Act
    const json = safeJsonStringify({ title });
    // Assess
    expect(json).toBe(
      '{"title":"关于印发\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e的通知 \\u0026 附件\\u2028"}',
    );
  });
});
