/**
 * Reading the metadata file through loadEnvironments: the path must stay inside the environment
 * folder (symlinks followed), the size is checked before reading, the bytes must decode, and a
 * byte-order mark never reaches IAM. One DOCTYPE file goes through synth: exit 1, no trace.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEnvironments } from "../lib/config/load";
import { METADATA_MAX_BYTES } from "../lib/config/metadata";
import { synthesize } from "../lib/synth/synth";
import { EXAMPLES_DIR, TEST_NOW } from "./support/environments";

const EXAMPLE_METADATA = fs.readFileSync(path.join(EXAMPLES_DIR, "metadata", "dev.xml"), "utf8");
/** The example metadata with a comment holding non-ASCII text, after the given XML declaration (or none). */
const withAccents = (declaration: string) =>
  EXAMPLE_METADATA.replace(/^<\?xml[^>]*\?>\n/, declaration).replace("<md:IDPSSODescriptor", "<!-- Société Générale, Zürich -->\n  <md:IDPSSODescriptor");

let work: string;
let envDir: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-metadata-file-"));
  envDir = path.join(work, "environments");
  fs.mkdirSync(path.join(envDir, "metadata"), { recursive: true });
  fs.copyFileSync(path.join(EXAMPLES_DIR, "metadata", "dev.xml"), path.join(envDir, "metadata", "dev.xml"));
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

/** dev.yaml pointing at `metadataFile`, loaded; its metadata problems as `severity: message`. */
function load(metadataFile: string) {
  const yaml = fs
    .readFileSync(path.join(EXAMPLES_DIR, "dev.yaml"), "utf8")
    .replace("metadataFile: metadata/dev.xml", `metadataFile: ${JSON.stringify(metadataFile)}`);
  fs.writeFileSync(path.join(envDir, "dev.yaml"), yaml);
  const result = loadEnvironments({ dir: envDir, now: TEST_NOW, cwd: work });
  return {
    environment: result.environments[0],
    problems: result.problems.map((p) => `${p.severity}: ${p.file}: ${p.path}: ${p.message}`),
  };
}

/** Writes `content` at environments/<relative> and loads dev.yaml pointing at it. */
function loadWritten(relative: string, content: string | Buffer) {
  fs.writeFileSync(path.join(envDir, relative), content);
  return load(relative);
}

const FIELD = "error: environments/dev.yaml: ssoApplication.metadataFile:";
const INSIDE = "allowed: a path relative to the environment file that stays inside environments";

