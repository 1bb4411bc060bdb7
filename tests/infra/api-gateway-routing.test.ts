import { describe, expect, test } from "vitest";
import { selectRoute } from "../support/api-gateway-routing.js";

describe("API Gateway route selection (the emulation the route tests rely on)", () => {
  // The example of the HTTP API developer guide, "Routing API requests".
  const routes = [
    "GET /pets/dog/1",
    "GET /pets/dog/{id}",
    "GET /pets/{proxy+}",
    "ANY /{proxy+}",
    "$default",
  ].map((routeKey) => ({ routeKey }));
  const select = (method: string, path: string) => selectRoute(routes, method, path)?.routeKey;

  test("a full match of path and method wins", () => {
    expect(select("GET", "/pets/dog/1")).toBe("GET /pets/dog/1");
  });

  test("a path variable matches one segment before any greedy route", () => {
    expect(select("GET", "/pets/dog/2")).toBe("GET /pets/dog/{id}");
  });

  test("the longest greedy prefix for the method wins over a shorter ANY", () => {
    expect(select("GET", "/pets/cat/1")).toBe("GET /pets/{proxy+}");
  });

  test("ANY catches the methods no route names", () => {
    expect(select("POST", "/pets/dog/1")).toBe("ANY /{proxy+}");
  });

  test("$default catches what nothing else matches; without it there is no route (404)", () => {
    expect(select("GET", "/")).toBe("$default");
    expect(selectRoute([{ routeKey: "GET /pets" }], "GET", "/cats")).toBeUndefined();
  });

  test("a greedy variable needs at least one segment", () => {
    expect(selectRoute([{ routeKey: "GET /{proxy+}" }], "GET", "/")).toBeUndefined();
  });
});
