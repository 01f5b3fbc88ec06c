/** Entry point of `npm run users -- import|export ...`; see lib/tools/users-csv/cli.ts. */
import { runUsers } from "../lib/tools/users-csv/cli";

try {
  process.exitCode = runUsers(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(text),
    err: (line) => console.error(line),
  });
} catch (error) {
  console.error(`users: unexpected failure: ${(error as Error).message}`);
  process.exitCode = 1;
}
