/**
 * `npm run users -- import|export`: the Connect console's bulk user upload CSV (SAML template) to
 * and from an environment file. In this process (runUsers), except one spawned run for the exit code.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadEnvironments } from "../lib/config/load";
import { formatProblem } from "../lib/config/problems";
import { TEMPLATE_COLUMNS } from "../lib/tools/users-csv/columns";
import { runUsers } from "../lib/tools/users-csv/cli";
import { EXAMPLES_DIR, REPO, TEST_NOW } from "./support/environments";
import { teamFolderForEachTest } from "./support/team-folder";
import { makeTempDir, removeTempDir } from "./support/terraform";

/** The SAML template's header row, as the console's template and AWS's tools write it. */
const TEMPLATE_HEADER =
  "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds)";

const ENV = `# Team environment: comments, blank lines and aligned comments must survive an import.
account: "111122223333"            # fictional
region: us-west-2
connect:
  instanceId: 0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90
ssoApplication:
  displayName: Amazon Connect (team)
  metadataFile: metadata/dev.xml

users:
  # Team A
  - username: alice.nguyen@example.com   # lead
    firstName: Alice
    lastName: "Nguyen"
    securityProfiles: [Agent]
    routingProfile: Basic Routing Profile

  # Team B
  - username: bob.martin@example.com
    firstName: Bob
    lastName: Martin
    securityProfiles:
      - Agent
      - CallCenterManager
    routingProfile: Sales Routing Profile
    phoneType: DESK_PHONE
    deskPhoneNumber: "+12065550100"   # desk 4
    autoAccept: true
`;

let work: string;
let envDir: string;
teamFolderForEachTest("connect-sso-users-csv-", ENV, (made) => ({ work, envDir } = made));

const envFile = () => path.join(envDir, "team.yaml");
const envText = () => fs.readFileSync(envFile(), "utf8");

/** Runs `npm run users -- <argv>` in this process; the exit code, stdout and stderr lines. */
function users(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runUsers(argv, { CONNECT_SSO_ENVIRONMENTS: envDir }, { out: (t) => out.push(t), err: (l) => err.push(l) }, { now: TEST_NOW, cwd: work });
  return { code, out: out.join(""), err: err.join("\n") };
}

function writeCsv(text: string | Uint8Array, name = "users.csv"): string {
  fs.writeFileSync(path.join(work, name), text);
  return name;
}

const exported = () => {
  const r = users("export", "team");
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  return r.out;
};

test("GIVEN the template columns WHEN compared with the SAML template's header THEN they are exactly its columns, in its order", () => {
  expect(TEMPLATE_COLUMNS.map((c) => c.header).join(",")).toBe(TEMPLATE_HEADER);
});

test("GIVEN an environment WHEN exported THEN a byte-order mark (for Excel), the template's header and one row per user in file order, defaults written out, a phone number kept as text", () => {
  expect(exported()).toBe(
    [
      `\uFEFF${TEMPLATE_HEADER}`,
      "Alice,Nguyen,alice.nguyen@example.com,Basic Routing Profile,Agent,soft,,no,0",
      "Bob,Martin,bob.martin@example.com,Sales Routing Profile,Agent|CallCenterManager,desk,'+12065550100,yes,0",
      "",
    ].join("\n"),
  );
});

test("GIVEN names a spreadsheet would run as formulas WHEN exported THEN each is neutralized behind a ' (OWASP CSV injection), and the import reads each back unchanged", () => {
  const names = ['=HYPERLINK("http://x.invalid","y")', "+cmd", "-2+3", "@SUM(A1)", "'=already quoted", "Zoë"];
  const rows = names.map(
    (name, i) =>
      `${name.includes(",") || name.includes('"') ? `"${name.replaceAll('"', '""')}"` : name},Test,user${i}@example.com,Basic Routing Profile,Agent,soft,,no,0`,
  );
  expect(users("import", writeCsv([TEMPLATE_HEADER, ...rows, ""].join("\n")), "team").code).toBe(0);
  const csv = exported();
  for (const cell of ["'=HYPERLINK(", "'+cmd", "'-2+3", "'@SUM(A1)", "'=already quoted", "Zoë"]) expect(csv).toContain(cell);
  expect(csv.split("\n").filter((line) => /^[=+\-@\t\r]/.test(line))).toEqual([]);
  const before = envText();
  expect(users("import", writeCsv(csv, "again.csv"), "team").code).toBe(0);
  expect(envText()).toBe(before);
  expect(envText()).toContain('firstName: =HYPERLINK("http://x.invalid","y")');
  // A cell typed as '=… is, to a spreadsheet, the text =…: that is what is imported.
  expect(envText()).toMatch(/firstName: "?=already quoted"?/);
  expect(exported()).toBe(csv);
});

