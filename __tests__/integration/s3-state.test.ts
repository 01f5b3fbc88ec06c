/**
 * The pipeline's state path, for real on loopback: terraform 1.11's s3 backend with
 * `use_lockfile = true` and `encrypt = true` against moto_server's S3, configured only through
 * `TF_CLI_ARGS_init=-backend-config=<file>` (so the pipeline's own `terraform init` runs unchanged).
 *
 * Proves: moto 5.2.1 honours S3 conditional writes (`If-None-Match: *` → 412), which is what
 * S3-native locking stands on; init, apply and a clean second plan keep the state in the bucket,
 * encrypted; the lock object `<key>.tflock` is written during an apply and gone after it; a held
 * lock stops an apply with "Error acquiring the state lock" (or holds it with `-lock-timeout` until
 * released); and of two applies started together, one wins and the other fails on the lock.
 *
 * The configurations hold only `terraform_data` (built into terraform): no provider, no AWS call.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  backendConfigEnv,
  backendConfigText,
  createStateBucket,
  headObject,
  holdLock,
  listVersions,
  lockKey,
  putIfAbsent,
  readState,
  releaseLock,
  writeBackendConfig,
  type TerraformState,
} from "../support/s3-state";
import {
  describeResult,
  removeTempDir,
  runCommand,
  sleep,
  startMotoServer,
  tail,
  terraform,
  terraformSetup,
  type CommandResult,
  type MotoServer,
  type TerraformSetup,
} from "../support/terraform";
import { describeIfTools, missingSandboxTools } from "../support/tools";

const BUCKET = "connect-sso-tfstate-test";
const REGION = "us-west-2";
const STATE_KEY = "connect-sso/dev/terraform.tfstate";
const RACE_KEY = "connect-sso/race/terraform.tfstate";
const MARKER_INPUT = "state kept in S3 on moto";
/** The longest a racing apply waits for the test's go-ahead (in tenths of a second). */
const RACE_WAIT_TENTHS = 600;

/**
 * A configuration with the backend block the stacks synthesize (stacks/environment-stack.ts sets
 * `encrypt` and, by override, `use_lockfile`) and no bucket: without the partial configuration,
 * init stops instead of looking for AWS.
 */
function configuration(resource: Record<string, unknown>): string {
  return JSON.stringify({ terraform: { backend: { s3: { encrypt: true, use_lockfile: true } } }, resource: { terraform_data: resource } }, null, 2);
}

const MARKER_CONFIG = configuration({ marker: { input: MARKER_INPUT } });

/**
 * A configuration whose apply, once it holds the lock, waits (bounded) until `goFile` exists: the
 * winner of a race keeps the lock for as long as the test needs, however slowly the loser starts.
 */
function heldApplyConfig(goFile: string): string {
  const wait = `i=0; while [ ! -e '${goFile}' ] && [ $i -lt ${RACE_WAIT_TENTHS} ]; do sleep 0.1; i=$((i+1)); done`;
  return configuration({ held: { input: "held", provisioner: [{ "local-exec": { command: wait } }] } });
}

interface TestWorkspace {
  readonly dir: string;
  /** The setup's environment plus TF_CLI_ARGS_init naming this workspace's backend file. */
  readonly setup: TerraformSetup;
}

/** The resources of a state, as `type.name` → the attributes of each instance. */
function resourcesOf(state: TerraformState): Record<string, Array<Record<string, unknown>>> {
  return Object.fromEntries(state.resources.map((r) => [`${r.type}.${r.name}`, r.instances.map((i) => i.attributes)]));
}

/** How many times moto answered 412 to a PutObject of `key` so far (its request log). */
function refusedPuts(moto: MotoServer, key: string): number {
  const line = new RegExp(`"PUT /${BUCKET}/${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\?x-id=PutObject HTTP/1\\.1" 412`, "g");
  return moto.log().match(line)?.length ?? 0;
}

