/**
 * An environment's bootstrap stack (`connect-sso-<env>-bootstrap`): what the pipeline itself runs
 * on. GitHub's OIDC provider, the plan and apply roles, and (optionally) the state bucket.
 *
 * An administrator applies it once (and after changes to it), never the pipeline: the pipeline must
 * not be able to change its own rights. So its state stays local, outside the bucket the pipeline
 * writes (and a bucket cannot hold the state of its own creation).
 */
import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { bootstrapStackName, githubOidcAudience, githubSubjectCustomization, githubSubjects, pipelineRoleName } from "../lib/rules/naming";
import { BOOTSTRAP_STACK_OUTPUTS, outputDescription, type StackOutput } from "../lib/rules/outputs";
import { pipelinePolicy } from "../lib/rules/policies";
import { GithubOidcProvider } from "../modules/github-oidc";
import { PipelineRole } from "../modules/pipeline-roles";
import { StateBucket } from "../modules/state-bucket";
import { EnvironmentStack, environmentProvider, type EnvironmentStackProps } from "./environment-stack";

export class BootstrapStack extends EnvironmentStack {
  constructor(scope: Construct, props: EnvironmentStackProps) {
    const env = props.environment;
    const { pipeline, backend } = env;
    if (!pipeline || !backend) {
      throw new Error(
        `BootstrapStack: environment ${env.name} has ${pipeline ? "no backend.s3" : "no pipeline section"}; allowed: an environment with both (the roles are scoped to its state)`,
      );
    }
    // The environment's provider and tags, with local state (see above).
    super(scope, bootstrapStackName(env.name), { ...props, environment: { ...env, backend: undefined } }, (key) => key);

    const audience = githubOidcAudience(env.partition);
    const oidc = pipeline.oidcProviderArn
      ? GithubOidcProvider.fromProviderArn(this, "github_oidc", pipeline.oidcProviderArn)
      : new GithubOidcProvider(this, "github_oidc", { audience, protect: env.protected });
    const subjects = githubSubjects(pipeline.repository, env.name);
    const roles = (["plan", "apply"] as const).map(
      (kind) =>
        new PipelineRole(this, `${kind}_role`, {
          kind,
          roleName: pipelineRoleName(env.name, kind),
          providerArn: oidc.arn,
          audience,
          subjects: subjects[kind],
          policy: pipelinePolicy(env, kind),
          protect: env.protected,
        }),
    );

    const output = (o: StackOutput, value: string) =>
      new TerraformOutput(this, o.name, { value, description: outputDescription(o, { name: env.name, repository: pipeline.repository }) });
    if (pipeline.stateBucket.create) {
      const bucket = new StateBucket(this, "state_bucket", {
        bucket: backend.bucket,
        kmsKeyId: pipeline.stateKmsKeyId,
        noncurrentVersionDays: pipeline.noncurrentVersionDays,
        // The bucket's region when it is not the environment's: same account check, same tags.
        provider:
          backend.region === env.region
            ? undefined
            : environmentProvider(this, "state_region", env, { alias: "state_region", region: backend.region, allowedAccountIds: [env.account] }),
      });
      output(BOOTSTRAP_STACK_OUTPUTS.stateBucketName, bucket.bucketName);
    }
    output(BOOTSTRAP_STACK_OUTPUTS.githubOidcProviderArn, oidc.arn);
    output(BOOTSTRAP_STACK_OUTPUTS.planRoleArn, roles[0].arn);
    output(BOOTSTRAP_STACK_OUTPUTS.applyRoleArn, roles[1].arn);
    output(BOOTSTRAP_STACK_OUTPUTS.githubOidcSubjectCustomization, githubSubjectCustomization());
  }
}
