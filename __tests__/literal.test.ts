/**
 * Literal text (lib/rules/literal.ts, and its use in the constructs): user text reaches Terraform
 * escaped once, and cdktf's reference markers are refused. Terraform's own reading of the escaped
 * text is proven in __tests__/integration/literal.test.ts.
 */
import { Token } from "cdktf";
import { literal, TOKEN_MARKER } from "../lib/rules/literal";
import { ConnectUsers } from "../modules/connect-users";
import { environmentProvider } from "../stacks/environment-stack";
import { expectValidationError, STACK, synthesized } from "./constructs/bare-stack";

const user = { username: "bob@example.com", lastName: "Martin", securityProfiles: ["Agent"], routingProfile: "Basic", phoneType: "SOFT_PHONE" } as const;
const connectUser = (firstName: string, profile = "Agent") => ({
  ...user,
  firstName,
  securityProfiles: [profile],
  autoAccept: false,
  afterContactWorkTimeLimit: 0,
});

describe("literal(text)", () => {
  test.each([
    ["${aws_iam_role.federation_role.arn}", "$${aws_iam_role.federation_role.arn}"],
    ["%{ if true }x%{ endif }", "%%{ if true }x%%{ endif }"],
    ["$${already}", "$$${already}"],
    ["%%{already}", "%%%{already}"],
    ["a plain $ and % and {braces}", "a plain $ and % and {braces}"],
    ["$", "$"],
    ["", ""],
  ])("GIVEN %j WHEN made literal THEN Terraform JSON spells it %j", (text, expected) => {
    expect(literal(text)).toBe(expected);
  });

  test("GIVEN text without ${ or %{ WHEN made literal THEN it is unchanged (so the examples' JSON stays the same)", () => {
    for (const text of ["Alice", "Jos\u00e9 Pe\u00f1a", "Basic Routing Profile", "100% $5 {x}", "<!-- a comment -->"]) expect(literal(text)).toBe(text);
  });
});

describe("TOKEN_MARKER", () => {
  test("GIVEN cdktf's own string, list and map tokens WHEN tested THEN the marker finds each (so user text holding one is refused)", () => {
    const tokens = {
      string: Token.asString({ resolve: () => "x" }),
      list: Token.asList({ resolve: () => ["x"] })[0],
      map: Object.keys(Token.asStringMap({ resolve: () => ({}) }))[0],
    };
    expect(Object.entries(tokens).filter(([, token]) => !TOKEN_MARKER.test(token))).toEqual([]);
  });

  test("GIVEN ordinary text, ${...} and TfToken without its marker WHEN tested THEN nothing is found", () => {
    for (const text of ["Alice", "${aws_iam_role.x.arn}", "TfToken[TOKEN.1]", "{TfToken[TOKEN.1]}"]) expect(TOKEN_MARKER.test(text)).toBe(false);
  });
});

describe("the constructs take user text literally", () => {
  const text = "${aws_iam_role.federation_role.arn} %{ if true }x%{ endif } $${already} $";

  test("GIVEN a user whose first name and profile hold template sequences WHEN synthesized THEN the entry is escaped once and the look-up's toset quotes the name", () => {
    const json = synthesized((stack) => new ConnectUsers(stack, "users", { instanceId: "i", users: [connectUser(text, 'a "quoted" \\ profile %{x}')] }));
    const entry = json.locals.connect_users["bob@example.com"];
    expect(entry.first_name).toBe("$${aws_iam_role.federation_role.arn} %%{ if true }x%%{ endif } $$${already} $");
    expect(entry.security_profiles).toEqual(['a "quoted" \\ profile %%{x}']);
    // cdktf escapes ${ inside toset itself; quotes, backslashes and %{ are escaped here.
    expect(json.data.aws_connect_security_profile.security_profiles.for_each).toBe('${toset(["a \\"quoted\\" \\\\ profile %%{x}"])}');
  });

  test("GIVEN tags holding template sequences (the schema refuses them; a stack built otherwise) WHEN the provider is synthesized THEN keys and values are escaped once", () => {
    const json = synthesized((stack) => environmentProvider(stack, "aws", { tags: { "a${b}": "%{x} $" } }, { region: "us-east-1" }));
    expect(json.provider.aws[0].default_tags).toEqual([{ tags: { "a$${b}": "%%{x} $" } }]);
  });

  test("GIVEN a first name holding cdktf's reference marker WHEN the construct is built THEN it refuses it, naming the prop", () => {
    expectValidationError(
      (stack) => new ConnectUsers(stack, "users", { instanceId: "i", users: [connectUser("x${TfToken[TOKEN.1]}")] }),
      `${STACK}/users: users[].firstName contains "\${TfToken[TOKEN.1]}", which is not literal text; allowed: any text without \${TfToken[, #{TfToken[ or &{TfToken[ (cdktf's reference markers)`,
    );
  });
});
