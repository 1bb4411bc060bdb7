import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { type ApiFunction, lambdaOf, type RouteDeclaration } from "../../src/http/route-declaration.js";
import { HTTP_SURFACE } from "../../src/http/surface.js";
import { selectRoute } from "../support/api-gateway-routing.js";
import { resourcesOf, type SynthesisedGazette, synthGazette } from "./helpers.js";

/**
 * The declared HTTP surface against the API Gateway routes of the synthesised template: a request
 * to each declared route is routed as API Gateway would route it, and the selected route must carry
 * the editor authoriser (editor routes) or none (public pages and API, site-token routes).
 */

interface TemplateRoute {
  readonly routeKey: string;
  readonly authorizationType: string;
  /** POWERTOOLS_SERVICE_NAME of the function the route's integration invokes. */
  readonly service: string;
}

/** The service name of each function behind the API (infra/stacks/gazette-stateless-stack.ts). */
const SERVICE_OF: Record<ApiFunction, string> = {
  api: "gazette-api",
  console: "gazette-api-console",
  documents: "gazette-api-documents",
  preview: "gazette-api-preview",
  verify: "gazette-api-verify",
  archive: "gazette-api-archive",
  reposts: "gazette-api-reposts",
};

function templateRoutes(gazette: SynthesisedGazette): TemplateRoute[] {
  const template = gazette.statelessTemplate;
  const integrations = resourcesOf(template, "AWS::ApiGatewayV2::Integration");
  const functions = resourcesOf(template, "AWS::Lambda::Function");
  const serviceOf = (target: unknown) => {
    const integration = JSON.stringify(target).match(/"Ref":"([^"]+)"/)?.[1] ?? "";
    const uri = JSON.stringify(integrations[integration]?.Properties?.IntegrationUri);
    const fn = uri?.match(/"Fn::GetAtt":\["([^"]+)"/)?.[1] ?? "";
    const variables = (functions[fn]?.Properties?.Environment as { Variables?: Record<string, string> })
      ?.Variables;
    return variables?.POWERTOOLS_SERVICE_NAME ?? "(none)";
  };
  return Object.values(resourcesOf(template, "AWS::ApiGatewayV2::Route")).map((r) => ({
    routeKey: r.Properties?.RouteKey as string,
    authorizationType: (r.Properties?.AuthorizationType as string | undefined) ?? "NONE",
    service: serviceOf(r.Properties?.Target),
  }));
}

/** A path segment a client could send for a path parameter (ids, notice ids, file names, tokens). */
const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,39}$/);

/** A concrete request path for a declared path: `{name}` → one segment, `{name+}` → one or more. */
function requestPath(declared: string, values: readonly string[]): string {
  let i = 0;
  const next = () => values[i++ % values.length]!;
  return declared.replace(/\{[^}]+\+\}/g, () => `${next()}/${next()}`).replace(/\{[^}]+\}/g, () => next());
}

const deployed = HTTP_SURFACE.filter((r) => r.only !== "embedded");
const describeRoute = (r: RouteDeclaration) => `${r.method} ${r.path} (${r.access})`;

/** The editor reads the CLI polls, which once fell to the public GET /{proxy+} (issue 10). */
const EDITOR_READS_ONCE_PUBLIC = [
  "/api/editions",
  "/api/editions/01J0EDITION0000000000000000",
  "/api/archive/jobs/01J0JOB000000000000000000",
  "/api/archive/items",
  "/api/archive/items/01J0ITEM00000000000000000",
];

