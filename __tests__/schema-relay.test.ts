/**
 * The schema relay the tests' terraform talks to (support/schema-relay.ts): it drops exactly the
 * other services' types from the provider's schema, the project uses no type it drops, and each
 * provider configuration of a command reaches a process of its own.
 */
import * as fs from "node:fs";
import * as http2 from "node:http2";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { synthInto } from "./support/synth";
import { isProjectType, narrowSchemaMessage, protobufFields, startRelay } from "./support/schema-relay";

/** Protobuf wire format, enough to build the messages the relay reads. */
const varint = (n: number): Buffer => {
  const bytes: number[] = [];
  do {
    bytes.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.from(bytes);
};
const bytesField = (number: number, body: Buffer | string): Buffer => {
  const payload = Buffer.from(body);
  return Buffer.concat([varint(number * 8 + 2), varint(payload.length), payload]);
};
const boolField = (number: number): Buffer => Buffer.concat([varint(number * 8), varint(1)]);
/** A map<string, Schema> entry: key = 1, value = 2. */
const mapEntry = (number: number, key: string, value = "schema bytes"): Buffer => bytesField(number, Buffer.concat([bytesField(1, key), bytesField(2, value)]));

const keysOf = (message: Buffer, number: number): string[] =>
  protobufFields(message)
    .filter((f) => f.number === number)
    .map((f) =>
      protobufFields(f.body!)
        .find((g) => g.number === 1)!
        .body!.toString("utf8"),
    );

test("GIVEN a GetProviderSchema answer WHEN narrowed THEN other services' resources, data sources and ephemeral resources go and everything else stays byte for byte", () => {
  const provider = bytesField(1, "provider schema");
  const capabilities = bytesField(6, boolField(2));
  const message = Buffer.concat([
    provider,
    mapEntry(2, "aws_iam_role"),
    mapEntry(2, "aws_instance"),
    mapEntry(2, "aws_connect_user", "x".repeat(300)),
    mapEntry(3, "aws_ssoadmin_instances"),
    mapEntry(3, "aws_ami"),
    mapEntry(7, "arn_parse"),
    mapEntry(8, "aws_secretsmanager_secret_version"),
    capabilities,
  ]);

  const narrowed = narrowSchemaMessage(message, new Set([2, 3, 8]), isProjectType);

  expect(keysOf(narrowed, 2)).toEqual(["aws_iam_role", "aws_connect_user"]);
  expect(keysOf(narrowed, 3)).toEqual(["aws_ssoadmin_instances"]);
  expect(keysOf(narrowed, 7)).toEqual(["arn_parse"]);
  expect(keysOf(narrowed, 8)).toEqual([]);
  expect(narrowed).toEqual(
    Buffer.concat([
      provider,
      mapEntry(2, "aws_iam_role"),
      mapEntry(2, "aws_connect_user", "x".repeat(300)),
      mapEntry(3, "aws_ssoadmin_instances"),
      mapEntry(7, "arn_parse"),
      capabilities,
    ]),
  );
});

test("GIVEN a message cut short WHEN read THEN the relay refuses it instead of guessing", () => {
  const whole = mapEntry(2, "aws_iam_role");
  expect(() => protobufFields(whole.subarray(0, whole.length - 3))).toThrow(/runs past the end/);
});

test("GIVEN the type names WHEN sorted by service THEN only aws_<project service>_… types count as the project's", () => {
  expect(["aws_iam_role", "aws_s3_bucket", "aws_connect_instance", "aws_identitystore_group", "aws_ssoadmin_application"].every(isProjectType)).toBe(true);
  expect(["aws_iam", "aws_s3control_bucket", "aws_connectcases_domain", "aws_instance", "iam_role"].some(isProjectType)).toBe(false);
});

test("GIVEN every example environment, pipeline and users stacks included WHEN synthesized THEN each resource and data source type is one the relay keeps", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-relay-"));
  try {
    const { code, lines } = synthInto(outdir);
    expect({ code, lines }).toMatchObject({ code: 0 });
    const stacks = fs.readdirSync(path.join(outdir, "stacks"));
    const types = new Set<string>();
    for (const stack of stacks) {
      const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as { resource?: object; data?: object };
      for (const type of [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {})]) types.add(type);
    }
    expect(stacks.some((s) => s.includes("bootstrap"))).toBe(true);
    expect([...types].filter((t) => t.startsWith("aws_") && !isProjectType(t))).toEqual([]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

describe("a command with two provider configurations (an alias), through the relay", () => {
  const CONFIGURE = "/tfplugin5.Provider/Configure";
  const READ = "/tfplugin5.Provider/ReadResource";
  const VALIDATE = "/tfplugin5.Provider/ValidateResourceTypeConfig";
  let dir: string;
  const servers: http2.Http2Server[] = [];
  const clients: http2.ClientHttp2Session[] = [];
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-relay-"))));
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
    for (const server of servers.splice(0)) server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A stand-in provider process: records each call's route and body, answers gRPC status 0. */
  const provider = async (name: string, seen: string[]): Promise<string> => {
    const socket = path.join(dir, `${name}.sock`);
    const server = http2.createServer();
    server.on("stream", (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        seen.push(`${name} ${String(headers[":path"]).split("/").pop()} ${Buffer.concat(chunks).toString()}`);
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end();
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    return socket;
  };
  /** One of terraform's connections to the relay, and a unary call on it (fails with the gRPC error message). */
  const connection = (socket: string) => {
    const client = http2.connect("http://provider", { createConnection: () => net.connect(socket) });
    clients.push(client);
    return (route: string, body: string) =>
      new Promise<void>((resolve, reject) => {
        const request = client.request({ ":method": "POST", ":path": route, "content-type": "application/grpc" });
        const settle = (headers: http2.IncomingHttpHeaders) => {
          if (headers["grpc-status"] === "0") resolve();
          else if (headers["grpc-status"] !== undefined) reject(new Error(`${headers["grpc-status"]} ${decodeURIComponent(String(headers["grpc-message"]))}`));
        };
        request.on("error", reject);
        // A trailers-only answer (an error) carries its status in the headers.
        request.on("response", settle);
        request.on("trailers", settle);
        request.resume();
        request.end(body);
      });
  };

  test("GIVEN two connections that configure differently WHEN they call THEN each reaches its own process, the same configuration shares one, and calls before Configure go to the first", async () => {
    const seen: string[] = [];
    const [first, second] = await Promise.all([provider("first", seen), provider("second", seen)]);
    const given: string[] = [];
    const relay = await startRelay(first, async () => ({ socket: second, giveBack: () => given.push("second") }));
    try {
      const main = connection(relay.socket);
      const alias = connection(relay.socket);
      const later = connection(relay.socket);
      await main(CONFIGURE, "region us-west-2");
      await alias(CONFIGURE, "region us-east-1");
      await main(READ, "a user");
      await alias(READ, "an assignment");
      await later(VALIDATE, "a resource's config");
      await later(CONFIGURE, "region us-east-1");
      await later(READ, "another assignment");
      expect(seen).toEqual([
        "first Configure region us-west-2",
        "second Configure region us-east-1",
        "first ReadResource a user",
        "second ReadResource an assignment",
        "first ValidateResourceTypeConfig a resource's config",
        "second Configure region us-east-1",
        "second ReadResource another assignment",
      ]);
      // WHEN the command ends THEN the borrowed process goes back to the pool.
      relay.endCommand();
      expect(given).toEqual(["second"]);
    } finally {
      relay.close();
    }
  });

  test("GIVEN a connection that never sent Configure WHEN it asks for a call that needs a configuration THEN the relay refuses it and no process sees it", async () => {
    const seen: string[] = [];
    const relay = await startRelay(await provider("first", seen), () => Promise.reject(new Error("no process to lend")));
    try {
      const main = connection(relay.socket);
      const stray = connection(relay.socket);
      await main(CONFIGURE, "region us-west-2");
      await expect(stray(READ, "a user")).rejects.toThrow(
        "9 schema relay: /tfplugin5.Provider/ReadResource on a connection that has not configured the provider",
      );
      // A second configuration with no process to borrow fails its Configure with the reason.
      await expect(stray(CONFIGURE, "region us-east-1")).rejects.toThrow("13 schema relay: no process to lend");
      expect(seen).toEqual(["first Configure region us-west-2"]);
    } finally {
      relay.close();
    }
  });
});
