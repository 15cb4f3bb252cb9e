import type { Document } from 'bson';
import type { Logger } from '../logger';
import type { CommandContext, CommandHandler, ServerIdentity } from './command.types';
import { databaseCommands } from './commands/database.commands';
import { handshakeCommands } from './commands/handshake.commands';
import { indexCommands } from './commands/index.commands';
import { readCommands } from './commands/read.commands';
import { writeCommands } from './commands/write.commands';
import type { CommitCoordinator } from './commit-coordinator';
import type { CursorRegistry } from './cursor-registry';
import type { DatabaseCatalog } from './database-catalog';
import { MongoCommandError, toCommandError } from './mongo-error';
import type { StoreMutation } from './storage/storage.types';

const TRANSACTION_COMMANDS = ['commitTransaction', 'abortTransaction'];

export interface DispatchDependencies {
  catalog: DatabaseCatalog;
  cursors: CursorRegistry;
  committer: CommitCoordinator;
  server: ServerIdentity;
  logger: Logger;
}

/** Routes a command document to its handler and commits its writes before replying. */
export class CommandDispatcher {
  // A Map, so command names such as "constructor" never resolve to inherited members.
  private readonly handlers = new Map<string, CommandHandler>(
    Object.entries({ ...handshakeCommands, ...databaseCommands, ...indexCommands, ...readCommands, ...writeCommands }),
  );

  constructor(private readonly deps: DispatchDependencies) {}

  static commandName(body: Document): string | undefined {
    return Object.keys(body)[0];
  }

  /**
   * Commands that changed nothing are answered synchronously, so reads and
   * handshakes cost no promise hops; writes resolve once durable.
   */
  execute(body: Document, connectionId: number): Document | Promise<Document> {
    const pending: StoreMutation[] = [];
    let reply: Document;
    try {
      reply = this.run(body, connectionId, pending);
    } catch (error) {
      reply = toCommandError(error).toReply();
    }
    return pending.length === 0 ? reply : this.commit(pending, reply);
  }

  private async commit(pending: StoreMutation[], reply: Document): Promise<Document> {
    try {
      await this.deps.committer.commit(pending);
      return reply;
    } catch (error) {
      this.deps.logger.error({ err: error }, 'embedded MongoDB commit failed');
      return new MongoCommandError('InternalError', `write could not be made durable: ${(error as Error).message}`).toReply();
    }
  }

  private run(body: Document, connectionId: number, pending: StoreMutation[]): Document {
    const name = CommandDispatcher.commandName(body);
    if (name === undefined) throw new MongoCommandError('FailedToParse', 'Command document is empty');
    if (body.txnNumber !== undefined || body.startTransaction !== undefined || body.autocommit !== undefined || TRANSACTION_COMMANDS.includes(name)) {
      throw new MongoCommandError('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos');
    }
    const handler = this.handlers.get(name);
    if (handler === undefined) {
      this.deps.logger.warn({ command: name }, 'embedded MongoDB received an unknown command');
      throw new MongoCommandError('CommandNotFound', `no such command: '${name}'`);
    }
    const db = typeof body.$db === 'string' ? body.$db : 'admin';
    const ctx: CommandContext = {
      db,
      body,
      catalog: this.deps.catalog,
      cursors: this.deps.cursors,
      pending,
      connectionId,
      server: this.deps.server,
    };
    return handler(ctx);
  }
}
