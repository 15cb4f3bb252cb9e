import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import MongoStore from 'connect-mongo';
import type { SessionData } from 'express-session';
import mongoose, { Schema, type Connection } from 'mongoose';
import { startEmbeddedMongo, type EmbeddedMongo } from '../server/core/embedded-mongo';

interface Organisation {
  name: string;
}

interface Member {
  email: string;
  name: string;
  age?: number;
  org?: mongoose.Types.ObjectId;
  createdAt?: Date;
  updatedAt?: Date;
}

function callback<T>(run: (done: (error: unknown, value?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));
}

describe('embedded MongoDB with Mongoose, connect-mongo and Agenda', function () {
  this.timeout(60_000);
  let dir: string;
  let mongo: EmbeddedMongo;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rongtong-embedded-clients-'));
    mongo = await startEmbeddedMongo({ dir });
  });

  after(async () => {
    await mongo?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('Mongoose', () => {
    let connection: Connection;
    let Org: mongoose.Model<Organisation>;
    let MemberModel: mongoose.Model<Member>;

    before(async () => {
      connection = await mongoose.createConnection(`${mongo.uri}/mongoose`).asPromise();
      Org = connection.model<Organisation>('Org', new Schema<Organisation>({ name: { type: String, required: true } }));
      MemberModel = connection.model<Member>(
        'Member',
        new Schema<Member>(
          {
            email: { type: String, required: true, unique: true, lowercase: true },
            name: { type: String, required: true, minlength: 2 },
            age: { type: Number, min: 0 },
            org: { type: Schema.Types.ObjectId, ref: 'Org' },
          },
          { timestamps: true },
        ),
      );
      await Promise.all([Org.init(), MemberModel.init()]);
    });

    after(async () => {
      await connection?.close();
    });

    it('builds schema indexes and surfaces E11000 on duplicates', async () => {
      const indexes = await MemberModel.listIndexes();
      assert.ok(indexes.some((i) => i.name === 'email_1' && i.unique === true));
      await MemberModel.create({ email: 'Ann@Example.com', name: 'Ann' });
      await assert.rejects(MemberModel.create({ email: 'ann@example.com', name: 'Another Ann' }), (error: { code?: number; keyValue?: unknown; message: string }) => {
        assert.equal(error.code, 11000);
        assert.deepEqual(error.keyValue, { email: 'ann@example.com' });
        assert.match(error.message, /E11000 duplicate key error collection: mongoose\.members index: email_1/);
        return true;
      });
    });

    it('reports validation errors without writing', async () => {
      await assert.rejects(MemberModel.create({ email: 'x@example.com', name: 'X', age: -1 }), (error: mongoose.Error.ValidationError) => {
        assert.ok(error instanceof mongoose.Error.ValidationError);
        assert.deepEqual(Object.keys(error.errors).sort(), ['age', 'name']);
        return true;
      });
      assert.equal(await MemberModel.countDocuments({ email: 'x@example.com' }), 0);
    });

    it('keeps timestamps, populates references and reads lean documents', async () => {
      const org = await Org.create({ name: 'Rongtong' });
      const created = await MemberModel.create({ email: 'bo@example.com', name: 'Bo', org: org._id });
      assert.ok(created.createdAt instanceof Date);
      const firstUpdatedAt = created.updatedAt!;
      await new Promise((resolve) => setTimeout(resolve, 5));
      await MemberModel.updateOne({ _id: created._id }, { $set: { age: 30 } });
      const updated = await MemberModel.findById(created._id).populate<{ org: Organisation }>('org');
      assert.equal(updated?.org.name, 'Rongtong');
      assert.equal(updated?.age, 30);
      assert.ok(updated!.updatedAt! > firstUpdatedAt);
      const lean = await MemberModel.find({ org: org._id }).lean();
      assert.equal(lean.length, 1);
      assert.equal(lean[0].email, 'bo@example.com');
      assert.ok(lean[0]._id instanceof mongoose.Types.ObjectId);
      assert.ok(!(lean[0] instanceof mongoose.Document));
      const sorted = await MemberModel.find().sort({ email: 1 }).select('email -_id').lean();
      assert.deepEqual(sorted, [{ email: 'ann@example.com' }, { email: 'bo@example.com' }]);
      const found = await MemberModel.findOneAndUpdate({ email: 'bo@example.com' }, { $inc: { age: 1 } }, { new: true });
      assert.equal(found?.age, 31);
      assert.equal((await MemberModel.deleteMany({ age: { $gte: 31 } })).deletedCount, 1);
    });
  });

  describe('connect-mongo', () => {
    it('sets, gets, touches and destroys a session', async () => {
      const store = MongoStore.create({ mongoUrl: `${mongo.uri}/sessions`, ttl: 60, autoRemove: 'native' });
      try {
        const session = { cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) }, user: 'ann' } as unknown as SessionData;
        await callback<void>((done) => store.set('sid-1', session, done));
        const loaded = (await callback<SessionData | null>((done) => store.get('sid-1', done))) as (SessionData & { user?: string }) | null;
        assert.equal(loaded?.user, 'ann');
        await callback<void>((done) => store.touch('sid-1', session, done));
        assert.equal(await callback<number>((done) => store.length(done)), 1);
        await callback<void>((done) => store.destroy('sid-1', done));
        assert.equal(await callback<SessionData | null>((done) => store.get('sid-1', done)), null);
        const collection = await store.collectionP;
        const indexes = await collection.indexes();
        assert.ok(indexes.some((i) => i.key.expires === 1 && i.expireAfterSeconds === 0));
      } finally {
        await store.close();
      }
    });
  });

  describe('Agenda', () => {
    it('runs a job stored in the embedded server', async () => {
      const agenda = new Agenda({
        backend: new MongoBackend({ address: `${mongo.uri}/agenda`, collection: 'jobs' }),
        processEvery: 100,
      });
      let resolveRun: (data: unknown) => void = () => undefined;
      const ran = new Promise<unknown>((resolve) => {
        resolveRun = resolve;
      });
      agenda.define('greet', async (job) => {
        resolveRun(job.attrs.data);
      });
      await agenda.start();
      try {
        await agenda.now('greet', { to: 'world' });
        assert.deepEqual(await ran, { to: 'world' });
      } finally {
        await agenda.stop();
      }
      const { MongoClient } = await import('mongodb');
      const client = await MongoClient.connect(mongo.uri);
      try {
        let job = await client.db('agenda').collection('jobs').findOne({ name: 'greet' });
        while (!job?.lastFinishedAt) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          job = await client.db('agenda').collection('jobs').findOne({ name: 'greet' });
        }
        assert.ok(job.lastFinishedAt instanceof Date);
      } finally {
        await client.close();
      }
    });
  });
});
