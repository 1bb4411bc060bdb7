import { beforeAll, describe, expect, test } from "vitest";
import type { QueueWithDlq } from "../../infra/constructs/queue-with-dlq.js";
import {
  asArray,
  type CfnResource,
  type PolicyStatementJson,
  policyStatements,
  propOf,
  refOf,
  resourcesOf,
  type SynthesisedGazette,
  sharedGazette,
} from "./helpers.js";

/**
 * Each function role's effective permissions on the synthesised templates (inline policies plus
 * the managed policies it attaches from the stateful stack), written as "action resource" with
 * resources named: blob:<key pattern>, site:<key pattern>, table, table/index/gsi1, queue:<name>.
 * The expected lists below are what each function's code calls (infra/constructs/access.ts says
 * where in the code); the event-source consume actions are what Lambda's SQS poller needs.
 */
let gazette: SynthesisedGazette;
let names: Map<string, string>;

beforeAll(() => {
  gazette = sharedGazette();
  names = new Map();
  const { stateful, stateless } = gazette;
  const idOf = refOf;
  names.set(idOf(stateful, stateful.data.blobBucket.bucketName), "blob");
  names.set(idOf(stateful, stateful.data.stagingBucket.bucketName), "staging");
  names.set(idOf(stateful, stateful.data.siteBucket.bucketName), "site");
  names.set(idOf(stateful, stateful.data.table.tableName), "table");
  const queues: QueueWithDlq[] = [
    stateless.eventsQueue,
    stateless.publishingQueue,
    stateless.archiveQueue,
    stateless.repostQueues.fanout,
    stateless.repostQueues.delivery,
  ];
  for (const q of queues) {
    names.set(idOf(stateless, q.queue.queueName), `queue:${q.logicalName}`);
    names.set(idOf(stateless, q.deadLetterQueue.queueName), `queue:${q.logicalName}-dlq`);
  }
  names.set(idOf(stateless, stateless.reposts.tickDeadLetterQueue.queueName), "queue:repost-tick-failures");
  names.set(idOf(stateless, stateless.migrations.deadLetterQueue.queueName), "queue:migrate-failures");
});

/** "blob:documents/*", "table/index/gsi1", "queue:events", or the raw JSON when not one of ours. */
function nameOf(resource: unknown): string {
  const flat = (part: unknown): string => {
    if (typeof part === "string") return part;
    const ref = (part as { Ref?: string }).Ref ?? (part as { "Fn::GetAtt"?: [string] })["Fn::GetAtt"]?.[0];
    if (ref && names.has(ref)) return `<${names.get(ref)}>`;
    const join = (part as { "Fn::Join"?: [string, unknown[]] })["Fn::Join"];
    if (join) return join[1].map(flat).join(join[0]);
    return JSON.stringify(part);
  };
  const text = flat(resource);
  const m = /^<([\w:-]+)>(?:\/(.*))?$/.exec(text);
  if (!m) return text;
  if (m[1] === "table") return m[2] ? `table/${m[2]}` : "table";
  return m[2] ? `${m[1]}:${m[2]}` : m[1]!;
}

function functionOf(service: string): CfnResource {
  const matches = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function")).filter(
    (fn) =>
      propOf<{ Variables?: Record<string, unknown> }>(fn, "Environment").Variables
        ?.POWERTOOLS_SERVICE_NAME === service,
  );
  if (matches.length !== 1) throw new Error(`expected one function for ${service}`);
  return matches[0]!;
}

/** Every Allow statement of the function's role: inline policies and attached managed policies. */
function statementsOf(service: string): PolicyStatementJson[] {
  const roleId = propOf<{ "Fn::GetAtt": [string, string] }>(functionOf(service), "Role")["Fn::GetAtt"][0];
  const inline = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::IAM::Policy"))
    .filter((p) =>
      asArray(p.Properties?.Roles as unknown[]).some((r) => (r as { Ref?: string }).Ref === roleId),
    )
    .flatMap((p) => policyStatements(p));
  const role = resourcesOf(gazette.statelessTemplate, "AWS::IAM::Role")[roleId];
  const outputs = gazette.statefulTemplate.toJSON().Outputs as Record<string, { Value: { Ref?: string } }>;
  const managed = asArray(role?.Properties?.ManagedPolicyArns as unknown[]).flatMap((arn) => {
    const output = (arn as { "Fn::GetStackOutput"?: { OutputName: string } })["Fn::GetStackOutput"]
      ?.OutputName;
    const policyId = output ? outputs[output]?.Value.Ref : undefined;
    const policy = policyId
      ? resourcesOf(gazette.statefulTemplate, "AWS::IAM::ManagedPolicy")[policyId]
      : undefined;
    if (!policy) throw new Error(`managed policy ${JSON.stringify(arn)} not found`);
    return policyStatements(policy);
  });
  return [...inline, ...managed];
}

