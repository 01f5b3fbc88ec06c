/**
 * `npm run verify-signin -- <env> [--saml-response <file>] [--live] [--at <time>]`: Step 3 of the
 * doc ("Verify access") as a command. It tells an admin whether a sign-in would succeed and why
 * not: the SAML response checked as IAM and Connect check it, the synthesized policies proven for
 * every user with an IAM policy simulator, and (with --live) the deployed environment read back.
 *
 * Exit 0: the sign-in would succeed (and every check passed); 1: it would not; 2: input it cannot
 * read (a missing file, something that is not a SAML response, an unknown environment, no AWS
 * access for --live): one message on stderr (and the usage, for a bad command line), nothing on stdout.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Environment } from "../../config/environment";
import { environmentsFolder } from "../../config/environments-dir";
import { loadEnvironments } from "../../config/load";
import { formatProblem } from "../../config/problems";
import { consoleSettings } from "../../synth/console-settings";
import { asksForHelp, readCommandLine } from "../io";
import { FederationShapeError, synthesizedFederation, type Federation } from "./federation";
import { liveChecks, LiveUnavailableError, type LiveOptions } from "./live";
import { ProofError, proveEnvironment, ROLE_ID_PLACEHOLDER } from "./proof";
import { renderSections, type Section } from "./report";
import { InputError, parseSamlResponseText } from "./saml";
import { checkSamlResponse } from "./verify";
import { lines, type ToolIo, type ToolMain, type ToolOptions } from "../io";

const USAGE =
  "usage: npm run verify-signin -- <env> [--saml-response <file>] [--live] [--at <ISO time>] " +
  "(<file>: the SAMLResponse a SAML tracer shows, base64 or XML; --live: read-only checks of the deployed environment with the AWS SDK's credentials; " +
  "--at: check the response's validity as of this time)";

export type VerifyIo = ToolIo;

/** `now`: the time the response is checked at; `--at` wins. */
export interface VerifyOptions extends ToolOptions {
  /** Endpoints and credentials of --live (tests); default: the SDK's chain. */
  readonly live?: LiveOptions;
}

interface Arguments {
  readonly environment: string;
  readonly responseFile?: string;
  readonly live: boolean;
  readonly at?: Date;
}

/** A problem with the command line itself: the usage follows the message. */
class UsageError extends InputError {}

function readArguments(argv: string[]): Arguments {
  const args = readCommandLine(
    argv,
    { "saml-response": { type: "string" }, live: { type: "boolean" }, at: { type: "string" } },
    (message) => new UsageError(message),
  );
  if (args.positionals.length !== 1)
    throw new UsageError(args.positionals.length === 0 ? "no environment given" : `one environment, not ${args.positionals.length}`);
  const atText = args.values.at;
  const at = atText === undefined ? undefined : new Date(atText);
  if (at && (Number.isNaN(at.getTime()) || !/^\d{4}-\d\d-\d\dT/.test(atText!)))
    throw new UsageError(`--at ${JSON.stringify(atText)} is not an ISO time such as 2026-12-01T09:30:00Z`);
  return { environment: args.positionals[0], responseFile: args.values["saml-response"], live: args.values.live ?? false, at };
}

function loadEnvironment(name: string, variables: NodeJS.ProcessEnv, now: Date, cwd: string): Environment {
  const dir = path.resolve(cwd, environmentsFolder(variables, cwd).dir);
  const loaded = loadEnvironments({ dir, now, cwd });
  const found = loaded.environments.find((e) => e.name === name);
  if (found) return found;
  const own = loaded.problems.filter((p) => p.severity === "error" && path.basename(p.file).replace(/\.ya?ml$/, "") === name);
  if (own.length > 0) throw new InputError(`environment ${name} has errors: ${own.map(formatProblem).join(" | ")}`);
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)) : [];
  const known = names.map((n) => n.replace(/\.ya?ml$/, ""));
  throw new InputError(
    `unknown environment ${JSON.stringify(name)}: ${path.relative(cwd, dir) || dir} has ${known.length ? known.join(", ") : "no environment files"}`,
  );
}

function readResponseFile(file: string, cwd: string): ReturnType<typeof parseSamlResponseText> {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      `--saml-response ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder, not a file" : (error as Error).message}`,
    );
  }
  return parseSamlResponseText(text, `--saml-response ${file}`);
}

