import { instanceKeyText, resourceAddress } from "../lib/tools/plan/address";

// Addresses as terraform 1.11 wrote them in `terraform show -json` for a for_each over these keys.
const WRITTEN: ReadonlyArray<[string, string]> = [
  ["Night shift ${team} 100%{x}", '"Night shift $${team} 100%%{x}"'],
  ['a"b\\c', '"a\\"b\\\\c"'],
  ["nbsp\u00a0é", '"nbsp\\u00a0é"'],
  ["tab\tx", '"tab\\tx"'],
  ["alice@example.com", '"alice@example.com"'],
];

test.each(WRITTEN)("GIVEN the instance key %j WHEN written as Terraform writes it in an address THEN it is %s", (key, written) => {
  expect(instanceKeyText(key)).toBe(written);
});

test("GIVEN a change of an instance whose key holds ${ WHEN its resource address is taken THEN the key is removed whole", () => {
  const address = 'aws_ssoadmin_application_assignment.application_group_assignments["Night shift $${team} 100%%{x}"]';
  expect(resourceAddress({ address, index: "Night shift ${team} 100%{x}" })).toBe("aws_ssoadmin_application_assignment.application_group_assignments");
  expect(resourceAddress({ address: "aws_iam_role.federation_role", index: undefined })).toBe("aws_iam_role.federation_role");
  expect(resourceAddress({ address: "aws_connect_user.connect_users[3]", index: 3 })).toBe("aws_connect_user.connect_users");
});
