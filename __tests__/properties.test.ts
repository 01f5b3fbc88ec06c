/**
 * Property tests: random and mutated environment files never crash the loader; it returns either
 * a valid environment or clear problems (file, field path, message).
 */
import fc from "fast-check";
import { stringify } from "yaml";
import { fastParse, parseWithPositions } from "../lib/config/yaml";
import { parse, validFile } from "./support/env-text";

const runs = Number(process.env.FAST_CHECK_RUNS ?? 300);

/** Either a usable environment and no error, or errors that each name a message. */
function assertClearOutcome(result: ReturnType<typeof parse>) {
  const errors = result.problems.filter((p) => p.severity === "error");
  if (result.environment) {
    expect(errors).toEqual([]);
  } else {
    expect(errors.length).toBeGreaterThan(0);
  }
  for (const p of result.problems) {
    expect(p.file).toBe("environments/test.yaml");
    expect(typeof p.message).toBe("string");
    expect(p.message.length).toBeGreaterThan(5);
    expect(p.message).not.toMatch(/\n\s+at /);
    expect(p.message).not.toMatch(/undefined is not|Cannot read prop|\[object Object\]/);
  }
}

const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }),
);

/** A path into the valid file: top-level keys, nested keys, user fields. */
const fieldPaths = fc.constantFrom(
  ["account"],
  ["region"],
  ["protected"],
  ["tags"],
  ["connect"],
  ["connect", "instanceId"],
  ["connect", "create"],
  ["ssoApplication"],
  ["ssoApplication", "displayName"],
  ["ssoApplication", "metadataFile"],
  ["ssoApplication", "sessionDurationHours"],
  ["ssoApplication", "destination"],
  ["ssoApplication", "applicationArn"],
  ["iam"],
  ["iam", "roleName"],
  ["iam", "samlProviderName"],
  ["identityCenter"],
  ["users"],
  ["users", 0],
  ["users", 0, "username"],
  ["users", 0, "firstName"],
  ["users", 0, "securityProfiles"],
  ["users", 1, "phoneType"],
  ["users", 1, "deskPhoneNumber"],
  ["users", 1, "afterContactWorkTimeLimit"],
  ["users", 0, "typo"],
);

function setAt(target: Record<string, any>, path: ReadonlyArray<string | number>, value: unknown) {
  let node: any = target;
  for (const key of path.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== "object") node[key] = {};
    node = node[key];
  }
  node[path[path.length - 1]] = value;
}

test("GIVEN a valid file with up to four fields replaced by random values WHEN parsed THEN the outcome is clear", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fieldPaths, anyValue), { minLength: 1, maxLength: 4 }), (mutations) => {
      const file = validFile();
      for (const [path, value] of mutations) setAt(file, path, value);
      assertClearOutcome(parse(file));
    }),
    { numRuns: runs },
  );
});

test("GIVEN a valid file with fields deleted WHEN parsed THEN the outcome is clear", () => {
  fc.assert(
    fc.property(fc.subarray(["account", "region", "connect", "ssoApplication", "users", "iam"]), (deleted) => {
      const file = validFile();
      for (const key of deleted) delete file[key];
      assertClearOutcome(parse(file));
    }),
    { numRuns: 64 },
  );
});

test("GIVEN arbitrary text WHEN parsed as an environment file THEN the outcome is clear", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), (text) => assertClearOutcome(parse(text))),
    { numRuns: runs },
  );
});

test("GIVEN the valid YAML text cut or spliced at random WHEN parsed THEN the outcome is clear", () => {
  const text = stringify(validFile());
  fc.assert(
    fc.property(fc.nat(text.length), fc.nat(text.length), fc.string({ maxLength: 20 }), (from, to, insert) => {
      const [a, b] = from < to ? [from, to] : [to, from];
      assertClearOutcome(parse(text.slice(0, a) + insert + text.slice(b)));
    }),
    { numRuns: runs },
  );
});

test("GIVEN random user names WHEN parsed THEN only Connect-valid email names are accepted", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 70 }), (username) => {
      const file = validFile();
      file.users[0].username = username;
      const result = parse(file);
      assertClearOutcome(result);
      if (result.environment) expect(username).toMatch(/^[a-zA-Z0-9_.@-]{2,64}$/);
    }),
    { numRuns: runs },
  );
});

describe("the two YAML readers agree wherever the fast one is used", () => {
  const scalar = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom("yes", "no", "on", "0o17", "0x1F", "1e3", ".inf", "~", "012", "+12065550100"),
  );
  const tree = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      scalar,
      fc.array(tie("node"), { maxLength: 4 }),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), tie("node"), { maxKeys: 4 }),
    ),
  })).node;

  // Numbers compare by value as the schema sees them (-0 is 0), and keep Infinity and NaN apart.
  const canonical = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === "number" ? `number:${v === 0 ? 0 : v}` : v));
  const agree = (text: string) => {
    const fast = fastParse(text);
    if (!fast) return;
    const careful = parseWithPositions(text);
    expect(careful.errors).toEqual([]);
    expect(careful.value.ok).toBe(true);
    expect(canonical(careful.value.ok && careful.value.data)).toBe(canonical(fast.value));
  };

  test("GIVEN random documents written as YAML (plain and flow styles) WHEN both read them THEN the data is equal", () => {
    fc.assert(
      fc.property(tree, fc.boolean(), (value, flow) => agree(stringify({ root: value }, flow ? { collectionStyle: "flow" } : {}))),
      { numRuns: runs },
    );
  });

  test("GIVEN Connect user IDs holding 0b0 or 0b1 inside WHEN read THEN the fast reader takes them (they are no numbers); a binary-looking scalar is still left to the careful one", () => {
    const ids = "adopt:\n  userIds:\n    a@example.com: 3f1c9a2e-0b1d-4e8f-9a0b-10b0e4f5a6b0\n";
    expect(fastParse(ids)).toEqual({ value: { adopt: { userIds: { "a@example.com": "3f1c9a2e-0b1d-4e8f-9a0b-10b0e4f5a6b0" } } } });
    agree(ids);
    for (const text of ["key: 0b1\n", "key: -0b1\n", "list: [+0b10]\n", "key: 1.0b1\n"]) expect([text, fastParse(text)]).toEqual([text, undefined]);
  });

  test("GIVEN random scalars written unquoted WHEN both read them THEN they agree on type and value", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[-+.0-9a-zA-Z_~ :]{1,12}$/), (word) => agree(`key: ${word}\nlist: [${word}]\n`)),
      { numRuns: runs },
    );
  });
});
