/**
 * A loopback HTTP proxy in front of moto_server that records `<service>:<operation>` of every
 * request (the service from the SigV4 credential scope; the operation from X-Amz-Target or the
 * query API's Action): what terraform really asked of IAM, STS and identitystore.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { closeServer } from "./terraform";

export interface CountingProxy {
  readonly url: string;
  /** The operations seen, in order. */
  operations(): string[];
  counts(): Record<string, number>;
  reset(): void;
  stop(): Promise<void>;
}

export function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  if (upstream.hostname !== "127.0.0.1") throw new Error(`counting proxy: refusing ${target}: loopback only`);
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const service = /Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/([a-z0-9-]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "unknown";
      const target = req.headers["x-amz-target"];
      const operation = target ? String(target).split(".").pop() : (new URLSearchParams(body.toString("utf8")).get("Action") ?? `${req.method} ${req.url}`);
      seen.push(`${service}:${operation}`);
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, timeout: 30_000, agent: false },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on("timeout", () => forward.destroy(new Error("moto_server did not answer within 30 s")));
      forward.on("error", (e) => {
        if (!res.headersSent) res.writeHead(502, { "Content-Type": "text/plain" });
        res.end(`counting proxy: ${e.message}`);
      });
      forward.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        operations: () => [...seen],
        counts: () => seen.reduce<Record<string, number>>((acc, k) => ((acc[k] = (acc[k] ?? 0) + 1), acc), {}),
        reset: () => void (seen.length = 0),
        stop: () => closeServer(server),
      });
    });
  });
}
