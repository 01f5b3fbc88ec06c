/**
 * IAM Identity Center admin (sso-admin, JSON 1.1): instances, console-made applications, their
 * assignments and assignment configuration. ListInstances, DescribeApplication,
 * Create/Describe/Delete/ListApplicationAssignment(s) and Put/GetApplicationAssignmentConfiguration
 * are the calls hashicorp/aws 5.100.0 makes for this project's stacks.
 */
import { randomBytes } from "node:crypto";
import { ApiError, requireString } from "./errors";
import { bodyPage } from "./paging";
import type { JsonOperation } from "./server";

export interface AddSsoInstanceOptions {
  /** e.g. d-9067a1b2c3 */
  readonly identityStoreId: string;
  /** @default arn:<partition>:sso:::instance/ssoins-<16 hex> */
  readonly instanceArn?: string;
  readonly name?: string;
}

export interface ApplicationAssignment {
  readonly ApplicationArn: string;
  readonly PrincipalId: string;
  readonly PrincipalType: "USER" | "GROUP";
}

/** An instance as ListInstances returns it. */
interface SsoInstance {
  readonly InstanceArn: string;
  readonly IdentityStoreId: string;
  readonly OwnerAccountId: string;
  readonly Name?: string;
  readonly CreatedDate: number;
  readonly Status: "ACTIVE";
}

interface Application {
  readonly arn: string;
  readonly name: string;
  readonly instanceArn?: string;
  /** By principal (`<type>:<id>`). */
  readonly assignments: Map<string, ApplicationAssignment>;
  /** GetApplicationAssignmentConfiguration's AssignmentRequired; true for a new application (AWS's default). */
  assignmentRequired: boolean;
}

/** One fake's Identity Center: its operations for the server, and seeding and inspection for tests. */
export interface SsoAdmin {
  readonly operations: Readonly<Record<string, JsonOperation>>;
  addInstance(options: AddSsoInstanceOptions): { readonly instanceArn: string; readonly identityStoreId: string };
  /** A (console-made) application that assignments can be made to; the ARN is kept as given. */
  addApplication(applicationArn: string, options?: { readonly name?: string; readonly instanceArn?: string }): void;
  /** Assignments of one application (or of all), as DescribeApplicationAssignment returns them. */
  assignments(applicationArn?: string): ApplicationAssignment[];
}

const assignmentKey = (a: ApplicationAssignment) => `${a.PrincipalType}:${a.PrincipalId}`;

function assignmentInput(body: Readonly<Record<string, unknown>>): ApplicationAssignment {
  const ApplicationArn = requireString(body, "ApplicationArn", "ValidationException");
  const PrincipalId = requireString(body, "PrincipalId", "ValidationException");
  const PrincipalType = body.PrincipalType;
  if (PrincipalType !== "USER" && PrincipalType !== "GROUP")
    throw new ApiError("ValidationException", `PrincipalType ${JSON.stringify(PrincipalType)} must be USER or GROUP.`);
  return { ApplicationArn, PrincipalId, PrincipalType };
}

const assignmentNotFound = (a: ApplicationAssignment) =>
  new ApiError("ResourceNotFoundException", `Assignment of ${a.PrincipalType} ${a.PrincipalId} to application ${a.ApplicationArn} not found.`);

export function ssoAdmin(accountId: string, partition: string): SsoAdmin {
  const instances: SsoInstance[] = [];
  const applications = new Map<string, Application>();

  function getApplication(arn: string): Application {
    const application = applications.get(arn);
    if (!application) throw new ApiError("ResourceNotFoundException", `Application ${arn} not found.`);
    return application;
  }

  const operations: Record<string, JsonOperation> = {
    ListInstances: (body) => ({ body: bodyPage(body, "Instances", instances) }),
    CreateApplicationAssignment: (body) => {
      const input = assignmentInput(body);
      // Guess: creating an assignment that exists already succeeds and changes nothing.
      getApplication(input.ApplicationArn).assignments.set(assignmentKey(input), input);
      return {};
    },
    DescribeApplicationAssignment: (body) => {
      const input = assignmentInput(body);
      const found = getApplication(input.ApplicationArn).assignments.get(assignmentKey(input));
      if (!found) throw assignmentNotFound(input);
      return { body: { ...found } };
    },
    DeleteApplicationAssignment: (body) => {
      const input = assignmentInput(body);
      if (!getApplication(input.ApplicationArn).assignments.delete(assignmentKey(input))) throw assignmentNotFound(input);
      return {};
    },
    ListApplicationAssignments: (body) => {
      const application = getApplication(requireString(body, "ApplicationArn", "ValidationException"));
      return { body: bodyPage(body, "ApplicationAssignments", [...application.assignments.values()]) };
    },
    PutApplicationAssignmentConfiguration: (body) => {
      const application = getApplication(requireString(body, "ApplicationArn", "ValidationException"));
      if (typeof body.AssignmentRequired !== "boolean")
        throw new ApiError("ValidationException", `AssignmentRequired ${JSON.stringify(body.AssignmentRequired)} must be a boolean.`);
      application.assignmentRequired = body.AssignmentRequired;
      return {};
    },
    GetApplicationAssignmentConfiguration: (body) => {
      const application = getApplication(requireString(body, "ApplicationArn", "ValidationException"));
      return { body: { AssignmentRequired: application.assignmentRequired } };
    },
    DescribeApplication: (body) => {
      const application = getApplication(requireString(body, "ApplicationArn", "ValidationException"));
      return {
        body: {
          ApplicationArn: application.arn,
          // Guess: the provider ARN and portal options of the Amazon Connect catalog application.
          ApplicationProviderArn: "arn:aws:sso::aws:applicationProvider/catalog/AmazonConnect",
          Name: application.name,
          ApplicationAccount: accountId,
          ...(application.instanceArn ? { InstanceArn: application.instanceArn } : {}),
          Status: "ENABLED",
          PortalOptions: { Visibility: "ENABLED", SignInOptions: { Origin: "IDENTITY_CENTER" } },
        },
      };
    },
  };

  return {
    operations,
    addInstance: (o) => {
      const instance: SsoInstance = {
        InstanceArn: o.instanceArn ?? `arn:${partition}:sso:::instance/ssoins-${randomBytes(8).toString("hex")}`,
        IdentityStoreId: o.identityStoreId,
        OwnerAccountId: accountId,
        ...(o.name ? { Name: o.name } : {}),
        CreatedDate: Date.now() / 1000,
        Status: "ACTIVE",
      };
      instances.push(instance);
      return { instanceArn: instance.InstanceArn, identityStoreId: instance.IdentityStoreId };
    },
    addApplication: (applicationArn, o) => {
      if (applications.has(applicationArn)) throw new Error(`connect fake: application ${applicationArn} exists already`);
      applications.set(applicationArn, {
        arn: applicationArn,
        name: o?.name ?? "Amazon Connect",
        instanceArn: o?.instanceArn,
        assignments: new Map(),
        assignmentRequired: true,
      });
    },
    assignments: (applicationArn) =>
      [...applications.values()]
        .filter((a) => applicationArn === undefined || a.arn === applicationArn)
        .flatMap((a) => [...a.assignments.values()].map((x) => ({ ...x }))),
  };
}
