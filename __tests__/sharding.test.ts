/**
 * Users stacks: placement is deterministic on every machine, stable when users come and go, and a
 * change of the number of stacks moves users as state (forget here, import there), never deleting.
 */
import { Testing } from "cdktf";
import type { Environment } from "../lib/config/environment";
import { jumpHash, movesBetween, stackOf, usersOfStack, usersStackName } from "../lib/rules/sharding";
import { environmentStacks } from "../stacks";
import { exampleEnvironment, testApp } from "./support/environments";

describe("jump consistent hash", () => {
  // Vectors of the reference C++ implementation (Lamping & Veach), for buckets 1..19.
  test.each([
    [0n, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    [1n, [0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17]],
    [0xdeadbeefn, [0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16]],
    [0x0ddc0ffeebadf00dn, [0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 15, 15, 15, 15]],
  ])("GIVEN key %s WHEN hashed into 1..19 buckets THEN it matches the reference implementation", (key, expected) => {
    expect(expected.map((_, i) => jumpHash(key, i + 1))).toEqual(expected);
  });
});

describe("placement of users", () => {
  const users = Array.from({ length: 2000 }, (_, i) => `agent${String(i).padStart(5, "0")}@example.com`);

  test("GIVEN the example user names WHEN placed THEN the stacks are the same on every machine and run (pinned values)", () => {
    expect(
      ["alice.nguyen@example.com", "bob.martin@example.com", "jose.pena@example.com", "supervisor.kim@example.com"].map((u) =>
        [2, 4, 8].map((n) => stackOf(u, n)),
      ),
    ).toEqual([
      [1, 1, 1],
      [1, 3, 7],
      [2, 3, 3],
      [1, 4, 7],
    ]);
  });

  test("GIVEN no users stacks WHEN placed THEN every user stays in the main stack", () => {
    expect(new Set(users.map((u) => stackOf(u, 0)))).toEqual(new Set([0]));
  });

  test("GIVEN 2,000 users over 4 stacks WHEN placed THEN each stack holds about a quarter", () => {
    for (let n = 1; n <= 4; n++) {
      const count = users.filter((u) => stackOf(u, 4) === n).length;
      expect(count).toBeGreaterThan(400);
      expect(count).toBeLessThan(600);
    }
  });

  test("GIVEN 4 stacks grown to 5 WHEN placed THEN only about a fifth move, all into the new stack", () => {
    const moves = movesBetween(users, 4, 5);
    expect(moves.length).toBeGreaterThan(300);
    expect(moves.length).toBeLessThan(500);
    expect(new Set(moves.map((m) => m.to))).toEqual(new Set([5]));
  });

  test("GIVEN a move between layouts WHEN one stack's view is taken THEN arrivals and departures match the moves", () => {
    const all = users.map((username) => ({ username }));
    const three = usersOfStack(all, 3, { stacks: 2, previousStacks: 4 });
    expect(three.users).toEqual([]);
    expect(three.arriving).toEqual([]);
    expect(three.leaving.sort()).toEqual(users.filter((u) => stackOf(u, 4) === 3).sort());
    const one = usersOfStack(all, 1, { stacks: 2, previousStacks: 4 });
    expect(one.arriving.every((u) => stackOf(u, 4) !== 1 && stackOf(u, 2) === 1)).toBe(true);
  });
});

describe("users stacks synthesized", () => {
  type Tf = Record<string, any>;
  const base = exampleEnvironment("dev");
  const people = (names: string[]) => names.map((username) => ({ ...base.users[0], username, firstName: "Test", lastName: username.split("@")[0] }));
  const envWith = (names: string[], sharding: Environment["sharding"], extra: Partial<Environment> = {}): Environment => ({
    ...base,
    users: people(names),
    sharding,
    ...extra,
  });
  const synthAll = (env: Environment): Record<string, Tf> => {
    const app = testApp();
    return Object.fromEntries(environmentStacks(app, env).map((s) => [s.node.id, JSON.parse(Testing.synth(s))]));
  };
  const usersIn = (tf: Tf) => Object.keys(tf.locals?.connect_users ?? {}).sort();
  const names = Array.from({ length: 40 }, (_, i) => `agent${i}@example.com`);

  test("GIVEN 4 users stacks with local state WHEN synthesized THEN the main stack has no users and each users stack holds its share, keyed by name", () => {
    const stacks = synthAll(envWith(names, { stacks: 4, usersPerStack: 1000 }, { backend: undefined, pipeline: undefined }));
    expect(Object.keys(stacks)).toEqual(["connect-sso-dev", ...[1, 2, 3, 4].map((n) => usersStackName("dev", n))]);
    expect(stacks["connect-sso-dev"].resource.aws_connect_user).toBeUndefined();
    expect(stacks["connect-sso-dev"].resource.aws_iam_role).toBeDefined();
    for (let n = 1; n <= 4; n++) {
      const tf = stacks[usersStackName("dev", n)];
      expect(usersIn(tf)).toEqual(names.filter((u) => stackOf(u, 4) === n).sort());
      expect(tf.data.aws_connect_instance.connect_instance.lifecycle.postcondition[0].condition).toBe('${self.identity_management_type == "SAML"}');
      expect(tf.resource.aws_iam_role).toBeUndefined();
      expect(tf.terraform.backend.local.path).toBe(`../../../terraform.${usersStackName("dev", n)}.tfstate`);
    }
  });

  test("GIVEN an S3 backend WHEN users stacks are synthesized THEN each has its own key beside the main stack's", () => {
    const stacks = synthAll(
      envWith(
        names,
        { stacks: 2, usersPerStack: 1000 },
        { backend: { bucket: "acme-tfstate", region: "us-west-2", key: "connect-sso/dev/terraform.tfstate" } },
      ),
    );
    expect(stacks["connect-sso-dev"].terraform.backend.s3.key).toBe("connect-sso/dev/terraform.tfstate");
    expect(stacks[usersStackName("dev", 2)].terraform.backend.s3).toMatchObject({
      key: "connect-sso/dev/users-2/terraform.tfstate",
      encrypt: true,
      use_lockfile: true,
    });
  });

  test.each([
    ["adding", [...names, "newcomer@example.com"]],
    ["removing", names.filter((n) => n !== "agent7@example.com")],
  ])("GIVEN 4 users stacks WHEN %s one user THEN exactly one users stack changes", (_, changed) => {
    const before = synthAll(envWith(names, { stacks: 4, usersPerStack: 1000 }));
    const after = synthAll(envWith(changed, { stacks: 4, usersPerStack: 1000 }));
    const differing = Object.keys(after).filter((s) => JSON.stringify(after[s]) !== JSON.stringify(before[s]));
    expect(differing).toHaveLength(1);
    expect(differing[0]).toMatch(/-users-\d$/);
  });

  test("GIVEN a renamed user WHEN synthesized THEN only the stacks of the old and the new name change", () => {
    const renamed = names.map((n) => (n === "agent3@example.com" ? "agent3.renamed@example.com" : n));
    const before = synthAll(envWith(names, { stacks: 4, usersPerStack: 1000 }));
    const after = synthAll(envWith(renamed, { stacks: 4, usersPerStack: 1000 }));
    const differing = Object.keys(after).filter((s) => JSON.stringify(after[s]) !== JSON.stringify(before[s]));
    expect(differing.sort()).toEqual(
      [...new Set([usersStackName("dev", stackOf("agent3@example.com", 4)), usersStackName("dev", stackOf("agent3.renamed@example.com", 4))])].sort(),
    );
  });

  test("GIVEN the same input twice WHEN synthesized THEN the output is identical", () => {
    const env = envWith(names, { stacks: 3, usersPerStack: 1000 });
    expect(JSON.stringify(synthAll(env))).toBe(JSON.stringify(synthAll(env)));
  });

  test("GIVEN stacks grown from 2 to 3 WHEN synthesized THEN moving users are forgotten in their old stack and imported into the new one, and nobody is deleted", () => {
    const stacks = synthAll(envWith(names, { stacks: 3, previousStacks: 2, usersPerStack: 1000 }));
    const moves = movesBetween(names, 2, 3);
    expect(moves.length).toBeGreaterThan(0);
    for (const move of moves) {
      const from = stacks[usersStackName("dev", move.from)];
      expect(usersIn(from)).not.toContain(move.username);
      expect(from.moved).toContainEqual({
        from: `aws_connect_user.connect_users[${JSON.stringify(move.username)}]`,
        to: `aws_connect_user.connect_users_forgotten[${JSON.stringify(move.username)}]`,
      });
      expect(from.removed).toEqual([
        { from: "aws_connect_user.connect_users_forgotten", lifecycle: { destroy: false } },
        { from: "aws_connect_user.connect_users_console_group_forgotten", lifecycle: { destroy: false } },
      ]);
    }
    const target = stacks[usersStackName("dev", 3)];
    expect(usersIn(target)).toEqual(moves.map((m) => m.username).sort());
    expect(JSON.parse(target.data.aws_connect_user.adopted_connect_users.for_each.replace(/^\$\{toset\((.*)\)\}$/, "$1")).sort()).toEqual(
      moves.map((m) => m.username).sort(),
    );
    expect(target.import).toEqual([
      {
        for_each: "${data.aws_connect_user.adopted_connect_users}",
        to: "aws_connect_user.connect_users[each.key]",
        id: "${each.value.instance_id}:${each.value.user_id}",
      },
    ]);
  });

  test("GIVEN users adopted by Connect ID in users stacks, one of them moving WHEN synthesized THEN each is imported by its ID in the stack that holds it, never also looked up by name", () => {
    const moves = movesBetween(names, 2, 3);
    const mover = moves[0].username;
    const stayer = names.find((n) => !moves.some((m) => m.username === n))!;
    const ids = { [mover]: "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", [stayer]: "4f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b" };
    const stacks = synthAll(envWith(names, { stacks: 3, previousStacks: 2, usersPerStack: 1000 }, { adopt: { ...base.adopt, userIds: ids } }));
    const byId = (tf: Tf) => (tf.import ?? []).filter((i: Tf) => !i.for_each);
    const lookedUp = (tf: Tf) =>
      JSON.parse((tf.data?.aws_connect_user?.adopted_connect_users?.for_each ?? "${toset([])}").replace(/^\$\{toset\((.*)\)\}$/, "$1"));
    for (const [name, id] of Object.entries(ids)) {
      const holder = stacks[usersStackName("dev", stackOf(name, 3))];
      expect(byId(holder)).toContainEqual({
        to: `aws_connect_user.connect_users[${JSON.stringify(name)}]`,
        id: `\${data.aws_connect_instance.connect_instance.id}:${id}`,
      });
      expect(lookedUp(holder)).not.toContain(name);
    }
    expect(Object.values(stacks).flatMap(byId)).toHaveLength(2);
  });

  test("GIVEN users leaving the main stack for 2 users stacks WHEN synthesized THEN the main stack forgets every one of them", () => {
    const stacks = synthAll(envWith(names, { stacks: 2, previousStacks: 0, usersPerStack: 1000 }));
    // Each from either users block (CONNECT_USER_BLOCKS): the one that holds it moves.
    expect(stacks["connect-sso-dev"].moved).toHaveLength(names.length * 2);
    expect(stacks["connect-sso-dev"].removed).toHaveLength(2);
    expect([...usersIn(stacks[usersStackName("dev", 1)]), ...usersIn(stacks[usersStackName("dev", 2)])].sort()).toEqual([...names].sort());
  });

  test("GIVEN a created instance WHEN users stacks are synthesized THEN they find it by alias and apply after the main stack", () => {
    const staging = exampleEnvironment("staging");
    const app = testApp();
    const [main, first] = environmentStacks(app, { ...staging, sharding: { stacks: 2, usersPerStack: 1000 } });
    expect(JSON.parse(Testing.synth(first)).data.aws_connect_instance.connect_instance.instance_alias).toBe("acme-staging");
    expect(first.dependencies).toContain(main);
  });
});
