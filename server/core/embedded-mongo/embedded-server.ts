import net from 'node:net';
import { fromStoredValue } from './bson-bridge';
import type { Logger } from '../logger';
import type { ServerIdentity } from './command.types';
import { CommandDispatcher } from './command-dispatch';
import { CommitCoordinator } from './commit-coordinator';
import { CursorRegistry } from './cursor-registry';
import { DatabaseCatalog } from './database-catalog';
import type { Storage } from './storage/storage.types';
import { TtlMonitor } from './ttl-monitor';
import { WireConnection } from './wire-connection';

export interface EmbeddedServerOptions {
  host: string;
  port: number;
  storage: Storage;
  logger: Logger;
  ttlMonitorIntervalMs: number;
}

/** Loopback TCP server speaking the MongoDB wire protocol over the in-memory engine. */
export class EmbeddedServer {
  private readonly catalog = new DatabaseCatalog();
  private readonly cursors = new CursorRegistry();
  private readonly committer: CommitCoordinator;
  private readonly ttl: TtlMonitor;
  private readonly connections = new Set<WireConnection>();
  private readonly server: net.Server;
  private readonly dispatcher: CommandDispatcher;
  /** Shared with command handlers; the port is filled in once bound. */
  private readonly identity: ServerIdentity;
  private nextConnectionId = 1;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: EmbeddedServerOptions) {
    this.committer = new CommitCoordinator(options.storage, this.catalog, options.logger);
    this.ttl = new TtlMonitor(this.catalog, this.committer, options.ttlMonitorIntervalMs, options.logger);
    this.identity = { host: options.host, port: options.port, startedAt: new Date() };
    this.dispatcher = new CommandDispatcher({
      catalog: this.catalog,
      cursors: this.cursors,
      committer: this.committer,
      server: this.identity,
      logger: options.logger,
    });
    this.server = net.createServer((socket) => this.accept(socket));
  }

  get port(): number {
    return this.identity.port;
  }

  async start(): Promise<void> {
    await this.options.storage.open((mutation) => {
      this.catalog.apply(fromStoredValue(mutation));
    });
    this.catalog.finishReplay();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (typeof address === 'object' && address !== null) this.identity.port = address.port;
    this.ttl.start();
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private accept(socket: net.Socket): void {
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }
    const connection = new WireConnection(socket, this.nextConnectionId++, this.dispatcher, this.options.logger);
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
  }

  private async shutdown(): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.ttl.stop();
    // Let requests already received finish (and their writes commit) before dropping sockets.
    await Promise.all([...this.connections].map((c) => c.idle()));
    for (const connection of this.connections) connection.destroy();
    await stopped;
    this.cursors.close();
    await this.committer.drain();
    await this.options.storage.close();
  }
}
