import type { QueuePort } from "./ports.js";

/**
 * The queue port of a function that neither sends nor receives a queue message (AWS: the preview
 * function, which renders an edition and writes nothing): built without a queue client, so that
 * its bundle holds none. A call is a bug in the composition (the function was given a service
 * that queues), and fails saying so.
 */
export function noQueues(owner: string): QueuePort {
  const refuse = (what: string): never => {
    throw new Error(`${owner} has no queues (${what}): its composition root builds no queue client`);
  };
  return {
    send: async (queue) => refuse(`send to ${queue}`),
    receive: async (queue) => refuse(`receive from ${queue}`),
    delete: async (queue) => refuse(`delete from ${queue}`),
    changeVisibility: async (queue) => refuse(`change visibility on ${queue}`),
    depth: async (queue) => refuse(`depth of ${queue}`),
    deadLetterQueueOf: (queue) => refuse(`dead-letter queue of ${queue}`),
  };
}