/** "action resource" for every data-plane permission (S3, DynamoDB, SQS, STS), sorted, unique. */
function permissionsOf(service: string): string[] {
  const out = new Set<string>();
  for (const statement of statementsOf(service)) {
    expect(statement.Effect).toBe("Allow");
    for (const action of asArray(statement.Action)) {
      if (!/^(s3|dynamodb|sqs|sts):/.test(action)) continue;
      for (const resource of asArray(statement.Resource)) out.add(`${action} ${nameOf(resource)}`);
    }
  }
  return [...out].sort();
}

const TABLE = ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"].flatMap(
  (action) => [
    `${action} table`,
    `${action} table/index/gsi1`,
    `${action} table/index/gsi2`,
    `${action} table/index/gsi3`,
  ],
);
const send = (...queues: string[]) => queues.map((q) => `sqs:SendMessage queue:${q}`);
const consume = (queue: string) =>
  [
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:ReceiveMessage",
  ].map((action) => `${action} queue:${queue}`);
const blob = (action: "GetObject" | "PutObject", ...prefixes: string[]) =>
  prefixes.map((prefix) => `s3:${action} blob:${prefix}*`);
const LIST_BLOB = ["s3:ListBucket blob"];
const staging = (...actions: ("GetObject" | "PutObject" | "DeleteObject")[]) => [
  ...actions.map((action) => `s3:${action} staging:staging/*`),
  "s3:ListBucket staging",
];

/**
 * Every API function but the preview function: an answer too large for Lambda is put and read back
 * under responses/ (response-spill.ts).
 */
const SPILL = ["s3:GetObject staging:responses/*", "s3:PutObject staging:responses/*"];

