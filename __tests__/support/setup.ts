import { Testing } from "cdktf";

// cdktf's matchers: toHaveResource, toHaveResourceWithProperties, toHaveDataSource...
Testing.setupJest();

// cdktf records where every token was made: a stack trace of unlimited depth, taken on a plain
// object (`{ stack: "" }`), thousands of times per synth. Jest's source-map support rewrites each
// frame of every trace, which made those captures a tenth of the suite's in-process time. Traces
// of real errors keep their source maps; the creation stacks get V8's own format, as outside jest.
const mapped = Error.prepareStackTrace;
if (mapped)
  Error.prepareStackTrace = (error, frames) =>
    error instanceof Error ? mapped(error, frames) : ["Error", ...frames.map((frame) => `    at ${String(frame)}`)].join("\n");
