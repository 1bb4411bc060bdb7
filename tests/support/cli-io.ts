/** The CLI's output captured: `run(argv, capture().io, env)`, then read `out` and `err`. */
export function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), isTTY: false }, out, err };
}
