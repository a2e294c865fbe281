// The Shopify and carrier simulator, as a module the demo, the benchmarks and the end-to-end tests
// share as their load generator:
//   createGenerator  deterministic stories of a shop's orders as Shopify-shaped webhooks (generator.ts)
//   signer           signed webhook requests, admin session tokens (signer.ts; every signature, app
//                    proxy queries included, from app/lib/shopify-signing.server.ts)
//   Sender           HTTP delivery: bounded concurrency, rate limit, duplicates, reordering (sender.ts)
//   Timeline         the live feed: webhooks as they come due, new orders included (timeline.ts)
//   bulkLoad         a benchmark dataset written straight through Prisma (bulk.ts; CLI: load.ts)
export * from "./generator";
export * from "./signer";
export { Sender, type SenderOptions, type SenderStats } from "./sender";
export { Timeline } from "./timeline";
export { bulkLoad, rowsForStory, type BulkOptions, type BulkResult } from "./bulk";
export { Random } from "./random";
export { CARRIERS, DESTINATIONS, PRODUCTS } from "./catalog";
