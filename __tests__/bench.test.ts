/**
 * Smoke test of scripts/bench.ts's helpers (no timing here: `npm run bench` measures).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEnvironments } from "../lib/config/load";
import {
  appTypeChecks,
  benchUsername,
  countSynthesizedUsers,
  environmentYaml,
  formatTable,
  median,
  parseArgs,
  parsePreloadOutput,
  parseTimeOutput,
  toRow,
  writeEnvironmentDir,
} from "../scripts/bench";
import { TEST_NOW } from "./support/environments";

describe("bench helpers", () => {
  test("the generated environment loads without problems, with every user", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"));
    try {
      writeEnvironmentDir(dir, 120);
      const { environments, problems } = loadEnvironments({ dir, now: TEST_NOW, cwd: dir });
      expect(problems).toEqual([]);
      expect(environments).toHaveLength(1);
      const users = environments[0].users;
      expect(users).toHaveLength(120);
      expect(users[0].username).toBe("agent00001@example.com");
      expect(users.filter((u) => u.phoneType === "DESK_PHONE").length).toBe(12);
      expect(users.some((u) => /[^\x00-\x7f]/.test(u.firstName + u.lastName))).toBe(true);
      expect(new Set(users.map((u) => u.routingProfile)).size).toBeGreaterThan(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("user names stay unique and valid up to 99,999", () => {
    expect(benchUsername(20000)).toBe("agent20000@example.com");
    expect(environmentYaml(3)).toContain("agent00003@example.com");
  });

  test("parses GNU time and preload output", () => {
    expect(parseTimeOutput("1.23 204800 2.50 0.30\n")).toEqual({ seconds: 1.23, maxRssKiB: 204800, cpuSeconds: 2.8 });
    expect(parseTimeOutput("Command exited with non-zero status 1\n0.50 1000 0.40 0.10\n")?.maxRssKiB).toBe(1000);
    expect(parseTimeOutput("garbage")).toBeUndefined();
    expect(parsePreloadOutput('{"maxRssKiB":1024,"cpuSeconds":0.5}')).toEqual({ maxRssKiB: 1024, cpuSeconds: 0.5 });
    expect(parsePreloadOutput("")).toBeUndefined();
  });

  test("tells a type-checking app command", () => {
    expect(appTypeChecks("node --import tsx main.ts")).toBe(false);
    expect(appTypeChecks("npx ts-node main.ts")).toBe(true);
    expect(appTypeChecks("npx ts-node --transpile-only main.ts")).toBe(false);
    expect(appTypeChecks("npx tsc && node main.js")).toBe(true);
  });

  test("median, arguments, user count, table", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(parseArgs([])).toEqual({ runs: 3, sizes: [5, 500, 5000, 20000], check: false, keep: false, method: undefined });
    expect(parseArgs(["--runs", "5", "--sizes=5,5000", "--check", "--method", "preload"])).toMatchObject({ runs: 5, sizes: [5, 5000], check: true, method: "preload" });
    expect(() => parseArgs(["--runs", "0"])).toThrow(/--runs/);
    expect(() => parseArgs(["--bogus"])).toThrow(/unknown argument/);
    expect(countSynthesizedUsers({ resource: { aws_connect_user: { connect_users: { for_each: { a: {}, b: {} } } } } })).toBe(2);
    expect(countSynthesizedUsers({ resource: {} })).toBeUndefined();

    const baseline = { seconds: [0.3, 0.4, 0.5], cpuSeconds: [0.3, 0.3, 0.3], rssKiB: [64 * 1024, 64 * 1024, 64 * 1024] };
    const row = toRow(5000, { seconds: [5, 3, 4], cpuSeconds: [4, 4, 4], rssKiB: [200 * 1024, 210 * 1024, 205 * 1024] }, baseline, 2_300_000);
    expect(row).toMatchObject({ seconds: 4, ratio: 10, rssMiB: 205, ratioMet: true, rssMet: true });
    const table = formatTable([row]);
    expect(table).toContain("5,000");
    expect(table).toContain("10.0x");
  });
});
