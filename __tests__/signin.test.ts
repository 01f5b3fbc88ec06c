/**
 * `npm run verify-signin` on SAML responses signed for real: a test identity provider (a fresh key,
 * its metadata in the example dev environment's place) signs a response IAM and Connect accept, and
 * one for every way the command must refuse one. Each case names the check that fails, and the
 * failure line carries the doc's troubleshooting row and the fix.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Environment } from "../lib/config/environment";
import { loadEnvironments } from "../lib/config/load";
import { runVerifySignin } from "../lib/tools/signin/cli";
import type { LiveOptions } from "../lib/tools/signin/live";
import { synthesizedFederation, type Federation } from "../lib/tools/signin/federation";
import { findingLine, type Finding } from "../lib/tools/signin/report";
import { InputError, MAX_NESTING, nestingDepth, parseSamlResponseText } from "../lib/tools/signin/saml";
import { checkSamlResponse } from "../lib/tools/signin/verify";
import { acceptedFields, base64, makeIdp, responseXml, signedResponse, type ResponseFields, type TestIdp } from "./fixtures/signin/idp";
import { EXAMPLES_DIR, REPO, TEST_NOW } from "./support/environments";

const ACS = "https://signin.aws.amazon.com/saml";
const ALICE = "alice.nguyen@example.com";

let idp: TestIdp;
let otherIdp: TestIdp;
let dir: string;
let env: Environment;
let federation: Federation;

beforeAll(async () => {
  [idp, otherIdp] = await Promise.all([makeIdp(), makeIdp({ id: "T3RoZXItaWRw" })]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signin-test-"));
  fs.mkdirSync(path.join(dir, "metadata"));
  fs.copyFileSync(path.join(EXAMPLES_DIR, "dev.yaml"), path.join(dir, "dev.yaml"));
  fs.writeFileSync(path.join(dir, "metadata", "dev.xml"), idp.metadataXml);
  const loaded = loadEnvironments({ dir, now: TEST_NOW, cwd: REPO });
  expect(loaded.problems).toEqual([]);
  env = loaded.environments[0];
  federation = synthesizedFederation(env);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The response dev's alice would get from a correctly set-up application, with `change` applied. */
function fields(change: Partial<ResponseFields> = {}): ResponseFields {
  const accepted = acceptedFields({
    idp,
    acsUrl: ACS,
    username: ALICE,
    roleArn: federation.roleArn,
    providerArn: federation.providerArn,
    sessionSeconds: federation.maxSessionSeconds,
    now: TEST_NOW,
  });
  return { ...accepted, ...change };
}

async function check(xml: string, now = TEST_NOW) {
  return checkSamlResponse(env, federation, parseSamlResponseText(base64(xml), "test response"), now);
}

const failed = (findings: ReadonlyArray<Finding>) => findings.filter((f) => !f.ok);

describe("a response IAM and Connect accept", () => {
  test("GIVEN the response of a correctly set-up application WHEN checked THEN every check passes and it starts alice's session", async () => {
    const result = await check(signedResponse(idp, fields()));
    expect(failed(result.findings).map(findingLine)).toEqual([]);
    expect(result.signatureValid).toBe(true);
    expect(result.session).toEqual({ name: ALICE, audience: ACS, providerArn: federation.providerArn });
    expect(result.findings.map((f) => f.check)).toEqual([
      "size",
      "Status",
      "signature",
      "Destination",
      "Issuer",
      "Recipient",
      "Audience",
      "validity",
      "NameID",
      "RoleSessionName",
      "Role",
      "SessionDuration",
    ]);
  });

  test.each<[string, (accepted: ResponseFields) => Partial<ResponseFields>]>([
    ["the provider ARN first in the Role value (IAM reads both orders)", () => ({ roles: [`${federation.providerArn},${federation.roleArn}`] })],
    [
      "two Role pairs, one of them this environment's",
      (a) => ({ roles: ["arn:aws:iam::111122223333:role/Other,arn:aws:iam::111122223333:saml-provider/Other", ...a.roles!] }),
    ],
    ["the Audience urn:amazon:webservices", () => ({ audience: "urn:amazon:webservices" })],
    ["no SessionDuration (the console session lasts an hour)", () => ({ sessionDuration: null })],
    [
      "the Region's own sign-in endpoint as ACS URL (us-west-2)",
      () => ({ destination: "https://us-west-2.signin.aws.amazon.com/saml", recipient: "https://us-west-2.signin.aws.amazon.com/saml" }),
    ],
  ])("GIVEN %s WHEN checked THEN the response checks pass", async (_name, change) => {
    const result = await check(signedResponse(idp, fields(change(fields()))));
    expect(failed(result.findings).map(findingLine)).toEqual([]);
  });
});

