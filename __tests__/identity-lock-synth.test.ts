/**
 * The identity lock through synth: another identity provider, a removed or renamed environment
 * and a deleted lock are refused with nothing written; a certificate rotation is shown and
 * recorded; in the pipeline the lock must be committed, unmodified, and already what synth records.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LOCK_FILE } from "../lib/synth/identity-lock";
import { makeCertificate, makeMetadata } from "../lib/devtools/make-metadata";
import { EXAMPLES_DIR } from "./support/environments";
import { synthInto } from "./support/synth";

const ENTITY_ID = "https://portal.sso.us-west-2.amazonaws.com/saml/assertion/MDAwMDAwMDAtZXhhbXBsZS1pZHA";
const OTHER_ENTITY_ID = "https://portal.sso.us-west-2.amazonaws.com/saml/assertion/T3RoZXItaWRw";

let rotated: string;
let otherIdp: string;
beforeAll(async () => {
  const notBefore = new Date("2026-06-01T00:00:00Z");
  [rotated, otherIdp] = await Promise.all([makeMetadata({ notBefore }), makeMetadata({ notBefore, id: "T3RoZXItaWRw" })]);
});

let work: string;
let envDir: string;
let outdir: string;
let lockPath: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-lock-synth-"));
  envDir = path.join(work, "environments");
  outdir = path.join(work, "out");
  lockPath = path.join(envDir, LOCK_FILE);
  fs.mkdirSync(path.join(envDir, "metadata"), { recursive: true });
  fs.copyFileSync(path.join(EXAMPLES_DIR, "dev.yaml"), path.join(envDir, "dev.yaml"));
  fs.copyFileSync(path.join(EXAMPLES_DIR, "metadata", "dev.xml"), path.join(envDir, "metadata", "dev.xml"));
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

function synth(run: { readonly pipeline?: boolean; readonly allow?: string[] } = {}) {
  return synthInto(outdir, { ...run, environmentsDir: envDir, cwd: work });
}

/** dev recorded by a first synth, its output removed: a refused run must not bring any back. */
function recorded(): string {
  const first = synth();
  if (first.code !== 0) throw new Error(`first synth failed:\n${first.lines.join("\n")}`);
  fs.rmSync(outdir, { recursive: true });
  return fs.readFileSync(lockPath, "utf8");
}

const lock = () => JSON.parse(fs.readFileSync(lockPath, "utf8"));
const setMetadata = (xml: string) => fs.writeFileSync(path.join(envDir, "metadata", "dev.xml"), xml);

function expectRefusedWithNothingWritten(result: ReturnType<typeof synth>, lockBefore: string | undefined) {
  expect(result.code).toBe(1);
  expect(result.lines[result.lines.length - 1]).toMatch(/^synth stopped: \d+ error\(s\) in \d+ file\(s\); nothing was written$/);
  expect(fs.existsSync(outdir)).toBe(false);
  expect(fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : undefined).toBe(lockBefore);
}

