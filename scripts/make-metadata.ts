/**
 * Makes fictional Identity Center SAML metadata (a fresh self-signed certificate in the shape
 * Identity Center publishes) for examples and tests. Never commit a real company's certificate.
 *
 *   node --import tsx scripts/make-metadata.ts <out.xml> [region] [validDays]
 *   npm run example-metadata   (renews the examples' metadata)
 */
import { webcrypto } from "node:crypto";
import * as fs from "node:fs";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface MetadataOptions {
  readonly region?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Fictional instance part of the entity ID. */
  readonly id?: string;
}

/** A self-signed certificate, DER in base64. */
export async function makeCertificate(notBefore: Date, notAfter: Date): Promise<string> {
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Date.now().toString(16),
    name: "CN=idp.example.invalid, OU=Generated test metadata, O=Example",
    notBefore,
    notAfter,
    signingAlgorithm: algorithm,
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]["keys"],
  });
  return Buffer.from(cert.rawData).toString("base64");
}

/** Identity-provider metadata around a certificate (base64 DER). */
export function metadataXml(certificateBase64: string, options: { region?: string; id?: string } = {}): string {
  const region = options.region ?? "us-west-2";
  const id = options.id ?? "MDAwMDAwMDAtZXhhbXBsZS1pZHA";
  const base = `https://portal.sso.${region}.amazonaws.com/saml`;
  const cert = certificateBase64.replace(/(.{64})/g, "$1\n");
  return `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${base}/assertion/${id}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data>
          <ds:X509Certificate>${cert}</ds:X509Certificate>
        </ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${base}/logout/${id}"/>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${base}/logout/${id}"/>
    <md:NameIDFormat/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${base}/assertion/${id}"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${base}/assertion/${id}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
`;
}

/** Fresh metadata valid from `notBefore` (default now) to `notAfter` (default five years later, as Identity Center's). */
export async function makeMetadata(options: MetadataOptions = {}): Promise<string> {
  const notBefore = options.notBefore ?? new Date();
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + 5 * 365 * 86_400_000);
  return metadataXml(await makeCertificate(notBefore, notAfter), options);
}

/** The examples' metadata, which `npm run example-metadata` renews. */
const EXAMPLES = ["dev", "staging", "prod"].map((e) => `examples/environments/metadata/${e}.xml`);

const USAGE = [
  "usage: node --import tsx scripts/make-metadata.ts <out.xml> [region] [validDays]   fictional Identity Center metadata for try-outs and tests",
  `       npm run example-metadata   (make-metadata.ts --examples) renews ${EXAMPLES.join(", ")}`,
].join("\n");

/** Why a command line cannot be used, or undefined. */
function usageProblem(argv: ReadonlyArray<string>): string | undefined {
  const [out, , days, ...rest] = argv;
  if (out === "--examples") return argv.length > 1 ? `--examples takes nothing more; given ${JSON.stringify(argv.slice(1).join(" "))}` : undefined;
  if (out === undefined) return "no output file given";
  if (out.startsWith("-")) return `unknown option ${out}`;
  if (days !== undefined && !/^[1-9]\d*$/.test(days)) return `validDays ${JSON.stringify(days)} is not a whole number of days`;
  return rest.length > 0 ? `at most three arguments, not ${argv.length}` : undefined;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const problem = usageProblem(argv);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
  } else if (problem) {
    console.error(`make-metadata: ${problem}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    const [out, region, days] = argv;
    const notBefore = new Date();
    const notAfter = days ? new Date(notBefore.getTime() + Number(days) * 86_400_000) : undefined;
    const files = out === "--examples" ? EXAMPLES : [out];
    Promise.all(files.map(async (file) => fs.writeFileSync(file, await makeMetadata({ region, notBefore, notAfter })))).catch((error: Error) => {
      console.error(`make-metadata: ${error.message}`);
      process.exitCode = 1;
    });
  }
}
