import type { Document } from 'bson';
import type { CursorRegistry } from './cursor-registry';
import type { DatabaseCatalog } from './database-catalog';
import type { StoreMutation } from './storage/storage.types';

export interface ServerIdentity {
  host: string;
  port: number;
  startedAt: Date;
}

export interface CommandContext {
  /** Target database (`$db`). */
  db: string;
  body: Document;
  catalog: DatabaseCatalog;
  cursors: CursorRegistry;
  /** Mutations applied by this command; committed to storage before the reply is sent. */
  pending: StoreMutation[];
  connectionId: number;
  server: ServerIdentity;
}

/**
 * Handlers apply their in-memory changes synchronously (recording them in
 * `pending`), so the commit that follows sees them in the order applied.
 */
export type CommandHandler = (ctx: CommandContext) => Document;

export type CommandTable = Record<string, CommandHandler>;
