import type { Document } from 'bson';
import type { Socket } from 'node:net';
import type { Logger } from '../logger';
import type { CommandDispatcher } from './command-dispatch';
import { MongoCommandError } from './mongo-error';
import {
  encodeOpMsg,
  encodeOpReply,
  HEADER_BYTES,
  MAX_MESSAGE_BYTES,
  parseMessage,
  WireProtocolError,
  type InboundMessage,
} from './wire-protocol';

/** Only the handshake may still arrive as OP_QUERY (MongoDB 5.1+ behaviour). */
const OP_QUERY_COMMANDS = new Set(['hello', 'isMaster', 'ismaster']);

/**
 * One client socket: reassembles messages from the byte stream and runs them
 * strictly in arrival order, as a mongod connection thread does.
 */
export class WireConnection {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly socket: Socket,
    readonly id: number,
    private readonly dispatcher: CommandDispatcher,
    private readonly logger: Logger,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (error) => this.logger.debug({ err: error, connectionId: id }, 'embedded MongoDB socket error'));
    socket.on('close', () => {
      this.closed = true;
    });
  }

  /** Resolves once every message received so far has been handled. */
  idle(): Promise<void> {
    return this.queue;
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    while (this.bufferedBytes >= 4) {
      if (this.buffered[0].length < 4) this.buffered = [Buffer.concat(this.buffered)];
      const length = this.buffered[0].readInt32LE(0);
      if (length < HEADER_BYTES || length > MAX_MESSAGE_BYTES) {
        this.reject(`invalid message length ${length}`);
        return;
      }
      // Chunks are joined only once the whole message is here, so large messages cost one copy.
      if (this.bufferedBytes < length) return;
      const head = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered, this.bufferedBytes);
      const message = head.subarray(0, length);
      const rest = head.subarray(length);
      this.buffered = rest.length > 0 ? [rest] : [];
      this.bufferedBytes = rest.length;
      let parsed: InboundMessage;
      try {
        parsed = parseMessage(message);
      } catch (error) {
        this.reject(error instanceof WireProtocolError ? error.message : String(error));
        return;
      }
      this.queue = this.queue.then(() => this.handle(parsed));
    }
  }

  /** A malformed stream cannot be resynchronised, so the connection is dropped. */
  private reject(reason: string): void {
    this.logger.warn({ connectionId: this.id, reason }, 'embedded MongoDB closing connection after malformed message');
    this.destroy();
  }

  private async handle(message: InboundMessage): Promise<void> {
    try {
      if (message.kind === 'msg') {
        const reply = await this.dispatcher.execute(message.body, this.id);
        // moreToCome: the client expects no reply (unacknowledged write).
        if (!message.moreToCome) this.write(encodeOpMsg(message.header.requestId, reply));
        return;
      }
      this.write(encodeOpReply(message.header.requestId, await this.legacyCommand(message.collection, message.query)));
    } catch (error) {
      this.logger.error({ err: error, connectionId: this.id }, 'embedded MongoDB failed to answer a message');
      this.destroy();
    }
  }

  private async legacyCommand(collection: string, query: Document): Promise<Document> {
    const command = (query.$query as Document | undefined) ?? query;
    const name = Object.keys(command)[0];
    if (!collection.endsWith('.$cmd') || name === undefined || !OP_QUERY_COMMANDS.has(name)) {
      return new MongoCommandError(
        'UnsupportedOpQueryCommand',
        `Unsupported OP_QUERY command: ${name ?? collection}. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal`,
      ).toReply();
    }
    return this.dispatcher.execute({ ...command, $db: collection.slice(0, -'.$cmd'.length) }, this.id);
  }

  private write(data: Buffer): void {
    if (!this.closed) this.socket.write(data);
  }
}
