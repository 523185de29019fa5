import MarkdownIt from 'markdown-it';
import type { Markdown } from './transcriptHtml.js';

/**
 * The agent's text is untrusted, so its markdown is rendered with raw HTML off (tags come out as
 * text), links only to the web or mail (no command:, file: or relative links into the webview)
 * and no images (the page loads nothing remote; an image would be a broken box or a beacon).
 * Only explicit http(s) addresses become links: fuzzy linking would turn README.md into a link
 * to the Moldovan domain.
 */
export function createMarkdown(): Markdown {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false });
  md.disable('image');
  md.validateLink = (url) => /^(https?:|mailto:)/i.test(url.trim());
  return (text) => md.render(text);
}
