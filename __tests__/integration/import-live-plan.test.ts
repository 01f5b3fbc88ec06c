/**
 * Adopting a live contact center of 2,000 users (60 in npm test; `npm run test:scale` runs 2,000) in one command, under real terraform: the dev
 * example applied (moto_server and the Connect fake on loopback), that many more users made in Connect
 * by hand, `npm run users -- import-live dev`, then a plan of the file it wrote: only imports, and
 * none of them changes anything.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConnectClient } from "@aws-sdk/client-connect";
import { loadEnvironments } from "../../lib/config/load";
import { runUsersCli } from "../../lib/tools/users/cli";
import { EXAMPLES_DIR, exampleEnvironment, TEST_NOW } from "../support/environments";
import { startSandbox, type Sandbox } from "../support/sandbox";
import { atScale, describeIfTools, missingSandboxTools } from "../support/tools";

const LIVE_USERS = atScale(2000, 60);
const nameOf = (i: number) => `agent.${String(i).padStart(4, "0")}@example.com`;

describeIfTools(`import-live of ${LIVE_USERS} users, then a real terraform plan (moto_server and the Connect fake on loopback)`, missingSandboxTools(), () => {
  let sandbox: Sandbox | undefined;
  afterAll(async () => {
    await sandbox?.stop();
  }, 30_000);

  test(`GIVEN the dev stack applied and ${LIVE_USERS} users made by hand WHEN import-live runs and the file is planned THEN the plan imports exactly those users and changes nothing else`, async () => {
    const dev = { ...exampleEnvironment("dev"), tags: {} };
    // A plan of 2,000 imports takes one to two minutes of this machine's two shared cores.
    sandbox = await startSandbox(dev, { terraformTimeoutMs: 480_000 });
    const s = sandbox;
    const instanceId = s.instanceId!;
    const applied = await s.workspace("applied", dev);
    await applied.apply();

    // Made by hand in the console: a mix of the settings the file can hold, and two user names SAML cannot sign in with.
    const made: Array<Promise<unknown>> = [];
    for (let i = 0; i < LIVE_USERS; i++) {
      const desk = i % 3 === 0;
      made.push(
        s.connect("PUT", `/users/${instanceId}`, {
          Username: nameOf(i),
          IdentityInfo: { FirstName: `Agent ${i}`, LastName: i % 2 ? "Nguyễn" : "Martin", ...(i % 7 === 0 ? { SecondaryEmail: `home.${i}@example.org` } : {}) },
          PhoneConfig: {
            PhoneType: desk ? "DESK_PHONE" : "SOFT_PHONE",
            AutoAccept: i % 2 === 0,
            AfterContactWorkTimeLimit: (i % 4) * 30,
            ...(desk ? { DeskPhoneNumber: `+1206555${String(i).padStart(4, "0")}` } : {}),
          },
          SecurityProfileIds: i % 4 === 0 ? [s.profileIds.CallCenterManager, s.profileIds.Agent] : [s.profileIds.Agent],
          RoutingProfileId: s.profileIds["Basic Routing Profile"],
          ...(i % 5 === 0 ? { Tags: { Team: `team-${i % 3}`, Project: "contact-center" } } : {}),
        }),
      );
      if (made.length === 50) await Promise.all(made.splice(0));
    }
    for (const name of ["agent7", "front.desk"])
      made.push(
        s.connect("PUT", `/users/${instanceId}`, {
          Username: name,
          IdentityInfo: { FirstName: "Shared", LastName: "Login" },
          PhoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 0 },
          SecurityProfileIds: [s.profileIds.Agent],
          RoutingProfileId: s.profileIds["Basic Routing Profile"],
        }),
      );
    await Promise.all(made);

    // The team's project: the dev example as committed.
    const envDir = path.join(s.setup.root, "project", "environments");
    fs.mkdirSync(path.join(envDir, "metadata"), { recursive: true });
    // Without the environment's tags: the sandbox's provider has no default_tags (moto cannot tag a SAML provider), so
    // tags the provider would add to every user are the users' own here (import-live.test.ts covers leaving them out).
    const committed = fs.readFileSync(path.join(EXAMPLES_DIR, "dev.yaml"), "utf8");
    fs.writeFileSync(path.join(envDir, "dev.yaml"), committed.replace(/^tags:\n( {2}.*\n)+/m, ""));
    fs.copyFileSync(path.join(EXAMPLES_DIR, "metadata", "dev.xml"), path.join(envDir, "metadata", "dev.xml"));
    const before = fs.readFileSync(path.join(envDir, "dev.yaml"), "utf8");
    const err: string[] = [];
    const client = new ConnectClient({
      region: dev.region,
      endpoint: s.fake.url,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    const code = await runUsersCli(
      ["import-live", "dev"],
      { CONNECT_SSO_ENVIRONMENTS: envDir },
      { out: () => undefined, err: (l) => err.push(l) },
      { now: TEST_NOW, cwd: path.dirname(envDir), clients: { connect: client } },
    );
    expect({ code, err: err.filter((l) => !/^users: not imported: |^warning: /.test(l)) }).toEqual({
      code: 0,
      err: [
        `users: read ${LIVE_USERS + 4} users of Connect instance ${instanceId} (SearchUsers ${Math.ceil((LIVE_USERS + 4) / 100)}, DescribeUser ${LIVE_USERS + 4}, ListSecurityProfiles 1, ListRoutingProfiles 1)`,
        `users: environments/dev.yaml: ${LIVE_USERS} added, 0 updated, ${LIVE_USERS + 2} adopted by ID (adopt.userIds), 2 not imported; ${LIVE_USERS + 2} users`,
        expect.stringContaining("the next plan imports the adopted users"),
      ],
    });
    expect(err.filter((l) => /not imported: /.test(l)).map((l) => l.replace(/: cannot sign in.*$/, ""))).toEqual([
      'users: not imported: agent7: username "agent7"',
      'users: not imported: front.desk: username "front.desk"',
    ]);
    const after = fs.readFileSync(path.join(envDir, "dev.yaml"), "utf8");
    // The committed file's text stays as it was, the users and adopt.userIds follow it.
    expect(after.startsWith(before)).toBe(true);

    const { environments, problems } = loadEnvironments({ dir: envDir, now: TEST_NOW, cwd: path.dirname(envDir) });
    expect(problems.filter((p) => p.severity === "error")).toEqual([]);
    const adopted = await s.workspace("adopted", environments[0], { stateFrom: applied });
    s.fake.resetCounts();
    const plan = await adopted.plan();
    // Each import is one DescribeUser; the two users in state are refreshed with one each.
    expect(s.fake.operationCounts().DescribeUser).toBe(LIVE_USERS + 2);
    const changes = (plan.json.resource_changes ?? []).filter((rc) => rc.change.actions.join() !== "no-op" || rc.change.importing);
    const summary = (rc: (typeof changes)[number]) => `${rc.type} ${rc.change.actions.join()} ${rc.change.importing ? "import" : "no import"}`;
    const counts: Record<string, number> = {};
    for (const rc of changes) counts[summary(rc)] = (counts[summary(rc)] ?? 0) + 1;
    // The two users the stack already manages are in state: their import blocks do nothing.
    expect(counts).toEqual({ "aws_connect_user no-op import": LIVE_USERS });
    expect(changes.map((rc) => rc.index).sort()).toEqual(Array.from({ length: LIVE_USERS }, (_, i) => nameOf(i)));
  }, 900_000);
});
