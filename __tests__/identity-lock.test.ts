/**
 * The identity lock's rules without synth: what is refused, what is shown and recorded, and how
 * the lock file is read and written.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Environment } from "../lib/config/environment";
import { identityCenterEntityIdProblem } from "../lib/config/metadata";
import { formatProblem } from "../lib/config/problems";
import {
  certificateChanges,
  currentIdentity,
  type IdentityLock,
  LOCK_FILE,
  type RecordedEntry,
  lockText,
  readLock,
  reconcileLock,
} from "../lib/synth/identity-lock";
import { identityCenterEntityIdPrefix } from "../lib/rules/naming";
import { optionsFromVariables } from "../lib/synth/synth";
import { makeMetadata } from "../lib/devtools/make-metadata";
import { parse, VALID_METADATA, withChange } from "./support/env-text";
import { TEST_NOW } from "./support/environments";

const LOCK = "environments/identity.lock.json";
const ENTITY_ID = "https://portal.sso.us-west-2.amazonaws.com/saml/assertion/MDAwMDAwMDAtZXhhbXBsZS1pZHA";
const OTHER_ENTITY_ID = "https://portal.sso.us-west-2.amazonaws.com/saml/assertion/T3RoZXItaWRw";
// Made before TEST_NOW, so the certificates are in date at it whatever day the tests run.
const MADE = new Date("2026-06-01T00:00:00Z");

let rotated: string;
let otherIdp: string;
beforeAll(async () => {
  [rotated, otherIdp] = await Promise.all([makeMetadata({ notBefore: MADE }), makeMetadata({ notBefore: MADE, id: "T3RoZXItaWRw" })]);
});

/** The test file as environment `name`, with `metadata` and an optional edit. */
function environment(name: string, metadata = VALID_METADATA, edit: (f: Record<string, any>) => void = () => {}): Environment {
  const result = parse(withChange(edit), { name, metadata });
  if (!result.environment) throw new Error(`test environment ${name} does not load:\n${result.problems.map(formatProblem).join("\n")}`);
  return result.environment;
}

function entryOf(env: Environment): RecordedEntry {
  const { entry, problems } = currentIdentity(env, TEST_NOW);
  if (!entry) throw new Error(`no identity for ${env.name}: ${problems.map(formatProblem).join("\n")}`);
  return entry;
}

interface Run {
  readonly allowed?: string[];
  /** Environment files present; default: the environments'. */
  readonly files?: string[];
  readonly pipeline?: boolean;
}

function reconcile(recorded: IdentityLock | undefined, environments: Environment[], run: Run = {}) {
  const outcome = reconcileLock({
    recorded,
    environments,
    environmentFiles: new Set(run.files ?? environments.map((e) => e.name)),
    allowed: new Set(run.allowed ?? []),
    pipeline: run.pipeline ?? false,
    lockFile: LOCK,
    now: TEST_NOW,
  });
  return { ...outcome, lines: outcome.problems.map(formatProblem) };
}

describe("Identity Center's entityID for a region", () => {
  test("GIVEN each partition WHEN the entityID prefix is built THEN it has the partition's portal host", () => {
    expect(identityCenterEntityIdPrefix("aws", "eu-central-1")).toBe("https://portal.sso.eu-central-1.amazonaws.com/saml/assertion/");
    expect(identityCenterEntityIdPrefix("aws-us-gov", "us-gov-west-1")).toBe("https://portal.sso.us-gov-west-1.amazonaws.com/saml/assertion/");
    expect(identityCenterEntityIdPrefix("aws-cn", "cn-north-1")).toBe("https://portal.sso.cn-north-1.amazonaws.com.cn/saml/assertion/");
  });

  test.each([
    ["aws", "us-west-2", ENTITY_ID],
    ["aws-us-gov", "us-gov-west-1", "https://portal.sso.us-gov-west-1.amazonaws.com/saml/assertion/MTIzNDU2Nzg5MDEyX2lucy0xMjM0"],
    ["aws-cn", "cn-northwest-1", "https://portal.sso.cn-northwest-1.amazonaws.com.cn/saml/assertion/MTIzNDU2Nzg5MDEyX2lucy0xMjM0"],
  ] as const)("GIVEN Identity Center's entityID in %s %s WHEN checked THEN there is no problem", (partition, region, entityId) => {
    expect(identityCenterEntityIdProblem(entityId, partition, region)).toBeUndefined();
  });

  test.each([
    ["another region", ENTITY_ID, "us-east-1"],
    ["another identity provider", "http://www.okta.com/exk1a2b3c4d5e6f7g8h9", "us-west-2"],
    ["a look-alike host", "https://portal.sso.us-west-2.amazonaws.com.evil.example/saml/assertion/abc", "us-west-2"],
    ["nothing after the prefix", "https://portal.sso.us-west-2.amazonaws.com/saml/assertion/", "us-west-2"],
  ])("GIVEN %s WHEN checked THEN the problem names the entityID and what Identity Center's looks like", (_, entityId, region) => {
    const problem = identityCenterEntityIdProblem(entityId, "aws", region);
    expect(problem).toContain(`entityID ${JSON.stringify(entityId)} is not IAM Identity Center's for ${region}`);
    expect(problem).toContain(`expected https://portal.sso.${region}.amazonaws.com/saml/assertion/<id>`);
  });

  test("GIVEN an aws-cn region and the commercial partition's host WHEN checked THEN it is refused", () => {
    expect(identityCenterEntityIdProblem("https://portal.sso.cn-north-1.amazonaws.com/saml/assertion/abc", "aws-cn", "cn-north-1")).toBeDefined();
  });
});

