/**
 * UsersStack's own check: a users stack outside the environment's layout is refused, naming the stack.
 */
import { UsersStack } from "../../stacks/users-stack";
import { ValidationError } from "../../modules/props";
import { exampleEnvironment, testApp } from "../support/environments";

test.each([0, 3, 1.5])("GIVEN dev with 2 users stacks WHEN users stack %s is made THEN it is refused, naming the stack and the allowed range", (stack) => {
  const environment = { ...exampleEnvironment("dev"), sharding: { stacks: 2, usersPerStack: 500 } };
  const make = () => new UsersStack(testApp(), { environment, stack });
  expect(make).toThrow(ValidationError);
  expect(make).toThrow(`connect-sso-dev-users-${stack}: stack ${stack} is out of range; allowed: 1..2 for connect-sso-dev`);
});
