/**
 * SamlProvider alone: the IAM SAML provider from the application's metadata; adoption imports it
 * by its ARN (in its partition); and what it refuses.
 */
import { SamlProvider, type SamlProviderProps } from "../../modules/saml-provider";
import { expectValidationError, STACK, synthesized } from "./bare-stack";

// The construct checks only the length: the content is checked where the file is read (lib/config/metadata.ts).
const props: SamlProviderProps = { name: "AmazonConnectSSO-dev", partition: "aws-cn", account: "111122223333", metadataDocument: "m".repeat(1000) };

describe("SamlProvider builds", () => {
  test("GIVEN a name and metadata WHEN built THEN one provider holds them, and nothing is imported", () => {
    const json = synthesized((stack) => new SamlProvider(stack, "provider", props));
    expect(json.resource.aws_iam_saml_provider).toEqual({ saml_provider: { name: props.name, saml_metadata_document: props.metadataDocument } });
    expect(json.import).toBeUndefined();
  });

  test("GIVEN protect WHEN built THEN the provider refuses destruction", () => {
    const json = synthesized((stack) => new SamlProvider(stack, "provider", { ...props, protect: true }));
    expect(json.resource.aws_iam_saml_provider.saml_provider.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("GIVEN adopt with the provider's name WHEN built THEN the first apply imports it by its ARN in its partition", () => {
    const json = synthesized((stack) => new SamlProvider(stack, "provider", { ...props, adopt: [props.name] }));
    expect(json.import).toEqual([{ to: "aws_iam_saml_provider.saml_provider", id: "arn:aws-cn:iam::111122223333:saml-provider/AmazonConnectSSO-dev" }]);
  });
});

describe("SamlProvider refuses, naming its path", () => {
  // The Terraform provider only checks the length; the IAM API refuses these at apply.
  test.each(["Amazon Connect", "a+b", "n".repeat(129)])("GIVEN name %j WHEN built THEN it is refused", (name) => {
    expectValidationError(
      (stack) => new SamlProvider(stack, "provider", { ...props, name }),
      `${STACK}/provider: name ${JSON.stringify(name)} is not valid; allowed: 1..128 of A-Z a-z 0-9 _ . -`,
    );
  });

  test("GIVEN metadata of 999 characters WHEN built THEN it is refused", () => {
    expectValidationError(
      (stack) => new SamlProvider(stack, "provider", { ...props, metadataDocument: "m".repeat(999) }),
      `${STACK}/provider: metadataDocument length 999 is out of range; allowed: 1000..10000000 characters`,
    );
  });

  test("GIVEN adopt with another name WHEN built THEN it is refused (it would import nothing)", () => {
    expectValidationError(
      (stack) => new SamlProvider(stack, "provider", { ...props, adopt: ["Other"] }),
      `${STACK}/provider: adopt names ["Other"], which this construct does not manage; allowed: this provider's name "AmazonConnectSSO-dev"`,
    );
  });
});