test("GIVEN an export WHEN it is imported back THEN nothing changes and the file is not rewritten", () => {
  const csv = writeCsv(exported());
  const before = fs.statSync(envFile()).mtimeMs;
  const r = users("import", csv, "team");
  expect(r.err).toMatch(/no changes \(2 CSV users match the file\)/);
  expect(r.code).toBe(0);
  expect(envText()).toBe(ENV);
  expect(fs.statSync(envFile()).mtimeMs).toBe(before);
});

test("GIVEN a CSV that changes one user and adds two WHEN imported THEN only that user's changed line differs, new users follow in CSV order, comments and layout stay", () => {
  const csv = writeCsv(
    [
      TEMPLATE_HEADER,
      "Zoë,Ångström,zoe.angstrom@example.com,VIP Routing Profile,Agent,soft,,yes,30",
      "Bob,Martín,bob.martin@example.com,Sales Routing Profile,Agent|CallCenterManager,desk,+12065550100,yes,",
      "Chloé,Dubois,chloe.dubois@example.com,Basic Routing Profile,Agent|QualityAnalyst,,,,",
    ].join("\r\n") + "\r\n",
  );
  const r = users("import", csv, "team");
  expect(r.err).toMatch(/2 added, 1 updated, 0 removed; 4 users/);
  expect(r.code).toBe(0);
  expect(envText()).toBe(
    ENV.replace("    lastName: Martin\n", "    lastName: Martín\n") +
      [
        "  - username: zoe.angstrom@example.com",
        "    firstName: Zoë",
        "    lastName: Ångström",
        "    securityProfiles: [Agent]",
        "    routingProfile: VIP Routing Profile",
        "    phoneType: SOFT_PHONE",
        "    autoAccept: true",
        "    afterContactWorkTimeLimit: 30",
        "  - username: chloe.dubois@example.com",
        "    firstName: Chloé",
        "    lastName: Dubois",
        "    securityProfiles: [Agent, QualityAnalyst]",
        "    routingProfile: Basic Routing Profile",
        "",
      ].join("\n"),
  );
  // The new file loads as synth loads it.
  const loaded = loadEnvironments({ dir: envDir, now: TEST_NOW, cwd: work });
  expect(loaded.problems.map(formatProblem)).toEqual([]);
  expect(loaded.environments[0].users.map((u) => u.username)).toEqual([
    "alice.nguyen@example.com",
    "bob.martin@example.com",
    "zoe.angstrom@example.com",
    "chloe.dubois@example.com",
  ]);
});

test("GIVEN an import WHEN its result is exported and imported again THEN the file is byte-identical and the CSV too", () => {
  const first = writeCsv(`${TEMPLATE_HEADER}\nDana,Okafor,dana.okafor@example.com,Basic Routing Profile,Agent|Admin,DESK,+442071234567,YES,120\n`);
  expect(users("import", first, "team").code).toBe(0);
  const afterFirst = envText();
  const csv = exported();
  expect(users("import", writeCsv(csv, "again.csv"), "team").code).toBe(0);
  expect(envText()).toBe(afterFirst);
  expect(exported()).toBe(csv);
});

