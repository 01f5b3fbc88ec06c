/**
 * The GitOps path rehearsed as an adversarial teammate would try it (support/rehearsal.ts: the
 * workflows' own steps, with GitHub's shells, on loopback):
 *
 * 1. An old run re-run on main, after a newer commit removed a user, applies nothing: the user is
 *    not re-created.
 * 2. A plan the gate refuses, merged anyway (an admin merge), is not applied even by a workflow
 *    whose lines ignore failures (no pipefail, `| tee`, `|| true`): `pipeline apply` gates itself.
 * 3. A pull request whose code weakens the gate, and the security rules, to delete a user and widen
 *    the federation role's trust is judged by the base's gate: the delete, the widened trust
 *    policy and each gate file need consent.
 * 4. A second certificate added to the metadata, with the identity lock recorded locally, is a
 *    certificate change that needs consent.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readApplied } from "../../lib/tools/pipeline/applied";
import { makeCertificate } from "../../lib/devtools/make-metadata";
import {
  ALICE,
  BUCKET,
  DANA,
  ERIN,
  environmentYaml,
  MAIN_WORKFLOW,
  missingRehearsalTools,
  REVIEWER,
  STACK,
  STATE_KEY,
  startRehearsal,
  type Rehearsal,
} from "../support/rehearsal";
import { describeIfTools } from "../support/tools";

describeIfTools("the gate rehearsed against an adversarial teammate", missingRehearsalTools(), () => {
  let r: Rehearsal;
  let first: string;
  const record = () => readApplied(r.s3(), { bucket: BUCKET, key: STATE_KEY, region: "us-west-2" });
  const atMain = (file: string) => r.git(["show", `main:${file}`]);

  beforeAll(async () => {
    r = await startRehearsal("rehearsal-adversary");
    // An environment of three agents, applied from main's first commit of it.
    const add = r.openPull(
      { "environments/rehearsal.yaml": environmentYaml([ALICE, DANA, ERIN]), "environments/metadata/rehearsal.xml": r.metadata },
      "Add the rehearsal environment",
    );
    first = r.merge(add);
    const push = await r.pushRun(first);
    r.expectResults({ apply: push.runs[0].result }, { apply: "success" });
  }, 300_000);
  afterAll(() => r?.stop());

  test("GIVEN a newer commit applied that removed a user WHEN the older commit's run is re-run THEN it applies nothing and says why", async () => {
    const remove = r.openPull({ "environments/rehearsal.yaml": environmentYaml([ALICE, ERIN]) }, "Remove Dana");
    remove.reviews.push({ user: REVIEWER, state: "APPROVED", body: `consent: ${STACK} ${DANA.username}`, commitId: remove.headSha });
    const newer = r.merge(remove);
    r.expectResults({ apply: (await r.pushRun(newer)).runs[0].result }, { apply: "success" });
    expect(r.connectUsers()).toEqual([ALICE.username, ERIN.username]);

    const rerun = await r.pushRun(first);
    r.expectResults({ apply: rerun.runs[0].result }, { apply: "failure" });
    expect(r.main.transcript("apply")).toMatch(
      new RegExp(`${STACK} was applied from ${newer.slice(0, 12)} .*which ${first.slice(0, 12)} does not contain: this run is older than what was applied`),
    );
    expect(r.connectUsers()).toEqual([ALICE.username, ERIN.username]);
    expect((await record())?.commit).toBe(newer);
  }, 300_000);

  test("GIVEN a merged change the gate refuses (a longer session, no consent) WHEN main's run uses a workflow whose lines ignore failures THEN pipeline apply refuses it and nothing is applied", async () => {
    const before = await record();
    const longer = r.merge(r.openPull({ "environments/rehearsal.yaml": environmentYaml([ALICE, ERIN], 12) }, "Longer sessions"));
    // The workflow as a careless (or hostile) edit leaves it: GitHub's default shell (bash -e, no
    // pipefail), the apply piped into tee, and a failure ignored.
    const variant = path.join(r.root, "connect-sso-ignoring-failures.yml");
    const text = fs.readFileSync(MAIN_WORKFLOW, "utf8");
    const edited = text
      .replace(/^defaults:\n {2}run:\n(?: {4}#.*\n)? {4}shell: bash\n/m, "")
      .replace(/(npm run -s pipeline -- apply "\$\{stacks\[@\]\}".*)$/m, '$1 | tee -a "$GITHUB_STEP_SUMMARY" || true');
    expect(edited).not.toMatch(/shell: bash/);
    expect(edited).toMatch(/\| tee -a "\$GITHUB_STEP_SUMMARY" \|\| true/);
    fs.writeFileSync(variant, edited);
    const careless = r.runnerOf(variant);
    const push = await r.pushRun(longer, { runner: careless });

    r.expectResults({ apply: push.runs[0].result }, { apply: "success" });
    expect(careless.transcript("apply")).toMatch(/the gate refused the saved plans: 1 gated change\(s\) lack consent, so nothing is applied/);
    const role = await r.sandbox.iam({ Action: "GetRole", RoleName: "AmazonConnectSSO-rehearsal" });
    expect(role.GetRoleResponse.GetRoleResult.Role.MaxSessionDuration).toBe("36000");
    expect(await record()).toEqual(before);
  }, 300_000);

  test("GIVEN a pull request whose code weakens the gate and the security rules to delete a user and widen the role's trust WHEN it runs THEN the base's gate refuses, naming each change and each gate file", async () => {
    const gateFile = "lib/tools/review/gate.ts";
    const packFile = "lib/synth/security/pack.ts";
    const policiesFile = "lib/rules/policies.ts";
    const weakened = atMain(gateFile).replace(
      "function gateReason(r: ResourceReview): GateReason | undefined {\n",
      'function gateReason(r: ResourceReview): GateReason | undefined {\n  if (process.env.GITHUB_JOB === "gate" || process.env.GITHUB_JOB === "apply") return undefined;\n',
    );
    const noRules = atMain(packFile).replace(
      "return PACK.flatMap((rule) => checkRule(rule, tf));",
      "return PACK.length < 0 ? [checkRule(PACK[0], tf)].flat() : [];",
    );
    const widened = atMain(policiesFile).replace(
      'Statement: [{ Sid: sid, Effect: "Allow", Principal: { Federated: federated }, Action: action, Condition: condition }] };',
      'Statement: [{ Sid: sid, Effect: "Allow", Principal: { Federated: federated }, Action: action, Condition: condition }, { Effect: "Allow", Principal: { AWS: "arn:aws:iam::999988887777:root" }, Action: "sts:AssumeRole" }] };',
    );
    for (const [file, text] of [
      [gateFile, weakened],
      [packFile, noRules],
      [policiesFile, widened],
    ])
      expect([file, text === atMain(file)]).toEqual([file, false]);
    const pull = r.openPull(
      { [gateFile]: weakened, [packFile]: noRules, [policiesFile]: widened, "environments/rehearsal.yaml": environmentYaml([ALICE], 12) },
      "Tidy the gate",
    );
    const run = await r.pullRequestRun(pull);
    r.expectResults({ synth: run.synth.result, plan: run.plan.result, gate: run.gate.result }, { synth: "success", plan: "success", gate: "failure" });
    const comment = r.github.comments.get(pull.number)?.at(-1) ?? "";
    for (const line of [
      `consent: ${STACK} ${ERIN.username}`,
      `consent: ${STACK} aws_iam_role.federation_role`,
      `consent: tooling ${gateFile}`,
      `consent: tooling ${packFile}`,
      `consent: tooling ${policiesFile}`,
    ])
      expect(comment).toContain(line);
    expect(comment).toMatch(/would change `assume_role_policy`, `max_session_duration`, which no update changes without consent/);
    expect(comment).toMatch(/\+ +"AWS": "arn:aws:iam::999988887777:root"/);
  }, 300_000);

  test("GIVEN approvals with consent lines by a teammate who pushed to the branch, a bot, an edited review and a read-only reviewer WHEN the gate runs THEN none counts; an independent writer's does", async () => {
    const pusher = { login: "lee-pusher", id: 31 };
    const pull = r.openPull({ "environments/rehearsal.yaml": environmentYaml([ALICE], 12) }, "Remove Erin");
    pull.committer = pusher;
    const line = `consent: ${STACK} ${ERIN.username}`;
    const role = `consent: ${STACK} aws_iam_role.federation_role`;
    const body = `${line}\n\n${role}\n`;
    r.github.permissions.set("rita-read", "read");
    pull.reviews.push(
      { user: pusher, state: "APPROVED", body, commitId: pull.headSha },
      { user: { login: "release-bot[bot]", id: 32 }, userType: "Bot", state: "APPROVED", body, commitId: pull.headSha },
      { user: { login: "eddie-edit", id: 33 }, state: "APPROVED", body, commitId: pull.headSha, editedAt: "2026-11-28T12:30:00Z" },
      { user: { login: "rita-read", id: 34 }, state: "APPROVED", body, commitId: pull.headSha },
    );
    const refused = await r.pullRequestRun(pull, "pull_request_review");
    r.expectResults({ gate: refused.gate.result }, { gate: "failure" });
    const log = r.pr.transcript("gate");
    expect(log).toMatch(/lee-pusher authored or committed a commit of this pull request/);
    expect(log).toMatch(/release-bot\[bot\] is a Bot account: only a person can consent/);
    expect(log).toMatch(/review \d+ by eddie-edit \(APPROVED\) on #\d+: its body was edited/);
    expect(log).toMatch(/rita-read has read permission on the repository/);

    pull.reviews.push({ user: REVIEWER, state: "APPROVED", body, commitId: pull.headSha });
    const allowed = await r.pullRequestRun(pull, "pull_request_review");
    r.expectResults({ gate: allowed.gate.result }, { gate: "success" });
    expect(r.github.comments.get(pull.number)?.at(-1)).toContain(REVIEWER.login);
  }, 300_000);

  test("GIVEN a second certificate added to the metadata and the lock recorded locally WHEN the pull request runs THEN the review sees a certificate added and the gate needs consent", async () => {
    const second = await makeCertificate(new Date(Date.now() - 86_400_000), new Date(Date.now() + 365 * 86_400_000));
    const metadata = atMain("environments/metadata/rehearsal.xml").replace(
      "</ds:X509Data>",
      `</ds:X509Data>\n        <ds:X509Data><ds:X509Certificate>${second}</ds:X509Certificate></ds:X509Data>`,
    );
    const pull = r.openPull({ "environments/metadata/rehearsal.xml": metadata }, "Rotate the certificate");
    const run = await r.pullRequestRun(pull);
    r.expectResults({ synth: run.synth.result, plan: run.plan.result, gate: run.gate.result }, { synth: "success", plan: "success", gate: "failure" });
    const comment = r.github.comments.get(pull.number)?.at(-1) ?? "";
    expect(comment).toMatch(/signing certificate added/);
    expect(comment).toContain(`consent: ${STACK} aws_iam_saml_provider.saml_provider`);
    expect(r.github.unknown).toEqual([]);
  }, 300_000);
});