describe("the pipeline mode from CI", () => {
  test.each([
    [undefined, false],
    ["", false],
    ["false", false],
    ["FALSE", false],
    ["0", false],
    ["true", true],
    ["1", true],
    ["yes", true],
  ])("GIVEN CI=%p WHEN synth reads its options THEN pipeline is %p", (value, expected) => {
    expect(optionsFromVariables({ CI: value }, () => {}).pipeline).toBe(expected);
  });
});

describe("an environment's identity", () => {
  test("GIVEN the example metadata WHEN read THEN the entry holds the names, the entityID and the certificate's fingerprint, subject and expiry", () => {
    const env = environment("dev");
    const entry = entryOf(env);
    expect(entry).toEqual({
      account: "111122223333",
      roleName: "AmazonConnectSSO-dev",
      samlProviderName: "AmazonConnectSSO-dev",
      entityId: ENTITY_ID,
      signingCertificates: [
        {
          sha256: env.ssoApplication.certificates[0].fingerprint256,
          subject: "CN=idp.example.invalid, OU=Generated test metadata, O=Example",
          notAfter: env.ssoApplication.certificates[0].validTo.toISOString(),
        },
      ],
    });
    expect(entry.signingCertificates![0].sha256).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
  });

  test("GIVEN metadata without an entityID WHEN read THEN it is an error on the metadata file and there is no entry", () => {
    const env = environment("dev");
    const noEntityId = { ...env, ssoApplication: { ...env.ssoApplication, metadataXml: VALID_METADATA.replace(/ entityID="[^"]*"/, "") } };
    const { entry, problems } = currentIdentity(noEntityId, TEST_NOW);
    expect(entry).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([
      "error: environments/dev.yaml: ssoApplication.metadataFile: metadata/test.xml has no entityID on md:EntityDescriptor: the identity lock records the identity provider by it",
    ]);
  });

  test("GIVEN Identity Center in another region than the metadata's WHEN read THEN a warning names the entityID and the region", () => {
    const env = environment("dev", VALID_METADATA, (f) => (f.identityCenter = { region: "us-east-1" }));
    expect(currentIdentity(env, TEST_NOW).problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^warning: environments\/dev\.yaml: ssoApplication\.metadataFile: metadata\/test\.xml entityID ".*us-west-2.*" is not IAM Identity Center's for us-east-1/,
      ),
    ]);
  });
});

