import { describe, expect, it } from "vitest";
import * as archive from "../../src/archive/errors.js";
import * as documents from "../../src/documents/errors.js";
import * as editions from "../../src/editions/errors.js";
import { errorResponse, STATUS } from "../../src/http/errors.js";
import {
  ConflictError,
  ForbiddenError,
  InvalidCursorError,
  NotFoundError,
  type ProblemError,
  RefusedError,
  StorageRequestError,
  StorageUnavailableError,
  TooLargeError,
  UnauthorisedError,
  UnavailableError,
  UnsupportedError,
  ValidationError,
} from "../../src/platform/errors.js";
import * as reposts from "../../src/reposts/errors.js";
import * as search from "../../src/search/errors.js";

/**
 * Errors become HTTP responses in one place (src/http/errors.ts) from the base kinds of
 * src/platform/errors.ts; every module's errors extend a base kind, never another module's.
 */

const BASE_KINDS = [
  [ValidationError, 400],
  [UnauthorisedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [TooLargeError, 413],
  [UnsupportedError, 415],
  [RefusedError, 422],
  [UnavailableError, 503],
] as const;

const aProblem = { code: "some_reason", field: "some.field", message: "what is wrong" };

/** Every error class here takes (message, problems); DuplicateDocumentError also an existing id. */
// biome-ignore lint/suspicious/noExplicitAny: the constructors differ in their third parameter
type ErrorClass = new (message: string, problems: readonly (typeof aProblem)[], third?: any) => ProblemError;

/** Each module's errors and the base kind (so the status) each must have. */
const MODULE_ERRORS: readonly [string, ErrorClass, ErrorClass][] = [
  ["InvalidDocumentError", documents.InvalidDocumentError, ValidationError],
  ["DocumentRefusedError", documents.DocumentRefusedError, RefusedError],
  ["DuplicateDocumentError", documents.DuplicateDocumentError, ConflictError],
  ["IdempotencyConflictError", documents.IdempotencyConflictError, ConflictError],
  ["DocumentNotFoundError", documents.DocumentNotFoundError, NotFoundError],
  ["PayloadTooLargeError", documents.PayloadTooLargeError, TooLargeError],
  ["UnsupportedMediaError", documents.UnsupportedMediaError, UnsupportedError],
  ["InvalidEditionRequestError", editions.InvalidEditionRequestError, ValidationError],
  ["PlacementRefusedError", editions.PlacementRefusedError, RefusedError],
  ["DocumentAlreadyPlacedError", editions.DocumentAlreadyPlacedError, ConflictError],
  ["EditionConflictError", editions.EditionConflictError, ConflictError],
  ["EditionNotFoundError", editions.EditionNotFoundError, NotFoundError],
  ["InvalidRepostRequestError", reposts.InvalidRepostRequestError, ValidationError],
  ["RepostRefusedError", reposts.RepostRefusedError, RefusedError],
  ["RepostConflictError", reposts.RepostConflictError, ConflictError],
  ["SiteNotFoundError", reposts.SiteNotFoundError, NotFoundError],
  ["NoticeNotFoundError", reposts.NoticeNotFoundError, NotFoundError],
  ["NoticeForbiddenError", reposts.NoticeForbiddenError, ForbiddenError],
  ["InvalidArchiveRequestError", archive.InvalidArchiveRequestError, ValidationError],
  ["UnreadableScanError", archive.UnreadableScanError, RefusedError],
  ["ScanTooLargeError", archive.ScanTooLargeError, TooLargeError],
  ["UnsupportedScanError", archive.UnsupportedScanError, UnsupportedError],
  ["ArchiveConflictError", archive.ArchiveConflictError, ConflictError],
  ["ArchiveNotFoundError", archive.ArchiveNotFoundError, NotFoundError],
];

const statusOf = (kind: ErrorClass) => BASE_KINDS.find(([k]) => k === kind)![1];

describe("the mapping of errors to HTTP statuses", () => {
  it.each(BASE_KINDS)("answers %o with its status and its problem as the body", async (Kind, status) => {
    // Act
    const res = errorResponse(new Kind("refused", [aProblem]));

    // Assess
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: aProblem });
  });

  it("has one status per kind, each a distinct 4xx or 503", () => {
    // Assess
    const statuses = Object.values(STATUS);
    expect(new Set(statuses).size).toBe(statuses.length);
    expect(BASE_KINDS.map(([Kind]) => STATUS[new Kind([aProblem]).kind])).toEqual(
      BASE_KINDS.map(([, s]) => s),
    );
  });

  it("lists several problems as an array", async () => {
    // Prepare
    const second = { code: "required", field: "other", message: "other is required" };

    // Act
    const res = errorResponse(new ValidationError([aProblem, second]));

    // Assess
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: [aProblem, second] });
  });

  it("says when to retry a 503, and logs it", async () => {
    // Prepare
    const logged: unknown[] = [];
    const error = new search.SearchUnavailableError("cluster unreachable");

    // Act
    const res = errorResponse(error, (e) => logged.push(e));

    // Assess
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.json()).toEqual({
      error: { code: "unavailable", field: null, message: "Search is temporarily unavailable; retry" },
    });
    expect(logged).toEqual([error]);
  });

  it("answers the storage errors a request can cause as the kind they amount to", async () => {
    // Act
    const cursor = errorResponse(new InvalidCursorError("bad cursor"));
    const rejected = errorResponse(new StorageRequestError("key too long"));
    const outage = errorResponse(new StorageUnavailableError("down"));

    // Assess
    expect([cursor.status, rejected.status, outage.status]).toEqual([400, 400, 503]);
    expect((await cursor.json()).error).toMatchObject({ code: "invalid", field: "cursor" });
    expect((await rejected.json()).error).toMatchObject({ code: "storage_rejected", field: null });
    expect(outage.headers.get("retry-after")).toBe("5");
  });

  it("answers anything else 500 without its message, and logs it", async () => {
    // Prepare
    const logged: unknown[] = [];

    // Act
    const res = errorResponse(new Error("secret detail"), (e) => logged.push(e));

    // Assess
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.code).toBe("internal");
    expect(JSON.stringify(body)).not.toContain("secret detail");
    expect(logged).toHaveLength(1);
  });
});

describe("each module's errors", () => {
  it.each(MODULE_ERRORS)("%s is a base kind and answers its status", async (_name, ModuleError, Kind) => {
    // Act
    const error = new ModuleError("refused", [aProblem], undefined);
    const res = errorResponse(error);

    // Assess
    expect(error).toBeInstanceOf(Kind);
    expect(res.status).toBe(statusOf(Kind));
    expect(await res.json()).toEqual({ error: aProblem });
  });

  it.each(MODULE_ERRORS.filter(([name]) => !Object.keys(documents).includes(name)))(
    "%s inherits none of the documents module's errors",
    (_name, ModuleError) => {
      // Act
      const error = new ModuleError("refused", [aProblem], undefined);

      // Assess
      for (const DocumentsError of Object.values(documents)) {
        if (typeof DocumentsError === "function" && DocumentsError.prototype instanceof Error)
          expect(error).not.toBeInstanceOf(DocumentsError);
      }
    },
  );

  it("names each error after its class", () => {
    // Assess
    for (const [name, ModuleError] of MODULE_ERRORS)
      expect(new ModuleError("refused", [aProblem], undefined).name).toBe(name);
  });
});
