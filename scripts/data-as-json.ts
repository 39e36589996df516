/**
 * A build step for the catalog's data modules (`src/catalog/entries/*.ts`, `messages.ts`,
 * `kinds.ts`, `health.ts`, `services.ts`): each is evaluated at build time and shipped as
 * `JSON.parse("…")` of its exports (a regular expression as its literal).
 * JavaScript engines read one string literal far faster than the same data written as object
 * literals, so importing the library costs less, and a bundled application carries the data in a
 * form that compresses better. The sources stay typed TypeScript data (the declaration files are
 * built from them); a data module whose exports do not survive a JSON round trip exactly fails the
 * build, so nothing but plain data is ever shipped this way.
 */
import { isDeepStrictEqual } from "node:util";
import { build, type Plugin } from "esbuild";

/** The data modules shipped as JSON. */
export const DATA_MODULES =
  /[\\/]src[\\/]catalog[\\/](?:entries[\\/][^\\/]+|messages|kinds|health|services)\.ts$/;

/** Evaluates one module (bundled alone) and returns its exports. */
async function evaluate(path: string): Promise<Record<string, unknown>> {
  const out = await build({
    entryPoints: [path],
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "silent",
  });
  const code = out.outputFiles[0]?.text ?? "";
  return (await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`)) as Record<
    string,
    unknown
  >;
}

/** The esbuild plugin: replaces each data module by its exports, parsed from one JSON string. */
export const dataAsJson: Plugin = {
  name: "data-as-json",
  setup(b) {
    b.onLoad({ filter: DATA_MODULES }, async ({ path }) => {
      const exports = await evaluate(path);
      const lines = Object.entries(exports).map(([name, value]) => {
        if (value instanceof RegExp) {
          const literal = String(value);
          if (literal !== `/${value.source}/${value.flags}` || value.lastIndex !== 0) {
            throw new Error(`${path}: export ${name} is not a plain regular expression`);
          }
          return `export const ${name} = ${literal};`;
        }
        const json = JSON.stringify(value);
        if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) {
          throw new Error(`${path}: export ${name} is not plain JSON data`);
        }
        return `export const ${name} = /* @__PURE__ */ JSON.parse(${JSON.stringify(json)});`;
      });
      return { contents: lines.join("\n"), loader: "js" };
    });
  },
};
