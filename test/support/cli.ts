import { type CliIo, main } from "../../src/cli/main.js";

/** What one in-process run of the CLI printed, and its exit status. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `main()` in-process with captured output: through a pipe (not a terminal, no environment) unless
 * `io` says otherwise.
 */
export async function runCli(
  args: readonly string[],
  io: Partial<Pick<CliIo, "env" | "isTTY" | "columns" | "readStdin">> = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: io.env ?? {},
    isTTY: io.isTTY ?? false,
    columns: io.columns,
    readStdin: io.readStdin,
  });
  return { code, stdout, stderr };
}
