/**
 * Builds environment files in memory for loader tests: a valid base, changed one field at a time.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { parseEnvironment } from "../../lib/config/load";
import { EXAMPLES_DIR, TEST_NOW } from "./environments";

export const VALID_METADATA = fs.readFileSync(path.join(EXAMPLES_DIR, "metadata", "dev.xml"), "utf8");

export function validFile(): Record<string, any> {
  return {
    account: "111122223333",
    region: "us-west-2",
    connect: { instanceId: "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90" },
    ssoApplication: { displayName: "Amazon Connect (test)", metadataFile: "metadata/test.xml" },
    users: [
      { username: "alice@example.com", firstName: "Alice", lastName: "Nguyen", securityProfiles: ["Agent"], routingProfile: "Basic Routing Profile" },
      { username: "bob@example.com", firstName: "Bob", lastName: "Martin", securityProfiles: ["Agent"], routingProfile: "Basic Routing Profile" },
    ],
  };
}

export interface ParseOptions {
  readonly name?: string;
  /** Metadata text served for any metadataFile; undefined = file not found. */
  readonly metadata?: string | null;
  readonly now?: Date;
}

/** Parses a file given as an object (stringified to YAML) or raw text. */
export function parse(file: Record<string, unknown> | string, options: ParseOptions = {}) {
  const metadata = options.metadata === undefined ? VALID_METADATA : (options.metadata ?? undefined);
  return parseEnvironment({
    name: options.name ?? "test",
    file: `environments/${options.name ?? "test"}.yaml`,
    text: typeof file === "string" ? file : stringify(file),
    now: options.now ?? TEST_NOW,
    readRelative: () => metadata,
  });
}

/** The error lines of a parse, as `path: message`. */
export function errors(file: Record<string, unknown> | string, options?: ParseOptions): string[] {
  return parse(file, options)
    .problems.filter((p) => p.severity === "error")
    .map((p) => `${p.path}: ${p.message}`);
}

/** A valid file with one change made by `edit`. */
export function withChange(edit: (f: Record<string, any>) => void): Record<string, any> {
  const f = validFile();
  edit(f);
  return f;
}
