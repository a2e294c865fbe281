import { healthCheck } from "../admin/health.server";

// Liveness and readiness for load balancers and the demo: the database answers and is migrated.
export const loader = () => healthCheck();
