/**
 * A future change that breaks a security rule fails synth with the rule named, and writes nothing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synthInto } from "./support/synth";

// The "future change": a permissions policy that allows every Connect action on everything.
jest.mock("../lib/rules/policies", () => {
  const actual = jest.requireActual("../lib/rules/policies");
  return {
    ...actual,
    federationPermissionsPolicy: () => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "connect:*", Resource: "*" }] }),
  };
});

test("GIVEN a code change that widens the federation policy WHEN synth runs THEN it stops naming the rules and writes nothing", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-guard-"));
  fs.rmSync(outdir, { recursive: true });
  const { code, lines } = synthInto(outdir);
  expect(code).toBe(1);
  expect(lines).toContainEqual(
    expect.stringMatching(
      /^error: connect-sso-dev: aws_iam_role_policy\.federation_policy: policy statement 0 allows "connect:\*"; allowed: "connect:GetFederationToken" only \[POLICY_ACTION: /,
    ),
  );
  expect(lines).toContainEqual(expect.stringMatching(/^error: connect-sso-prod: aws_iam_role_policy\.federation_policy: policy statement 0 applies to "\*"/));
  expect(lines[lines.length - 1]).toMatch(/synth stopped: 6 security rule violation\(s\); nothing was written/);
  expect(fs.existsSync(outdir)).toBe(false);
});
