/**
 * `npm run new-env`: a team's first environment in one command, run in this process on a
 * throwaway project folder. What it writes synthesizes; its placeholder metadata is accepted by a
 * person's synth, refused by a pipeline's, and replacing it with the real download is recorded,
 * not refused as another identity provider. Bad input changes nothing.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { runNewEnv } from "../lib/tools/new-env/cli";
import { instanceChoice } from "../lib/tools/new-env/instance";
import { synthesize } from "../lib/synth/synth";
import { makeMetadata } from "../lib/devtools/make-metadata";
import { closeServer, makeTempDir, removeTempDir } from "./support/terraform";

const ID = "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";
const BASE = ["acme-prod", "--account", "123456789012", "--region", "eu-west-2"];
let work: string;
beforeEach(() => (work = makeTempDir("new-env")));
afterEach(() => removeTempDir(work));

const newEnv = async (argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runNewEnv(argv, { out: (t) => out.push(t), err: (l) => err.push(l) }, { cwd: work });
  return { code, out: out.join(""), err: err.join("\n") };
};
const synth = (pipeline = false) => {
  const lines: string[] = [];
  const code = synthesize({
    environmentsDir: path.join(work, "environments"),
    outdir: path.join(work, "out"),
    now: new Date(),
    cwd: work,
    allowIdentityChange: new Set(),
    pipeline,
    log: (l) => lines.push(l),
  });
  return { code, text: lines.join("\n") };
};
const files = () => (fs.existsSync(path.join(work, "environments")) ? fs.readdirSync(path.join(work, "environments"), { recursive: true }).sort() : []);

test("GIVEN a name, account, Region and instance ARN WHEN run THEN it writes a commented file and a placeholder, says what to do next, and a person's synth takes them", async () => {
  const result = await newEnv([...BASE, "--instance", `arn:aws:connect:eu-west-2:123456789012:instance/${ID}`]);
  expect(result).toMatchObject({ code: 0, err: "" });
  expect(result.out).toMatch(
    /^wrote environments\/acme-prod\.yaml and environments\/metadata\/acme-prod\.xml \(a placeholder\)\nNext:\n {2}1\. In IAM Identity Center/,
  );
  const text = fs.readFileSync(path.join(work, "environments", "acme-prod.yaml"), "utf8");
  expect(text).toContain(`instanceId: ${ID}`);
  expect(text).toMatch(/metadataFile: metadata\/acme-prod\.xml +# a PLACEHOLDER/);
  const first = synth();
  expect(first.code).toBe(0);
  expect(first.text).toMatch(/is the placeholder npm run new-env wrote: synth works, nothing can sign in, and a pipeline refuses it/);
  const lock = JSON.parse(fs.readFileSync(path.join(work, "environments", "identity.lock.json"), "utf8"));
  expect(lock["acme-prod"]).toEqual({ account: "123456789012", roleName: "AmazonConnectSSO-acme-prod", samlProviderName: "AmazonConnectSSO-acme-prod" });
});

test("GIVEN the placeholder recorded WHEN the real metadata replaces it THEN synth records the identity provider (a notice), never 'another identity provider'", async () => {
  await newEnv([...BASE, "--instance", ID]);
  expect(synth().code).toBe(0);
  fs.writeFileSync(path.join(work, "environments", "metadata", "acme-prod.xml"), await makeMetadata({ region: "eu-west-2" }));
  const second = synth();
  expect(second.text).not.toMatch(/another identity provider/);
  expect(second.code).toBe(0);
  expect(second.text).toMatch(/has no identity provider .*recording entityID "https:\/\/portal\.sso\.eu-west-2\.amazonaws\.com\/saml\/assertion\//);
  expect(JSON.parse(fs.readFileSync(path.join(work, "environments", "identity.lock.json"), "utf8"))["acme-prod"].entityId).toMatch(/^https:/);
});

test("GIVEN the placeholder WHEN a pipeline synthesizes THEN it is refused, naming the file and the fix", async () => {
  await newEnv([...BASE, "--instance", ID]);
  const result = synth(true);
  expect(result.code).toBe(1);
  expect(result.text).toMatch(/metadata\/acme-prod\.xml is the placeholder npm run new-env wrote: a pipeline never plans or applies it; download/);
});

test("GIVEN an alias WHEN run THEN the file creates a new instance with it", async () => {
  expect((await newEnv([...BASE, "--instance", "acme-contact"])).code).toBe(0);
  expect(fs.readFileSync(path.join(work, "environments", "acme-prod.yaml"), "utf8")).toMatch(/create: .*\n {4}alias: acme-contact\n/);
});

test("GIVEN metadata at a URL (loopback here; https elsewhere) WHEN run THEN the download is the metadata file, and no placeholder step is printed", async () => {
  const xml = await makeMetadata({ region: "eu-west-2" });
  const server = http.createServer((_, res) => res.end(xml));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metadata.xml`;
    const result = await newEnv([...BASE, "--instance", ID, "--metadata", url]);
    expect(result.code).toBe(0);
    expect(result.out).not.toMatch(/placeholder|In IAM Identity Center/);
    expect(fs.readFileSync(path.join(work, "environments", "metadata", "acme-prod.xml"), "utf8")).toBe(xml);
    expect(
      (await newEnv(["other", "--account", "123456789012", "--region", "eu-west-2", "--instance", ID, "--metadata", "http://example.invalid/m.xml"])).err,
    ).toMatch(/only https URLs are read/);
  } finally {
    await closeServer(server);
  }
});

test.each([
  [
    "an instance ARN of another account",
    ["--instance", `arn:aws:connect:eu-west-2:999988887777:instance/${ID}`],
    /is an instance of account 999988887777 in eu-west-2, not of --account 123456789012/,
  ],
  ["something that is no instance", ["--instance", "not an instance!"], /is neither an instance ID .*, an instance ARN .*, nor an alias/],
  ["a Region that does not exist", ["--instance", ID, "--region", "mars-1"], /--region "mars-1": allowed: a region name/],
  ["no account", ["--instance", ID, "--account", "12"], /--account "12": allowed: the 12-digit AWS account ID/],
  ["metadata that is not metadata", ["--instance", ID, "--metadata", "package.json"], /--metadata package\.json: /],
])("GIVEN %s WHEN run THEN it exits 2 naming the flag and what is allowed, and writes nothing", async (_, extra, message) => {
  fs.writeFileSync(path.join(work, "package.json"), "{}\n");
  const argv = [...BASE];
  for (let i = 0; i < extra.length; i += 2) {
    const at = argv.indexOf(extra[i]);
    if (at >= 0) argv[at + 1] = extra[i + 1];
    else argv.push(extra[i], extra[i + 1]);
  }
  const result = await newEnv(argv);
  expect(result.code).toBe(2);
  expect(result.err).toMatch(message);
  expect(result.err).not.toMatch(/\n\s+at /);
  expect(files()).toEqual([]);
});

test("GIVEN an environment of that name WHEN run again THEN it refuses to overwrite, and --help prints the usage", async () => {
  await newEnv([...BASE, "--instance", ID]);
  const before = fs.readFileSync(path.join(work, "environments", "acme-prod.yaml"), "utf8");
  const again = await newEnv([...BASE, "--instance", "acme-contact"]);
  expect(again.code).toBe(2);
  expect(again.err).toMatch(/environments\/acme-prod\.yaml exists: new-env never overwrites/);
  expect(fs.readFileSync(path.join(work, "environments", "acme-prod.yaml"), "utf8")).toBe(before);
  expect(await newEnv(["--help"])).toMatchObject({ code: 0, out: expect.stringMatching(/^usage: npm run new-env -- <name>/) });
});

test("GIVEN --instance values WHEN read THEN an ID or ARN names an existing instance, an alias a new one", () => {
  expect(instanceChoice(ID, "123456789012", "eu-west-2")).toEqual({ kind: "existing", id: ID });
  expect(instanceChoice(`arn:aws:connect:eu-west-2:123456789012:instance/${ID}`, "123456789012", "eu-west-2")).toEqual({ kind: "existing", id: ID });
  expect(instanceChoice("acme", "123456789012", "eu-west-2")).toEqual({ kind: "create", alias: "acme" });
  expect(instanceChoice(`arn:aws:connect:us-east-1:123456789012:instance/${ID}`, "123456789012", "eu-west-2")).toMatch(
    /in us-east-1, not .* in --region eu-west-2/,
  );
});

test("GIVEN Identity Center in another account WHEN run THEN the file names that account (with what reaches it) and synthesizes", async () => {
  const result = await newEnv([...BASE, "--instance", ID, "--identity-center-account", "999988887777", "--identity-center-region", "us-east-1"]);
  expect(result).toMatchObject({ code: 0, err: "" });
  const text = fs.readFileSync(path.join(work, "environments", "acme-prod.yaml"), "utf8");
  expect(text).toMatch(
    /identityCenter:\n {2}account: "999988887777" +# Identity Center's account: its bootstrap stack \(connect-sso-acme-prod-identity-center-bootstrap\)/,
  );
  expect(synth().code).toBe(0);
});

test("GIVEN Identity Center's account that is the environment's own WHEN run THEN nothing is written and the message names the field", async () => {
  const result = await newEnv([...BASE, "--instance", ID, "--identity-center-account", "123456789012"]);
  expect(result.code).toBe(2);
  expect(result.err).toMatch(/identityCenter\.account: is the environment's own account 123456789012/);
  expect(files()).toEqual([]);
});
