import { Hono, type MiddlewareHandler } from "hono";
import { createEditionsRoutes } from "../../src/editions/http.js";
import { editionSettingsFrom } from "../../src/editions/model.js";
import type { RenderEdition, RenderedArtifact } from "../../src/editions/publish.js";
import { EditionService, type EditionServiceOptions } from "../../src/editions/service.js";
import { requireEditor as requireEditorOf } from "../../src/http/app.js";
import { errorResponse } from "../../src/http/errors.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import type { Platform } from "../../src/platform/ports.js";
import { type FaultyPlatform, faultyPlatform } from "../support/faults.js";
import { createTestApp, EDITOR_TOKEN, type TestApp } from "../support/local-app.js";

/**
 * A deterministic stand-in for the PDF and web renderers: one edition PDF, page and canonical
 * text, and a PDF and page per entry (documents and 解读), whose bytes depend only on the input.
 */
export const fakeRender: RenderEdition = async (input) => {
  const { year, issue } = input.edition;
  const entries = input.sections.flatMap((s) => s.documents.map((d) => ({ section: s.name, doc: d })));
  const text = (value: string) => new TextEncoder().encode(value);
  const artifacts: RenderedArtifact[] = [
    {
      key: `editions/${year}/${issue}.pdf`,
      bytes: text(`%PDF-fake ${JSON.stringify(input)}`),
      contentType: "application/pdf",
      authentic: true,
      role: "edition-pdf",
    },
    {
      key: `editions/${year}/${issue}.txt`,
      bytes: text(entries.map((e) => `${e.section}\t${e.doc.title}`).join("\n")),
      contentType: "text/plain; charset=utf-8",
      authentic: true,
    },
    {
      key: `editions/${year}/${issue}.html`,
      bytes: text(`<h1>${input.masthead.name} ${year}年第${issue}期</h1>`),
      contentType: "text/html; charset=utf-8",
      authentic: false,
      role: "edition-web",
    },
  ];
  for (const { doc } of entries) {
    artifacts.push(
      {
        key: `documents/${doc.id}.pdf`,
        bytes: text(`%PDF-fake ${doc.id} ${doc.title}`),
        contentType: "application/pdf",
        authentic: true,
        role: "document-pdf",
        documentId: doc.id,
      },
      {
        key: `documents/${doc.id}.html`,
        bytes: text(`<h1>${doc.title}</h1>`),
        contentType: "text/html; charset=utf-8",
        authentic: false,
        role: "document-web",
        documentId: doc.id,
      },
    );
  }
  return {
    artifacts,
    pageCount: entries.length * 2,
    placements: entries.map((e, n) => ({ id: e.doc.id, firstPage: 2 * n + 1, lastPage: 2 * n + 2 })),
  };
};

/** Fixed time: the same publication gives byte-identical manifests. */
export const T0 = Date.UTC(2025, 2, 1, 2, 0, 0);

export interface EditionsTestApp extends TestApp {
  readonly clock: ManualClock;
  readonly editions: EditionService;
  /** The editions routes mounted as createApp will mount them. */
  api(path: string, init?: RequestInit & { editor?: boolean; json?: unknown }): Promise<Response>;
  /** A service on another platform view of the same store (crash injection). */
  serviceOn(platform: Platform, render?: RenderEdition): EditionService;
  submit(body: Record<string, unknown>): Promise<{ id: string; interpretations: { id: string }[] }>;
}

export function createEditionsTestApp(
  options: {
    render?: RenderEdition;
    service?: Partial<EditionServiceOptions>;
    /** Mount the routes as in AWS: publication through the publishing queue. */
    queuePublication?: boolean;
  } = {},
): EditionsTestApp {
  const clock = new ManualClock(T0);
  const base = createTestApp({ clock });
  const settings = editionSettingsFrom(base.container.config.gazette);
  const serviceOn = (platform: Platform, render = options.render ?? fakeRender) =>
    new EditionService({ platform, settings, render, ...options.service });
  const editions = serviceOn(base.container.platform);
  const requireEditor = requireEditorOf(base.container.auth) as MiddlewareHandler;
  const app = new Hono();
  app.onError((error) => errorResponse(error));
  app.route(
    "/",
    createEditionsRoutes({ editions, requireEditor, queuePublication: options.queuePublication }),
  );
  return {
    ...base,
    clock,
    editions,
    serviceOn,
    api(path, init = {}) {
      const { editor = true, json, headers, ...rest } = init;
      const h = new Headers(headers);
      if (editor) h.set("authorization", `Bearer ${EDITOR_TOKEN}`);
      if (json !== undefined) h.set("content-type", "application/json");
      return Promise.resolve(
        app.fetch(
          new Request(`http://localhost${path}`, {
            ...rest,
            headers: h,
            ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
          }),
        ),
      );
    },
    async submit(body) {
      const res = await base.postJson(body);
      if (res.status !== 201) throw new Error(`submission failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; interpretations: { id: string }[] };
    },
  };
}

export type ErrorBody = {
  error:
    | { code: string; field: string | null; message: string }
    | { code: string; field: string | null; message: string }[];
};

export async function problemsOf(res: Response) {
  const body = (await res.json()) as ErrorBody;
  return Array.isArray(body.error) ? body.error : [body.error];
}

/** Every message on a queue right now (received, so invisible for a while afterwards). */
export async function drain(platform: Platform, queue: string): Promise<unknown[]> {
  const bodies: unknown[] = [];
  for (;;) {
    const batch = await platform.queues.receive(queue, { maxMessages: 10 });
    if (batch.length === 0) return bodies;
    for (const m of batch) bodies.push(JSON.parse(m.body));
  }
}

/** The platform, with every write after the first `writes` failing as a crash would. */
export function crashAfter(platform: Platform, writes: number): FaultyPlatform {
  const faulty = faultyPlatform(platform);
  faulty.arm(writes);
  return faulty;
}
