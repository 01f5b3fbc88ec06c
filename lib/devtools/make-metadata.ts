/**
 * Makes fictional Identity Center SAML metadata (a fresh self-signed certificate in the shape
 * Identity Center publishes) for examples and tests. Never commit a real company's certificate.
 *
 *   node --import tsx scripts/make-metadata.ts <out.xml> [region] [validDays]   (npm run example-metadata runs it for the examples)
 */
import { webcrypto } from "node:crypto";
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
