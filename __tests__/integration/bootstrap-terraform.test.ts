/**
 * The dev example's bootstrap stack applied for real on moto_server (IAM, STS and S3 on
 * 127.0.0.1): GitHub's OIDC provider, the plan and apply roles and the state bucket with its
 * protections. Proves that the real provider accepts what the stack asks for, that a second plan
 * finds nothing to change, that AWS (moto) holds exactly the reviewed policies and bucket settings,
 * and that the objects Terraform's S3 backend writes into the new bucket are the ones the apply
 * role may write.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import {
  DeleteBucketPolicyCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListObjectVersionsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { XMLParser } from "fast-xml-parser";
import type { Environment } from "../../lib/config/environment";
import { pipelinePolicy, stateBucketPolicy } from "../../lib/rules/policies";
import { wildcardMatches } from "../../lib/synth/security/view";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { exampleEnvironment, testApp } from "../support/environments";
import { writeBackendConfig } from "../support/s3-state";
import {
  removeTempDir,
  writeMotoOverride,
  startMotoServer,
  tail,
  terraform,
  terraformSetup,
  type CommandResult,
  type MotoServer,
  type TerraformSetup,
} from "../support/terraform";
import { describeIfTools, missingSandboxTools } from "../support/tools";

// The SDK warns that its 2027 releases need Node 22; irrelevant to a loopback test.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** What moto should hold after the apply, written out by hand for the dev example. */
const DEV = {
  account: "111122223333",
  bucket: "acme-connect-sso-state-dev",
  region: "us-west-2",
  stateKey: "connect-sso/dev/terraform.tfstate",
  oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
  roles: { plan: "connect-sso-dev-plan", apply: "connect-sso-dev-apply" },
  subjects: {
    plan: [
      "repo:acme/contact-center:pull_request:job_workflow_ref:acme/contact-center/.github/workflows/connect-sso-pr.yml@refs/pull/*/merge",
      "repo:acme/contact-center:ref:refs/heads/main:job_workflow_ref:acme/contact-center/.github/workflows/connect-sso.yml@refs/heads/main",
    ],
    apply: ["repo:acme/contact-center:environment:dev:job_workflow_ref:acme/contact-center/.github/workflows/connect-sso.yml@refs/heads/main"],
  },
};

const xml = new XMLParser({ parseTagValue: false, trimValues: false, isArray: (name) => name === "member" });

