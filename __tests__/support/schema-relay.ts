/**
 * A loopback relay between terraform and a pooled aws provider (support/provider-pool.ts) that
 * narrows the schema the provider announces to the services this project uses.
 *
 * Why: the aws provider announces about 2,000 resource and data source schemas (4.9 MB). Terraform
 * decodes all of them in every command, and the provider builds them for every command: about
 * 1.9 s of CPU per `validate`, `plan`, `show` or `apply`, however small the configuration, against
 * 0.1 s with the narrowed schema. The tests run several hundred terraform commands.
 *
 * What changes: only the answer to GetSchema (and GetMetadata) loses the map entries of other
 * services' types; the entries kept are the provider's own bytes, and every other call passes
 * through unchanged, so terraform validates, plans and applies our types exactly as with the full
 * schema. A configuration naming another service's type fails with terraform's own "unsupported
 * resource type" error, never silently. The schema answer is cached (the provider's binary is
 * fixed), so the provider builds it once per test file.
 * CONNECT_SSO_REATTACH=0 turns the pool, and with it this relay, off.
 *
 * The protocol is gRPC (tfplugin5) over HTTP/2 on a unix socket. The relay reads protobuf's wire
 * format for the two messages it narrows; the field numbers come from tfplugin5.8.proto (the
 * provider speaks 5.8; terraform's docs/plugin-protocol/).
 */
import * as fs from "node:fs";
import * as http2 from "node:http2";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/**
 * The AWS services whose resource and data source types the project synthesizes or its tests
 * write (`aws_<service>_…`); `schema-relay.test.ts` checks every synthesized stack against it.
 */
export const PROJECT_SERVICES = ["connect", "iam", "identitystore", "s3", "ssoadmin"] as const;

/** True for a type of one of the project's services (`aws_iam_role`, `aws_connect_user`…). */
export function isProjectType(typeName: string): boolean {
  return PROJECT_SERVICES.some((service) => typeName.startsWith(`aws_${service}_`));
}

const GET_SCHEMA = "/tfplugin5.Provider/GetSchema";
const GET_METADATA = "/tfplugin5.Provider/GetMetadata";
const CONFIGURE = "/tfplugin5.Provider/Configure";
/**
 * Calls that need no configuration (tfplugin5.9, and go-plugin's own services): on a connection that
 * has not sent Configure they go to the relay's first process. Any other call there is refused: it
 * would run with whatever configuration another connection gave that process.
 */
const NEEDS_NO_CONFIGURATION = new Set([
  ...[
    "GetMetadata",
    "GetSchema",
    "GetResourceIdentitySchemas",
    "PrepareProviderConfig",
    "ValidateResourceTypeConfig",
    "ValidateDataSourceConfig",
    "ValidateEphemeralResourceConfig",
    "UpgradeResourceState",
    "UpgradeResourceIdentity",
    "GetFunctions",
    "CallFunction",
    "Stop",
  ].map((name) => `/tfplugin5.Provider/${name}`),
  "/plugin.GRPCStdio/StreamStdio",
  "/plugin.GRPCBroker/StartStream",
  "/plugin.GRPCController/Shutdown",
]);

/** GetProviderSchema.Response: resource_schemas = 2, data_source_schemas = 3, ephemeral_resource_schemas = 8 (map<string, Schema>: key = 1). */
const SCHEMA_MAPS = new Set([2, 3, 8]);
/** GetMetadata.Response: data_sources = 3, resources = 4, ephemeral_resources = 6 (each a message with type_name = 1). */
const METADATA_LISTS = new Set([3, 4, 6]);

interface Field {
  readonly number: number;
  /** The payload of a length-delimited field (wire type 2), else undefined. */
  readonly body?: Buffer;
  /** The field's bytes as they came, key included. */
  readonly raw: Buffer;
}

function varint(buffer: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at >= buffer.length) throw new Error("protobuf: varint runs past the end of the message");
    const byte = buffer[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return [value, at];
  }
}

/** The top-level fields of a protobuf message, in order. */
export function protobufFields(message: Buffer): Field[] {
  const fields: Field[] = [];
  let at = 0;
  while (at < message.length) {
    const start = at;
    let key: number;
    [key, at] = varint(message, at);
    const wireType = key & 7;
    let body: Buffer | undefined;
    if (wireType === 0) [, at] = varint(message, at);
    else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else if (wireType === 2) {
      let length: number;
      [length, at] = varint(message, at);
      body = message.subarray(at, at + length);
      at += length;
    } else throw new Error(`protobuf: wire type ${wireType} is not one this relay reads`);
    if (at > message.length) throw new Error("protobuf: a field runs past the end of the message");
    fields.push({ number: Math.floor(key / 8), body, raw: message.subarray(start, at) });
  }
  return fields;
}