for (const [mode, context, editorAuthorisation] of [
  ["IAM (default)", {}, "AWS_IAM"],
  ["JWT", { jwtIssuer: "https://issuer.example.gov.cn", jwtAudience: "editor-cli" }, "JWT"],
] as const) {
  describe(`API Gateway routing of the declared HTTP surface, ${mode}`, () => {
    let routes: TemplateRoute[];
    beforeAll(() => {
      routes = templateRoutes(synthGazette({ context }));
    });

    test("every declared editor route reaches a route with the editor authoriser, whatever its path parameters", () => {
      // Prepare
      const editorRoutes = deployed.filter((r) => r.access === "editor");
      expect(editorRoutes.length).toBeGreaterThan(20);

      fc.assert(
        fc.property(fc.array(segment, { minLength: 1, maxLength: 3 }), (values) => {
          for (const declared of editorRoutes) {
            // Act
            const selected = selectRoute(routes, declared.method, requestPath(declared.path, values));

            // Assess
            expect(selected?.authorizationType, describeRoute(declared)).toBe(editorAuthorisation);
          }
        }),
        { numRuns: 50 },
      );
    });

    test("every declared public or site-token route reaches a route without an authoriser", () => {
      // Prepare
      const openRoutes = deployed.filter(
        (r) =>
          r.access === "public" || r.access === "site" || r.access === "portal" || r.access === "submitter",
      );

      fc.assert(
        fc.property(fc.array(segment, { minLength: 1, maxLength: 3 }), (values) => {
          for (const declared of openRoutes) {
            // Act
            const selected = selectRoute(routes, declared.method, requestPath(declared.path, values));

            // Assess
            expect(selected, describeRoute(declared)).toBeDefined();
            expect(selected?.authorizationType, describeRoute(declared)).toBe("NONE");
          }
        }),
        { numRuns: 50 },
      );
    });

    test("every declared route reaches the function declared for it, whatever its path parameters", () => {
      // Prepare
      expect(new Set(deployed.map(lambdaOf))).toEqual(new Set(Object.keys(SERVICE_OF)));

      fc.assert(
        fc.property(fc.array(segment, { minLength: 1, maxLength: 3 }), (values) => {
          for (const declared of deployed) {
            // Act
            const selected = selectRoute(routes, declared.method, requestPath(declared.path, values));

            // Assess
            expect(selected?.service, describeRoute(declared)).toBe(SERVICE_OF[lambdaOf(declared)]);
          }
        }),
        { numRuns: 30 },
      );
    });

    test("a submitter's sending, which may carry a .docx, reaches the documents function (it has the .docx reader), the submitter's pages the console function", () => {
      // Act
      const send = selectRoute(routes, "POST", "/console/body/submissions");
      const again = selectRoute(routes, "POST", "/console/body/submissions/01J0SUBMISSION000000000000");
      const form = selectRoute(routes, "GET", "/console/body/submissions/new");
      const page = selectRoute(routes, "GET", "/console/body/submissions/01J0SUBMISSION000000000000");

      // Assess
      expect(send?.service).toBe("gazette-api-documents");
      expect(again?.service).toBe("gazette-api-documents");
      expect(form?.service).toBe("gazette-api-console");
      expect(page?.service).toBe("gazette-api-console");
      expect(send?.authorizationType).toBe(form?.authorizationType);
    });

    test("accepting a submission, which may carry a .docx, reaches the documents function (it has the .docx reader), the desk's pages the console function, the API's return the api function", () => {
      // Act
      const consoleAccept = selectRoute(
        routes,
        "POST",
        "/console/submissions/01J0SUBMISSION000000000000/accept",
      );
      const apiAccept = selectRoute(routes, "POST", "/api/submissions/01J0SUBMISSION000000000000/accept");
      const deskPage = selectRoute(routes, "GET", "/console/submissions/01J0SUBMISSION000000000000");
      const returned = selectRoute(routes, "POST", "/console/submissions/01J0SUBMISSION000000000000/return");
      const apiReturn = selectRoute(routes, "POST", "/api/submissions/01J0SUBMISSION000000000000/return");

      // Assess
      expect(consoleAccept?.service).toBe("gazette-api-documents");
      expect(apiAccept?.service).toBe("gazette-api-documents");
      expect(deskPage?.service).toBe("gazette-api-console");
      expect(returned?.service).toBe("gazette-api-console");
      expect(apiReturn?.service).toBe("gazette-api");
      expect(consoleAccept?.authorizationType).toBe(deskPage?.authorizationType);
      expect(apiAccept?.authorizationType).toBe(apiReturn?.authorizationType);
    });

    test("a body's register import (CSV, csv-parse) reaches the console function with the console's own import, the register's read and the rest of the body's API the api function; the console's open pages the console function", () => {
      // Act
      const apiImport = selectRoute(routes, "POST", "/api/bodies/sc-bgt/register");
      const consoleImport = selectRoute(routes, "POST", "/console/body/register/import");
      const read = selectRoute(routes, "GET", "/api/bodies/sc-bgt/register");
      const submissions = selectRoute(routes, "POST", "/api/bodies/sc-bgt/submissions");
      const signIn = selectRoute(routes, "GET", "/console/sign-in");
      const undeclared = selectRoute(routes, "GET", "/console/nothing-here");

      // Assess
      expect(apiImport?.service).toBe("gazette-api-console");
      expect(apiImport?.authorizationType).toBe(read?.authorizationType);
      expect(consoleImport?.service).toBe("gazette-api-console");
      expect(read?.service).toBe("gazette-api");
      expect(submissions?.service).toBe("gazette-api");
      expect(signIn?.service).toBe("gazette-api-console");
      expect(undeclared?.service).toBe("gazette-api-console");
    });

    test("the editions and archive reads the CLI polls are authorised, not served by the public GET /{proxy+}", () => {
      for (const path of EDITOR_READS_ONCE_PUBLIC) {
        // Act
        const selected = selectRoute(routes, "GET", path);

        // Assess
        expect(selected?.routeKey, path).not.toBe("GET /{proxy+}");
        expect(selected?.authorizationType, path).toBe(editorAuthorisation);
      }
    });

    test("an /api path nobody declared is closed for every method", () => {
      fc.assert(
        fc.property(
          fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
          fc.array(segment, { minLength: 1, maxLength: 4 }),
          (method, rest) => {
            // Prepare
            const path = `/api/undeclared-${rest.join("/")}`;

            // Act
            const selected = selectRoute(routes, method, path);

            // Assess
            expect(selected?.authorizationType, `${method} ${path}`).toBe(editorAuthorisation);
          },
        ),
        { numRuns: 100 },
      );
    });

    test("the only routes without an authoriser are declared public reads, read-only public POSTs and site-token routes", () => {
      // Prepare
      const open = routes.filter((r) => r.authorizationType === "NONE").map((r) => r.routeKey);
      const declaredOpen = new Set(
        deployed
          .filter(
            (r) =>
              r.access === "public" ||
              r.access === "site" ||
              r.access === "portal" ||
              r.access === "submitter",
          )
          // API Gateway routes /portal/ as /portal.
          .map((r) => `${r.method} ${r.path.length > 1 ? r.path.replace(/\/+$/, "") : r.path}`),
      );

      // Act
      const undeclared = open.filter((key) => !declaredOpen.has(key) && key !== "GET /{proxy+}");

      // Assess
      expect(undeclared).toEqual([]);
      expect(open.filter((key) => !key.startsWith("GET ")).sort()).toEqual(
        deployed
          .filter(
            (r) =>
              (r.access === "site" ||
                r.access === "portal" ||
                r.access === "submitter" ||
                (r.access === "public" && r.readOnly)) &&
              r.method !== "GET",
          )
          .map((r) => `${r.method} ${r.path}`)
          .sort(),
      );
      // The one read-only public POST: verification reads its body and writes nothing.
      expect(deployed.filter((r) => r.readOnly).map((r) => `${r.method} ${r.path}`)).toEqual([
        "POST /api/verify",
      ]);
    });
  });
}
