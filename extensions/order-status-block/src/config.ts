// The app's public URL (shopify.app.toml's application_url): extensions run in Shopify's sandbox and
// reach the app's backend by absolute URL. Set it when you deploy (`shopify app dev` prints it).
export const APP_URL = "https://waypoint.example.com";
