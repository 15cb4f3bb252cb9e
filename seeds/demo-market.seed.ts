import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { z } from 'zod';
import type { Actor } from '../server/core/actor';
import { addDays, beijingDay, type Day } from '../server/core/time';
import { PDF_FILE, ReceivedUpload } from '../server/core/upload';
import type { Features } from '../server/features';
import type { NeedInput } from '../server/needs';
import { organisationInput } from '../server/organisations';
import { qualificationType } from '../server/qualifications';
import { capabilityCollection } from '../search/capabilities';
import { needCollection } from '../search/needs';
import { organisationCollection } from '../search/organisations';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts.seed';
import demoMarketFile from './demo-market.json';

type CapabilityInput = Parameters<Features['capabilities']['service']['create']>[1];
type QualificationInput = Parameters<Features['qualifications']['service']['record']>[1];

/** How long each kind of certificate runs (which gives its issue date), who issues it and its number's prefix. */
const CERTIFICATES: Record<string, { years: number; authority: (level: string | null, province: string) => string; prefix: string }> = {
  secrecy: { years: 5, prefix: 'BM', authority: (level, province) => (level === '1' ? '国家武器装备科研生产单位保密资格认定委员会' : `${province}武器装备科研生产单位保密资格认定委员会`) },
  'production-licence': { years: 5, prefix: 'XK', authority: () => '国家国防科技工业局' },
  contractor: { years: 4, prefix: 'CZ', authority: () => '中央军委装备发展部' },
  'gjb-quality': { years: 3, prefix: 'GJB', authority: () => '中国新时代认证中心' },
  airworthiness: { years: 5, prefix: 'AW', authority: () => '中国民用航空局' },
  'classified-it': { years: 5, prefix: 'SJ', authority: () => '国家保密局' },
  'mcf-demo': { years: 3, prefix: 'MCF', authority: (level, province) => (level === 'national' ? '工业和信息化部' : `${province}军民融合发展委员会办公室`) },
  'catalogue-civil-to-mil': { years: 2, prefix: 'MCM', authority: () => '国家国防科技工业局' },
  'catalogue-mil-to-civil': { years: 2, prefix: 'MZM', authority: () => '国家国防科技工业局' },
  iso9001: { years: 3, prefix: 'QMS', authority: () => '中国质量认证中心' },
  'high-tech': { years: 3, prefix: 'GR', authority: (_level, province) => `${province}高新技术企业认定管理机构` },
};

const day = z.iso.date();

const demoMarketSchema = z.object({
  asOf: day,
  organisations: z
    .array(
      z.object({
        id: z.string().min(1),
        name: z.string(),
        creditCode: z.string(),
        kind: z.string(),
        province: z.string(),
        city: z.string(),
        industries: z.array(z.string()),
        introduction: z.string(),
        contact: z.object({ person: z.string(), phone: z.string(), email: z.string() }),
        qualifications: z.array(
          z.object({
            type: z.string().refine((code) => qualificationType(code) !== undefined && Object.hasOwn(CERTIFICATES, code), 'unknown qualification type'),
            level: z.string().optional(),
            validUntil: day,
            verified: z.boolean(),
          }),
        ),
      }),
    )
    .min(1),
  capabilities: z.array(
    z.object({
      id: z.string().min(1),
      organisation: z.string(),
      kind: z.string(),
      direction: z.enum(['civil-to-military', 'military-to-civil']),
      title: z.string(),
      summary: z.string(),
      description: z.string(),
      industries: z.array(z.string()).min(1).max(3),
      trl: z.number().int().min(1).max(9).nullable(),
      keywords: z.array(z.string()).max(20),
    }),
  ),
  needs: z.array(
    z.object({
      id: z.string().min(1),
      organisation: z.string(),
      kind: z.string(),
      title: z.string(),
      summary: z.string(),
      description: z.string(),
      industries: z.array(z.string()).min(1).max(3),
      requirements: z.object({
        qualifications: z.array(z.object({ type: z.string(), minLevel: z.string().nullish().transform((level) => level ?? null) })),
        minTrl: z.number().int().min(1).max(9).nullable(),
        preferredRegions: z.array(z.string()),
      }),
      quantity: z.string(),
      budget: z.object({ min: z.number().nullable(), max: z.number().nullable(), hidden: z.boolean() }),
      respondWithinDays: z.number().int().min(1).max(365),
      delivery: z.object({ place: z.string(), time: z.string() }),
      visibility: z.enum(['public', 'registered', 'qualified', 'invited']),
      invited: z.array(z.string()),
    }),
  ),
});

export type DemoMarket = z.infer<typeof demoMarketSchema>;

let parsed: DemoMarket | undefined;

