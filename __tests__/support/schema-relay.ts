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

export interface Relay {
  /** The unix socket terraform connects to instead of the provider's. */
  readonly socket: string;
  close(): void;
}

const HOP_HEADERS = new Set([":status", ":authority", ":scheme", "connection", "keep-alive", "transfer-encoding"]);
const forwarded = (headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_HEADERS.has(name)));

/** Starts a relay in front of the provider listening on `upstreamSocket`. */
export function startRelay(upstreamSocket: string): Promise<Relay> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tf-relay-"));
  const socket = path.join(dir, "provider.sock");
  let upstream: http2.ClientHttp2Session | undefined;
  const session = () => {
    if (!upstream || upstream.closed || upstream.destroyed) {
      upstream = http2.connect("http://provider", { createConnection: () => net.connect(upstreamSocket) });
      upstream.on("error", () => undefined); // each stream reports its own failure
    }
    return upstream;
  };

  const reply = (stream: http2.ServerHttp2Stream, answer: Answer) => {
    if (stream.destroyed) return;
    stream.respond({ ":status": 200, ...forwarded(answer.headers) }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers(forwarded(answer.trailers)));
    stream.end(answer.body);
  };

  const server = http2.createServer();
  server.on("stream", (stream, headers) => {
    stream.on("error", () => undefined); // terraform went away: nothing to tell it
    const route = headers[":path"] ?? "";
    const named = route === GET_SCHEMA ? SCHEMA_MAPS : route === GET_METADATA ? METADATA_LISTS : undefined;
    const hit = cached.get(route);
    if (named && hit) {
      stream.resume();
      reply(stream, hit);
      return;
    }
    const request = session().request(forwarded(headers));
    stream.on("close", () => {
      if (!request.closed) request.close(http2.constants.NGHTTP2_CANCEL);
    });
    request.on("error", () => {
      if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    });
    stream.pipe(request);
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
          let body: Buffer;
          try {
            body = narrowBody(Buffer.concat(chunks), named);
          } catch (error) {
            // An answer the relay cannot read fails terraform's command with the reason, never passes.
            const message = `schema relay: cannot read the provider's ${route} answer: ${(error as Error).message}`;
            reply(stream, { headers: responseHeaders, body: Buffer.alloc(0), trailers: { "grpc-status": "13", "grpc-message": encodeURIComponent(message) } });
            return;
          }
          const answer = { headers: responseHeaders, body, trailers: trailers ?? missing };
          if (trailers?.["grpc-status"] === "0") cached.set(route, answer);
          reply(stream, answer);
        });
        return;
      }
      stream.respond({ ":status": responseHeaders[":status"] ?? 200, ...forwarded(responseHeaders) }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers(forwarded(trailers ?? missing)));
      request.pipe(stream);
    });
  });
  server.on("error", () => undefined);

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socket, () => {
      server.unref();
      resolve({
        socket,
        close: () => {
          upstream?.destroy();
          server.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      });
    });
  });
}
