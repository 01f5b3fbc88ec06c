/**
 * Where a command-line tool writes: `out` its result (stdout), `err` each line of progress or of a
 * problem (stderr). scripts/ pass the process streams; tests pass collectors.
 */
export interface ToolIo {
  readonly out: (text: string) => void;
  readonly err: (line: string) => void;
}

/** What a tool reads from its surroundings, given by tests. */
export interface ToolOptions {
  /** The time certificates and responses are checked at. @default now */
  readonly now?: Date;
  /** Working directory for relative paths and messages. @default process.cwd() */
  readonly cwd?: string;
}
