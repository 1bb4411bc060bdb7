import type { IncomingHttpHeaders } from "node:http";

/** A request as a stand-in server received it: headers and body bytes as they came on the wire. */
export interface ReceivedRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array;
}

/** A caller's temporary credentials, as the SDK's default chain reads them from the environment. */
export const SIGNING_CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLEGAZETTE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "FwoGZXIvYXdzEXAMPLESESSIONTOKEN",
};

const CREDENTIAL_ENV = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"];

/**
 * Puts SIGNING_CREDENTIALS in the environment (no profile) for a test; the returned function puts
 * back what was there.
 */
export function useSigningCredentials(): () => void {
  const saved: Record<string, string | undefined> = {};
  for (const name of CREDENTIAL_ENV) saved[name] = process.env[name];
  process.env.AWS_ACCESS_KEY_ID = SIGNING_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = SIGNING_CREDENTIALS.secretAccessKey;
  process.env.AWS_SESSION_TOKEN = SIGNING_CREDENTIALS.sessionToken;
  delete process.env.AWS_PROFILE;
  return () => {
    for (const name of CREDENTIAL_ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  };
}