describe("where the metadata file may be", () => {
  test("GIVEN a path inside the folder, also through ../ or a symlink that stays inside WHEN loaded THEN each is read", () => {
    fs.symlinkSync(path.join(envDir, "metadata", "dev.xml"), path.join(envDir, "link.xml"));
    for (const relative of ["metadata/dev.xml", "../environments/metadata/dev.xml", "link.xml"]) {
      const { environment, problems } = load(relative);
      expect({ relative, problems }).toEqual({ relative, problems: [] });
      expect(environment.ssoApplication.metadataXml).toBe(EXAMPLE_METADATA);
    }
  });

  test("GIVEN an absolute path, even to the folder's own file WHEN loaded THEN it is refused", () => {
    const absolute = path.join(envDir, "metadata", "dev.xml");
    expect(load(absolute).problems).toEqual([`${FIELD} ${absolute} is an absolute path; ${INSIDE}`]);
  });

  test("GIVEN ../ leading outside the folder WHEN loaded THEN it is refused naming where it resolves", () => {
    fs.copyFileSync(path.join(envDir, "metadata", "dev.xml"), path.join(work, "outside.xml"));
    expect(load("../outside.xml").problems).toEqual([
      `${FIELD} ../outside.xml resolves to outside.xml (symlinks followed), outside the environment folder; ${INSIDE}`,
    ]);
  });

  test("GIVEN a symlink inside the folder to a file outside it WHEN loaded THEN it is refused", () => {
    fs.copyFileSync(path.join(envDir, "metadata", "dev.xml"), path.join(work, "outside.xml"));
    fs.symlinkSync(path.join(work, "outside.xml"), path.join(envDir, "metadata", "escape.xml"));
    expect(load("metadata/escape.xml").problems).toEqual([
      `${FIELD} metadata/escape.xml resolves to outside.xml (symlinks followed), outside the environment folder; ${INSIDE}`,
    ]);
  });

  test("GIVEN a folder or a named pipe WHEN loaded THEN it is refused as not a regular file, without waiting for a writer", () => {
    const fifo = spawnSync("mkfifo", [path.join(envDir, "metadata", "pipe.xml")]);
    expect(fifo.status).toBe(0);
    expect([...load("metadata").problems, ...load("metadata/pipe.xml").problems]).toEqual([
      `${FIELD} metadata is not a regular file; allowed: the metadata XML file`,
      `${FIELD} metadata/pipe.xml is not a regular file; allowed: the metadata XML file`,
    ]);
  });

  test("GIVEN a symlink loop WHEN loaded THEN it is refused with the reason, not reported as missing", () => {
    fs.symlinkSync("loop.xml", path.join(envDir, "loop.xml"));
    expect(load("loop.xml").problems).toEqual([`${FIELD} loop.xml cannot be resolved (ELOOP); ${INSIDE}`]);
  });
});

describe("size and encoding", () => {
  test("GIVEN a 20 MB file WHEN loaded THEN it is refused by its size, before its bytes are read", () => {
    // A sparse file of NUL bytes: had it been read, the refusal would be about NUL characters.
    const file = path.join(envDir, "metadata", "huge.xml");
    fs.writeFileSync(file, "");
    fs.truncateSync(file, 20 * 1024 * 1024);
    expect(load("metadata/huge.xml").problems).toEqual([
      `${FIELD} metadata/huge.xml is 20971520 bytes, so it was not read; allowed: at most ${METADATA_MAX_BYTES} bytes (IAM's limit in characters)`,
    ]);
  });

  test.each([
    [
      "declared UTF-8",
      '<?xml version="1.0" encoding="UTF-8"?>\n',
      /is not valid UTF-8, the encoding its XML declaration names: the first invalid byte is on line 3;/,
    ],
    ["without a declaration", "", /is not valid UTF-8 \(no encoding is declared\): the first invalid byte is on line 2;/],
  ])("GIVEN Latin-1 bytes %s WHEN loaded THEN the file is refused naming the line", (_, declaration, message) => {
    const { problems } = loadWritten("metadata/latin1.xml", Buffer.from(withAccents(declaration), "latin1"));
    expect(problems).toEqual([expect.stringMatching(message)]);
    expect(problems[0]).toMatch(/save it as UTF-8 .*, or name its encoding in the XML declaration/);
  });

  test("GIVEN Latin-1 bytes with an ISO-8859-1 declaration WHEN loaded THEN it is read as the characters written", () => {
    const text = withAccents('<?xml version="1.0" encoding="ISO-8859-1"?>\n');
    const { environment, problems } = loadWritten("metadata/latin1.xml", Buffer.from(text, "latin1"));
    expect(problems).toEqual([]);
    expect(environment.ssoApplication.metadataXml).toBe(text);
  });

  test("GIVEN an encoding TextDecoder does not know WHEN loaded THEN it is refused naming it", () => {
    const { problems } = loadWritten("metadata/ebcdic.xml", withAccents('<?xml version="1.0" encoding="EBCDIC-CP-US"?>\n'));
    expect(problems).toEqual([expect.stringMatching(/metadata\/ebcdic\.xml names encoding "EBCDIC-CP-US" in its XML declaration, which cannot be read here/)]);
  });

  test("GIVEN UTF-16 with a byte-order mark WHEN loaded THEN it is read, without the mark", () => {
    const text = withAccents('<?xml version="1.0" encoding="UTF-16"?>\n');
    for (const [name, bytes] of [
      ["LE", Buffer.from(`\uFEFF${text}`, "utf16le")],
      ["BE", Buffer.from(`\uFEFF${text}`, "utf16le").swap16()],
    ] as const) {
      const { environment, problems } = loadWritten(`metadata/utf16${name}.xml`, bytes);
      expect({ name, problems }).toEqual({ name, problems: [] });
      expect(environment.ssoApplication.metadataXml).toBe(text);
    }
  });

  test("GIVEN UTF-16 without a byte-order mark, UTF-8 declared UTF-16, or UTF-16 declared UTF-8 WHEN loaded THEN each is refused", () => {
    const utf16 = withAccents('<?xml version="1.0" encoding="UTF-16"?>\n');
    const noMark = loadWritten("metadata/nomark.xml", Buffer.from(utf16, "utf16le")).problems;
    const mislabelled = loadWritten("metadata/mislabelled.xml", utf16).problems;
    const contradicting = loadWritten(
      "metadata/contra.xml",
      Buffer.from(`\uFEFF${withAccents('<?xml version="1.0" encoding="UTF-8"?>\n')}`, "utf16le"),
    ).problems;
    expect([...noMark, ...mislabelled, ...contradicting]).toEqual([
      expect.stringMatching(/metadata\/nomark\.xml contains NUL characters, which XML does not allow \(is it UTF-16 or UTF-32 without a byte-order mark\?\)/),
      expect.stringMatching(/metadata\/mislabelled\.xml names encoding "UTF-16" but has no byte-order mark, which XML requires for UTF-16/),
      `${FIELD} metadata/contra.xml starts with a UTF-16LE byte-order mark but its XML declaration names encoding "UTF-8": remove one of the two`,
    ]);
  });

  test("GIVEN UTF-8 with a byte-order mark WHEN loaded THEN the environment holds the document without it, as IAM gets it", () => {
    const { environment, problems } = loadWritten("metadata/bom.xml", `\uFEFF${EXAMPLE_METADATA}`);
    expect(problems).toEqual([]);
    expect(environment.ssoApplication.metadataXml).toBe(EXAMPLE_METADATA);
    expect(environment.ssoApplication.metadataXml.charCodeAt(0)).toBe("<".charCodeAt(0));
  });
});

