import type { Actor } from '../core/actor';
import { ForbiddenError, ValidationError } from '../core/errors';
import type { Capability, CapabilityService } from '../capabilities';
import type { InboxService } from '../inbox';
import type { MatchingService } from '../matching';
import type { NeedsService } from '../needs';
import type { OrganisationService } from '../organisations';
import type { TaxonomyService } from '../taxonomy';
import type { AlertSubscriptionModel, AlertSubscriptionRecord, PublicationEventModel, WatchedListing } from './alerts.model';
import type { SubscriptionInput } from './alerts.schemas';

export interface AlertSubscription {
  enabled: boolean;
  leaves: string[];
  keywords: string[];
  watch: WatchedListing[];
  lastDigestAt: Date | null;
}

/** A claimed event not finished in this time (a crashed worker) is taken again. */
const CLAIM_LEASE_MS = 10 * 60_000;
const MAX_ATTEMPTS = 5;
/** A digest goes out at most once a day; the margin lets a daily job that runs a little early still send. */
const DIGEST_INTERVAL_MS = 20 * 3_600_000;
const DIGEST_FIRST_WINDOW_MS = 24 * 3_600_000;
const DIGEST_MAX_ITEMS = 20;

function memberOrganisation(actor: Actor | null): string {
  if (!actor?.organisationId || !actor.roles.some((role) => role === 'org-admin' || role === 'org-member')) throw new ForbiddenError();
  return actor.organisationId;
}

function toSubscription(record: AlertSubscriptionRecord | null): AlertSubscription {
  if (!record) return { enabled: false, leaves: [], keywords: [], watch: ['needs'], lastDigestAt: null };
  return { enabled: record.enabled, leaves: [...record.leaves], keywords: [...record.keywords], watch: [...record.watch], lastDigestAt: record.lastDigestAt };
}

/** Filed under a subscribed leaf, or naming a subscribed keyword in what every finder may read. */
function wanted(subscription: AlertSubscriptionRecord, listing: { industries: string[]; title: string; summary: string }): boolean {
  if (listing.industries.some((code) => subscription.leaves.includes(code))) return true;
  const text = `${listing.title}\n${listing.summary}`.toLowerCase();
  return subscription.keywords.some((keyword) => text.includes(keyword.toLowerCase()));
}

export interface AlertsServiceDeps {
  subscriptions: AlertSubscriptionModel;
  events: PublicationEventModel;
  needs: NeedsService;
  capabilities: CapabilityService;
  organisations: OrganisationService;
  taxonomy: TaxonomyService;
  matching: MatchingService;
  inbox: InboxService;
}

