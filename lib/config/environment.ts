/**
 * The resolved environment: what a stack is built from, after every check and default.
 */
import type { Destination, Partition } from "../rules/naming";
import type { SigningCertificate } from "./metadata";
import type { UserEntry } from "./schema";

export type ConnectTarget =
  | { readonly kind: "existing"; readonly instanceId: string }
  | { readonly kind: "create"; readonly alias: string; readonly inboundCalls: boolean; readonly outboundCalls: boolean };

export interface S3State {
  readonly bucket: string;
  readonly region: string;
  /** Object key; defaults to `connect-sso/<env>/terraform.tfstate`. */
  readonly key: string;
  readonly kmsKeyId?: string;
}

/** What the bootstrap stack makes for the pipeline (see stacks/bootstrap-stack.ts). */
export interface PipelineSettings {
  /** GitHub `owner/name` whose workflow runs may assume the plan and apply roles. */
  readonly repository: string;
  /** The account's existing GitHub OIDC provider; undefined: the bootstrap stack creates it. */
  readonly oidcProviderArn?: string;
  /** Whether the bootstrap stack creates the state bucket (`backend.bucket`). */
  readonly stateBucket: { readonly create: boolean };
  /** Default encryption key of a created bucket (`stateKmsKeyId`, else `backend.s3.kmsKeyId`); undefined: SSE-S3. */
  readonly stateKmsKeyId?: string;
  /** Days before S3 expires a state object's old versions. */
  readonly noncurrentVersionDays: number;
}

/** An Identity Center group whose members the environment's users follow, and the profiles a new member gets. */
export interface SyncGroup {
  readonly group: string;
  readonly routingProfile: string;
  readonly securityProfiles: ReadonlyArray<string>;
}

export interface Environment {
  /** File name without `.yaml`; names the stack `connect-sso-<name>`. */
  readonly name: string;
  /** The environment file, relative to the working directory, for messages. */
  readonly file: string;
  readonly account: string;
  readonly region: string;
  readonly partition: Partition;
  /** Identity resources refuse to be destroyed (`prevent_destroy`). */
  readonly protected: boolean;
  readonly tags: Readonly<Record<string, string>>;
  /** Remote state; undefined keeps local state. */
  readonly backend?: S3State;
  /** The pipeline's roles and state bucket; set only with `backend` (they are scoped to its state). */
  readonly pipeline?: PipelineSettings;
  readonly connect: ConnectTarget;
  /**
   * The file sets the hierarchy group of each user that names one (`users[].hierarchyGroup`, `none`
   * clears it); the others, and every user when false, keep the console's. @default false
   */
  readonly manageHierarchyGroups?: boolean;
  /** Group IDs by path, for groups whose name another group shares (looked up by ID, not name). @default none */
  readonly hierarchyGroupIds?: Readonly<Record<string, string>>;
  readonly ssoApplication: {
    readonly displayName: string;
    /** The metadata file as given in the environment file (relative to it). */
    readonly metadataFile: string;
    /** The metadata document itself. */
    readonly metadataXml: string;
    readonly certificates: ReadonlyArray<SigningCertificate>;
    readonly sessionDurationHours: number;
    readonly destination?: Destination;
    readonly applicationArn?: string;
    /** Identity Center group display names assigned to the application (needs applicationArn). */
    readonly groups?: ReadonlyArray<string>;
    /** Assign each configured user to the application; false: the groups instead. @default true */
    readonly assignUsers?: boolean;
    /** Whether only assigned users and groups may use the application; undefined: not managed. */
    readonly assignmentRequired?: boolean;
  };
  readonly iam: { readonly samlProviderName: string; readonly roleName: string };
  readonly identityCenter: {
    /** Home region of Identity Center (defaults to the environment's region). */
    readonly region: string;
    /**
     * Identity Center's account when it is not the environment's: the stack reaches it through the
     * roles its own bootstrap stack makes there (identityCenterRoleName), chained from the pipeline's.
     */
    readonly account?: string;
    /** A role of your own to assume for Identity Center calls (instead of `account`'s bootstrap roles). */
    readonly assumeRoleArn?: string;
    readonly identityStoreId?: string;
    readonly createUsers: boolean;
    /** Groups `npm run users -- sync` reads, each with the profiles its new members get (first listed wins). */
    readonly syncGroups?: ReadonlyArray<SyncGroup>;
  };
  /** Hand-made resources the first apply imports instead of creating. */
  readonly adopt: {
    readonly samlProvider: boolean;
    readonly role: boolean;
    /** Users found by name and imported. */
    readonly users: ReadonlyArray<string>;
    /** Users imported by their Connect user ID, by user name. @default none */
    readonly userIds?: Readonly<Record<string, string>>;
  };
  /**
   * Users stacks: `stacks` users stacks (0 = users stay in the main stack); `previousStacks` is set
   * while users move after a change of `stacks`; `usersPerStack` is the size that draws a warning.
   */
  readonly sharding: { readonly stacks: number; readonly previousStacks?: number; readonly usersPerStack: number };
  readonly users: ReadonlyArray<UserEntry>;
}
