/**
 * The domain-events queue and the event intake sends to it. Kept apart from intake.ts (which
 * loads the submission schema and the .docx reader) so that the functions that only consume or
 * send events do not bundle intake.
 */
export const EVENTS_QUEUE = "events";

export interface DocumentAcceptedEvent {
  readonly type: "document.accepted";
  readonly documentId: string;
  readonly title: string;
  readonly docNumber: string | null;
  readonly issuers: readonly string[];
  readonly receivedBy: string;
  readonly at: string;
}
