/**
 * Delivery to a site-owned SQS queue (AWS mode). The site grants the delivery function's role
 * sqs:SendMessage in its queue policy; the Standard Webhooks headers travel as message attributes
 * so the site verifies the body exactly as a webhook receiver does.
 */
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SqsDeliverySender } from "./delivery.js";

export function createSqsDeliverySender(options: { region?: string | undefined } = {}): SqsDeliverySender {
  const clients = new Map<string, SQSClient>();
  return async (queueUrl, body, headers) => {
    // The queue's region is in its URL: https://sqs.<region>.amazonaws.com/<account>/<name>.
    const region = /^https:\/\/sqs\.([a-z0-9-]+)\./.exec(queueUrl)?.[1] ?? options.region;
    const key = region ?? "";
    let client = clients.get(key);
    if (!client) {
      client = new SQSClient({ region });
      clients.set(key, client);
    }
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        MessageAttributes: Object.fromEntries(
          Object.entries(headers).map(([name, value]) => [name, { DataType: "String", StringValue: value }]),
        ),
      }),
    );
  };
}
