// Removes the given directories (cross-platform `rm -rf`), so builds never see stale output.
import { rmSync } from "node:fs";

for (const dir of process.argv.slice(2)) rmSync(dir, { recursive: true, force: true });