/** Each case: how the response is made, the one check that must fail, and what its line must say. */
interface Refusal {
  readonly name: string;
  readonly make: () => string;
  readonly failing: string;
  readonly line: RegExp;
}

const refusal = (name: string, make: () => string, failing: string, line: RegExp): Refusal => ({ name, make, failing, line });

const REFUSED: Refusal[] = [
  refusal(
    "signed with another identity provider's key",
    () => signedResponse(otherIdp, fields()),
    "signature",
    /signed with a certificate \(SHA-256 .*\) that is not in metadata\/dev\.xml.*fix: download/,
  ),
  refusal(
    "changed after signing (another user put in)",
    () => signedResponse(idp, fields()).replace(`>${ALICE}</saml2:AttributeValue>`, ">dev.lead@example.com</saml2:AttributeValue>"),
    "signature",
    /does not verify with the signing certificate of metadata\/dev\.xml/,
  ),
  refusal("unsigned", () => responseXml(fields()), "signature", /neither the response nor its assertion is signed/),
  refusal(
    "a response longer than STS accepts (hundreds of Role pairs)",
    () =>
      signedResponse(
        idp,
        fields({ roles: [...fields().roles!, ...Array.from({ length: 500 }, (_, i) => `arn:aws:iam::111122223333:role/R${i},${federation.providerArn}`)] }),
      ),
    "size",
    /size: \d{6} base64 characters; STS accepts at most 100000; fix: remove attributes/,
  ),
  refusal(
    "a Destination that is not a sign-in endpoint (ACS URL set to the Connect instance)",
    () => signedResponse(idp, fields({ destination: "https://acme-dev.my.connect.aws/saml" })),
    "Destination",
    /"https:\/\/acme-dev\.my\.connect\.aws\/saml": it is not an AWS sign-in endpoint of aws.*doc row "An error occurred when we tried to process your request\." \(the Application ACS URL is incorrect\); fix: in the Identity Center console, set the application's "Application ACS URL" to https:\/\/signin\.aws\.amazon\.com\/saml/,
  ),
  refusal("no Destination", () => signedResponse(idp, fields({ destination: null })), "Destination", /the response has no Destination; doc row/),
  refusal(
    "a Recipient of another partition",
    () => signedResponse(idp, fields({ recipient: "https://signin.amazonaws.cn/saml" })),
    "Recipient",
    /"https:\/\/signin\.amazonaws\.cn\/saml": it is not an AWS sign-in endpoint of aws.*doc row "An error occurred/,
  ),
  refusal(
    "a Recipient on a Region that is not a Region",
    () => signedResponse(idp, fields({ recipient: "https://mars-north-1.signin.aws.amazon.com/saml" })),
    "Recipient",
    /mars-north-1 is not a Region of aws/,
  ),
  refusal(
    "an Audience IAM does not accept",
    () => signedResponse(idp, fields({ audience: "https://acme-dev.my.connect.aws" })),
    "Audience",
    /names none of https:\/\/signin\.aws\.amazon\.com\/saml, urn:amazon:webservices; fix: .*"Application SAML audience" to https:\/\/signin\.aws\.amazon\.com\/saml/,
  ),
  refusal("no Audience", () => signedResponse(idp, fields({ audience: null })), "Audience", /has no AudienceRestriction/),
  refusal(
    "an expired assertion",
    () =>
      signedResponse(
        idp,
        fields({ issueInstant: new Date("2026-11-30T10:00:00Z"), notBefore: new Date("2026-11-30T10:00:00Z"), notOnOrAfter: new Date("2026-11-30T10:05:00Z") }),
      ),
    "validity",
    /expired at 2026-11-30T10:05:00\.000Z .*checked at 2026-12-01T00:00:00\.000Z; fix: capture a fresh response .*--at 2026-11-30T10:00:00\.000Z/,
  ),
  refusal(
    "an assertion not yet valid",
    () => signedResponse(idp, fields({ notBefore: new Date("2026-12-01T01:00:00Z"), notOnOrAfter: new Date("2026-12-01T01:05:00Z") })),
    "validity",
    /not valid before 2026-12-01T01:00:00\.000Z/,
  ),
  refusal("no NameID", () => signedResponse(idp, fields({ nameId: null })), "NameID", /no NameID; fix: .*map "Subject" to \$\{user:email\}/),
  refusal(
    "the directory's windowsUPN as RoleSessionName",
    () => signedResponse(idp, fields({ roleSessionName: "anguyen@corp.example.local" })),
    "RoleSessionName",
    /"anguyen@corp\.example\.local" is no Connect user of .*dev\.yaml.*doc row "Other" \(the "email attribute sends windowsUPN" row.*fix: make the user's e-mail in Identity Center .*not windowsUPN/,
  ),
  refusal(
    "a RoleSessionName that differs in case from the Connect user name",
    () => signedResponse(idp, fields({ roleSessionName: "Alice.Nguyen@example.com" })),
    "RoleSessionName",
    /"Alice\.Nguyen@example\.com" differs in case from users\[0\]\.username "alice\.nguyen@example\.com"/,
  ),
  refusal(
    "a DOMAIN\\user RoleSessionName",
    () => signedResponse(idp, fields({ roleSessionName: "CORP\\anguyen" })),
    "RoleSessionName",
    /"CORP\\\\anguyen" is not a valid session name.*doc row "Other"/,
  ),
  refusal(
    "the RoleSessionName attribute in another case",
    () => signedResponse(idp, fields({ roleSessionNameAttribute: "https://aws.amazon.com/SAML/Attributes/rolesessionname" })),
    "RoleSessionName",
    /the attribute is named "https:\/\/aws\.amazon\.com\/SAML\/Attributes\/rolesessionname"; IAM needs exactly/,
  ),
  refusal(
    "no RoleSessionName",
    () => signedResponse(idp, fields({ roleSessionName: null })),
    "RoleSessionName",
    /has no https:\/\/aws\.amazon\.com\/SAML\/Attributes\/RoleSessionName attribute/,
  ),
  refusal(
    "the Role of another environment",
    () =>
      signedResponse(
        idp,
        fields({ roles: ["arn:aws:iam::444455556666:role/AmazonConnectSSO-prod,arn:aws:iam::444455556666:saml-provider/AmazonConnectSSO-prod"] }),
      ),
    "Role",
    /names role arn:aws:iam::444455556666:role\/AmazonConnectSSO-prod and provider arn:aws:iam::444455556666:saml-provider\/AmazonConnectSSO-prod; fix: .*map https:\/\/aws\.amazon\.com\/SAML\/Attributes\/Role to arn:aws:iam::111122223333:role\/AmazonConnectSSO-dev,arn:aws:iam::111122223333:saml-provider\/AmazonConnectSSO-dev/,
  ),
  refusal(
    "a space after the Role value's comma",
    () =>
      signedResponse(
        idp,
        fields({ roles: ["arn:aws:iam::111122223333:role/AmazonConnectSSO-dev, arn:aws:iam::111122223333:saml-provider/AmazonConnectSSO-dev"] }),
      ),
    "Role",
    /contains spaces; allowed: <role ARN>,<provider ARN> with no space/,
  ),
  refusal("no Role", () => signedResponse(idp, fields({ roles: null })), "Role", /has no https:\/\/aws\.amazon\.com\/SAML\/Attributes\/Role attribute/),
  refusal(
    "a SessionDuration longer than the role's maximum",
    () => signedResponse(idp, fields({ sessionDuration: "43200" })),
    "SessionDuration",
    /43200 s is longer than the role's maximum session of 36000 s; fix: .*at most 10 hours/,
  ),
  refusal(
    "a SessionDuration that is not a number",
    () => signedResponse(idp, fields({ sessionDuration: "10h" })),
    "SessionDuration",
    /"10h" is not a whole number of seconds in 900\.\.43200/,
  ),
  refusal(
    "another identity provider's Issuer (signed with this one's key)",
    () => signedResponse(idp, fields({ issuer: otherIdp.entityId })),
    "Issuer",
    /is not the entityID of metadata\/dev\.xml .*another identity provider or application/,
  ),
  refusal(
    "a status other than Success",
    () => signedResponse(idp, fields({ status: "urn:oasis:names:tc:SAML:2.0:status:Responder" })),
    "Status",
    /answered "urn:oasis:names:tc:SAML:2\.0:status:Responder"/,
  ),
];

describe("a response IAM or Connect would refuse", () => {
  test.each(REFUSED)("GIVEN $name WHEN checked THEN exactly the $failing check fails, with its reason and fix", async ({ make, failing, line }) => {
    const result = await check(make());
    expect(failed(result.findings).map((f) => f.check)).toEqual([failing]);
    expect(failed(result.findings).map(findingLine)[0]).toMatch(line);
  });
});

/**
 * Signature wrapping (XSW): alice's assertion, signed by the identity provider, moved to where IAM
 * does not read it, and an unsigned assertion naming another user (the attacker's choice) put where IAM does.
 */
const MALLORY = "dev.lead@example.com";
const ASSERTION = /<saml2:Assertion[\s\S]*<\/saml2:Assertion>/;
function wrapped(place: "extensions only" | "extensions" | "advice" | "second assertion"): string {
  const signed = signedResponse(idp, fields());
  const signedAssertion = ASSERTION.exec(signed)![0];
  const forged = ASSERTION.exec(responseXml(fields({ nameId: MALLORY, roleSessionName: MALLORY })))![0].replace('ID="_assertion1"', 'ID="_forged"');
  const head = signed.slice(0, signed.indexOf("<saml2:Assertion"));
  const inExtensions = head.replace("<saml2p:Status>", `<saml2p:Extensions>${signedAssertion}</saml2p:Extensions><saml2p:Status>`);
  const body = {
    "extensions only": inExtensions,
    extensions: inExtensions + forged,
    advice: head + forged.replace("</saml2:Subject>", `</saml2:Subject><saml2:Advice>${signedAssertion}</saml2:Advice>`),
    "second assertion": head + forged + signedAssertion,
  }[place];
  return `${body}</saml2p:Response>`;
}

describe("a signed assertion where IAM does not read it (signature wrapping)", () => {
  test.each<[Parameters<typeof wrapped>[0], RegExp]>([
    [
      "extensions only",
      /✗ signature: a signed Assertion \(ID "_assertion1"\) is at Response\/Extensions\/Assertion, where IAM does not read it: IAM reads only the Response's own signature and its direct Assertion child, and the response has none; fix: .*signature-wrapping \(XSW\)/,
    ],
    [
      "extensions",
      /✗ signature: a signed Assertion \(ID "_assertion1"\) is at Response\/Extensions\/Assertion, where IAM does not read it: .*its direct Assertion child, which is not signed; fix:/,
    ],
    [
      "advice",
      /✗ signature: a signed Assertion \(ID "_assertion1"\) is at Response\/Assertion\/Advice\/Assertion, where IAM does not read it: .*which is not signed/,
    ],
  ])(
    "GIVEN alice's signed assertion moved into %s WHEN checked THEN the signature finding says where the signed assertion is and that IAM does not read it there",
    async (place, line) => {
      const result = await check(wrapped(place));
      expect(result.signatureValid).toBe(false);
      expect(result.session).toBeUndefined();
      const signature = result.findings.find((f) => f.check === "signature")!;
      expect(findingLine(signature)).toMatch(line);
      expect(findingLine(signature)).not.toMatch(/neither the response nor its assertion is signed/);
    },
  );

  test.each<Parameters<typeof wrapped>[0]>(["extensions", "advice", "second assertion"])(
    "GIVEN an unsigned assertion naming another user, and alice's signed one in %s WHEN verified THEN it exits 1 and no verdict, proof or ✓ names the unverified user",
    async (place) => {
      const out: string[] = [];
      const file = path.join(dir, `wrapped-${place.replace(/ /g, "-")}.txt`);
      fs.writeFileSync(file, base64(wrapped(place)));
      const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
      const code = await runVerifySignin(["dev", "--saml-response", file], { CONNECT_SSO_ENVIRONMENTS: dir }, io, { now: TEST_NOW, cwd: REPO });
      expect(code).toBe(1);
      const result = out.find((l) => l.startsWith("Result:"));
      expect(result).toMatch(
        /^Result: this response would not sign in \(its signature does not verify, so the user it claims is unverified\): \d+ failed check/,
      );
      expect(result).not.toContain(MALLORY);
      expect(result).not.toContain(ALICE);
      expect(out.filter((l) => l.includes("this response ("))).toEqual([]);
      const responseSection = out.slice(
        0,
        out.findIndex((l) => l.startsWith("Policy proof")),
      );
      expect(responseSection.filter((l) => l.startsWith("  ✓") && l.includes(MALLORY))).toEqual([
        expect.stringMatching(/^ {2}✓ NameID: unverified: dev\.lead@example\.com$/),
        expect.stringMatching(/^ {2}✓ RoleSessionName: unverified: dev\.lead@example\.com is users\[1\]\.username/),
      ]);
    },
  );
});

describe("a response nested deeper than any SAML response", () => {
  const nested = (levels: number) =>
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${"<x>".repeat(levels - 1)}${"</x>".repeat(levels - 1)}</samlp:Response>`;

  test("GIVEN a signed response WHEN its nesting is counted THEN it is 7 levels, well under the limit", () => {
    expect(nestingDepth(signedResponse(idp, fields()))).toBe(7);
    expect(nestingDepth(`<a><!-- <b><c> --><![CDATA[<d><e>]]><f g="<h>"/></a>`)).toBe(2);
  });

  test.each([5_000, MAX_NESTING + 1])("GIVEN %i nested elements WHEN read THEN it is refused by name, as unreadable input", (levels) => {
    expect(() => parseSamlResponseText(nested(levels), "test")).toThrow(InputError);
    expect(() => parseSamlResponseText(nested(levels), "test")).toThrow(`test nests elements deeper than ${MAX_NESTING} levels; refused`);
  });

  test("GIVEN exactly the limit of nested elements WHEN read THEN the nesting is no reason to refuse it", () => {
    expect(parseSamlResponseText(nested(MAX_NESTING), "test").xml).toBe(nested(MAX_NESTING));
  });
});

describe("reading the response the way a SAML tracer gives it", () => {
  test("GIVEN the XML, the base64 value, its URL-encoded form and the whole form body WHEN read THEN each gives the same response", () => {
    const xml = signedResponse(idp, fields());
    const encoded = base64(xml);
    const forms = [
      xml,
      encoded,
      encodeURIComponent(encoded),
      `SAMLResponse=${encodeURIComponent(encoded)}&RelayState=https%3A%2F%2Fexample`,
      encoded.replace(/(.{76})/g, "$1\n"),
    ];
    for (const form of forms) expect(parseSamlResponseText(form, "test").xml).toBe(xml);
  });

  test.each<[string, string, RegExp]>([
    ["an empty file", "  \n", /test is empty/],
    ["text that is neither XML nor base64", "not a saml response!", /neither a SAML response's XML nor its base64 form/],
    ["base64 of something that is not XML", Buffer.from("just text").toString("base64"), /does not decode to XML/],
    ["malformed XML", "<samlp:Response xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'>", /not well-formed XML/],
    ["a DOCTYPE", "<!DOCTYPE x [<!ENTITY a 'b'>]><x/>", /has a <!DOCTYPE>/],
    ["another XML document", "<html><body/></html>", /not a SAML response: its root element is html/],
    ["a bare assertion", "<saml2:Assertion xmlns:saml2='urn:oasis:names:tc:SAML:2.0:assertion'/>", /is a bare Assertion/],
    [
      "an encrypted assertion",
      "<samlp:Response xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'><saml2:EncryptedAssertion xmlns:saml2='urn:oasis:names:tc:SAML:2.0:assertion'/></samlp:Response>",
      /holds an encrypted assertion/,
    ],
  ])("GIVEN %s WHEN read THEN it is refused as unreadable input, saying why", (_name, text, message) => {
    expect(() => parseSamlResponseText(text, "test")).toThrow(InputError);
    expect(() => parseSamlResponseText(text, "test")).toThrow(message);
  });

  test("GIVEN the identity provider's metadata instead of a response WHEN read THEN it says so", () => {
    expect(() => parseSamlResponseText(idp.metadataXml, "test")).toThrow(/is SAML metadata \(EntityDescriptor\), not a SAML response/);
  });
});

describe("the command", () => {
  const run = async (argv: string[], variables: NodeJS.ProcessEnv = { CONNECT_SSO_ENVIRONMENTS: dir }, live?: LiveOptions) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runVerifySignin(argv, variables, { out: (l) => out.push(l), err: (l) => err.push(l) }, { now: TEST_NOW, cwd: REPO, live });
    return { code, out: out.join("\n"), err };
  };
  const responseFile = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  test("GIVEN no response and no --live WHEN verified THEN the result says what the policies allow and names what only --live and a captured response can show", async () => {
    const { code, out } = await run(["dev"]);
    expect(code).toBe(0);
    expect(out).toMatch(
      /Result: the synthesized trust and permission policies let every user of connect-sso-dev sign in\. Not checked: that the stack is deployed as synthesized, and that each user exists in Connect and is assigned in Identity Center \(--live, read-only\); what Identity Center actually sends for a user \(--saml-response with a captured response\)\.$/,
    );
    expect(out).not.toMatch(/proven to sign in/);
  });

  test("GIVEN a good response WHEN verified THEN it exits 0, says alice would sign in, and proves every user", async () => {
    const { code, out, err } = await run(["dev", "--saml-response", responseFile("good.txt", base64(signedResponse(idp, fields())))]);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out).toMatch(/✓ RoleSessionName: alice\.nguyen@example\.com is users\[0\]\.username/);
    expect(out).toMatch(/✓ this response \(alice\.nguyen@example\.com\): sts:AssumeRoleWithSAML allowed/);
    expect(out).toMatch(/✓ dev\.lead@example\.com: sts:AssumeRoleWithSAML allowed/);
    expect(out).toMatch(/✓ denied: another provider/);
    expect(out).toMatch(
      /Result: alice\.nguyen@example\.com would sign in to connect-sso-dev, by the synthesized policies\. Not checked: that the stack is deployed as synthesized, and that each user exists in Connect and is assigned in Identity Center \(--live, read-only\)\.$/,
    );
    expect(out).not.toMatch(/✗/);
  });

  test("GIVEN a response changed after signing to name another user WHEN verified THEN the verdict names no one: the claimed user is unverified", async () => {
    const forged = signedResponse(idp, fields()).replace(`>${ALICE}</saml2:AttributeValue>`, ">dev.lead@example.com</saml2:AttributeValue>");
    const { code, out } = await run(["dev", "--saml-response", responseFile("forged.txt", base64(forged))]);
    expect(code).toBe(1);
    expect(out).toMatch(/Result: this response would not sign in \(its signature does not verify, so the user it claims is unverified\)/);
    expect(out.split("\n").find((l) => l.startsWith("Result:"))).not.toMatch(/dev\.lead@example\.com/);
    expect(out).not.toMatch(/this response \(dev\.lead@example\.com\)/);
  });

  test("GIVEN a response posted to the wrong ACS URL WHEN verified THEN it exits 1 with one line per failed check and no stack trace", async () => {
    const wrong = "https://acme-dev.my.connect.aws/saml";
    const { code, out, err } = await run([
      "dev",
      "--saml-response",
      responseFile("acs.txt", base64(signedResponse(idp, fields({ destination: wrong, recipient: wrong })))),
    ]);
    expect({ code, err }).toEqual({ code: 1, err: [] });
    const failures = out.split("\n").filter((l) => l.startsWith("  ✗"));
    expect(failures).toEqual([expect.stringMatching(/^ {2}✗ Destination: .*doc row .*fix: /), expect.stringMatching(/^ {2}✗ Recipient: .*doc row .*fix: /)]);
    expect(out).toMatch(/Result: this response would not sign in: 2 failed check\(s\)/);
  });

  test("GIVEN a response posted to the Region's own sign-in endpoint WHEN verified THEN it exits 0: the role admits that SAML:aud too", async () => {
    const regional = "https://us-west-2.signin.aws.amazon.com/saml";
    const file = responseFile("regional.txt", base64(signedResponse(idp, fields({ destination: regional, recipient: regional }))));
    const { code, out } = await run(["dev", "--saml-response", file]);
    expect(code).toBe(0);
    expect(out).toContain(`✓ this response (${ALICE}): sts:AssumeRoleWithSAML allowed (SAML:aud ${regional})`);
  });

  test("GIVEN an expired response and --at its issue time WHEN verified THEN the validity is checked as of then", async () => {
    const old = fields({
      issueInstant: new Date("2026-11-30T10:00:00Z"),
      notBefore: new Date("2026-11-30T10:00:00Z"),
      notOnOrAfter: new Date("2026-11-30T10:05:00Z"),
    });
    const file = responseFile("old.txt", base64(signedResponse(idp, old)));
    expect((await run(["dev", "--saml-response", file])).code).toBe(1);
    expect((await run(["dev", "--saml-response", file, "--at", "2026-11-30T10:01:00Z"])).code).toBe(0);
  });

  test.each<[string, () => string[], RegExp]>([
    ["a missing response file", () => ["dev", "--saml-response", path.join(dir, "missing.txt")], /--saml-response .*missing\.txt: no such file/],
    [
      "a file that is not a SAML response",
      () => ["dev", "--saml-response", responseFile("notes.txt", "hello")],
      /neither a SAML response's XML nor its base64 form/,
    ],
    ["an unknown environment", () => ["qa"], /unknown environment "qa": .* has dev/],
    ["no environment", () => [], /no environment given\nusage: npm run verify-signin/],
    ["an unknown option", () => ["dev", "--verbose"], /Unknown option '--verbose'/],
    ["an --at that is not a time", () => ["dev", "--at", "yesterday"], /--at "yesterday" is not an ISO time/],
    [
      "a response of 5,000 nested elements",
      () => [
        "dev",
        "--saml-response",
        responseFile(
          "deep.xml",
          `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${"<x>".repeat(5000)}${"</x>".repeat(5000)}</samlp:Response>`,
        ),
      ],
      /^verify-signin: --saml-response .*deep\.xml nests elements deeper than 32 levels; refused/,
    ],
  ])("GIVEN %s WHEN run THEN it exits 2 with one message on stderr and nothing on stdout", async (_name, argv, message) => {
    const { code, out, err } = await run(argv());
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err.join("\n")).toMatch(message);
    expect(err.join("\n")).not.toMatch(/\n\s+at /);
  });

  test("GIVEN --live and no AWS endpoint that answers WHEN run THEN it exits 2 saying it could not reach STS", async () => {
    const nowhere = "http://127.0.0.1:9";
    const live: LiveOptions = { endpoints: { sts: nowhere, iam: nowhere, connect: nowhere }, credentials: { accessKeyId: "test", secretAccessKey: "test" } };
    const { code, out, err } = await run(["dev", "--live"], undefined, live);
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err).toEqual([expect.stringMatching(/^verify-signin: --live could not reach STS: GetCallerIdentity: /)]);
  });

  test("GIVEN an environment file with errors WHEN run THEN it exits 2 naming the file's problem", async () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), "signin-broken-"));
    try {
      fs.writeFileSync(path.join(broken, "dev.yaml"), "account: 1234\n");
      const { code, err } = await run(["dev"], { CONNECT_SSO_ENVIRONMENTS: broken });
      expect(code).toBe(2);
      expect(err[0]).toMatch(/environment dev has errors: error: .*dev\.yaml.*account/);
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });
});
