/**
 * 受理 through the API: POST /api/submissions/{id}/accept (editors). Accepting hands the
 * submission to intake, which reads a submission sent as a .docx, so in AWS the documents function
 * serves it (src/submitters/openapi.ts `lambda`) with this module alone, not the rest of the
 * submitters' API (./http.ts registers it too, for the local server and tests).
 */
import { Hono, type MiddlewareHandler } from "hono";
import type { Principal } from "../http/auth.js";
import { jsonResponse } from "../http/json.js";
import type { SubmissionDesk } from "./submissions.js";

type AcceptEnv = { Variables: { principal: Principal } };

export function createSubmissionAcceptRoutes(deps: {
  readonly desk: Pick<SubmissionDesk, "accept">;
  readonly requireEditor: MiddlewareHandler;
}): Hono<AcceptEnv> {
  const app = new Hono<AcceptEnv>();
  app.post("/api/submissions/:id/accept", deps.requireEditor, async (c) =>
    jsonResponse(await deps.desk.accept(c.req.param("id"), c.get("principal").id)),
  );
  return app;
}
