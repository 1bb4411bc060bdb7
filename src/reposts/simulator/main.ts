/** Entry of `npm run simulate-sites`: runs until Ctrl-C. */
import { runSimulator } from "./cli.js";

const { exitCode, simulator } = await runSimulator(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
if (simulator) {
  const stop = () => {
    void simulator.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} else {
  process.exitCode = exitCode;
}
