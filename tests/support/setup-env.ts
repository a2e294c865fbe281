// Test environment: fixed, fake credentials (the real libraries sign and verify with them).
process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY ??= "test-api-key";
process.env.SHOPIFY_API_SECRET ??= "test-api-secret";
process.env.SHOPIFY_APP_URL ??= "https://waypoint.test";
process.env.ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
process.env.TRACKING_LINK_SECRET ??= "test-tracking-link-secret-0123456789";
process.env.LOG_LEVEL ??= "silent";
process.env.WORKER ??= "off";
