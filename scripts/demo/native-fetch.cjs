// Preloaded into the demo's app server (node --require): keeps Node's native fetch, Request,
// Response, Headers, FormData and File when remix-serve calls installGlobals() without nativeFetch
// (it does unless the v3_singleFetch future flag is on), so the production server runs on the same
// fetch implementation as `vite dev` (installGlobals({ nativeFetch: true }) in vite.config.ts).
// Without it, app code using the standard static Response.json() fails under remix-serve on Node 20.
"use strict";
for (const name of ["fetch", "Request", "Response", "Headers", "FormData", "File"]) {
  const native = globalThis[name];
  if (native === undefined) continue;
  Object.defineProperty(globalThis, name, { configurable: true, enumerable: false, get: () => native, set: () => {} });
}
