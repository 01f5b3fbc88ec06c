/** A refusal the user can act on: the pipeline exits 2 with this message, never a stack trace. */
export class PipelineInputError extends Error {}
