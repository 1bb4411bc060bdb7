/** The command was used wrongly (missing, conflicting or malformed options): the CLI exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Runs a command that works straight on the store (`migrate`, `reposts rebuild`, `log backfill`):
 * an environment naming no store (no gazette data in the directory, AWS without a table) is a
 * usage error, so the CLI exits 2 with the message.
 */
export async function onCommandStore<T>(work: () => Promise<T>): Promise<T> {
  const { NoStoreError } = await import("../runtime/command-store.js");
  try {
    return await work();
  } catch (error) {
    if (error instanceof NoStoreError) throw new UsageError(error.message);
    throw error;
  }
}