test("GIVEN a CSV with many bad cells WHEN imported THEN each is reported with its row, column, value and what is allowed, exit 1, nothing written", () => {
  const eleven = Array.from({ length: 11 }, (_, i) => `P${i}`).join("|");
  const csv = writeCsv(
    [
      `${TEMPLATE_HEADER},password`,
      ",Nguyen,alice.nguyen@example.com,Basic Routing Profile,Agent,mobile,,maybe,-5,",
      `Eve,Adams,eve,Basic Routing Profile,${eleven},soft,,no,0,Wint3r-Is-C0ming!`,
      "Finn,Berg,finn.berg@example.com,Basic Routing Profile,Agent,soft,12065550100,no,3000000,",
    ].join("\n"),
  );
  const r = users("import", csv, "team");
  const lines = r.err.split("\n");
  const expected: Array<[string, RegExp]> = [
    ['row 2, column "first name"', /must not be empty; allowed: the first name/],
    ['row 2, column "phone type (soft/desk)"', /allowed: soft \| desk.*given: "mobile"/],
    ['row 2, column "soft phone auto accept (yes/no)"', /allowed: yes \| no.*given: "maybe"/],
    ['row 2, column "ACW timeout (seconds)"', /whole number of seconds.*given: "-5"/],
    ['row 3, column "user login"', /must be an email address.*given: "eve"/],
    ['row 3, column "security_profile_name_1|security_profile_name_2"', /at most 10 security profile names.*given: "P0\|P1/],
    ['row 3, column "password"', /a password was given; leave the column empty: a SAML instance refuses a password/],
    // In the CSV's words: no YAML quoting.
    [
      'row 4, column "phone number"',
      /^error: .*: allowed: an E\.164 number: \+ and up to 15 digits without spaces or dashes, such as \+12065550100; given: "12065550100"$/,
    ],
    ['row 4, column "ACW timeout (seconds)"', /0\.\.2000000 seconds.*given: "3000000"/],
  ];
  for (const [where, what] of expected) {
    const line = lines.find((l) => l.includes(`users.csv: ${where}: `));
    expect(line ?? `no problem reported at ${where}; stderr:\n${r.err}`).toMatch(what);
  }
  expect(lines.filter((l) => l.startsWith("error:"))).toHaveLength(expected.length);
  expect(r.err).toMatch(/nothing written/);
  expect(r.code).toBe(1);
  expect(envText()).toBe(ENV);
});

test("GIVEN rows the environment file's rules refuse WHEN imported THEN each is said on its CSV cell in the CSV's words (its columns and values, no YAML terms), nothing written", () => {
  const desk = writeCsv([TEMPLATE_HEADER, "Gus,Lee,gus.lee@example.com,Basic Routing Profile,Agent,Desk,,no,0"].join("\n"));
  const r = users("import", desk, "team");
  expect(r.err.split("\n")).toEqual([
    'error: users.csv: row 2, column "phone number": must not be empty when column "phone type (soft/desk)" says "Desk"; allowed: an E.164 number such as +12065550100; given: ""',
    "users: nothing written",
  ]);
  const clash = writeCsv([TEMPLATE_HEADER, "Al,Nguyen,Alice.Nguyen@example.com,Basic Routing Profile,Agent,soft,,no,0"].join("\n"), "clash.csv");
  const c = users("import", clash, "team");
  expect(c.err.split("\n")).toEqual([
    `error: clash.csv: row 2, column "user login": differs from "alice.nguyen@example.com", a user of ${path.join("environments", "team.yaml")}, only in case; user names must be unique, ignoring case: write it as "alice.nguyen@example.com"; given: "Alice.Nguyen@example.com"`,
    "users: nothing written",
  ]);
  for (const text of [r.err, c.err]) expect(text).not.toMatch(/DESK_PHONE|phoneType|deskPhoneNumber|in quotes|users\[\d+\]/);
  expect([r.code, c.code]).toEqual([1, 1]);
  expect(envText()).toBe(ENV);
});

test("GIVEN a header with an unknown and a missing column WHEN imported THEN both are named with what is allowed", () => {
  const csv = writeCsv(TEMPLATE_HEADER.replace("phone number", "phone nmber").replace(",ACW timeout (seconds)", "") + "\n");
  const r = users("import", csv, "team");
  expect(r.err).toMatch(/row 1, column 7: unknown header "phone nmber"; did you mean "phone number"\?/);
  expect(r.err).toMatch(/row 1: lacks the template's column\(s\) "phone number"; every console template has them/);
  expect(r.code).toBe(1);
});

/** Today's console template (Amazon Connect Administrator Guide, "Add users in bulk from a CSV file"), as the console writes it. */
const CONSOLE_HEADER =
  "first name, last name, user login, agent hierarchy, routing profile name, security_profile_name_1|security_profile_name_2, user_hierarchy_1|user_hierarchy_2, phone type (soft/desk), phone number, tags, persistent connection, audio enhancement(none/isolate voice/suppress noise)";

describe("the console's current template and Excel's habits", () => {
  const managed = () => fs.writeFileSync(envFile(), ENV.replace("connect:\n", "connect:\n  manageHierarchyGroups: true\n"));
  const team = () => loadEnvironments({ dir: envDir, now: TEST_NOW, cwd: work }).environments[0].users;

  test("GIVEN today's template (no auto-accept or ACW column) WHEN imported THEN it is read by header, its hierarchy as a path, its unmanaged columns empty", () => {
    managed();
    const r = users(
      "import",
      writeCsv(`${CONSOLE_HEADER}\nDana,Okafor,dana.okafor@example.com,,Basic Routing Profile,Agent,Americas|Seattle,soft,,team=blue,,\n`),
      "team",
    );
    expect(r.err).toMatch(/1 added/);
    expect(r.code).toBe(0);
    expect(team().find((u) => u.username === "dana.okafor@example.com")).toMatchObject({
      hierarchyGroup: "Americas/Seattle",
      tags: { team: "blue" },
      phoneType: "SOFT_PHONE",
    });
  });

  test("GIVEN today's template with a persistent connection or audio enhancement filled WHEN imported THEN each is refused naming the column and what manages it, nothing written", () => {
    const r = users(
      "import",
      writeCsv(`${CONSOLE_HEADER}\nDana,Okafor,dana.okafor@example.com,,Basic Routing Profile,Agent,,soft,,,yes,isolate voice\n`),
      "team",
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /row 2, column "persistent connection": must be empty: this project does not manage a user's persistent connection; set it in the Connect console/,
    );
    expect(r.err).toMatch(/row 2, column "audio enhancement\(none\/isolate voice\/suppress noise\)": must be empty: .*audio enhancement/);
    expect(envText()).toBe(ENV);
  });

  test("GIVEN both hierarchy columns filled and disagreeing WHEN imported THEN the row is refused naming both; a repeated header is refused", () => {
    managed();
    const r = users(
      "import",
      writeCsv(`${CONSOLE_HEADER}\nDana,Okafor,dana.okafor@example.com,Americas/Dublin,Basic Routing Profile,Agent,Americas|Seattle,soft,,,,\n`),
      "team",
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /row 2, column "user_hierarchy_1\|user_hierarchy_2": says "Americas\/Seattle", column "agent hierarchy" says "Americas\/Dublin"; fill one of them/,
    );
    const twice = users("import", writeCsv(`${TEMPLATE_HEADER},UserHierarchy,secondary email,secondary email\n`), "team");
    expect(twice.err).toMatch(/row 1, column 12: header "secondary email" repeats column 11/);
  });

  test("GIVEN Excel's file: a byte-order mark, CRLF, an empty header-less last column, rows whose trailing empty cells were dropped WHEN imported THEN it reads as the plain file does", () => {
    const lines = [
      `${TEMPLATE_HEADER},`,
      "Dana,Okafor,dana.okafor@example.com,Basic Routing Profile,Agent,soft",
      "Erin,Lee,erin.lee@example.com,Basic Routing Profile,Agent,desk,+12065550111,yes,30,",
    ];
    const r = users("import", writeCsv(`\uFEFF${lines.join("\r\n")}\r\n`), "team");
    expect(r.err).toMatch(/2 added/);
    expect(r.code).toBe(0);
    expect(team().find((u) => u.username === "erin.lee@example.com")).toMatchObject({
      phoneType: "DESK_PHONE",
      deskPhoneNumber: "+12065550111",
      afterContactWorkTimeLimit: 30,
    });
  });

  test('GIVEN a file saved by European Excel (";" separated) WHEN imported THEN the separator is detected', () => {
    const r = users(
      "import",
      writeCsv(`${TEMPLATE_HEADER.replaceAll(",", ";")}\nDana;Okafor;dana.okafor@example.com;Basic Routing Profile;Agent|Admin;soft;;no;0\n`),
      "team",
    );
    expect(r.code).toBe(0);
    expect(team().find((u) => u.username === "dana.okafor@example.com")?.securityProfiles).toEqual(["Agent", "Admin"]);
  });

  test("GIVEN users with hierarchy groups WHEN a CSV with an empty hierarchy cell is imported THEN the group stays; with --replace it is cleared", () => {
    managed();
    const header = `${TEMPLATE_HEADER},UserHierarchy`;
    expect(
      users("import", writeCsv(`${header}\nAlice,Nguyen,alice.nguyen@example.com,Basic Routing Profile,Agent,soft,,no,0,Americas/Seattle\n`), "team").code,
    ).toBe(0);
    expect(
      users("import", writeCsv(`${header}\nAlicia,Nguyen,alice.nguyen@example.com,Basic Routing Profile,Agent,soft,,no,0,\n`, "names.csv"), "team").code,
    ).toBe(0);
    expect(team().find((u) => u.username === "alice.nguyen@example.com")).toMatchObject({ firstName: "Alicia", hierarchyGroup: "Americas/Seattle" });
    expect(
      users("import", writeCsv(`${header}\nAlicia,Nguyen,alice.nguyen@example.com,Basic Routing Profile,Agent,soft,,no,0,\n`, "names.csv"), "team", "--replace")
        .code,
    ).toBe(0);
    expect(team().find((u) => u.username === "alice.nguyen@example.com")?.hierarchyGroup).toBeUndefined();
  });

  test("GIVEN a filled cell past the last header WHEN imported THEN the row is refused saying so", () => {
    const r = users("import", writeCsv(`${TEMPLATE_HEADER}\nDana,Okafor,dana.okafor@example.com,Basic Routing Profile,Agent,soft,,no,0,stray\n`), "team");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/row 2: has 10 cells, filled past the header row's 9 columns/);
  });
});

test("GIVEN a hierarchy cell WHEN the environment does not manage hierarchy groups THEN it is refused naming the fix; WHEN it does THEN hierarchy and tags are imported", () => {
  const csv = writeCsv(
    `${TEMPLATE_HEADER},UserHierarchy,tags\nAlice,Nguyen,alice.nguyen@example.com,Basic Routing Profile,Agent,soft,,no,0,Americas/Seattle,team=blue|site=sea\n`,
  );
  const refused = users("import", csv, "team");
  expect(refused.err).toMatch(/row 2, column "UserHierarchy": .*does not manage hierarchy groups: set connect.manageHierarchyGroups: true/);
  expect(refused.code).toBe(1);
  expect(envText()).toBe(ENV);

  fs.writeFileSync(envFile(), ENV.replace("connect:\n", "connect:\n  manageHierarchyGroups: true\n"));
  const done = users("import", csv, "team");
  expect(done.err).toMatch(/0 added, 1 updated/);
  expect(done.code).toBe(0);
  const alice = loadEnvironments({ dir: envDir, now: TEST_NOW, cwd: work }).environments[0].users[0];
  expect(alice).toMatchObject({ hierarchyGroup: "Americas/Seattle", tags: { team: "blue", site: "sea" } });
  expect(exported().split("\n")[1]).toBe("Alice,Nguyen,alice.nguyen@example.com,Basic Routing Profile,Agent,soft,,no,0,Americas/Seattle,team=blue|site=sea");
});

test("GIVEN --replace WHEN the CSV names one user THEN the others are dropped; without it they are kept", () => {
  const csv = writeCsv(`${TEMPLATE_HEADER}\nBob,Martin,bob.martin@example.com,Sales Routing Profile,Agent|CallCenterManager,desk,+12065550100,yes,0\n`);
  expect(users("import", csv, "team").err).toMatch(/no changes/);
  const r = users("import", csv, "team", "--replace");
  expect(r.err).toMatch(/0 added, 0 updated, 1 removed; 1 users/);
  expect(envText()).not.toMatch(/alice/);
  expect(envText()).toMatch(/# Team B\n {2}- username: bob.martin@example.com/);
});

test("GIVEN a CSV with a UTF-8 byte-order mark WHEN imported THEN it reads as without one", () => {
  const csv = writeCsv(
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${TEMPLATE_HEADER}\nZoë,Kim,zoe.kim@example.com,Basic Routing Profile,Agent,,,,\n`)]),
  );
  const r = users("import", csv, "team");
  expect(r.err).toMatch(/1 added/);
  expect(envText()).toMatch(/firstName: Zoë/);
});

test.each([
  ["UTF-16", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${TEMPLATE_HEADER}\n`, "utf16le")]), /users\.csv: is UTF-16.*save it as UTF-8/],
  [
    "Latin-1",
    Buffer.from(`${TEMPLATE_HEADER}\nZo\xeb,Kim,zoe.kim@example.com,Basic Routing Profile,Agent,,,,\n`, "latin1"),
    /users\.csv: is not valid UTF-8 \(line 2 /,
  ],
])("GIVEN a %s CSV WHEN imported THEN it is refused with a plain reason, nothing written", (_, bytes, message) => {
  const r = users("import", writeCsv(bytes), "team");
  expect(r.err).toMatch(message);
  expect(r.code).toBe(1);
  expect(envText()).toBe(ENV);
});

test("GIVEN an environment file that is not UTF-8 WHEN loaded THEN it is refused with the file and the line", () => {
  fs.writeFileSync(envFile(), Buffer.from(ENV.replace("Alice", "Al\xefce"), "latin1"));
  const { problems, environments } = loadEnvironments({ dir: envDir, now: TEST_NOW, cwd: work });
  expect(environments).toEqual([]);
  expect(problems.map(formatProblem)).toEqual([
    "error: environments/team.yaml: is not valid UTF-8 (line 13 holds a byte sequence that is not UTF-8); allowed: UTF-8 text, with or without a byte-order mark: save it as UTF-8",
  ]);
});

test("GIVEN an environment without users WHEN a CSV is imported THEN a users list is added", () => {
  fs.writeFileSync(envFile(), ENV.slice(0, ENV.indexOf("\nusers:")) + "\nusers: []   # none yet\n");
  const r = users("import", writeCsv(`${TEMPLATE_HEADER}\nZoë,Kim,zoe.kim@example.com,Basic Routing Profile,Agent,,,,\n`), "team");
  expect(r.code).toBe(0);
  expect(envText()).toMatch(/\nusers: {3}# none yet\n {2}- username: zoe.kim@example.com\n {4}firstName: Zoë\n[^]*routingProfile: Basic Routing Profile\n$/);
});

test.each([
  [["import", "users.csv"], /import takes <file.csv> <env>; given 1/],
  [["export", "team", "--replace"], /--replace belongs to import/],
  [["sync"], /unknown command "sync"; allowed: import, export/],
  [["export", "Team!"], /"Team!" is not an environment name/],
])("GIVEN the command line %j WHEN run THEN it exits 2 with the reason and the usage", (argv, message) => {
  const r = users(...argv);
  expect(r.err).toMatch(message);
  expect(r.err).toMatch(/usage: npm run users/);
  expect(r.code).toBe(2);
});

test("GIVEN a bad cell WHEN `npm run users -- import` runs as a process THEN it exits 1 with the problem and no stack trace", () => {
  const csv = writeCsv(`${TEMPLATE_HEADER}\nAl,Nguyen,alice.nguyen@example.com,Basic Routing Profile,Agent,mobile,,no,0\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join("scripts", "users.ts"), "import", path.join(work, csv), "team"], {
    cwd: REPO,
    encoding: "utf8",
    env: { ...process.env, CONNECT_SSO_ENVIRONMENTS: envDir },
  });
  expect(r.stderr).toMatch(/^error: \S+users\.csv: row 2, column "phone type \(soft\/desk\)": allowed: soft \| desk/m);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.status).toBe(1);
  expect(envText()).toBe(ENV);
});

test("GIVEN the example CSV in today's console template WHEN imported into a copy of the staging example THEN every row is read, nothing refused, and the new agent is added", () => {
  const dir = makeTempDir("example-csv");
  try {
    fs.mkdirSync(path.join(dir, "metadata"));
    fs.copyFileSync(path.join(EXAMPLES_DIR, "staging.yaml"), path.join(dir, "staging.yaml"));
    fs.copyFileSync(path.join(EXAMPLES_DIR, "metadata", "staging.xml"), path.join(dir, "metadata", "staging.xml"));
    const out: string[] = [];
    const err: string[] = [];
    const csv = path.join(REPO, "examples", "users", "staging-agents.csv");
    const code = runUsers(
      ["import", csv, "staging"],
      { CONNECT_SSO_ENVIRONMENTS: dir },
      { out: (t) => out.push(t), err: (l) => err.push(l) },
      { cwd: REPO, now: TEST_NOW },
    );
    expect({ code, err: err.filter((l) => /error|refused/i.test(l)) }).toEqual({ code: 0, err: [] });
    const text = fs.readFileSync(path.join(dir, "staging.yaml"), "utf8");
    expect(text).toContain("username: chen.wei@example.com");
    expect(text).toMatch(/syncGroups:/);
  } finally {
    removeTempDir(dir);
  }
});
