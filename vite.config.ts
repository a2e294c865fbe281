import { vitePlugin as remix } from "@remix-run/dev";
import { installGlobals } from "@remix-run/node";
import { build, defineConfig, type Plugin, type UserConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

installGlobals({ nativeFetch: true });

// As in Shopify's template: `shopify app dev` passes HOST; the app URL drives HMR over the tunnel.
if (process.env.HOST && (!process.env.SHOPIFY_APP_URL || process.env.SHOPIFY_APP_URL === process.env.HOST)) {
  process.env.SHOPIFY_APP_URL = process.env.HOST;
  delete process.env.HOST;
}
const host = new URL(process.env.SHOPIFY_APP_URL || "http://localhost").hostname;
const hmrConfig =
  host === "localhost"
    ? { protocol: "ws", host: "localhost", port: 64999, clientPort: 64999 }
    : { protocol: "wss", host, port: parseInt(process.env.FRONTEND_PORT ?? "", 10) || 8002, clientPort: 443 };

/**
 * The job worker's thread module (app/jobs/thread-entry.server.ts), built to build/worker/job-thread.js
 * once Remix's server build is written, so `remix vite:build` (npm run build) makes everything
 * `npm start` runs, and production needs no TypeScript loader (decision 008). Packages stay external,
 * as in the server build: node_modules is resolved at run time.
 */
function jobThreadBuild(): Plugin {
  let ssr = false;
  let root = process.cwd();
  return {
    name: "waypoint-job-thread",
    apply: "build",
    configResolved(config) {
      ssr = Boolean(config.build.ssr);
      root = config.root;
    },
    async closeBundle() {
      if (!ssr) return;
      await build({
        configFile: false,
        root,
        logLevel: "warn",
        plugins: [tsconfigPaths()],
        build: {
          ssr: "app/jobs/thread-entry.server.ts",
          outDir: "build/worker",
          emptyOutDir: true,
          sourcemap: true,
          target: "node20",
          rollupOptions: { output: { format: "esm", entryFileNames: "job-thread.js" } },
        },
      });
    },
  };
}

export default defineConfig({
  server: {
    allowedHosts: [host],
    cors: { preflightContinue: true },
    port: Number(process.env.PORT || 3000),
    hmr: hmrConfig,
    fs: { allow: ["app", "node_modules", "scripts"] },
  },
  plugins: [
    remix({
      ignoredRouteFiles: ["**/.*", "**/*.test.*"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: false,
      },
    }),
    tsconfigPaths(),
    jobThreadBuild(),
  ],
  build: { assetsInlineLimit: 0 },
  ssr: { noExternal: [] },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
}) satisfies UserConfig;
