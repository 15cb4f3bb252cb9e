import MarkdownIt from 'markdown-it';

/**
 * Listing descriptions are Markdown written by other organisations: raw HTML
 * is refused (shown as text), images are off (the CSP would block remote ones
 * and they would report who viewed a listing), and links keep markdown-it's
 * scheme check (no `javascript:`, `vbscript:`, `file:`, `data:`) and open
 * without a referrer.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false }).disable(['image']);

const renderLinkOpen = markdown.renderer.rules.link_open ?? ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options));
markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
  tokens[index]!.attrSet('rel', 'nofollow noopener noreferrer');
  return renderLinkOpen(tokens, index, options, env, self);
};

export function renderMarkdown(source: string): string {
  return markdown.render(source);
}