const EXPECTED: Record<string, string[]> = {
  "gazette-api": [
    ...SPILL,
    ...TABLE,
    // The archive pages read pages, items and (to presign a download) scans. Archive ingest is
    // the archive API function's, the console (corrections, originals) the console function's.
    ...blob("GetObject", "documents/", "editions/", "archive/scans/", "archive/jobs/", "archive/items/"),
    ...blob("PutObject", "originals/", "documents/"),
    ...LIST_BLOB,
    // Intake stages content and originals, reads them until promoted, deletes them after.
    ...staging("GetObject", "PutObject", "DeleteObject"),
    ...send("events", "publishing"),
  ],
  // The console: its pages read documents, originals (to offer editors the original as
  // received), editions and the archive; the archive review's corrections write items. It
  // stages nothing; its actions record events and request publications.
  "gazette-api-console": [
    ...SPILL,
    ...TABLE,
    ...blob(
      "GetObject",
      "documents/",
      "editions/",
      "originals/",
      "archive/scans/",
      "archive/jobs/",
      "archive/items/",
    ),
    ...blob("PutObject", "archive/items/"),
    ...LIST_BLOB,
    // An original not yet promoted is read from staging.
    ...staging("GetObject"),
    ...send("events", "publishing"),
  ],
  // The reposts API: sites, notices and acknowledgements in the table; an acknowledged page's
  // verification is queued for the delivery consumer. No blob, no SQS delivery of its own.
  "gazette-api-reposts": [...SPILL, ...TABLE, ...send("repost-delivery")],
  // The archive's editor API: ingest stages scans and texts, promotes them under archive/scans/
  // and archive/jobs/ (reading a direct upload back to check it), queues one message per page or
  // text; items are read and corrected.
  "gazette-api-archive": [
    ...SPILL,
    ...TABLE,
    ...blob("GetObject", "archive/scans/", "archive/items/"),
    ...blob("PutObject", "archive/scans/", "archive/jobs/", "archive/items/"),
    ...LIST_BLOB,
    ...staging("GetObject", "PutObject", "DeleteObject"),
    ...send("archive"),
  ],
  "gazette-api-documents": [
    ...SPILL,
    ...TABLE,
    ...blob("GetObject", "documents/"),
    ...blob("PutObject", "originals/", "documents/"),
    ...LIST_BLOB,
    ...staging("GetObject", "PutObject", "DeleteObject"),
    ...send("events"),
  ],
  "gazette-api-preview": [...TABLE, ...blob("GetObject", "documents/", "editions/"), ...LIST_BLOB],
  // Verification and the log read the table only (and spill an answer too large, as every API function).
  "gazette-api-verify": [
    ...SPILL,
    ...["dynamodb:GetItem", "dynamodb:Query"].flatMap((action) => [
      `${action} table`,
      `${action} table/index/gsi1`,
      `${action} table/index/gsi2`,
      `${action} table/index/gsi3`,
    ]),
  ],
  "gazette-publisher": [
    ...TABLE,
    ...blob("GetObject", "documents/", "editions/"),
    ...blob("PutObject", "documents/", "editions/"),
    ...LIST_BLOB,
    ...send("events", "publishing-dlq"),
    ...consume("publishing"),
  ],
  "gazette-events": [
    ...TABLE,
    ...blob("GetObject", "editions/", "documents/"),
    "s3:GetObject site:editions/*",
    "s3:GetObject site:documents/*",
    "s3:PutObject site:editions/*",
    "s3:PutObject site:documents/*",
    "s3:ListBucket site",
    // Status changes it logs ask the publisher for a checkpoint (issue 14).
    ...send("events-dlq", "repost-fanout", "publishing"),
    ...consume("events"),
  ],
  "gazette-repost-fanout": [
    ...TABLE,
    ...blob("GetObject", "documents/"),
    ...send("repost-fanout", "repost-fanout-dlq", "repost-delivery"),
    ...consume("repost-fanout"),
  ],
  "gazette-repost-delivery": [
    ...TABLE,
    ...blob("GetObject", "documents/"),
    ...send("repost-delivery", "repost-delivery-dlq"),
    "sqs:SendMessage arn:aws:sqs:*:*:gazette-repost-*",
    "sts:AssumeRole arn:aws:iam::*:role/gazette-repost-*",
    ...consume("repost-delivery"),
  ],
  // …and its own dead-letter queue, where Lambda puts an asynchronous invocation that failed.
  // The outbox relay promotes staged blobs a request left (or deletes a failed request's) and
  // sends what it could not: document.accepted, an archive job's unit messages.
  "gazette-repost-tick": [
    ...TABLE,
    ...blob("PutObject", "documents/", "originals/", "archive/scans/", "archive/jobs/"),
    ...staging("GetObject", "DeleteObject"),
    // …and a log checkpoint while the log has entries none covers (issue 14).
    ...send("repost-delivery", "events", "archive", "publishing", "repost-tick-failures"),
  ],
  // The migrations: the table; long documents' content (the 发文字号 re-key) and the published
  // editions' manifests (the log backfill), read only (the tick asks for the log's checkpoint);
  // and its own dead-letter queue, where Lambda puts an asynchronous invocation that failed.
  "gazette-migrate": [
    ...TABLE,
    ...blob("GetObject", "documents/", "editions/"),
    ...LIST_BLOB,
    ...send("migrate-failures"),
  ],
  "gazette-archive": [
    ...TABLE,
    ...blob("GetObject", "archive/scans/", "archive/jobs/", "archive/items/"),
    ...blob("PutObject", "archive/jobs/", "archive/items/"),
    ...LIST_BLOB,
    // Units read an uploaded scan or a submitted text from staging until it is promoted.
    ...staging("GetObject"),
    ...send("archive-dlq"),
    ...consume("archive"),
  ],
};

describe("least privilege per function role", () => {
  test.each(Object.keys(EXPECTED))(
    "%s may do exactly what its code calls, by key prefix and queue",
    (service) => {
      // Prepare / Act
      const permissions = permissionsOf(service);

      // Assess
      expect(permissions).toEqual([...new Set(EXPECTED[service])].sort());
    },
  );

  test.each(Object.keys(EXPECTED))(
    "%s may delete no object but staged ones, write no whole bucket, and list no bucket but for 404s",
    (service) => {
      // Prepare
      const statements = statementsOf(service);

      // Act
      const actions = statements.flatMap((s) => asArray(s.Action));
      const deletes = permissionsOf(service).filter((p) => /^s3:Delete/.test(p));
      const wholeBucketWrites = permissionsOf(service).filter((p) => /^s3:PutObject \w+:\*$/.test(p));

      // Assess
      expect(
        actions.filter((a) => /^s3:\*|^s3:PutObjectAcl|^s3:Bypass|^s3:DeleteObjectVersion/.test(a)),
      ).toEqual([]);
      expect(deletes.filter((p) => p !== "s3:DeleteObject staging:staging/*")).toEqual([]);
      expect(wholeBucketWrites).toEqual([]);
    },
  );

  test.each(Object.keys(EXPECTED))("%s has wildcard resources only for X-Ray", (service) => {
    // Prepare / Act
    const starred = statementsOf(service).filter((s) => asArray(s.Resource).includes("*"));

    // Assess
    expect(starred.flatMap((s) => asArray(s.Action)).sort()).toEqual([
      "xray:PutTelemetryRecords",
      "xray:PutTraceSegments",
    ]);
  });
});
