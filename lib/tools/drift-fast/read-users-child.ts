/** Child of readInstancesSync (read-users.ts): InstanceRequest[] as JSON on stdin, InstanceAnswer[] as JSON on stdout; exit 1 with the reader's message on stderr. */
import { readConnectUsers } from "../connect-users/bulk-reader";
import type { InstanceAnswer, InstanceRequest } from "./read-users";

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const requests = JSON.parse(Buffer.concat(chunks).toString("utf8")) as InstanceRequest[];
  const answers: InstanceAnswer[] = [];
  // One instance at a time: Connect's rate limit is per account.
  for (const r of requests) {
    const describe = new Set(r.describe);
    const read = await readConnectUsers({ instanceId: r.instanceId, region: r.region, usernames: r.usernames, needsDescribe: (name) => describe.has(name) });
    answers.push({ instanceId: r.instanceId, users: [...read.users], calls: { ...read.calls } });
  }
  process.stdout.write(JSON.stringify(answers));
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
