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
 * strictly in arrival order, as a mongod connection thread does. Messages are
 * handled synchronously until one has to wait for a commit, and the replies of
 * one run leave in a single corked write.
 */
export class WireConnection {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private readonly inbox: InboundMessage[] = [];
  /** A message is being handled (possibly waiting for its commit). */
  private busy = false;
  private idleWaiters: (() => void)[] = [];
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
    if (!this.busy && this.inbox.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
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
        break;
      }
      // Chunks are joined only once the whole message is here, so large messages cost one copy.
      if (this.bufferedBytes < length) break;
      const head = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered, this.bufferedBytes);
      const message = head.subarray(0, length);
      const rest = head.subarray(length);
      this.buffered = rest.length > 0 ? [rest] : [];
      this.bufferedBytes = rest.length;
      try {
        this.inbox.push(parseMessage(message));
      } catch (error) {
        this.reject(error instanceof WireProtocolError ? error.message : String(error));
        break;
      }
    }
    if (!this.busy && this.inbox.length > 0) this.run();
  }

  /** A malformed stream cannot be resynchronised, so the connection is dropped. */
  private reject(reason: string): void {
    this.logger.warn({ connectionId: this.id, reason }, 'embedded MongoDB closing connection after malformed message');
    this.destroy();
  }

  /**
   * Handles queued messages in order until the inbox is empty or one waits for
   * its commit; `previous` is the reply of the message that waited. Like a
   * mongod connection, every message received is executed even once the
   * socket is gone; only its reply is dropped.
   */
  private run(previous?: Reply): void {
    this.busy = true;
    this.socket.cork();
    try {
      this.write(previous);
      for (let message = this.inbox.shift(); message !== undefined; message = this.inbox.shift()) {
        let reply: Reply | Promise<Reply>;
        try {
          reply = this.answer(message);
        } catch (error) {
          this.fail(error);
          continue;
        }
        if (reply instanceof Promise) {
          reply.then(
            (chunks) => this.run(chunks),
            (error: unknown) => {
              this.fail(error);
              this.run();
            },
          );
          return;
        }
        this.write(reply);
      }
      this.busy = false;
      this.wakeIdleWaiters();
    } finally {
      this.socket.uncork();
    }
  }

  /** The reply's chunks, undefined when the client expects none; a promise while a write commits. */
  private answer(message: InboundMessage): Reply | Promise<Reply> {
    const reply = message.kind === 'msg' ? this.dispatcher.execute(message.body, this.id) : this.legacyCommand(message.collection, message.query);
    return reply instanceof Promise ? reply.then((body) => encodeReply(message, body)) : encodeReply(message, reply);
  }

  private fail(error: unknown): void {
    this.logger.error({ err: error, connectionId: this.id }, 'embedded MongoDB failed to answer a message');
    this.destroy();
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  private legacyCommand(collection: string, query: Document): Document | Promise<Document> {
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

  private write(chunks: Reply): void {
    if (chunks === undefined || this.closed) return;
    for (const chunk of chunks) this.socket.write(chunk);
  }
}

type Reply = readonly Uint8Array[] | undefined;

function encodeReply(message: InboundMessage, body: Document): Reply {
  if (message.kind === 'query') return encodeOpReply(message.header.requestId, body);
  // moreToCome: the client expects no reply (unacknowledged write).
  return message.moreToCome ? undefined : encodeOpMsg(message.header.requestId, body);
}
