/**
 * `npm run new-env -- <name> --account <id> --region <region> --instance <id | ARN | alias>
 * [--identity-center-account <id>] [--identity-center-region <region>] [--metadata <file | https URL>]`:
 * writes `environments/<name>.yaml` (commented) and `environments/metadata/<name>.xml` (the given
 * metadata, or a placeholder), then prints the next steps. What it writes passes synth's own
 * checks first; nothing is written on any problem, and nothing is overwritten. Exit 0 written,
 * 2 unusable input.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ENVIRONMENTS_DIR } from "../../config/environments-dir";
import { loadEnvironments } from "../../config/load";
import { checkMetadata, decodeMetadata, METADATA_MAX_BYTES, placeholderMetadata } from "../../config/metadata";
import { formatProblem } from "../../config/problems";
import { ACCOUNT_ID, ENVIRONMENT_NAME, regionProblem } from "../../rules/naming";
import { unlistedRegionProblem } from "../../rules/regions";
import { asksForHelp, readCommandLine, type ToolIo, type ToolMain, type ToolOptions } from "../io";
import { instanceChoice } from "./instance";
import { environmentFileText } from "./template";

export const USAGE = `usage: npm run new-env -- <name> --account <12 digits> --region <region> --instance <id | ARN | alias>
         [--identity-center-account <12 digits>] [--identity-center-region <region>] [--identity-center-role <role ARN>]
         [--metadata <file | https URL>]
  Writes environments/<name>.yaml and environments/metadata/<name>.xml, then prints the next steps.
  --instance      an existing instance's ID or ARN, or an alias: a new SAML instance made by the first apply
  --identity-center-account  Identity Center's account, when it is not --account (its management or delegated
                             administrator account): the pipeline reaches it through roles its own bootstrap stack makes there
  --identity-center-region   Identity Center's home Region, when it is not --region
  --identity-center-role     instead of --identity-center-account: a role of your own there that plans and applies assume
  --metadata      the Amazon Connect application's metadata downloaded from IAM Identity Center (a file, or
                  its https URL); without it a placeholder is written, which synth accepts and a pipeline refuses
  Exit 0 written, 2 unusable input (nothing is written).`;

class InputError extends Error {}

/** How long a metadata download may take. */
const DOWNLOAD_TIMEOUT_MS = 30_000;

/** Metadata from a file or an https URL (http only on loopback, for tests), as text. */
async function readMetadata(source: string, cwd: string): Promise<string> {
  let bytes: Uint8Array;
  if (/^[a-z]+:\/\//i.test(source)) {
    const url = new URL(source);
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback))
      throw new InputError(`--metadata ${source}: only https URLs are read (the metadata decides who can sign in)`);
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: "error" });
    } catch (error) {
      throw new InputError(`--metadata ${source}: cannot download it (${(error as Error).message})`);
    }
    if (!response.ok) throw new InputError(`--metadata ${source}: the server answered HTTP ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  } else {
    const file = path.resolve(cwd, source);
    try {
      if (fs.statSync(file).size > METADATA_MAX_BYTES) throw new InputError(`--metadata ${source}: larger than IAM accepts (${METADATA_MAX_BYTES} bytes)`);
      bytes = fs.readFileSync(file);
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`--metadata ${source}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  const text = decodeMetadata(bytes);
  if (typeof text !== "string") throw new InputError(`--metadata ${source}: ${text.refused}`);
  const errors = checkMetadata(text, new Date()).errors;
  if (errors.length > 0) throw new InputError(`--metadata ${source}: ${errors.join("; ")}`);
  return text;
}

