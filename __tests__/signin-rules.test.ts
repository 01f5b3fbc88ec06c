/**
 * What IAM accepts as sign-in endpoints, audiences and Role values (lib/tools/signin/endpoints.ts),
 * against literal strings from AWS's documentation, and how synthesized policies are resolved.
 */
import { samlAudiences, signinEndpoints } from "../lib/rules/naming";
import { acceptedAudiences, parseRolePair, signinEndpointProblem } from "../lib/tools/signin/endpoints";
import { FederationShapeError, resolveReferences } from "../lib/tools/signin/federation";

describe("sign-in endpoints (AWS General Reference, AWS Sign-In endpoints)", () => {
  test.each([
    ["aws", "us-west-2", { partition: "https://signin.aws.amazon.com/saml", regional: "https://us-west-2.signin.aws.amazon.com/saml" }],
    ["aws", "eu-central-1", { partition: "https://signin.aws.amazon.com/saml", regional: "https://eu-central-1.signin.aws.amazon.com/saml" }],
    // us-east-1's own endpoint is signin.aws.amazon.com.
    ["aws", "us-east-1", { partition: "https://signin.aws.amazon.com/saml" }],
    ["aws-cn", "cn-northwest-1", { partition: "https://signin.amazonaws.cn/saml", regional: "https://cn-northwest-1.signin.amazonaws.cn/saml" }],
    // GovCloud (US) documents only the partition's endpoint.
    ["aws-us-gov", "us-gov-west-1", { partition: "https://signin.amazonaws-us-gov.com/saml" }],
  ] as const)("GIVEN %s %s WHEN its endpoints are asked THEN they are %j", (partition, region, expected) => {
    expect(signinEndpoints(partition, region)).toEqual(expected);
  });

  test.each([
    ["https://signin.aws.amazon.com/saml", "aws", undefined],
    ["https://ap-southeast-2.signin.aws.amazon.com/saml", "aws", undefined],
    ["https://us-east-1.signin.aws.amazon.com/saml", "aws", "us-east-1's sign-in endpoint is https://signin.aws.amazon.com/saml"],
    ["https://cn-north-1.signin.aws.amazon.com/saml", "aws", "cn-north-1 is not a Region of aws"],
    [
      "https://signin.aws.amazon.com/saml/",
      "aws",
      "it is not an AWS sign-in endpoint of aws (allowed: https://signin.aws.amazon.com/saml or a Region's own https://<region>.signin.aws.amazon.com/saml)",
    ],
    ["http://signin.aws.amazon.com/saml", "aws", expect.stringMatching(/not an AWS sign-in endpoint/)],
    ["https://signin.amazonaws-us-gov.com/saml", "aws-us-gov", undefined],
    [
      "https://us-gov-west-1.signin.amazonaws-us-gov.com/saml",
      "aws-us-gov",
      "it is not an AWS sign-in endpoint of aws-us-gov (allowed: https://signin.amazonaws-us-gov.com/saml)",
    ],
  ] as const)("GIVEN %s in %s WHEN checked as Destination or Recipient THEN its problem (undefined: accepted) is %s", (url, partition, problem) => {
    expect(signinEndpointProblem(url, partition)).toEqual(problem);
  });

  test("GIVEN a Region WHEN the role's SAML:aud values are asked THEN they are the partition's endpoint and the Region's own, when it has one", () => {
    expect(samlAudiences("aws", "us-west-2")).toEqual(["https://signin.aws.amazon.com/saml", "https://us-west-2.signin.aws.amazon.com/saml"]);
    expect(samlAudiences("aws", "us-east-1")).toEqual(["https://signin.aws.amazon.com/saml"]);
    expect(samlAudiences("aws-us-gov", "us-gov-west-1")).toEqual(["https://signin.amazonaws-us-gov.com/saml"]);
  });

  test("GIVEN a partition WHEN its audiences are asked THEN they are its sign-in endpoint and urn:amazon:webservices", () => {
    expect(acceptedAudiences("aws")).toEqual(["https://signin.aws.amazon.com/saml", "urn:amazon:webservices"]);
    expect(acceptedAudiences("aws-cn")).toEqual(["https://signin.amazonaws.cn/saml", "urn:amazon:webservices"]);
  });
});

describe("Role attribute values", () => {
  const role = "arn:aws:iam::111122223333:role/AmazonConnectSSO-dev";
  const provider = "arn:aws:iam::111122223333:saml-provider/AmazonConnectSSO-dev";

  test("GIVEN role,provider or provider,role WHEN read THEN both name the pair, with their order", () => {
    expect(parseRolePair(`${role},${provider}`)).toEqual({ pair: { roleArn: role, providerArn: provider, order: "role-first" } });
    expect(parseRolePair(`${provider},${role}`)).toEqual({ pair: { roleArn: role, providerArn: provider, order: "provider-first" } });
  });

  test("GIVEN a role name holding a comma (IAM allows it) WHEN read THEN the comma next to the provider ARN separates", () => {
    const odd = "arn:aws:iam::111122223333:role/team,blue";
    expect(parseRolePair(`${odd},${provider}`).pair).toEqual({ roleArn: odd, providerArn: provider, order: "role-first" });
  });

  test.each([
    [`${role}, ${provider}`, /contains spaces/],
    [`${role};${provider}`, /joined by one comma/],
    [`${role},${role}`, /is not a role ARN and a SAML provider ARN/],
    [role, /is not a role ARN and a SAML provider ARN/],
  ])("GIVEN %s WHEN read THEN it is refused: %s", (value, problem) => {
    expect(parseRolePair(value).problem).toMatch(problem);
  });
});

describe("resolving a synthesized policy", () => {
  test("GIVEN a known reference and an escaped IAM variable WHEN resolved THEN the reference is replaced and the variable kept for IAM", () => {
    const text = '{"Principal":"${aws_iam_saml_provider.saml_provider.arn}","Resource":"x/user/$${aws:userid}"}';
    expect(resolveReferences(text, { "aws_iam_saml_provider.saml_provider.arn": "arn:p" }, "test")).toBe(
      '{"Principal":"arn:p","Resource":"x/user/${aws:userid}"}',
    );
  });

  test("GIVEN a reference it does not know WHEN resolved THEN it refuses, naming it", () => {
    expect(() => resolveReferences('{"a":"${aws_iam_role.other.arn}"}', {}, "the policy")).toThrow(FederationShapeError);
    expect(() => resolveReferences('{"a":"${aws_iam_role.other.arn}"}', {}, "the policy")).toThrow(
      "the policy refers to ${aws_iam_role.other.arn}, which this command cannot resolve",
    );
  });
});
