/** Entry point of `npm run users -- import|export|import-live|sync ...`; see lib/tools/users/cli.ts. */
import { runScript } from "../lib/tools/io";
import { usersMain } from "../lib/tools/users/cli";

runScript("users", usersMain);
