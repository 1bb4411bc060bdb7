/**
 * Stands in for @smithy/core's event streams (the codec, marshallers and serde of the SDK's
 * streaming operations, about 13 KB) in the Lambda bundles (infra/constructs/function-bundle.ts
 * aliases it). The S3 client builds an event-stream marshaller when it is constructed and loads
 * the serde only for an operation with an event stream (SelectObjectContent, among S3's); no
 * function calls one (tests/infra/sdk-schemas.test.ts sends every command the functions use from
 * a bundle built with this alias). The marshaller and the serde throw if ever used.
 */
function unsupported(): never {
  throw new Error("Event streams are not in this bundle: no function calls an operation that streams events");
}

/** As @smithy/core's: the client config gets the marshaller its provider makes. */
export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (input: T) => unknown }>(
  input: T,
) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });

const marshaller = {
  serialize: unsupported,
  deserialize: unsupported,
};

export const eventStreamSerdeProvider = () => marshaller;

export class EventStreamSerde {
  constructor() {
    unsupported();
  }
}
