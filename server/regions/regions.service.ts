import type { Locale } from '../core/i18n';
import { regionsFileSchema, type RegionsFile } from './regions.schemas';

export type Province = RegionsFile['provinces'][number];

/** Provinces and their major cities, held in memory: a few kilobytes that never change at run time. */
export function createRegionsService(raw: unknown) {
  const { provinces } = regionsFileSchema.parse(raw);
  const byCode = new Map(provinces.map((province) => [province.code, province]));
  return {
    provinces(): Province[] {
      return provinces;
    },

    isValid(provinceCode: string, city: string): boolean {
      return byCode.get(provinceCode)?.cities.some((candidate) => candidate.zh === city) ?? false;
    },

    isProvince(provinceCode: string): boolean {
      return byCode.has(provinceCode);
    },

    /** "广东省 深圳市" / "Shenzhen, Guangdong"; unknown values are shown as stored. */
    label(provinceCode: string, city: string, locale: Locale): string {
      const province = byCode.get(provinceCode);
      if (!province) return city;
      const match = province.cities.find((candidate) => candidate.zh === city);
      if (locale === 'en') return province.cities.length === 1 ? province.en : `${match?.en ?? city}, ${province.en}`;
      return province.cities.length === 1 ? province.zh : `${province.zh} ${city}`;
    },
  };
}

export type RegionsService = ReturnType<typeof createRegionsService>;