/** The string in field 1 of a message (a map entry's key, a metadata entry's type_name). */
function firstString(message: Buffer): string {
  return (
    protobufFields(message)
      .find((f) => f.number === 1)
      ?.body?.toString("utf8") ?? ""
  );
}

/** A GetProviderSchema or GetMetadata answer without the entries of types `keep` refuses. */
export function narrowSchemaMessage(message: Buffer, named: ReadonlySet<number>, keep: (typeName: string) => boolean): Buffer {
  return Buffer.concat(
    protobufFields(message)
      .filter((f) => !named.has(f.number) || f.body === undefined || keep(firstString(f.body)))
      .map((f) => f.raw),
  );
}

/** One gRPC frame (uncompressed, RFC-less "Length-Prefixed-Message") around a message. */
function frame(message: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** The narrowed body of a unary answer, or the body unchanged when it is not one plain frame. */
function narrowBody(body: Buffer, named: ReadonlySet<number>): Buffer {
  if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) return body;
  return frame(narrowSchemaMessage(body.subarray(5), named, isProjectType));
}

interface Answer {
  readonly headers: http2.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly trailers: http2.IncomingHttpHeaders;
}

/** Narrowed schema answers, by path: the provider binary is fixed, so its schema is too. */
const cached = new Map<string, Answer>();

/** A provider process the relay forwards to, lent by the pool for one command. */
export interface Borrowed {
  /** The provider's own unix socket. */
  readonly socket: string;
  /** Gives the process back to the pool. */
  giveBack(): void;
}

export interface Relay {
  /** The unix socket terraform connects to instead of the provider's. */
  readonly socket: string;
  /**
   * Ends a command: the relay forgets which configuration each process holds and gives back the
   * processes it borrowed for the command's other provider configurations.
   */
  endCommand(): void;
  close(): void;
}

/** A provider process behind the relay, and the configuration it holds in the current command. */
interface Upstream {
  readonly socket: string;
  readonly giveBack?: () => void;
  session?: http2.ClientHttp2Session;
  /** The Configure request it was given (its bytes): undefined while no open connection holds it. */
  configuration?: Buffer;
  /** Terraform's open connections bound to it. */
  readonly holders: Set<http2.Http2Session>;
}

const HOP_HEADERS = new Set([":status", ":authority", ":scheme", "connection", "keep-alive", "transfer-encoding"]);
const forwarded = (headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_HEADERS.has(name)));

/**
 * Starts a relay in front of the provider listening on `upstreamSocket`.
 *
 * A provider process holds one configuration at a time, and terraform opens one connection per
 * provider configuration (an alias is another): the relay binds each connection to a process at
 * its Configure call, the first time to a process no other configuration holds in this command,
 * borrowing one more from the pool (`borrow`) when every process already holds another. Calls
 * before Configure that need no configuration (schemas, validation, state upgrades) go to the first;
 * any other call before Configure is refused.
 */
