/**
 * JSON responses safe to embed anywhere: <, >, & and the JS line separators are \u-escaped, so
 * submitted text that contains HTML or script stays inert even if a client drops it into a page.
 */
export function safeJsonStringify(value: unknown, space?: number): string {
  return safeJsonText(JSON.stringify(value, null, space));
}

/** JSON text with <, >, & and the JS line separators \u-escaped. */
export function safeJsonText(json: string): string {
  return json
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}

export function jsonResponse(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(safeJsonStringify(value), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-content-type-options": "nosniff",
      ...headers,
    },
  });
}