/** The demo marketplace (seeds/demo-market.json), checked once: a broken data file fails loudly, not halfway through a load. */
export function demoMarket(): DemoMarket {
  if (parsed) return parsed;
  const market = demoMarketSchema.parse(demoMarketFile);
  const ids = new Set(market.organisations.map((organisation) => organisation.id));
  const dangling = [...market.capabilities.map((item) => item.organisation), ...market.needs.flatMap((need) => [need.organisation, ...need.invited])].filter((id) => !ids.has(id));
  if (dangling.length) throw new Error(`seeds/demo-market.json refers to unknown organisations: ${[...new Set(dangling)].join(', ')}`);
  parsed = market;
  return market;
}

export interface DemoMarketCounts {
  organisations: number;
  people: number;
  qualifications: number;
  capabilities: number;
  needs: number;
}

/** Qualifications a military-to-civil listing is backed by: civilian certifications, not defence ones. */
const CIVIL_MARKET_QUALIFICATIONS = new Set(['iso9001', 'high-tech', 'mcf-demo', 'airworthiness', 'catalogue-mil-to-civil']);

/** Calendar arithmetic in whole years, keeping month ends (29 February becomes 28 February). */
function addYears(value: Day, years: number): Day {
  const [year, month, date] = value.split('-').map(Number) as [number, number, number];
  const lastOfMonth = new Date(Date.UTC(year + years, month, 0)).getUTCDate();
  return `${year + years}-${String(month).padStart(2, '0')}-${String(Math.min(date, lastOfMonth)).padStart(2, '0')}`;
}

/**
 * The data set's validity dates are relative to its `asOf` day. Moving them
 * forward by whole years until `asOf` is no longer in the past keeps every
 * certificate that was valid then valid today, and month ends month ends.
 */
function yearsToShift(asOf: Day, today: Day): number {
  let years = 0;
  while (addYears(asOf, years) < today) years += 1;
  return years;
}

/** A one-page PDF standing in for a scanned document (standard fonts only carry ASCII). */
async function standInPdf(lines: string[]): Promise<Buffer> {
  const document = await PDFDocument.create();
  document.setTitle('Rongtong demo document');
  document.setProducer('Rongtong demo data');
  const page = document.addPage([595, 842]);
  const font = await document.embedFont(StandardFonts.Helvetica);
  ['RONGTONG DEMO DATA - NOT A REAL DOCUMENT', '', ...lines].forEach((line, index) => page.drawText(line, { x: 56, y: 770 - index * 24, size: 14, font }));
  return Buffer.from(await document.save());
}

/**
 * Hands a generated PDF to a service the way an upload form does: as a
 * checked file in the upload area's incoming directory (DATA_DIR/uploads/incoming,
 * on the same file system, so keeping it is a rename).
 */
async function withUpload<T>(dataDir: string, name: string, content: Buffer, use: (upload: ReceivedUpload) => Promise<T>): Promise<T> {
  const incoming = path.join(dataDir, 'uploads', 'incoming');
  await fs.mkdir(incoming, { recursive: true, mode: 0o700 });
  const tempPath = path.join(incoming, randomBytes(16).toString('hex'));
  await fs.writeFile(tempPath, content, { flag: 'wx', mode: 0o600 });
  try {
    return await use(new ReceivedUpload(tempPath, name, PDF_FILE, content.length, createHash('sha256').update(content).digest('hex')));
  } finally {
    // Gone already when the service kept the file; otherwise nothing is left behind.
    await fs.rm(tempPath, { force: true });
  }
}

/** Round robin over the organisations, so that the newest listings (the home page's) come from several of them. */
function interleaved<T extends { organisation: string }>(items: T[]): T[] {
  const queues = new Map<string, T[]>();
  for (const item of items) queues.set(item.organisation, [...(queues.get(item.organisation) ?? []), item]);
  const order: T[] = [];
  while (order.length < items.length) {
    for (const queue of queues.values()) {
      const next = queue.shift();
      if (next) order.push(next);
    }
  }
  return order;
}

/** Whether any demo organisation's administrator exists, i.e. the demo marketplace was loaded (maybe partly) before. */
async function loadedBefore(features: Features, market: DemoMarket): Promise<boolean> {
  for (const organisation of market.organisations) {
    if (await features.accounts.service.findByEmail(organisation.contact.email)) return true;
  }
  return false;
}

/**
 * Loads the demo marketplace through the services, as its people would have
 * built it: each organisation registers, its administrator submits the
 * business licence and records qualifications with their scans, the demo
 * organiser verifies them, then capabilities are published and needs
 * submitted (military units' needs pass the organiser's review). Every
 * listing is indexed by the services as it is published.
 *
 * A no-op when the demo marketplace is already there; `npm run seed:demo`
 * removes it first (removeDemoMarket) to load it afresh.
 */