export function createAlertsService(deps: AlertsServiceDeps) {
  const { subscriptions, events, needs, capabilities, organisations, taxonomy, matching, inbox } = deps;

  function asMemberOf(organisationId: string): Actor {
    return { id: `organisation:${organisationId}`, roles: ['org-member'], organisationId };
  }

  async function tellStrongMatches(listing: 'need' | 'capability', listingId: string): Promise<number> {
    if (listing === 'need') {
      const found = await matching.strongMatchesForNeed(listingId);
      if (!found) return 0;
      for (const supplier of found.suppliers) {
        await inbox.notify(supplier.organisationId, {
          topic: 'alert.strong-need',
          title: `新需求与贵单位能力高度匹配：${found.need.title} / A new need fits your capability well: ${found.need.title}`,
          body: `${found.need.summary}\n\n匹配的能力 / Your capability：${supplier.capability.title}`,
          link: `/needs/${found.need.id}`,
        });
      }
      return found.suppliers.length;
    }
    const found = await matching.strongMatchesForCapability(listingId);
    if (!found) return 0;
    for (const need of found.needs) {
      await inbox.notify(need.organisationId, {
        topic: 'alert.strong-capability',
        title: `新发布的能力与贵单位需求高度匹配：${found.capability.title} / A new capability fits your need well: ${found.capability.title}`,
        body: `${found.capability.summary}\n\n贵单位的需求 / Your need：${need.title}`,
        link: `/needs/${need.id}/matches`,
      });
    }
    return found.needs.length;
  }

  /** The new listings one subscription asks for that its organisation may see, newest last. */
  async function digestItems(subscription: AlertSubscriptionRecord, since: Date): Promise<Array<{ title: string; link: string; kind: 'need' | 'capability' }>> {
    const items: Array<{ title: string; link: string; kind: 'need' | 'capability' }> = [];
    if (subscription.watch.includes('needs')) {
      const findable = await needs.findableBy(asMemberOf(subscription.organisationId), await needs.publishedSince(since));
      for (const { need } of findable) {
        if (need.organisationId !== subscription.organisationId && wanted(subscription, need)) items.push({ kind: 'need', title: need.title, link: `/needs/${need.id}` });
      }
    }
    if (subscription.watch.includes('capabilities')) {
      const published = (await capabilities.publishedSince(since)).filter((capability: Capability) => capability.organisationId !== subscription.organisationId && wanted(subscription, capability));
      const owners = await organisations.findMany([...new Set(published.map((capability) => capability.organisationId))]);
      for (const capability of published) {
        if (owners.get(capability.organisationId)?.status === 'verified') items.push({ kind: 'capability', title: capability.title, link: `/capabilities/${capability.id}` });
      }
    }
    return items;
  }

  return {
    async subscription(actor: Actor | null): Promise<AlertSubscription> {
      return toSubscription(await subscriptions.findOne({ organisationId: memberOrganisation(actor) }).lean<AlertSubscriptionRecord>());
    },

    async saveSubscription(actor: Actor | null, input: SubscriptionInput): Promise<AlertSubscription> {
      const organisationId = memberOrganisation(actor);
      const leaves = new Set((await taxonomy.listDomains()).flatMap((domain) => domain.leaves.map((leaf) => leaf.code)));
      const unknown = input.leaves.filter((code) => !leaves.has(code));
      if (unknown.length) throw new ValidationError({ leaves: [`未知的产业方向 / Unknown industries: ${unknown.join(', ')}`] });
      if (input.enabled && input.leaves.length === 0 && input.keywords.length === 0) {
        throw new ValidationError({ leaves: ['请至少选择一个产业方向或填写一个关键词 / Choose an industry or enter a keyword'] });
      }
      if (input.enabled && input.watch.length === 0) throw new ValidationError({ watch: ['请选择订阅需求或能力 / Choose needs, capabilities or both'] });
      const record = await subscriptions
        .findOneAndUpdate(
          { organisationId },
          { $set: { enabled: input.enabled, leaves: [...new Set(input.leaves)], keywords: input.keywords, watch: [...new Set(input.watch)] } },
          { upsert: true, returnDocument: 'after', runValidators: true },
        )
        .lean<AlertSubscriptionRecord>();
      return toSubscription(record);
    },

    /** Called by the needs and capabilities services when a listing is published. */
    async listingPublished(listing: 'need' | 'capability', listingId: string): Promise<void> {
      await events.create({ listing, listingId });
    },

    /**
     * Tells the other side about very strong matches of newly published
     * listings: suppliers whose capability fits a new need (only if they may
     * find it), owners of open needs a new capability fits.
     */
    async processPublications(options: { now?: Date; limit?: number } = {}): Promise<{ processed: number; notified: number; failed: number }> {
      const now = options.now ?? new Date();
      let processed = 0;
      let notified = 0;
      let failed = 0;
      for (let i = 0; i < (options.limit ?? 100); i += 1) {
        const event = await events
          .findOneAndUpdate(
            { processedAt: null, attempts: { $lt: MAX_ATTEMPTS }, $or: [{ claimedAt: null }, { claimedAt: { $lt: new Date(now.getTime() - CLAIM_LEASE_MS) } }] },
            { $set: { claimedAt: now }, $inc: { attempts: 1 } },
            { sort: { createdAt: 1 }, returnDocument: 'after' },
          )
          .lean();
        if (!event) break;
        try {
          notified += await tellStrongMatches(event.listing, event.listingId);
          await events.updateOne({ _id: event._id }, { $set: { processedAt: new Date() } });
          processed += 1;
        } catch {
          // Search may be down: the claim lapses and a later run tries again, up to MAX_ATTEMPTS times.
          failed += 1;
        }
      }
      return { processed, notified, failed };
    },

    /** The daily digest: per subscription, the new listings it asks for that its organisation may see. */
    async sendDigests(now: Date = new Date()): Promise<{ sent: number }> {
      const due = await subscriptions
        .find({ enabled: true, $or: [{ lastDigestAt: null }, { lastDigestAt: { $lte: new Date(now.getTime() - DIGEST_INTERVAL_MS) } }] })
        .lean<AlertSubscriptionRecord[]>();
      let sent = 0;
      for (const subscription of due) {
        const since = subscription.lastDigestAt ?? new Date(now.getTime() - DIGEST_FIRST_WINDOW_MS);
        const items = await digestItems(subscription, since);
        if (items.length) {
          const lines = items.slice(-DIGEST_MAX_ITEMS).map((item) => `· ${item.kind === 'need' ? '需求' : '能力'}：${item.title}`);
          if (items.length > DIGEST_MAX_ITEMS) lines.push(`…… 另有 ${items.length - DIGEST_MAX_ITEMS} 条 / ${items.length - DIGEST_MAX_ITEMS} more`);
          await inbox.notify(subscription.organisationId, {
            topic: 'alert.digest',
            title: `订阅动态：${items.length} 条新发布 / Your alerts: ${items.length} new listings`,
            body: lines.join('\n'),
            link: items.length === 1 ? items[0]!.link : '/organisation/alerts',
          });
          sent += 1;
        }
        await subscriptions.updateOne({ _id: subscription._id }, { $set: { lastDigestAt: now } });
      }
      return { sent };
    },

    /** For the digest page: what the next digest would hold now. */
    async preview(actor: Actor | null, now: Date = new Date()): Promise<Array<{ title: string; link: string; kind: 'need' | 'capability' }>> {
      const record = await subscriptions.findOne({ organisationId: memberOrganisation(actor) }).lean<AlertSubscriptionRecord>();
      if (!record || !record.enabled) return [];
      return (await digestItems(record, record.lastDigestAt ?? new Date(now.getTime() - DIGEST_FIRST_WINDOW_MS))).slice(-DIGEST_MAX_ITEMS);
    },
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