/** Runs the command; never throws for a user's mistake. */
export async function runNewEnv(argv: string[], io: ToolIo, options: ToolOptions = {}): Promise<number> {
  const cwd = options.cwd ?? process.cwd();
  if (asksForHelp(argv)) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    const args = readCommandLine(
      argv,
      {
        account: { type: "string" },
        region: { type: "string" },
        instance: { type: "string" },
        "identity-center-account": { type: "string" },
        "identity-center-region": { type: "string" },
        "identity-center-role": { type: "string" },
        metadata: { type: "string" },
      },
      (message) => new InputError(message),
    );
    const [name, ...extra] = args.positionals;
    const { account, region, instance } = args.values;
    if (!name || extra.length > 0) throw new InputError(name ? `one environment name, not ${args.positionals.length}` : "no environment name given");
    if (!ENVIRONMENT_NAME.test(name))
      throw new InputError(
        `name ${JSON.stringify(name)}: allowed: a lowercase letter, then up to 30 lowercase letters, digits or hyphens, not ending in -bootstrap, -identity-center or -users-<n>`,
      );
    if (!account || !ACCOUNT_ID.test(account)) throw new InputError(`--account ${JSON.stringify(account ?? "")}: allowed: the 12-digit AWS account ID`);
    if (!region) throw new InputError("--region is required (the Region of the Connect instance)");
    const regionWhy = regionProblem(region) ?? unlistedRegionProblem(region);
    if (regionWhy) throw new InputError(`--region ${JSON.stringify(region)}: ${regionWhy}`);
    if (!instance) throw new InputError("--instance is required: an existing instance's ID or ARN, or an alias for a new one");
    const choice = instanceChoice(instance, account, region);
    if (typeof choice === "string") throw new InputError(choice);

    const dir = path.resolve(cwd, ENVIRONMENTS_DIR);
    const envFile = path.join(dir, `${name}.yaml`);
    const metadataFile = path.join(dir, "metadata", `${name}.xml`);
    for (const file of [envFile, path.join(dir, `${name}.yml`), metadataFile])
      if (fs.existsSync(file)) throw new InputError(`${path.relative(cwd, file)} exists: new-env never overwrites; edit it, or choose another name`);

    const metadata = args.values.metadata === undefined ? placeholderMetadata(name) : await readMetadata(args.values.metadata, cwd);
    const text = environmentFileText({
      name,
      account,
      region,
      instance: choice,
      identityCenterAccount: args.values["identity-center-account"],
      identityCenterRegion: args.values["identity-center-region"],
      identityCenterRoleArn: args.values["identity-center-role"],
      placeholder: args.values.metadata === undefined,
    });

    // The same checks as synth, on the files as they would be written.
    const trial = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-new-env-"));
    try {
      fs.mkdirSync(path.join(trial, "metadata"));
      fs.writeFileSync(path.join(trial, `${name}.yaml`), text);
      fs.writeFileSync(path.join(trial, "metadata", `${name}.xml`), metadata);
      const errors = loadEnvironments({ dir: trial, now: new Date(), cwd: trial }).problems.filter((p) => p.severity === "error");
      if (errors.length > 0) throw new InputError(`the environment would not synthesize: ${errors.map(formatProblem).join(" | ")}`);
    } finally {
      fs.rmSync(trial, { recursive: true, force: true });
    }

    fs.mkdirSync(path.dirname(metadataFile), { recursive: true });
    fs.writeFileSync(metadataFile, metadata);
    fs.writeFileSync(envFile, text);
    const shown = (file: string) => path.relative(cwd, file);
    io.out(
      [
        `wrote ${shown(envFile)} and ${shown(metadataFile)}${args.values.metadata === undefined ? " (a placeholder)" : ""}`,
        "Next:",
        ...(args.values.metadata === undefined
          ? [
              `  1. In IAM Identity Center (its home Region${args.values["identity-center-region"] ? `, ${args.values["identity-center-region"]}` : ""}), add the Amazon Connect application and download`,
              `     its metadata ("IAM Identity Center SAML metadata file") into ${shown(metadataFile)}.`,
            ]
          : []),
        `  ${args.values.metadata === undefined ? 2 : 1}. Add users to ${shown(envFile)}; their profiles and hierarchy groups must exist in Connect.`,
        `  ${args.values.metadata === undefined ? 3 : 2}. npm run synth   (writes cdktf.out/stacks/${"connect-sso-" + name}/console-settings.md: what to type in the console)`,
        `  ${args.values.metadata === undefined ? 4 : 3}. For the pipeline: backend.s3 and pipeline: in the file, then docs/gitops.md, "Pipeline IAM: the bootstrap stack".`,
        "",
      ].join("\n"),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.err(`new-env: ${error.message}\n${USAGE}`);
    return 2;
  }
}

/** `npm run new-env`'s entry (ToolMain). */
export const newEnvMain: ToolMain = (argv, _variables, io) => runNewEnv(argv, io);
