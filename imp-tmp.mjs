const which = process.argv.slice(2);
await import("@aws-sdk/client-kms");
const t = performance.now();
for (const w of which) await import(w);
console.log((performance.now() - t).toFixed(1));
