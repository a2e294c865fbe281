import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
export function migrationAdapter(url: string, shadowUrl?: string): SqlMigrationAwareDriverAdapterFactory;
