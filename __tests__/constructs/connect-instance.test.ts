/**
 * ConnectInstance alone: `new` creates a SAML instance; fromInstanceId and fromAlias reference an
 * existing one, checked for SAML at plan time; each refuses an ID or alias AWS would refuse.
 */
import { ConnectInstance } from "../../modules/connect-instance";
import { expectValidationError, STACK, synthesized } from "./bare-stack";

const ID = "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";
const ALIAS_ALLOWED = "1..45 letters, digits and inner hyphens, not starting with d-";
const at = { partition: "aws-us-gov", region: "us-gov-west-1", account: "111122223333" } as const;

describe("new ConnectInstance: creates one", () => {
  test("GIVEN an alias and call settings WHEN built THEN one SAML instance is created with them, and its ID and ARN are references to it", () => {
    let made: ConnectInstance | undefined;
    const json = synthesized((stack) => (made = new ConnectInstance(stack, "instance", { alias: "acme-dev", inboundCalls: true, outboundCalls: false })));
    expect(json.resource.aws_connect_instance).toEqual({
      connect_instance: { identity_management_type: "SAML", instance_alias: "acme-dev", inbound_calls_enabled: true, outbound_calls_enabled: false },
    });
    expect(json.data).toBeUndefined();
    expect(made?.instanceId).toMatch(/^\$\{TfToken\[/);
    expect(made?.instanceArn).toMatch(/^\$\{TfToken\[/);
  });

  test("GIVEN protect WHEN built THEN the instance refuses terraform destroy", () => {
    const json = synthesized((stack) => new ConnectInstance(stack, "instance", { alias: "acme-prod", inboundCalls: true, outboundCalls: true, protect: true }));
    expect(json.resource.aws_connect_instance.connect_instance.lifecycle).toEqual({ prevent_destroy: true });
  });

  test.each(["d-acme", "acme prod", "-acme", "a".repeat(46)])("GIVEN alias %j WHEN built THEN it is refused, naming the construct's path", (alias) => {
    expectValidationError(
      (stack) => new ConnectInstance(stack, "instance", { alias, inboundCalls: true, outboundCalls: true }),
      `${STACK}/instance: alias ${JSON.stringify(alias)} is not valid; allowed: ${ALIAS_ALLOWED}`,
    );
  });
});

describe("ConnectInstance.fromInstanceId: references an existing one", () => {
  test("GIVEN an instance ID WHEN referenced THEN a data source reads it and fails the plan unless it uses SAML, and the ARN is known at synth", () => {
    let ref: ReturnType<typeof ConnectInstance.fromInstanceId> | undefined;
    const json = synthesized((stack) => (ref = ConnectInstance.fromInstanceId(stack, "instance", { instanceId: ID, ...at })));
    expect(json.resource).toBeUndefined();
    const source = json.data.aws_connect_instance.connect_instance;
    expect(source.instance_id).toBe(ID);
    expect(source.lifecycle.postcondition).toEqual([
      {
        condition: '${self.identity_management_type == "SAML"}',
        error_message: expect.stringMatching(new RegExp(`^Connect instance ${ID} does not use SAML `)),
      },
    ]);
    expect(ref?.instanceArn).toBe(`arn:aws-us-gov:connect:us-gov-west-1:111122223333:instance/${ID}`);
    // Users use the ID through the data source, so they wait for the SAML check.
    expect(ref?.instanceId).toMatch(/^\$\{TfToken\[/);
  });

  test.each([
    ["upper case", ID.toUpperCase()],
    ["the doc's example, 13 characters in the last group", "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111".toLowerCase()],
    ["an alias", "acme-dev"],
  ])("GIVEN %s WHEN referenced THEN it is refused, naming the construct's path", (_what, instanceId) => {
    expectValidationError(
      (stack) => ConnectInstance.fromInstanceId(stack, "instance", { instanceId, ...at }),
      `${STACK}/instance: instanceId ${JSON.stringify(instanceId)} is not valid; allowed: a UUID 8-4-4-4-12`,
    );
  });
});

describe("ConnectInstance.fromAlias: references one another stack creates", () => {
  test("GIVEN an alias WHEN referenced THEN a data source finds it by alias and fails the plan unless it uses SAML", () => {
    const json = synthesized((stack) => ConnectInstance.fromAlias(stack, "instance", { alias: "acme-staging" }));
    const source = json.data.aws_connect_instance.connect_instance;
    expect(source.instance_alias).toBe("acme-staging");
    expect(source.instance_id).toBeUndefined();
    expect(source.lifecycle.postcondition[0].error_message).toMatch(/^Connect instance with alias acme-staging does not use SAML /);
  });

  test("GIVEN an alias AWS refuses WHEN referenced THEN it is refused, naming the construct's path", () => {
    expectValidationError(
      (stack) => ConnectInstance.fromAlias(stack, "instance", { alias: "d-acme" }),
      `${STACK}/instance: alias "d-acme" is not valid; allowed: ${ALIAS_ALLOWED}`,
    );
  });
});
