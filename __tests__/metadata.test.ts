/**
 * Metadata checks: only usable identity-provider metadata with an in-date certificate gets through.
 */
import { checkMetadata, EXPIRY_WARNING_DAYS, METADATA_MAX_DEPTH } from "../lib/config/metadata";
import { currentIdentity } from "../lib/synth/identity-lock";
import { makeCertificate, metadataXml } from "../lib/devtools/make-metadata";
import { errors, parse, validFile } from "./support/env-text";

const NOW = new Date("2027-03-01T00:00:00Z");
const DAY = 86_400_000;
const HOME = { partition: "aws", region: "us-west-2" } as const;
const OTHER_IDP = "https://idp.example.invalid/saml/metadata";

/** Identity Center-shaped metadata with one signing KeyDescriptor per certificate, in order. */
function withCertificates(...certificates: string[]): string {
  const keyDescriptor = (cert: string) => /<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/.exec(metadataXml(cert))![0];
  return metadataXml(certificates[0]).replace(keyDescriptor(certificates[0]), certificates.map(keyDescriptor).join("\n    "));
}

const fromOtherIdp = (xml: string) => xml.replace(/entityID="[^"]*"/, `entityID="${OTHER_IDP}"`);
let inDate: string;
let expired: string;
let expiring: string;
let future: string;

beforeAll(async () => {
  [inDate, expired, expiring, future] = await Promise.all([
    makeCertificate(new Date(NOW.getTime() - 100 * DAY), new Date(NOW.getTime() + 1000 * DAY)),
    makeCertificate(new Date(NOW.getTime() - 2000 * DAY), new Date(NOW.getTime() - DAY)),
    makeCertificate(new Date(NOW.getTime() - 2000 * DAY), new Date(NOW.getTime() + 10 * DAY)),
    makeCertificate(new Date(NOW.getTime() + 10 * DAY), new Date(NOW.getTime() + 1000 * DAY)),
  ]);
});

describe("identity-provider metadata", () => {
  test("GIVEN metadata in Identity Center's shape WHEN checked THEN it passes and the certificate is read", () => {
    const result = checkMetadata(metadataXml(inDate), NOW);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.entityId).toMatch(/^https:\/\/portal\.sso\.us-west-2\.amazonaws\.com\/saml\/assertion\//);
    expect(result.certificates).toHaveLength(1);
    expect(result.certificates[0].subject).toMatch(/CN=idp\.example\.invalid/);
  });

  test("GIVEN an expired certificate WHEN checked THEN it is an error with the date", () => {
    const [error] = checkMetadata(metadataXml(expired), NOW).errors;
    expect(error).toMatch(/signing certificate .* expired on 2027-02-28/);
  });

  test(`GIVEN a certificate expiring within ${EXPIRY_WARNING_DAYS} days WHEN checked THEN it is a warning with the date`, () => {
    const result = checkMetadata(metadataXml(expiring), NOW);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(/expires on 2027-03-11, within 30 days/)]);
  });

  test("GIVEN a certificate not yet valid WHEN checked THEN it is an error", () => {
    expect(checkMetadata(metadataXml(future), NOW).errors).toEqual([expect.stringMatching(/is not valid before 2027-03-11/)]);
  });

  test("GIVEN a certificate that does not decode WHEN checked THEN it says so", () => {
    const garbled = metadataXml(Buffer.from("not a certificate at all, just some bytes").toString("base64"));
    expect(checkMetadata(garbled, NOW).errors).toEqual([expect.stringMatching(/does not decode as an X\.509 certificate/)]);
  });

  test("GIVEN metadata without a signing certificate WHEN checked THEN it says which element is missing", () => {
    const noCert = metadataXml(inDate).replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, "");
    expect(checkMetadata(noCert.padEnd(1200, " "), NOW).errors).toEqual([expect.stringMatching(/has no signing certificate/)]);
  });

  test("GIVEN an encryption-only key WHEN checked THEN it is not taken for a signing certificate", () => {
    const encryptionOnly = metadataXml(inDate).replace('use="signing"', 'use="encryption"');
    expect(checkMetadata(encryptionOnly, NOW).errors).toEqual([expect.stringMatching(/has no signing certificate/)]);
  });

  test("GIVEN service-provider metadata WHEN checked THEN it says it is the wrong side", () => {
    const sp = metadataXml(inDate).replace(/IDPSSODescriptor/g, "SPSSODescriptor");
    expect(checkMetadata(sp, NOW).errors).toEqual([expect.stringMatching(/is service-provider metadata \(SPSSODescriptor\)/)]);
  });

  test("GIVEN an HTML page saved by mistake WHEN checked THEN it says so", () => {
    const html = `<!DOCTYPE html><html><head><title>AWS access portal</title></head><body>${"x".repeat(2000)}</body></html>`;
    expect(checkMetadata(html, NOW).errors).toEqual([expect.stringMatching(/is an HTML page, not SAML metadata/)]);
  });

  test("GIVEN text that is not XML WHEN checked THEN the syntax error has line and column", () => {
    const broken = metadataXml(inDate).replace("</md:IDPSSODescriptor>", "");
    expect(checkMetadata(broken, NOW).errors).toEqual([expect.stringMatching(/is not well-formed XML: .* at line \d+, column \d+/)]);
  });

  test("GIVEN XML that is not SAML metadata WHEN checked THEN it names the root found", () => {
    const other = `<?xml version="1.0"?><project>${"<item/>".repeat(200)}</project>`;
    expect(checkMetadata(other, NOW).errors).toEqual([expect.stringMatching(/root element must be md:EntityDescriptor, found project/)]);
  });

  test.each([
    ["too short", 999],
    ["too long", 10_000_001],
  ])("GIVEN metadata %s (%i characters) WHEN checked THEN IAM's limits are named", (_, length) => {
    expect(checkMetadata("x".repeat(length), NOW).errors).toEqual([expect.stringMatching(/IAM accepts 1000\.\.10000000/)]);
  });
});

