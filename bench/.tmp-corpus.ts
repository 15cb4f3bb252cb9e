export interface BenchDoc {
  id: string;
  title: string;
  description: string;
  category: string;
  price: number;
}

interface Row {
  name: string;
  buildMs: number;
  heapMb: number;
  p50: number;
  p95: number;
  p99: number;
  avgHits: number;
}

const ZH_WORDS = [
  '复合材料', '螺旋桨', '高性能', '无人机', '雷达', '传感器', '芯片', '卫星', '导航', '通信', '钛合金', '激光',
  '精密', '加工', '制造', '检测', '设备', '系统', '电子', '光学', '发动机', '电池', '储能', '北斗', '模块',
  '軍民', '融合', '装备', '维修', '软件', '平台', '测试', '仿真', '材料', '陶瓷', '涂层', '轴承', '液压',
];

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

export function buildCorpus(count: number): { docs: BenchDoc[]; queries: string[] } {
  const random = seededRandom(42);
  const syllables = ['ka', 'lo', 'mi', 'ter', 'pro', 'val', 'sen', 'dri', 'com', 'pos', 'ite', 'ar', 'on', 'tec', 'ra', 'ble', 'nu', 'ex'];
  const vocabulary = new Set<string>();
  while (vocabulary.size < 20000) {
    const parts = 1 + Math.floor(random() * 4);
    let word = '';
    for (let i = 0; i < parts; i += 1) word += syllables[Math.floor(random() * syllables.length)];
    vocabulary.add(word);
  }
  const words = [...vocabulary];
  // Zipf-like pick so some terms are very common, like real product text.
  const pickWord = (): string => words[Math.floor(words.length * random() ** 3)]!;
  const pickZh = (): string => ZH_WORDS[Math.floor(random() * ZH_WORDS.length)]!;
  const docs: BenchDoc[] = [];
  for (let i = 0; i < count; i += 1) {
    const titleWords = 2 + Math.floor(random() * 3);
    let title = '';
    for (let w = 0; w < titleWords; w += 1) title += pickZh();
    const descWords = 8 + Math.floor(random() * 12);
    const description: string[] = [];
    for (let w = 0; w < descWords; w += 1) description.push(pickWord());
    docs.push({
      id: String(i),
      title: `${title} ${pickWord()}`,
      description: description.join(' '),
      category: `cat${Math.floor(random() * 20)}`,
      price: Math.floor(random() * 10000),
    });
  }
  const queries: string[] = [];
  for (let i = 0; i < 300; i += 1) {
    const kind = i % 5;
    if (kind === 0) queries.push(pickWord());
    else if (kind === 1) queries.push(`${pickWord()} ${pickWord()}`);
    else if (kind === 2) {
      const word = pickWord();
      queries.push(word.length > 5 ? `${word.slice(0, 2)}x${word.slice(3)}` : word);
    } else if (kind === 3) {
      const word = pickWord();
      queries.push(word.slice(0, Math.max(3, Math.ceil(word.length / 2))));
    } else queries.push(pickZh() + (random() < 0.5 ? pickZh() : ''));
  }
  return { docs, queries };
}