export async function seedDemoMarket(features: Features, options: { dataDir: string; now?: Date }): Promise<DemoMarketCounts> {
  const market = demoMarket();
  const counts: DemoMarketCounts = { organisations: 0, people: 0, qualifications: 0, capabilities: 0, needs: 0 };
  if (await loadedBefore(features, market)) return counts;
  const { accounts, organisations, qualifications, capabilities, needs, regions } = features;
  const organiser = await accounts.service.findByEmail(DEMO_ACCOUNTS.organiser);
  if (!organiser) throw new Error(`the demo organiser ${DEMO_ACCOUNTS.organiser} does not exist: load the demo accounts first`);
  const reviewer = accounts.service.actorOf(organiser);

  const today = beijingDay(options.now ?? new Date());
  const shift = yearsToShift(market.asOf, today);
  // A certificate issued no later than a month ago, whatever its validity period says.
  const latestIssue = addDays(today, -30);
  const provinceName = new Map(regions.service.provinces().map((province) => [province.code, province.zh]));

  const admins = new Map<string, Actor>();
  const creditCodes = new Map(market.organisations.map((organisation) => [organisation.id, organisation.creditCode]));
  const backing = new Map<string, Array<{ id: string; type: string }>>();

  for (const [index, entry] of market.organisations.entries()) {
    const organisation = await organisations.service.create(
      organisationInput.parse({
        name: entry.name,
        creditCode: entry.creditCode,
        kind: entry.kind,
        province: entry.province,
        city: entry.city,
        industries: entry.industries,
        introduction: entry.introduction,
        contactPerson: entry.contact.person,
        contactPhone: entry.contact.phone,
        contactEmail: entry.contact.email,
      }),
    );
    counts.organisations += 1;
    const person = await accounts.service.provision({
      email: entry.contact.email,
      name: `${entry.contact.person}（演示）`,
      password: DEMO_PASSWORD,
      roles: ['org-admin'],
      organisationId: organisation.id,
    });
    counts.people += 1;
    const admin = accounts.service.actorOf(person);
    admins.set(entry.id, admin);

    await withUpload(options.dataDir, '营业执照.pdf', await standInPdf(['Business licence', `Unified social credit code: ${organisation.creditCode}`]), (licence) =>
      organisations.service.submitLicence(admin, licence),
    );
    await organisations.service.setVerification(reviewer, organisation.id, 'verified', '演示数据 / demo data');

    const held: Array<{ id: string; type: string }> = [];
    for (const [serial, certificate] of entry.qualifications.entries()) {
      // Lapsed on the data set's day: the services rightly refuse to record an expired certificate.
      if (certificate.validUntil < market.asOf) continue;
      const rules = CERTIFICATES[certificate.type]!;
      const level = certificate.level ?? null;
      const expiresOn = addYears(certificate.validUntil, shift);
      const fullTerm = addDays(addYears(expiresOn, -rules.years), 1);
      const issuedOn = fullTerm < latestIssue ? fullTerm : latestIssue;
      const certificateNumber = `${rules.prefix}${level ? `-${level.toUpperCase()}` : ''}-${issuedOn.slice(0, 4)}-${String((index + 1) * 100 + serial + 1).padStart(5, '0')}`;
      const typeName = qualificationType(certificate.type)!.zh;
      const recorded = await withUpload(options.dataDir, `${typeName}.pdf`, await standInPdf(['Qualification certificate', `Certificate no. ${certificateNumber}`, `Valid until ${expiresOn}`]), (scan) => {
        const input: QualificationInput & { scan: ReceivedUpload } = {
          type: certificate.type,
          level,
          certificateNumber,
          issuingAuthority: rules.authority(level, provinceName.get(entry.province) ?? ''),
          issuedOn,
          expiresOn,
          scan,
        };
        return qualifications.service.record(admin, input);
      });
      counts.qualifications += 1;
      // Unverified in the data set: left pending, waiting in the organiser's review queue.
      if (!certificate.verified) continue;
      await qualifications.service.decide(reviewer, recorded.id, 'verified', '');
      held.push({ id: recorded.id, type: certificate.type });
    }
    backing.set(entry.id, held);
  }

  for (const entry of interleaved(market.capabilities)) {
    const admin = admins.get(entry.organisation)!;
    const linked = (backing.get(entry.organisation) ?? []).filter((qualification) =>
      entry.direction === 'military-to-civil' ? CIVIL_MARKET_QUALIFICATIONS.has(qualification.type) : qualification.type !== 'catalogue-mil-to-civil',
    );
    const input: CapabilityInput = {
      kind: entry.kind,
      direction: entry.direction,
      title: entry.title,
      summary: entry.summary,
      description: entry.description,
      industries: entry.industries,
      keywords: entry.keywords,
      trl: entry.trl,
      specifications: [],
      scenarios: [],
      qualificationIds: linked.map((qualification) => qualification.id),
      declaration: true,
      action: 'publish',
    };
    await capabilities.service.create(admin, input);
    counts.capabilities += 1;
  }

  for (const entry of interleaved(market.needs)) {
    const admin = admins.get(entry.organisation)!;
    const organisation = market.organisations.find((candidate) => candidate.id === entry.organisation)!;
    const input: NeedInput = {
      kind: entry.kind,
      title: entry.title,
      summary: entry.summary,
      description: entry.description,
      industries: entry.industries,
      requirements: entry.requirements,
      quantity: entry.quantity,
      budget: entry.budget,
      responseDeadline: addDays(today, entry.respondWithinDays),
      delivery: entry.delivery,
      contact: { person: organisation.contact.person, phone: organisation.contact.phone, email: organisation.contact.email },
      visibility: entry.visibility,
      invitedCreditCodes: entry.invited.map((id) => creditCodes.get(id)!),
    };
    const { id } = await needs.service.create(admin, input);
    const status = await needs.service.submit(admin, id);
    if (status === 'in_review') await needs.service.review(reviewer, id, { decision: 'approve', comments: '演示数据，经保密审查可以发布 / demo data' });
    counts.needs += 1;
  }
  return counts;
}