describe("outside the pipeline", () => {
  test("GIVEN dev recorded WHEN its metadata is replaced by another identity provider's THEN synth refuses naming both entityIDs, and writes nothing", () => {
    const before = recorded();
    setMetadata(otherIdp);
    const result = synth();
    expect(result.lines).toContainEqual(
      expect.stringContaining(
        `error: environments/dev.yaml: ssoApplication.metadataFile: metadata/dev.xml is another identity provider's: entityID "${ENTITY_ID}" → "${OTHER_ENTITY_ID}"`,
      ),
    );
    expect(result.lines.join("\n")).toContain(
      'follow docs/identity-changes.md, "Changing the identity provider" and run with CONNECT_SSO_ALLOW_IDENTITY_CHANGE=dev',
    );
    expectRefusedWithNothingWritten(result, before);
  });

  test("GIVEN another identity provider allowed for dev WHEN synth runs THEN it synthesizes and records the new entityID", () => {
    recorded();
    setMetadata(otherIdp);
    const result = synth({ allow: ["dev"] });
    expect(result.code).toBe(0);
    expect(result.lines).toContainEqual(
      expect.stringMatching(/^recorded in environments\/identity\.lock\.json \(dev: identity change allowed; dev: signing certificates changed\): commit it/),
    );
    expect(lock().dev.entityId).toBe(OTHER_ENTITY_ID);
  });

  test("GIVEN a rotated certificate WHEN synth runs THEN it passes, shows the certificate removed and added, and records the new one", () => {
    const oldCert = JSON.parse(recorded()).dev.signingCertificates[0];
    setMetadata(rotated);
    const result = synth();
    expect(result.code).toBe(0);
    const newCert = lock().dev.signingCertificates[0];
    expect(newCert.sha256).not.toBe(oldCert.sha256);
    expect(result.lines).toEqual(
      expect.arrayContaining([
        `warning: environments/dev.yaml: ssoApplication.metadataFile: metadata/dev.xml signing certificate removed: SHA-256 ${oldCert.sha256}, expires 2031-11-26, subject ${oldCert.subject}`,
        `warning: environments/dev.yaml: ssoApplication.metadataFile: metadata/dev.xml signing certificate added: SHA-256 ${newCert.sha256}, expires ${newCert.notAfter.slice(0, 10)}, subject ${newCert.subject}`,
      ]),
    );
    expect(lock().dev.entityId).toBe(ENTITY_ID);
  });

  test("GIVEN an old-format lock entry WHEN synth runs THEN it is upgraded with a notice", () => {
    fs.writeFileSync(
      lockPath,
      JSON.stringify({ dev: { account: "111122223333", roleName: "AmazonConnectSSO-dev", samlProviderName: "AmazonConnectSSO-dev" } }),
    );
    const result = synth();
    expect(result.code).toBe(0);
    expect(result.lines).toContainEqual(
      expect.stringMatching(
        /^warning: environments\/identity\.lock\.json: dev: has no identity provider \(an entry from before entityID and certificates were locked\)/,
      ),
    );
    expect(lock().dev).toEqual(
      expect.objectContaining({ entityId: ENTITY_ID, signingCertificates: [expect.objectContaining({ sha256: expect.stringMatching(/^[0-9A-F:]{95}$/) })] }),
    );
  });

  test("GIVEN dev.yaml renamed WHEN synth runs THEN dev's entry refuses it with the way to retire or rename, and nothing is written", () => {
    const before = recorded();
    fs.renameSync(path.join(envDir, "dev.yaml"), path.join(envDir, "development.yaml"));
    const result = synth();
    expect(result.lines).toContainEqual(
      expect.stringMatching(
        /^error: environments\/identity\.lock\.json: dev: records environment dev, whose file dev\.yaml is gone \(removed or renamed\): its stacks \(connect-sso-dev .*still exist in AWS\. To retire it, follow docs\/identity-changes\.md, "Retiring an environment"; to rename it, follow docs\/identity-changes\.md, "Renaming an environment"/,
      ),
    );
    expectRefusedWithNothingWritten(result, before);
  });

  test("GIVEN dev.yaml removed and CONNECT_SSO_ALLOW_IDENTITY_CHANGE=dev WHEN synth runs THEN dev's entry is dropped with a notice", () => {
    recorded();
    fs.renameSync(path.join(envDir, "dev.yaml"), path.join(envDir, "development.yaml"));
    const result = synth({ allow: ["dev"] });
    expect(result.code).toBe(0);
    expect(result.lines).toContainEqual(
      expect.stringMatching(/^warning: environments\/identity\.lock\.json: dev: environment dev has no file any more: dropping its entry/),
    );
    expect(Object.keys(lock())).toEqual(["development"]);
  });

  test("GIVEN the lock deleted WHEN synth runs locally THEN it warns to restore a committed one and records a new lock", () => {
    recorded();
    fs.rmSync(lockPath);
    const result = synth();
    expect(result.code).toBe(0);
    expect(result.lines).toContainEqual(
      expect.stringMatching(
        /^warning: environments\/identity\.lock\.json: not found: recording every environment as new\. If it was committed, restore it instead/,
      ),
    );
    expect(Object.keys(lock())).toEqual(["dev"]);
  });
});

describe("in the pipeline", () => {
  const git = (cwd: string, ...args: string[]) => {
    const result = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], {
      cwd,
      encoding: "utf8",
    });
    if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr}`);
  };
  /** The work folder as a repository with dev and its lock committed. */
  function committed(): string {
    const text = recorded();
    git(work, "init", "-q");
    git(work, "add", "environments");
    git(work, "commit", "-q", "-m", "dev");
    return text;
  }

  test("GIVEN the lock committed and matching WHEN synth runs THEN it synthesizes without touching the lock", () => {
    const before = committed();
    const result = synth({ pipeline: true });
    expect(result.lines.filter((l) => l.startsWith("error"))).toEqual([]);
    expect(result.code).toBe(0);
    expect(fs.readFileSync(lockPath, "utf8")).toBe(before);
  });

  test("GIVEN a second X509Data added to the metadata and the lock unchanged WHEN synth runs THEN it refuses: a certificate added anywhere is a certificate change", async () => {
    const before = committed();
    const second = await makeCertificate(new Date("2026-06-01T00:00:00Z"), new Date("2031-06-01T00:00:00Z"));
    const xml = fs.readFileSync(path.join(envDir, "metadata", "dev.xml"), "utf8");
    setMetadata(xml.replace("</ds:X509Data>", `</ds:X509Data>\n<ds:X509Data><ds:X509Certificate>${second}</ds:X509Certificate></ds:X509Data>`));
    const result = synth({ pipeline: true });
    expect(result.lines.join("\n")).toMatch(/signing certificate added: SHA-256/);
    expect(result.lines.join("\n")).toMatch(/dev: signing certificates changed/);
    expectRefusedWithNothingWritten(result, before);
  });

  test("GIVEN the lock modified since the commit WHEN synth runs THEN it refuses naming the file and the fix", () => {
    committed();
    fs.appendFileSync(lockPath, "\n");
    const before = fs.readFileSync(lockPath, "utf8");
    const result = synth({ pipeline: true });
    expect(result.lines).toContainEqual(
      "error: environments/identity.lock.json: differs from the last commit (HEAD): the pipeline synthesizes what was committed; commit it (after npm run synth locally) or restore it (git checkout HEAD -- environments/identity.lock.json)",
    );
    expectRefusedWithNothingWritten(result, before);
  });

  test("GIVEN the lock not tracked by git WHEN synth runs THEN it refuses naming the file and the fix", () => {
    const before = committed();
    git(work, "rm", "-q", "--cached", "environments/identity.lock.json");
    const result = synth({ pipeline: true });
    expect(result.lines).toContainEqual(
      "error: environments/identity.lock.json: is not tracked by git: run npm run synth locally and commit environments/identity.lock.json",
    );
    expectRefusedWithNothingWritten(result, before);
  });

  test("GIVEN a folder outside any git checkout WHEN synth runs THEN it refuses: the lock cannot be proved committed", () => {
    const before = recorded();
    const result = synth({ pipeline: true });
    expect(result.lines).toContainEqual(expect.stringMatching(/^error: environments\/identity\.lock\.json: is not in a git checkout/));
    expectRefusedWithNothingWritten(result, before);
  });

  test("GIVEN a new environment committed without its lock entry WHEN synth runs THEN it refuses: the lock in the commit is not what synth records", () => {
    const before = committed();
    fs.writeFileSync(
      path.join(envDir, "qa.yaml"),
      fs.readFileSync(path.join(envDir, "dev.yaml"), "utf8").replace('"111122223333"', '"555566667777"').replace("0f3c8a52", "1f3c8a52"),
    );
    git(work, "add", "environments");
    git(work, "commit", "-q", "-m", "qa");
    const result = synth({ pipeline: true });
    expect(result.lines).toContainEqual(
      "error: environments/identity.lock.json: the lock in the commit is not what synth records (qa: new environment): run npm run synth locally and commit environments/identity.lock.json",
    );
    expectRefusedWithNothingWritten(result, before);
  });

  test("GIVEN the lock deleted WHEN synth runs THEN it refuses and says to restore it", () => {
    committed();
    fs.rmSync(lockPath);
    const result = synth({ pipeline: true });
    expect(result.lines).toContainEqual(
      expect.stringMatching(
        /^error: environments\/identity\.lock\.json: not found: .*restore it from version control \(git checkout HEAD -- environments\/identity\.lock\.json\)/,
      ),
    );
    expectRefusedWithNothingWritten(result, undefined);
  });
});
