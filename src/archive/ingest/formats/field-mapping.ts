/**
 * The schema of a JSON field mapping's override (a text import's `fields`, or
 * GAZETTE_ARCHIVE_JSON_FIELDS), apart from the JSON reader (./json.ts) so that the archive's
 * request model (../../model.ts) validates it without importing the readers and their HTML parser.
 */
import * as z from "../../../platform/zod-mini.js";

const names = z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.maxLength(50));

/** A partial mapping as a request or the environment gives it: its names come first. */
export const fieldMappingSchema = z.partial(
  z.strictObject({
    title: names,
    docNumber: names,
    issuers: names,
    kind: names,
    body: names,
    history: names,
    url: names,
    dates: z.record(
      z.string().check(z.minLength(1), z.maxLength(100)),
      z.enum(["written", "published", "amended", "adopted", "effective"]),
    ),
    articleNumber: names,
    articleText: names,
  }),
);

export type FieldMappingOverride = z.infer<typeof fieldMappingSchema>;