export function startRelay(upstreamSocket: string, borrow: () => Promise<Borrowed>): Promise<Relay> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tf-relay-"));
  const socket = path.join(dir, "provider.sock");
  const upstreams: Upstream[] = [{ socket: upstreamSocket, holders: new Set() }];
  const bound = new WeakMap<http2.Http2Session, Upstream>();
  const session = (upstream: Upstream) => {
    if (!upstream.session || upstream.session.closed || upstream.session.destroyed) {
      upstream.session = http2.connect("http://provider", { createConnection: () => net.connect(upstream.socket) });
      upstream.session.on("error", () => undefined); // each stream reports its own failure
    }
    return upstream.session;
  };
  /** Binds a connection to `upstream`; a process forgets its configuration once no open connection holds it. */
  const bind = (connection: http2.Http2Session, upstream: Upstream) => {
    const before = bound.get(connection);
    if (before === upstream) return;
    if (before) unbind(connection, before);
    else connection.once("close", () => unbind(connection, bound.get(connection)));
    bound.set(connection, upstream);
    upstream.holders.add(connection);
  };
  const unbind = (connection: http2.Http2Session, upstream: Upstream | undefined) => {
    if (!upstream) return;
    upstream.holders.delete(connection);
    if (upstream.holders.size === 0) upstream.configuration = undefined;
  };
  /** The process for a connection's Configure request: the one holding the same configuration, else a free one, else a borrowed one. */
  const configure = async (connection: http2.Http2Session, configuration: Buffer): Promise<Upstream> => {
    let upstream = upstreams.find((u) => u.configuration?.equals(configuration)) ?? upstreams.find((u) => !u.configuration);
    if (!upstream) {
      const borrowed = await borrow();
      upstream = { socket: borrowed.socket, giveBack: borrowed.giveBack, holders: new Set() };
      upstreams.push(upstream);
    }
    upstream.configuration = configuration;
    bind(connection, upstream);
    return upstream;
  };

  const reply = (stream: http2.ServerHttp2Stream, answer: Answer) => {
    if (stream.destroyed) return;
    stream.respond({ ":status": 200, ...forwarded(answer.headers) }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers(forwarded(answer.trailers)));
    stream.end(answer.body);
  };

  /** Ends a call with a gRPC error (9: failed precondition, 13: internal) naming the reason. */
  const refuse = (stream: http2.ServerHttp2Stream, status: number, reason: string) => {
    stream.resume();
    if (!stream.destroyed)
      stream.respond(
        { ":status": 200, "content-type": "application/grpc", "grpc-status": String(status), "grpc-message": encodeURIComponent(`schema relay: ${reason}`) },
        { endStream: true },
      );
  };

  /** Sends terraform's call to `upstream` (the request's body: piped from `stream`, or already read) and its answer back. */
  const relay = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, upstream: Upstream, body?: Buffer) => {
    const route = headers[":path"] ?? "";
    const named = route === GET_SCHEMA ? SCHEMA_MAPS : route === GET_METADATA ? METADATA_LISTS : undefined;
    const request = session(upstream).request(forwarded(headers));
    stream.on("close", () => {
      if (!request.closed) request.close(http2.constants.NGHTTP2_CANCEL);
    });
    request.on("error", () => {
      if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    });
    if (body) request.end(body);
    else stream.pipe(request);
    let trailers: http2.IncomingHttpHeaders | undefined;
    request.on("trailers", (t) => (trailers = t));
    request.on("response", (responseHeaders) => {
      if (stream.destroyed) return;
      // A trailers-only answer (an error before any message) ends with its headers.
      if (responseHeaders["grpc-status"] !== undefined) {
        stream.respond({ ":status": responseHeaders[":status"] ?? 200, ...forwarded(responseHeaders) }, { endStream: true });
        request.resume();
        return;
      }
      const missing = { "grpc-status": "13", "grpc-message": "relay: the provider ended without trailers" };
      if (named) {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
          let narrowed: Buffer;
          try {
            narrowed = narrowBody(Buffer.concat(chunks), named);
          } catch (error) {
            // An answer the relay cannot read fails terraform's command with the reason, never passes.
            const message = `schema relay: cannot read the provider's ${route} answer: ${(error as Error).message}`;
            reply(stream, { headers: responseHeaders, body: Buffer.alloc(0), trailers: { "grpc-status": "13", "grpc-message": encodeURIComponent(message) } });
            return;
          }
          const answer = { headers: responseHeaders, body: narrowed, trailers: trailers ?? missing };
          if (trailers?.["grpc-status"] === "0") cached.set(route, answer);
          reply(stream, answer);
        });
        return;
      }
      stream.respond({ ":status": responseHeaders[":status"] ?? 200, ...forwarded(responseHeaders) }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers(forwarded(trailers ?? missing)));
      request.pipe(stream);
    });
  };

  const server = http2.createServer();
  server.on("stream", (stream, headers) => {
    stream.on("error", () => undefined); // terraform went away: nothing to tell it
    const route = headers[":path"] ?? "";
    const hit = cached.get(route);
    if ((route === GET_SCHEMA || route === GET_METADATA) && hit) {
      stream.resume();
      reply(stream, hit);
      return;
    }
    if (route !== CONFIGURE) {
      const upstream = bound.get(stream.session!) ?? (NEEDS_NO_CONFIGURATION.has(route) ? upstreams[0] : undefined);
      if (upstream) relay(stream, headers, upstream);
      else refuse(stream, 9, `${route} on a connection that has not configured the provider: the relay cannot tell which configuration it needs`);
      return;
    }
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      const body = Buffer.concat(chunks);
      configure(stream.session!, body).then(
        (upstream) => relay(stream, headers, upstream, body),
        // No process for this configuration: terraform's Configure fails with the reason.
        (error: Error) => refuse(stream, 13, error.message),
      );
    });
  });
  server.on("error", () => undefined);

  const endCommand = () => {
    for (const upstream of upstreams.splice(1)) {
      upstream.session?.destroy();
      upstream.giveBack?.();
    }
    upstreams[0].configuration = undefined;
    upstreams[0].holders.clear();
  };
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socket, () => {
      server.unref();
      resolve({
        socket,
        endCommand,
        close: () => {
          endCommand();
          upstreams[0].session?.destroy();
          server.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      });
    });
  });
}
