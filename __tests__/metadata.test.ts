/**
 * Metadata checks: only usable identity-provider metadata with an in-date certificate gets through.
 */
import { checkMetadata, EXPIRY_WARNING_DAYS } from "../lib/config/metadata";
import { makeCertificate, metadataXml } from "../scripts/make-metadata";
import { errors, parse, validFile } from "./support/env-text";

const NOW = new Date("2027-03-01T00:00:00Z");
const DAY = 86_400_000;
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
