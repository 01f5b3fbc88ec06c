/**
 * Naming, ARN and URL rules, checked against the literal strings of the doc and docs/reference/facts.md.
 */
import {
  acsUrl,
  attributeMappings,
  CONNECT_INSTANCE_ALIAS,
  CONNECT_INSTANCE_ID,
  CONNECT_USERNAME,
  connectInstanceArn,
  federationTokenResource,
  IAM_ROLE_NAME,
  maxSessionDurationSeconds,
  partitionOf,
  regionProblem,
  relayStateUrl,
  roleArn,
  roleAttributeValue,
  SAML_PROVIDER_NAME,
  samlAudience,
  samlProviderArn,
  stackName,
} from "../lib/rules/naming";

const ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

describe("partitions follow the region", () => {
  test.each([
    ["us-west-2", "aws"],
    ["eu-central-1", "aws"],
    ["ap-southeast-4", "aws"],
    ["il-central-1", "aws"],
    ["us-gov-west-1", "aws-us-gov"],
    ["us-gov-east-1", "aws-us-gov"],
    ["cn-north-1", "aws-cn"],
    ["cn-northwest-1", "aws-cn"],
  ])("GIVEN region %s THEN the partition is %s", (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
    expect(regionProblem(region)).toBeUndefined();
  });

  test.each(["us-west", "US-WEST-2", "uswest2", "us-west-2a", "mars-east-1", "", "us-gov-north-1"])(
    "GIVEN the non-region %p THEN it is refused with the allowed shape",
    (region) => {
      expect(partitionOf(region)).toBeUndefined();
      expect(regionProblem(region)).toMatch(/allowed: a region name such as us-west-2/);
    },
  );

  test("GIVEN an isolated-partition region THEN the refusal says why", () => {
    expect(regionProblem("us-iso-east-1")).toMatch(/isolated partitions/);
  });
});