describe("the moto backend configuration (no tools needed)", () => {
  test("GIVEN moto's URL, a bucket, region and key WHEN the partial backend configuration is written THEN it has exactly the attributes terraform 1.11's s3 backend needs to use moto", () => {
    const text = backendConfigText({ motoUrl: "http://127.0.0.1:5001", bucket: BUCKET, region: REGION, key: STATE_KEY });
    expect(text).toBe(
      [
        'bucket                      = "connect-sso-tfstate-test"',
        'key                         = "connect-sso/dev/terraform.tfstate"',
        'region                      = "us-west-2"',
        'endpoints                   = { s3 = "http://127.0.0.1:5001" }',
        "use_path_style              = true",
        "skip_credentials_validation = true",
        "skip_requesting_account_id  = true",
        "skip_metadata_api_check     = true",
        "skip_region_validation      = true",
        'access_key                  = "test"',
        'secret_key                  = "test"',
        "",
      ].join("\n"),
    );
  });

  test.each(["https://s3.us-west-2.amazonaws.com", "http://localhost:5001", "http://10.0.0.5:5001", "http://127.0.0.1"])(
    "GIVEN the endpoint %s WHEN a backend configuration is asked for THEN it is refused, since only http://127.0.0.1:<port> keeps terraform off AWS",
    (motoUrl) => {
      expect(() => backendConfigText({ motoUrl, bucket: BUCKET, region: REGION, key: STATE_KEY })).toThrow(
        `refusing S3 endpoint "${motoUrl}": tests talk to http://127.0.0.1:<port> only`,
      );
    },
  );

  test("GIVEN a relative backend file path WHEN TF_CLI_ARGS_init is built THEN it is refused (terraform -chdir would resolve it elsewhere); an absolute one is quoted", () => {
    expect(() => backendConfigEnv("moto.s3.tfbackend")).toThrow("backend config moto.s3.tfbackend must be an absolute path");
    expect(backendConfigEnv("/tmp/a b/moto.s3.tfbackend")).toEqual({ TF_CLI_ARGS_init: "-backend-config='/tmp/a b/moto.s3.tfbackend'" });
  });
});

