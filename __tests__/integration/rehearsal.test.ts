/**
 * A rehearsal of the GitOps path on loopback (support/rehearsal.ts): the two workflows' own jobs
 * and `run:` steps, run with the shells GitHub uses, on a throwaway git repository, with state in
 * S3 on moto, IAM and STS on moto, Connect on the fake, and GitHub's API on its fake.
 *
 * 1. A pull request creates an environment: planned and gated with the base's code, merged; the
 *    push run plans with -out and `pipeline apply` gates and applies that plan file; the state is
 *    in S3 and the applied record beside it.
 * 2. A pull request removes a user: the plan from the persisted state shows the delete; the gate
 *    refuses it; an approving review by someone else with a consent line lets it through. After the
 *    merge the push run is interrupted before its apply.
 * 3. A pull request swaps the identity provider's metadata for another IdP's: synth refuses, and the
 *    gate fails with it.
 * 4. A pull request opened before that merge shortens the session (a guarded field: consent). Its
 *    push run first meets a state lock held by someone else and stops clearly; the next run
 *    applies everything since the last applied record: the interrupted removal (with the consent
 *    of its own pull request) and the shorter session. A run after that finds nothing pending.
 * rehearsal-adversary.test.ts tries to get around the gate.
 */
import { readApplied } from "../../lib/tools/pipeline/applied";
import { makeMetadata } from "../../lib/devtools/make-metadata";
import {
  ALICE,
  AUTHOR,
  BUCKET,
  DANA,
  environmentYaml,
  missingRehearsalTools,
  REVIEWER,
  STACK,
  STATE_KEY,
  startRehearsal,
  type Rehearsal,
} from "../support/rehearsal";
import { holdLock, readState, releaseLock } from "../support/s3-state";
import { describeIfTools } from "../support/tools";
import type { FakePull } from "../support/github-fake";

const ROLE = "aws_iam_role.federation_role";

