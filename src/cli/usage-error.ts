/** The command was used wrongly (missing, conflicting or malformed options): the CLI exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
