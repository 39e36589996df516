import { readFileSync } from "node:fs";
import { catalog } from "kms-keystore-errors";
import { describe, expect, it } from "vitest";
import { renderErrorReference } from "../scripts/render-errors.js";

describe("docs/errors.md", () => {
  const page = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");

  it("is generated from the current catalog (run `npm run docs:errors` when this fails)", () => {
    expect(page).toBe(renderErrorReference());
  });

  it("has a section for every cause", () => {
    for (const entry of catalog) expect(page).toContain(`### ${entry.cause}\n`);
  });
});
