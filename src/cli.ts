#!/usr/bin/env node
/**
 * The `kms-keystore-errors` command: `explain`, `doctor`, `probe-xks` and `alarms`. A thin shell over
 * the library: `src/cli/process.ts` runs it in this process, `src/cli/main.ts` does the work.
 */
import { runProcess } from "./cli/process.js";

await runProcess(process);
