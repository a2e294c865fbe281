export const DEFAULT_DATABASE_URL: string;
export function databaseTarget(raw: string | undefined): {
  provider: "sqlite" | "postgresql";
  url: string;
  schema: string;
};
export function maskDatabaseUrl(url: string): string;
