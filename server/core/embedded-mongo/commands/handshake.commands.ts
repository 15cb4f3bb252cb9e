import { Long, type Document } from 'bson';
import os from 'node:os';
import type { CommandContext, CommandTable } from '../command.types';
import { MAX_MESSAGE_BYTES } from '../wire-protocol';

/** Presents as a standalone MongoDB 7.0 (wire version 21); driver 7.8 needs at least 9. */
export const SERVER_VERSION = '7.0.0';
const MAX_WIRE_VERSION = 21;
const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

function hello(ctx: CommandContext): Document {
  const reply: Document = {
    isWritablePrimary: true,
    ismaster: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_BYTES,
    maxWriteBatchSize: 100000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
  // Compression is never offered, whatever the client lists in `compression`.
  if (ctx.body.helloOk === true) reply.helloOk = true;
  return reply;
}

function buildInfo(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'embedded',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    javascriptEngine: 'none',
    storageEngines: ['embedded'],
    modules: [],
    sysInfo: 'deprecated',
    allocator: 'system',
    ok: 1,
  };
}

function serverStatus(ctx: CommandContext): Document {
  const uptimeMs = Date.now() - ctx.server.startedAt.getTime();
  return {
    host: `${os.hostname()}:${ctx.server.port}`,
    version: SERVER_VERSION,
    process: 'mongod',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMs / 1000),
    uptimeMillis: Long.fromNumber(uptimeMs),
    localTime: new Date(),
    storageEngine: { name: 'embedded', supportsCommittedReads: false, persistent: true },
    ok: 1,
  };
}

export const handshakeCommands: CommandTable = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  serverStatus,
  hostInfo: () => ({
    system: { currentTime: new Date(), hostname: os.hostname(), cpuAddrSize: 64, numCores: os.cpus().length, memSizeMB: Math.round(os.totalmem() / 1048576) },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    extra: {},
    ok: 1,
  }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  whatsmyuri: (ctx) => ({ you: `${ctx.server.host}:${ctx.connectionId}`, ok: 1 }),
  getCmdLineOpts: (ctx) => ({ argv: ['mongod'], parsed: { net: { bindIp: ctx.server.host, port: ctx.server.port } }, ok: 1 }),
  getParameter: (ctx) => {
    const known: Document = { featureCompatibilityVersion: { version: '7.0' }, authenticationMechanisms: [] };
    const wanted = ctx.body.getParameter === '*' ? Object.keys(known) : Object.keys(ctx.body).filter((k) => Object.hasOwn(known, k));
    return { ...Object.fromEntries(wanted.map((k) => [k, known[k]])), ok: 1 };
  },
  getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  endSessions: () => ({ ok: 1 }),
  killSessions: () => ({ ok: 1 }),
  killAllSessions: () => ({ ok: 1 }),
  refreshSessions: () => ({ ok: 1 }),
};