describe("metadata through the environment file", () => {
  test("GIVEN a metadata file that does not exist WHEN the environment is parsed THEN the field and path are named", () => {
    expect(errors(validFile(), { metadata: null })).toEqual([
      'ssoApplication.metadataFile: file not found: "metadata/test.xml" (paths are relative to the environment file)',
    ]);
  });

  test("GIVEN an expiring certificate WHEN the environment is parsed THEN it is a warning, and the environment still loads", () => {
    const { environment, problems } = parse(validFile(), { metadata: metadataXml(expiring), now: NOW });
    expect(environment).toBeDefined();
    expect(problems).toEqual([expect.objectContaining({ severity: "warning", path: "ssoApplication.metadataFile" })]);
  });
});

describe("hostile or odd metadata", () => {
  test.each([
    ["a SYSTEM entity", '<!DOCTYPE md:EntityDescriptor [<!ENTITY e SYSTEM "file:///etc/passwd">]>'],
    ["an entity expansion", '<!DOCTYPE md:EntityDescriptor [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'],
    ["no internal subset, in lower case", "<!doctype md:EntityDescriptor>"],
  ])("GIVEN a DOCTYPE with %s WHEN checked THEN it is refused with its line, without parsing", (_, doctype) => {
    const xml = metadataXml(inDate)
      .replace(/\n/, `\n${doctype}\n`)
      .replace(/entityID="[^"]*"/, 'entityID="&e;&b;"');
    const result = checkMetadata(xml, NOW, HOME);
    expect(result.errors).toEqual([
      expect.stringMatching(/^has a DOCTYPE declaration \(line 2\); no file with one is read, so no XML entity is ever resolved/),
    ]);
    expect(result.entityId).toBeUndefined();
  });

  test("GIVEN cdktf's reference marker in a comment WHEN checked THEN the file is refused, naming the line: it could not reach IAM as written", () => {
    const xml = metadataXml(inDate).replace("<md:NameIDFormat/>", "<!-- ${TfToken[TOKEN.1]} -->\n    <md:NameIDFormat/>");
    expect(checkMetadata(xml, NOW, HOME).errors).toEqual([
      expect.stringMatching(/^contains "\$\{TfToken\[" \(line \d+\), a marker the synth tool would replace/),
    ]);
  });

  test("GIVEN elements nested deeper than the parser reads WHEN checked THEN the depth is named, not the library's exception", () => {
    const deep = `${"<x>".repeat(METADATA_MAX_DEPTH + 5)}${"</x>".repeat(METADATA_MAX_DEPTH + 5)}`;
    const xml = metadataXml(inDate).replace("<md:NameIDFormat/>", deep);
    expect(() => checkMetadata(xml, NOW, HOME)).not.toThrow();
    expect(checkMetadata(xml, NOW, HOME).errors).toEqual([`nests XML elements more than ${METADATA_MAX_DEPTH} deep; SAML metadata nests fewer than 10`]);
  });

  test("GIVEN one expired and one in-date signing certificate (a key rollover) WHEN checked THEN it passes with a warning naming the expired one", () => {
    const result = checkMetadata(withCertificates(expired, inDate), NOW, HOME);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /^signing certificate 1 \(CN=idp\.example\.invalid.*\) expired on 2027-02-28; accepted as a key rollover because signing certificate 2 is in date$/,
      ),
    ]);
    expect(result.certificates.map((c) => c.validTo.toISOString().slice(0, 10))).toEqual(["2027-02-28", "2029-11-25"]);
  });

  test("GIVEN an in-date certificate and one not yet valid (a rollover announced early) WHEN checked THEN it passes with a warning", () => {
    const result = checkMetadata(withCertificates(inDate, future), NOW, HOME);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      expect.stringMatching(/^signing certificate 2 .* is not valid before 2027-03-11; accepted as a key rollover because signing certificate 1 is in date$/),
    ]);
  });

  test("GIVEN two signing certificates, none in date WHEN checked THEN each is an error", () => {
    const result = checkMetadata(withCertificates(expired, future), NOW, HOME);
    expect(result.errors).toEqual([
      expect.stringMatching(
        /^signing certificate 1 .* expired on 2027-02-28 and no signing certificate is in date: in IAM Identity Center add a new certificate/,
      ),
      expect.stringMatching(/^signing certificate 2 .* is not valid before 2027-03-11 and no signing certificate is in date$/),
    ]);
  });

  test("GIVEN an expired Identity Center certificate WHEN checked with the environment's home THEN the advice names Identity Center's console", () => {
    const [error] = checkMetadata(metadataXml(expired), NOW, HOME).errors;
    expect(error).toMatch(
      /expired on 2027-02-28: in IAM Identity Center add a new certificate and make it primary, then download the Amazon Connect application's metadata again/,
    );
  });

  test.each([
    ["another identity provider's metadata", fromOtherIdp, HOME],
    ["Identity Center metadata of another home region", (xml: string) => xml, { partition: "aws", region: "eu-west-1" } as const],
    ["metadata checked without a home (the review tools)", (xml: string) => xml, undefined],
  ])("GIVEN %s with an expired or expiring certificate WHEN checked THEN the advice says 'your identity provider', never Identity Center", (_, edit, home) => {
    const expiredAdvice = checkMetadata(edit(metadataXml(expired)), NOW, home).errors;
    const expiringAdvice = checkMetadata(edit(metadataXml(expiring)), NOW, home).warnings;
    expect([...expiredAdvice, ...expiringAdvice]).toEqual([
      expect.stringMatching(/expired on 2027-02-28: get metadata with a new signing certificate from your identity provider/),
      expect.stringMatching(/expires on 2027-03-11, within 30 days: get metadata with a new signing certificate from your identity provider/),
    ]);
    expect([...expiredAdvice, ...expiringAdvice].join("\n")).not.toMatch(/Identity Center/);
  });

  test("GIVEN service-provider metadata WHEN checked THEN the advice names no identity provider it cannot know", () => {
    const sp = metadataXml(inDate)
      .replace(/IDPSSODescriptor/g, "SPSSODescriptor")
      .replace(/entityID="[^"]*"/, 'entityID="urn:amazon:webservices"');
    expect(checkMetadata(sp, NOW, HOME).errors).toEqual([
      "is service-provider metadata (SPSSODescriptor); IAM needs the identity provider's metadata (IDPSSODescriptor): download the metadata again from your identity provider",
    ]);
  });
});

