import type { Locale } from '../core/i18n';

export interface MailTemplates {
  'verify-email': { name: string; organisation: string; link: string };
  'password-reset': { name: string; link: string; validMinutes: number };
  invitation: { organisation: string; inviter: string; link: string; validDays: number };
  'organisation-decision': { name: string; organisation: string; decision: 'verified' | 'rejected'; reason: string };
  'qualification-decision': { name: string; organisation: string; qualification: string; certificateNumber: string; decision: 'verified' | 'rejected'; reason: string };
  'qualification-expiry-reminder': { name: string; organisation: string; qualification: string; certificateNumber: string; expiresOn: string; daysLeft: number; link: string };
  notification: { organisation: string; title: string; body: string; link: string };
}

export type MailTemplateName = keyof MailTemplates;

type Render<P> = (params: P) => { subject: string; text: string };

const SIGNATURE = { zh: '\n\n—— 融通 · 军民融合供需对接平台\n（系统邮件，请勿直接回复）', en: '\n\n— Rongtong · military–civil fusion matchmaking\n(automatic message, please do not reply)' };

const templates: { [N in MailTemplateName]: Record<Locale, Render<MailTemplates[N]>> } = {
  'verify-email': {
    zh: (p) => ({
      subject: '请验证您的邮箱 · 融通平台',
      text: `${p.name}，您好：\n\n您已为“${p.organisation}”注册融通平台账号。请打开以下链接验证邮箱（24 小时内有效）：\n\n${p.link}\n\n如果这不是您本人的操作，请忽略本邮件。`,
    }),
    en: (p) => ({
      subject: 'Please verify your e-mail address · Rongtong',
      text: `Dear ${p.name},\n\nYou registered a Rongtong account for "${p.organisation}". Open this link within 24 hours to verify your e-mail address:\n\n${p.link}\n\nIf this was not you, please ignore this message.`,
    }),
  },
  'password-reset': {
    zh: (p) => ({
      subject: '重置密码 · 融通平台',
      text: `${p.name}，您好：\n\n我们收到了重置您融通平台密码的请求。请在 ${p.validMinutes} 分钟内打开以下链接设置新密码（仅可使用一次）：\n\n${p.link}\n\n如果您没有申请重置密码，请忽略本邮件，您的密码不会改变。`,
    }),
    en: (p) => ({
      subject: 'Reset your password · Rongtong',
      text: `Dear ${p.name},\n\nWe received a request to reset your Rongtong password. Open this link within ${p.validMinutes} minutes to choose a new one (it works once):\n\n${p.link}\n\nIf you did not ask for this, ignore this message; your password stays unchanged.`,
    }),
  },
  invitation: {
    zh: (p) => ({
      subject: `${p.organisation} 邀请您加入融通平台`,
      text: `您好：\n\n${p.inviter} 邀请您以“${p.organisation}”成员身份加入融通平台。请在 ${p.validDays} 天内打开以下链接设置姓名和密码：\n\n${p.link}`,
    }),
    en: (p) => ({
      subject: `${p.organisation} invites you to Rongtong`,
      text: `Hello,\n\n${p.inviter} invites you to join Rongtong as a member of "${p.organisation}". Open this link within ${p.validDays} days to set your name and password:\n\n${p.link}`,
    }),
  },
  'organisation-decision': {
    zh: (p) => ({
      subject: p.decision === 'verified' ? `“${p.organisation}”已通过认证 · 融通平台` : `“${p.organisation}”未通过认证 · 融通平台`,
      text:
        p.decision === 'verified'
          ? `${p.name}，您好：\n\n贵单位“${p.organisation}”已通过融通平台认证。${p.reason ? `\n\n说明：${p.reason}` : ''}`
          : `${p.name}，您好：\n\n贵单位“${p.organisation}”的认证申请未通过。\n\n原因：${p.reason}\n\n请根据上述原因补充材料后重新提交。`,
    }),
    en: (p) => ({
      subject: p.decision === 'verified' ? `"${p.organisation}" has been verified · Rongtong` : `"${p.organisation}" was not verified · Rongtong`,
      text:
        p.decision === 'verified'
          ? `Dear ${p.name},\n\nYour organisation "${p.organisation}" has been verified on Rongtong.${p.reason ? `\n\nNote: ${p.reason}` : ''}`
          : `Dear ${p.name},\n\nThe verification of "${p.organisation}" was declined.\n\nReason: ${p.reason}\n\nPlease resubmit with the missing information.`,
    }),
  },
  'qualification-decision': {
    zh: (p) => ({
      subject: p.decision === 'verified' ? `资质已通过认证：${p.qualification} · 融通平台` : `资质未通过认证：${p.qualification} · 融通平台`,
      text:
        p.decision === 'verified'
          ? `${p.name}，您好：\n\n贵单位“${p.organisation}”登记的${p.qualification}（证书编号 ${p.certificateNumber}）已通过认证，在有效期内将展示在单位主页并用于需求匹配。${p.reason ? `\n\n说明：${p.reason}` : ''}`
          : `${p.name}，您好：\n\n贵单位“${p.organisation}”登记的${p.qualification}（证书编号 ${p.certificateNumber}）未通过认证。\n\n原因：${p.reason}\n\n请修改资质信息或重新上传证书扫描件后再次提交。`,
    }),
    en: (p) => ({
      subject: p.decision === 'verified' ? `Qualification verified: ${p.qualification} · Rongtong` : `Qualification not verified: ${p.qualification} · Rongtong`,
      text:
        p.decision === 'verified'
          ? `Dear ${p.name},\n\nThe ${p.qualification} (certificate ${p.certificateNumber}) of "${p.organisation}" has been verified. While it is valid it is shown on your profile and counts in matching.${p.reason ? `\n\nNote: ${p.reason}` : ''}`
          : `Dear ${p.name},\n\nThe ${p.qualification} (certificate ${p.certificateNumber}) of "${p.organisation}" was not verified.\n\nReason: ${p.reason}\n\nPlease correct it or upload a new scan of the certificate and submit it again.`,
    }),
  },
  'qualification-expiry-reminder': {
    zh: (p) => ({
      subject: `资质将于 ${p.daysLeft} 天后到期：${p.qualification} · 融通平台`,
      text: `${p.name}，您好：\n\n贵单位“${p.organisation}”的${p.qualification}（证书编号 ${p.certificateNumber}）有效期至 ${p.expiresOn}，还有 ${p.daysLeft} 天。到期后该资质不再展示，也不再用于需求匹配。\n\n换发新证后，请在以下页面更新证书信息和扫描件：\n\n${p.link}`,
    }),
    en: (p) => ({
      subject: `Qualification expires in ${p.daysLeft} days: ${p.qualification} · Rongtong`,
      text: `Dear ${p.name},\n\nThe ${p.qualification} (certificate ${p.certificateNumber}) of "${p.organisation}" is valid until ${p.expiresOn}, ${p.daysLeft} days from now. After that it is no longer shown or used in matching.\n\nOnce the certificate is renewed, update it and its scan here:\n\n${p.link}`,
    }),
  },
  notification: {
    zh: (p) => ({
      subject: `${p.title} · 融通平台`,
      text: `${p.organisation}：\n\n${p.title}\n\n${p.body ? `${p.body}\n\n` : ''}详情请登录平台查看：\n\n${p.link}`,
    }),
    en: (p) => ({
      subject: `${p.title} · Rongtong`,
      text: `${p.organisation}:\n\n${p.title}\n\n${p.body ? `${p.body}\n\n` : ''}Sign in to the platform for the details:\n\n${p.link}`,
    }),
  },
};

export function renderMail<N extends MailTemplateName>(name: N, locale: Locale, params: MailTemplates[N]): { subject: string; text: string } {
  const rendered = templates[name][locale](params);
  return { subject: rendered.subject, text: rendered.text + SIGNATURE[locale] };
}