describeIfTools("the dev example's bootstrap stack applied on moto_server (real terraform apply, loopback only)", missingSandboxTools(), () => {
  let env: Environment;
  let setup: TerraformSetup | undefined;
  let moto: MotoServer | undefined;
  let dir: string;
  let applied: CommandResult | undefined;
  let s3: S3Client;

  const needApply = () => {
    if (!applied) throw new Error("terraform apply did not succeed (see the failing apply test above)");
  };
  const iam = async (params: Record<string, string>): Promise<Record<string, any>> => {
    const answer = await moto!.query("iam", { Version: "2010-05-08", ...params });
    if (answer.status !== 200) throw new Error(`IAM ${params.Action} on moto answered HTTP ${answer.status}:\n${tail(answer.body, 2000)}`);
    return xml.parse(answer.body) as Record<string, any>;
  };
  const run = (cwd: string, args: string[], okCodes?: number[]) =>
    terraform(setup!, cwd, [...args, "-input=false", "-no-color"], { timeoutMs: 150_000, okCodes }).catch((error: Error) => {
      throw new Error(`${error.message}\n--- moto_server output ---\n${tail(moto!.log(), 3000)}`);
    });

  beforeAll(async () => {
    env = exampleEnvironment("dev");
    setup = terraformSetup("connect-sso-bootstrap");
    dir = path.join(setup.root, "connect-sso-dev-bootstrap");
    fs.mkdirSync(dir);
    // sts:GetCallerIdentity answers with this account, so allowed_account_ids is checked for real.
    moto = await startMotoServer({ accountId: env.account, readyTimeoutMs: 20_000 });
    s3 = new S3Client({
      endpoint: moto.url,
      forcePathStyle: true,
      region: DEV.region,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), Testing.synth(new BootstrapStack(testApp(), { environment: env })));
    writeMotoOverride(dir, moto, path.join(setup.root, "state", "bootstrap.tfstate"), ["iam", "sts", "s3"], { s3_use_path_style: true });
    await run(dir, ["init"]);
  }, 120_000);

  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
    removeTempDir(setup?.root);
  }, 30_000);

  test("GIVEN the dev example WHEN its bootstrap stack is synthesized THEN it targets the account moto pretends to be", () => {
    expect({ account: env.account, bucket: env.backend?.bucket, region: env.backend?.region }).toEqual({
      account: DEV.account,
      bucket: DEV.bucket,
      region: DEV.region,
    });
  });

  // About a minute: after writing the lifecycle rules, the provider reads them back every 5 s
  // until they stay the same for a while (S3 is eventually consistent there); moto answers at once.
  test("WHEN terraform applies the bootstrap stack THEN the OIDC provider, both roles with their policies and guards, and the bucket with its six protections are created", async () => {
    const result = await run(dir, ["apply", "-auto-approve"]);
    expect(result.stdout).toContain("Apply complete! Resources: 16 added, 0 changed, 0 destroyed.");
    applied = result;
  }, 180_000);

  test("WHEN terraform plans again THEN it finds no changes (exit code 0 with -detailed-exitcode)", async () => {
    needApply();
    // -detailed-exitcode: 0 no changes, 1 error, 2 changes; only 0 passes.
    const result = await run(dir, ["plan", "-detailed-exitcode"]);
    expect(result.stdout).toContain("No changes.");
  }, 180_000);

  test("WHEN IAM is asked for the OIDC provider THEN it is GitHub's, for client ID sts.amazonaws.com", async () => {
    needApply();
    const provider = (await iam({ Action: "GetOpenIDConnectProvider", OpenIDConnectProviderArn: DEV.oidcProviderArn })).GetOpenIDConnectProviderResponse
      .GetOpenIDConnectProviderResult;
    expect({ url: provider.Url, clients: provider.ClientIDList.member }).toEqual({
      url: "token.actions.githubusercontent.com",
      clients: ["sts.amazonaws.com"],
    });
  });

  test.each(["plan", "apply"] as const)(
    "WHEN IAM is asked for the %s role THEN it trusts only GitHub's provider for this repository's subjects and holds exactly the reviewed policy",
    async (kind) => {
      needApply();
      const role = (await iam({ Action: "GetRole", RoleName: DEV.roles[kind] })).GetRoleResponse.GetRoleResult.Role;
      expect(JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument)).Statement).toEqual([
        {
          Sid: "GitHubActionsOidc",
          Effect: "Allow",
          Principal: { Federated: DEV.oidcProviderArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
            StringLike: { "token.actions.githubusercontent.com:sub": DEV.subjects[kind] },
          },
        },
      ]);
      const names = (await iam({ Action: "ListRolePolicies", RoleName: DEV.roles[kind] })).ListRolePoliciesResponse.ListRolePoliciesResult.PolicyNames.member;
      expect(names).toEqual(["connect-sso-pipeline"]);
      const policy = (await iam({ Action: "GetRolePolicy", RoleName: DEV.roles[kind], PolicyName: "connect-sso-pipeline" })).GetRolePolicyResponse
        .GetRolePolicyResult;
      expect(JSON.parse(decodeURIComponent(policy.PolicyDocument))).toEqual(pipelinePolicy(env, kind));
    },
  );

  test("WHEN S3 is asked for the state bucket's settings THEN versioning, public access block, encryption, TLS-only policy, lifecycle and ownership are as reviewed", async () => {
    needApply();
    const Bucket = DEV.bucket;
    const [versioning, publicAccess, encryption, policy, lifecycle, ownership] = await Promise.all([
      s3.send(new GetBucketVersioningCommand({ Bucket })),
      s3.send(new GetPublicAccessBlockCommand({ Bucket })),
      s3.send(new GetBucketEncryptionCommand({ Bucket })),
      s3.send(new GetBucketPolicyCommand({ Bucket })),
      s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })),
      s3.send(new GetBucketOwnershipControlsCommand({ Bucket })),
    ]);
    expect(versioning.Status).toBe("Enabled");
    expect(publicAccess.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.map((r) => r.ApplyServerSideEncryptionByDefault)).toEqual([{ SSEAlgorithm: "AES256" }]);
    expect(JSON.parse(policy.Policy!)).toEqual(stateBucketPolicy(`arn:aws:s3:::${Bucket}`));
    expect(lifecycle.Rules?.map((r) => ({ id: r.ID, status: r.Status, days: r.NoncurrentVersionExpiration?.NoncurrentDays }))).toEqual([
      { id: "expire-old-state-versions", status: "Enabled", days: 90 },
    ]);
    expect(ownership.OwnershipControls?.Rules?.map((r) => r.ObjectOwnership)).toEqual(["BucketOwnerEnforced"]);
  });

  describe("Terraform's S3 backend in the new bucket (a configuration with the stacks' backend block: use_lockfile, encrypt)", () => {
    let stateDir: string;
    let backendConfig: string;

    beforeAll(() => {
      stateDir = path.join(setup!.root, "state-user");
      fs.mkdirSync(stateDir);
      fs.writeFileSync(
        path.join(stateDir, "main.tf.json"),
        JSON.stringify({
          terraform: { backend: { s3: { encrypt: true, use_lockfile: true } } },
          resource: { terraform_data: { marker: { input: "state in the bootstrap bucket" } } },
        }),
      );
      backendConfig = writeBackendConfig(stateDir, { motoUrl: moto!.url, bucket: DEV.bucket, region: DEV.region, key: DEV.stateKey });
    });

    test("WHEN it reaches the bucket over plain HTTP (moto serves no TLS) THEN the bucket policy refuses it with 403", async () => {
      needApply();
      const result = await terraform(setup!, stateDir, ["init", `-backend-config=${backendConfig}`, "-input=false", "-no-color"], {
        timeoutMs: 120_000,
        okCodes: [1],
      });
      expect(result.stderr).toMatch(
        /Unable to access object "connect-sso\/dev\/terraform\.tfstate" in S3 bucket "acme-connect-sso-state-dev".*StatusCode: 403/s,
      );
    }, 150_000);

    test("GIVEN the TLS rule lifted (test only: moto has no TLS endpoint) WHEN it applies THEN every object Terraform wrote is one the apply role may write and the plan role may read", async () => {
      needApply();
      // Only the TLS rule is lifted, and only here: the bucket policy's content is checked above.
      await s3.send(new DeleteBucketPolicyCommand({ Bucket: DEV.bucket }));
      await run(stateDir, ["init", "-reconfigure", `-backend-config=${backendConfig}`]);
      await run(stateDir, ["apply", "-auto-approve"]);

      const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: DEV.bucket }));
      // Versions and delete markers: the lock object is written and then deleted during the apply.
      const keys = [...new Set([...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].map((v) => v.Key!))].sort();
      expect(keys).toEqual([DEV.stateKey, `${DEV.stateKey}.tflock`]);
      const objectsOf = (kind: "plan" | "apply") =>
        pipelinePolicy(env, kind)
          .Statement.filter((s) => s.Sid === "StateObjects")
          .flatMap((s) => s.Resource as string[]);
      const allowed = (patterns: string[], key: string) => patterns.some((p) => wildcardMatches(p, `arn:aws:s3:::${DEV.bucket}/${key}`, "resource"));
      expect(keys.filter((key) => !allowed(objectsOf("apply"), key))).toEqual([]);
      expect(keys.filter((key) => !allowed(objectsOf("plan"), key))).toEqual([]);
    }, 180_000);
  });
});
