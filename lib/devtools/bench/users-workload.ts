/**
 * One measured run of `npm run users -- import-live` or `sync` for the bench, in a child process
 * the bench measures (time, CPU, peak RSS): the command itself, in process, with AWS answered
 * from memory by a population of generated users (./environments.ts benchUser), so that what is
 * measured is the project's own work (reading the answers, merging, checking, writing the file),
 * not a network. The calls it would make to AWS are printed by the command, for the bench to price.
 *
 * Run as: node --import tsx -e "require('./lib/devtools/bench/users-workload.ts').main(process.argv.slice(1))" <import-live|sync> <envDir> <users>
 */
import {
  DescribeUserCommand as ConnectDescribeUser,
  ListRoutingProfilesCommand,
  ListSecurityProfilesCommand,
  SearchUsersCommand,
  type ConnectClient,
} from "@aws-sdk/client-connect";
import {
  DescribeUserCommand as StoreDescribeUser,
  GetGroupIdCommand,
  ListGroupMembershipsCommand,
  type IdentitystoreClient,
} from "@aws-sdk/client-identitystore";
import { CONNECT_RATE, planMinutes } from "../plan-cost/model";
import { runUsersCli } from "../../tools/users/cli";
import { BENCH_ENV, benchUser, type BenchUser } from "./environments";

const INSTANCE_ARN = "arn:aws:connect:us-west-2:111122223333:instance/0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";
/** A Connect user ID of the population (a lowercase UUID, as Connect's). */
const userId = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
const profileId = (name: string) => `id-${name.toLowerCase().replace(/\W+/g, "-")}`;

/** A page of `items` from a token (an offset) and a page size. */
function page<T>(items: ReadonlyArray<T>, token: string | undefined, size: number): { items: T[]; next?: string } {
  const start = token ? Number(token) : 0;
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length ? { next: String(end) } : {}) };
}

function connectUser(u: BenchUser, i: number, milliseconds: boolean) {
  return {
    Id: userId(i),
    Arn: `${INSTANCE_ARN}/agent/${userId(i)}`,
    Username: u.username,
    IdentityInfo: { FirstName: u.firstName, LastName: u.lastName, ...(milliseconds ? {} : { SecondaryEmail: u.secondaryEmail }) },
    PhoneConfig: {
      PhoneType: u.deskPhoneNumber ? "DESK_PHONE" : "SOFT_PHONE",
      AutoAccept: u.autoAccept,
      // SearchUsers answers milliseconds, DescribeUser seconds (API reference).
      AfterContactWorkTimeLimit: (u.afterContactWorkTimeLimit ?? 0) * (milliseconds ? 1000 : 1),
      ...(u.deskPhoneNumber ? { DeskPhoneNumber: u.deskPhoneNumber } : {}),
    },
    SecurityProfileIds: u.securityProfiles.map(profileId),
    RoutingProfileId: profileId(u.routingProfile),
    Tags: {},
  };
}

/** A Connect client answering from `population` (SearchUsers, DescribeUser, the profile lists). */
function connectFromMemory(population: ReadonlyArray<BenchUser>): ConnectClient {
  const byId = new Map(population.map((_, n) => [userId(n + 1), n]));
  const names = (key: "securityProfiles" | "routingProfile") => [...new Set(population.flatMap((u) => u[key]))].map((Name) => ({ Id: profileId(Name), Name }));
  const send = async (command: unknown) => {
    if (command instanceof SearchUsersCommand) {
      const p = page(population, command.input.NextToken, command.input.MaxResults ?? 100);
      const first = Number(command.input.NextToken ?? 0);
      return { Users: p.items.map((u, k) => connectUser(u, first + k + 1, true)), NextToken: p.next };
    }
    if (command instanceof ConnectDescribeUser) {
      const n = byId.get(command.input.UserId!)!;
      return { User: connectUser(population[n], n + 1, false) };
    }
    if (command instanceof ListSecurityProfilesCommand) return { SecurityProfileSummaryList: names("securityProfiles") };
    if (command instanceof ListRoutingProfilesCommand) return { RoutingProfileSummaryList: names("routingProfile") };
    throw new Error(`the bench's Connect answers no ${(command as object).constructor.name}`);
  };
  return { send } as unknown as ConnectClient;
}

/** An identity store client answering from `population`: one group holding every user. */
function storeFromMemory(population: ReadonlyArray<BenchUser>): IdentitystoreClient {
  const ids = population.map((_, n) => `u-${n + 1}`);
  const send = async (command: unknown) => {
    if (command instanceof GetGroupIdCommand) return { GroupId: "g-agents", IdentityStoreId: command.input.IdentityStoreId };
    if (command instanceof ListGroupMembershipsCommand) {
      const p = page(ids, command.input.NextToken, command.input.MaxResults ?? 100);
      return { GroupMemberships: p.items.map((UserId) => ({ MemberId: { UserId } })), NextToken: p.next };
    }
    if (command instanceof StoreDescribeUser) {
      const u = population[Number(command.input.UserId!.slice(2)) - 1];
      return {
        UserName: u.username,
        UserId: command.input.UserId,
        Emails: [{ Value: u.username, Primary: true }],
        Name: { GivenName: u.firstName, FamilyName: u.lastName },
      };
    }
    throw new Error(`the bench's identity store answers no ${(command as object).constructor.name}`);
  };
  return { send } as unknown as IdentitystoreClient;
}

export async function main(argv: ReadonlyArray<string>): Promise<void> {
  const [mode, envDir, count] = argv;
  const users = Number(count);
  if ((mode !== "import-live" && mode !== "sync") || !envDir || !Number.isInteger(users) || users < 1)
    throw new Error(`usage: users-workload <import-live|sync> <envDir> <users>; given ${JSON.stringify(argv)}`);
  const population = Array.from({ length: users }, (_, n) => benchUser(n + 1));
  const code = await runUsersCli(
    [mode, BENCH_ENV],
    { CONNECT_SSO_ENVIRONMENTS: envDir },
    { out: (text) => process.stdout.write(text), err: (line) => console.error(line) },
    { clients: { connect: connectFromMemory(population) }, identityStore: { client: storeFromMemory(population) } },
  );
  process.exitCode = code;
}

/** The shell command of one run (in the project root; mode, folder and users follow). */
export const USERS_WORKLOAD = `node --import tsx -e "require('./lib/devtools/bench/users-workload.ts').main(process.argv.slice(1))"`;

/** The calls a run's command reported (`… (SearchUsers 200, DescribeUser 20000, …)`), or "" when it printed none. */
export function readCalls(stderr: string): string {
  return /^users: read .*\((.*)\)$/m.exec(stderr)?.[1] ?? "";
}

/** What the commands would call on AWS for `users` users, and how long Connect's share takes at its rate. */
export function liveCallLines(users: number, calls: { readonly live: string; readonly sync: string }): string[] {
  const connect = [...calls.live.matchAll(/(\w+) (\d+)/g)].reduce((sum, m) => sum + Number(m[2]), 0);
  return [
    `import-live of ${users} users calls Connect ${connect} times (${calls.live}): ${planMinutes(connect).toFixed(0)} min at ${CONNECT_RATE.perSecond} requests/s, the project's own work above aside`,
    `sync of ${users} members calls the identity store (${calls.sync}); its rate is shared with the console, the reads go 4 at a time`,
  ];
}