describe("relay state URL", () => {
  test("GIVEN the doc's example THEN the URL is the doc's, to the letter", () => {
    expect(relayStateUrl({ partition: "aws", region: "us-west-2", instanceId: ID })).toBe(
      "https://us-west-2.console.aws.amazon.com/connect/federate/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    );
  });
  test("GIVEN the agent workspace landing page THEN the destination is URL-encoded", () => {
    expect(relayStateUrl({ partition: "aws", region: "eu-west-2", instanceId: ID, destination: "agent-app-v2" })).toBe(
      `https://eu-west-2.console.aws.amazon.com/connect/federate/${ID}?destination=%2Fagent-app-v2`,
    );
  });
  test("GIVEN the CCP chat landing page THEN new_domain=true follows", () => {
    expect(relayStateUrl({ partition: "aws", region: "us-east-1", instanceId: ID, destination: "ccp-v2-chat" })).toBe(
      `https://us-east-1.console.aws.amazon.com/connect/federate/${ID}?destination=%2Fccp-v2%2Fchat&new_domain=true`,
    );
  });
  test("GIVEN GovCloud THEN the console host has no region prefix", () => {
    expect(relayStateUrl({ partition: "aws-us-gov", region: "us-gov-west-1", instanceId: ID })).toBe(
      `https://console.amazonaws-us-gov.com/connect/federate/${ID}`,
    );
  });
  test("GIVEN China THEN the console is on amazonaws.cn", () => {
    expect(relayStateUrl({ partition: "aws-cn", region: "cn-north-1", instanceId: ID })).toBe(`https://cn-north-1.console.amazonaws.cn/connect/federate/${ID}`);
  });
});

describe("SAML audience and ACS URL per partition", () => {
  test.each([
    ["aws", "https://signin.aws.amazon.com/saml"],
    ["aws-cn", "https://signin.amazonaws.cn/saml"],
    ["aws-us-gov", "https://signin.amazonaws-us-gov.com/saml"],
  ] as const)("GIVEN partition %s THEN SAML:aud and the ACS URL are %s", (partition, url) => {
    expect(samlAudience(partition)).toBe(url);
    expect(acsUrl(partition)).toBe(url);
  });
});

describe("ARNs", () => {
  test("GIVEN names THEN the ARNs carry partition, account and name", () => {
    expect(samlProviderArn("aws", "111122223333", "AmazonConnectSSO-prod")).toBe("arn:aws:iam::111122223333:saml-provider/AmazonConnectSSO-prod");
    expect(roleArn("aws-us-gov", "111122223333", "r")).toBe("arn:aws-us-gov:iam::111122223333:role/r");
    expect(connectInstanceArn("aws-cn", "cn-north-1", "111122223333", ID)).toBe(`arn:aws-cn:connect:cn-north-1:111122223333:instance/${ID}`);
  });
  test("GIVEN an instance ARN THEN the federation resource is the caller's own user, escaped for Terraform", () => {
    expect(federationTokenResource("arn:aws:connect:us-west-2:111122223333:instance/x")).toBe(
      "arn:aws:connect:us-west-2:111122223333:instance/x/user/$${aws:userid}",
    );
  });
  test("GIVEN role and provider ARNs THEN the role attribute joins them with a comma and no space", () => {
    expect(roleAttributeValue("arn:aws:iam::1:role/r", "arn:aws:iam::1:saml-provider/p")).toBe("arn:aws:iam::1:role/r,arn:aws:iam::1:saml-provider/p");
  });
  test("GIVEN the role attribute THEN the three mappings are the doc's, names case-sensitive", () => {
    expect(attributeMappings("R,P")).toEqual([
      { attribute: "Subject", value: "${user:email}", format: "emailAddress" },
      { attribute: "https://aws.amazon.com/SAML/Attributes/RoleSessionName", value: "${user:email}", format: "unspecified" },
      { attribute: "https://aws.amazon.com/SAML/Attributes/Role", value: "R,P", format: "unspecified" },
    ]);
  });
});

describe("names and patterns", () => {
  test("GIVEN an environment THEN its stack is connect-sso-<env>", () => {
    expect(stackName("prod")).toBe("connect-sso-prod");
  });
  test.each([
    [0.25, 3600],
    [1, 3600],
    [10, 36000],
    [12, 43200],
    [1.5, 5400],
  ])("GIVEN a %s hour application session THEN the role allows %s seconds", (hours, seconds) => {
    expect(maxSessionDurationSeconds(hours)).toBe(seconds);
  });
  test("GIVEN the doc's own instance ID (13 characters in the last group) THEN it is refused", () => {
    expect(CONNECT_INSTANCE_ID.test("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeeee")).toBe(false);
    expect(CONNECT_INSTANCE_ID.test(ID)).toBe(true);
  });
  test("GIVEN Connect user names THEN 2..64 of [A-Za-z0-9_.@-] pass and others do not", () => {
    expect(CONNECT_USERNAME.test("alice.nguyen@example.com")).toBe(true);
    expect(CONNECT_USERNAME.test("a")).toBe(false);
    expect(CONNECT_USERNAME.test("bob smith")).toBe(false);
    expect(CONNECT_USERNAME.test("x".repeat(65))).toBe(false);
  });
  test("GIVEN IAM names THEN the SAML provider pattern is stricter than the role's", () => {
    expect(SAML_PROVIDER_NAME.test("AmazonConnect SSO")).toBe(false);
    expect(SAML_PROVIDER_NAME.test("a+b")).toBe(false);
    expect(IAM_ROLE_NAME.test("a+b=c,d.e@f-g_h")).toBe(true);
    expect(IAM_ROLE_NAME.test("r".repeat(65))).toBe(false);
  });
  test("GIVEN instance aliases THEN d- prefixes and edge hyphens are refused", () => {
    expect(CONNECT_INSTANCE_ALIAS.test("acme-prod")).toBe(true);
    expect(CONNECT_INSTANCE_ALIAS.test("d-acme")).toBe(false);
    expect(CONNECT_INSTANCE_ALIAS.test("acme-")).toBe(false);
  });
});
