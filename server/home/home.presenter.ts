import type { Locale } from '../core/i18n';
import { formatTime } from '../core/time';
import { presentCapabilitySummary } from '../capabilities';
import { presentDomain, type IndustryDomain } from '../taxonomy';
import type { HomeService } from './home.service';

type Overview = Awaited<ReturnType<HomeService['overview']>>;

export function presentHome(overview: Overview, locale: Locale) {
  const context = { locale, domains: overview.domains as IndustryDomain[] };
  const leafLabels = new Map(overview.domains.flatMap((domain) => domain.leaves.map((leaf) => [leaf.code, locale === 'zh' ? leaf.zh : leaf.en] as const)));
  return {
    domains: overview.domains.map((domain) => presentDomain(domain, locale, overview.counts)),
    capabilities: overview.capabilities.map(({ capability, organisation }) => presentCapabilitySummary(capability, { ...context, organisationName: organisation.name })),
    needs: overview.needs.map((need) => ({
      href: `/needs/${need.id}`,
      title: need.title,
      summary: need.summary,
      organisationName: need.organisationName,
      industries: need.industries.map((code) => leafLabels.get(code) ?? code),
      publishedAt: formatTime(need.publishedAt).slice(0, 10),
    })),
    counters: overview.counters,
  };
}