const hexIds = (records: Array<{ _id: { toHexString(): string } }>) => records.map((record) => record._id.toHexString());

/** Files a record carries (attachments and images of listings and response threads), whichever lists it has. */
function storageKeysOf(record: Record<string, unknown>): string[] {
  return ['attachments', 'images'].flatMap((slot) => {
    const files = record[slot];
    return Array.isArray(files) ? files.flatMap((file: { storageKey?: unknown }) => (typeof file?.storageKey === 'string' ? [file.storageKey] : [])) : [];
  });
}

/**
 * Removes the demo marketplace: the organisations with the demo credit codes
 * and everything hanging off them (people, qualifications, stored files and
 * their bytes, capabilities, needs, response threads either side of which is
 * a demo organisation, notifications, alert subscriptions, publication
 * events of their listings), then takes them out of search. No
 * service deletes such records, on purpose (acknowledged data is never
 * lost), so this development-only reset works on the collections directly
 * and touches nothing but the demo organisations' records. The audit log and
 * the mail outbox keep their entries: they are history, not marketplace.
 */
export async function removeDemoMarket(platform: { connection: Connection; features: Features }): Promise<{ organisations: number }> {
  const { connection, features } = platform;
  const collection = (name: string) => connection.collection(name);
  const creditCodes = demoMarket().organisations.map((organisation) => organisation.creditCode);
  const organisationIds = hexIds(await collection('organisations').find({ creditCode: { $in: creditCodes } }, { projection: { _id: 1 } }).toArray());
  if (!organisationIds.length) return { organisations: 0 };
  const owned = { organisationId: { $in: organisationIds } };

  const capabilityRecords = await collection('capabilities').find(owned).toArray();
  const needRecords = await collection('needs').find(owned).toArray();
  const threads = { $or: [{ needOrganisationId: { $in: organisationIds } }, { supplierOrganisationId: { $in: organisationIds } }] };
  const threadRecords = await collection('response_threads').find(threads).toArray();
  const storedFiles = await collection('stored_files').find(owned, { projection: { storageKey: 1 } }).toArray();
  const storageKeys = [
    ...storedFiles.flatMap((file) => (typeof file.storageKey === 'string' ? [file.storageKey] : [])),
    ...[...capabilityRecords, ...needRecords, ...threadRecords].flatMap(storageKeysOf),
  ];

  await collection('response_threads').deleteMany(threads);
  await collection('notifications').deleteMany(owned);
  await collection('alert_subscriptions').deleteMany(owned);
  await collection('publication_events').deleteMany({ listingId: { $in: [...hexIds(capabilityRecords), ...hexIds(needRecords)] } });
  await collection('capabilities').deleteMany(owned);
  await collection('needs').deleteMany(owned);
  await collection('qualifications').deleteMany(owned);
  await collection('stored_files').deleteMany(owned);
  await collection('users').deleteMany(owned);
  await collection('organisations').deleteMany({ creditCode: { $in: creditCodes } });
  for (const key of storageKeys) await features.files.uploads.discard(key);

  // The records are gone, so the indexer deletes their documents.
  await features.indexer.changed(capabilityCollection.name, hexIds(capabilityRecords));
  await features.indexer.changed(needCollection.name, hexIds(needRecords));
  await features.indexer.changed(organisationCollection.name, organisationIds);
  return { organisations: organisationIds.length };
}
