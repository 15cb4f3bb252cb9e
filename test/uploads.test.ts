import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { createOrganisation, createPerson, createRoleCast, signInAs, type SignedIn } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { elfExecutable, minimalPdf, postMultipart, windowsExecutable } from './support/uploads';

/** Supertest's default parser leaves binary bodies alone only when asked to buffer them. */
function binary(response: request.Response, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('uploads: certificate scans checked by content, stored privately, served to the right people only', () => {
  let test: TestPlatform;
  let cast: Awaited<ReturnType<typeof createRoleCast>>;
  let admin: SignedIn;
  let organiser: SignedIn;
  const qualification = { type: 'gjb-quality', level: '', certificateNumber: 'GJB-2025-0001', issuingAuthority: '中国新时代认证中心', issuedOn: '2024-03-01', expiresOn: '2099-02-28' };

  before(async () => {
    test = await startTestPlatform();
    cast = await createRoleCast(test.platform);
    admin = await signInAs(test.app, cast['org-admin']);
    // Organisers have a second factor whose codes work once: sign in once per file.
    organiser = await signInAs(test.app, cast.organiser);
  });

  after(async () => {
    await test?.close();
  });

  const db = () => test.platform.store.connection.db!;
  const uploadsDir = () => path.join(test.dataDir, 'uploads');

  /** The temporary area is emptied when the response ends, which may be a moment after the client has it. */
  async function incomingIsEmpty(): Promise<boolean> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const left = await fs.readdir(path.join(uploadsDir(), 'incoming')).catch(() => []);
      if (left.length === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  async function storedCount(): Promise<number> {
    return db().collection('stored_files').countDocuments();
  }

  it('accepts a real PDF and keeps it under DATA_DIR/uploads with a random name, its size, SHA-256 and detected type', async () => {
    const pdf = minimalPdf();
    await postMultipart(admin, '/organisation/qualifications', qualification, { field: 'scan', content: pdf, filename: 'GJB证书.pdf' })
      .expect(303)
      .expect('Location', '/organisation/qualifications?notice=qualification-recorded');
    const stored = await db().collection('stored_files').findOne({ organisationId: cast.enterprise.id, kind: 'qualification-scan' });
    assert.ok(stored);
    assert.equal(stored.type, 'pdf');
    assert.equal(stored.mime, 'application/pdf');
    assert.equal(stored.size, pdf.length);
    assert.equal(stored.sha256, createHash('sha256').update(pdf).digest('hex'));
    assert.equal(stored.name, 'GJB证书.pdf');
    assert.match(stored.storageKey, /^[a-f0-9]{32}$/);
    assert.deepEqual(await fs.readFile(path.join(uploadsDir(), stored.storageKey)), pdf);
    assert.ok(await incomingIsEmpty(), 'nothing is left in the temporary area');
  });

  it('accepts PNG and JPEG images by their signatures', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 2)]);
    await postMultipart(admin, '/organisation/qualifications', { ...qualification, certificateNumber: 'PNG-1' }, { field: 'scan', content: png, filename: 'scan.png', contentType: 'image/png' }).expect(303);
    // The name says PDF, the content says JPEG: the content wins, and the stored name follows it.
    await postMultipart(admin, '/organisation/qualifications', { ...qualification, certificateNumber: 'JPG-1' }, { field: 'scan', content: jpeg, filename: 'photo.pdf' }).expect(303);
    const types = await db().collection('stored_files').find({ name: { $in: ['scan.png', 'photo.jpg'] } }).project({ type: 1, name: 1, mime: 1, _id: 0 }).sort({ type: 1 }).toArray();
    assert.deepEqual(types, [{ type: 'jpeg', name: 'photo.jpg', mime: 'image/jpeg' }, { type: 'png', name: 'scan.png', mime: 'image/png' }]);
  });

  it('refuses executables named .pdf, whatever MIME type the client claims, and keeps the other input', async () => {
    const before = await storedCount();
    for (const content of [elfExecutable(), windowsExecutable()]) {
      const page = await postMultipart(admin, '/organisation/qualifications', { ...qualification, certificateNumber: 'EXE-1' }, { field: 'scan', content, filename: 'certificate.pdf', contentType: 'application/pdf' }).expect(422);
      assert.match(page.text, /只接受 PDF、PNG、JPEG 文件（按文件内容判断）/);
      assert.match(page.text, /value="EXE-1"/, 'the other fields are kept');
    }
    assert.equal(await storedCount(), before);
    assert.equal(await db().collection('qualifications').countDocuments({ certificateNumber: 'EXE-1' }), 0);
    assert.ok(await incomingIsEmpty());
  });

  it('refuses a file over 10 MB with a clear message and stores nothing', async () => {
    const before = await storedCount();
    const large = Buffer.concat([minimalPdf(), Buffer.alloc(11 * 1024 * 1024, 0x20)]);
    const page = await postMultipart(admin, '/organisation/qualifications', { ...qualification, certificateNumber: 'BIG-1' }, { field: 'scan', content: large, filename: 'big.pdf' }).expect(422);
    assert.match(page.text, /文件超过 10 MB 上限/);
    assert.match(page.text, /value="BIG-1"/);
    assert.equal(await storedCount(), before);
    assert.ok(await incomingIsEmpty());
  });

  it('reduces a path-traversal file name to a harmless base name and writes nothing outside the upload area', async () => {
    await postMultipart(admin, '/organisation/qualifications', { ...qualification, certificateNumber: 'TRAVERSAL-1' }, { field: 'scan', content: minimalPdf('traversal'), filename: '../../etc/passwd.pdf' }).expect(303);
    const record = await db().collection('qualifications').findOne({ certificateNumber: 'TRAVERSAL-1' });
    const stored = await db().collection('stored_files').findOne({ _id: new (await import('mongodb')).ObjectId(String(record!.scanFileId)) });
    assert.equal(stored!.name, 'passwd.pdf');
    await assert.rejects(fs.stat(path.join(test.dataDir, 'etc')), { code: 'ENOENT' });
    const entries = await fs.readdir(uploadsDir());
    assert.ok(entries.every((entry) => entry === 'incoming' || /^[a-f0-9]{32}$/.test(entry)), entries.join(', '));

    const download = await organiser.agent.get(`/files/${stored!._id.toHexString()}`).expect(200);
    assert.equal(download.headers['content-disposition'], 'attachment; filename=passwd.pdf');
  });

  it('serves a scan to its organisation and to organisers as an audited, uncached attachment, and to nobody else', async () => {
    const stored = await db().collection('stored_files').findOne({ organisationId: cast.enterprise.id, name: 'GJB证书.pdf' });
    const href = `/files/${stored!._id.toHexString()}`;
    const pdf = await fs.readFile(path.join(uploadsDir(), stored!.storageKey));

    const byOrganiser = await organiser.agent.get(href).buffer(true).parse(binary).expect(200);
    assert.equal(byOrganiser.headers['content-type'], 'application/pdf');
    assert.equal(byOrganiser.headers['content-disposition'], `attachment; filename="GJB??.pdf"; filename*=UTF-8''GJB%E8%AF%81%E4%B9%A6.pdf`);
    assert.equal(byOrganiser.headers['x-content-type-options'], 'nosniff');
    assert.equal(byOrganiser.headers['cache-control'], 'private, no-store');
    assert.deepEqual(byOrganiser.body, pdf);

    const entry = await db().collection('audit_log').findOne({ action: 'file.downloaded', 'target.id': stored!._id.toHexString(), 'actor.id': cast.organiser.id });
    assert.ok(entry, 'the download is audited');
    assert.equal(entry.details.organisationId, cast.enterprise.id);

    const member = await signInAs(test.app, cast['org-member']);
    await member.agent.get(href).expect(200);

    const other = await createOrganisation(test.platform);
    const outsider = await signInAs(test.app, await createPerson(test.platform, { roles: ['org-admin'], organisationId: other.id }));
    const refused = await outsider.agent.get(href).expect(404);
    assert.doesNotMatch(refused.text, /GJB/);
    await request(test.app).get(href).expect(401);
    assert.equal(await db().collection('audit_log').countDocuments({ action: 'file.downloaded', 'target.id': stored!._id.toHexString(), 'actor.id': { $ne: cast.organiser.id } }), 1, 'only successful downloads are logged, the member’s one here');
  });
});
