/** Entry point of `npm run doctor -- github <owner>/<repo>`; see lib/tools/doctor/cli.ts. */
import { runScript } from "../lib/tools/io";
import { doctorMain } from "../lib/tools/doctor/cli";

runScript("doctor", doctorMain);