describeIfTools("the GitOps path rehearsed on loopback", missingRehearsalTools(), () => {
  let r: Rehearsal;
  let shorterSession: FakePull;

  beforeAll(async () => {
    r = await startRehearsal("rehearsal");
  }, 120_000);
  afterAll(() => r?.stop());

  test("GIVEN a pull request that adds an environment WHEN it runs, is merged and pushed THEN the saved plan is gated and applied and the state is in S3", async () => {
    const pull = r.openPull(
      { "environments/rehearsal.yaml": environmentYaml([ALICE, DANA]), "environments/metadata/rehearsal.xml": r.metadata },
      "Add the rehearsal environment",
    );
    const pr = await r.pullRequestRun(pull);
    r.expectResults({ synth: pr.synth.result, plan: pr.plan.result, gate: pr.gate.result }, { synth: "success", plan: "success", gate: "success" });
    expect(pr.changes.outputs.changed).toBe(JSON.stringify([STACK]));
    expect(pr.plan.runs[0].assumedRoles).toEqual(["arn:aws:iam::111122223333:role/connect-sso-rehearsal-plan"]);
    expect(r.github.comments.get(pull.number)?.[0]).toMatch(/connect-sso-rehearsal/);

    const sha = r.merge(pull);
    const push = await r.pushRun(sha);
    r.expectResults({ apply: push.runs[0].result }, { apply: "success" });
    expect(push.runs[0].environment).toBe("rehearsal");
    expect(push.runs[0].assumedRoles).toEqual(["arn:aws:iam::111122223333:role/connect-sso-rehearsal-apply"]);
    expect(r.connectUsers()).toEqual([ALICE.username, DANA.username]);
    const state = await readState(r.sandbox.moto, BUCKET, STATE_KEY);
    expect(state.resources.find((x) => x.type === "aws_connect_user")?.instances.length).toBe(2);
    const record = await readApplied(r.s3(), { bucket: BUCKET, key: STATE_KEY, region: "us-west-2" });
    expect(record).toMatchObject({ stack: STACK, commit: sha });
    expect(r.transcript("apply")).toMatch(/the gate passed the saved plans of connect-sso-rehearsal/);
  }, 600_000);

  test("GIVEN a pull request that removes a user WHEN planned from the persisted state THEN the gate refuses the delete until a reviewer consents, and the interrupted apply leaves the user", async () => {
    const pull = r.openPull({ "environments/rehearsal.yaml": environmentYaml([ALICE]) }, "Remove Dana");
    const refused = await r.pullRequestRun(pull);
    r.expectResults({ plan: refused.plan.result, gate: refused.gate.result }, { plan: "success", gate: "failure" });
    expect(r.github.comments.get(pull.number)?.at(-1)).toContain(`consent: ${STACK} ${DANA.username}`);

    pull.reviews.push({ user: AUTHOR, state: "APPROVED", body: `consent: ${STACK} ${DANA.username}`, commitId: pull.headSha, authorAssociation: "OWNER" });
    pull.reviews.push({ user: REVIEWER, state: "APPROVED", body: `Dana left.\n\nconsent: ${STACK} ${DANA.username}\n`, commitId: pull.headSha });
    const consented = await r.pullRequestRun(pull, "pull_request_review");
    r.expectResults({ gate: consented.gate.result }, { gate: "success" });
    expect(r.github.comments.get(pull.number)?.at(-1)).toContain(REVIEWER.login);

    // Opened before #2 is merged: its plan shows only its own change, a shorter maximum session, which needs consent.
    shorterSession = r.openPull({ "environments/rehearsal.yaml": environmentYaml([ALICE, DANA], 8) }, "Shorter sessions");
    const shorter = await r.pullRequestRun(shorterSession);
    r.expectResults({ gate: shorter.gate.result }, { gate: "failure" });
    expect(r.github.comments.get(shorterSession.number)?.at(-1)).toMatch(/would change `max_session_duration`, which no update changes without consent/);
    shorterSession.reviews.push({ user: REVIEWER, state: "APPROVED", body: `consent: ${STACK} ${ROLE}`, commitId: shorterSession.headSha });
    const allowed = await r.pullRequestRun(shorterSession, "pull_request_review");
    r.expectResults({ gate: allowed.gate.result }, { gate: "success" });

    const sha = r.merge(pull);
    const interrupted = await r.pushRun(sha, { interrupt: true });
    r.expectResults({ apply: interrupted.runs[0].result }, { apply: "success" });
    expect(r.connectUsers()).toEqual([ALICE.username, DANA.username]);
  }, 600_000);

  test("GIVEN a pull request that swaps the metadata for another identity provider's WHEN it runs THEN synth refuses it and the gate fails", async () => {
    const other = await makeMetadata({ id: "QW5vdGhlci1pZHAtZW50aXR5" });
    const pull = r.openPull({ "environments/metadata/rehearsal.xml": other }, "Use another identity provider", { localSynthMayFail: true });
    const run = await r.pullRequestRun(pull);
    r.expectResults(
      { synth: run.synth.result, changes: run.changes.result, plan: run.plan.result, gate: run.gate.result },
      { synth: "failure", changes: "skipped", plan: "skipped", gate: "failure" },
    );
    expect(r.pr.transcript("synth")).toMatch(/entityI[Dd]/);
  }, 600_000);

  test("GIVEN the interrupted run WHEN the next merged pull request's push runs meet a held lock and then a free one THEN the first stops clearly and the second applies everything since the last applied record, with each pull request's own consents", async () => {
    const sha = r.merge(shorterSession);
    // Someone else holds the state lock (S3-native locking): the run stops clearly, applies nothing, records nothing.
    await holdLock(r.sandbox.moto, BUCKET, STATE_KEY, "a person at a terminal");
    const locked = await r.pushRun(sha);
    await releaseLock(r.sandbox.moto, BUCKET, STATE_KEY);
    r.expectResults({ apply: locked.runs[0].result }, { apply: "failure" });
    expect(r.main.transcript("apply")).toMatch(/Error acquiring the state lock[\s\S]*a person at a terminal/);
    expect(r.connectUsers()).toEqual([ALICE.username, DANA.username]);

    const push = await r.pushRun(sha);
    r.expectResults({ apply: push.runs[0].result }, { apply: "success" });
    expect(r.connectUsers()).toEqual([ALICE.username]);
    const role = await r.sandbox.iam({ Action: "GetRole", RoleName: "AmazonConnectSSO-rehearsal" });
    expect(role.GetRoleResponse.GetRoleResult.Role.MaxSessionDuration).toBe("28800");
    expect(r.main.transcript("apply")).toContain(REVIEWER.login);
    // The merge-time plan read the applied users in bulk and refreshed only what changed.
    const applied = r.main.log.filter((l) => l.job === "apply" && l.step.startsWith("Plan, gate and apply")).at(-1)?.output;
    expect(applied).toMatch(/fast refresh: \d+ Connect user\(s\) compared in bulk/);
    expect(applied).not.toMatch(/fast refresh not used/);

    const again = await r.pushRun(sha);
    r.expectResults({ apply: again.runs[0].result }, { apply: "success" });
    expect(r.main.log.filter((l) => l.job === "apply" && l.step === "Stacks not yet applied").at(-1)?.output).toMatch(/"stacks":\[\]/);
    expect(r.github.unknown).toEqual([]);
  }, 600_000);
});
