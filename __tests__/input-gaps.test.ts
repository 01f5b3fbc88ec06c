/**
 * Input a team's first environment tends to get wrong, each refused with what to write instead:
 * a Region name that is shaped right but does not exist, an instance ARN where the ID belongs, a
 * certificate (PEM or DER) saved where the metadata belongs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadEnvironments } from "../lib/config/load";
import { formatProblem } from "../lib/config/problems";
import { KNOWN_REGIONS, unlistedRegionProblem } from "../lib/rules/regions";
import { EXAMPLES_DIR, TEST_NOW } from "./support/environments";
import { makeTempDir, removeTempDir } from "./support/terraform";

let dir: string;
beforeEach(() => {
  dir = makeTempDir("input-gaps");
  fs.mkdirSync(path.join(dir, "metadata"));
  fs.copyFileSync(path.join(EXAMPLES_DIR, "metadata", "dev.xml"), path.join(dir, "metadata", "dev.xml"));
});
afterEach(() => removeTempDir(dir));

/** The error lines of dev.yaml after `edit`, and of its metadata file replaced by `metadata` bytes. */
const errors = (edit: (text: string) => string, metadata?: Uint8Array | string) => {
  fs.writeFileSync(path.join(dir, "dev.yaml"), edit(fs.readFileSync(path.join(EXAMPLES_DIR, "dev.yaml"), "utf8")));
  if (metadata !== undefined) fs.writeFileSync(path.join(dir, "metadata", "dev.xml"), metadata);
  return loadEnvironments({ dir, now: TEST_NOW, cwd: dir })
    .problems.filter((p) => p.severity === "error")
    .map(formatProblem);
};
const certificateBase64 = () =>
  /<ds:X509Certificate>([\s\S]*?)<\/ds:X509Certificate>/.exec(fs.readFileSync(path.join(EXAMPLES_DIR, "metadata", "dev.xml"), "utf8"))![1].replace(/\s+/g, "");

test("GIVEN a Region shaped like one that does not exist WHEN loaded THEN it is refused with the nearest Regions and the way to allow a newer one", () => {
  expect(errors((t) => t.replace("region: us-west-2", "region: eu-central-3"))).toEqual([
    expect.stringMatching(
      /region: "eu-central-3" is not an AWS Region this project knows; did you mean eu-central-1, eu-central-2, .*set allowUnlistedRegion: true/,
    ),
  ]);
  expect(errors((t) => t.replace("region: us-west-2", "region: eu-central-3\nallowUnlistedRegion: true"))).toEqual([]);
  expect(
    errors((t) => t.replace("s3: { bucket: acme-connect-sso-state-dev, region: us-west-2 }", "s3: { bucket: acme-connect-sso-state-dev, region: us-west-3 }")),
  ).toEqual([expect.stringMatching(/backend\.s3\.region: "us-west-3" is not .*did you mean us-west-1, us-west-2/)]);
  expect(KNOWN_REGIONS.every((r) => unlistedRegionProblem(r) === undefined)).toBe(true);
});

test("GIVEN an instance ARN pasted into instanceId WHEN loaded THEN it says which ID to write", () => {
  const id = "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";
  expect(errors((t) => t.replace(`instanceId: ${id}`, `instanceId: arn:aws:connect:us-west-2:111122223333:instance/${id}`))).toEqual([
    expect.stringMatching(new RegExp(`connect\\.instanceId: is an instance ARN; write the ID it holds: instanceId: ${id}`)),
  ]);
});

test.each([
  ["PEM", () => `-----BEGIN CERTIFICATE-----\n${certificateBase64().replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n`],
  ["DER", () => Buffer.from(certificateBase64(), "base64")],
])("GIVEN a %s certificate saved as the metadata file WHEN loaded THEN it is named as a certificate, with the fix: download the metadata", (kind, bytes) => {
  expect(errors((t) => t, bytes())).toEqual([
    expect.stringMatching(
      new RegExp(`metadata/dev\\.xml is a certificate \\(${kind}\\), not SAML metadata: .*download the "IAM Identity Center SAML metadata file"`),
    ),
  ]);
});

describe("every problem of a file in one run", () => {
  const prod = (edit: (text: string) => string) => {
    fs.copyFileSync(path.join(EXAMPLES_DIR, "metadata", "prod.xml"), path.join(dir, "metadata", "prod.xml"));
    fs.writeFileSync(path.join(dir, "prod.yaml"), edit(fs.readFileSync(path.join(EXAMPLES_DIR, "prod.yaml"), "utf8")));
    return loadEnvironments({ dir, now: TEST_NOW, cwd: dir })
      .problems.filter((p) => p.severity === "error" && p.file.endsWith("prod.yaml"))
      .map((p) => p.path);
  };

  test("GIVEN an account error and users whose groups the environment does not manage WHEN loaded THEN both are reported, not one after the other", () => {
    const paths = prod((t) => t.replace(/^account: .*$/m, 'account: "12"').replace("manageHierarchyGroups: true", "manageHierarchyGroups: false"));
    expect(paths[0]).toBe("account");
    expect(paths).toEqual(expect.arrayContaining(["users[0].hierarchyGroup", "users[1].hierarchyGroup"]));
  });

  test("GIVEN a refused connect block WHEN loaded THEN checks that read it say nothing of their own (no problem follows from one already reported)", () => {
    const paths = prod((t) => t.replace("manageHierarchyGroups: true", "manageHierarchyGroups: maybe"));
    expect(paths).toEqual(["connect.manageHierarchyGroups"]);
  });
});