describe("reconciling the lock with the environments", () => {
  test("GIVEN a lock matching every environment WHEN reconciled THEN nothing changes and nothing is said", () => {
    const dev = environment("dev");
    const { lines, changes, next } = reconcile({ dev: entryOf(dev) }, [dev]);
    expect(lines).toEqual([]);
    expect(changes).toEqual([]);
    expect(next).toEqual({ dev: entryOf(dev) });
  });

  test("GIVEN a new environment WHEN reconciled THEN it is recorded without asking", () => {
    const [dev, qa] = [environment("dev"), environment("qa", VALID_METADATA, (f) => (f.account = "555566667777"))];
    const { lines, changes, next } = reconcile({ dev: entryOf(dev) }, [dev, qa]);
    expect(lines).toEqual([]);
    expect(changes).toEqual(["qa: new environment"]);
    expect(Object.keys(next)).toEqual(["dev", "qa"]);
    expect(next.qa).toEqual(entryOf(qa));
  });

  test("GIVEN another identity provider's metadata WHEN reconciled THEN it is refused naming both entityIDs and the documented procedure", () => {
    const [before, after] = [environment("dev"), environment("dev", otherIdp)];
    const { lines, next } = reconcile({ dev: entryOf(before) }, [after]);
    expect(lines).toContainEqual(
      `error: environments/dev.yaml: ssoApplication.metadataFile: metadata/test.xml is another identity provider's: entityID "${ENTITY_ID}" → "${OTHER_ENTITY_ID}" differs from ${LOCK}, ` +
        `and the SAML provider would let it sign in as any of this environment's users. If intended, follow docs/identity-changes.md, "Changing the identity provider" and run with CONNECT_SSO_ALLOW_IDENTITY_CHANGE=dev`,
    );
    expect(next.dev).toEqual(entryOf(before));
  });

  test("GIVEN another identity provider's metadata allowed for the environment WHEN reconciled THEN it is recorded with a notice", () => {
    const [before, after] = [environment("dev"), environment("dev", otherIdp)];
    const { problems, lines, changes, next } = reconcile({ dev: entryOf(before) }, [after], { allowed: ["dev"] });
    expect(problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(lines).toContainEqual(
      `warning: environments/dev.yaml: recording the identity change CONNECT_SSO_ALLOW_IDENTITY_CHANGE=dev allows: entityID "${ENTITY_ID}" → "${OTHER_ENTITY_ID}"`,
    );
    expect(changes).toEqual(["dev: identity change allowed", "dev: signing certificates changed"]);
    expect(next.dev).toEqual(entryOf(after));
  });

  test("GIVEN the role renamed WHEN reconciled THEN it is refused with both names; allowed, it is recorded", () => {
    const before = environment("dev");
    const after = environment("dev", VALID_METADATA, (f) => (f.iam = { roleName: "ConnectAgents-dev" }));
    const refused = reconcile({ dev: entryOf(before) }, [after]);
    expect(refused.lines).toEqual([
      `error: environments/dev.yaml: iam.roleName: roleName "AmazonConnectSSO-dev" → "ConnectAgents-dev" differs from ${LOCK}: users mapped to the recorded role cannot sign in through another until re-provisioned. ` +
        `If intended, follow docs/identity-changes.md, "Changing the role or provider" and run with CONNECT_SSO_ALLOW_IDENTITY_CHANGE=dev`,
    ]);
    const allowed = reconcile({ dev: entryOf(before) }, [after], { allowed: ["dev"] });
    expect(allowed.problems.every((p) => p.severity === "warning")).toBe(true);
    expect(allowed.next.dev.roleName).toBe("ConnectAgents-dev");
  });

  test("GIVEN a rotated certificate (same entityID) WHEN reconciled THEN one warning per certificate removed and added, and the lock takes the new one", () => {
    const [before, after] = [environment("dev"), environment("dev", rotated)];
    const [oldCert, newCert] = [entryOf(before).signingCertificates![0], entryOf(after).signingCertificates![0]];
    const { problems, lines, changes, next } = reconcile({ dev: entryOf(before) }, [after]);
    expect(problems.every((p) => p.severity === "warning")).toBe(true);
    expect(lines).toEqual([
      `warning: environments/dev.yaml: ssoApplication.metadataFile: metadata/test.xml signing certificate removed: SHA-256 ${oldCert.sha256}, expires 2031-11-26, subject ${oldCert.subject}`,
      `warning: environments/dev.yaml: ssoApplication.metadataFile: metadata/test.xml signing certificate added: SHA-256 ${newCert.sha256}, expires ${newCert.notAfter.slice(0, 10)}, subject ${newCert.subject}`,
    ]);
    expect(changes).toEqual(["dev: signing certificates changed"]);
    expect(next.dev.signingCertificates).toEqual([newCert]);
  });

  test("GIVEN an entry from before the identity provider was locked WHEN reconciled THEN it is upgraded with a notice, not an error", () => {
    const dev = environment("dev");
    const { account, roleName, samlProviderName } = entryOf(dev);
    const { problems, lines, changes, next } = reconcile({ dev: { account, roleName, samlProviderName } }, [dev]);
    expect(problems.every((p) => p.severity === "warning")).toBe(true);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^warning: ${LOCK}: dev: has no identity provider .*recording entityID "${ENTITY_ID}"`))]);
    expect(changes).toEqual(["dev: identity provider recorded"]);
    expect(next.dev).toEqual(entryOf(dev));
  });

  test("GIVEN an old entry whose role was also renamed WHEN reconciled THEN the rename is still refused", () => {
    const before = entryOf(environment("dev"));
    const after = environment("dev", VALID_METADATA, (f) => (f.iam = { roleName: "ConnectAgents-dev" }));
    const { lines } = reconcile({ dev: { account: before.account, roleName: before.roleName, samlProviderName: before.samlProviderName } }, [after]);
    expect(lines).toContainEqual(
      expect.stringMatching(/^error: environments\/dev\.yaml: iam\.roleName: roleName "AmazonConnectSSO-dev" → "ConnectAgents-dev"/),
    );
  });

  test("GIVEN a recorded environment whose file is gone WHEN reconciled THEN it is refused, pointing at retiring and renaming", () => {
    const dev = environment("dev");
    const { lines, next } = reconcile({ dev: entryOf(dev) }, [], { files: [] });
    expect(lines).toEqual([
      `error: ${LOCK}: dev: records environment dev, whose file dev.yaml is gone (removed or renamed): its stacks (connect-sso-dev and those named after it) ` +
        `and the users mapped to role AmazonConnectSSO-dev in account 111122223333 still exist in AWS. ` +
        `To retire it, follow docs/identity-changes.md, "Retiring an environment"; to rename it, follow docs/identity-changes.md, "Renaming an environment"; either way the entry goes only with CONNECT_SSO_ALLOW_IDENTITY_CHANGE=dev`,
    ]);
    expect(next).toEqual({ dev: entryOf(dev) });
  });

  test("GIVEN a gone environment allowed to go WHEN reconciled THEN its entry is dropped with a notice", () => {
    const dev = environment("dev");
    const { problems, lines, changes, next } = reconcile({ dev: entryOf(dev) }, [], { files: [], allowed: ["dev"] });
    expect(problems.every((p) => p.severity === "warning")).toBe(true);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^warning: ${LOCK}: dev: environment dev has no file any more: dropping its entry`))]);
    expect(changes).toEqual(["dev: entry dropped"]);
    expect(next).toEqual({});
  });

  test("GIVEN an environment whose file exists but did not load WHEN reconciled THEN its entry is kept as recorded", () => {
    const dev = environment("dev");
    const { lines, changes, next } = reconcile({ dev: entryOf(dev) }, [], { files: ["dev"] });
    expect(lines).toEqual([]);
    expect(changes).toEqual([]);
    expect(next).toEqual({ dev: entryOf(dev) });
  });

  test("GIVEN no lock outside the pipeline WHEN reconciled THEN every environment is recorded as new with a warning to restore a committed one", () => {
    const dev = environment("dev");
    const { lines, changes } = reconcile(undefined, [dev]);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^warning: ${LOCK}: not found: recording every environment as new\\. If it was committed, restore it instead`)),
    ]);
    expect(changes).toEqual(["dev: new environment"]);
  });

  test("GIVEN no lock in the pipeline WHEN reconciled THEN it is an error saying to restore it", () => {
    const { lines } = reconcile(undefined, [environment("dev")], { pipeline: true });
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^error: ${LOCK}: not found: the pipeline checks every environment against the committed lock; restore it from version control`),
      ),
    ]);
  });

  test.each([
    ["a new environment", "qa: new environment"],
    ["a rotated certificate", "dev: signing certificates changed"],
    ["an old-format entry", "dev: identity provider recorded"],
    ["an allowed identity change", "dev: identity change allowed"],
  ])("GIVEN %s in the pipeline WHEN reconciled THEN the lock would change, which is an error", (kind) => {
    const dev = environment("dev");
    const entry = entryOf(dev);
    const cases: Record<string, () => ReturnType<typeof reconcile>> = {
      "a new environment": () => reconcile({ dev: entry }, [dev, environment("qa", VALID_METADATA, (f) => (f.account = "555566667777"))], { pipeline: true }),
      "a rotated certificate": () => reconcile({ dev: entry }, [environment("dev", rotated)], { pipeline: true }),
      "an old-format entry": () =>
        reconcile({ dev: { account: entry.account, roleName: entry.roleName, samlProviderName: entry.samlProviderName } }, [dev], { pipeline: true }),
      "an allowed identity change": () => reconcile({ dev: entry }, [environment("dev", otherIdp)], { pipeline: true, allowed: ["dev"] }),
    };
    const { lines } = cases[kind]();
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^error: ${LOCK}: the lock in the commit is not what synth records \\(.+\\): run npm run synth locally and commit ${LOCK}$`),
      ),
    );
  });

  test("GIVEN the committed lock matching in the pipeline WHEN reconciled THEN there is no problem", () => {
    const dev = environment("dev");
    expect(reconcile({ dev: entryOf(dev) }, [dev], { pipeline: true }).lines).toEqual([]);
  });
});

describe("certificate changes", () => {
  const cert = (hex: string, notAfter = "2031-11-26T23:55:12.000Z") => ({ sha256: fingerprint(hex), subject: `CN=${hex}`, notAfter });
  test("GIVEN the same certificates in another order WHEN compared THEN there is no change", () => {
    expect(certificateChanges([cert("A"), cert("B")], [cert("B"), cert("A")])).toEqual([]);
  });
  test("GIVEN one added during a rotation WHEN compared THEN only the added one is listed with its expiry date", () => {
    expect(certificateChanges([cert("A")], [cert("A"), cert("B", "2032-01-02T00:00:00.000Z")])).toEqual([
      `signing certificate added: SHA-256 ${cert("B").sha256}, expires 2032-01-02, subject CN=B`,
    ]);
  });
});

describe("the lock file", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-lock-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (value: unknown) => fs.writeFileSync(path.join(dir, LOCK_FILE), typeof value === "string" ? value : JSON.stringify(value));
  const errorsOf = () => readLock(dir, LOCK).problems.map(formatProblem);

  test("GIVEN no file WHEN read THEN there is no lock and no problem", () => {
    expect(readLock(dir, LOCK)).toEqual({ problems: [] });
  });

  test("GIVEN a lock text WHEN read back THEN it is the same lock, and the text is canonical whatever the order given", () => {
    const dev = entryOf(environment("dev"));
    const qa = { account: "555566667777", roleName: "r", samlProviderName: "p" };
    const text = lockText({
      qa,
      dev: {
        signingCertificates: dev.signingCertificates,
        entityId: dev.entityId,
        samlProviderName: dev.samlProviderName,
        roleName: dev.roleName,
        account: dev.account,
      },
    });
    expect(text).toBe(lockText({ dev, qa }));
    expect(Object.keys(JSON.parse(text))).toEqual(["dev", "qa"]);
    expect(Object.keys(JSON.parse(text).dev)).toEqual(["account", "roleName", "samlProviderName", "entityId", "signingCertificates"]);
    write(text);
    expect(readLock(dir, LOCK)).toEqual({ lock: { dev, qa }, problems: [] });
  });

  test("GIVEN text that is not JSON WHEN read THEN it says to restore it", () => {
    write("{ not json");
    expect(errorsOf()).toEqual([expect.stringMatching(new RegExp(`^error: ${LOCK}: is not valid JSON .*; restore it from version control$`))]);
  });

  test.each([
    ["a list", [], ""],
    ["an unknown key", { dev: { account: "1", roleName: "r", samlProviderName: "p", role: "x" } }, "dev: Unrecognized key"],
    ["a missing role", { dev: { account: "1", samlProviderName: "p" } }, "dev.roleName:"],
    [
      "an entityId without certificates",
      { dev: { account: "1", roleName: "r", samlProviderName: "p", entityId: ENTITY_ID } },
      "dev: entityId and signingCertificates are recorded together",
    ],
    [
      "no certificates",
      { dev: { account: "1", roleName: "r", samlProviderName: "p", entityId: ENTITY_ID, signingCertificates: [] } },
      "dev.signingCertificates:",
    ],
    [
      "a fingerprint that is not SHA-256",
      {
        dev: {
          account: "1",
          roleName: "r",
          samlProviderName: "p",
          entityId: ENTITY_ID,
          signingCertificates: [{ sha256: "AB:CD", subject: "CN=x", notAfter: "2031-01-01T00:00:00.000Z" }],
        },
      },
      "dev.signingCertificates[0].sha256: must be a SHA-256 fingerprint",
    ],
    [
      "an expiry that is not a date",
      {
        dev: {
          account: "1",
          roleName: "r",
          samlProviderName: "p",
          entityId: ENTITY_ID,
          signingCertificates: [{ sha256: fingerprint("0"), subject: "CN=x", notAfter: "soon" }],
        },
      },
      "dev.signingCertificates[0].notAfter:",
    ],
  ])("GIVEN %s WHEN read THEN it is refused naming where, and says to restore it", (_, value, where) => {
    write(value);
    const errors = errorsOf();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(new RegExp(`^error: ${LOCK}: ${where.replace(/[[\].]/g, "\\$&")}`));
    expect(errors[0]).toMatch(/restore it from version control$/);
  });
});

/** A well-formed SHA-256 fingerprint made of one hex digit. */
function fingerprint(hex: string): string {
  return Array.from({ length: 32 }, () => hex + hex).join(":");
}
