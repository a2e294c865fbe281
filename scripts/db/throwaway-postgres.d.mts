export interface ThrowawayPostgres {
  url: string;
  port: number;
  admin: string;
  dataDir: string;
  stop(): void;
}
export function postgresAvailability(): { ok: boolean; why: string };
export function startThrowawayPostgres(options?: { databases?: string[] }): Promise<ThrowawayPostgres>;
