import type { Message, Notification, WebhookFormat } from './types.js';

/** What one webhook POST carries. */
export interface WebhookBody {
  contentType: string;
  body: string;
  /** Extra headers the format itself needs (ntfy's Title, Tags, Priority). */
  headers: Record<string, string>;
}

const DISCORD_LIMIT = 2000;
const SLACK_LIMIT = 3000;
/** ntfy's tags are emoji short codes: they show as the message's icon. */
const NTFY_TAGS: Readonly<Record<Message['event'], string>> = {
  question: 'question',
  answered: 'speech_balloon',
  blocked: 'warning',
  failed: 'x',
  merged: 'white_check_mark',
  cancelled: 'wastebasket',
  'limit.paused': 'hourglass',
  'limit.resumed': 'arrow_forward',
  'daemon.failed': 'rotating_light',
  digest: 'bell',
};
const URGENT = new Set<Message['event']>(['question', 'failed', 'daemon.failed']);

/** The body a webhook of `format` takes as it is: Slack and Discord incoming webhooks, an ntfy topic URL, or plain JSON. */
export function webhookBody(message: Message, format: WebhookFormat): WebhookBody {
  switch (format) {
    case 'json':
      return { contentType: 'application/json', body: JSON.stringify(message), headers: {} };
    case 'slack': {
      const text = limit(`*${slackEscape(message.title)}*\n${slackEscape(plainText(message))}`, SLACK_LIMIT);
      return { contentType: 'application/json', body: JSON.stringify({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }), headers: {} };
    }
    case 'discord':
      // allowed_mentions: an agent's words in a question must never ping @everyone.
      return { contentType: 'application/json', body: JSON.stringify({ username: 'ccx', content: limit(`**${message.title}**\n${plainText(message)}`, DISCORD_LIMIT), allowed_mentions: { parse: [] } }), headers: {} };
    case 'ntfy':
      return {
        contentType: 'text/plain; charset=utf-8',
        body: plainText(message),
        headers: { Title: headerValue(message.title), Tags: NTFY_TAGS[message.event], Priority: URGENT.has(message.event) ? 'high' : 'default' },
      };
  }
}

/** The message as plain text: the sentence, or a digest's sentences one a line. */
export function plainText(message: Message): string {
  if (message.event !== 'digest') return message.text;
  return [message.text, ...message.notifications.map((item: Notification) => `• ${item.text}`)].join('\n');
}

function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function limit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A header value must be Latin-1: anything else goes RFC 2047-encoded, which ntfy decodes. */
function headerValue(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(oneLine) ? oneLine : `=?UTF-8?B?${Buffer.from(oneLine, 'utf8').toString('base64')}?=`;
}
