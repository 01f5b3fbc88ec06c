/**
 * The static checks of `npm test` (type check, lint, format) run side by side: they are
 * independent, and together they take a quarter of the fast lane's time when run one after another.
 * Each tool's output is printed whole when it ends; the exit code is non-zero when any failed.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";

interface Check {
  readonly name: string;
  /** A binary in node_modules/.bin and its arguments. */
  readonly command: ReadonlyArray<string>;
}

export const STATIC_CHECKS: ReadonlyArray<Check> = [
  { name: "typecheck", command: ["tsc", "--noEmit", "-p", "."] },
  { name: "lint", command: ["eslint", "."] },
  { name: "format", command: ["prettier", "--check", "."] },
];

function run(check: Check, cwd: string): Promise<{ check: Check; code: number; output: string }> {
  return new Promise((resolve) => {
    const [bin, ...args] = check.command;
    const child = spawn(path.join(cwd, "node_modules", ".bin", bin), args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.on("error", (error) => resolve({ check, code: 1, output: `${output}${check.name}: could not start ${bin}: ${error.message}\n` }));
    child.on("close", (code) => resolve({ check, code: code ?? 1, output }));
  });
}

/** Runs every check in `cwd`; writes each one's output and verdict; returns the exit code. */
export async function runChecks(cwd: string, write: (text: string) => void): Promise<number> {
  const results = await Promise.all(STATIC_CHECKS.map((check) => run(check, cwd)));
  for (const { check, code, output } of results) {
    write(
      `${output}${output && !output.endsWith("\n") ? "\n" : ""}${check.name} (${check.command.join(" ")}): ${code === 0 ? "passed" : `failed, exit ${code}`}\n`,
    );
  }
  return results.some((r) => r.code !== 0) ? 1 : 0;
}