describeIfTools("Terraform state in S3 on moto_server with S3-native locking (real terraform, loopback only)", missingSandboxTools(), () => {
  let setup: TerraformSetup | undefined;
  let moto: MotoServer | undefined;
  let dev: TestWorkspace;
  let applied: TerraformState | undefined;

  const needApply = (): TerraformState => {
    if (!applied) throw new Error("the first apply did not succeed (see the failing apply test above)");
    return applied;
  };

  /** A folder with `main.tf.json` and its own `moto.s3.tfbackend` for `key`, and the environment that makes init read it. */
  const workspace = (name: string, key: string, config: string): TestWorkspace => {
    const dir = path.join(setup!.root, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "main.tf.json"), config);
    const file = writeBackendConfig(dir, { motoUrl: moto!.url, bucket: BUCKET, region: REGION, key });
    return { dir, setup: { ...setup!, env: { ...setup!.env, ...backendConfigEnv(file) } } };
  };

  /** Adds moto's output to a failing terraform call's message. */
  const withMotoLog = (error: Error): never => {
    throw new Error(`${error.message}\n--- moto_server output ---\n${tail(moto!.log(), 3000)}`);
  };

  beforeAll(async () => {
    setup = terraformSetup("connect-sso-s3state");
    moto = await startMotoServer({ accountId: "111122223333", readyTimeoutMs: 20_000 });
    await createStateBucket(moto, { bucket: BUCKET, region: REGION });
    dev = workspace("connect-sso-dev", STATE_KEY, MARKER_CONFIG);
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
    removeTempDir(setup?.root);
  }, 30_000);

  describe("moto's S3 conditional writes (what S3-native locking relies on)", () => {
    test("GIVEN the versioned state bucket WHEN PutObject with If-None-Match: * writes a new key and then that key again THEN the first answers 200, the second 412 and no second version is written", async () => {
      const key = "probe/conditional-write";
      expect({ first: await putIfAbsent(moto!, BUCKET, key, "first") }).toEqual({ first: 200 });
      // A moto without conditional writes answers 200 here and overwrites: then a held lock is
      // silently taken over, and the lock tests below prove nothing.
      expect({ secondWriteOfExistingKey: await putIfAbsent(moto!, BUCKET, key, "second") }).toEqual({ secondWriteOfExistingKey: 412 });
      expect({ versions: (await listVersions(moto!, BUCKET, key)).length }).toEqual({ versions: 1 });
    });
  });

  describe("init, apply and plan with the state in S3", () => {
    test("GIVEN only the configuration WHEN terraform init runs without TF_CLI_ARGS_init THEN it stops because the backend has no bucket (nothing is looked for in AWS)", async () => {
      const bare = path.join(setup!.root, "no-backend-config");
      fs.mkdirSync(bare);
      fs.writeFileSync(path.join(bare, "main.tf.json"), MARKER_CONFIG);
      const result = await terraform(setup!, bare, ["init", "-input=false", "-no-color"], { okCodes: [1] });
      expect(result.stderr).toContain('The attribute "bucket" is required by the backend.');
    });

    test("GIVEN TF_CLI_ARGS_init naming the moto backend file WHEN the pipeline's plain `terraform init` and `apply` run THEN the state object is at the key with the resource in it, encrypted", async () => {
      await terraform(dev.setup, dev.dir, ["init", "-input=false", "-no-color"]).catch(withMotoLog);
      const result = await terraform(dev.setup, dev.dir, ["apply", "-input=false", "-auto-approve", "-no-color"]).catch(withMotoLog);
      expect(result.stdout).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");

      const state = await readState(moto!, BUCKET, STATE_KEY);
      // terraform_data stores its dynamic `input` with its type.
      const stored = { type: "string", value: MARKER_INPUT };
      expect(resourcesOf(state)).toEqual({ "terraform_data.marker": [expect.objectContaining({ input: stored, output: stored })] });
      applied = state;
      // moto leaves an object unencrypted unless asked, so AES256 here is `encrypt = true` at work.
      expect({ stateEncryption: (await headObject(moto!, BUCKET, STATE_KEY))?.serverSideEncryption }).toEqual({ stateEncryption: "AES256" });
      expect({ localStateFile: fs.existsSync(path.join(dev.dir, "terraform.tfstate")) }).toEqual({ localStateFile: false });
    });

    test("GIVEN the applied state WHEN the apply has ended THEN its lock object <key>.tflock is gone, and its versions show it was written and deleted", async () => {
      needApply();
      expect({ lockObject: await headObject(moto!, BUCKET, lockKey(STATE_KEY)) }).toEqual({ lockObject: undefined });
      // init takes no lock; the apply wrote one lock version and its release left a delete marker.
      const versions = await listVersions(moto!, BUCKET, lockKey(STATE_KEY));
      expect({
        written: versions.filter((v) => !v.deleteMarker).length,
        deleteMarkers: versions.filter((v) => v.deleteMarker).length,
        latestIsDeleteMarker: versions.some((v) => v.isLatest && v.deleteMarker),
      }).toEqual({ written: 1, deleteMarkers: 1, latestIsDeleteMarker: true });
    });

    test("GIVEN the applied state WHEN terraform plan runs again THEN it shows no changes (exit code 0 of -detailed-exitcode)", async () => {
      needApply();
      const result = await terraform(dev.setup, dev.dir, ["plan", "-input=false", "-no-color", "-detailed-exitcode"], { okCodes: [0, 2] }).catch(withMotoLog);
      expect({ exitCode: result.code, stdout: result.code === 0 ? "" : result.stdout }).toEqual({ exitCode: 0, stdout: "" });
      expect(result.stdout).toContain("No changes.");
    });
  });

  describe("S3-native locking", () => {
    test("GIVEN the lock held by someone else WHEN terraform apply runs THEN it fails with 'Error acquiring the state lock' naming the holder, and neither the state nor the lock changes", async () => {
      const before = needApply();
      const holder = await holdLock(moto!, BUCKET, STATE_KEY, "s3state-test-holder");
      try {
        const result = await terraform(dev.setup, dev.dir, ["apply", "-input=false", "-auto-approve", "-no-color"], { okCodes: [1] }).catch(withMotoLog);
        expect(result.stderr).toContain("Error acquiring the state lock");
        expect(result.stderr).toMatch(new RegExp(`ID:\\s+${holder.ID}`));
        expect(result.stderr).toMatch(new RegExp(`Who:\\s+${holder.Who}`));
        expect({ serial: (await readState(moto!, BUCKET, STATE_KEY)).serial }).toEqual({ serial: before.serial });
        expect({ lockVersions: (await listVersions(moto!, BUCKET, lockKey(STATE_KEY))).filter((v) => v.isLatest && !v.deleteMarker).length }).toEqual({
          lockVersions: 1,
        });
      } finally {
        await releaseLock(moto!, BUCKET, STATE_KEY);
      }
    });

    test("GIVEN the lock held WHEN terraform apply runs with -lock-timeout=60s and the holder releases the lock after terraform was refused THEN the apply waits, then succeeds and releases the lock", async () => {
      needApply();
      await holdLock(moto!, BUCKET, STATE_KEY, "s3state-test-waiter");
      const refusedBefore = refusedPuts(moto!, lockKey(STATE_KEY));
      const run = runCommand("terraform", ["apply", "-input=false", "-auto-approve", "-no-color", "-lock-timeout=60s"], {
        cwd: dev.dir,
        env: dev.setup.env,
        timeoutMs: 90_000,
      });
      // Release only once moto has refused terraform's lock write: then the apply has really waited.
      const deadline = Date.now() + 45_000;
      while (refusedPuts(moto!, lockKey(STATE_KEY)) === refusedBefore && Date.now() < deadline) await sleep(200);
      const refusedWhileHeld = refusedPuts(moto!, lockKey(STATE_KEY)) - refusedBefore;
      await releaseLock(moto!, BUCKET, STATE_KEY);
      const result: CommandResult = await run;

      if (refusedWhileHeld === 0) {
        throw new Error(
          `moto's request log shows no PutObject of ${lockKey(STATE_KEY)} refused with 412 while the lock was held: terraform never tried the lock (or moto's log format changed)\n${describeResult(result)}`,
        );
      }
      if (result.code !== 0) throw new Error(describeResult(result, "expected the waiting apply to succeed once the lock was released"));
      expect(result.stdout).toContain("Apply complete! Resources: 0 added, 0 changed, 0 destroyed.");
      expect({ lockObject: await headObject(moto!, BUCKET, lockKey(STATE_KEY)) }).toEqual({ lockObject: undefined });
    }, 120_000);

    test("GIVEN two workspaces on one new state key WHEN both apply at the same time a configuration that holds its apply until the test says go THEN exactly one succeeds, the other fails acquiring the lock, and the state holds one resource", async () => {
      const goFile = path.join(setup!.root, "race-go");
      const config = heldApplyConfig(goFile);
      const racers = [workspace("race-a", RACE_KEY, config), workspace("race-b", RACE_KEY, config)];
      for (const racer of racers) await terraform(racer.setup, racer.dir, ["init", "-input=false", "-no-color"]).catch(withMotoLog);

      const runs = racers.map((racer) =>
        runCommand("terraform", ["apply", "-input=false", "-auto-approve", "-no-color"], { cwd: racer.dir, env: racer.setup.env, timeoutMs: 90_000 }),
      );
      // The loser ends as soon as it is refused the lock; only then may the winner finish. Without
      // locking neither ends by itself, and the go-ahead after 30 s lets both apply (reported below).
      await Promise.race([...runs, sleep(30_000)]);
      fs.writeFileSync(goFile, "go\n");
      const results = await Promise.all(runs);

      const report = results.map((r) => describeResult(r)).join("\n\n");
      const outcomes = results
        .map((r) => (r.code === 0 ? "applied" : r.stderr.includes("Error acquiring the state lock") ? "lock refused" : "other failure"))
        .sort();
      if (outcomes.join() !== "applied,lock refused")
        throw new Error(`expected one apply to win and the other to be refused the lock, got ${outcomes.join(" and ")}:\n${report}`);

      const state = await readState(moto!, BUCKET, RACE_KEY);
      expect({ resources: Object.keys(resourcesOf(state)), serial: state.serial }).toEqual({ resources: ["terraform_data.held"], serial: 1 });
      expect({ lockObject: await headObject(moto!, BUCKET, lockKey(RACE_KEY)) }).toEqual({ lockObject: undefined });
    }, 150_000);
  });
});
