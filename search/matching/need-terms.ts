/**
 * Picks the informative words out of a need's free text, segmented the way
 * `locale: "zh"` fields are indexed, so every term we query exists as index
 * terms. Function words and the generic vocabulary of procurement notices
 * ("要求", "满足", "不低于"…) break the text into runs; single characters only
 * survive joined to a neighbour ("吊"+"舱"), since alone they match everything.
 */

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Generic procurement and specification vocabulary; not about any product. */
const STOP_WORDS = new Set(
  [
    // function words and measure words
    '的', '地', '得', '了', '与', '及', '和', '或', '并', '且', '而', '等', '为', '由', '将', '以', '把', '被', '在', '于', '对', '从', '向', '至', '其',
    '该', '此', '各', '每', '个', '之', '也', '还', '又', '即', '如', '若', '则', '所', '者', '是', '有', '无', '可', '能', '应', '须', '需', '要', '拟',
    '某', '型', '类', '项', '套', '台', '件', '只', '名', '批', '次', '年', '月', '日', '天', '时', '分', '内', '外', '后', '前', '中', '上', '下', '不',
    '以上', '以下', '以内', '之间', '其中', '包括', '同时', '相关', '进行', '具有', '通过', '用于', '适用', '实现', '采用', '使用', '可以', '能够', '应当',
    '需要', '必须', '原则', '方面', '条件', '情况', '方式', '情形', '目前', '现有', '后续', '首批', '单个', '整体', '主要', '一般', '其他', '以及', '或者',
    // requirement and specification wording
    '要求', '满足', '具备', '符合', '达到', '不低', '低于', '高于', '大于', '小于', '不大', '不小', '不少', '少于', '多于', '超过', '优于', '不超', '至少',
    '最大', '最小', '不得', '确保', '保证', '提高', '降低', '提升', '支持', '兼容', '可靠', '稳定', '良好', '较高', '较低', '快速', '有效', '完成',
    '时间', '小时', '分钟', '重量', '尺寸', '数量', '规格', '指标', '性能', '参数', '精度', '范围', '长度', '宽度', '高度', '直径', '功率', '总重',
    // procurement process vocabulary
    '采购', '招标', '投标', '供应', '供应商', '供方', '承研', '承制', '研制', '研发', '生产', '批产', '交付', '提供', '配套', '服务', '项目', '单位',
    '能力', '经验', '业绩', '资质', '资格', '认证', '证书', '验证', '验收', '试验', '测试', '工程', '设计', '方案', '实施', '保障', '维护', '技术',
    '产品', '设备', '装备', '系统', '需求', '用户', '部队', '军队', '我部', '现需', '拟采购', '公开', '征集', '合作', '环境',
    '一批', '整套', '资料', '现场', '周期', '批量', '供货', '质量', '体系', '关键', '自主', '可控', '国产', '国产化', '联合', '攻关',
    '方向', '领域', '面向', '社会', '工作',
    // English counterparts
    'the', 'and', 'for', 'with', 'of', 'to', 'in', 'on', 'by', 'or', 'a', 'an', 'as', 'at', 'be', 'is', 'are', 'from', 'per', 'up', 'than',
    'supply', 'supplier', 'system', 'systems', 'equipment', 'product', 'products', 'service', 'services', 'requirement', 'requirements', 'required',
  ].map((word) => word.toLowerCase()),
);

const CJK = /\p{Script=Han}/u;
const HAS_LETTER = /\p{L}/u;

interface Segment {
  text: string;
  /** A stop word, a number or punctuation: ends the current run of content words. */
  breaks: boolean;
}

function segments(text: string): Segment[] {
  const out: Segment[] = [];
  for (const segment of segmenter.segment(text)) {
    const term = segment.segment.toLowerCase().normalize('NFKC').trim();
    if (!segment.isWordLike || term === '') {
      out.push({ text: '', breaks: true });
      continue;
    }
    out.push({ text: term, breaks: STOP_WORDS.has(term) || !HAS_LETTER.test(term) });
  }
  return out;
}

function isSingleHan(term: string): boolean {
  return [...term].length === 1 && CJK.test(term);
}

/**
 * Query terms of a text, in order of first appearance, each as the index
 * tokens it consists of: a content word of two or more characters, and a
 * single character joined to its neighbours within a run.
 */
export function informativeTerms(text: string): string[][] {
  const terms = new Map<string, string[]>();
  const add = (tokens: string[]): void => {
    const key = tokens.join(' ');
    if (!terms.has(key)) terms.set(key, tokens);
  };
  let run: string[] = [];
  const flush = (): void => {
    run.forEach((token, i) => {
      if (!isSingleHan(token)) {
        if ([...token].length >= 2) add([token]);
        return;
      }
      if (i > 0 && !isSingleHan(run[i - 1]!)) add([run[i - 1]!, token]);
      if (i + 1 < run.length) add([token, run[i + 1]!]);
    });
    run = [];
  };
  for (const segment of segments(text)) {
    if (segment.breaks) flush();
    else run.push(segment.text);
  }
  flush();
  return [...terms.values()];
}

/** The content tokens of a short phrase (a taxonomy keyword or label), stop words left out. */
export function phraseTokens(phrase: string): string[] {
  return segments(phrase).filter((segment) => !segment.breaks).map((segment) => segment.text);
}