/** The passing verdict, saying what this run did not check. */
function verdict(stack: string, name: string | undefined, live: boolean): string {
  const notChecked = [
    ...(live ? [] : ["that the stack is deployed as synthesized, and that each user exists in Connect and is assigned in Identity Center (--live, read-only)"]),
    ...(name ? [] : ["what Identity Center actually sends for a user (--saml-response with a captured response)"]),
  ];
  const what = name
    ? `${name} would sign in to ${stack}${live ? "" : ", by the synthesized policies"}`
    : `${live ? "the deployed" : "the synthesized"} trust and permission policies let every user of ${stack} sign in${live ? ", and each exists live" : ""}`;
  return `${what}.${notChecked.length ? ` Not checked: ${notChecked.join("; ")}.` : ""}`;
}

export async function runVerifySignin(argv: string[], variables: NodeJS.ProcessEnv, io: VerifyIo, options: VerifyOptions = {}): Promise<number> {
  const cwd = options.cwd ?? process.cwd();
  if (asksForHelp(argv)) {
    io.out(USAGE);
    return 0;
  }
  try {
    const args = readArguments(argv);
    const now = args.at ?? options.now ?? new Date();
    const env = loadEnvironment(args.environment, variables, now, cwd);
    const input = args.responseFile === undefined ? undefined : readResponseFile(args.responseFile, cwd);
    const sections: Section[] = [];

    let federation: Federation;
    let roleId = ROLE_ID_PLACEHOLDER;
    if (args.live) {
      const live = await liveChecks(env, options.live);
      federation = live.federation;
      roleId = live.roleId ?? ROLE_ID_PLACEHOLDER;
      sections.push({ title: `Live (read-only, account ${env.account}, ${env.region})`, findings: [...live.environment, ...live.users] });
    } else {
      federation = synthesizedFederation(env);
    }

    const settings = consoleSettings(env);
    const checked = input ? await checkSamlResponse(env, federation, input, now) : undefined;
    if (checked) {
      sections.unshift({
        title: `SAML response ${args.responseFile} (checked as IAM and Connect check it${checked.signatureValid ? "" : "; the signature failed, so the rest was read from unverified content"})`,
        findings: checked.findings,
      });
    }
    const session = checked?.session;
    const audience = session?.audience ?? settings.acsUrl;
    const proof = await proveEnvironment(
      federation,
      env.users.map((u) => u.username),
      { audience, roleId, acsUrl: settings.acsUrl },
      session,
    );
    sections.push({
      title: "Policy proof (the synthesized trust and permission policies, evaluated with @cloud-copilot/iam-simulate)",
      notes: [
        `role ${federation.roleArn}, trusted SAML provider ${federation.providerArn}, SAML:aud ${audience}`,
        ...(roleId === ROLE_ID_PLACEHOLDER
          ? [`role ID: ${ROLE_ID_PLACEHOLDER} stands for the role's unique ID (AROA…), which --live reads`]
          : [`role ID ${roleId} (read live)`]),
        ...(federation.instanceKnown ? [] : [`instance: the stack creates it; its ID is known after apply (--live reads it)`]),
      ],
      findings: proof,
    });

    const failed = sections.flatMap((s) => s.findings).filter((f) => !f.ok);
    io.out(`verify-signin ${federation.stack} (${env.file})`);
    renderSections(sections).forEach((line) => io.out(line));
    io.out("");
    if (failed.length > 0) {
      // A response whose signature fails names no one: the user it claims (an attacker's choice, with a wrapped signature) is nothing IAM would trust.
      const who =
        checked && !checked.signatureValid
          ? "this response would not sign in (its signature does not verify, so the user it claims is unverified)"
          : session
            ? `${session.name} would not sign in`
            : input
              ? "this response would not sign in"
              : "not every check passed";
      io.out(`Result: ${who}: ${failed.length} failed check(s) above (✗).`);
      return 1;
    }
    io.out(`Result: ${verdict(federation.stack, session?.name, args.live)}`);
    return 0;
  } catch (error) {
    if (error instanceof InputError || error instanceof LiveUnavailableError || error instanceof FederationShapeError || error instanceof ProofError) {
      io.err(`verify-signin: ${error.message}${error instanceof UsageError ? `\n${USAGE}` : ""}`);
      return 2;
    }
    throw error;
  }
}

/** `npm run verify-signin`'s entry (ToolMain): the report line by line on stdout. */
export const verifySigninMain: ToolMain = (argv, variables, io) => runVerifySignin(argv, variables, { out: lines(io), err: io.err });
