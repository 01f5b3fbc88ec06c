/**
 * The stack manifest: a content hash of every synthesized stack (`<outdir>/stack-hashes.json`), so
 * a pipeline plans only the stacks a change touches.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isBootstrapStack } from "../rules/naming";
import { parseStackName } from "../rules/sharding";

export const MANIFEST_FILE = "stack-hashes.json";

/** Stack name → SHA-256 of its synthesized `cdk.tf.json`. */
export type StackHashes = Readonly<Record<string, string>>;

/** A synthesized stack's Terraform JSON. */
export function readStackJson(outdir: string, stack: string): unknown {
  return JSON.parse(fs.readFileSync(stackFile(outdir, stack), "utf8"));
}

function stackFile(outdir: string, stack: string): string {
  return path.join(outdir, "stacks", stack, "cdk.tf.json");
}

export function hashStacks(outdir: string, stacks: ReadonlyArray<string>): StackHashes {
  return Object.fromEntries(
    [...stacks].sort().map((name) => [
      name,
      createHash("sha256")
        .update(fs.readFileSync(stackFile(outdir, name)))
        .digest("hex"),
    ]),
  );
}

export function writeManifest(outdir: string, hashes: StackHashes): void {
  fs.writeFileSync(path.join(outdir, MANIFEST_FILE), `${JSON.stringify(hashes, null, 2)}\n`);
}

/**
 * Stacks the pipeline plans (new or changed), stacks gone (their environment or users stack was
 * removed), and bootstrap stacks that changed: those an administrator applies, never the pipeline.
 */
export function changedStacks(base: StackHashes, head: StackHashes): { changed: string[]; removed: string[]; bootstrap: string[] } {
  const changed = Object.keys(head)
    .filter((name) => base[name] !== head[name])
    .sort();
  return {
    changed: changed.filter((name) => !isBootstrapStack(name)),
    removed: Object.keys(base)
      .filter((name) => !(name in head) && !isBootstrapStack(name))
      .sort(),
    bootstrap: changed.filter(isBootstrapStack),
  };
}

/**
 * The stacks of one environment in a manifest, in apply order: the main stack, then its users
 * stacks by number (bootstrap stacks are applied by an administrator, never listed here).
 */
export function stacksOfEnvironment(hashes: StackHashes, main: string): string[] {
  const environment = parseStackName(main)?.environment;
  const ofEnvironment = Object.keys(hashes).flatMap((name) => {
    const parsed = parseStackName(name);
    return parsed !== undefined && parsed.environment === environment ? [{ name, number: parsed.stack }] : [];
  });
  return ofEnvironment.sort((a, b) => a.number - b.number).map((s) => s.name);
}

/** Reads a manifest; throws an Error naming the file and what is wrong. */
export function readManifest(file: string): StackHashes {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${file}: ${code === "ENOENT" ? "file not found" : `is not JSON (${(error as Error).message})`}`, { cause: error });
  }
  if (!value || typeof value !== "object" || Array.isArray(value) || !Object.values(value).every((h) => typeof h === "string" && /^[0-9a-f]{64}$/.test(h))) {
    throw new Error(`${file}: is not a stack manifest; expected { "<stack>": "<sha256>" } as written by npm run synth to ${MANIFEST_FILE}`);
  }
  return value as StackHashes;
}