describe("through synth", () => {
  test("GIVEN metadata with a DOCTYPE WHEN synth runs THEN it exits 1 with the problem, no stack trace, and writes nothing", () => {
    fs.copyFileSync(path.join(EXAMPLES_DIR, "dev.yaml"), path.join(envDir, "dev.yaml"));
    const hostile = EXAMPLE_METADATA.replace(/\n/, '\n<!DOCTYPE md:EntityDescriptor [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n');
    fs.writeFileSync(path.join(envDir, "metadata", "dev.xml"), hostile);
    const outdir = path.join(work, "out");
    const lines: string[] = [];
    const code = synthesize({ environmentsDir: envDir, outdir, now: TEST_NOW, cwd: work, allowIdentityChange: new Set(), log: (line) => lines.push(line) });
    expect(code).toBe(1);
    expect(lines.filter((line) => line.startsWith("error:"))).toEqual([
      "error: environments/dev.yaml:16: ssoApplication.metadataFile: metadata/dev.xml has a DOCTYPE declaration (line 2); no file with one is read, so no XML entity is ever resolved: allowed: SAML metadata without a DOCTYPE, as identity providers publish it",
    ]);
    expect(lines[lines.length - 1]).toBe("synth stopped: 1 error(s) in 1 file(s); nothing was written");
    expect(lines.join("\n")).not.toMatch(/^\s+at |Error:|DocTypeReader|node_modules/m);
    expect(fs.existsSync(outdir)).toBe(false);
  });
});