describe("hostile or odd metadata through the environment file", () => {
  test("GIVEN a key rollover WHEN the environment is parsed THEN it loads with a warning, and the identity lock records both certificates", () => {
    const { environment, problems } = parse(validFile(), { metadata: withCertificates(expired, inDate), now: NOW });
    expect(problems).toEqual([
      expect.objectContaining({ severity: "warning", path: "ssoApplication.metadataFile", message: expect.stringMatching(/key rollover/) }),
    ]);
    const { entry, problems: lockProblems } = currentIdentity(environment!, NOW);
    expect(lockProblems).toEqual([]);
    expect(entry!.signingCertificates!.map((c) => c.notAfter.slice(0, 10)).sort()).toEqual(["2027-02-28", "2029-11-25"]);
  });

  test("GIVEN the environment's Identity Center home region WHEN an expired certificate is parsed THEN the advice follows identityCenter.region", () => {
    const file = { ...validFile(), identityCenter: { region: "eu-west-1" } };
    const [euAdvice] = errors(file, { metadata: metadataXml(expired, { region: "eu-west-1" }), now: NOW });
    const [otherAdvice] = errors(validFile(), { metadata: fromOtherIdp(metadataXml(expired)), now: NOW });
    expect(euAdvice).toMatch(/^ssoApplication\.metadataFile: metadata\/test\.xml signing certificate .* expired on 2027-02-28: in IAM Identity Center add/);
    expect(otherAdvice).toMatch(/expired on 2027-02-28: get metadata with a new signing certificate from your identity provider/);
  });

  test("GIVEN metadata text starting with a byte-order mark WHEN the environment is parsed THEN the environment holds it without the mark", () => {
    const xml = metadataXml(inDate);
    const { environment } = parse(validFile(), { metadata: `\uFEFF${xml}`, now: NOW });
    expect(environment?.ssoApplication.metadataXml).toBe(xml);
  });
});
