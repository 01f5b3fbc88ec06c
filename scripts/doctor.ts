/** Entry point of `npm run doctor -- github <owner>/<repo>`; see lib/tools/doctor/cli.ts. */
import { runDoctor } from "../lib/tools/doctor/cli";

runDoctor(process.argv.slice(2), process.env, { out: (text) => process.stdout.write(text), err: (line) => console.error(line) }).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`doctor: unexpected failure: ${error.message}`);
    process.exitCode = 1;
  },
);
